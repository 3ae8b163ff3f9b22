"""The store's writes: upserts, idempotent re-adds, one transaction a batch, ingest errors; two stores on one file."""
from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from saidwhat.models import DocResult, IngestError, Statement
from saidwhat.store import Store
from store_support import _fts_ok, _ids, db_path, make_results, store  # noqa: F401  (fixtures)

# --- writes --------------------------------------------------------------------------------------

def test_add_results_is_idempotent(make_results, store):
    before = store.stats()
    ids_before = sorted(_ids(store.statements(limit=None)))
    store.add_results(make_results())
    store.add_results(make_results())
    assert store.stats() == before
    assert sorted(_ids(store.statements(limit=None))) == ids_before
    assert before["documents"] == 3 and before["statements"] == 6
    assert len(store.search("sanctions")) == 2  # the FTS index did not double either
    _fts_ok(store)


def test_readding_document_replaces_its_statements(make_results, store):
    a = make_results()[0]
    a.statements = a.statements[:1]
    store.add_results([a])
    rows = store.statements(doc=a.document.id, limit=None)
    assert len(rows) == 1
    assert store.search("troops") == []  # the dropped statement left the FTS index
    assert store.stats()["statements"] == 5
    _fts_ok(store)


def test_ingested_at_kept_on_readd(make_results, store):
    doc_id = make_results()[0].document.id
    first = store.document(doc_id)["ingested_at"]
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE documents SET ingested_at='2000-01-01' WHERE id=?", (doc_id,))
    store.add_results(make_results()[:1])
    assert first and store.document(doc_id)["ingested_at"] == "2000-01-01"


def test_result_with_error_does_not_touch_stored_document(make_results, store):
    res = make_results()[0]
    dup = DocResult(res.document, [], IngestError(res.document.source, "duplicate", "seen",
                                                  res.document.id))
    store.add_results([dup])
    assert len(store.statements(doc=res.document.id)) == 2
    assert store.errors("duplicate")[0]["doc_id"] == res.document.id


def test_add_results_is_one_transaction(make_results, store):
    bad = make_results()[1]
    bad.document.id = "zzz"
    bad.statements[0].doc_id = "zzz"
    broken = Statement(doc="x", doc_id="zzz", kind="direct", quote=None, start=0, end=1)
    bad.statements.append(broken)  # quote NOT NULL -> the whole batch fails
    good = make_results()[2]
    good.document.id = "new-doc"
    with pytest.raises(sa.exc.IntegrityError):
        store.add_results([good, bad])
    assert store.existing_ids(["new-doc", "zzz"]) == set()


def test_statements_dicts_have_model_keys(store):
    row = store.statements(speaker="blinken")[0]
    keys = list(Statement("d", "i", "direct", "q", 0, 1).to_dict())
    assert list(row) == keys
    assert row["doc"] == "b.jsonl"  # the file name, as the scorer expects
    assert row["targets"] == ["RUS"] and row["target_actors"] == ["vladimir_putin"]
    assert row["negated"] is False and isinstance(row["confidence"], float)
    # round trip: a stored record rebuilds the dataclass
    assert Statement(**row).to_dict() == row


def test_add_errors_upserts(store):
    errs = [IngestError("/x/empty.txt", "empty", "no text"),
            IngestError("/x/bin.dat", "binary", "NUL bytes")]
    store.add_errors(errs)
    first = {e["source"]: e for e in store.errors()}
    store.add_errors([IngestError("/x/empty.txt", "empty", "still no text", "abc")])
    store.add_errors([IngestError("/x/empty.txt", "empty", "again")] * 2)
    rows = store.errors()
    assert len(rows) == 2
    empty = next(r for r in rows if r["source"] == "/x/empty.txt")
    assert empty["count"] == 4
    assert empty["message"] == "again"
    assert empty["doc_id"] == "abc"  # a later error without doc_id keeps the known one
    assert empty["first_seen"] == first["/x/empty.txt"]["first_seen"]
    assert [r["reason"] for r in store.errors("binary")] == ["binary"]
    assert store.errors("too_large") == []
    assert store.stats()["errors"] == {"binary": 1, "empty": 4}


def test_existing_ids(make_results, store):
    ids = [r.document.id for r in make_results()]
    assert store.existing_ids(ids + ["nope"]) == set(ids)
    assert store.existing_ids([]) == set()
    assert store.existing_ids([f"x{i}" for i in range(1200)]) == set()  # chunked IN (...)


# --- concurrency ---------------------------------------------------------------------------------

def test_two_stores_one_file(make_results, db_path):
    """Readers and a writer on one file: WAL lets reads proceed; writes queue on busy_timeout."""
    w, r = Store(db_path), Store(db_path)
    results = make_results()
    errors = []

    def write(i):
        try:
            w2 = Store(db_path)
            w2.add_errors([IngestError(f"/t/{i}", "empty", "x")])
            w2.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    w.add_results(results)
    for t in threads:
        t.join()
    assert errors == []
    assert r.stats()["statements"] == 6 and len(r.errors()) == 4
    # a plain sqlite3 reader sees the committed data too
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM statements").fetchone()[0] == 6
    con.close()
    w.close()
    r.close()
