#!/usr/bin/env python3
"""Cost of event coding per statement (ms), the way the pipeline calls it and the way `saidwhat code` does.

    python bench/coding_cost.py [--n 300] [--runs 3]

Statements: the contents of the first ``--n`` attributions of PolNeAR dev (``../shared/polnear/dev.jsonl``,
US political news saidwhat was never tuned on; the cue's first word as its cue), or, without ``../shared``,
the project's own PLOVER training sentences (printed as such: text written for the project).

Measured, the least of ``--runs`` runs, in CPU milliseconds of the process per statement
(``time.process_time``: every thread; a shared machine's wall clock swings with its neighbours; wall
printed beside it):

- ``pipeline``: ``code_many(texts, cues, negated, docs=...)`` with the statements already parsed, as
  ``pipeline.code_events`` calls it once per article (here: articles of 8 statements);
- ``batch``: the same over all statements in one call (what a bigger article or ``saidwhat code`` pays);
- ``parse+code``: ``code_many(texts, cues)`` parsing the statements itself (the `saidwhat code` path).

The models are loaded and warm before any timing. Run it before and after a change to the coder on the same
machine in the same hour and compare the two.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def statements(n: int) -> tuple[list[str], list[str | None], str]:
    path = SHARED / "polnear" / "dev.jsonl"
    if path.is_file():
        texts, cues = [], []
        with open(path, encoding="utf-8") as f:
            for line in f:
                for a in json.loads(line).get("attributions", []):
                    c = (a.get("content") or {}).get("text")
                    if c and len(c.split()) >= 3:
                        texts.append(c)
                        cue = (a.get("cue") or {}).get("text") or ""
                        cues.append(cue.split()[0].lower() if cue.split() else None)
                    if len(texts) >= n:
                        return texts, cues, f"PolNeAR dev, first {n} attribution contents"
        return texts, cues, f"PolNeAR dev, {len(texts)} attribution contents"
    from importlib import resources
    rows = [json.loads(x) for x in resources.files("saidwhat").joinpath("data", "plover", "train.jsonl")
            .read_text("utf-8").splitlines() if x.strip()]
    texts = [r["text"] for r in rows if "text" in r][:n]
    return texts, [None] * len(texts), f"{len(texts)} of the project's own PLOVER training sentences (own text)"


def timed(fn, runs: int) -> tuple[float, float]:
    from saidwhat.tagger.text_vectors import phrase_encoder

    best_c = best_w = float("inf")
    for _ in range(runs):
        phrase_encoder().recent.clear()   # every run reads its statements anew (no vectors kept from the last)
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        best_c, best_w = min(best_c, time.process_time() - c0), min(best_w, time.perf_counter() - w0)
    return best_c, best_w


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()

    from saidwhat.code import code_many
    from saidwhat.code.features import nlp

    texts, cues, what = statements(a.n)
    n = len(texts)
    docs = list(nlp().pipe(texts))
    negated = [False] * n
    code_many(texts[:8], cues[:8], negated[:8], docs=docs[:8])   # load and warm the models

    def per_article():
        for s in range(0, n, 8):
            code_many(texts[s:s + 8], cues[s:s + 8], negated[s:s + 8], docs=docs[s:s + 8])

    rows = [("pipeline (articles of 8)", per_article),
            ("batch (one call)", lambda: code_many(texts, cues, negated, docs=docs)),
            ("parse+code", lambda: code_many(texts, cues, negated))]
    print(f"statements: {what}")
    for name, fn in rows:
        c, w = timed(fn, a.runs)
        print(f"{name:28s} {c / n * 1000:7.2f} ms CPU/statement   ({w / n * 1000:.2f} ms wall)")


if __name__ == "__main__":
    main()
