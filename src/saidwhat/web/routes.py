"""The routes: every HTML page and its JSON twin under ``/api/…`` share one data function in
``views``. Only GET exists; the HTML pages are left out of the OpenAPI schema."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from saidwhat.models import REASONS
from saidwhat.web import highlight, views
from saidwhat.web.chart import geometry
from saidwhat.web.params import MAX_FIELD_CHARS, Paging, SearchParams, identifier, one_of, paging, search_params

html = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
api = APIRouter(prefix="/api")

IdPath = Annotated[str, Path(max_length=200, description="Identifier (as in the permalinks).")]
Reason = Annotated[str | None, Query(max_length=40, description="One of: " + ", ".join(REASONS))]


def store(request: Request):
    return request.app.state.store


def cache(request: Request) -> views.Cache:
    return request.app.state.cache


def render(request: Request, name: str, **ctx) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, ctx)


# --- home ----------------------------------------------------------------------------------------

@api.get("/home", tags=["pages"], summary="Corpus figures, latest statements, top actors")
def api_home(request: Request) -> dict:
    return views.home(store(request), cache(request))


@html.get("/")
def home(request: Request):
    return render(request, "home.html", data=views.home(store(request), cache(request)),
                  facets=views.facets(store(request), cache(request)))


# --- search --------------------------------------------------------------------------------------

@api.get("/search", tags=["statements"],
         summary="Full-text search over statements with filters, paginated")
def api_search(request: Request, p: SearchParams = Depends(search_params),
               pg: Paging = Depends(paging)) -> dict:
    return views.search(store(request), p, pg)


@html.get("/search")
def search(request: Request, p: SearchParams = Depends(search_params),
           pg: Paging = Depends(paging)):
    return render(request, "search.html", data=views.search(store(request), p, pg), p=p,
                  facets=views.facets(store(request), cache(request)))


@api.get("/facets", tags=["statements"], summary="Outlets, languages, kinds and event types")
def api_facets(request: Request) -> dict:
    return views.facets(store(request), cache(request))


# --- statement -----------------------------------------------------------------------------------

@api.get("/statements/{statement_id}", tags=["statements"],
         summary="One statement, its document, context and other reports of the same utterance")
def api_statement(request: Request, statement_id: IdPath) -> dict:
    data, _ = views.statement(store(request), identifier(statement_id, "statement"))
    return data


@html.get("/statements/{statement_id}")
def statement(request: Request, statement_id: IdPath):
    data, text = views.statement(store(request), identifier(statement_id, "statement"))
    spans = highlight.statement_spans(data["statement"], focus=True)
    return render(request, "statement.html", data=data,
                  segments=highlight.segments(text, spans))


# --- actor ---------------------------------------------------------------------------------------

@api.get("/actors/{actor_id:path}", tags=["actors"],
         summary="An actor's profile, aliases, statements per week and statements (paginated)")
def api_actor(request: Request, actor_id: IdPath, pg: Paging = Depends(paging)) -> dict:
    return views.actor(store(request), identifier(actor_id, "actor"), pg)


@html.get("/actors/{actor_id:path}")
def actor(request: Request, actor_id: IdPath, pg: Paging = Depends(paging)):
    data = views.actor(store(request), identifier(actor_id, "actor"), pg)
    return render(request, "actor.html", data=data, chart=geometry(data["chart"]))


# --- cluster -------------------------------------------------------------------------------------

@api.get("/clusters/{cluster_id}", tags=["statements"],
         summary="All reports of one utterance (a cluster id, or a statement id)")
def api_cluster(request: Request, cluster_id: IdPath) -> dict:
    data, texts = views.cluster(store(request), identifier(cluster_id, "cluster"))
    for r in data["statements"]:
        text = texts.get(r["doc_id"], "")
        ctx = highlight.context(text, r)
        r["context"] = "".join(s.text for s in ctx["segments"])
    return data


@html.get("/clusters/{cluster_id}")
def cluster(request: Request, cluster_id: IdPath):
    data, texts = views.cluster(store(request), identifier(cluster_id, "cluster"))
    contexts = {r["id"]: highlight.context(texts.get(r["doc_id"], ""), r)
                for r in data["statements"]}
    return render(request, "cluster.html", data=data, contexts=contexts)


# --- document ------------------------------------------------------------------------------------

@api.get("/documents/{doc_id}", tags=["documents"],
         summary="A document's text and metadata with all its statements")
def api_document(request: Request, doc_id: IdPath) -> dict:
    return views.document(store(request), identifier(doc_id, "document"))


@html.get("/documents/{doc_id}")
def document(request: Request, doc_id: IdPath):
    data = views.document(store(request), identifier(doc_id, "document"))
    spans = [s for st in data["statements"] for s in highlight.statement_spans(st)]
    return render(request, "document.html", data=data,
                  segments=highlight.segments(data["document"]["text"], spans))


# --- ingest errors -------------------------------------------------------------------------------

@api.get("/errors", tags=["documents"], summary="Skipped and failed documents with reasons")
def api_errors(request: Request, reason: Reason = None, pg: Paging = Depends(paging)) -> dict:
    return views.errors(store(request), one_of(reason, REASONS, "reason"), pg)


@html.get("/errors")
def errors(request: Request, reason: Reason = None, pg: Paging = Depends(paging)):
    data = views.errors(store(request), one_of(reason, REASONS, "reason"), pg)
    return render(request, "errors.html", data=data, reasons=REASONS)


# --- service -------------------------------------------------------------------------------------

@api.get("/health", tags=["service"], summary="Liveness: ok and the database it reads")
def api_health(request: Request) -> dict:
    return {"status": "ok", "database": request.app.state.db_label, "read_only": True}


@html.get("/api/docs")
def api_docs(request: Request):
    """The OpenAPI description as a page (rendered here: no Swagger assets from a CDN)."""
    return render(request, "apidocs.html", spec=request.app.openapi(),
                  max_field=MAX_FIELD_CHARS)
