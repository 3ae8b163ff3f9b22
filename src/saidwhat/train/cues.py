"""Train the cue detector on PolNeAR's train split (CPU, seeded, reproducible). Never run in CI.

    python -m saidwhat.train.cues --train ../shared/polnear/train.jsonl \
        --out src/saidwhat/data/cue_model.json.gz [--epochs 6] [--seed 0] [--heldout 0.1] \
        [--dense-out src/saidwhat/data/cue_dense.json.gz]   # also the dense detector (densecue.py)
        [--docbin parsed.spacy --tensors parsed_tensors.npz]   # reuse a parse of the same file

Positive examples are the head tokens of annotated cue spans; negatives every other token of a
candidate part of speech. Prints precision/recall of cue heads on a held-out slice of train.
"""
from __future__ import annotations

import argparse
import gzip
import json
import random
import sys

from saidwhat.config import Settings
from saidwhat.eval.polnear import split_heldout
from saidwhat.nlp.cuemodel import CANDIDATE_POS, Perceptron, features
from saidwhat.nlp.densecue import dense_matrix
from saidwhat.nlp.densecue import train as train_dense
from saidwhat.nlp.setup import load


def examples(doc, attributions, dense: bool = False) -> list[tuple]:
    """(features, gold) per candidate token; with ``dense``, (features, dense row, gold)."""
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
    idx = [t.i for t in doc if t.pos_ in CANDIDATE_POS and not (t.i in inside and t.i not in heads)]
    if not dense:
        return [(features(doc[i]), i in heads) for i in idx]
    X = dense_matrix(doc, idx)
    if X is None:
        return []
    return [(features(doc[i]), X[r], i in heads) for r, i in enumerate(idx)]


def parse_corpus(nlp, docs, docbin: str | None = None, tensors: str | None = None) -> list:
    """The parsed documents, with their tok2vec tensors: re-parsed, or read from a DocBin of the
    same file (same order) and an .npz of the tensors (arrays d0, d1, …) saved with it."""
    if docbin:
        import numpy as np
        from spacy.tokens import DocBin
        parsed = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))[: len(docs)]
        if tensors:
            tz = np.load(tensors)
            for i, d in enumerate(parsed):
                d.tensor = tz[f"d{i}"].astype(np.float32)
        return parsed
    out = []
    with nlp.select_pipes(disable=["saidwhat_attribution"]):
        for i, doc in enumerate(nlp.pipe((d["text"] for d in docs), batch_size=16)):
            out.append(doc)
            if (i + 1) % 100 == 0:
                print(f"parsed {i + 1}/{len(docs)}", file=sys.stderr)
    return out


def prf(pairs) -> str:
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return f"P={p:.3f} R={r:.3f} F1={2 * p * r / (p + r) if p + r else 0:.3f}"



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
    nlp = load(model or Settings().model)
    docs = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return nlp, docs[:max_docs] if max_docs else docs


def main(argv: list[str] | None = None) -> int:
    ap = training_parser(__doc__)
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--model", default=None, help="spaCy model (default: the configured one)")
    ap.add_argument("--dense-out", default=None, help="also train the dense detector (densecue.py) and write it here")
    ap.add_argument("--dense-epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--docbin", default=None, help="a DocBin parse of the same file (same order)")
    ap.add_argument("--tensors", default=None, help="an .npz of that parse's doc.tensor arrays (d0, d1, …)")
    args = ap.parse_args(argv)

    nlp, docs = load_corpus(args.train, args.max_docs, args.model)
    rng = random.Random(args.seed)
    held, train = split_heldout(len(docs), args.heldout, rng)
    parsed = parse_corpus(nlp, docs, args.docbin, args.tensors)
    data = {i: examples(doc, docs[i]["attributions"]) for i, doc in enumerate(parsed)}
    model = Perceptron()
    flat = [ex for i in train for ex in data[i]]
    for epoch in range(args.epochs):
        rng.shuffle(flat)
        for feats, gold in flat:
            model.update(feats, gold)
        print(f"epoch {epoch + 1} done", file=sys.stderr)
    model.average()
    pairs = [(model.score(feats) > model.threshold, gold) for i in held for feats, gold in data[i]]
    print(f"held-out cue heads (perceptron): {prf(pairs)} ({len(held)} docs); features {len(model.w)}")
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        json.dump(model.to_json(), fh, separators=(",", ":"))
    if args.dense_out:
        dense = train_dense([ex for i in sorted(train) for ex in examples(parsed[i], docs[i]["attributions"], True)],
                            seed=args.seed, epochs=args.dense_epochs, hidden=args.hidden, l2=args.l2,
                            log=lambda m: print(m, file=sys.stderr))
        pairs = []
        for i in sorted(held):
            exs = examples(parsed[i], docs[i]["attributions"], True)
            if exs:
                pairs += [(s > 0, g) for s, (_, _, g) in zip(dense.score_rows(exs), exs)]
        print(f"held-out cue heads (dense): {prf(pairs)}")
        with gzip.open(args.dense_out, "wt", encoding="utf-8") as fh:
            json.dump(dense.to_json(), fh, separators=(",", ":"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
