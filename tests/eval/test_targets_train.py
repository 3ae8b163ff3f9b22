"""The PolNeAR *train* target gold (gold/polnear_targets_train/targets.jsonl): training material for the
statement-target classifier, hand-annotated under the conventions of the dev gold (gold/polnear_targets/).

The file checks mirror those of the dev gold in test_targets.py. The ones that need the articles read PolNeAR
train from ../shared at run time and skip when it is absent; the gold itself is always checked.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gold_support import check_against_article, strings

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "gold" / "polnear_targets_train" / "targets.jsonl"
DEV_GOLD = ROOT / "gold" / "polnear_targets" / "targets.jsonl"
TRAIN = ROOT.parent / "shared" / "polnear" / "train.jsonl"
needs_train = pytest.mark.skipif(not TRAIN.is_file(), reason=f"PolNeAR train not found at {TRAIN}")

BATCHES = {1: (14, 456), 2: (14, 457)}  # batch: (documents, attributions), as the README's table says
ALLOWED_STRINGS = {"doc_id", "attribution", "speaker", "speaker_kind", "speaker_alt", "date", "split", "note",
                   "name", "kind", "iso3", "aliases"}


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_train_gold_is_all_train_and_has_no_text_fields():
    rows = _rows(GOLD)
    assert len(rows) >= 400
    assert {r["split"] for r in rows} == {"train"}
    assert len({(r["doc_id"], r["attribution"]) for r in rows}) == len(rows), "an attribution twice"
    for r in rows:
        assert r["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"])
        assert r["speaker_kind"] in (None, "person", "org", "group", "country")
        for t in r["targets"]:
            assert t["kind"] in ("person", "org", "group", "country")
            assert t["kind"] != "country" or re.fullmatch(r"[A-Z]{3}", t["iso3"])
            assert t["mention"] is None or len(t["mention"]) == 2
        for key, _value in strings(r):
            assert key in ALLOWED_STRINGS, f"unexpected text field {key!r}"


def test_train_gold_batches():
    rows = _rows(GOLD)
    assert {r.get("batch") for r in rows} == set(BATCHES), "every row says its batch, 1 or 2"
    batch_of: dict[str, int] = {}
    for r in rows:
        assert batch_of.setdefault(r["doc_id"], r["batch"]) == r["batch"], f"{r['doc_id']} in two batches"
    for batch, (n_docs, n_rows) in BATCHES.items():
        assert sum(1 for b in batch_of.values() if b == batch) == n_docs
        assert sum(1 for r in rows if r["batch"] == batch) == n_rows
    # batch 1 rows come first, then batch 2 (the build's order)
    assert [r["batch"] for r in rows] == sorted(r["batch"] for r in rows)


@needs_train
def test_train_gold_batches_are_the_tools_sample():
    import importlib.util

    spec = importlib.util.spec_from_file_location("annotate_targets", ROOT / "tools" / "annotate_targets.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    docs = tool.read_docs(TRAIN)
    sampled = [(d, b) for d, _split, b in tool.sample_train_batches(docs)]
    rows = _rows(GOLD)
    in_gold = list(dict.fromkeys((r["doc_id"], r["batch"]) for r in rows))
    assert in_gold == sampled


def test_train_gold_documents_are_not_dev_gold_documents():
    train_docs = {r["doc_id"] for r in _rows(GOLD)}
    dev_docs = {r["doc_id"] for r in _rows(DEV_GOLD)}
    assert train_docs and not train_docs & dev_docs


@needs_train
def test_train_gold_offsets_fit_polnear_train_and_notes_quote_no_article_text():
    docs = {d["doc_id"]: d for d in _rows(TRAIN)}
    rows = _rows(GOLD)
    for doc_id in {r["doc_id"] for r in rows}:
        assert doc_id in docs, f"{doc_id} is not a PolNeAR train document"
        # every attribution of a sampled document is annotated
        assert {a["id"] for a in docs[doc_id]["attributions"]} == {r["attribution"] for r in rows
                                                                   if r["doc_id"] == doc_id}
    for r in rows:
        doc = docs[r["doc_id"]]
        check_against_article(r, doc)
        assert 0 <= r["content"]["start"] < r["content"]["end"] <= len(doc["text"])
