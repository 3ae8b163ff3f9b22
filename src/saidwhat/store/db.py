"""Engine set-up (SQLite pragmas, transactions) and migrations driven from code."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from saidwhat.config import db_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK = 0x5A1D  # PostgreSQL advisory lock key held while migrating


def _fold(value):
    """Unicode-aware case folding for SQLite (its lower() only folds ASCII)."""
    return value.casefold() if isinstance(value, str) else value


def _pg_driver() -> str:
    """The installed PostgreSQL driver: psycopg (3) first, else psycopg2."""
    import importlib.util

    for mod, name in (("psycopg", "psycopg"), ("psycopg2", "psycopg2")):
        if importlib.util.find_spec(mod) is not None:
            return name
    return "psycopg"


def engine_url(db: str) -> sa.URL:
    """The SQLAlchemy URL for a path or URL. ``postgresql://`` and ``postgres://`` (libpq style)
    get the installed driver (psycopg 3 unless only psycopg2 is there)."""
    url = make_url("sqlite://" if db in (":memory:", "") else db_url(db))
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=f"postgresql+{_pg_driver()}")
    return url


def make_engine(db: str) -> sa.Engine:
    """An engine for a path or SQLAlchemy URL. SQLite gets WAL, NORMAL sync, foreign keys,
    a busy timeout, real transactions (``BEGIN`` emitted by us, so DDL is transactional too)
    and a ``sw_fold()`` SQL function for case-insensitive matching."""
    url = engine_url(db)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)

    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()
        dbapi_conn.create_function("sw_fold", 1, _fold, deterministic=True)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        # Writers ask for IMMEDIATE so that two writers queue on busy_timeout instead of
        # failing on a read->write lock upgrade.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config()
    # '%' would be read as interpolation by configparser
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (idempotent; a no-op when already there)."""
    from alembic import command

    head = head_revision()
    with engine.connect() as conn:
        if revision == "head" and current_revision(conn) == head:
            return
    cfg = alembic_config()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            # Two processes opening a new database at once: the second waits here (SQLite's
            # write lock, a PostgreSQL advisory lock) and then finds the work done.
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            if revision == "head" and current_revision(conn) == head:
                return
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)


def is_postgresql(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


__all__ = ["make_engine", "engine_url", "is_postgresql", "migrate", "downgrade", "head_revision", "current_revision",
           "alembic_config", "is_sqlite"]
