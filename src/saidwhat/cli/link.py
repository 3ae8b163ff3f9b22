"""Linking commands (issue 6): `link` (near-duplicate documents and same-utterance clusters),
`cluster ID` (every report of one utterance side by side), `clusters` (utterances, filtered).
`timeline` (in ``query``) shows one line per utterance."""
from __future__ import annotations

from typing import Annotated

import typer

from saidwhat.cli import render
from saidwhat.cli.common import DbOpt, EventOpt, JsonOpt, SinceOpt, UntilOpt, console, fail, open_store, write_json
from saidwhat.cli.query import note_more, page_size


def link(
    ctx: typer.Context,
    db: DbOpt = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Forget every link and link the whole database again.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Link pending statements into clusters of the same utterance and mark near-duplicate
    documents (ingest does this batch by batch; run it for a database from before linking)."""
    with open_store(ctx, db) as store:
        counts = store.link(rebuild=rebuild)
    if json_:
        write_json(counts)
    else:
        render.link_summary(counts, console())


def cluster(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="Cluster id (or the id of any statement in it).")],
    db: DbOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Every report of one utterance side by side: outlet, published, date, kind, wording; the
    first report marked."""
    with open_store(ctx, db) as store:
        data = store.cluster(id)
    if data is None:
        raise fail(f"no cluster or statement with id {id!r}")
    if json_:
        write_json(data)
    else:
        render.cluster_reports(data, console())


def clusters(
    ctx: typer.Context,
    db: DbOpt = None,
    actor: Annotated[str | None, typer.Option(
        help="Substring of a member's speaker, mention or actor id.")] = None,
    since: SinceOpt = None, until: UntilOpt = None, event: EventOpt = None,
    min_reports: Annotated[int, typer.Option(min=1, help="Only clusters with at least N reports.")] = 2,
    limit: Annotated[int | None, typer.Option(
        min=0, help="Rows to show (0 = all; default: 50 in the table, all with --json).",
        show_default=False)] = None,
    json_: JsonOpt = False,
) -> None:
    """Utterances reported by several documents (clusters), in date order."""
    fmt = "json" if json_ else "table"
    limit = page_size(limit, fmt)
    with open_store(ctx, db) as store:
        rows = store.clusters(actor=actor, since=since, until=until, event=event,
                              min_reports=min_reports, limit=None if limit is None else limit + 1)
        more = 0
        if limit is not None and len(rows) > limit:  # count the rest only when there is a rest
            more = len(store.clusters(actor=actor, since=since, until=until, event=event,
                                      min_reports=min_reports, limit=None)) - limit
            rows = rows[:limit]
    if json_:
        write_json(rows)
    else:
        render.clusters_table(rows, console())
    note_more(more, fmt)


COMMANDS = (link, cluster, clusters)
