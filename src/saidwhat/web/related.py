"""Statements that belong together: other reports of the same utterance, clusters, an actor's record.

Other reports: where the schema has a ``cluster_id`` column (the linking issue) and the statement
has one, the other members of its cluster, first report first (the cluster's id is its first
report's statement id); a cluster page also carries the cluster's row from the ``clusters`` table
(canonical text, date, first outlet, counts). Otherwise reports are found by their words: statements in
other documents whose quote, normalised (case-folded, punctuation and spacing dropped), equals this
one's or contains it. The candidates come from the full-text index (a phrase query on the quote's
words: FTS5 on SQLite, the tsvector's GIN index on PostgreSQL), so no table scan is needed.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import sqlalchemy as sa

from saidwhat.store.queries import row_to_statement, statement_columns
from saidwhat.store.schema import FTS_TABLE, TSV_COLUMN, documents, statements
from saidwhat.web.reads import column

S, D = statements, documents
MIN_WORDS = 4          # shorter quotes ("No.") are too common to call the same utterance
MAX_PHRASE_WORDS = 64
MAX_REPORTS = 50
_WORDS = re.compile(r"\w+", re.UNICODE)


def normalise(text: str | None) -> str:
    return " ".join(_WORDS.findall((text or "").casefold()))


def _with_docs(frm=None):
    frm = S.join(D, S.c.doc_id == D.c.id) if frm is None else frm
    return sa.select(*statement_columns(), D.c.title, D.c.outlet, D.c.published, D.c.url) \
        .select_from(frm)


def _by_cluster(conn: sa.Connection, cluster_id: str) -> list[dict]:
    col = column("cluster_id")
    if col is None:
        return []
    q = _with_docs().add_columns(*(D.c[c] for c in ("language", "near_dup_of") if c in D.c)) \
        .where(col == cluster_id) \
        .order_by(sa.case((D.c.published.is_(None), 1), else_=0), D.c.published, S.c.doc_id,
                  S.c.start, S.c.id).limit(MAX_REPORTS + 1)
    rows = [row_to_statement(r) for r in conn.execute(q)]
    for r in rows:
        r["first_report"] = r["id"] == cluster_id
    return rows


def _summary(conn: sa.Connection, cluster_id: str) -> dict[str, Any]:
    """The cluster's row (canonical text, date, first outlet, counts) when the schema has one."""
    try:
        from saidwhat.store.cluster_reads import cluster_row
        from saidwhat.store.schema import clusters
    except ImportError:  # a schema from before the linking issue
        return {}
    row = conn.execute(sa.select(clusters).where(clusters.c.id == cluster_id)).first()
    if row is None:
        return {}
    out = cluster_row(row)
    out.pop("id", None)
    return out


def _by_quote(conn: sa.Connection, st: dict) -> list[dict]:
    """Statements of other documents with the same (or a containing) normalised quote."""
    norm = normalise(st.get("quote"))
    words = norm.split()
    if len(words) < MIN_WORDS:
        return []
    if conn.dialect.name == "sqlite":
        phrase = '"' + " ".join(words[:MAX_PHRASE_WORDS]).replace('"', '""') + '"'
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        frm = S.join(D, S.c.doc_id == D.c.id).join(
            fts, fts.c.rowid == sa.literal_column("statements.rowid"))
        q = _with_docs(frm).where(sa.literal_column(FTS_TABLE).op("MATCH")("quote : " + phrase))
    else:  # PostgreSQL: the generated tsvector ('simple': lower-cased, unstemmed) and its GIN index
        tsv = sa.literal_column(f"statements.{TSV_COLUMN}")
        tsq = sa.func.phraseto_tsquery(sa.literal_column("'simple'::regconfig"),
                                       " ".join(words[:MAX_PHRASE_WORDS]))
        q = _with_docs().where(tsv.op("@@")(tsq))
    q = q.where(S.c.doc_id != st["doc_id"])
    q = q.order_by(D.c.published, S.c.date, S.c.id).limit(4 * MAX_REPORTS)
    out = []
    for r in conn.execute(q):
        row = row_to_statement(r)
        other = normalise(row["quote"])
        if other == norm or norm in other:
            row["match"] = "same quote" if other == norm else "quote contains it"
            out.append(row)
    return out[:MAX_REPORTS]


def other_reports(conn: sa.Connection, st: dict) -> tuple[list[dict], str]:
    """(reports of the same utterance in other documents, how they were found): the other members
    of its cluster; when linking found none (or the schema has no clusters), statements of other
    documents with the same words (basis "quote", said so on the page)."""
    cid = st.get("cluster_id")
    if cid:
        rows = [r for r in _by_cluster(conn, cid) if r["id"] != st["id"]]
        if rows:
            return rows[:MAX_REPORTS], "cluster"
    return _by_quote(conn, st), "quote"


def cluster(conn: sa.Connection, key: str, get_statement) -> dict[str, Any] | None:
    """A cluster by its id or a member's statement id, with its summary (canonical text, date,
    first outlet, counts) and every report, first report first. For a statement whose cluster has
    no other report (or a schema with no clusters): the statement and the statements of other
    documents with the same words (basis "quote"). None when neither exists."""
    members = _by_cluster(conn, key)
    if len(members) < 2:
        seed = get_statement(key)
        if seed is None:
            return None
        cid = seed.get("cluster_id")
        members = _by_cluster(conn, cid) if cid and cid != key else members
        if len(members) >= 2:
            key = cid
        else:
            members = [seed, *_by_quote(conn, seed)][:MAX_REPORTS]
            members.sort(key=lambda r: (r.get("published") or "9999", r.get("date") or "9999", r["id"]))
            return {"id": key, "basis": "quote", "statements": members,
                    "first": members[0]["id"] if members else None}
    members = members[:MAX_REPORTS]
    return {"id": key, "basis": "cluster", **_summary(conn, key), "statements": members,
            "first": members[0]["id"] if members else None}


# --- actors --------------------------------------------------------------------------------------

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


def actor_weeks(conn: sa.Connection, actor_id: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(series name, [(ISO date, series value, count)]) for the weekly chart: by event type when
    the schema has one and this actor's statements carry it, else by kind."""
    ev = column("event_type")
    series, col = "kind", S.c.kind
    if ev is not None and conn.execute(
            sa.select(sa.literal(1)).where(S.c.actor_id == actor_id, ev.is_not(None))
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


def actor_statements(conn: sa.Connection, actor_id: str, limit: int, offset: int) -> list[dict]:
    q = (sa.select(*statement_columns(), D.c.title, D.c.outlet)
         .select_from(S.join(D, S.c.doc_id == D.c.id)).where(S.c.actor_id == actor_id)
         .order_by(sa.case((S.c.date.is_(None), 1), else_=0), S.c.date.desc(), S.c.doc_id,
                   S.c.start).limit(limit).offset(offset))
    return [row_to_statement(r) for r in conn.execute(q)]
