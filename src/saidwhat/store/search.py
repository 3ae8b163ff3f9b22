"""One page of a filtered full-text search, with a capped count (``Store.search_page``; the web's
search page and its JSON twin). ``queries.search`` is the plain ranked search of ``Store.search``.

Words go through the full-text index (FTS5 on SQLite, the tsvector GIN index on PostgreSQL; every
term quoted: no user input is query syntax); the filters are those of the web's search form. The
total is counted up to ``COUNT_CAP``; relevance is bm25 (ts_rank) among at most ``RANK_CANDIDATES``
matches; newest first with many matches walks the date index and stops after one page instead of
sorting every match. SQLAlchemy Core, every value a bound parameter.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa

from saidwhat.store.queries import (
    RANK_NORMALIZATION,
    SEARCH_CANDIDATES,
    filter_clauses,
    fts_query,
    like_escape,
    pg_tsquery,
    row_to_statement,
    statement_columns,
)
from saidwhat.store.schema import FTS_TABLE, TSV_COLUMN, documents, statements

S, D = statements, documents
SORTS = ("relevance", "date", "-date")
COUNT_CAP = 1_000        # counts above this show as "1,000+" (pages go on while they are full)
DENSE = 500              # full-text matches above which newest-first walks the date index
RANK_CANDIDATES = SEARCH_CANDIDATES  # relevance order ranks at most this many matches
WALK_ROWS = 100_000      # ... unless the page is expected that many rows down the index


class SearchPage(NamedTuple):
    """One page of ``Store.search_page``: its statements, the total (at most ``COUNT_CAP``) and
    whether the total was capped."""
    statements: list[dict[str, Any]]
    total: int
    capped: bool


@dataclass(frozen=True)
class Filters:
    """The filters of ``search_page`` (the web's search form): ``q`` words (all must occur;
    ``word*`` a prefix), ``speaker`` a substring of speaker, mention or actor id, ``target`` an ISO3
    or target actor id, ``event_type``, ``since``/``until`` inclusive dates, the document's
    ``outlet`` and ``language``, ``kind``, ``negated``; ``sort``: relevance | date | -date."""
    q: str | None = None
    speaker: str | None = None
    target: str | None = None
    event_type: str | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    language: str | None = None
    kind: str | None = None
    negated: bool | None = None
    sort: str = "-date"


@dataclass(frozen=True)
class Window:
    limit: int
    offset: int


def _where(conn: sa.Connection, p: Filters) -> tuple[list, list, Any]:
    """(WHERE clauses on statements, WHERE clauses on documents, the full-text query or None).

    The document clauses (outlet, language) are returned as one ``doc_id IN (SELECT id FROM
    documents WHERE ...)`` clause, so that the statements side can drive the query (and an index
    on documents(outlet) / (language), where there is one, makes the list cheap). The full-text
    query is an FTS5 MATCH string on SQLite, a tsquery string on PostgreSQL, a list of words on
    other backends; '' (or []) means the words leave nothing searchable (no rows)."""
    dialect = conn.dialect.name
    where = filter_clauses(dialect, target=p.target, since=p.since, until=p.until, kind=p.kind,
                           negated=p.negated)
    if p.speaker:
        where.append(speaker_clause(conn, p.speaker))
    if p.event_type:
        where.append(S.c.event_type == p.event_type)
    doc_filter = []
    if p.outlet:
        doc_filter.append(D.c.outlet == p.outlet)
    if p.language:
        doc_filter.append(D.c.language == p.language)
    doc_where = [S.c.doc_id.in_(sa.select(D.c.id).where(*doc_filter))] if doc_filter else []
    match = None
    if p.q and dialect == "sqlite":
        match = fts_query(p.q)
    elif p.q and dialect == "postgresql":
        match = pg_tsquery(p.q)
    elif p.q:  # other backends: every term somewhere in quote, speaker or mention
        terms = [t.strip('*"') for t in p.q.split()]
        match = [t for t in terms if any(ch.isalnum() for ch in t)]
        for t in match:
            pat = f"%{like_escape(t)}%"
            where.append(sa.or_(*[c.ilike(pat, escape="\\")
                                  for c in (S.c.quote, S.c.speaker, S.c.speaker_mention)]))
    return where, doc_where, match


_NAMES: dict[int, tuple[float, dict[str, list[str]]]] = {}
_NAMES_LOCK = threading.Lock()
NAMES_SECONDS = 10.0
MAX_IN = 2_000


def _names(conn: sa.Connection) -> dict[str, list[str]]:
    """Distinct speakers, mentions and actor ids (cached 10 s per engine; one thread
    refreshes it while the others go on with the previous list)."""
    key, now = id(conn.engine), time.monotonic()
    hit = _NAMES.get(key)
    if hit and now - hit[0] < NAMES_SECONDS:
        return hit[1]
    if hit and not _NAMES_LOCK.acquire(blocking=False):
        return hit[1]  # someone else is refreshing it
    if not hit:
        _NAMES_LOCK.acquire()
    try:
        hit = _NAMES.get(key)
        if hit and time.monotonic() - hit[0] < NAMES_SECONDS:
            return hit[1]
        names = {c.name: [v for v in conn.execute(sa.select(c).where(c.is_not(None)).distinct())
                          .scalars()] for c in (S.c.speaker, S.c.speaker_mention, S.c.actor_id)}
        _NAMES[key] = (time.monotonic(), names)
        return names
    finally:
        _NAMES_LOCK.release()


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
FTS_ROWID = sa.literal_column(f"{FTS_TABLE}.rowid")
ROWID = sa.literal_column("statements.rowid")
NO_INDEX_ROWID = sa.literal_column("+statements.rowid")
TSV = sa.literal_column(f"statements.{TSV_COLUMN}")


def _fts_ids(match: str) -> sa.Select:
    return sa.select(FTS.c.rowid).where(FTS_COL.op("MATCH")(match))


def _tsquery(tsq: str):
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), tsq)


def _matches(dialect: str, match, *, drive: bool = True):
    """The full-text condition on statements: on SQLite ``rowid IN (the FTS5 matches)`` (with
    ``drive=False`` the rowid is hidden from the planner, so that another index leads and the
    matches are only probed), on PostgreSQL ``search_vector @@ tsquery`` (the GIN index)."""
    if match is None or isinstance(match, list):
        return []
    if dialect == "sqlite":
        return [(ROWID if drive else NO_INDEX_ROWID).in_(_fts_ids(match))]
    return [TSV.op("@@")(_tsquery(match))]


def _order(p: Filters, dialect: str) -> list:
    if p.sort == "date":
        return [sa.case((S.c.date.is_(None), 1), else_=0), S.c.date, S.c.doc_id, S.c.start,
                S.c.id]
    # Newest first, undated last, then in document order: the same order on both backends.
    # SQLite puts NULL last in DESC by itself, and walks ix_statements_date sorting only the rows
    # of one date at a time ("TEMP B-TREE FOR RIGHT PART OF ORDER BY").
    date = S.c.date.desc() if dialect == "sqlite" else S.c.date.desc().nulls_last()
    return [date, S.c.doc_id, S.c.start, S.c.id]


_SIZE: dict[int, tuple[float, int]] = {}


def _size(conn: sa.Connection) -> int:
    """About how many statements there are (SQLite: the largest rowid; cached 10 s)."""
    key, now = id(conn.engine), time.monotonic()
    hit = _SIZE.get(key)
    if hit and now - hit[0] < NAMES_SECONDS:
        return hit[1]
    n = conn.execute(sa.select(sa.func.max(ROWID)).select_from(S)).scalar() or 0
    _SIZE[key] = (now, n)
    return n


def _count(conn: sa.Connection, where: list, doc_where: list, match) -> int:
    """Matching statements, counted up to COUNT_CAP + 1 (never all of them), touching only the
    tables needed and letting the cheaper side lead: the FTS5 index alone when there is no
    filter; the documents side (outlet, language) when it is filtered; else the full-text
    matches, each looked up in statements, stopping at the cap."""
    dialect = conn.dialect.name
    if dialect == "sqlite" and isinstance(match, str):
        if not where and not doc_where:
            inner = sa.select(sa.literal(1)).select_from(FTS).where(FTS_COL.op("MATCH")(match))
        elif doc_where:
            inner = sa.select(sa.literal(1)).select_from(S).where(
                *doc_where, *where, *_matches(dialect, match, drive=False))
        else:
            inner = (sa.select(sa.literal(1))
                     .select_from(FTS.join(S, ROWID == FTS_ROWID))
                     .where(FTS_COL.op("MATCH")(match), *where))
    else:
        inner = sa.select(sa.literal(1)).select_from(S).where(
            *where, *doc_where, *_matches(dialect, match))
    inner = inner.limit(COUNT_CAP + 1).subquery()
    return conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar() or 0


def _ranked(dialect: str, match: str, where: list, doc_where: list, paging: Window):
    """The page of a relevance-ordered search as (key, score) rows: at most RANK_CANDIDATES
    matches that pass the filters (the most recently stored first on SQLite), scored by bm25 /
    -ts_rank (lower is better) in the index's own scan, only those (ranking every match of a word
    found in a quarter of the archive costs ~5 us each); the page is chosen on these narrow rows
    before any full row is read."""
    if dialect == "sqlite":
        cand = (sa.select(FTS_ROWID.label("key"), sa.func.bm25(FTS_COL).label("score"),
                          *([S.c.date] if (where or doc_where) else []))
                .select_from(FTS.join(S, ROWID == FTS_ROWID) if (where or doc_where) else FTS)
                .where(FTS_COL.op("MATCH")(match), *where, *doc_where)
                .order_by(FTS_ROWID.desc()))
    else:
        tsq = _tsquery(match)
        cand = (sa.select(S.c.id.label("key"), S.c.date,
                          (-sa.func.ts_rank(TSV, tsq, RANK_NORMALIZATION)).label("score"))
                .where(TSV.op("@@")(tsq), *where, *doc_where))
    cand = cand.limit(RANK_CANDIDATES).subquery("cand")
    tie = [cand.c.date.desc(), cand.c.key] if "date" in cand.c else [cand.c.key.desc()]
    return (sa.select(cand.c.key, cand.c.score).order_by(cand.c.score, *tie)
            .limit(paging.limit).offset(paging.offset).subquery("top"))


def _pg_newest_keys(cond: list, paging: Window):
    """PostgreSQL, newest first: the dated matches by ``date DESC`` (a backward walk of
    ix_statements_date that stops after the page when matches are many, instead of fetching and
    sorting them all; the index yields NULLS FIRST, so the undated come from their own branch),
    then the undated ones; each branch stops at offset + limit rows."""
    n = paging.offset + paging.limit
    cols = [S.c.id.label("key"), S.c.date, S.c.doc_id, S.c.start]
    dated = (sa.select(*cols, sa.literal(0).label("part")).where(*cond, S.c.date.is_not(None))
             .order_by(S.c.date.desc(), S.c.doc_id, S.c.start, S.c.id).limit(n))
    undated = (sa.select(*cols, sa.literal(1).label("part")).where(*cond, S.c.date.is_(None))
               .order_by(S.c.doc_id, S.c.start, S.c.id).limit(n))
    both = sa.union_all(dated, undated).subquery("both")
    return (sa.select(both.c.key)
            .order_by(both.c.part, both.c.date.desc(), both.c.doc_id, both.c.start, both.c.key)
            .limit(paging.limit).offset(paging.offset).subquery("page"))


def search_page(conn: sa.Connection, p: Filters, limit: int, offset: int = 0) -> SearchPage:
    """The statements (with their document's title, outlet, language, published) of one page of
    the search ``p``, newest first, by date or by relevance (see the module doc)."""
    if p.sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    paging = Window(int(limit), int(offset))
    where, doc_where, match = _where(conn, p)
    if match == "" or match == []:
        return SearchPage([], 0, False)
    dialect = conn.dialect.name
    total = _count(conn, where, doc_where, match)
    if total == 0:
        return SearchPage([], 0, False)
    cols = [*statement_columns(), D.c.title, D.c.outlet, D.c.language, D.c.published]
    frm = S.join(D, S.c.doc_id == D.c.id)
    if match and p.sort == "relevance" and dialect in ("sqlite", "postgresql"):
        top = _ranked(dialect, match, where, doc_where, paging)
        key = ROWID if dialect == "sqlite" else S.c.id
        if dialect != "sqlite":
            tie = [S.c.date.desc(), S.c.id]
        else:  # as in _ranked
            tie = [S.c.date.desc(), ROWID] if (where or doc_where) else [ROWID.desc()]
        q = (sa.select(*cols, top.c.score).select_from(frm.join(top, top.c.key == key))
             .order_by(top.c.score, *tie))
    else:
        # The page's keys are chosen on narrow rows, then joined to the full rows. With many
        # matches and no document filter, walking the date index and stopping after one page
        # beats sorting every match (SQLite's planner starts from the full-text side unless
        # told otherwise); a document filter (outlet, language) leads from its documents.
        dense = (dialect == "sqlite" and p.sort == "-date" and total > DENSE and not doc_where
                 and (paging.offset + paging.limit) * _size(conn) / total <= WALK_ROWS)
        key = ROWID if dialect == "sqlite" else S.c.id
        drive = not (dense or doc_where)
        cond = [*where, *doc_where, *_matches(dialect, match, drive=drive)]
        if dialect == "postgresql" and p.sort == "-date":
            keys = _pg_newest_keys(cond, paging)
        else:
            keys = (sa.select(key.label("key")).select_from(S).where(*cond)
                    .order_by(*_order(p, dialect)).limit(paging.limit).offset(paging.offset)
                    .subquery("page"))
        q = (sa.select(*cols).select_from(frm.join(keys, keys.c.key == key))
             .order_by(*_order(p, dialect)))
    rows = [row_to_statement(r) for r in conn.execute(q)]
    return SearchPage(rows, min(total, COUNT_CAP), total > COUNT_CAP)


__all__ = ["COUNT_CAP", "Filters", "SearchPage", "search_page", "speaker_clause"]
