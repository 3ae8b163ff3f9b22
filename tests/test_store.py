"""The store: migrations, upserts, filters, full-text search (ranking and safety), stats."""
from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from saidwhat.models import Document, DocResult, IngestError, Statement, content_id
from saidwhat.store import Store
from saidwhat.store import db as store_db
from saidwhat.store import queries

# --- hand-made records ---------------------------------------------------------------------------

TEXT_A = ('MOSCOW, March 4. Russian Foreign Ministry spokeswoman Maria Zakharova said on Monday that '
          '"the sanctions are illegal and will fail". She denied that Moscow had moved troops '
          'to the Ukrainian border.')
TEXT_B = ('WASHINGTON, March 5. Secretary of State Antony Blinken told reporters that Russia must '
          'pay for the sanctions sanctions sanctions violations. The spokesperson later said '
          '"we will answer".')
TEXT_C = ('BEIJING, Feb 28. Wang Wenbin said the United States should stop interfering. '
          'Ümit Özdağ sagte, die Lage sei ernst.')


def _span(text: str, s: str) -> dict:
    i = text.index(s)
    return {"start": i, "end": i + len(s)}


@pytest.fixture
def make_results(statement_at):
    """make_results() -> fresh DocResults of the hand-made documents and statements."""
    _st = statement_at

    def make() -> list[DocResult]:
        a = Document(id=content_id(TEXT_A), source="/corpus/tass/a.txt", text=TEXT_A,
                     title="Zakharova on sanctions", published="2024-03-04", date_basis="header",
                     outlet="TASS", language="en")
        b = Document(id=content_id(TEXT_B), source="/corpus/b.jsonl#3", text=TEXT_B,
                     title="Blinken", published="2024-03-05", format="jsonl", url="https://x/b")
        c = Document(id=content_id(TEXT_C), source="/corpus/c.html", text=TEXT_C,
                     published="2024-02-28", format="html")
        cue = _span(TEXT_A, "said")
        mention = _span(TEXT_A, "Maria Zakharova")
        a1 = _st(a, "the sanctions are illegal and will fail", kind="direct", cue="say",
                 cue_text="said", cue_start=cue["start"], cue_end=cue["end"],
                 speaker="Maria Zakharova", speaker_mention="Maria Zakharova",
                 speaker_start=mention["start"], speaker_end=mention["end"],
                 actor_id="maria_zakharova", actor_type="person", country="RUS", sector="MFA",
                 date="2024-03-04", date_basis="weekday", targets=["USA", "GBR"], confidence=0.9)
        a2 = _st(a, "Moscow had moved troops to the Ukrainian border", kind="indirect", cue="deny",
                 cue_text="denied", speaker="Maria Zakharova", speaker_mention="She",
                 actor_id="maria_zakharova", country="RUS", date="2024-03-04", targets=["UKR"],
                 negated=True, confidence=0.7)
        b1 = _st(b, "Russia must pay for the sanctions sanctions sanctions violations",
                 kind="indirect", cue="tell", cue_text="told", speaker="Antony Blinken",
                 speaker_mention="Antony Blinken", actor_id="antony_blinken", country="USA",
                 date="2024-03-05", targets=["RUS"], target_actors=["vladimir_putin"],
                 confidence=0.8)
        b2 = _st(b, "we will answer", kind="direct", cue="say", cue_text="said",
                 speaker="Maria Zakharova", speaker_mention="The spokesperson",
                 actor_id="maria_zakharova", country="RUS", date="2024-03-06", confidence=0.6)
        c1 = _st(c, "the United States should stop interfering", kind="indirect", cue="say",
                 speaker="Wang Wenbin", speaker_mention="Wang Wenbin", actor_id="wang_wenbin",
                 country="CHN", date="2024-02-28", targets=["USA"], confidence=0.85)
        c2 = _st(c, "die Lage sei ernst", kind="indirect", cue="sagen", speaker="Ümit Özdağ",
                 speaker_mention="Ümit Özdağ", actor_id="umit_ozdag", country="TUR", date=None,
                 confidence=0.3)
        return [DocResult(a, [a1, a2]), DocResult(b, [b1, b2]), DocResult(c, [c1, c2])]

    return make


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "nested" / "dir" / "test.db")


@pytest.fixture
def store(make_results, db_path):
    s = Store(db_path)
    s.add_results(make_results())
    yield s
    s.close()


def _ids(rows):
    return [r["id"] for r in rows]


def _quotes(rows):
    return {r["quote"] for r in rows}


# --- schema, migrations, pragmas -----------------------------------------------------------------

def test_migrations_create_schema(db_path):
    s = Store(db_path)  # parent folders are created
    insp = sa.inspect(s.engine)
    tables = set(insp.get_table_names())
    assert {"documents", "statements", "ingest_errors", "alembic_version",
            "statements_fts"} <= tables
    idx = {i["name"] for i in insp.get_indexes("statements")}
    assert {"ix_statements_speaker", "ix_statements_actor_id", "ix_statements_date",
            "ix_statements_doc_id", "ix_statements_country"} <= idx
    uniques = insp.get_unique_constraints("ingest_errors")
    assert any(set(u["column_names"]) == {"source", "reason"} for u in uniques)
    fks = insp.get_foreign_keys("statements")
    assert fks and fks[0]["referred_table"] == "documents"
    with s.engine.connect() as conn:
        assert store_db.current_revision(conn) == store_db.head_revision()
        trig = set(conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='trigger'").scalars())
    assert {"statements_fts_ai", "statements_fts_ad", "statements_fts_au"} <= trig
    s.close()


def test_migration_matches_schema_module(db_path):
    """schema.py (used by queries) and the migrations (used to build the db) agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from saidwhat.store.schema import metadata

    s = Store(db_path)
    with s.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": lambda o, name, t, r, c:
                                                     not (t == "table" and name and
                                                          name.startswith("statements_fts"))})
        diffs = compare_metadata(ctx, metadata)
    assert diffs == []
    s.close()


def test_reopen_is_noop_and_downgrade_upgrade(make_results, db_path):
    s = Store(db_path)
    s.add_results(make_results())
    s.close()
    s2 = Store(db_path)  # second open: already at head, data kept
    assert s2.stats()["statements"] == 6
    store_db.downgrade(s2.engine, "base")
    assert "statements" not in sa.inspect(s2.engine).get_table_names()
    store_db.migrate(s2.engine)
    assert s2.stats()["statements"] == 0
    s2.close()


def test_sqlite_pragmas(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_db_accepts_url(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'u.db'}")
    assert s.stats()["documents"] == 0
    s.close()
    assert (tmp_path / "u.db").exists()


def test_in_memory_store(make_results, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store(":memory:") as s:
        s.add_results(make_results())
        assert s.stats()["statements"] == 6
        assert len(s.search("sanctions")) == 2
        assert len(list(s.iter_statements())) == 6
    assert list(tmp_path.iterdir()) == []  # no file called ":memory:"


def test_postgres_offline_migration_sql_has_no_fts(capsys):
    """The migration renders for PostgreSQL (offline, no server needed) and skips FTS5 there."""
    from alembic import command

    cfg = store_db.alembic_config("postgresql://u:p@localhost/saidwhat")
    command.upgrade(cfg, "head", sql=True)
    out = capsys.readouterr().out
    assert "CREATE TABLE statements" in out and "CREATE TABLE ingest_errors" in out
    assert "fts5" not in out.lower()


def test_queries_compile_for_postgres():
    from sqlalchemy.dialects import postgresql

    q = queries.select_statements("postgresql", speaker="zakh", target="USA", since="2024",
                                  until="2024-03", negated=True, doc="a.txt", kind="direct")
    sql = str(q.compile(dialect=postgresql.dialect()))
    assert "lower(" in sql and "sw_fold" not in sql


# --- writes --------------------------------------------------------------------------------------

def _fts_ok(store: Store) -> None:
    with store.engine.begin() as conn:  # raises if the index is out of sync with statements
        conn.exec_driver_sql("INSERT INTO statements_fts(statements_fts, rank) "
                             "VALUES ('integrity-check', 1)")


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


# --- reads ---------------------------------------------------------------------------------------

def test_filter_speaker_matches_name_mention_or_actor_id(store):
    assert len(store.statements(speaker="zakharova")) == 3
    assert len(store.statements(speaker="SPOKESPERSON")) == 1
    assert len(store.statements(speaker="antony_bl")) == 1
    assert _quotes(store.statements(speaker="özdağ")) == {"die Lage sei ernst"}  # unicode fold
    assert _quotes(store.statements(speaker="ÖZDAĞ")) == {"die Lage sei ernst"}
    assert store.statements(speaker="%") == []  # LIKE wildcards are literal
    assert store.statements(speaker="ri_") == []  # as a wildcard it would match "maria"


def test_filter_actor_target_kind_negated_doc(store):
    assert len(store.statements(actor="maria_zakharova")) == 3
    assert len(store.statements(actor="MARIA_ZAKHAROVA")) == 3
    assert store.statements(actor="maria") == []  # exact
    assert _quotes(store.statements(target="usa")) == {
        "the sanctions are illegal and will fail", "the United States should stop interfering"}
    assert len(store.statements(target="UKR")) == 1
    assert len(store.statements(target="vladimir_putin")) == 1
    assert store.statements(target="US") == []  # element match, not substring
    assert {r["kind"] for r in store.statements(kind="direct")} == {"direct"}
    assert len(store.statements(kind="direct")) == 2
    assert _quotes(store.statements(negated=True)) == {
        "Moscow had moved troops to the Ukrainian border"}
    assert len(store.statements(negated=False)) == 5
    assert len(store.statements(doc="a.txt")) == 2
    assert len(store.statements(doc=content_id(TEXT_B))) == 2
    assert len(store.statements(doc="/corpus/c.html")) == 2
    assert len(store.statements(country="chn")) == 1


def test_filter_dates_inclusive(store):
    assert {r["date"] for r in store.statements(since="2024-03-04", until="2024-03-05")} == {
        "2024-03-04", "2024-03-05"}
    assert len(store.statements(since="2024-03-05")) == 2
    assert len(store.statements(until="2024-02-28")) == 1
    assert len(store.statements(since="2024-03", until="2024-03")) == 4  # month bounds
    assert len(store.statements(until="2024")) == 5  # undated statements never match a range
    with pytest.raises(ValueError):
        store.statements(since="March")


def test_limit_offset_order(store):
    rows = store.statements(limit=None)
    assert [r["date"] for r in rows] == ["2024-02-28", "2024-03-04", "2024-03-04",
                                        "2024-03-05", "2024-03-06", None]
    a_rows = [r for r in rows if r["date"] == "2024-03-04"]
    assert a_rows[0]["start"] < a_rows[1]["start"]  # same date: document order
    assert _ids(store.statements(limit=2, offset=1)) == _ids(rows[1:3])
    assert store.statements(order="-date", limit=1)[0]["date"] == "2024-03-06"
    assert store.statements(order="confidence", limit=1)[0]["confidence"] == 0.9
    with pytest.raises(ValueError):
        store.statements(order="quote; DROP TABLE statements")


def test_iter_statements_streams_with_filters(store):
    it = store.iter_statements(speaker="zakharova", batch=1)
    assert not isinstance(it, list)
    assert len(list(it)) == 3
    assert len(list(store.iter_statements())) == 6  # no limit by default
    assert store.count_statements(target="USA") == 2


def test_statement_by_id_has_document_fields(store):
    row = store.statements(speaker="blinken")[0]
    full = store.statement(row["id"])
    assert full["text"] == TEXT_B
    assert full["title"] == "Blinken" and full["source"] == "/corpus/b.jsonl#3"
    assert full["published"] == "2024-03-05" and full["url"] == "https://x/b"
    assert full["text"][full["start"]:full["end"]] == full["quote"]
    assert store.statement("nope") is None


def test_timeline(store):
    rows = store.timeline("zakharova")
    assert [r["date"] for r in rows] == ["2024-03-04", "2024-03-04", "2024-03-06"]
    assert rows[0]["start"] < rows[1]["start"]
    assert [r["date"] for r in store.timeline("maria_zakharova", since="2024-03-05")] == [
        "2024-03-06"]
    assert store.timeline("nobody") == []


def test_documents(store):
    docs = store.documents()
    assert [d["published"] for d in docs] == ["2024-02-28", "2024-03-04", "2024-03-05"]
    assert all("text" not in d for d in docs)
    assert {d["name"] for d in docs} == {"a.txt", "b.jsonl", "c.html"}
    assert all(d["statements"] == 2 for d in docs)
    doc = store.document(content_id(TEXT_A))
    assert doc["text"] == TEXT_A and doc["outlet"] == "TASS"
    assert store.document("nope") is None


def test_stats(store):
    store.add_errors([IngestError("/x", "not_found", "no such file")])
    st = store.stats()
    assert st["documents"] == 3 and st["statements"] == 6 and st["negated"] == 1
    assert st["by_kind"] == {"direct": 2, "indirect": 4}
    assert st["top_speakers"][0] == ("Maria Zakharova", 3)
    assert len(st["top_speakers"]) == 4
    assert st["errors"] == {"not_found": 1}
    assert st["dates"] == ["2024-02-28", "2024-03-06"]


def test_empty_store_stats(db_path):
    s = Store(db_path)
    st = s.stats()
    assert st["documents"] == 0 and st["statements"] == 0 and st["top_speakers"] == []
    assert s.statements() == [] and s.search("x") == [] and s.documents() == []
    s.close()


# --- full-text search ----------------------------------------------------------------------------

def test_search_ranking(store):
    rows = store.search("sanctions")
    assert len(rows) == 2
    # bm25: the statement that says "sanctions" three times ranks first
    assert rows[0]["speaker"] == "Antony Blinken"
    assert rows[0]["score"] <= rows[1]["score"]
    assert _quotes(store.search("sanctions illegal")) == {"the sanctions are illegal and will fail"}


def test_search_speaker_columns_prefix_and_case(store):
    assert len(store.search("zakharova")) == 3  # speaker column is indexed
    assert len(store.search("spokesperson")) == 1  # mention column too
    assert len(store.search("SANCT*")) == 2  # trailing * = prefix
    assert store.search("sanct") == []  # no implicit prefix
    assert _quotes(store.search("Özdağ")) == {"die Lage sei ernst"}
    assert store.search("sanctions", limit=1)[0]["speaker"] == "Antony Blinken"


def test_search_sees_updates(make_results, store):
    a = make_results()[0]
    a.statements[0].quote = "completely different words"  # quote no longer == text slice; fine
    store.add_results([a])
    assert _quotes(store.search("different")) == {"completely different words"}
    assert len(store.search("illegal")) == 0
    _fts_ok(store)


NASTY = [
    '"', "'", "*", '"sanctions', "sanctions\"", "'; DROP TABLE statements; --",
    "NEAR(", "NEAR(sanctions illegal, 2)", "sanctions AND", "OR", "NOT sanctions", "-sanctions",
    "(", ")", "()", "^sanctions", "quote:sanctions", "{quote speaker}: x", "sanctions*'",
    "Zaxarova 𝔷 \u202e", "\x00", "\\", "%", "_", "a" * 5000, "   ", "", "💥", "*sanctions",
    "sanctions -- comment", "'' OR 1=1 --", "\u200b", "col:*", '"" ""',
]


@pytest.mark.parametrize("query", NASTY)
def test_search_never_raises(store, query):
    rows = store.search(query)
    assert isinstance(rows, list)
    assert store.stats()["statements"] == 6  # the table survived
    assert sa.inspect(store.engine).has_table("statements")


def test_search_nasty_terms_still_search(store):
    assert len(store.search('"sanctions')) == 2
    assert len(store.search("-sanctions")) == 2  # not FTS NOT; just the word
    assert len(store.search("NEAR(sanctions")) == 0  # "near" is a word that must match too
    assert store.search("   ") == [] and store.search("") == [] and store.search("*") == []


def test_fts_query_quoting():
    assert queries.fts_query('say "hi" NEAR(x) pre*') == '"say" """hi""" "NEAR(x)" "pre"*'
    assert queries.fts_query("-- ; ' *") == ""


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
