"""What the command modules share: choice enums, option types, console and error helpers, the
database/settings plumbing. Nothing heavy is imported here (no spaCy, no SQLAlchemy)."""
from __future__ import annotations

import importlib
import re
import sys
from enum import Enum
from typing import Annotated, Any

import typer

from saidwhat.config import Settings


def choices(name: str, *values: str) -> type[Enum]:
    return Enum(name, [(v, v) for v in values], type=str)  # type: ignore[return-value]


ListFormat = choices("ListFormat", "table", "jsonl", "csv")
LineFormat = choices("LineFormat", "table", "jsonl")
ShowFormat = choices("ShowFormat", "text", "json")
ExportFormat = choices("ExportFormat", "jsonl", "csv", "parquet")

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: str | None) -> str | None:
    if value is not None and not _DATE.match(value):
        raise typer.BadParameter("use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


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


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def escape(text: str) -> str:
    from rich.markup import escape as _escape

    return _escape(str(text))


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr and return the Exit to raise."""
    console(stderr=True).print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


def resolve_db(ctx: typer.Context | None, db: str | None) -> str:
    """The command's --db, else the root --db, else the settings' default."""
    root = (ctx.find_root().obj or {}).get("db") if ctx else None
    return db or root or Settings().db


def open_store(ctx: typer.Context, db: str | None):
    from saidwhat.store import Store

    path = resolve_db(ctx, db)
    try:
        return Store(path)
    except Exception as exc:  # bad URL, unwritable folder, not a database ...
        raise fail(f"cannot open database {path}: {exc}")


def filters(speaker, actor, target, since, until, kind, negated, doc, event=None, source=None) -> dict[str, Any]:
    return dict(speaker=speaker, actor=actor, target=target, since=since, until=until, kind=kind,
                negated=negated, doc=doc, event=event, source=source)


def print_rows(rows: list[dict], fmt: str, title: str | None = None) -> None:
    from saidwhat import render

    if fmt == "jsonl":
        render.write_jsonl(rows, sys.stdout)
    elif fmt == "csv":
        render.write_csv(rows, sys.stdout)
    else:
        render.statements_table(rows, console(), title=title)


def write_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def settings_for(db: str | None = None, **kw) -> Settings:
    base = Settings(db=db) if db else Settings()
    return base.with_(**kw)


def pipeline():
    """saidwhat.pipeline, imported when a command needs it (and looked up in sys.modules, so
    tests can stand a fake in for it)."""
    return importlib.import_module("saidwhat.pipeline")
