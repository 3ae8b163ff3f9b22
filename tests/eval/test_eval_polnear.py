"""`saidwhat.eval.polnear` against the shared, independent PolNeAR scorer.

The PolNeAR data and the scorer are read from ``../shared`` at run time (the corpus has no licence
that would let its text into this repository); those tests skip when it is absent. The tests at
the top use a few sentences written here for the purpose.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from saidwhat.eval.polnear import (
    cue_matches,
    exact_key,
    format_polnear,
    is_pronoun,
    read_polnear,
    score_polnear,
    source_matches,
    tokens,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"
DEV = SHARED / "polnear" / "dev.jsonl"
SCORER = SHARED / "eval" / "polnear_score.py"
needs_shared = pytest.mark.skipif(not (DEV.is_file() and SCORER.is_file()),
                                  reason=f"PolNeAR dev set or its scorer not found under {SHARED}")


# --- primitives and a hand-made document ---------------------------------------------------------

TEXT = ('The senator said that \u201cthe bill is dead\u201d. Voters, he added, want change.\n'
        'According to aides, the plan failed: a poll shows support.')


def _span(piece: str, after: str = "") -> dict:
    start = TEXT.index(piece, TEXT.index(after) + len(after) if after else 0)
    return {"start": start, "end": start + len(piece), "text": piece}


def _hand_doc() -> dict:
    voters, change = _span("Voters"), _span("want change")
    return {"doc_id": "hand-1", "text": TEXT, "attributions": [
        {"source": _span("The senator"), "cue": _span("said"),
         "content": _span("that \u201cthe bill is dead\u201d")},
        {"source": _span("he", after="Voters, "), "cue": _span("added"),
         "content": {**_span("Voters, he added, want change"),
                     "spans": [[voters["start"], voters["end"]],
                               [change["start"], change["end"]]]}},
        {"source": _span("aides"), "cue": _span("According to"),
         "content": _span("the plan failed")},
        {"source": None, "cue": _span(":"), "content": _span("a poll shows support")},
    ]}


def test_primitives():
    assert tokens("\u201cIt\u2019s  DEAD,\u201d he said") == ["it", "s", "dead", "he", "said"]
    assert exact_key("that the bill is dead") == exact_key("\u201cthe bill is dead\u201d")
    assert exact_key("that") == "that"
    assert source_matches("Trump", "Donald Trump")
    assert source_matches("Mr. Trump", "Donald J. Trump")
    assert source_matches("he", "the senator")  # substring rule, as in the shared scorer
    assert not source_matches("she", "Mr. Trump") and not source_matches("", "aides")
    assert not source_matches("the aides said", "the senator said")  # stop words only
    assert cue_matches("said", "said") and cue_matches(":", ":") and not cue_matches("told", ":")
    assert is_pronoun("He") and is_pronoun("they") and not is_pronoun("the senator")


def test_hand_made_scores():
    doc = _hand_doc()
    atts = doc["attributions"]
    preds = [
        # the quote without "that \u201c": exact (the "that" rule) and overlapping; source right
        {"doc_id": "hand-1", "content": {"start": atts[0]["content"]["start"] + 5,
                                         "end": atts[0]["content"]["end"]},
         "source_text": "the senator", "cue_text": "said"},
        # the discontinuous content as its outer extent (with "he added"): overlap, not exact;
        # the gold source is a pronoun, the predicted one is wrong
        {"doc_id": "dir/hand-1.txt", "content": {"start": atts[1]["content"]["start"],
                                                 "end": atts[1]["content"]["end"]},
         "source_text": "Ms. Jones", "cue_text": "added"},
        # text only, wrong source, no cue
        {"doc_id": "hand-1", "content_text": "The plan failed", "source_text": "voters"},
        # a spurious one (ties with the extent above, loses on index)
        {"doc_id": "hand-1", "content_text": "Voters want change and more"},
        # no gold source and none predicted: right; the colon cue too
        {"doc_id": "hand-1", "content_text": "a poll shows support", "source_text": None,
         "cue_text": ":"},
        # a document that is not in the gold
        {"doc_id": "other", "content_text": "anything"},
    ]
    res = score_polnear([doc], preds)
    assert res["n_gold"] == 4 and res["n_pred"] == 5 and res["n_pred_docs_unknown"] == 1
    assert res["n_gold_quoted"] == 1 and res["n_gold_unquoted"] == 3
    assert res["exact"]["tp"] == 3 and res["overlap"]["tp"] == 4
    assert res["attribution"]["tp"] == 2
    assert res["source_accuracy_n"] == 3 and res["source_accuracy"] == pytest.approx(1 / 3)
    assert res["source_accuracy_nonpronoun_n"] == 2
    assert res["source_accuracy_nonpronoun"] == 0.5
    assert res["cue_accuracy_n"] == 3 and res["cue_accuracy"] == 1.0
    assert res["recall_quoted"] == {"exact": 1.0, "overlap": 1.0}
    assert res["recall_unquoted"] == {"exact": pytest.approx(2 / 3), "overlap": 1.0}
    assert res["overlap"]["mean_token_f1_of_matches"] == pytest.approx(
        (2 * 0.8 / 1.8 + 0.75 + 1 + 1) / 4)
    text = format_polnear(res)
    assert "content overlap" in text and "1 prediction documents not in the gold" in text


# --- agreement with the shared scorer ------------------------------------------------------------

def _dev_docs() -> list[dict]:
    """The first five dev documents, plus the first one with a source-less attribution."""
    docs = read_polnear(DEV, max_docs=5)
    if not any(a["source"] is None for d in docs for a in d["attributions"]):
        with open(DEV, encoding="utf-8") as fh:
            extra = next(d for d in map(json.loads, fh)
                         if any(a["source"] is None for a in d["attributions"]))
        docs.append(extra)
    return docs


def _text(span: dict | None, text: str) -> str | None:
    if span is None:
        return None
    pieces = span.get("spans") or [(span["start"], span["end"])]
    return " ".join(text[s:e] for s, e in pieces)


def _perfect(docs, rng):
    out = []
    for d in docs:
        for a in d["attributions"]:
            c = a["content"]
            content = {"spans": c["spans"]} if c.get("spans") else {"start": c["start"],
                                                                     "end": c["end"]}
            out.append({"doc_id": d["doc_id"], "content": content,
                        "source_text": _text(a["source"], d["text"]),
                        "cue_text": _text(a["cue"], d["text"])})
    return out


def _extents(docs, rng):
    """Discontinuous gold given as its overall extent; sources as offsets."""
    out = []
    for d in docs:
        for a in d["attributions"]:
            src = a["source"]
            out.append({"doc_id": d["doc_id"],
                        "content": {"start": a["content"]["start"], "end": a["content"]["end"]},
                        "source": {"start": src["start"], "end": src["end"]} if src else None,
                        "cue": (a["cue"] or {}).get("text")})
    return out


def _shifted(docs, rng):
    """Spans moved, cut short or widened by random amounts; some keep the exact extent."""
    out = []
    for d in docs:
        n = len(d["text"])
        for a in d["attributions"]:
            s, e = a["content"]["start"], a["content"]["end"]
            length = e - s
            kind = rng.choice(["shift", "truncate", "widen", "half", "same"])
            if kind == "shift":
                k = rng.randint(-length, length)
                s, e = s + k, e + k
            elif kind == "truncate":
                e = s + max(1, int(length * rng.uniform(0.1, 0.95)))
            elif kind == "widen":
                s, e = s - rng.randint(0, 40), e + rng.randint(0, 40)
            elif kind == "half":
                s = s + length // 2
            out.append({"doc_id": d["doc_id"], "content": {"start": max(0, s), "end": min(n, e)},
                        "source_text": _text(a["source"], d["text"]),
                        "cue_text": _text(a["cue"], d["text"])})
    return out


def _missing_and_spurious(docs, rng):
    out = []
    for rec in _perfect(docs, rng):
        if rng.random() < 0.3:
            continue
        out.append(rec)
    for d in docs:
        n = len(d["text"])
        for _ in range(4):
            s = rng.randrange(0, n - 10)
            e = min(n, s + rng.randint(5, 200))
            out.append({"doc_id": d["doc_id"], "content": {"start": s, "end": e},
                        "source_text": rng.choice(["", None, "he", "officials"])})
        out.append({"doc_id": d["doc_id"], "content_text": "  ,;  "})  # empty content
    out.append({"doc_id": "not-a-polnear-doc", "content_text": "spurious words"})
    rng.shuffle(out)
    return out


def _sources(docs, rng):
    """Right content; sources wrong, pronouns, missing, partial or as written."""
    out = []
    for rec, (d, a) in zip(_perfect(docs, rng), ((dd, aa) for dd in docs for aa in dd["attributions"])):
        gold = _text(a["source"], d["text"]) or ""
        words = gold.split()
        choice = rng.choice(["wrong", "pronoun", "none", "empty", "last", "same", "upper"])
        rec["source_text"] = {"wrong": "Nobody Atall", "pronoun": rng.choice(["he", "she", "they"]),
                              "none": None, "empty": "",
                              "last": words[-1] if words else "x",
                              "same": gold, "upper": gold.upper()}[choice]
        rec["cue_text"] = rng.choice([rec["cue_text"], "said", ":", None, "according to"])
        out.append(rec)
    return out


def _text_only(docs, rng):
    """Predictions without offsets, in every text form the PRED format allows."""
    out = []
    for d in docs:
        for a in d["attributions"]:
            t = _text(a["content"], d["text"])
            words = t.split()
            if rng.random() < 0.3:
                t = " ".join(words[: max(1, int(len(words) * rng.uniform(0.4, 1.0)))])
            if rng.random() < 0.3:
                t = "that " + t
            form = rng.choice(["content_text", "str", "dict"])
            rec = {"doc": d["doc_id"] + ".txt"} if rng.random() < 0.2 else {"doc_id": d["doc_id"]}
            if form == "content_text":
                rec["content_text"] = t
            else:
                rec["content"] = t if form == "str" else {"text": t}
            rec["source"] = _text(a["source"], d["text"])
            rec["cue"] = {"text": (a["cue"] or {}).get("text")}
            out.append(rec)
    return out


def _mixed(docs, rng):
    builders = (_perfect, _extents, _shifted, _missing_and_spurious, _sources, _text_only)
    return [rec for b in builders for rec in b(docs, rng) if rng.random() < 0.4]


BUILDERS = {b.__name__.strip("_"): b
            for b in (_perfect, _extents, _shifted, _missing_and_spurious, _sources, _text_only,
                      _mixed)}


def _shared_scores(tmp_path: Path, docs: list[dict], preds: list[dict]) -> dict:
    gold_file, pred_file = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_file.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    pred_file.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SCORER), str(gold_file), str(pred_file), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@needs_shared
@pytest.mark.parametrize("name", list(BUILDERS))
@pytest.mark.parametrize("seed", [0, 1])
def test_agrees_with_shared_scorer(tmp_path, name, seed):
    docs = _dev_docs()
    preds = BUILDERS[name](docs, random.Random(f"{name}-{seed}"))
    ours = json.loads(json.dumps(score_polnear(docs, preds)))
    assert ours == _shared_scores(tmp_path, docs, preds)
    if name == "perfect":
        assert ours["exact"]["recall"] == ours["overlap"]["f1"] == 1.0
        assert ours["source_accuracy"] == ours["attribution"]["f1"] == 1.0


@needs_shared
def test_evaluate_polnear_end_to_end(tmp_path):
    from saidwhat.config import Settings
    from saidwhat.eval.polnear import evaluate_polnear

    pred_out = tmp_path / "pred.jsonl"
    res = evaluate_polnear(DEV, Settings(), max_docs=2, pred_out=pred_out)
    docs = read_polnear(DEV, max_docs=2)
    assert res["docs_run"] == res["n_gold_docs"] == 2 and res["extraction_errors"] == []
    assert res["n_gold"] == sum(len(d["attributions"]) for d in docs)
    preds = [json.loads(line) for line in pred_out.read_text(encoding="utf-8").splitlines()]
    assert len(preds) == res["n_pred"] > 0
    texts = {d["doc_id"]: d["text"] for d in docs}
    for p in preds:
        assert p["doc_id"] in texts and 0 <= p["content"]["start"] < p["content"]["end"]
        assert p["content"]["end"] <= len(texts[p["doc_id"]])
    scores = {k: v for k, v in res.items() if k not in ("file", "heldout", "docs_run", "extraction_errors", "extractor")}
    assert res["extractor"] == "rules"  # the statements scope, with the tests' default extractor (conftest)
    assert json.loads(json.dumps(scores)) == _shared_scores(tmp_path, docs, preds)
    assert "content exact" in format_polnear(res)


def test_split_quote_is_joined_for_polnear_only(extract):
    from saidwhat.eval.polnear import prediction_records
    from saidwhat.models import Document
    from saidwhat.pipeline import process
    text = "“The first half of the quote,” the senator said. “And here is the second half of it.”\n"
    res = next(process([Document(id="d", source="d", text=text)]))
    assert len(res.statements) == 2  # saidwhat keeps the pieces apart
    recs = prediction_records("d", res.statements, text)
    assert len(recs) == 1
    spans = recs[0]["content"]["spans"]
    assert [text[a:b] for a, b in spans] == ["The first half of the quote,", "And here is the second half of it."]


def test_the_heldout_split_is_the_training_scripts_tenth(tmp_path):
    import random

    from saidwhat.config import Settings
    from saidwhat.eval.polnear import evaluate_polnear, split_heldout

    held, train = split_heldout(840, 0.1, random.Random(0))
    assert len(held) == 84 and held == sorted(held) and not set(held) & set(train)
    assert sorted(held + train) == list(range(840))
    order = list(range(840))
    random.Random(0).shuffle(order)  # what the scripts did inline before
    assert held == sorted(order[:84]) and train == order[84:]
    docs = [{"doc_id": f"d{i}", "text": f"Senator number {i} said the budget would grow.", "attributions": []}
            for i in range(20)]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "pred.jsonl"
    res = evaluate_polnear(path, Settings(), heldout=True, pred_out=out)
    assert res["heldout"] is True and res["docs_run"] == res["n_gold_docs"] == 2
    want = {f"d{i}" for i in split_heldout(20, 0.1, random.Random(0))[0]}
    assert {json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()} == want
    assert "held-out tenth" in format_polnear(res)


@pytest.mark.slow
def test_heldout_figures_of_a_tagger_trained_on_every_article_are_flagged(tmp_path):
    import numpy as np

    from saidwhat.config import Settings
    from saidwhat.eval.polnear import evaluate_polnear
    from saidwhat.tagger.encoder import held_out_share
    from saidwhat.tagger.model import available, weights_path
    from saidwhat.train.tagger import save

    path = tmp_path / "w.npz"
    for share in (0.1, 0.0):
        save(_Model({"head.bias": np.zeros(7, dtype=np.float32)}), str(path), heldout=share)
        assert held_out_share(path) == pytest.approx(share)
    save(_Model({"head.bias": np.zeros(7, dtype=np.float32)}), str(path))
    assert held_out_share(path) is None  # weights that do not say
    if not available(weights_path()) or held_out_share(weights_path()) != 0:
        pytest.skip("the shipped tagger weights are missing or held articles out")
    docs = [{"doc_id": f"d{i}", "text": f"Senator number {i} said the budget would grow.", "attributions": []}
            for i in range(20)]
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    res = evaluate_polnear(train, Settings().with_(scope="attributions", extractor="accurate"), heldout=True)
    assert "trained on all of PolNeAR train" in res["warning"] and res["warning"] in format_polnear(res)
    assert "warning" not in evaluate_polnear(train, Settings().with_(scope="attributions", extractor="accurate"), heldout=False)
    assert "warning" not in evaluate_polnear(train, Settings().with_(scope="attributions", extractor="rules"),
                                             heldout=True)


class _Tensor:
    def __init__(self, value):
        self.value = value

    def detach(self):
        return self

    def numpy(self):
        return self.value


class _Model:
    """What save() reads of a torch model: state_dict(), tensors with detach().numpy()."""
    def __init__(self, arrays):
        self.arrays = arrays

    def state_dict(self):
        return {k: _Tensor(v) for k, v in self.arrays.items()}


def test_pieces_of_one_cue_join_across_another_attribution():
    """“A,” said X, referring to N. “B.”: A and B (one cue) are one PolNeAR attribution, N another."""
    from types import SimpleNamespace

    from saidwhat.eval.polnear import prediction_records
    text = "“Every time you say that,” Tester said, referring to the excuse, “you give ammunition.”"

    def stmt(piece, cue, kind):
        a = text.index(piece)
        c = text.index(cue)
        return SimpleNamespace(start=a, end=a + len(piece), kind=kind, cue_start=c, cue_end=c + len(cue),
                               cue_text=cue, speaker_start=text.index("Tester"), speaker_end=text.index("Tester") + 6,
                               speaker_mention="Tester")
    stmts = [stmt("“Every time you say that,”", "said", "direct"), stmt("the excuse", "referring to", "indirect"),
             stmt("“you give ammunition.”", "said", "direct")]
    recs = prediction_records("d", stmts, text)
    assert [[text[a:b] for a, b in r["content"].get("spans") or [[r["content"]["start"], r["content"]["end"]]]]
            for r in recs] == [["“Every time you say that,”", "“you give ammunition.”"], ["the excuse"]]
    assert [r["cue_text"] for r in recs] == ["said", "referring to"]
