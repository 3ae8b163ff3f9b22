"""Reports of the same words: statements of other documents whose quote, normalised (case-folded,
punctuation and spacing dropped), equals a statement's or contains it (``Store.same_words``). What
shows the other reports of a statement that linking left alone (or that is not linked yet). The
candidates come from the full-text index (a phrase query on the quote's words: FTS5 on SQLite, the
tsvector's GIN index on PostgreSQL), so no table scan is needed."""
from __future__ import annotations

import re

import sqlalchemy as sa

from saidwhat.store.queries import row_to_statement, statement_columns
from saidwhat.store.schema import FTS_TABLE, TSV_COLUMN, documents, statements

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


def same_words(conn: sa.Connection, st: dict, limit: int = MAX_REPORTS) -> list[dict]:
    """Statements of other documents than ``st``'s with the same (or a containing) normalised
    quote, each with ``match`` ("same quote" | "quote contains it"), by published date; none for a
    quote of fewer than MIN_WORDS words."""
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
    q = q.order_by(D.c.published, S.c.date, S.c.id).limit(4 * limit)
    out = []
    for r in conn.execute(q):
        row = row_to_statement(r)
        other = normalise(row["quote"])
        if other == norm or norm in other:
            row["match"] = "same quote" if other == norm else "quote contains it"
            out.append(row)
    return out[:limit]
