"""Read-only queries the web needs and ``Store`` does not offer yet: full-text search with filters,
pagination and a (capped) count; statements of one document; facets (outlets, languages, event
types); top actors; a page of ingest errors. SQLAlchemy Core against ``saidwhat.store.schema``, every
value a bound parameter. Candidates to move into ``saidwhat.store`` (see the README section).

Optional columns (``event_type``, ``cluster_id``; later issues add them to the schema) are used only
when the schema has them: ``column("event_type")`` is None otherwise.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Optional

import sqlalchemy as sa

from ..store.queries import (_like_escape, filter_clauses, fts_query, row_to_statement,
                             statement_columns)
from ..store.schema import FTS_TABLE, documents, ingest_errors, statements
from .params import Paging, SearchParams

S, D, E = statements, documents, ingest_errors
COUNT_CAP = 1_000        # counts above this show as "1,000+" (pages go on while they are full)
DENSE = 500              # full-text matches above which newest-first walks the date index


def column(name: str) -> Optional[sa.Column]:
    """An optional statements column (event_type, cluster_id, ...) when the schema has it."""
    return S.c[name] if name in S.c else None


# --- search --------------------------------------------------------------------------------------

def _where(conn: sa.Connection, p: SearchParams) -> tuple[list, list, Any]:
    """(WHERE clauses on statements, WHERE clauses on documents, full-text MATCH string or None).
    A MATCH of '' means the words leave nothing searchable (no rows)."""
    dialect = conn.dialect.name
    where = filter_clauses(dialect, target=p.target, since=p.since, until=p.until, kind=p.kind,
                           negated=p.negated)
    if p.speaker:
        where.append(speaker_clause(conn, p.speaker))
    doc_where = []
    if p.outlet:
        doc_where.append(D.c.outlet == p.outlet)
    if p.language:
        doc_where.append(D.c.language == p.language)
    if doc_where:  # as a set of document ids, so that the statements side can drive the query
        where.append(S.c.doc_id.in_(sa.select(D.c.id).where(*doc_where)))
    if p.event_type:
        ev = column("event_type")
        where.append(ev == p.event_type if ev is not None else sa.false())
    match = None
    if p.q and dialect == "sqlite":
        match = fts_query(p.q)
    elif p.q:  # other backends: every term somewhere in quote, speaker or mention
        terms = [t.strip('*"') for t in p.q.split()]
        terms = [t for t in terms if any(ch.isalnum() for ch in t)]
        if not terms:
            where.append(sa.false())
        for t in terms:
            pat = f"%{_like_escape(t)}%"
            where.append(sa.or_(*[c.ilike(pat, escape="\\")
                                  for c in (S.c.quote, S.c.speaker, S.c.speaker_mention)]))
    return where, [], match


_NAMES: dict[int, tuple[float, dict[str, list[str]]]] = {}
_NAMES_LOCK = threading.Lock()
NAMES_SECONDS = 10.0
MAX_IN = 2_000


def _names(conn: sa.Connection) -> dict[str, list[str]]:
    """Distinct speakers, mentions and actor ids (cached a few seconds per engine)."""
    key, now = id(conn.engine), time.monotonic()
    with _NAMES_LOCK:
        hit = _NAMES.get(key)
    if hit and now - hit[0] < NAMES_SECONDS:
        return hit[1]
    names = {c.name: [v for v in conn.execute(sa.select(c).where(c.is_not(None)).distinct())
                      .scalars()] for c in (S.c.speaker, S.c.speaker_mention, S.c.actor_id)}
    with _NAMES_LOCK:
        _NAMES[key] = (now, names)
    return names


def speaker_clause(conn: sa.Connection, value: str):
    """Case-insensitive substring of speaker, mention or actor id, as the Store's ``speaker``
    filter, but matched against the distinct names first so the query can use equality (and the
    indexes) instead of folding every row."""
    needle = value.casefold()
    found = {col: [v for v in vals if needle in v.casefold()]
             for col, vals in _names(conn).items()}
    if sum(len(v) for v in found.values()) > MAX_IN:
        return sa.and_(*filter_clauses(conn.dialect.name, speaker=value))
    return sa.or_(sa.false(), *[S.c[col].in_(vals) for col, vals in found.items() if vals])


FTS = sa.table(FTS_TABLE, sa.column("rowid"))
FTS_COL = sa.literal_column(FTS_TABLE)
ROWID = sa.literal_column("statements.rowid")
NO_INDEX_ROWID = sa.literal_column("+statements.rowid")


def _fts_ids(match: str) -> sa.Select:
    return sa.select(FTS.c.rowid).where(FTS_COL.op("MATCH")(match))


def _order(p: SearchParams, score, dialect: str) -> list:
    if p.sort == "relevance" and score is not None:
        return [score, S.c.date.desc(), S.c.id]
    if p.sort == "date":
        return [sa.case((S.c.date.is_(None), 1), else_=0), S.c.date, S.c.doc_id, S.c.start]
    if dialect == "sqlite":  # NULL sorts last in DESC; (date, rowid) is exactly ix_statements_date
        return [S.c.date.desc(), ROWID.desc()]
    return [S.c.date.desc().nulls_last(), S.c.doc_id, S.c.start]


def _count(conn: sa.Connection, where: list, doc_where: list, match: Optional[str]) -> int:
    """Matching statements, counted up to COUNT_CAP + 1, touching only the tables needed."""
    if match and not where and not doc_where:
        inner = sa.select(sa.literal(1)).select_from(FTS).where(FTS_COL.op("MATCH")(match))
    else:
        frm = S.join(D, S.c.doc_id == D.c.id) if doc_where else S
        inner = sa.select(sa.literal(1)).select_from(frm).where(*where, *doc_where)
        if match:
            inner = inner.where(ROWID.in_(_fts_ids(match)))
    inner = inner.limit(COUNT_CAP + 1).subquery()
    return conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar() or 0


def search(conn: sa.Connection, p: SearchParams, paging: Paging) -> tuple[list[dict], int, bool]:
    """(rows of this page, total, total_is_capped). Words go through the FTS5 index (every
    term quoted: no user input is FTS syntax); relevance is bm25."""
    where, doc_where, match = _where(conn, p)
    if match == "":
        return [], 0, False
    dialect = conn.dialect.name
    frm = S.join(D, S.c.doc_id == D.c.id)
    score = None
    q = sa.select(*statement_columns(), D.c.title, D.c.outlet, D.c.language, D.c.published)
    if match and p.sort == "relevance":
        frm = frm.join(FTS, FTS.c.rowid == ROWID)
        score = sa.func.bm25(FTS_COL)
        q = q.where(FTS_COL.op("MATCH")(match))
    elif match:
        # Many matches: walking the date index and stopping after one page beats sorting them
        # all, but SQLite's planner starts from the full-text side unless told otherwise ('+').
        dense = p.sort == "-date" and not doc_where and _count(conn, [], [], match) > DENSE
        q = q.where((NO_INDEX_ROWID if dense else ROWID).in_(_fts_ids(match)))
    q = (q.select_from(frm).where(*where, *doc_where).order_by(*_order(p, score, dialect))
         .limit(paging.limit).offset(paging.offset))
    rows = [row_to_statement(r) for r in conn.execute(q)]
    total = _count(conn, where, doc_where, match)
    return rows, min(total, COUNT_CAP), total > COUNT_CAP


# --- documents -----------------------------------------------------------------------------------

def document_statements(conn: sa.Connection, doc_id: str) -> list[dict]:
    q = (sa.select(*statement_columns()).select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(S.c.doc_id == doc_id).order_by(S.c.start, S.c.end, S.c.id))
    return [row_to_statement(r) for r in conn.execute(q)]


# --- facets and figures --------------------------------------------------------------------------

def facets(conn: sa.Connection) -> dict[str, list[str]]:
    """Values for the search form's selects: outlets, languages, kinds, event types (if any)."""
    def distinct(col) -> list[str]:
        return [v for v in conn.execute(
            sa.select(col).where(col.is_not(None)).distinct().order_by(col).limit(500)).scalars()]

    ev = column("event_type")
    return {"outlets": distinct(D.c.outlet), "languages": distinct(D.c.language),
            "kinds": distinct(S.c.kind), "event_types": distinct(ev) if ev is not None else []}


def top_actors(conn: sa.Connection, n: int = 12) -> list[dict]:
    """Actors with the most statements: actor_id, a display name, count."""
    q = (sa.select(S.c.actor_id, sa.func.max(S.c.speaker).label("name"),
                   sa.func.max(S.c.actor_type).label("actor_type"),
                   sa.func.count().label("statements"))
         .where(S.c.actor_id.is_not(None)).group_by(S.c.actor_id)
         .order_by(sa.func.count().desc(), S.c.actor_id).limit(n))
    return [dict(r._mapping) for r in conn.execute(q)]


def latest(conn: sa.Connection, n: int = 10) -> list[dict]:
    q = (sa.select(*statement_columns(), D.c.title, D.c.outlet)
         .select_from(S.join(D, S.c.doc_id == D.c.id)).where(S.c.date.is_not(None))
         .order_by(S.c.date.desc(), S.c.doc_id, S.c.start).limit(n))
    return [row_to_statement(r) for r in conn.execute(q)]


# --- ingest errors -------------------------------------------------------------------------------

def errors(conn: sa.Connection, reason: Optional[str], paging: Paging) -> tuple[list[dict], int]:
    where = [E.c.reason == reason] if reason else []
    q = (sa.select(E).where(*where).order_by(E.c.last_seen.desc(), E.c.id.desc())
         .limit(paging.limit).offset(paging.offset))
    total = conn.execute(sa.select(sa.func.count()).select_from(E).where(*where)).scalar() or 0
    return [dict(r._mapping) for r in conn.execute(q)], total
