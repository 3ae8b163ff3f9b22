"""What the command modules share: choice enums, option types, console and error helpers, the
database/settings plumbing. Nothing heavy is imported here (no spaCy, no SQLAlchemy): ``saidwhat``
loads the library's objects when a command first uses them."""
from __future__ import annotations

import functools
import json
import re
import sys
from enum import Enum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as _escape

import saidwhat
from saidwhat import exporting
from saidwhat.cli import render
from saidwhat.config import Settings


def choices(name: str, *values: str) -> type[Enum]:
    return Enum(name, [(v, v) for v in values], type=str)  # type: ignore[return-value]


ListFormat = choices("ListFormat", "table", "jsonl", "csv")
LineFormat = choices("LineFormat", "table", "jsonl")
ShowFormat = choices("ShowFormat", "text", "json")
ExportFormat = choices("ExportFormat", "jsonl", "csv", "parquet")

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(ctx: typer.Context, param: Any, value: str | None) -> str | None:
    """--since/--until: YYYY, YYYY-MM or YYYY-MM-DD naming a real month and day (2023-02-30 and
    2023-13-45 are refused, as the web API refuses them); otherwise a one-line error, exit 2."""
    if value is None:
        return value
    if _DATE.match(value):
        import datetime as dt

        parts = [int(p) for p in value.split("-")] + [1, 1]
        try:
            dt.date(*parts[:3])
            return value
        except ValueError:
            pass
    name = "/".join(getattr(param, "opts", None) or ["date"])
    raise fail(f"invalid {name} {value!r}: not a real date (YYYY[-MM[-DD]])", code=2)


DbOpt = Annotated[str | None, typer.Option(
    "--db", help="Database path or SQLAlchemy URL (default: $SAIDWHAT_DB or ./saidwhat.db)",
    show_default=False)]
SpeakerOpt = Annotated[str | None, typer.Option(
    help="Substring of speaker, mention or actor id (case-insensitive).")]
ActorOpt = Annotated[str | None, typer.Option(help="Exact actor id.")]
TargetOpt = Annotated[str | None, typer.Option(help="Target ISO3 code (or target actor id).")]
SinceOpt = Annotated[str | None, typer.Option(callback=check_date, help="From date (inclusive).")]
UntilOpt = Annotated[str | None, typer.Option(callback=check_date, help="To date (inclusive).")]
KindOpt = Annotated[str | None, typer.Option(help="direct | indirect | mixed")]
NegatedOpt = Annotated[bool | None, typer.Option(
    "--negated/--said", help="Only denials/negated statements, or only affirmative ones.",
    show_default=False)]
DocOpt = Annotated[str | None, typer.Option(help="Document id, file name or source.")]
EventOpt = Annotated[str | None, typer.Option(help="PLOVER event type (REQUEST, ACCUSE, …).")]
SourceOpt = Annotated[str | None, typer.Option(help="Speaker's ISO3 country or actor id.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


def escape(text: object) -> str:
    """Text for a rich markup string: terminal controls shown escaped (``render.clean``: ESC as
    ``\\x1b``, never sent raw), then rich's markup escaped. Every file name, path, URL, database
    label or piece of article text the commands print inside markup goes through this."""
    return _escape(render.clean(text))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the Exit to raise. The message (which may hold file
    names, sources and text of the documents) is printed through ``escape``: no escape sequence of
    an article or a file name reaches the terminal raw, and none is read as rich markup."""
    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def resolve_db(ctx: typer.Context | None, db: str | None) -> str:
    """The command's --db, else the root --db, else the settings' default."""
    root = (ctx.find_root().obj or {}).get("db") if ctx else None
    return db or root or Settings().db


WRITERS = frozenset({"ingest", "demo", "link", "upgrade"})  # the commands that write; the rest read


@functools.cache
def _reader() -> type:
    """``saidwhat.Store`` whose ``with`` block turns a database error met while reading (a damaged
    page) into the command's one-line error: no traceback, no SQL."""

    class ReadingStore(saidwhat.Store):
        def __exit__(self, exc_type, exc, tb) -> None:
            super().__exit__(exc_type, exc, tb)
            from sqlalchemy.exc import SQLAlchemyError  # loaded with the store already

            from saidwhat.store.db import describe_error

            if isinstance(exc, SQLAlchemyError):
                raise fail(f"cannot read database {self.db}: {describe_error(exc)}") from None

    return ReadingStore


def open_store(ctx: typer.Context, db: str | None, *, read_only: bool | None = None,
               **options) -> saidwhat.Store:
    """The library's ``saidwhat.Store`` for the command's database (``options``: the Store's).
    ``read_only`` (default: every command but those in ``WRITERS``): ``Store.read_only``, which
    creates and migrates nothing; a missing, foreign, damaged or older database is a one-line
    error. A writing command creates and migrates the database as needed."""
    path = resolve_db(ctx, db)
    if read_only is None:
        read_only = ctx is None or ctx.info_name not in WRITERS
    try:
        return _reader().read_only(path, **options) if read_only else saidwhat.Store(path, **options)
    except Exception as exc:  # missing, bad URL, unwritable folder, not a database ...
        from saidwhat.store.db import UnusableDatabase, describe_error

        if isinstance(exc, (FileNotFoundError, UnusableDatabase)):
            raise fail(str(exc)) from None
        raise fail(f"cannot open database {path}: {describe_error(exc)}") from None


def open_reader_if_any(ctx: typer.Context, db: str | None):
    """The command's database read-only when there is a readable one, else None, silently: for
    commands that only add to what they show from a database (``actors show``)."""
    try:
        return _reader().read_only(resolve_db(ctx, db))
    except Exception:  # missing, foreign, damaged: the command goes on without it
        return None


def filters(speaker, actor, target, since, until, kind, negated, doc, event=None, source=None) -> dict[str, Any]:
    return dict(speaker=speaker, actor=actor, target=target, since=since, until=until, kind=kind,
                negated=negated, doc=doc, event=event, source=source)


def print_rows(rows: list[dict], fmt: str, title: str | None = None) -> None:
    if fmt == "jsonl":
        exporting.write_jsonl(rows, sys.stdout)
    elif fmt == "csv":
        exporting.write_csv(rows, sys.stdout)
    else:
        render.statements_table(rows, console(), title=title)


def write_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def settings_for(db: str | None = None, **kw) -> Settings:
    base = Settings(db=db) if db else Settings()
    return base.with_(**kw)
