"""Train the cue detector on PolNeAR's train split (CPU, seeded, reproducible). Never run in CI.

    python -m saidwhat.nlp.train_cues --train ../shared/polnear/train.jsonl \
        --out src/saidwhat/data/cue_model.json.gz [--epochs 6] [--seed 0] [--heldout 0.1]

Positive examples are the head tokens of annotated cue spans; negatives every other token of a
candidate part of speech. Prints precision/recall of cue heads on a held-out slice of train.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys

from .cuemodel import CANDIDATE_POS, Perceptron, features


def examples(doc, attributions) -> list[tuple[list[str], bool]]:
    heads, inside = set(), set()
    for a in attributions:
        cue = a.get("cue")
        if not cue:
            continue
        span = doc.char_span(cue["start"], cue["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        heads.add(span.root.i)
        inside.update(t.i for t in span)
    out = []
    for t in doc:
        if t.pos_ not in CANDIDATE_POS or (t.i in inside and t.i not in heads):
            continue
        out.append((features(t), t.i in heads))
    return out



def training_parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every PolNeAR training script takes (train split, output, epochs, seed, held-out share)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--heldout", type=float, default=0.1)
    return ap


def load_corpus(path: str, max_docs: int | None = None, model: str | None = None):
    """(the spaCy pipeline, the PolNeAR documents of a JSONL split, the first ``max_docs`` of them)."""
    from ..config import Settings
    from .setup import load
    nlp = load(model or Settings().model)
    docs = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return nlp, docs[:max_docs] if max_docs else docs


def main(argv: list[str] | None = None) -> int:
    ap = training_parser(__doc__)
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--model", default=None, help="spaCy model (default: the configured one)")
    args = ap.parse_args(argv)

    nlp, docs = load_corpus(args.train, args.max_docs, args.model)
    rng = random.Random(args.seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_held = int(len(docs) * args.heldout)
    held, train = set(order[:n_held]), order[n_held:]
    data: dict[int, list] = {}
    for i, doc in enumerate(nlp.pipe((d["text"] for d in docs), batch_size=16)):
        data[i] = examples(doc, docs[i]["attributions"])
        if (i + 1) % 100 == 0:
            print(f"parsed {i + 1}/{len(docs)}", file=sys.stderr)
    model = Perceptron()
    flat = [ex for i in train for ex in data[i]]
    for epoch in range(args.epochs):
        rng.shuffle(flat)
        for feats, gold in flat:
            model.update(feats, gold)
        print(f"epoch {epoch + 1} done", file=sys.stderr)
    model.average()
    tp = fp = fn = 0
    for i in held:
        for feats, gold in data[i]:
            pred = model.score(feats) > model.threshold
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    print(f"held-out cue heads: P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r) if p + r else 0:.3f} "
          f"({len(held)} docs); features {len(model.w)}")
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        json.dump(model.to_json(), fh, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
