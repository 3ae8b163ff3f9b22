"""Train the target model (resolve/targets.py) on hand-annotated real news.

    python -m saidwhat.train.targets [--gold GOLD.jsonl@POLNEAR.jsonl[:split]] ... [--seeds]
        [--folds 5] [--no-vectors] [--out FILE] [--cache FILE]

Both shipped models: ``python -m saidwhat.train.targets --seeds`` (data/target_model.json, with the
phrase vectors) and ``… --seeds --no-vectors`` (data/target_model_named.json, for the rules extractor).

Defaults: gold/polnear_targets_train/targets.jsonl over ../shared/polnear/train.jsonl (annotated for
training), the ``tune`` split of gold/polnear_targets/targets.jsonl over ../shared/polnear/dev.jsonl
(never its lockbox), and with ``--seeds`` the five sample articles' gold (country targets).

Every document is run through the extractor of the current settings (the default ``fast``); each
statement that pairs with a gold attribution (the scorers' token pairing) gives one row per actor its
target phrases name (``target_candidates``), labelled 1 when that actor is one of the gold targets.
A logistic regression (L2, full-batch gradient descent in numpy, no standardisation: the features are
0/1 or small) over the named features (resolve/targets.py) and the context and phrase vectors
(tagger/text_vectors.py; ``--no-vectors``: without them) is fitted; ``--folds`` cross-validates it with the
documents split into folds, and the threshold is the one that maximises the cross-validated F1 of
target items (missed and spurious targets weigh the same); the model file records it with the
training counts and the cross-validated target-set accuracy over statements whose gold has a target
(the shared scorer's measure) and over those whose gold has none.
"""
from __future__ import annotations

import argparse
import json
import pickle
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from saidwhat.resolve.targets import MODEL, MODEL_NAMED, TargetModel, addressee_of_request

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_GOLD = [f"{ROOT / 'gold/polnear_targets_train/targets.jsonl'}@{ROOT.parent / 'shared/polnear/train.jsonl'}:train",
                f"{ROOT / 'gold/polnear_targets/targets.jsonl'}@{ROOT.parent / 'shared/polnear/dev.jsonl'}:tune"]
SEEDS = ROOT.parent / "shared" / "gold" / "seeds.statements.jsonl"


def _documents(spec: str):
    """(doc key, Document, gold rows in the target-gold format) of one ``GOLD@POLNEAR[:split]``."""
    from saidwhat.models import Document
    gold_path, _, rest = spec.partition("@")
    polnear, _, split = rest.partition(":")
    if split == "lockbox":
        raise SystemExit("the lockbox is never trained on")
    rows = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]
    rows = [r for r in rows if not split or r.get("split") == split]
    if any(r.get("split") == "lockbox" for r in rows):
        raise SystemExit("the lockbox is never trained on: name a split (…:tune)")
    by_doc = defaultdict(list)
    for r in rows:
        by_doc[r["doc_id"]].append(r)
    with open(polnear, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if d["doc_id"] in by_doc:
                yield (f"polnear:{d['doc_id']}",
                       Document(id=d["doc_id"], source=d["doc_id"], text=d["text"], published=d.get("date") or None),
                       by_doc[d["doc_id"]])


def _seed_documents():
    from saidwhat.config import Settings
    from saidwhat.sources import read_document
    gold = [json.loads(line) for line in open(SEEDS, encoding="utf-8") if line.strip()]
    by_doc = defaultdict(list)
    for g in gold:
        by_doc[g["doc"]].append(g)
    base = SEEDS.parent.parent / "corpus" / "seeds"
    for name, rows in sorted(by_doc.items()):
        doc = read_document(str(base / name), Settings())
        yield f"seeds:{name}", doc, rows


def examples(specs: list[str], seeds: bool, cache: Path | None = None) -> list[dict]:
    """One dict per paired statement: ``doc``, ``rows`` (feature dicts), ``labels``, ``gold_n``."""
    if cache is not None and cache.exists():
        with open(cache, "rb") as f:
            return pickle.load(f)
    from saidwhat.actors import actor_index
    from saidwhat.config import Settings
    from saidwhat.eval.statements import pair_tokens, tokens
    from saidwhat.eval.targets import _content, item_matches, predicted_items
    from saidwhat.pipeline import load_nlp, parse_text, prepare, quote_spans
    from saidwhat.resolve.build import build_statements

    nlp = load_nlp(Settings())
    ix = actor_index()
    sources = [d for spec in specs for d in _documents(spec)]
    if seeds:
        sources += list(_seed_documents())
    out = []
    for key, document, rows in sources:
        prepare(document)
        doc = nlp(parse_text(document))
        trace: list = []
        build_statements(doc._.sw_candidates or [], doc._.sw_mentions or [], document, quote_spans(doc), trace=trace)
        seed = key.startswith("seeds:")
        gtoks = [tokens(r["quote"] if seed else _content(document.text, r)) for r in rows]
        g2p = pair_tokens(gtoks, [tokens(s.quote) for s, _ in trace])
        for gi, pi in g2p.items():
            g = rows[gi]
            if seed and g.get("optional"):
                continue
            _, cands = trace[pi]
            labels = []
            for tc in cands:
                if seed:
                    labels.append(int(bool(tc.ref.iso3) and tc.ref.iso3.upper() in {t.upper() for t in g.get("targets") or []}))
                else:
                    items = predicted_items({"target_actors": [tc.ref.id], "targets": []}, ix)
                    labels.append(int(any(item_matches(p, t) for p in items for t in g.get("targets") or [])))
            gold_n = len(g.get("targets") or [])
            out.append({"doc": key, "rows": [tc.x for tc in cands], "labels": labels, "gold_n": gold_n,
                        "phrases": [tc.phrase(document.text) for tc in cands]})
        print(f"{key}: {len(rows)} gold, {len(trace)} statements, {len(g2p)} paired", flush=True)
    if cache is not None:
        with open(cache, "wb") as f:
            pickle.dump(out, f)
    return out


def _matrix(exs: list[dict], names: list[str]):
    col = {n: i for i, n in enumerate(names)}
    xs, ys = [], []
    for e in exs:
        for x, y in zip(e["rows"], e["labels"]):
            v = np.zeros(len(names))
            for k, val in x.items():
                if k in col:
                    v[col[k]] = val
            xs.append(v)
            ys.append(y)
    return (np.array(xs) if xs else np.zeros((0, len(names)))), np.array(ys, dtype=float)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.3, steps: int = 3000, lr: float = 0.5) -> np.ndarray:
    w = np.zeros(x.shape[1])
    n = max(1, len(y))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) / n + l2 * w / n
        w -= lr * grad
    return w


def set_accuracy(exs: list[dict], probs: list[list[float]], threshold: float) -> dict:
    """Target-set accuracy over paired statements, over those whose gold has a target (the shared
    scorer's ``target_acc``) and those whose gold has none, their mean (``balanced``), and item
    P/R/F1. A statement is right when the chosen actors are exactly the gold ones."""
    ok = {True: 0, False: 0}
    n = {True: 0, False: 0}
    tp = pred = gold = 0
    for e, ps in zip(exs, probs):
        chosen = [y for y, p in zip(e["labels"], ps) if p >= threshold]
        hits = sum(chosen)
        has = e["gold_n"] > 0
        n[has] += 1
        ok[has] += hits == e["gold_n"] and len(chosen) == hits
        tp += hits
        pred += len(chosen)
        gold += e["gold_n"]
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    acc = {k: ok[k] / n[k] if n[k] else 0.0 for k in (True, False)}
    return {"set_acc": round((ok[True] + ok[False]) / max(1, n[True] + n[False]), 3),
            "with_target": round(acc[True], 3), "without_target": round(acc[False], 3),
            "balanced": round((acc[True] + acc[False]) / 2, 3),
            "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def _vectors(exs: list[dict]) -> np.ndarray:
    from saidwhat.tagger.text_vectors import phrase_encoder
    items = [p for e in exs for p in e["phrases"]]
    if not items:
        return np.zeros((0, 768), dtype=np.float32)
    ctx, phr = phrase_encoder().vectors(items)
    return np.hstack([ctx, phr])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", action="append", help="GOLD.jsonl@POLNEAR.jsonl[:split] (repeatable)")
    ap.add_argument("--seeds", action="store_true", help="also the five sample articles' gold")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--l2", type=float, default=0.3)
    ap.add_argument("--no-vectors", action="store_true", help="the named features only (no encoder)")
    ap.add_argument("--out", type=Path, help=f"default {MODEL.name}, with --no-vectors {MODEL_NAMED.name}")
    ap.add_argument("--cache", type=Path)
    a = ap.parse_args(argv)
    specs = a.gold or DEFAULT_GOLD
    out = a.out or (MODEL_NAMED if a.no_vectors else MODEL)
    exs = examples(specs, a.seeds, a.cache)
    names = sorted({k for e in exs for x in e["rows"] for k in x})
    x, y = _matrix(exs, names)
    if not a.no_vectors:
        x = np.hstack([x, _vectors(exs)])
    docs = sorted({e["doc"] for e in exs})
    random.Random(34).shuffle(docs)
    fold_of = {d: i % a.folds for i, d in enumerate(docs)}
    row_fold = np.array([fold_of[e["doc"]] for e in exs for _ in e["rows"]])
    probs = np.zeros(len(y))
    for f in range(a.folds):
        train = row_fold != f
        w = fit(x[train], y[train], l2=a.l2)
        probs[~train] = 1 / (1 + np.exp(-np.clip(x[~train] @ w, -30, 30)))
    cv_probs, k = [], 0
    for e in exs:
        # the addressees of requests are targets whatever the model says (resolve/targets.py)
        cv_probs.append([1.0 if addressee_of_request(r) else float(p)
                         for r, p in zip(e["rows"], probs[k:k + len(e["rows"])])])
        k += len(e["rows"])
    grid = [round(t, 2) for t in np.arange(0.1, 0.81, 0.05)]
    scored = {t: set_accuracy(exs, cv_probs, t) for t in grid}
    best = max(grid, key=lambda t: (scored[t]["f1"], scored[t]["balanced"]))
    none = set_accuracy(exs, [[0.0] * len(e["rows"]) for e in exs], 0.5)
    w = fit(x, y, l2=a.l2)
    meta = {"trained_on": [Path(s.partition("@")[0]).parent.name + (":" + s.rpartition(":")[2] if ":" in s.rpartition("@")[2] else "")
                           for s in specs] + (["seeds"] if a.seeds else []),
            "documents": len(docs), "statements": len(exs), "rows": int(len(y)), "positives": int(y.sum()),
            "gold_targets": sum(e["gold_n"] for e in exs), "folds": a.folds, "l2": a.l2,
            "vectors": not a.no_vectors, "cv_at_threshold": scored[best], "cv_no_targets": none}
    n = len(names)
    model = TargetModel({nm: round(float(v), 4) for nm, v in zip(names, w[:n])}, best, meta,
                        context=None if a.no_vectors else list(w[n:n + 384]),
                        phrase=None if a.no_vectors else list(w[n + 384:]))
    model.save(out)
    print(json.dumps(meta, indent=1))
    for t in grid:
        print(t, scored[t])


if __name__ == "__main__":
    main()
