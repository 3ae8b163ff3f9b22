"""`saidwhat serve`: the web UI and JSON API (``saidwhat.create_app``) under uvicorn. Nothing heavy is
imported until the command runs, and the web never imports spaCy, so the server is up in well under
a second."""
from __future__ import annotations

import os
from typing import Annotated

import typer

import saidwhat
from saidwhat.cli.common import DbOpt, console, escape, fail, resolve_db

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    ctx: typer.Context,
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Interface to bind; keep the default (loopback only) "
                                           "unless the network in front is trusted.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (each opens the "
                                                           "database read-only).")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Browse, search and read statements in a web browser (read-only), with a JSON API under /api."""
    import uvicorn  # deferred: the server, only for this command

    path = resolve_db(ctx, db)
    try:
        app = saidwhat.create_app(path)
    except FileNotFoundError as exc:
        raise fail(str(exc))
    except Exception as exc:  # not a database, unreadable, an older schema ...
        from saidwhat.store.db import UnusableDatabase, describe_error  # defers SQLAlchemy

        raise fail(str(exc) if isinstance(exc, UnusableDatabase) else f"cannot open database {path}: "
                                                                      f"{describe_error(exc)}")
    out = console(stderr=True)
    if host not in LOOPBACK:
        out.print(f"[bold yellow]warning:[/] listening on {escape(host)}: anyone who can reach "
                  "this machine can read the database (read-only)")
    shown = f"[{host}]" if ":" in host else host
    out.print(f"saidwhat: serving {escape(path)} at http://{escape(shown)}:{port}/  (Ctrl-C stops)")
    if workers > 1:  # uvicorn starts the workers from an import string; they read SAIDWHAT_DB
        os.environ["SAIDWHAT_DB"] = path
        uvicorn.run("saidwhat.web.app:app_from_env", factory=True, workers=workers, host=host,
                    port=port, log_level=log_level, server_header=False)
    else:
        uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
