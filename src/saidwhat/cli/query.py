"""Commands that read the store: statements, show, search, timeline, export, errors, stats."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from saidwhat import exporting
from saidwhat.cli import render
from saidwhat.cli.common import (
    ActorOpt,
    DbOpt,
    DocOpt,
    EventOpt,
    ExportFormat,
    JsonOpt,
    KindOpt,
    LineFormat,
    ListFormat,
    NegatedOpt,
    ShowFormat,
    SinceOpt,
    SourceOpt,
    SpeakerOpt,
    TargetOpt,
    UntilOpt,
    console,
    escape,
    fail,
    filters,
    open_store,
    print_rows,
    write_json,
)
from saidwhat.models import REASONS

PAGE = 50          # rows the statements table shows unless --limit says otherwise
SEARCH_PAGE = 20   # rows the search table shows unless --limit says otherwise
ALL = 2**62        # "no limit" where the store needs a number


def page_size(limit: int | None, fmt: str, page: int = PAGE) -> int | None:
    """Rows to fetch: --limit if given (0 = all); else a page for the table and every row for a
    machine format (jsonl, csv, json), which is never cut silently."""
    if limit is None:
        return page if fmt == "table" else None
    return limit or None


def note_more(more: int, fmt: str, at_least: bool = False) -> None:
    """Say on stderr how many rows a page or --limit left out (nothing when none were;
    ``at_least``: the count stopped at a cap)."""
    if more <= 0:
        return
    if fmt == "table":
        hint = "use --limit 0 / --format jsonl"
    else:
        hint = "left out by --limit; --limit 0 = all"
    console(stderr=True).print(f"{more}{'+' if at_least else ''} more: {hint}", soft_wrap=True)


def statements(
    ctx: typer.Context,
    db: DbOpt = None,
    speaker: SpeakerOpt = None, actor: ActorOpt = None, target: TargetOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, kind: KindOpt = None,
    negated: NegatedOpt = None, doc: DocOpt = None, event: EventOpt = None, source: SourceOpt = None,
    limit: Annotated[int | None, typer.Option(
        min=0, help=f"Rows to show (0 = all; default: {PAGE} in the table, all in jsonl/csv).",
        show_default=False)] = None,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List stored statements, filtered, in date order."""
    limit = page_size(limit, format.value)
    where = filters(speaker, actor, target, since, until, kind, negated, doc, event, source)
    with open_store(ctx, db) as store:
        rows = store.statements(limit=limit, offset=offset, **where)
        more = (max(0, store.count_statements(**where) - offset - len(rows))
                if limit is not None and len(rows) == limit else 0)
    print_rows(rows, format.value)
    note_more(more, format.value)


def show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="Statement id.")],
    db: DbOpt = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    context: Annotated[int, typer.Option(min=0, help="Characters of context each side.")] = 300,
) -> None:
    """One statement, highlighted in its document, with all its fields."""
    with open_store(ctx, db) as store:
        row = store.statement(id)
    if row is None:
        raise fail(f"no statement with id {id!r}")
    if format == ShowFormat.json:
        write_json(row)
    else:
        render.show_statement(row, console(), chars=context)


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find in quotes and speakers (word* = prefix).")],
    db: DbOpt = None,
    limit: Annotated[int | None, typer.Option(
        min=0, help=f"Rows to show (0 = all; default: {SEARCH_PAGE} in the table, all in "
                    "jsonl/csv).", show_default=False)] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Full-text search over quotes and speakers, best match first."""
    limit = page_size(limit, format.value, SEARCH_PAGE)
    with open_store(ctx, db) as store:
        if limit is None:  # every match, all of them ranked
            rows, more, capped = store.search(query, limit=ALL, candidates=None), 0, False
        else:  # ranked as always (among the most recent candidates); the rest counted
            from saidwhat.store.queries import SEARCH_CANDIDATES

            rows = store.search(query, limit=ALL)
            capped = len(rows) >= SEARCH_CANDIDATES
            more, rows = max(0, len(rows) - limit), rows[:limit]
    print_rows(rows, format.value)
    note_more(more, format.value, at_least=capped)


def timeline(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="Speaker, mention or actor id (substring).")],
    db: DbOpt = None, since: SinceOpt = None, until: UntilOpt = None, event: EventOpt = None,
    format: Annotated[LineFormat, typer.Option("--format", "-f")] = LineFormat.table,
    json_: JsonOpt = False,
) -> None:
    """What one actor said over time: one line per utterance (reports of the same words are one
    line): date, event type, targets, canonical text, number of reports, first outlet."""
    with open_store(ctx, db) as store:
        rows = store.utterances(actor, since=since, until=until, event=event)
    if json_:
        write_json(rows)
    elif format == LineFormat.jsonl:
        exporting.write_jsonl(rows, sys.stdout)
    else:
        render.utterance_lines(rows, console())


def export(
    ctx: typer.Context,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file ('-' = stdout).")],
    db: DbOpt = None,
    speaker: SpeakerOpt = None, actor: ActorOpt = None, target: TargetOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, kind: KindOpt = None,
    negated: NegatedOpt = None, doc: DocOpt = None, event: EventOpt = None, source: SourceOpt = None,
    events: Annotated[bool, typer.Option(
        "--events", help="ICEWS/POLECAT-like event rows (date, source actor/country/sector, event "
                         "type, mode, CAMEO, target actor/country, quote, document url); statements "
                         "reported as not made have no event and are left out.")] = False,
) -> None:
    """Export statements (all, or filtered) to JSONL, CSV or Parquet."""
    if format == ExportFormat.parquet and output == "-":
        raise typer.BadParameter("parquet needs a file", param_hint="--output")
    if output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    with open_store(ctx, db) as store:
        rows = store.iter_statements(
            **filters(speaker, actor, target, since, until, kind, False if events else negated, doc,
                      event, source))
        columns = None
        if events:
            rows, columns = exporting.event_rows(rows, store), list(exporting.EVENT_COLUMNS)
        try:
            n = exporting.export(rows, format.value, output, columns)
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc}")
    if output != "-":
        console(stderr=True).print(f"wrote {n} statements to {escape(output)}")


def errors(
    ctx: typer.Context,
    db: DbOpt = None,
    reason: Annotated[str | None, typer.Option(help="Only this reason: " + ", ".join(REASONS))] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Documents that were skipped or failed, and why."""
    if reason is not None and reason not in REASONS:
        raise typer.BadParameter(f"one of {', '.join(REASONS)}", param_hint="--reason")
    with open_store(ctx, db) as store:
        rows = store.errors(reason)
    if format == ListFormat.jsonl:
        exporting.write_jsonl(rows, sys.stdout)
    elif format == ListFormat.csv:
        exporting.write_csv(rows, sys.stdout,
                         columns=["reason", "source", "count", "first_seen", "last_seen",
                                  "doc_id", "message"])
    else:
        render.errors_table(rows, console())


def stats(ctx: typer.Context, db: DbOpt = None, json_: JsonOpt = False) -> None:
    """Counts: documents, statements by kind, negated, top speakers, errors."""
    with open_store(ctx, db) as store:
        data = store.stats()
    if json_:
        write_json(data)
    else:
        render.stats_summary(data, console())


COMMANDS = (statements, show, search, timeline, export, errors, stats)
