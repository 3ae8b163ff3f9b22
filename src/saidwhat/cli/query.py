"""Commands that read the store: statements, show, search, timeline, export, errors, stats."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

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


def statements(
    ctx: typer.Context,
    db: DbOpt = None,
    speaker: SpeakerOpt = None, actor: ActorOpt = None, target: TargetOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, kind: KindOpt = None,
    negated: NegatedOpt = None, doc: DocOpt = None, event: EventOpt = None, source: SourceOpt = None,
    limit: Annotated[int, typer.Option(min=0, help="Rows to show (0 = all).")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List stored statements, filtered, in date order."""
    with open_store(ctx, db) as store:
        rows = store.statements(limit=limit or None, offset=offset,
                                **filters(speaker, actor, target, since, until, kind, negated, doc,
                                          event, source))
    print_rows(rows, format.value)


def show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="Statement id.")],
    db: DbOpt = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    context: Annotated[int, typer.Option(min=0, help="Characters of context each side.")] = 300,
) -> None:
    """One statement, highlighted in its document, with all its fields."""
    from saidwhat import render

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
    limit: Annotated[int, typer.Option(min=1, help="Rows to show.")] = 20,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Full-text search over quotes and speakers, best match first."""
    with open_store(ctx, db) as store:
        rows = store.search(query, limit=limit)
    print_rows(rows, format.value)


def timeline(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="Speaker, mention or actor id (substring).")],
    db: DbOpt = None, since: SinceOpt = None, until: UntilOpt = None, event: EventOpt = None,
    format: Annotated[LineFormat, typer.Option("--format", "-f")] = LineFormat.table,
    json_: JsonOpt = False,
) -> None:
    """What one actor said over time: one line per utterance (reports of the same words are one
    line): date, event type, targets, canonical text, number of reports, first outlet."""
    from saidwhat import render

    with open_store(ctx, db) as store:
        rows = store.utterances(actor, since=since, until=until, event=event)
    if json_:
        write_json(rows)
    elif format == LineFormat.jsonl:
        render.write_jsonl(rows, sys.stdout)
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
    from saidwhat import render

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
            rows, columns = render.event_rows(rows, store), list(render.EVENT_COLUMNS)
        try:
            n = render.export(rows, format.value, output, columns)
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
    from saidwhat import render

    if reason is not None and reason not in REASONS:
        raise typer.BadParameter(f"one of {', '.join(REASONS)}", param_hint="--reason")
    with open_store(ctx, db) as store:
        rows = store.errors(reason)
    if format == ListFormat.jsonl:
        render.write_jsonl(rows, sys.stdout)
    elif format == ListFormat.csv:
        render.write_csv(rows, sys.stdout,
                         columns=["reason", "source", "count", "first_seen", "last_seen",
                                  "doc_id", "message"])
    else:
        render.errors_table(rows, console())


def stats(ctx: typer.Context, db: DbOpt = None, json_: JsonOpt = False) -> None:
    """Counts: documents, statements by kind, negated, top speakers, errors."""
    from saidwhat import render

    with open_store(ctx, db) as store:
        data = store.stats()
    if json_:
        write_json(data)
    else:
        render.stats_summary(data, console())


COMMANDS = (statements, show, search, timeline, export, errors, stats)
