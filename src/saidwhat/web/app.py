"""The FastAPI application: one read-only Store, Jinja2 templates, static files from the package
folder, security headers, HEAD on every GET route, and error pages (HTML for pages, JSON under /api)
for every 4xx."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from saidwhat.config import Settings
from saidwhat.store import Store
from saidwhat.web import routes
from saidwhat.web.params import BadRequest
from saidwhat.web.views import Cache, q

HERE = Path(__file__).resolve().parent
HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Pure ASGI middleware: the headers above on every response."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in HEADERS if k not in names]]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Pure ASGI middleware: ``HEAD`` answered as ``GET`` without the body (RFC 9110: the same
    status and headers, Content-Length included), on every page, JSON route and static file.
    FastAPI's routes accept only the methods they declare, so without it HEAD is a 405."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def send_headers_only(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def open_store(db: str) -> Store:
    """A Store for serving (``Store.read_only``): the database must exist and be saidwhat's at
    this schema revision; nothing is created or migrated, and connections are read-only."""
    return Store.read_only(db)


def page_url(path: str, query: dict[str, Any], **changes: Any) -> str:
    """``path`` with ``query`` updated by ``changes`` (None drops a key), for pagination links."""
    merged = {**query, **changes}
    qs = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
    return path + ("?" + qs if qs else "")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") and request.url.path != "/api/docs"


def error_response(request: Request, status: int, message: str):
    if wants_json(request):
        return JSONResponse({"detail": message, "status": status}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "message": message},
                                      status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def create_app(db: str, *, store: Store | None = None) -> FastAPI:
    """The ASGI app over database ``db`` (a path or SQLAlchemy URL)."""
    app = FastAPI(
        title="saidwhat", version="1",
        description="Attributed statements from news articles: who said what, to whom, when, "
                    "and who reported it. Read-only. Every HTML page has a JSON twin here.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.store = store or open_store(db)
    app.state.db_label = Path(db).name if "://" not in db else db.split("://", 1)[0]
    app.state.cache = Cache()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(q=q, page_url=page_url)
    templates.env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    app.state.templates = templates

    @app.exception_handler(BadRequest)
    async def _bad(request: Request, exc: BadRequest):
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return error_response(request, 422, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path[:200]}"
        resp = error_response(request, exc.status_code, message)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception):  # never leak a traceback to a client
        return error_response(request, 500, "internal error")

    app.include_router(routes.api)
    app.include_router(routes.html)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)  # outermost: every route sees HEAD as GET
    return app


def app_from_env() -> FastAPI:
    """Factory for uvicorn worker processes (``saidwhat serve --workers N``): the database comes
    from ``SAIDWHAT_DB``."""
    return create_app(Settings().db)


__all__ = ["create_app", "open_store", "app_from_env"]
