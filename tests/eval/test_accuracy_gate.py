"""Accuracy gate on the real sample articles (../shared/corpus/seeds, gold ../shared/gold), scored by the
independent shared scorer (../shared/eval/score.py --json). Fails loudly if any field it reports drops
below its bar: quote precision and recall, attributed F1, speaker, date, kind and target accuracy, and
any negated statement reported as said.

Bars: 3 points under the figures measured when they were set (FIGURES; 59 gold statements, 50 matched,
2 spurious). date_acc's 0.826 is the working tree's of 2026-12-07, where resolve/dates.py no longer infers
a publication date from the text (an inference built on one of these articles; with it: 1.00). The counts
are small: over the 11 matched statements with gold targets one wrong target set is 9 points, so
target_acc's bar allows none; over 50, kind and speaker allow one miss.
``test_every_bar_binds`` spoils one field of the real predictions at a time and checks its bar trips."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

MARGIN = 0.03
FIGURES = {"quote_precision": 0.962, "quote_recall": 1.0, "attributed_f1": 0.98, "speaker_acc": 1.0,
           "date_acc": 0.826, "kind_acc": 1.0, "target_acc": 1.0}
BARS = {k: round(v - MARGIN, 3) for k, v in FIGURES.items()}


def _extract_paths():
    import saidwhat
    if hasattr(saidwhat, "extract_paths"):
        return saidwhat.extract_paths
    from saidwhat.pipeline import extract_paths
    return extract_paths


@pytest.fixture(scope="module")
def predictions(shared_required) -> list[dict]:
    from saidwhat.config import Settings

    seeds = sorted(str(p) for p in (shared_required / "corpus" / "seeds").glob("*.txt"))
    assert seeds, "no seed articles"
    records = []
    for r in _extract_paths()(seeds, Settings()):
        assert hasattr(r, "statements"), f"a sample article failed: {r}"
        records += [s.record() for s in r.statements]
    return records


def score(shared, tmp_path, records: list[dict]) -> dict:
    pred = tmp_path / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"),
                          str(shared / "gold" / "seeds.statements.jsonl"), str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def below_bars(res: dict) -> list[str]:
    """What falls short: 'field=value < bar' for each gated field, and the negation errors."""
    out = [f"{k}={res[k]} < {bar}" for k, bar in BARS.items() if res[k] < bar]
    if res["negation_errors"]:
        out.append(f"negation_errors={res['negation_errors']}")
    return out


def test_sample_gold_accuracy(shared_required, tmp_path, predictions):
    res = score(shared_required, tmp_path, predictions)
    failing = below_bars(res)
    assert not failing, f"below the bars: {failing}; scores: {res}"


def _spoil(field: str, records: list[dict]) -> list[dict]:
    out = [dict(r) for r in records]
    if field == "quote_precision":  # as many statements again, found nowhere in the gold
        return out + [dict(r, quote=f"zzq{i} nothing anyone said") for i, r in enumerate(out)]
    if field == "quote_recall":
        return out[::2]
    for r in out:
        if field == "attributed_f1" or field == "speaker_acc":
            r["speaker"] = "Nobody In Particular"
        elif field == "date_acc":
            r["date"] = "1900-01-01"
        elif field == "kind_acc":
            r["kind"] = {"direct": "indirect"}.get(r.get("kind"), "direct")
        elif field == "target_acc":
            r["targets"] = []
        elif field == "negation_errors":
            r["negated"] = False
    return out


@pytest.mark.parametrize("field", [*BARS, "negation_errors"])
def test_every_bar_binds(shared_required, tmp_path, predictions, field):
    """Spoiling one field of the real predictions (targets emptied, kinds swapped, …) trips its bar."""
    if field == "negation_errors" and not any(r.get("negated") for r in predictions):
        pytest.fail("no statement is reported negated, so the negation check cannot be shown to bind")
    res = score(shared_required, tmp_path, _spoil(field, predictions))
    assert any(f.startswith(field + "=") for f in below_bars(res)), (field, res)
