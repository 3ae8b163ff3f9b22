"""Bad input end to end: every bad document is recorded with its reason, every good one is stored,
nothing crashes, and a second run adds no duplicates."""
import json

import pytest

from saidwhat.config import Settings
from saidwhat.runners import ingest
from saidwhat.store import Store

GOOD = (" date 2024-03-01 Foreign ministry spokesperson Anna Petrova said on Friday that the talks would "
        "resume next month.\n\n“We are ready,” she told reporters.\n")


@pytest.fixture()
def corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good1.txt").write_text(GOOD, encoding="utf-8")
    (d / "good2.txt").write_text(GOOD.replace("Anna Petrova", "Karen Hakobyan").replace("she", "he"), encoding="utf-8")
    (d / "unbalanced.txt").write_text("The minister said “this quote never closes.\n\nAnother paragraph.\n", encoding="utf-8")
    (d / "empty.txt").write_text("", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "invalid.txt").write_bytes("Le ministre a déclaré".encode("latin-1") + b"\xff\xfe\x80 more")
    big = d / "big.txt"
    with big.open("wb") as fh:
        fh.write(b"word ")
        fh.truncate(50 * 1024 * 1024)
    (d / "oneline.txt").write_text("word " * 200_000, encoding="utf-8")
    (d / "noarticle.html").write_text("<html><head><script>var x=1;</script></head><body><nav><a href='/'>Home</a></nav></body></html>",
                                      encoding="utf-8")
    lines = [json.dumps({"text": GOOD.replace("Anna Petrova", "Lena Sorokina"), "url": "https://example.org/a"}),
             "{not json at all",
             json.dumps({"title": "no text field"}),
             json.dumps({"text": "Officials said the border would stay closed.", "date": "2024-03-02"})]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "copy_of_good1.txt").write_text(GOOD, encoding="utf-8")
    return d


def test_bad_input_recorded_good_stored_rerun_safe(corpus, tmp_path, nlp):
    settings = Settings(db=str(tmp_path / "t.db"))
    store = Store(settings.db)
    rep = ingest([str(corpus)], store, settings)
    reasons = {(e.source.rsplit("/", 1)[-1], e.reason) for e in store_errors(store)}
    expected = {("empty.txt", "empty"), ("binary.txt", "binary"), ("invalid.txt", "undecodable"),
                ("big.txt", "too_large"), ("oneline.txt", "too_large"), ("noarticle.html", "no_article_text"),
                ("feed.jsonl#L2", "bad_record"), ("feed.jsonl#L3", "bad_record")}
    assert expected <= reasons, sorted(reasons)
    # the second copy met (folders are walked in sorted order) is the duplicate
    assert ("good1.txt", "duplicate") in reasons
    stats = store.stats()
    assert stats["documents"] == 5  # good1, good2, unbalanced, 2 JSONL records
    n_statements = stats["statements"]
    assert n_statements >= 5
    docs = {d["name"] for d in store.documents()}
    assert {"copy_of_good1.txt", "good2.txt", "unbalanced.txt"} <= docs
    # a second run adds nothing: the stored documents are duplicates now, errors are upserted
    rep2 = ingest([str(corpus)], store, settings)
    assert rep2.stored == 0
    stats2 = store.stats()
    assert stats2["documents"] == 5 and stats2["statements"] == n_statements
    errs = store.errors()
    assert len(errs) == len({(e["source"], e["reason"]) for e in errs})
    assert rep.stored == 5


def store_errors(store):
    return [type("E", (), {"source": e["source"], "reason": e["reason"]}) for e in store.errors()]
