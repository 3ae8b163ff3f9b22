"""Train the content-span chooser (spans.py) on PolNeAR's train split (CPU, seeded). Never run in CI.

    python -m saidwhat.train.spans --train ../shared/polnear/train.jsonl \
        --out src/saidwhat/data/span_model.json.gz [--epochs 5] [--seed 0] [--heldout 0.1]
        [--docbin parsed.spacy --tensors t.npz]   # reuse a parse of the same file (DocBin, same order)
        [--cue dense --cue-floor -3 --run-floor -2 --margin -4]   # what `make train` uses

Each candidate cue token (a rule cue, "according", or a token the cue detector scores above
``--cue-floor``; with ``--cue dense`` training documents get out-of-fold scores) is one example:
its options are "none" and the content candidates of spans.py; the right option is the candidate
with the best token F1 against the gold content of the attribution whose cue the token heads (at
least 0.5), else "none". A ranking perceptron, averaged.
Prints the held-out slice's figures (content overlap and exact, per gold attribution).
"""
from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections import Counter

from saidwhat.eval.polnear import split_heldout
from saidwhat.nlp.attribution import Attributor
from saidwhat.nlp.cuemodel import load_model
from saidwhat.nlp.densecue import load_dense
from saidwhat.nlp.densecue import train as train_dense
from saidwhat.nlp.quotes import find_quotes
from saidwhat.nlp.spans import SpanModel, cand_features, candidates, cue_tokens, none_features, quote_ranges
from saidwhat.train.cues import examples as cue_examples
from saidwhat.train.cues import load_corpus, parse_corpus, training_parser

_WORD = re.compile(r"\w")


def word_tokens(doc, pieces) -> set[int]:
    out = set()
    for s, e in pieces:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            out.update(t.i for t in span if _WORD.search(t.text))
    return out


def f1(a: set, b: set) -> float:
    c = len(a & b)
    if not c:
        return 0.0
    p, r = c / len(b), c / len(a)
    return 2 * p * r / (p + r)


def gold_cues(doc, attributions):
    """(attribution, its cue as a Span of ``doc``, its content pieces) for each gold attribution with
    a cue and a content that fall on tokens."""
    for a in attributions:
        cue, content = a.get("cue"), a.get("content")
        if not cue or not content:
            continue
        span = doc.char_span(cue["start"], cue["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        yield a, span, content.get("spans") or [(content["start"], content["end"])]


def gold_heads(doc, attributions) -> dict[int, set[int]]:
    """cue head token -> the word tokens of its gold content."""
    return {span.root.i: word_tokens(doc, pieces) for _a, span, pieces in gold_cues(doc, attributions)}


def examples(doc, attributions, cue_model, floor):
    """(token, candidates, index of the right one or -1 for none, gold word tokens, cue score) per cue token."""
    doc._.sw_quotes = find_quotes(doc.text)
    att = Attributor(doc)
    quotes = quote_ranges(doc, att.quotes)
    gold = gold_heads(doc, attributions)
    out = []
    for t, score in cue_tokens(att, cue_model, floor):
        cands = candidates(t, quotes)
        g = gold.get(t.i)
        best, best_f = -1, 0.5
        if g:
            for k, c in enumerate(cands):
                f = f1(g, {i for i in c.tokens() if _WORD.search(doc[i].text)})
                if f >= best_f:
                    best, best_f = k, f
        out.append((t, cands, best, g, score))
    return out, gold


def main(argv: list[str] | None = None) -> int:
    ap = training_parser(__doc__)
    ap.add_argument("--cue-floor", type=float, default=-8.0)
    ap.add_argument("--margin", type=float, default=0.0, help="a candidate must beat none by more than this")
    ap.add_argument("--cue-gate", type=float, default=None,
                    help="decide cue or not by the cue detector's score (> this) instead of the ranker's none")
    ap.add_argument("--min-lemma", type=int, default=3, help="cue lemmas seen fewer times count as rare")
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--docbin", default=None)
    ap.add_argument("--tensors", default=None, help="an .npz of the DocBin parse's doc.tensor arrays")
    ap.add_argument("--cue", choices=("dense", "perceptron"), default="dense",
                    help="the cue detector whose scores the ranker sees (dense: densecue.py)")
    ap.add_argument("--folds", type=int, default=4,
                    help="dense: training documents get out-of-fold cue scores from this many fold models")
    ap.add_argument("--run-floor", type=float, default=None,
                    help="the cue-score floor saved for run time (default: --cue-floor)")
    ap.add_argument("--dump", default=None, help="also pickle the featurised examples here (for experiments)")
    ap.add_argument("--dense-epochs", type=int, default=6)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--l2", type=float, default=1e-5)
    ap.add_argument("--model", default=None, help="spaCy model (default: the configured one)")
    args = ap.parse_args(argv)

    nlp, docs = load_corpus(args.train, args.max_docs, args.model)
    parsed = parse_corpus(nlp, docs, args.docbin, args.tensors)
    rng = random.Random(args.seed)
    held, train = split_heldout(len(docs), args.heldout, rng)
    cue_models = cue_scorers(args, parsed, docs, held, train)
    data = {}
    for i, doc in enumerate(parsed):
        data[i] = examples(doc, docs[i]["attributions"], cue_models[i], args.cue_floor)
        if (i + 1) % 100 == 0:
            print(f"candidates {i + 1}/{len(docs)}", file=sys.stderr)
    lemmas = Counter(t.lemma_.lower() for i in train for t, _, b, _, _ in data[i][0] if b >= 0)
    model = SpanModel(lemmas=[lm for lm, n in lemmas.items() if n >= args.min_lemma], cue_floor=args.cue_floor,
                      margin=args.margin, cue_gate=args.cue_gate, cue=args.cue)
    p = model.p
    flat = [ex for i in train for ex in data[i][0]]
    if args.dump:
        import pickle
        with open(args.dump, "wb") as fh:
            pickle.dump({"train": [featurise(model, ex) for ex in flat],
                         "held": [(featurise(model, ex), _words(parsed[i], ex), len(data[i][1])) for i in held
                                  for ex in data[i][0]], "n_gold": sum(len(data[i][1]) for i in held)}, fh)
    for epoch in range(args.epochs):
        rng.shuffle(flat)
        wrong = 0
        for t, cands, best, _, score in flat:
            if args.cue_gate is not None and best < 0:
                continue  # the gate decides cue or not; the ranker only learns spans
            k = model.known(t)
            feats = [none_features(t, k, score)] + [cand_features(t, c, k) for c in cands]
            if args.cue_gate is not None:
                feats[0] = []
            scores = [p.score(f) for f in feats]
            pred = max(range(len(scores)), key=lambda j: (scores[j], -j))
            p.tick()
            if pred != best + 1:
                wrong += 1
                p.add(feats[best + 1], 1.0)
                p.add(feats[pred], -1.0)
        print(f"epoch {epoch + 1}: {wrong}/{len(flat)} wrong", file=sys.stderr)
    p.average()
    return finish(args, model, data, held, parsed)


def featurise(model, ex) -> tuple[list[list[str]], int]:
    """(options: "none" then the candidates, as feature lists; the index of the right option)."""
    t, cands, best, _, score = ex
    k = model.known(t)
    return [none_features(t, k, score)] + [cand_features(t, c, k) for c in cands], best + 1


def _words(doc, ex):
    """(gold word tokens, word tokens of each candidate) of an example, for held-out figures."""
    return ex[3], [{j for j in c.tokens() if _WORD.search(doc[j].text)} for c in ex[1]]


def finish(args, model, data, held, parsed) -> int:
    p = model.p
    report(model, data, held, parsed)
    if args.run_floor is not None:
        model.cue_floor = args.run_floor
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        json.dump(model.to_json(), fh, separators=(",", ":"))
    print(f"wrote {args.out}: {len(p.w)} features, {len(model.lemmas)} cue lemmas")
    return 0


def cue_scorers(args, parsed, docs, held, train) -> dict:
    """The cue detector for each document. Perceptron: the shipped one. Dense: the shipped one for
    held-out documents (trained on the training documents by train_cues), and for each training
    document a model trained on the other folds, so that the ranker learns from honest scores."""
    if args.cue == "perceptron":
        m = load_model()
        return {i: m for i in range(len(parsed))}
    out = {i: load_dense() for i in held}
    ordered = sorted(train)
    exs = {i: cue_examples(parsed[i], docs[i]["attributions"], True) for i in ordered}
    for k in range(args.folds):
        fold = set(ordered[k::args.folds])
        m = train_dense([ex for i in ordered if i not in fold for ex in exs[i]], seed=args.seed + k,
                        epochs=args.dense_epochs, hidden=args.hidden, l2=args.l2)
        out.update({i: m for i in fold})
        print(f"cue fold {k + 1}/{args.folds} trained", file=sys.stderr)
    return out


def report(model, data, held, parsed) -> None:
    """Held-out figures per gold attribution (content overlap >= 0.5 and exact word tokens)."""
    c = Counter()
    for i in held:
        exs, gold = data[i]
        c["gold"] += len(gold)
        doc = parsed[i]
        for t, cands, best, g, score in exs:
            k = model.known(t)
            feats = [none_features(t, k, score)] + [cand_features(t, cc, k) for cc in cands]
            scores = [model.p.score(f) for f in feats]
            if model.cue_gate is not None:
                scores[0] = float("inf") if (score is not None and score <= model.cue_gate) else float("-inf")
            pred = max(range(len(scores)), key=lambda j: (scores[j], -j))
            c["oracle"] += best >= 0
            if g:
                c["oracle_ex"] += any({j for j in cc.tokens() if _WORD.search(doc[j].text)} == g for cc in cands)
            if pred == 0:
                continue
            c["pred"] += 1
            c["pred_on_gold_cue"] += bool(g)
            if g:
                toks = {j for j in cands[pred - 1].tokens() if _WORD.search(doc[j].text)}
                c["ov"] += f1(g, toks) >= 0.5
                c["ex"] += toks == g
    for name in ("ov", "ex"):
        pr = c[name] / c["pred"] if c["pred"] else 0
        rc = c[name] / c["gold"] if c["gold"] else 0
        print(f"held-out {name}: P={pr:.3f} R={rc:.3f} F1={2 * pr * rc / (pr + rc) if pr + rc else 0:.3f}")
    print(f"held-out oracle recall (a candidate with F1>=.5): {c['oracle'] / max(1, c['gold']):.3f}; "
          f"exact {c['oracle_ex'] / max(1, c['gold']):.3f}; gold {c['gold']}, predicted {c['pred']} "
          f"({c['pred_on_gold_cue']} on gold cues)")


if __name__ == "__main__":
    raise SystemExit(main())
