"""All writes: documents + statements (upsert by id), ingest errors (upsert by source+reason)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa

from saidwhat.store.clusters import unlink_documents, write_link_blocks
from saidwhat.store.linking import Linking
from saidwhat.store.schema import JSON_LIST_COLUMNS, documents, ingest_errors, statements
from saidwhat.store.upsert import insert_for, upsert

DOC_COLUMNS = [c.name for c in documents.columns]
STMT_COLUMNS = [c.name for c in statements.columns]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _as_dict(obj: Any) -> dict[str, Any]:
    """A record's fields as a dict. A dataclass is read field by field (a shallow dict: the rows
    built from it copy or serialise every value, so ``asdict``'s deep copy would be wasted)."""
    if isinstance(obj, Mapping):
        return dict(obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return {n: getattr(obj, n) for n in _field_names(type(obj))}
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    raise TypeError(f"expected a dict or dataclass, got {type(obj).__name__}")


def document_row(doc: Any, ingested_at: str) -> dict[str, Any]:
    d = _as_dict(doc)
    if not d.get("name"):
        src = (d.get("source") or "").split("#", 1)[0].replace("\\", "/")
        d["name"] = src.rsplit("/", 1)[-1] or None
    d["ingested_at"] = d.get("ingested_at") or ingested_at
    row = {c: d.get(c) for c in DOC_COLUMNS}
    row["text"] = row["text"] or ""
    row["source"] = row["source"] or ""
    return row


def statement_row(st: Any, doc_id: str | None = None) -> dict[str, Any]:
    if is_dataclass(st):  # a Statement: read the columns straight off it, no intermediate dict
        row = {c: getattr(st, c, None) for c in STMT_COLUMNS}
    else:
        d = _as_dict(st)
        row = {c: d.get(c) for c in STMT_COLUMNS}
    if doc_id and not row["doc_id"]:
        row["doc_id"] = doc_id
    for c in JSON_LIST_COLUMNS:
        v = row[c]
        row[c] = v if isinstance(v, str) else json.dumps(list(v or []), ensure_ascii=False)
    row["negated"] = bool(row["negated"])
    row["confidence"] = 0.5 if row["confidence"] is None else float(row["confidence"])
    return row


def write_results(conn: sa.Connection, results: list[Any],
                  linking: Linking | None = None) -> dict[str, Any]:
    """Write documents and their statements. Re-adding a document replaces its statements.

    A result that carries an ``error`` is recorded as an ingest error and its document is left
    untouched (a ``duplicate`` must not wipe the stored copy's statements). With ``linking``, the
    statements are filed under their blocking keys (``link_blocks``); without, linking files them
    when it runs.
    """
    ts = now_iso()
    docs: dict[str, dict] = {}
    stmts: dict[str, dict] = {}
    errors = []
    for res in results:
        if getattr(res, "error", None) is not None:
            errors.append(res.error)
            continue
        doc = document_row(res.document, ts)
        docs[doc["id"]] = doc
        for st in res.statements:
            row = statement_row(st, doc["id"])
            row["doc_id"] = doc["id"]
            stmts[row["id"]] = row  # the last of two same-id statements wins
    before: set[str] = set()
    if docs:
        ids = list(docs)
        for i in range(0, len(ids), 500):  # in this transaction: what another ingest stored first
            before |= {r[0] for r in conn.execute(sa.select(documents.c.id).where(documents.c.id.in_(ids[i:i + 500])))}
        upsert(conn, documents, list(docs.values()), ["id"], keep=["ingested_at", "near_dup_of"])
        unlink_documents(conn, ids)  # a re-added document's old clusters are linked again
        for i in range(0, len(ids), 500):
            conn.execute(statements.delete().where(statements.c.doc_id.in_(ids[i:i + 500])))
        rows = list(stmts.values())
        for i in range(0, len(rows), 1000):
            upsert(conn, statements, rows[i:i + 1000], ["id"])
        if linking is not None:  # the linker's blocking keys (a row per speaker key, with its day)
            write_link_blocks(conn, rows, {i: d.get("published") for i, d in docs.items()}, linking)
    if errors:
        write_errors(conn, errors, ts)
    return {"documents": len(docs), "statements": len(stmts), "errors": len(errors),
            # the documents this write added (not stored before it: by an earlier run, or by another
            # ingest into the same database while this one ran)
            "new_ids": [i for i in docs if i not in before]}


def write_errors(conn: sa.Connection, errors: list[Any], ts: str | None = None) -> int:
    """Upsert errors by (source, reason): a repeat bumps ``count`` and ``last_seen``."""
    ts = ts or now_iso()
    merged: dict[tuple[str, str], dict] = {}
    for err in errors:
        d = _as_dict(err)
        key = (d["source"], d["reason"])
        if key in merged:
            merged[key]["count"] += 1
            merged[key]["message"] = d.get("message") or ""
            merged[key]["doc_id"] = d.get("doc_id") or merged[key]["doc_id"]
            continue
        merged[key] = {"source": d["source"], "reason": d["reason"],
                       "message": d.get("message") or "", "doc_id": d.get("doc_id"),
                       "first_seen": ts, "last_seen": ts, "count": 1}
    rows = list(merged.values())
    if not rows:
        return 0
    t = ingest_errors
    ins = insert_for(conn, t)
    if ins is None:  # pragma: no cover
        for row in rows:
            conn.execute(t.delete().where(t.c.source == row["source"], t.c.reason == row["reason"]))
        conn.execute(t.insert(), rows)
        return len(rows)
    stmt = ins.on_conflict_do_update(
        index_elements=["source", "reason"],
        set_={
            "message": ins.excluded.message,
            "doc_id": sa.func.coalesce(ins.excluded.doc_id, t.c.doc_id),
            "last_seen": ins.excluded.last_seen,
            "count": t.c.count + ins.excluded.count,
        },
    )
    conn.execute(stmt, rows)
    return len(rows)
