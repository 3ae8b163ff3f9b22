"""`saidwhat db`: the database schema (Alembic migrations), on SQLite or PostgreSQL.

    saidwhat db upgrade [--db URL] [--revision REV]   # migrate to head (or REV)
    saidwhat db current [--db URL]                    # the revision the database is at
    saidwhat db datasette-metadata [--db FILE]        # metadata for `datasette FILE -m ...`
"""
from __future__ import annotations

from typing import Annotated

import typer

from saidwhat.cli.common import DbOpt, console, escape, fail, open_store

db_app = typer.Typer(help="The database schema: migrate (SQLite or PostgreSQL), show the revision.",
                     no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def _label(store) -> str:  # a SQLite file as given (not its read-only URI)
    return store.db if store.dialect == "sqlite" else store.engine.url.render_as_string(hide_password=True)


@db_app.command()
def upgrade(
    ctx: typer.Context,
    db: DbOpt = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the migrations up to REVISION (default: head). Safe to run again."""
    from saidwhat.store.db import describe_error, migrate  # defers SQLAlchemy and Alembic

    with open_store(ctx, db, read_only=False, migrate_on_open=False) as store:
        try:
            before = store.revision()
            migrate(store.engine, revision)
            after = store.revision()
        except Exception as exc:
            raise fail(f"upgrade failed: {describe_error(exc)}") from None
        label = _label(store)
    out = console()
    if before == after:
        out.print(f"{escape(label)} ({store.dialect}): already at {after}")
    else:
        out.print(f"{escape(label)} ({store.dialect}): {before or 'empty'} -> {after}")


@db_app.command()
def current(ctx: typer.Context, db: DbOpt = None) -> None:
    """Print the schema revision of the database and the head revision of this saidwhat."""
    from saidwhat.store.db import describe_error, head_revision  # defers SQLAlchemy and Alembic

    with open_store(ctx, db, read_only=True, any_revision=True) as store:  # creates nothing
        try:
            rev = store.revision()
        except Exception as exc:
            raise fail(f"cannot read the revision: {describe_error(exc)}") from None
        label = _label(store)
    head = head_revision()
    state = "up to date" if rev == head else "needs `saidwhat db upgrade`"
    console().print(f"{escape(label)} ({store.dialect}): {rev or 'none'} (head {head}; {state})")


@db_app.command("datasette-metadata")
def datasette_metadata(
    ctx: typer.Context,
    db: DbOpt = None,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Write to this file (default: standard output).")] = None,
) -> None:
    """Print Datasette metadata for the SQLite database: table titles, column descriptions, labels,
    facets, the internal tables hidden (`datasette saidwhat.db -m metadata.json`). Reads nothing
    from the database: the name Datasette gives it comes from the file name."""
    import json

    from saidwhat.cli.common import resolve_db
    from saidwhat.store.datasette import datasette_metadata as build

    path = resolve_db(ctx, db)
    if "://" in path:
        raise fail("Datasette reads SQLite files: give --db a file path, not a URL", code=2)
    text = json.dumps(build(path), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    console(stderr=True).print(f"wrote {escape(output)}: datasette {escape(path)} -m {escape(output)}")
