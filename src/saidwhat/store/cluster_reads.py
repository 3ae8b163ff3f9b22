"""The read side of linking (issue 6): statements as the linker reads them (``members``), one
cluster with its reports (``get_cluster``: ``Store.cluster``, the CLI's ``saidwhat cluster`` and the
web's cluster and statement pages), clusters in date order (``list_clusters``), a pending statement
shaped as an utterance (``pending_utterance``) and link counts (``link_counts``). The write side
(linking, near duplicates) is ``clusters``."""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from saidwhat.store.queries import (
    filter_clauses,
    row_to_statement,
    since_bound,
    statement_columns,
    until_bound,
)
from saidwhat.store.schema import clusters, documents, statements

S, D, C = statements, documents, clusters

MEMBER_COLUMNS = (S.c.id, S.c.doc_id, S.c.kind, S.c.quote, S.c.start, S.c["end"], S.c.speaker,
                  S.c.speaker_mention, S.c.actor_id, S.c.actor_type, S.c.country, S.c.sector,
                  S.c.date, S.c.event_type, S.c.targets, S.c.negated, S.c.cluster_id,
                  D.c.published, D.c.outlet, D.c.url, D.c.language, D.c.title,
                  D.c.near_dup_of, D.c.name.label("doc"))


def members(conn: sa.Connection, *where) -> list[dict]:
    """Statements (with their document's fields) matching ``where``, as plain dicts: what the linker
    and the cluster summaries read. One row per statement (blocking keys are not joined in)."""
    q = (sa.select(*MEMBER_COLUMNS)
         .select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(*where))
    out = []
    for r in conn.execute(q):
        m = dict(r._mapping)
        try:
            m["targets"] = json.loads(m["targets"] or "[]")
        except ValueError:
            m["targets"] = []
        m["negated"] = bool(m["negated"])
        out.append(m)
    return out


# --- clusters --------------------------------------------------------------------------------------

def cluster_row(row: Any) -> dict[str, Any]:
    m = dict(row._mapping)
    for k in ("targets", "languages"):
        try:
            m[k] = json.loads(m.get(k) or "[]")
        except ValueError:
            m[k] = []
    m["negated"] = bool(m.get("negated"))
    return m


def report_order(st: dict) -> tuple:
    """The order of one utterance's reports, first report first: published (undated last),
    document id, start, statement id. The order linking names a cluster by (its id is its first
    report's), ``saidwhat.link.cluster.sort_key``; a test keeps the two equal."""
    return (st.get("published") or "9999-99-99", str(st.get("doc_id") or ""),
            int(st.get("start") or 0), str(st.get("id")))


def report_columns():
    """A report: the statement record plus its document's title, outlet, published, url,
    language and near-duplicate mark."""
    return [*statement_columns(), D.c.title, D.c.outlet, D.c.published, D.c.url, D.c.language,
            D.c.near_dup_of]


def get_cluster(conn: sa.Connection, key: str, limit: int | None = None) -> dict[str, Any] | None:
    """A cluster (by its id, or by the id of any member statement) with its reports, first report
    first: the cluster's row (``clusters`` table) plus ``outlets`` (every member's) and ``reports``
    (statement records with ``report_columns`` and ``first``; the first ``limit`` of them)."""
    row = conn.execute(sa.select(C).where(C.c.id == key)).first()
    if row is None:
        cid = conn.execute(sa.select(S.c.cluster_id).where(S.c.id == key)).scalar()
        row = conn.execute(sa.select(C).where(C.c.id == cid)).first() if cid else None
    if row is None:
        return None
    out = cluster_row(row)
    q = (sa.select(*report_columns()).select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(S.c.cluster_id == out["id"]))
    reports = sorted((row_to_statement(r) for r in conn.execute(q)), key=report_order)
    out["outlets"] = sorted({m["outlet"] for m in reports if m.get("outlet")})
    if limit is not None:
        reports = reports[:int(limit)]
    for m in reports:
        m["first"] = m["id"] == out["id"]
    out["reports"] = reports
    return out


def list_clusters(conn: sa.Connection, *, actor: str | None = None, since: str | None = None,
                  until: str | None = None, event: str | None = None, min_reports: int = 1,
                  limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Clusters (one per utterance) in date order. ``actor``: a substring of a member's speaker,
    mention or actor id; ``since``/``until`` bound the cluster date; ``event``: PLOVER type."""
    where = []
    if actor:
        sub = sa.select(S.c.cluster_id).where(*filter_clauses(conn.dialect.name, speaker=actor),
                                              S.c.cluster_id.is_not(None))
        where.append(C.c.id.in_(sub))
    if since:
        where.append(C.c.date >= since_bound(since))
    if until:
        where.append(C.c.date <= until_bound(until))
    if event:
        where.append(C.c.event_type == event.strip().upper())
    if min_reports > 1:
        where.append(C.c.n_reports >= min_reports)
    q = (sa.select(C).where(*where)
         .order_by(sa.case((C.c.date.is_(None), 1), else_=0), C.c.date, C.c.first_published,
                   C.c.first_doc, C.c.first_start, C.c.id))
    if limit is not None:
        q = q.limit(int(limit))
    if offset:
        q = q.offset(int(offset))
    return [cluster_row(r) for r in conn.execute(q)]


def pending_utterance(st: dict) -> dict[str, Any]:
    """A statement not linked yet, shaped like a ``clusters`` row (an utterance of its own)."""
    return {"id": st["id"], "speaker_key": None, "speaker": st.get("speaker"),
            "actor_id": st.get("actor_id"), "date": st.get("date"), "event_type": st.get("event_type"),
            "targets": st.get("targets") or [], "canonical_text": st.get("quote"),
            "canonical_statement": st["id"], "negated": bool(st.get("negated")),
            "first_doc": st.get("doc_id"), "first_outlet": st.get("outlet") or st.get("doc"),
            "first_published": st.get("published"), "first_start": st.get("start"), "n_statements": 1, "n_reports": 1,
            "n_outlets": 1 if st.get("outlet") else 0, "languages": [], "pending": True}


def link_counts(conn: sa.Connection) -> dict[str, int]:
    one = lambda q: conn.execute(q).scalar() or 0  # noqa: E731
    return {"statements": one(sa.select(sa.func.count()).select_from(S)),
            "pending": one(sa.select(sa.func.count()).where(S.c.cluster_id.is_(None))),
            "clusters": one(sa.select(sa.func.count()).select_from(C)),
            "multi_report_clusters": one(sa.select(sa.func.count()).where(C.c.n_reports > 1)),
            "near_duplicates": one(sa.select(sa.func.count()).where(D.c.near_dup_of.is_not(None)))}
