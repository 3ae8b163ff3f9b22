"""Engine set-up (SQLite pragmas, transactions, read-only connections) and migrations driven
from code."""
from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from saidwhat.config import db_url
from saidwhat.store.schema import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK = 0x5A1D  # PostgreSQL advisory lock key held while migrating


def _fold(value):
    """Unicode-aware case folding for SQLite (its lower() only folds ASCII)."""
    return value.casefold() if isinstance(value, str) else value


def _pg_driver() -> str:
    """The installed PostgreSQL driver: psycopg (3) first, else psycopg2."""
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


class UnusableDatabase(Exception):
    """A database that cannot be read as saidwhat's: not a database, another application's, at
    an older schema revision. The message is one line, without SQL."""


def describe_error(exc: BaseException) -> str:
    """``Class: message`` for the user. A SQLAlchemy error gives the database's own short message
    (its ``orig``, first line), never the SQL statement or its parameters (document text)."""
    if isinstance(exc, sa.exc.StatementError):
        detail = exc.orig if exc.orig is not None else (exc.args[0] if exc.args else "")
    else:
        detail = exc
    lines = str(detail).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _read_only_sqlite(url: sa.URL) -> sa.URL:
    """``url`` (a SQLite file) as a read-only URI: ``mode=ro``, or ``immutable=1`` when the
    file's folder is not writable (where SQLite could not make the WAL index)."""
    path = os.path.abspath(os.path.expanduser(url.database or ""))
    flag = {"mode": "ro"} if os.access(os.path.dirname(path), os.W_OK) else {"immutable": "1"}
    return url.set(database="file:" + quote(path), query={**url.query, **flag, "uri": "true"})


def make_engine(db: str, *, read_only: bool = False) -> sa.Engine:
    """An engine for a path or SQLAlchemy URL. SQLite gets WAL, NORMAL sync, foreign keys,
    a busy timeout, real transactions (``BEGIN`` emitted by us, so DDL is transactional too)
    and a ``sw_fold()`` SQL function for case-insensitive matching. ``read_only``: a SQLite file
    is opened through a ``mode=ro`` (or ``immutable``) URI and left as it is: no folder or file
    made, no WAL switch. Error messages never carry the SQL parameters (document text)."""
    url = engine_url(db)
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)

    database = url.database or ""
    on_disk = bool(database) and database != ":memory:" and not database.startswith("file:")
    if on_disk and read_only:
        url = _read_only_sqlite(url)
    elif on_disk:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, hide_parameters=True)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:  # a reader leaves the journal mode as it found it
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


def missing_file(db: str) -> str | None:
    """The path of a SQLite database file that does not exist (None: it exists, or ``db`` is an
    in-memory database, a ``file:`` URI or another backend)."""
    url = engine_url(db)
    if url.get_backend_name() != "sqlite":
        return None
    path = url.database or ""
    if path and path != ":memory:" and not path.startswith("file:") and not os.path.exists(path):
        return path
    return None


def schema_is_current(engine: sa.Engine | sa.Connection) -> bool:
    """Whether the database has every table and column of the schema (read by inspection, so a
    current database is recognised without loading Alembic)."""
    insp = sa.inspect(engine)
    names = set(insp.get_table_names())
    return all(t.name in names and {c.name for c in t.columns} <=
               {c["name"] for c in insp.get_columns(t.name)}
               for t in metadata.sorted_tables)


def _truncated(path: str) -> bool:
    """Whether a SQLite file is shorter than the size its header gives (a cut-off copy)."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
        size = os.path.getsize(path)
    except OSError:
        return False
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        return False
    page = int.from_bytes(head[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the in-header size is current
    return valid and pages > 0 and size < pages * page


def check_readable(engine: sa.Engine, label: str) -> None:
    """Raise ``UnusableDatabase`` (a one-line message) unless ``engine`` holds a saidwhat database
    at this saidwhat's schema: not a database or corrupt, another application's (no saidwhat
    tables or revision), at an older revision (run ``saidwhat db upgrade``). Reads only."""
    path = engine.url.database or ""
    if engine.dialect.name == "sqlite" and path.startswith("file:"):
        from urllib.parse import unquote

        if _truncated(unquote(path[5:])):
            raise UnusableDatabase(f"{label} is damaged: the file is shorter than its header says")
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            revisions = (conn.exec_driver_sql("SELECT version_num FROM alembic_version")
                         .scalars().all() if "alembic_version" in names else [])
            current = schema_is_current(conn)
    except sa.exc.DBAPIError as exc:
        raise UnusableDatabase(f"cannot open database {label}: {describe_error(exc)}") from None
    if not names:
        raise UnusableDatabase(f"{label} is empty, not a saidwhat database "
                               "(`saidwhat ingest` creates one)")
    if len(revisions) != 1:
        raise UnusableDatabase(f"{label} is not a saidwhat database (no saidwhat schema revision)")
    known, head = _revisions()
    if revisions[0] == head:
        if current:
            return
        raise UnusableDatabase(f"{label} lacks tables or columns of its schema revision {head}")
    if revisions[0] not in known:
        raise UnusableDatabase(f"{label} is not a saidwhat database of this version "
                               f"(unknown schema revision {revisions[0]!r})")
    raise UnusableDatabase(f"{label} is at schema revision {revisions[0]}, this saidwhat reads "
                           f"{head}: run `saidwhat db upgrade` first")


_REVISION = re.compile(r'^(down_)?revision\s*=\s*["\']?([^"\'\s]+)', re.M)


def _revisions() -> tuple[set[str], str | None]:
    """The revisions of the migrations and their head, read from the migration files' text (a
    read command does not load Alembic for it); Alembic's own answer where that is ambiguous."""
    revs, downs = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (downs if down else revs).add(value)
    heads = revs - downs
    if len(heads) == 1:
        return revs, heads.pop()
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {r.revision for r in script.walk_revisions()}, script.get_current_head()


def make_read_only(engine: sa.Engine) -> None:
    """Make every later connection of ``engine`` read-only: ``PRAGMA query_only`` on SQLite, READ
    ONLY transactions on PostgreSQL (other backends: unchanged). Pooled connections are dropped."""
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return

    @sa.event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record):  # noqa: ANN001
        if dialect == "sqlite":
            dbapi_conn.execute("PRAGMA query_only = 1")
        else:  # every later transaction of this session is READ ONLY
            cur = dbapi_conn.cursor()
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cur.close()
            dbapi_conn.commit()

    engine.dispose()  # pooled connections were made before the listener


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
           "alembic_config", "is_sqlite", "missing_file", "schema_is_current", "make_read_only",
           "check_readable", "describe_error", "UnusableDatabase"]
