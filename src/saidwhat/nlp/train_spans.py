"""Train the content-span chooser (spans.py) on PolNeAR's train split (CPU, seeded). Never run in CI.

    python -m saidwhat.nlp.train_spans --train ../shared/polnear/train.jsonl \
        --out src/saidwhat/data/span_model.json.gz [--epochs 5] [--seed 0] [--heldout 0.1]
        [--docbin parsed.spacy]   # reuse a parse of the same file (spaCy DocBin, same order)

Each candidate cue token (a rule cue, "according", or a token the cue detector scores above
``--cue-floor``) is one example: its options are "none" and the content candidates of spans.py;
the right option is the candidate with the best token F1 against the gold content of the
attribution whose cue the token heads (at least 0.5), else "none". A ranking perceptron, averaged.
Prints the held-out slice's figures (content overlap and exact, per gold attribution).
"""
from __future__ import annotations

import gzip
import json
import random
import re
import sys
from collections import Counter

from .cuemodel import load_model
from .spans import SpanModel, cand_features, candidates, cue_tokens, none_features, quote_ranges

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


def gold_heads(doc, attributions) -> dict[int, set[int]]:
    """cue head token -> the word tokens of its gold content."""
    out = {}
    for a in attributions:
        cue, content = a.get("cue"), a.get("content")
        if not cue or not content:
            continue
        span = doc.char_span(cue["start"], cue["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        pieces = content.get("spans") or [(content["start"], content["end"])]
        out[span.root.i] = word_tokens(doc, pieces)
    return out


def examples(doc, attributions, cue_model, floor):
    """(token, candidates, index of the right one or -1 for none, gold word tokens, cue score) per cue token."""
    from .attribution import Attributor
    from .quotes import find_quotes
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
    from .train_cues import training_parser
    ap = training_parser(__doc__)
    ap.add_argument("--cue-floor", type=float, default=-8.0)
    ap.add_argument("--margin", type=float, default=0.0, help="a candidate must beat none by more than this")
    ap.add_argument("--cue-gate", type=float, default=None,
                    help="decide cue or not by the cue detector's score (> this) instead of the ranker's none")
    ap.add_argument("--min-lemma", type=int, default=3, help="cue lemmas seen fewer times count as rare")
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--docbin", default=None)
    ap.add_argument("--model", default=None, help="spaCy model (default: the configured one)")
    args = ap.parse_args(argv)

    from .train_cues import load_corpus
    nlp, docs = load_corpus(args.train, args.max_docs, args.model)
    if args.docbin:
        from spacy.tokens import DocBin
        parsed = list(DocBin().from_disk(args.docbin).get_docs(nlp.vocab))[: len(docs)]
    else:
        with nlp.select_pipes(disable=["saidwhat_attribution"]):
            parsed = list(nlp.pipe((d["text"] for d in docs), batch_size=16))
    rng = random.Random(args.seed)
    order = list(range(len(docs)))
    rng.shuffle(order)
    n_held = int(len(docs) * args.heldout)
    held, train = sorted(order[:n_held]), order[n_held:]
    cue_model = load_model()
    data = {}
    for i, doc in enumerate(parsed):
        data[i] = examples(doc, docs[i]["attributions"], cue_model, args.cue_floor)
        if (i + 1) % 100 == 0:
            print(f"candidates {i + 1}/{len(docs)}", file=sys.stderr)
    lemmas = Counter(t.lemma_.lower() for i in train for t, _, b, _, _ in data[i][0] if b >= 0)
    model = SpanModel(lemmas=[lm for lm, n in lemmas.items() if n >= args.min_lemma], cue_floor=args.cue_floor,
                      margin=args.margin, cue_gate=args.cue_gate)
    p = model.p
    flat = [ex for i in train for ex in data[i][0]]
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
    report(model, data, held, parsed)
    with gzip.open(args.out, "wt", encoding="utf-8") as fh:
        json.dump(model.to_json(), fh, separators=(",", ":"))
    print(f"wrote {args.out}: {len(p.w)} features, {len(model.lemmas)} cue lemmas")
    return 0


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
