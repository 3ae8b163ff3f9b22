"""The store's schema: migrations, the schema module, pragmas, URLs, PostgreSQL's SQL."""
from __future__ import annotations

import sqlalchemy as sa

from saidwhat.store import Store, queries
from saidwhat.store import db as store_db
from store_support import db_path, make_results, store  # noqa: F401  (fixtures)

# --- schema, migrations, pragmas -----------------------------------------------------------------

def test_migrations_create_schema(db_path):
    s = Store(db_path)  # parent folders are created
    insp = sa.inspect(s.engine)
    tables = set(insp.get_table_names())
    assert {"documents", "statements", "ingest_errors", "alembic_version",
            "statements_fts"} <= tables
    idx = {i["name"] for i in insp.get_indexes("statements")}
    assert {"ix_statements_speaker", "ix_statements_actor_id", "ix_statements_date",
            "ix_statements_doc_id", "ix_statements_country"} <= idx
    uniques = insp.get_unique_constraints("ingest_errors")
    assert any(set(u["column_names"]) == {"source", "reason"} for u in uniques)
    fks = insp.get_foreign_keys("statements")
    assert fks and fks[0]["referred_table"] == "documents"
    with s.engine.connect() as conn:
        assert store_db.current_revision(conn) == store_db.head_revision()
        trig = set(conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger'").scalars())
    assert {"statements_fts_ai", "statements_fts_ad", "statements_fts_au"} <= trig
    s.close()


def test_migration_matches_schema_module(db_path):
    """schema.py (used by queries) and the migrations (used to build the db) agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from saidwhat.store.schema import metadata

    s = Store(db_path)
    with s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": lambda o, name, t, r, c:
                                                     not (t == "table" and name and
                                                          name.startswith("statements_fts"))})
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []
    s.close()


def test_reopen_is_noop_and_downgrade_upgrade(make_results, db_path):
    s = Store(db_path)
    s.add_results(make_results())
    s.close()
    s2 = Store(db_path)  # second open: already at head, data kept
    assert s2.stats()["statements"] == 6
    store_db.downgrade(s2.engine, "base")
    assert "statements" not in sa.inspect(s2.engine).get_table_names()
    store_db.migrate(s2.engine)
    assert s2.stats()["statements"] == 0
    s2.close()


def test_sqlite_pragmas(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_db_accepts_url(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'u.db'}")
    assert s.stats()["documents"] == 0
    s.close()
    assert (tmp_path / "u.db").exists()


def test_in_memory_store(make_results, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store(":memory:") as s:
        s.add_results(make_results())
        assert s.stats()["statements"] == 6
        assert len(s.search("sanctions")) == 2
        assert len(list(s.iter_statements())) == 6
    assert list(tmp_path.iterdir()) == []  # no file called ":memory:"


def test_postgres_offline_migration_sql_has_no_fts(capsys):
    """The migration renders for PostgreSQL (offline, no server needed) and skips FTS5 there."""
    from alembic import command

    cfg = store_db.alembic_config("postgresql://u:p@localhost/saidwhat")
    command.upgrade(cfg, "head", sql=True)
    out = capsys.readouterr().out
    assert "CREATE TABLE statements" in out and "CREATE TABLE ingest_errors" in out
    assert "fts5" not in out.lower()


def test_queries_compile_for_postgres():
    from sqlalchemy.dialects import postgresql

    q = queries.select_statements("postgresql", speaker="zakh", target="USA", since="2024",
                                  until="2024-03", negated=True, doc="a.txt", kind="direct")
    sql = str(q.compile(dialect=postgresql.dialect()))
    assert "lower(" in sql and "sw_fold" not in sql
