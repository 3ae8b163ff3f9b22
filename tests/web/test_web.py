"""The web UI and JSON API (saidwhat.web) through FastAPI's TestClient: every page and its JSON twin,
search with filters and pagination, highlighting, other reports, the actor chart, and safety: article
text with <script>, SQL metacharacters and odd unicode in search, out-of-range parameters, unknown ids,
paths outside the static folder, read-only connections. No spaCy: the database is filled by hand."""
from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what it supports today
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from saidwhat.link import store_linking  # noqa: E402
from saidwhat.models import DocResult, Document, IngestError, Statement  # noqa: E402
from saidwhat.store import Store  # noqa: E402

XSS = "<script>alert(1)</script>"
QUOTE = "Baku must keep the Lachin corridor open for civilian traffic at all times"


def _doc(id_, text, **kw) -> Document:
    kw.setdefault("language", "en")
    return Document(id=id_, source=f"/corpus/{id_}.txt", text=text, **kw)


def _st(doc: Document, quote: str, **kw) -> Statement:
    start = doc.text.index(quote)
    return Statement(doc=doc.name, doc_id=doc.id, quote=quote, start=start,
                     end=start + len(quote), **kw)


def _speaker(doc: Document, mention: str, **kw) -> dict:
    s = doc.text.index(mention)
    return dict(speaker_mention=mention, speaker_start=s, speaker_end=s + len(mention), **kw)


ZAKHAROVA = dict(speaker="Maria Zakharova", actor_id="person:maria-zakharova",
                 actor_type="person", country="RUS", sector="MFA")


def fill(path: str) -> str:
    """The hand-made corpus of these tests, stored in ``path`` (a SQLite file or a database URL;
    tests/test_web_pg.py runs these tests again on PostgreSQL)."""
    a = _doc("doca000000000001",
             f"Zakharova warns Baku {XSS}\n\nRussian foreign ministry spokeswoman Maria Zakharova "
             f"said on Thursday: “{QUOTE}.” She added that Moscow {XSS} was ready to help.",
             title=f"Zakharova warns Baku {XSS}", outlet="Wire <b>A</b>", published="2023-09-14",
             date_basis="header")
    b = _doc("docb000000000002",
             f"Moscow repeats warning\n\nZakharova told reporters: \"{QUOTE.upper()}!\" "
             "Azerbaijan did not respond.", title="Moscow repeats warning", outlet="Paper B",
             published="2023-09-20", date_basis="header", language="fr")
    c = _doc("docc000000000003",
             "Émoji 😀 report\n\nThe ministry said the talks were ‮reversed‮ and “very 😀 productive”.",
             title="Émoji 😀 report", outlet="Wire <b>A</b>", published="2024-01-03")
    results = [
        DocResult(a, [
            _st(a, QUOTE, kind="direct", cue="say", cue_text="said", date="2023-09-14",
                date_basis="weekday", targets=["AZE"], target_actors=["AZE"], confidence=0.9,
                **_speaker(a, "Russian foreign ministry spokeswoman Maria Zakharova", **ZAKHAROVA)),
            _st(a, f"Moscow {XSS} was ready to help", kind="indirect", cue="add", date="2023-09-14",
                date_basis="context", **_speaker(a, "She", **ZAKHAROVA)),
        ]),
        DocResult(b, [_st(b, QUOTE.upper() + "!", kind="direct", cue="tell", date="2023-09-20",
                          **_speaker(b, "Zakharova", **ZAKHAROVA)),
                      _st(b, "respond", kind="indirect", negated=True, date="2023-09-20",
                          speaker="Azerbaijan", actor_id="AZE", actor_type="country")]),
        DocResult(c, [_st(c, "very 😀 productive", kind="mixed", date="2024-01-03",
                          speaker="Russian Foreign Ministry", actor_id="org:RUS-MFA")]),
    ]
    with Store(path, linking=store_linking()) as store:
        store.add_results(results)
        store.add_errors([IngestError(source=f"/corpus/{XSS}.html", reason="no_article_text",
                                      message=f"nothing in {XSS}")])
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fill(str(tmp_path_factory.mktemp("web") / "web.db"))


@pytest.fixture(scope="module")
def client(db):
    from saidwhat.web import create_app

    with TestClient(create_app(db)) as c:
        yield c


def ids(client, **params) -> list[str]:
    r = client.get("/api/search", params=params)
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()["statements"]]


def quote_id(client, text: str) -> str:
    return next(s["id"] for s in client.get("/api/search", params={"limit": 100}).json()
                ["statements"] if s["quote"] == text)


# --- pages and their JSON twins ------------------------------------------------------------------

def test_home_has_figures_latest_and_top_actors(client):
    data = client.get("/api/home").json()
    assert data["statements"] == 5 and data["documents"] == 3
    assert data["top_actors"][0]["actor_id"] == "person:maria-zakharova"
    assert data["latest"][0]["date"] == "2024-01-03"
    html = client.get("/").text
    assert "Top actors" in html and "/actors/person:maria-zakharova" in html


def test_search_words_filters_and_pagination(client):
    assert len(ids(client, q="Zakharova Lachin")) == 2          # speaker + quote words, both docs
    assert len(ids(client, q="lachin", language="fr")) == 1
    assert len(ids(client, q="lachin", outlet="Wire <b>A</b>")) == 1
    assert len(ids(client, speaker="zakharova", since="2023-09-15")) == 1
    assert len(ids(client, until="2023-09")) == 4
    assert len(ids(client, target="AZE")) == 1
    assert len(ids(client, kind="mixed")) == 1
    assert len(ids(client, negated="true")) == 1
    assert len(ids(client, q="lach*")) == 2
    page1 = client.get("/api/search", params={"limit": 2}).json()
    page3 = client.get("/api/search", params={"limit": 2, "page": 3}).json()
    assert page1["total"] == 5 and page1["pages"] == 3 and len(page3["statements"]) == 1
    html = client.get("/search", params={"q": "lachin", "limit": 1}).text
    assert "page 1 of 2" in html and "page=2" in html


def test_statement_is_highlighted_in_its_article_with_other_reports(client):
    sid = quote_id(client, QUOTE)
    html = client.get(f"/statements/{sid}").text
    assert f'<mark class="focus" id="hl">{QUOTE}</mark>' in html
    assert '<mark class="speaker">Russian foreign ministry spokeswoman Maria Zakharova</mark>' in html
    data = client.get(f"/api/statements/{sid}").json()
    assert data["context"]["quote"] == QUOTE and data["statement"]["date_basis"] == "weekday"
    assert data["other_reports_basis"] == "quote"
    assert [r["doc_id"] for r in data["other_reports"]] == ["docb000000000002"]
    assert data["links"]["actor"] == "/actors/person:maria-zakharova"


def test_cluster_shows_all_reports_first_report_first(client):
    sid = quote_id(client, QUOTE)
    data = client.get(f"/api/clusters/{sid}").json()
    assert [r["doc_id"] for r in data["statements"]] == ["doca000000000001", "docb000000000002"]
    assert data["first"] == sid and QUOTE in data["statements"][0]["context"]
    html = client.get(f"/clusters/{sid}").text
    assert html.count('class="report') == 2 and "first report" in html


def test_actor_profile_aliases_and_weekly_chart(client):
    data = client.get("/api/actors/person:maria-zakharova").json()
    a = data["actor"]
    assert a["statements"] == 3 and a["documents"] == 2 and a["name"] == "Maria Zakharova"
    assert {x["mention"] for x in a["aliases"]} == {
        "Russian foreign ministry spokeswoman Maria Zakharova", "She", "Zakharova"}
    weeks = {w["week"]: w["counts"] for w in data["chart"]["weeks"] if w["total"]}
    assert weeks == {"2023-W37": {"direct": 1, "indirect": 1}, "2023-W38": {"direct": 1}}
    assert data["chart"]["by"] == "kind"
    html = client.get("/actors/person:maria-zakharova").text
    assert '<svg id="weekly-chart"' in html and html.count('<rect class="bar') == 3


def test_document_has_every_statement_highlighted(client):
    data = client.get("/api/documents/doca000000000001").json()
    assert len(data["statements"]) == 2 and data["document"]["text"].startswith("Zakharova")
    html = client.get("/documents/doca000000000001").text
    for st in data["statements"]:
        assert f'href="/statements/{st["id"]}"' in html


def test_errors_page_and_openapi(client):
    assert client.get("/api/errors").json()["errors"][0]["reason"] == "no_article_text"
    assert client.get("/api/errors", params={"reason": "empty"}).json()["total"] == 0
    spec = client.get("/openapi.json").json()
    for path in ("/api/home", "/api/search", "/api/statements/{statement_id}",
                 "/api/actors/{actor_id}", "/api/clusters/{cluster_id}",
                 "/api/documents/{doc_id}", "/api/errors"):
        assert path in spec["paths"], path
    assert "/api/search" in client.get("/api/docs").text


# --- safety --------------------------------------------------------------------------------------

def test_article_html_is_escaped_everywhere(client):
    sid = quote_id(client, f"Moscow {XSS} was ready to help")
    for path in ("/", "/search?q=moscow", f"/statements/{sid}", "/documents/doca000000000001",
                 "/actors/person:maria-zakharova", f"/clusters/{sid}", "/errors", "/search"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<b>A</b>" not in html, path
        assert "&lt;script&gt;" in html or "Wire &lt;b&gt;A&lt;/b&gt;" in html, path
    assert XSS in client.get(f"/api/statements/{sid}").json()["statement"]["quote"]


NASTY = ["'; DROP TABLE statements; --", '"', "*", "NEAR(", "NEAR(a b", "\u202e", "😀", "a\x00b",
         "quote:lachin", "^lachin", "(lachin) OR 1=1", "%", "_", "\\", "lachin AND", "-lachin",
         "ｌａｃｈｉｎ", "\u0000", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
         "a" * 200, "' OR ''='", "{quote}:x", "NOT", "\"\"\"", "lachin\"*"]


@pytest.mark.parametrize("q", NASTY)
def test_search_survives_metacharacters_and_odd_unicode(client, q):
    for path in ("/api/search", "/search"):
        r = client.get(path, params={"q": q, "speaker": q[:100], "outlet": q[:100]})
        assert r.status_code == 200, (q, r.text[:300])
    assert client.get("/api/home").json()["statements"] == 5


@pytest.mark.parametrize("params", [
    {"page": -1}, {"page": 0}, {"page": 10**9}, {"limit": 100000}, {"limit": 0},
    {"page": "x"}, {"q": "x" * 201}, {"speaker": "y" * 101}])
def test_out_of_range_parameters_are_422(client, params):
    r = client.get("/api/search", params=params)
    assert r.status_code == 422 and r.json()["detail"]
    r = client.get("/search", params=params)
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]
    assert "Bad request" in r.text


@pytest.mark.parametrize("params, word", [
    ({"since": "2024-13-01"}, "since"), ({"until": "yesterday"}, "until"),
    ({"since": "2023-02-30"}, "since"), ({"since": "2024", "until": "2023"}, "after"),
    ({"kind": "shouted"}, "kind"), ({"sort": "random()"}, "sort"), ({"negated": "maybe"}, "negated")])
def test_bad_values_are_400_with_a_message(client, params, word):
    r = client.get("/api/search", params=params)
    assert r.status_code == 400 and word in r.json()["detail"]
    assert client.get("/search", params=params).status_code == 400
    assert client.get("/api/errors", params={"reason": "'; --"}).status_code == 400


@pytest.mark.parametrize("path", [
    "/statements/nope", "/api/statements/nope", "/actors/person:nobody", "/api/actors/RUS%00",
    "/clusters/nope", "/api/clusters/nope", "/documents/nope", "/api/documents/nope",
    "/no/such/page", "/api/nothing", "/statements/" + "x" * 300])
def test_unknown_ids_are_404(client, path):
    r = client.get(path)
    assert r.status_code in (404, 422), (path, r.status_code)
    if path.startswith("/api/"):
        assert r.json()["detail"]


@pytest.mark.parametrize("path", [
    "/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/../../config.py",
    "/static//etc/passwd", "/static/%2Fetc%2Fpasswd", "/static/templates/base.html"])
def test_no_request_path_reaches_the_filesystem_outside_static(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "import" not in r.text


def test_security_headers_and_read_only(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.post("/api/search").status_code == 405
    assert client.delete("/statements/x").status_code == 405
    import sqlalchemy as sa
    with client.app.state.store.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError):
        conn.execute(sa.text("DELETE FROM statements"))  # query_only / a read-only transaction
    assert client.get("/static/style.css").status_code == 200


def test_head_answers_like_get_without_a_body(client):  # issue 37, item 10
    sid, doc_id = quote_id(client, QUOTE), "doca000000000001"
    paths = ["/", "/search?q=lachin", f"/statements/{sid}", f"/documents/{doc_id}",
             "/actors/person:maria-zakharova", "/errors", "/api/docs", "/api/home",
             "/api/search?q=lachin", "/api/facets", f"/api/statements/{sid}",
             f"/api/documents/{doc_id}", "/api/actors/person:maria-zakharova", "/api/errors",
             "/api/health", "/openapi.json", "/static/style.css"]
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert (path, head.status_code) == (path, 200)
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["content-length"] == str(len(got.content))
        assert head.headers["x-content-type-options"] == "nosniff"
    # what GET refuses, HEAD refuses alike; other methods are still 405
    assert client.head("/statements/nope").status_code == client.get("/statements/nope").status_code == 404
    assert client.head("/api/search?limit=0").status_code == 422
    assert client.request("PUT", "/").status_code == 405


def test_missing_database_is_an_error_not_a_new_file(tmp_path):
    from saidwhat.web import create_app

    with pytest.raises(FileNotFoundError):
        create_app(str(tmp_path / "missing.db"))
    assert not (tmp_path / "missing.db").exists()


def test_web_and_cli_serve_never_import_spacy(db):
    code = (f"import json, sys, time; t = time.perf_counter()\n"
            f"from saidwhat.web import create_app; app = create_app({db!r})\n"
            "import saidwhat.cli, saidwhat.cli.serve, uvicorn\n"
            "s = time.perf_counter() - t\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'torch')"
            " or m.startswith(('saidwhat.pipeline', 'saidwhat.nlp', 'saidwhat.resolve')))\n"
            "print(json.dumps({'heavy': heavy, 's': s}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    assert res["heavy"] == [], res
    # start-up time is measured by bench/web_latency.py, never asserted here (no timed tests)


def test_serve_command_is_registered():
    from typer.testing import CliRunner

    from saidwhat.cli import app

    r = CliRunner().invoke(app, ["serve", "--help"])
    assert r.exit_code == 0 and "--port" in r.output and "127.0.0.1" in r.output
    r = CliRunner().invoke(app, ["serve", "--db", "/nonexistent/dir/x.db"])
    assert r.exit_code == 1
