"""A real PostgreSQL server for the tests, started on demand (idempotent, quick when running).

    dsn, reason = ensure_server()      # (DSN, "") or (None, why there is none)

Order: ``$SAIDWHAT_TEST_PG`` (a DSN, used as is); else the local test database
``saidwhat_test`` (role ``saidwhat``) on a Debian cluster (``pg_lsclusters``): the cluster is
created/started with ``pg_ctlcluster`` and the role and database are created when missing (needs
root). With ``install=True`` (``make pg`` passes it when ``CI=true`` or ``SAIDWHAT_PG_INSTALL=1``)
Debian's ``postgresql`` package is apt-installed first when its binaries are missing.

``python tests/pg_support.py [--install]`` does the same from the command line (``make pg``) and
prints the DSN or the reason. Tests isolate themselves with one schema each (``schema_url``).

Without a server a test calls ``unavailable(reason)``: it skips with the reason on a developer's
machine and FAILS under CI (``CI=true``), where ``make pg`` installs and starts one (the rule is
conftest's ``skip_or_fail``).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from typing import NoReturn

ROLE = DB = "saidwhat_test"
PASSWORD = "saidwhat_test"
ENV = "SAIDWHAT_TEST_PG"


def _run(cmd: list[str], timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def _connect_ok(dsn: str) -> str:
    """'' when ``dsn`` accepts a connection, else the error."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover
        return f"psycopg is not installed ({exc})"
    try:
        with psycopg.connect(_libpq(dsn), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return ""
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def _libpq(dsn: str) -> str:
    """A SQLAlchemy-style URL (postgresql+psycopg://) as a libpq URI."""
    scheme, sep, rest = dsn.partition("://")
    return "postgresql://" + rest if sep and scheme.startswith("postgres") else dsn


def _clusters() -> list[dict]:
    out = _run(["pg_lsclusters", "--no-header"]).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4:
            rows.append({"version": f[0], "name": f[1], "port": int(f[2]), "status": f[3]})
    return rows


def _install() -> str:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "not root or no apt-get: cannot install postgresql"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = _run(["apt-get", "install", "-y", "-q", "postgresql"], timeout=900, env=env)
    if r.returncode != 0:
        _run(["apt-get", "update", "-q"], timeout=600, env=env)
        r = _run(["apt-get", "install", "-y", "-q", "postgresql"], timeout=900, env=env)
    return "" if r.returncode == 0 else f"apt-get install postgresql failed: {r.stderr[-300:]}"


def _psql(sql: str, port: int) -> subprocess.CompletedProcess:
    return _run(["runuser", "-u", "postgres", "--", "psql", "-p", str(port), "-X", "-q", "-t",
                 "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql])


def ensure_server(install: bool = False) -> tuple[str | None, str]:
    """(dsn, '') for a server the tests can use, else (None, reason)."""
    dsn = os.environ.get(ENV)
    if dsn:
        err = _connect_ok(dsn)
        return (dsn, "") if not err else (None, f"${ENV}={dsn!r} does not connect: {err}")

    if not shutil.which("pg_lsclusters") and install:
        why = _install()
        if why:
            return None, why
    if not shutil.which("pg_lsclusters"):
        return None, ("no PostgreSQL server: set $SAIDWHAT_TEST_PG to a DSN, or install Debian's "
                      "postgresql package (make pg does it when CI=true or SAIDWHAT_PG_INSTALL=1)")
    clusters = _clusters()
    if clusters:
        c = next((c for c in clusters if c["status"] == "online"), clusters[0])
        dsn = f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{c['port']}/{DB}"
        if c["status"] == "online" and not _connect_ok(dsn):
            return dsn, ""  # the quick path: running, role and database there
    if os.geteuid() != 0:
        return None, "a PostgreSQL cluster exists but is not usable and we are not root to set it up"
    if not clusters:
        versions = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: float(v)) \
            if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            return None, "postgresql binaries missing from /usr/lib/postgresql"
        r = _run(["pg_createcluster", versions[-1], "main"])
        if r.returncode != 0:
            return None, f"pg_createcluster failed: {r.stderr.strip()[-300:]}"
        clusters = _clusters()
        c = clusters[0]
    if c["status"] != "online":
        r = _run(["pg_ctlcluster", c["version"], c["name"], "start"])
        if r.returncode != 0 and "already running" not in r.stderr:
            return None, f"pg_ctlcluster {c['version']} {c['name']} start failed: {r.stderr.strip()[-300:]}"
    port = c["port"]
    steps = [
        f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') THEN "
        f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'; END IF; END$$;",
    ]
    for sql in steps:
        r = _psql(sql, port)
        if r.returncode != 0:
            return None, f"cannot create role: {r.stderr.strip()[-300:]}"
    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'", port).stdout.strip() != "1":
        r = _psql(f"CREATE DATABASE {DB} OWNER {ROLE} ENCODING 'UTF8' TEMPLATE template0", port)
        if r.returncode != 0:
            return None, f"cannot create database: {r.stderr.strip()[-300:]}"
    dsn = f"postgresql://{ROLE}:{PASSWORD}@127.0.0.1:{port}/{DB}"
    err = _connect_ok(dsn)
    return (dsn, "") if not err else (None, f"started PostgreSQL but cannot connect: {err}")


def unavailable(reason: str) -> NoReturn:
    """No PostgreSQL server: skip locally, fail under CI (conftest.skip_or_fail)."""
    from conftest import skip_or_fail

    skip_or_fail(f"PostgreSQL unavailable: {reason}")


def schema_url(dsn: str, schema: str) -> str:
    """``dsn`` with ``search_path`` set to ``schema`` (every table, alembic_version included,
    lives there), as a SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    url = make_url(dsn)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def new_schema(dsn: str, prefix: str = "t") -> tuple[str, str]:
    """Create a fresh schema; returns (its name, a URL whose tables live in it)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(dsn), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name, schema_url(dsn, name)


def drop_schema(dsn: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(dsn), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


if __name__ == "__main__":
    want_install = "--install" in sys.argv[1:]
    dsn, reason = ensure_server(install=want_install)
    if dsn:
        print(f"PostgreSQL for the tests: {dsn}")
    else:
        print(f"PostgreSQL tests will skip (and fail under CI=true): {reason}")
