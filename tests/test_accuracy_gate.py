"""Accuracy gate on the real sample articles, scored by the independent shared scorer.
Fails loudly if the figures drop below the bars the project promises."""
import json
import subprocess
import sys

BARS = {"attributed_f1": 0.90, "speaker_acc": 0.90, "date_acc": 0.90}


def test_sample_gold_accuracy(shared, tmp_path, nlp):
    from saidwhat.config import Settings
    from saidwhat.pipeline import extract_paths
    seeds = sorted(str(p) for p in (shared / "corpus" / "seeds").glob("*.txt"))
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for r in extract_paths(seeds, Settings()):
            assert hasattr(r, "statements"), f"a sample article failed: {r}"
            for s in r.statements:
                fh.write(json.dumps(s.record(), ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"),
                          str(shared / "gold" / "seeds.statements.jsonl"), str(pred), "--json"],
                         capture_output=True, text=True, check=True)
    res = json.loads(out.stdout)
    for key, bar in BARS.items():
        assert res[key] >= bar, f"{key}={res[key]} fell below {bar}: {res}"
    assert res["negation_errors"] == 0, res
