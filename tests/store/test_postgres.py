"""The store, the CLI and the migrations against a real PostgreSQL server.

The server comes from ``tests/pg_support.py``: ``$SAIDWHAT_TEST_PG`` if set, else the local Debian
cluster, started (and its test role/database created) on demand; ``make pg`` installs Debian's
postgresql package when ``CI=true``. Without any server every test here SKIPS, with the reason.

Most tests are the SQLite tests of ``test_store``, ``test_store_queries`` and ``test_cli`` collected a second time here
with the database fixtures (``db_path``, ``store``, ``db``) pointing at a fresh PostgreSQL schema
per test; the SQLite-only ones (pragmas, FTS5 internals, plain sqlite3 readers) are left out and
their PostgreSQL counterparts are written below.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import test_cli
import test_store
import test_store_queries
from test_cli import runner  # noqa: F401  (fixture)

import pg_support
import store_support
from saidwhat.models import IngestError
from saidwhat.store import Store, queries
from saidwhat.store import db as store_db

ROOT = Path(__file__).resolve().parents[2]

# --- the server ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    dsn, reason = pg_support.ensure_server(install=False)
    if not dsn:
        pg_support.unavailable(reason)
    return dsn


@pytest.fixture
def pg_url(pg_dsn):
    """A SQLAlchemy URL whose tables live in a fresh schema (dropped afterwards)."""
    name, url = pg_support.new_schema(pg_dsn)
    yield url
    pg_support.drop_schema(pg_dsn, name)


# --- the SQLite tests' fixtures, pointed at PostgreSQL -------------------------------------------


@pytest.fixture
def make_results(request, statement_at):
    """The hand-made records of the module the test comes from (the store's or test_cli's)."""
    origin = sys.modules[request.function.__module__]
    if origin.__name__ != "test_cli":
        origin = store_support  # the store tests' records, and this module's own tests' too
    return origin.make_results.__wrapped__(statement_at)


@pytest.fixture
def db_path(pg_url):
    return pg_url


@pytest.fixture
def store(make_results, pg_url):
    s = Store(pg_url)
    s.add_results(make_results())
    yield s
    s.close()


@pytest.fixture
def db(make_results, pg_url):
    with Store(pg_url) as s:
        s.add_results(make_results())
        s.add_errors([IngestError("/c/empty.txt", "empty", "no text"),
                      IngestError("/c/missing", "not_found", "no such file")])
    return pg_url


@pytest.fixture(autouse=True)
def _no_fts5_check(monkeypatch):
    """The store tests check the SQLite FTS5 index; PostgreSQL's generated column cannot drift."""
    for module in (test_store, test_store_queries):
        monkeypatch.setattr(module, "_fts_ok", lambda store: None)


STORE_TESTS = [
    "test_add_results_is_idempotent", "test_readding_document_replaces_its_statements",
    "test_result_with_error_does_not_touch_stored_document", "test_add_results_is_one_transaction",
    "test_statements_dicts_have_model_keys", "test_add_errors_upserts", "test_existing_ids",
    "test_filter_speaker_matches_name_mention_or_actor_id",
    "test_filter_actor_target_kind_negated_doc", "test_filter_dates_inclusive",
    "test_limit_offset_order", "test_iter_statements_streams_with_filters",
    "test_statement_by_id_has_document_fields", "test_timeline", "test_documents", "test_stats",
    "test_empty_store_stats", "test_search_ranking", "test_search_speaker_columns_prefix_and_case",
    "test_search_sees_updates", "test_search_never_raises", "test_search_nasty_terms_still_search",
]
CLI_TESTS = [
    "test_statements_table", "test_statements_table_narrow", "test_statements_jsonl_and_filters",
    "test_statements_csv", "test_global_db_option_and_env", "test_show",
    "test_show_json_and_unknown_id", "test_search", "test_timeline", "test_export",
    "test_export_filtered_and_stdout", "test_errors", "test_stats",
]
for _name in STORE_TESTS:
    globals()[_name.replace("test_", "test_pg_store_", 1)] = getattr(
        test_store if hasattr(test_store, _name) else test_store_queries, _name)
for _name in CLI_TESTS:
    globals()[_name.replace("test_", "test_pg_cli_", 1)] = getattr(test_cli, _name)
del _name


# --- PostgreSQL's own ----------------------------------------------------------------------------


def test_pg_migrations_create_schema_and_tsvector(pg_url):
    s = Store(pg_url)
    assert s.dialect == "postgresql"
    insp = sa.inspect(s.engine)
    assert {"documents", "statements", "ingest_errors", "alembic_version"} <= set(
        insp.get_table_names())
    cols = {c["name"]: c for c in insp.get_columns("statements")}
    assert "search_vector" in cols
    idx = {i["name"] for i in insp.get_indexes("statements")}
    assert {"ix_statements_speaker", "ix_statements_search_vector"} <= idx
    with s.engine.connect() as conn:
        method = conn.exec_driver_sql(
            "SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam "
            "WHERE c.relname = 'ix_statements_search_vector'").scalar()
        assert method == "gin"
        assert store_db.current_revision(conn) == store_db.head_revision() == s.revision()
    s.close()


def test_pg_migration_matches_schema_module(pg_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from saidwhat.store.schema import metadata

    s = Store(pg_url)
    with s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "include_object": lambda o, name, t, r, c: not (
                (t == "column" and name == "search_vector")
                or (t == "index" and name == "ix_statements_search_vector"))})
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []
    s.close()


def test_pg_downgrade_upgrade(make_results, pg_url):
    s = Store(pg_url)
    s.add_results(make_results())
    store_db.downgrade(s.engine, "0001")
    cols = {c["name"] for c in sa.inspect(s.engine).get_columns("statements")}
    assert "search_vector" not in cols and s.stats()["statements"] == 6
    store_db.migrate(s.engine)  # 0002 again: the generated column is filled for existing rows
    assert len(s.search("sanctions")) == 2
    store_db.downgrade(s.engine, "base")
    assert "statements" not in sa.inspect(s.engine).get_table_names()
    s.close()


def test_pg_search_uses_gin_index(make_results, pg_url):
    s = Store(pg_url)
    s.add_results(make_results())
    with s.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(conn.exec_driver_sql(
            "EXPLAIN SELECT id FROM statements WHERE search_vector @@ "
            "to_tsquery('simple'::regconfig, %(q)s)", {"q": queries.pg_tsquery("sanctions")}
        ).scalars())
    assert "ix_statements_search_vector" in plan
    s.close()


def test_pg_tsquery_is_safe():
    assert queries.pg_tsquery('say "hi" NEAR(x) pre*') == "'say' & 'hi' & ('near' <-> 'x') & 'pre':*"
    assert queries.pg_tsquery("'; DROP TABLE x; -- & | ! <-> :*") == "'drop' & 'table' & 'x'"
    assert queries.pg_tsquery("-- ; ' * _") == ""


def test_pg_ingested_at_kept_on_readd(make_results, pg_url):
    s = Store(pg_url)
    s.add_results(make_results())
    doc_id = make_results()[0].document.id
    with s.engine.begin() as conn:
        conn.execute(sa.text("UPDATE documents SET ingested_at='2000-01-01' WHERE id=:i"),
                     {"i": doc_id})
    s.add_results(make_results()[:1])
    assert s.document(doc_id)["ingested_at"] == "2000-01-01"
    s.close()


def test_pg_readers_while_a_writer_commits(make_results, pg_url):
    """A reader sees the committed batches and never a half-written one."""
    import threading

    w, r = Store(pg_url), Store(pg_url)
    results = make_results()
    seen, stop = [], threading.Event()

    def read():
        while not stop.is_set():
            st = r.stats()
            seen.append((st["documents"], st["statements"]))

    t = threading.Thread(target=read)
    t.start()
    for res in results:
        w.add_results([res])
    stop.set()
    t.join()
    valid = {(0, 0), (1, 2), (2, 4), (3, 6)}
    assert set(seen) <= valid and r.stats()["statements"] == 6
    w.close()
    r.close()


def test_pg_db_upgrade_and_current_cli(runner, pg_url, tmp_path):  # noqa: F811
    from saidwhat.cli import app

    res = runner.invoke(app, ["db", "current", "--db", pg_url])
    assert res.exit_code == 0 and "none" in res.stdout.lower()
    res = runner.invoke(app, ["db", "upgrade", "--db", pg_url])
    assert res.exit_code == 0, res.output
    assert store_db.head_revision() in res.stdout
    res = runner.invoke(app, ["db", "current", "--db", pg_url])
    assert res.exit_code == 0 and store_db.head_revision() in res.stdout
    # the same on SQLite
    lite = str(tmp_path / "x.db")
    res = runner.invoke(app, ["db", "upgrade", "--db", lite])
    assert res.exit_code == 0 and store_db.head_revision() in res.stdout


@pytest.mark.slow
def test_pg_real_ingest_matches_sqlite(pg_url, tmp_path):
    """The real pipeline through the CLI into PostgreSQL and SQLite: the same statements."""
    samples = ROOT / "data" / "samples"
    lite = str(tmp_path / "lite.db")
    for db in (pg_url, lite):
        r = subprocess.run([sys.executable, "-m", "saidwhat.cli", "ingest", str(samples),
                            "--db", db], capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]

    def rows(db):
        with Store(db) as s:
            return {(x["doc_id"], x["start"], x["end"], x["kind"], x["speaker"], x["date"])
                    for x in s.iter_statements()}

    a, b = rows(pg_url), rows(lite)
    assert a and a == b
    with Store(pg_url) as s, Store(lite) as t:
        for query in ("said", "russia*", "foreign ministry"):
            found = {x["id"] for x in s.search(query, limit=10_000)}
            assert found and found == {x["id"] for x in t.search(query, limit=10_000)}, query


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, make_results, tmp_path):
    if request.param == "sqlite":
        url = str(tmp_path / "any.db")
    else:
        dsn, reason = pg_support.ensure_server()
        if not dsn:
            pg_support.unavailable(reason)
        name, url = pg_support.new_schema(dsn)
        request.addfinalizer(lambda: pg_support.drop_schema(dsn, name))
    s = Store(url)
    s.add_results(make_results())
    yield s
    s.close()


def test_search_candidates_cap(any_store):
    """Ranking is exact under the cap; above it only ``candidates`` matches are ranked."""
    assert len(any_store.search("zakharova")) == 3
    assert len(any_store.search("zakharova", candidates=None)) == 3
    capped = any_store.search("zakharova", candidates=2)
    assert len(capped) == 2 and capped[0]["score"] <= capped[1]["score"]
