"""The web UI and JSON API against PostgreSQL: the tests of ``test_web`` and ``test_web_paging`` collected
a second time with the database in a fresh PostgreSQL schema (full-text search through the tsvector
column and its GIN index instead of FTS5), plus checks that both backends answer the same searches with
the same statements in the same order, that the search uses the GIN index, and that the web's
PostgreSQL connections are read-only.

The server comes from ``tests/pg_support.py`` (``$SAIDWHAT_TEST_PG``, else the local Debian
cluster, started on demand). Without one every test here SKIPS, with the reason.
"""
from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

import test_web  # noqa: E402
import test_web_paging  # noqa: E402

import pg_support  # noqa: E402

# Every page, JSON twin, filter and safety test of test_web and the search at size of
# test_web_paging, on PostgreSQL. Left out: the ones about SQLite files and process start-up
# (missing database file, spaCy never imported, the serve command), which do not depend on the backend.
WEB_TESTS = [
    "test_home_has_figures_latest_and_top_actors", "test_search_words_filters_and_pagination",
    "test_actor_profile_aliases_and_weekly_chart", "test_document_has_every_statement_highlighted",
    "test_errors_page_and_openapi", "test_article_html_is_escaped_everywhere",
    "test_search_survives_metacharacters_and_odd_unicode", "test_out_of_range_parameters_are_422",
    "test_bad_values_are_400_with_a_message", "test_unknown_ids_are_404",
    "test_no_request_path_reaches_the_filesystem_outside_static",
    "test_security_headers_and_read_only",
]
PAGING_TESTS = ["test_search_pages_follow_one_order_and_counts_cap",
                "test_relevance_pages_are_ranked_and_disjoint"]
for _module, _names in ((test_web, WEB_TESTS), (test_web_paging, PAGING_TESTS)):
    for _name in _names:
        globals()[_name.replace("test_", "test_pg_web_", 1)] = getattr(_module, _name)
del _module, _names, _name

# Other reports of an utterance: on PostgreSQL the candidates come from the tsvector (a phrase query),
# so the upper-cased report in the other document is found as on SQLite.
def test_pg_web_statement_is_highlighted_in_its_article_with_other_reports(client):
    test_web.test_statement_is_highlighted_in_its_article_with_other_reports(client)


def test_pg_web_cluster_shows_all_reports_first_report_first(client):
    test_web.test_cluster_shows_all_reports_first_report_first(client)


@pytest.fixture(scope="module")
def pg_dsn() -> str:
    dsn, reason = pg_support.ensure_server(install=False)
    if not dsn:
        pg_support.unavailable(reason)
    return dsn


@pytest.fixture(scope="module")
def db(pg_dsn):
    """test_web's corpus in a fresh PostgreSQL schema (dropped afterwards)."""
    name, url = pg_support.new_schema(pg_dsn, "web")
    yield test_web.fill(url)
    pg_support.drop_schema(pg_dsn, name)


@pytest.fixture(scope="module")
def client(db):
    from saidwhat.web import create_app

    with TestClient(create_app(db)) as c:
        assert c.app.state.store.dialect == "postgresql"
        yield c


@pytest.fixture(scope="module")
def many_client(pg_dsn):
    from saidwhat.web import create_app

    name, url = pg_support.new_schema(pg_dsn, "many")
    try:
        with TestClient(create_app(test_web_paging.fill_many(url))) as c:
            yield c
    finally:
        pg_support.drop_schema(pg_dsn, name)


@pytest.fixture(scope="module")
def lite_client(tmp_path_factory):
    from saidwhat.web import create_app

    with TestClient(create_app(test_web.fill(str(tmp_path_factory.mktemp("w") / "w.db")))) as c:
        yield c


SEARCHES = [
    {"q": "lachin"}, {"q": "Zakharova Lachin"}, {"q": "lach*"}, {"q": "corridor open"},
    {"q": "lachin", "sort": "relevance"}, {"q": "zakharova", "sort": "relevance"},
    {"q": "lachin", "sort": "date"}, {"q": "lachin", "language": "fr"},
    {"q": "lachin", "outlet": "Wire <b>A</b>"}, {"q": "moscow", "kind": "indirect"},
    {"q": "zakharova", "target": "AZE"}, {"q": "lachin", "since": "2023-09-15"},
    {"q": "zakharova", "limit": 1, "page": 2}, {"q": "productive"}, {"q": "\"; DROP --"},
    {"speaker": "zakharova"}, {"negated": "true"}, {"limit": 2, "page": 2}, {"until": "2023-09"},
    {"sort": "date"}, {"outlet": "Paper B"},
]


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_pg_and_sqlite_answer_searches_alike(client, lite_client, params):
    """Same statements, same order, same totals on both backends (the corpus has no word that
    FTS5 and the 'simple' configuration tokenize differently)."""
    a = client.get("/api/search", params=params).json()
    b = lite_client.get("/api/search", params=params).json()
    got, want = [s["id"] for s in a["statements"]], [s["id"] for s in b["statements"]]
    if params.get("sort") == "relevance":  # bm25 and ts_rank score differently
        got, want = sorted(got), sorted(want)
    assert got == want, params
    assert (a["total"], a["pages"], a["capped"]) == (b["total"], b["pages"], b["capped"])
    if params.get("q") and "DROP" not in params["q"] and "page" not in params:
        assert a["total"] > 0, params   # the battery finds something: it can fail


def test_pg_web_search_uses_the_gin_index(client):
    """The web's search condition is the tsvector column against a tsquery (which the GIN index
    answers), never ILIKE over the quotes."""
    import sqlalchemy as sa

    store = client.app.state.store
    seen: list[str] = []

    def log(conn, cursor, statement, *rest):  # noqa: ANN001
        seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", log)
    try:
        rows, total, _ = store.search_page(q="lachin")
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", log)
    assert total == 2 and len(rows) == 2
    assert seen and all("search_vector @@ to_tsquery" in sql and "ILIKE" not in sql.upper()
                        for sql in seen if "statements" in sql)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(sa.text(
            "EXPLAIN SELECT id FROM statements WHERE search_vector @@ "
            "to_tsquery('simple'::regconfig, :q)"), {"q": "'lachin'"}))
    assert "ix_statements_search_vector" in plan


def test_pg_web_connections_are_read_only(client):
    import sqlalchemy as sa

    store = client.app.state.store
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
    with store.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only"):
        conn.execute(sa.text("UPDATE statements SET quote = 'x'"))
    assert client.get("/api/home").json()["statements"] == 5
