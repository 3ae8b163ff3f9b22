"""The store's reads: filters, paging, timeline, documents, stats, full-text search (ranking and safety)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from saidwhat.models import IngestError, content_id
from saidwhat.store import Store, queries
from store_support import TEXT_A, TEXT_B, _fts_ok, _ids, _quotes, db_path, make_results, store  # noqa: F401  (fixtures)

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
