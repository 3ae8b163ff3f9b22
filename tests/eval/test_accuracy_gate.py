"""Accuracy gate on the real sample articles (../shared/corpus/seeds, gold ../shared/gold), scored by the
independent shared scorer (../shared/eval/score.py --json). Fails loudly if any field it reports drops
below its bar: quote precision and recall, attributed F1, speaker, date, kind and target accuracy, and
any negated statement reported as said.

Gated for each extractor: the default (fast: the MiniLM attribution tagger and the statement filter;
59 gold statements, 48 matched, 5 spurious), accurate (MPNet; 49 matched, 4 spurious) and the rules (50
matched, 2 spurious): bars 3 points under the figures measured when they were set (FIGURES). date_acc's 0.826 is the working tree's of 2026-12-07, where resolve/dates.py no longer infers
a publication date from the text (an inference built on one of these articles; with it: 1.00). The counts
are small: over the 8 matched statements with gold targets one wrong target set is 12.5 points, so
target_acc's bar allows no further miss; over 50, kind and speaker allow one miss. target_acc is 0.875
since the target model (resolve/targets.py, 2026-12-07) replaced the rules written on these articles: it
is learned from annotated real news (PolNeAR), and on these articles it adds Yerevan to a call on Baku
("… political differences with Yerevan"); on real held-out news it finds far more targets than the
rules did (docs/accuracy.md). accurate's speaker_acc rose to 0.98 with the speaker fixes of that day.
``test_every_bar_binds`` spoils one field of the real predictions at a time and checks its bar trips."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

MARGIN = 0.03
# per extractor (measured 2026-12-07, the taggers through the int8 engine): the default (fast: the MiniLM
# attribution tagger and the statement filter), the MPNet one, and the rules
FIGURES = {
    "rules": {"quote_precision": 0.962, "quote_recall": 1.0, "attributed_f1": 0.98, "speaker_acc": 1.0,
              "date_acc": 0.826, "kind_acc": 1.0, "target_acc": 0.875},
    "fast": {"quote_precision": 0.906, "quote_recall": 0.96, "attributed_f1": 0.932, "speaker_acc": 1.0,
             "date_acc": 0.822, "kind_acc": 1.0, "target_acc": 0.875},
    "accurate": {"quote_precision": 0.925, "quote_recall": 0.98, "attributed_f1": 0.932, "speaker_acc": 0.98,
                 "date_acc": 0.822, "kind_acc": 0.98, "target_acc": 0.875},
}
ALL_BARS = {ex: {k: round(v - MARGIN, 3) for k, v in figs.items()} for ex, figs in FIGURES.items()}
BARS = ALL_BARS["fast"]  # the fields every extractor is gated on (the same for each)


def _extract_paths():
    import saidwhat
    return saidwhat.extract_paths


@pytest.fixture(scope="module", params=sorted(FIGURES))
def extractor(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def predictions(shared_required, extractor) -> list[dict]:
    from saidwhat.config import Settings

    seeds = sorted(str(p) for p in (shared_required / "corpus" / "seeds").glob("*.txt"))
    assert seeds, "no seed articles"
    records = []
    for r in _extract_paths()(seeds, Settings(extractor=extractor)):
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


def below_bars(res: dict, extractor: str) -> list[str]:
    """What falls short: 'field=value < bar' for each gated field, and the negation errors."""
    out = [f"{k}={res[k]} < {bar}" for k, bar in ALL_BARS[extractor].items() if res[k] < bar]
    if res["negation_errors"]:
        out.append(f"negation_errors={res['negation_errors']}")
    return out


def test_sample_gold_accuracy(shared_required, tmp_path, predictions, extractor):
    res = score(shared_required, tmp_path, predictions)
    failing = below_bars(res, extractor)
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
def test_every_bar_binds(shared_required, tmp_path, predictions, extractor, field):
    """Spoiling one field of the real predictions (targets emptied, kinds swapped, …) trips its bar."""
    if field == "negation_errors" and not any(r.get("negated") for r in predictions):
        pytest.fail("no statement is reported negated, so the negation check cannot be shown to bind")
    res = score(shared_required, tmp_path, _spoil(field, predictions))
    assert any(f.startswith(field + "=") for f in below_bars(res, extractor)), (field, res)
