"""Issue 37, item 10: two ingests into one database at once each counted the other's documents as
"stored". A document that another ingest stored after this one looked (so this one processed it too) is
counted as a duplicate, not stored again, and its statements are not counted twice."""
from __future__ import annotations

from saidwhat import ingest
from saidwhat.config import Settings
from saidwhat.linked import Store


def _articles(tmp_path, n=3):
    paths = []
    for i in range(n):
        p = tmp_path / f"a{i}.txt"
        p.write_text(f"The minister said on Monday that talks number {i} would resume.\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def test_a_document_another_ingest_stored_meanwhile_is_a_duplicate(tmp_path):
    paths = _articles(tmp_path)
    settings = Settings(extractor="rules", doc_timeout=0)
    db = str(tmp_path / "one.db")
    with Store(db) as first:
        one = ingest(paths, first, settings)
    assert (one.stored, one.duplicates) == (3, 0) and one.statements == 3
    with Store(db) as second:
        # the race: this ingest looked before the other one's commit, so it sees nothing stored
        second.existing_ids = lambda ids: set()
        two = ingest(paths, second, settings)
        assert second.stats()["documents"] == 3
    assert (two.stored, two.duplicates, two.statements) == (0, 3, 0)
    assert two.skipped.get("duplicate") == 3


def test_the_store_says_which_documents_a_write_added(tmp_path):
    from saidwhat.models import DocResult, Document
    docs = [Document(id=f"d{i}", source=f"s{i}", text=f"text {i}") for i in range(3)]
    with Store(str(tmp_path / "w.db")) as store:
        assert sorted(store.add_results([DocResult(d) for d in docs[:2]])["new_ids"]) == ["d0", "d1"]
        assert store.add_results([DocResult(d) for d in docs])["new_ids"] == ["d2"]
