"""An actor's record as stored: the actors with most statements (``top_actors``), one actor's
profile (names, aliases as written, type, country, sector, counts, date range, targets), its
statements per day for the weekly chart (``actor_days``) and its statements newest first. Read by
``Store.top_actors``, ``Store.actor``, ``Store.actor_days`` and ``Store.actor_statements``."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa

from saidwhat.store.queries import row_to_statement, statement_columns
from saidwhat.store.schema import documents, statements

S, D = statements, documents


def top_actors(conn: sa.Connection, n: int = 12) -> list[dict]:
    """Actors with the most statements: actor_id, a display name, count. Counted on the actor_id
    index alone; names and types are then read for these ``n`` actors only."""
    q = (sa.select(S.c.actor_id, sa.func.count().label("statements"))
         .where(S.c.actor_id.is_not(None)).group_by(S.c.actor_id)
         .order_by(sa.func.count().desc(), S.c.actor_id).limit(n))
    out = []
    for actor_id, count in conn.execute(q).all():
        name, kind = conn.execute(sa.select(sa.func.max(S.c.speaker), sa.func.max(S.c.actor_type))
                                  .where(S.c.actor_id == actor_id)).one()
        out.append({"actor_id": actor_id, "name": name, "actor_type": kind, "statements": count})
    return out


def actor_profile(conn: sa.Connection, actor_id: str) -> dict[str, Any] | None:
    """Name(s), type, country, sector, aliases (mentions as written), counts, date range, targets."""
    where = S.c.actor_id == actor_id
    head = conn.execute(sa.select(
        sa.func.count(), sa.func.min(S.c.date), sa.func.max(S.c.date),
        sa.func.sum(sa.case((S.c.negated.is_(True), 1), else_=0)),
        sa.func.count(sa.distinct(S.c.doc_id))).where(where)).first()
    if not head or not head[0]:
        return None

    def counted(col, n=20) -> list[tuple[str, int]]:
        q = (sa.select(col, sa.func.count()).where(where, col.is_not(None)).group_by(col)
             .order_by(sa.func.count().desc(), col).limit(n))
        return [(v, c) for v, c in conn.execute(q)]

    names = counted(S.c.speaker, 5)
    targets: Counter[str] = Counter()
    for (t,) in conn.execute(sa.select(S.c.targets).where(where, S.c.targets != "[]").limit(5000)):
        try:
            targets.update(json.loads(t))
        except ValueError:
            pass
    return {
        "actor_id": actor_id, "name": names[0][0] if names else actor_id,
        "names": [n for n, _ in names], "aliases": [{"mention": m, "count": c}
                                                   for m, c in counted(S.c.speaker_mention)],
        "actor_type": (counted(S.c.actor_type, 1) or [(None, 0)])[0][0],
        "country": (counted(S.c.country, 1) or [(None, 0)])[0][0],
        "sector": (counted(S.c.sector, 1) or [(None, 0)])[0][0],
        "statements": head[0], "first_date": head[1], "last_date": head[2],
        "negated": head[3] or 0, "documents": head[4],
        "targets": [{"target": t, "count": c} for t, c in targets.most_common(10)],
    }


def actor_days(conn: sa.Connection, actor_id: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(series name, [(ISO date, series value, count)]) for the weekly chart: by event type when
    this actor's statements carry one, else by kind. Dates that are not ISO days are left out."""
    ev = S.c.event_type
    series, col = "kind", S.c.kind
    if conn.execute(sa.select(sa.literal(1)).where(S.c.actor_id == actor_id, ev.is_not(None))
                    .limit(1)).first():
        series, col = "event_type", sa.func.coalesce(ev, "other")
    q = (sa.select(S.c.date, col, sa.func.count())
         .where(S.c.actor_id == actor_id, S.c.date.is_not(None)).group_by(S.c.date, col))
    rows = []
    for d, v, n in conn.execute(q):
        try:
            dt.date.fromisoformat(d)
        except (TypeError, ValueError):
            continue
        rows.append((d, v or "other", n))
    return series, rows


def actor_statements(conn: sa.Connection, actor_id: str, limit: int,
                     offset: int = 0) -> list[dict]:
    """An actor's statements (with their document's title and outlet), newest first, undated
    last, then in document order."""
    q = (sa.select(*statement_columns(), D.c.title, D.c.outlet)
         .select_from(S.join(D, S.c.doc_id == D.c.id)).where(S.c.actor_id == actor_id)
         .order_by(sa.case((S.c.date.is_(None), 1), else_=0), S.c.date.desc(), S.c.doc_id,
                   S.c.start).limit(int(limit)).offset(int(offset)))
    return [row_to_statement(r) for r in conn.execute(q)]
