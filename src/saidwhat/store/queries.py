"""All reads. Parameterised SQLAlchemy Core only; user text never reaches SQL as syntax."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from saidwhat.store.schema import FTS_TABLE, JSON_LIST_COLUMNS, TSV_COLUMN, documents, ingest_errors, statements

S, D = statements, documents
ORDERS = ("date", "-date", "confidence", "doc")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --- helpers -------------------------------------------------------------------------------------

def like_escape(value: str) -> str:
    """``value`` as the literal text of a LIKE pattern (``\\`` escapes ``%``, ``_`` and itself;
    use ``escape="\\"``)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fold(dialect: str, expr):
    return sa.func.sw_fold(expr) if dialect == "sqlite" else sa.func.lower(expr)


def _fold_value(dialect: str, value: str) -> str:
    return value.casefold() if dialect == "sqlite" else value.lower()


def _contains_ci(dialect: str, col, value: str):
    pattern = f"%{like_escape(_fold_value(dialect, value))}%"
    return _fold(dialect, col).like(pattern, escape="\\")


def since_bound(value: str) -> str:
    check_date(value)
    return value


def until_bound(value: str) -> str:
    """Inclusive upper bound for a (possibly partial) ISO date: 2024 -> 2024-12-31."""
    check_date(value)
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        return value + "-31"
    return value


def check_date(value: str) -> None:
    if not _DATE_RE.match(value or ""):
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {value!r}")


def statement_columns():
    return [*S.columns, D.c.name.label("doc")]


def row_to_statement(row: Any) -> dict[str, Any]:
    """A result row as a dict with models.Statement.to_dict() keys (plus any extra labels)."""
    m = dict(row._mapping)
    for c in JSON_LIST_COLUMNS:
        v = m.get(c)
        if isinstance(v, str):
            try:
                m[c] = json.loads(v)
            except ValueError:
                m[c] = [v] if v else []
        elif v is None and c in m:
            m[c] = []
    if "negated" in m:
        m["negated"] = bool(m["negated"])
    return _reorder(m)


_STATEMENT_KEYS = ["doc", "doc_id", "kind", "quote", "start", "end", "cue", "cue_text", "cue_start",
                   "cue_end", "speaker", "speaker_mention", "speaker_start", "speaker_end",
                   "actor_id", "actor_type", "country", "sector", "date", "date_basis", "targets",
                   "target_actors", "negated", "confidence", "event_type", "event_mode", "cameo",
                   "event_confidence", "event_reason", "id"]


def _reorder(d: dict[str, Any]) -> dict[str, Any]:
    out = {k: d[k] for k in _STATEMENT_KEYS if k in d}
    out.update((k, v) for k, v in d.items() if k not in out)
    return out


# --- statements ----------------------------------------------------------------------------------

def filter_clauses(dialect: str, *, speaker=None, actor=None, target=None, since=None, until=None,
                   kind=None, negated=None, doc=None, country=None, event=None, source=None) -> list:
    where = []
    if event:
        where.append(S.c.event_type == event.strip().upper())
    if source:  # the speaker's country (ISO3) or its actor id
        where.append(sa.or_(S.c.country == source.strip().upper(),
                            _fold(dialect, S.c.actor_id) == _fold_value(dialect, source.strip())))
    if speaker:
        where.append(sa.or_(_contains_ci(dialect, S.c.speaker, speaker),
                            _contains_ci(dialect, S.c.speaker_mention, speaker),
                            _contains_ci(dialect, S.c.actor_id, speaker)))
    if actor:
        where.append(_fold(dialect, S.c.actor_id) == _fold_value(dialect, actor))
    if target:
        t = like_escape(json.dumps(target.strip(), ensure_ascii=False))
        t_up = like_escape(json.dumps(target.strip().upper(), ensure_ascii=False))
        where.append(sa.or_(S.c.targets.like(f"%{t_up}%", escape="\\"),
                            S.c.target_actors.like(f"%{t}%", escape="\\")))
    if since:
        where.append(S.c.date >= since_bound(since))
    if until:
        where.append(S.c.date <= until_bound(until))
    if kind:
        where.append(S.c.kind == kind)
    if negated is not None:
        where.append(S.c.negated == bool(negated))
    if doc:
        where.append(sa.or_(S.c.doc_id == doc, D.c.name == doc, D.c.source == doc))
    if country:
        where.append(S.c.country == country.upper())
    return where


def order_clauses(order: str) -> list:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}")
    undated = sa.case((S.c.date.is_(None), 1), else_=0)
    doc_order = [D.c.published, S.c.doc_id, S.c.start, S.c.id]
    if order == "date":
        return [undated, S.c.date, *doc_order]
    if order == "-date":
        return [undated, S.c.date.desc(), *doc_order]
    if order == "confidence":
        return [S.c.confidence.desc(), S.c.id]
    return [S.c.doc_id, S.c.start, S.c.id]


def select_statements(dialect: str, *, limit: int | None = 100, offset: int = 0,
                      order: str = "date", **filters) -> sa.Select:
    q = (sa.select(*statement_columns())
         .select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(*filter_clauses(dialect, **filters))
         .order_by(*order_clauses(order)))
    if limit is not None:
        q = q.limit(int(limit))
    if offset:
        q = q.offset(int(offset))
    return q


def get_statement(conn: sa.Connection, statement_id: str) -> dict[str, Any] | None:
    q = (sa.select(*statement_columns(), D.c.text, D.c.title, D.c.source, D.c.published,
                   D.c.outlet, D.c.url, D.c.date_basis.label("published_basis"))
         .select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(S.c.id == statement_id))
    row = conn.execute(q).first()
    return row_to_statement(row) if row is not None else None


# --- full-text search ----------------------------------------------------------------------------

_WORD = re.compile(r"\w", re.UNICODE)


def fts_query(text: str) -> str:
    """User text -> a safe FTS5 query: every whitespace-separated term becomes a quoted phrase
    (implicitly ANDed); a trailing ``*`` keeps prefix search. Terms without any word character are
    dropped. Returns '' when nothing searchable is left."""
    parts = []
    for term in (text or "").split():
        prefix = term.endswith("*")
        term = term.rstrip("*")
        if not _WORD.search(term):
            continue
        phrase = '"' + term.replace('"', '""') + '"'
        parts.append(phrase + ("*" if prefix else ""))
    return " ".join(parts)


# A query matching more statements than this is ranked among this many of its matches (the most
# recently stored on SQLite, the first the GIN index yields on PostgreSQL): a word found in half the
# archive is answered in milliseconds, not seconds. Below it the ranking is exact. Scoring costs
# ~2-5 us a match (bm25 reads each match's column sizes; ts_rank its heap row), so 2,000 keeps the
# worst query near 10 ms of scoring. (gin_fuzzy_search_limit was tried on PostgreSQL: slower at
# 1 M statements; ordering the candidates by date made PostgreSQL sort every match: slower too.)
SEARCH_CANDIDATES = 2000
# PostgreSQL: ts_rank divided by 1 + log(number of words), so that, as with bm25 on SQLite, a short
# statement that is all about the words ranks above a long one that mentions them once.
RANK_NORMALIZATION = 1


def search(conn: sa.Connection, query: str, limit: int = 50,
           candidates: int | None = SEARCH_CANDIDATES) -> list[dict[str, Any]]:
    """Full-text search (see ``Store.search``). The matches are scored in the index's own scan
    (bm25 on SQLite, ts_rank on PostgreSQL), at most ``candidates`` of them; the best ``limit``
    are chosen on those narrow (key, score, date) rows, and only they are joined to their full
    statement and document rows."""
    dialect = conn.dialect.name
    cap = int(candidates) if candidates else None
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            match = fts_query(query)
            if not match:
                return []
            fts = sa.literal_column(FTS_TABLE)
            rowid = sa.literal_column(f"{FTS_TABLE}.rowid")
            cand = (sa.select(rowid.label("key"), sa.func.bm25(fts).label("score"))
                    .select_from(sa.table(FTS_TABLE))
                    .where(fts.op("MATCH")(match))
                    .order_by(rowid.desc()))  # the most recently stored first
            key = sa.literal_column("statements.rowid")
        else:
            tsq = pg_tsquery(query)
            if not tsq:
                return []
            tsquery = sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), tsq)
            vector = sa.literal_column(f"statements.{TSV_COLUMN}")
            score = -sa.func.ts_rank(vector, tsquery, RANK_NORMALIZATION)
            cand = (sa.select(S.c.id.label("key"), S.c.date.label("date"), score.label("score"))
                    .where(vector.op("@@")(tsquery)))  # lower is better, as bm25 on SQLite
            key = S.c.id
        if cap:
            cand = cand.limit(cap)
        cand = cand.subquery("cand")
        if dialect == "sqlite":  # the page's keys, chosen before any row is read
            top = (sa.select(cand.c.key, cand.c.score).order_by(cand.c.score, cand.c.key.desc())
                   .limit(int(limit)).subquery("top"))
            order = [top.c.score, key.desc()]
        else:
            top = (sa.select(cand.c.key, cand.c.score)
                   .order_by(cand.c.score, cand.c.date, cand.c.key).limit(int(limit))
                   .subquery("top"))
            order = [top.c.score, S.c.date, S.c.id]
        q = (sa.select(*statement_columns(), top.c.score)
             .select_from(S.join(D, S.c.doc_id == D.c.id).join(top, top.c.key == key))
             .order_by(*order))
        return [row_to_statement(r) for r in conn.execute(q)]
    # Other backends: every term must occur (case-insensitive) in quote, speaker or mention.
    terms = [t.strip('*"') for t in (query or "").split()]
    terms = [t for t in terms if _WORD.search(t)]
    if not terms:
        return []
    where = [sa.or_(*[c.ilike(f"%{like_escape(t)}%", escape="\\")
                      for c in (S.c.quote, S.c.speaker, S.c.speaker_mention)]) for t in terms]
    q = (sa.select(*statement_columns())
         .select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(*where).order_by(*order_clauses("-date")).limit(int(limit)))
    return [row_to_statement(r) for r in conn.execute(q)]


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def pg_tsquery(text: str) -> str:
    """User text -> a safe PostgreSQL tsquery (the counterpart of ``fts_query``): every
    whitespace-separated term becomes a phrase of its word tokens (``'a' <-> 'b'``), terms are
    ANDed, a trailing ``*`` makes the last token a prefix (``:*``). Tokens are quoted lexemes made
    only of letters and digits, so nothing the user types is tsquery syntax. '' when nothing
    searchable is left."""
    parts = []
    for term in (text or "").split():
        prefix = term.endswith("*")
        tokens = _TOKEN.findall(term.rstrip("*"))
        if not tokens:
            continue
        lexemes = [f"'{t.lower()}'" for t in tokens]
        if prefix:
            lexemes[-1] += ":*"
        parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


# --- documents, errors, stats --------------------------------------------------------------------

def list_documents(conn: sa.Connection, limit: int | None = None, offset: int = 0) -> list[dict]:
    n = (sa.select(sa.func.count()).where(S.c.doc_id == D.c.id)
         .correlate(D).scalar_subquery().label("statements"))
    cols = [c for c in D.columns if c.name != "text"]
    q = sa.select(*cols, sa.func.length(D.c.text).label("chars"), n).order_by(
        D.c.published, D.c.id)
    if limit is not None:
        q = q.limit(int(limit))
    if offset:
        q = q.offset(int(offset))
    return [dict(r._mapping) for r in conn.execute(q)]


def get_document(conn: sa.Connection, doc_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(D).where(D.c.id == doc_id)).first()
    return dict(row._mapping) if row is not None else None


def document_statements(conn: sa.Connection, doc_id: str) -> list[dict[str, Any]]:
    """The statements of one document (by its id) in text order."""
    q = (sa.select(*statement_columns()).select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(S.c.doc_id == doc_id).order_by(S.c.start, S.c.end, S.c.id))
    return [row_to_statement(r) for r in conn.execute(q)]


def list_errors(conn: sa.Connection, reason: str | None = None, limit: int | None = None,
                offset: int = 0) -> list[dict[str, Any]]:
    t = ingest_errors
    q = sa.select(t).order_by(t.c.last_seen.desc(), t.c.id.desc())
    if reason:
        q = q.where(t.c.reason == reason)
    if limit is not None:
        q = q.limit(int(limit))
    if offset:
        q = q.offset(int(offset))
    return [dict(r._mapping) for r in conn.execute(q)]


def count_errors(conn: sa.Connection, reason: str | None = None) -> int:
    t = ingest_errors
    where = [t.c.reason == reason] if reason else []
    return conn.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar() or 0


def facets(conn: sa.Connection) -> dict[str, list[str]]:
    """Values to filter by: outlets, languages, kinds, event types (at most 500 each, sorted)."""
    def distinct(col) -> list[str]:
        return [v for v in conn.execute(
            sa.select(col).where(col.is_not(None)).distinct().order_by(col).limit(500)).scalars()]

    return {"outlets": distinct(D.c.outlet), "languages": distinct(D.c.language),
            "kinds": distinct(S.c.kind), "event_types": distinct(S.c.event_type)}


def latest(conn: sa.Connection, n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` newest dated statements (with their document's title and outlet). Only statements
    on or after the n-th newest date can be among them, so the date index finds that date and
    only those few rows are sorted."""
    cutoff = (sa.select(S.c.date).where(S.c.date.is_not(None)).order_by(S.c.date.desc())
              .limit(1).offset(n - 1).scalar_subquery())
    q = (sa.select(*statement_columns(), D.c.title, D.c.outlet)
         .select_from(S.join(D, S.c.doc_id == D.c.id))
         .where(S.c.date >= sa.func.coalesce(cutoff, ""))
         .order_by(S.c.date.desc(), S.c.doc_id, S.c.start).limit(n))
    return [row_to_statement(r) for r in conn.execute(q)]


def get_stats(conn: sa.Connection, top: int = 10) -> dict[str, Any]:
    """Corpus figures in one snapshot; ``top=0`` leaves out the top speakers (a full scan)."""
    def scalar(q):
        return conn.execute(q).scalar() or 0

    name = sa.func.coalesce(S.c.speaker, S.c.speaker_mention)
    top_q = (sa.select(name.label("name"), sa.func.count().label("n"))
             .where(name.is_not(None)).group_by(name)
             .order_by(sa.func.count().desc(), name).limit(top))
    dates = conn.execute(sa.select(sa.func.min(S.c.date), sa.func.max(S.c.date))).first()
    top_speakers = [(r.name, r.n) for r in conn.execute(top_q)] if top else []
    return {
        "documents": scalar(sa.select(sa.func.count()).select_from(D)),
        "statements": scalar(sa.select(sa.func.count()).select_from(S)),
        "negated": scalar(sa.select(sa.func.count()).select_from(S).where(S.c.negated.is_(True))),
        "by_kind": {k: n for k, n in conn.execute(
            sa.select(S.c.kind, sa.func.count()).group_by(S.c.kind).order_by(S.c.kind))},
        "top_speakers": top_speakers,
        "errors": {r: n for r, n in conn.execute(
            sa.select(ingest_errors.c.reason, sa.func.sum(ingest_errors.c.count))
            .group_by(ingest_errors.c.reason).order_by(ingest_errors.c.reason))},
        "dates": [dates[0], dates[1]] if dates else [None, None],
    }


def existing_ids(conn: sa.Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        found.update(conn.execute(sa.select(D.c.id).where(D.c.id.in_(chunk))).scalars())
    return found


def stream(conn: sa.Connection, q: sa.Select, batch: int = 1000) -> Iterator[dict[str, Any]]:
    result = conn.execution_options(yield_per=batch).execute(q)
    for row in result:
        yield row_to_statement(row)
