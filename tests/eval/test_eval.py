"""saidwhat.eval.statements must agree exactly with the shared, independent scorer.

Prediction sets are built by hand from the gold itself (perfect, missing, spurious, wrong speakers,
a negated statement reported as made, shifted spans, ...); each is scored both in-process and by
running ``shared/eval/score.py`` as a subprocess, and the two results must be identical.
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from saidwhat.eval.statements import (
    doc_name,
    evaluate,
    format_report,
    read_jsonl,
    score,
    speaker_matches,
    target_set,
    token_f1,
    tokens,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
SCORER = SHARED / "eval" / "score.py"
GOLD = SHARED / "gold" / "seeds.statements.jsonl"

needs_shared = pytest.mark.skipif(
    not (SCORER.is_file() and GOLD.is_file()),
    reason=f"shared scorer/gold not found under {SHARED} (sibling folder ../shared of the repo)")


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return read_jsonl(GOLD)


def _pred_from(g: dict, **changes) -> dict:
    """A prediction record copied from a gold record (the fields a prediction has)."""
    p = {k: copy.deepcopy(g.get(k)) for k in ("doc", "quote", "speaker", "kind", "date", "targets")}
    p["negated"] = bool(g.get("negated"))
    p.update(changes)
    return p


def _run_shared(tmp_path: Path, pred: list[dict], *args: str) -> str:
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pred),
                         encoding="utf-8")
    out = subprocess.run([sys.executable, str(SCORER), str(GOLD), str(pred_file), *args],
                         capture_output=True, text=True, encoding="utf-8", check=True, timeout=60)
    return out.stdout


def _agree(tmp_path: Path, gold: list[dict], pred: list[dict]) -> dict:
    """Score both ways, assert identical JSON and text reports, return the library result."""
    mine = score(gold, pred)
    theirs = json.loads(_run_shared(tmp_path, pred, "--json"))
    assert mine == theirs
    assert format_report(mine) == _run_shared(tmp_path, pred).rstrip("\n")
    return mine


def _shift(quote: str, drop_front: int, add_back: str = "") -> str:
    words = quote.split()
    return " ".join(words[drop_front:]) + add_back


# --------------------------------------------------------------------------- agreement

@needs_shared
def test_perfect_predictions(tmp_path, gold):
    res = _agree(tmp_path, gold, [_pred_from(g) for g in gold])
    assert res["quote_f1"] == 1.0 and res["attributed_f1"] == 1.0
    assert res["exact_span_rate"] == 1.0 and res["speaker_acc"] == 1.0
    assert res["negation_errors"] == 0 and res["fp"] == 0 and res["fn"] == 0
    assert res["tp"] == sum(1 for g in gold if not g.get("optional") and not g.get("negated"))


@needs_shared
def test_perfect_without_optional_and_negated(tmp_path, gold):
    pred = [_pred_from(g) for g in gold if not g.get("optional") and not g.get("negated")]
    res = _agree(tmp_path, gold, pred)
    assert res["quote_f1"] == 1.0 and res["fp"] == 0


@needs_shared
def test_missing_items(tmp_path, gold):
    pred = [_pred_from(g) for i, g in enumerate(gold) if i % 3]
    res = _agree(tmp_path, gold, pred)
    assert res["fn"] > 0 and res["quote_recall"] < 1.0 and res["quote_precision"] == 1.0
    assert len(res["misses"]) == res["fn"]


@needs_shared
def test_spurious_items(tmp_path, gold):
    pred = [_pred_from(g) for g in gold]
    docs = sorted({g["doc"] for g in gold})
    for i, d in enumerate(docs):
        pred.append({"doc": d, "quote": f"an entirely unrelated sentence number {i} about weather",
                     "speaker": "Nobody"})
    pred.append({"doc": "not_in_gold.txt", "quote": gold[0]["quote"], "speaker": "X"})  # ignored
    res = _agree(tmp_path, gold, pred)
    assert res["fp"] == len(docs) and len(res["spurious"]) == len(docs)
    assert res["quote_recall"] == 1.0 and res["quote_precision"] < 1.0


@needs_shared
def test_wrong_speakers(tmp_path, gold):
    pred = [_pred_from(g, speaker="Sergei Lavrov" if i % 4 == 0 else
                       ("" if i % 4 == 1 else g["speaker"]))
            for i, g in enumerate(gold)]
    res = _agree(tmp_path, gold, pred)
    assert res["speaker_acc"] < 1.0 and res["wrong_speaker"]
    assert res["attributed_f1"] < res["quote_f1"] == 1.0


@needs_shared
def test_speaker_aliases_and_containment(tmp_path, gold):
    pred = []
    for g in gold:
        alts = g.get("speaker_alt") or []
        name = f"spokesperson {alts[0]}" if alts else g["speaker"].upper()
        pred.append(_pred_from(g, speaker=name))
    res = _agree(tmp_path, gold, pred)
    assert res["speaker_acc"] == 1.0


@needs_shared
def test_negated_statement_reported_as_made(tmp_path, gold):
    negated = [g for g in gold if g.get("negated")]
    assert negated, "the gold should hold at least one negated statement"
    pred = [_pred_from(g, negated=False) for g in gold]
    res = _agree(tmp_path, gold, pred)
    assert res["negation_errors"] == len(negated) == 1
    assert res["fp"] == 1 and not res["spurious"]


@needs_shared
def test_shifted_spans(tmp_path, gold):
    pred = []
    for i, g in enumerate(gold):
        if i % 3 == 0:     # a few words off at the front and one extra at the end: still a match
            q = _shift(g["quote"], 2, " meanwhile")
        elif i % 3 == 1:   # most of the quote cut away: some fall under F1 0.5
            q = _shift(g["quote"], max(1, len(g["quote"].split()) * 3 // 4))
        else:
            q = g["quote"]
        pred.append(_pred_from(g, quote=q))
    res = _agree(tmp_path, gold, pred)
    assert 0 < res["exact_span_rate"] < 1.0
    assert res["fn"] > 0 and res["fp"] > 0


@needs_shared
def test_dates_kinds_targets_and_doc_forms(tmp_path, gold):
    pred = []
    for i, g in enumerate(gold):
        p = _pred_from(g)
        if i % 5 == 0:
            p["date"] = "1999-01-01"
        elif i % 5 == 1 and p.get("date"):
            p["date"] = p["date"] + "T10:00:00"   # only the first 10 characters count
        if i % 4 == 0:
            p["kind"] = "direct" if g.get("kind") != "direct" else "indirect"
        if i % 3 == 0:
            p["targets"] = [{"country": t.lower()} for t in g.get("targets") or []]
        elif i % 3 == 1 and g.get("targets"):
            p["targets"] = ["XXX"]
        if i % 2:                                  # a path instead of a bare file name
            p["doc"] = f"/some/where/{g['doc']}"
        if i % 7 == 0:                             # other doc keys
            p["source"] = "C:\\corpus\\" + p.pop("doc")
        pred.append(p)
    res = _agree(tmp_path, gold, pred)
    assert res["date_acc"] < 1.0 and res["kind_acc"] < 1.0
    assert res["quote_f1"] == 1.0


@needs_shared
def test_empty_and_duplicate_predictions(tmp_path, gold):
    res = _agree(tmp_path, gold, [])
    assert res["tp"] == 0 and res["quote_f1"] == 0.0 and res["exact_span_rate"] == 0.0
    pred = [_pred_from(g) for g in gold] * 2       # every statement twice: one copy is spurious
    res = _agree(tmp_path, gold, pred)
    assert res["fp"] == len(gold)


@needs_shared
def test_everything_at_once(tmp_path, gold):
    pred = []
    for i, g in enumerate(gold):
        if i % 6 == 5:
            continue
        q = _shift(g["quote"], 1) if i % 2 else g["quote"]
        pred.append(_pred_from(g, quote=q, speaker=g["speaker"] if i % 5 else "Baku",
                               negated=False))
        if i % 8 == 0:
            pred.append({"doc": g["doc"], "quote": "Moscow is always right",
                         "speaker": "Moscow", "kind": "indirect"})
    _agree(tmp_path, gold, pred)


# --------------------------------------------------------------------------- primitives

def test_primitives():
    assert tokens("Russia’s “Concerned”, ＲＵＳ") == ["russia", "s", "concerned", "rus"]
    assert tokens(None) == []
    assert token_f1(["a", "b"], ["a", "b"]) == 1.0
    assert token_f1(["a", "b", "c", "d"], ["a", "b"]) == pytest.approx(2 / 3)
    assert token_f1(["a"], ["b"]) == 0.0
    assert doc_name("a/b\\c.txt") == "c.txt" and doc_name(None) == ""
    g = {"speaker": "Maria Zakharova", "speaker_alt": ["Zakharova"]}
    assert speaker_matches("spokesperson Zakharova", g)
    assert not speaker_matches("Zakharov", g) and not speaker_matches(None, g)
    assert target_set({"targets": ["aze", {"country": "arm"}, {"code": "EU"}, None]}) == \
        {"AZE", "ARM", "EU"}


def test_score_small_hand_made():
    gold = [
        {"doc": "a.txt", "quote": "we will never agree to this", "speaker": "Ann Smith",
         "speaker_alt": ["Smith"], "kind": "direct", "date": "2024-01-02", "targets": ["AZE"]},
        {"doc": "a.txt", "quote": "Baku to stop the shelling", "speaker": "Ann Smith",
         "negated": True},
        {"doc": "a.txt", "quote": "maybe something", "speaker": "X", "optional": True},
    ]
    pred = [
        {"doc": "dir/a.txt", "quote": "we will never agree to this,", "speaker": "Smith",
         "kind": "direct", "date": "2024-01-02", "targets": ["AZE"]},
        {"doc": "a.txt", "quote": "Baku to stop the shelling", "speaker": "Ann Smith",
         "negated": True},
        {"doc": "a.txt", "quote": "maybe something", "speaker": "Y"},
    ]
    res = score(gold, pred)
    assert (res["tp"], res["fp"], res["fn"], res["negation_errors"]) == (1, 0, 0, 0)
    assert res["quote_f1"] == res["attributed_f1"] == res["target_acc"] == 1.0
    pred[1]["negated"] = False
    res = score(gold, pred)
    assert (res["tp"], res["fp"], res["negation_errors"]) == (1, 1, 1)
    assert format_report(res).endswith("tp=1 fp=1 fn=0")


# --------------------------------------------------------------------------- evaluate()

def test_evaluate_with_a_stub_pipeline(tmp_path, monkeypatch):
    """evaluate() finds the gold's documents in <gold_dir>/../corpus/seeds and scores the
    pipeline's statements (the pipeline is stubbed: no model needed)."""
    from saidwhat.models import DocResult, Document, IngestError, Statement

    root = tmp_path / "shared"
    (root / "gold").mkdir(parents=True)
    (root / "corpus" / "seeds").mkdir(parents=True)
    text = 'Ann Smith said: "We will never agree to this."'
    (root / "corpus" / "seeds" / "a.txt").write_text(text, encoding="utf-8")
    gold = [{"doc": "a.txt", "quote": "We will never agree to this.", "speaker": "Ann Smith",
             "kind": "direct"},
            {"doc": "missing.txt", "quote": "nothing here", "speaker": "Bob"}]
    gold_path = root / "gold" / "g.jsonl"
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")

    seen: list[list[str]] = []

    def extract_paths(paths, settings):
        seen.append(list(paths))
        for p in paths:
            doc = Document(id="d1", source=p, text=text)
            s = text.index("We")
            yield DocResult(document=doc, statements=[Statement(
                doc=p, doc_id="d1", kind="direct", quote=text[s:-1], start=s, end=len(text) - 1,
                speaker="Ann Smith")])
        yield IngestError(source="other.txt", reason="empty", message="no text")

    from saidwhat import runners
    monkeypatch.setattr(runners, "extract_paths", extract_paths)

    res = evaluate(str(gold_path), None, settings=None)
    assert [[Path(p).resolve() for p in call] for call in seen] == \
        [[(root / "corpus" / "seeds" / "a.txt").resolve()]]
    assert (res["tp"], res["fp"], res["fn"]) == (1, 0, 1)
    assert res["speaker_acc"] == 1.0 and res["docs"] == 1 and res["predicted"] == 1
    reasons = sorted(e["reason"] for e in res["errors"])
    assert reasons == ["empty", "not_found"]
