"""Train the event classifier (seeded, reproducible) and report cross-validated figures.

    python -m saidwhat.train.coder [--dev ../shared/plover/dev.jsonl] [--cv 5] [--out PATH] [--no-save]

Training data: saidwhat's own sentences (data/plover/train.jsonl) plus the PLOVER dev sentences read
at run time from ../shared (never copied into the package). The figures printed are k-fold
cross-validated over the dev sentences: each fold is predicted by a model that never saw it.
The saved model keeps, as its only trace of the dev data, the lemma features and short hashes of the
training sentences (so `saidwhat eval plover` can warn when it scores sentences it was trained on).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from importlib import resources
from pathlib import Path

import numpy as np

from saidwhat.code.coder import _mode, decide
from saidwhat.code.features import Parsed, norm_text, parse_many
from saidwhat.code.lexicon import TYPES, cameo_for
from saidwhat.code.model import LogReg
from saidwhat.eval.plover import format_report, score

SEED = 13
L2 = 1e-5
EPOCHS = 400
DEV_WEIGHT = 1.0


def shared_dir() -> Path:
    return Path(__file__).resolve().parents[4] / "shared"


def text_hash(text: str) -> str:
    return hashlib.sha1(norm_text(text).lower().encode()).hexdigest()[:12]


def load_jsonl(path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                if "text" in d:
                    out.append(d)
    return out


def own_sentences() -> list[dict]:
    text = resources.files("saidwhat").joinpath("data", "plover", "train.jsonl").read_text("utf-8")
    return [d for d in (json.loads(x) for x in text.splitlines() if x.strip()) if "text" in d]


def fit(parsed: list[Parsed], labels: list[str], weights=None, seed: int = SEED) -> LogReg:
    return LogReg.fit([p.feats for p in parsed], labels, l2=L2, epochs=EPOCHS, seed=seed, weights=weights)


def predict(m: LogReg, parsed: list[Parsed]) -> list[dict]:

    P = m.proba([p.feats for p in parsed])
    out = []
    for p, row in zip(parsed, P):
        t, conf, _ = decide(p, row)
        mode = _mode(p, t)
        out.append({"event_type": t, "mode": mode, "cameo": cameo_for(t, mode), "confidence": round(conf, 4)})
    return out


def folds(items: list[dict], k: int, seed: int = SEED) -> list[int]:
    """Stratified fold number per item."""
    rng = random.Random(seed)
    fold = [0] * len(items)
    by: dict[str, list[int]] = {}
    for i, d in enumerate(items):
        by.setdefault(d["event_type"], []).append(i)
    start = 0
    for t in sorted(by):
        idx = by[t]
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            fold[i] = (start + j) % k
        start += len(idx)
    return fold


def fit_temperature(logits: np.ndarray, labels: list[str]) -> float:
    """The temperature that minimises the negative log-likelihood of out-of-fold predictions (grid search)."""
    y = np.array([TYPES.index(t) for t in labels])
    best, best_nll = 1.0, float("inf")
    for T in np.arange(0.5, 6.01, 0.1):
        Z = logits / T
        Z = Z - Z.max(1, keepdims=True)
        nll = float(-(Z[np.arange(len(y)), y] - np.log(np.exp(Z).sum(1))).mean())
        if nll < best_nll:
            best, best_nll = round(float(T), 2), nll
    return best


def cross_validate(dev: list[dict], k: int = 5, seed: int = SEED, own: list[dict] | None = None,
                   parsed_dev: list[Parsed] | None = None, logits_out: np.ndarray | None = None) -> list[dict]:
    """Predictions for every dev item from models trained on own sentences + the other folds
    (``logits_out``, if given, receives each item's out-of-fold raw scores)."""
    own = own_sentences() if own is None else own
    po = parse_many([d["text"] for d in own])
    pd = parsed_dev or parse_many([d["text"] for d in dev])
    fl = folds(dev, k, seed)
    preds: list[dict | None] = [None] * len(dev)
    for f in range(k):
        tr = [i for i in range(len(dev)) if fl[i] != f]
        te = [i for i in range(len(dev)) if fl[i] == f]
        m = fit(po + [pd[i] for i in tr], [d["event_type"] for d in own] + [dev[i]["event_type"] for i in tr],
                [1.0] * len(own) + [DEV_WEIGHT] * len(tr), seed)
        if logits_out is not None:
            logits_out[te] = m.logits([pd[i].feats for i in te])
        for i, p in zip(te, predict(m, [pd[i] for i in te])):
            preds[i] = {"id": dev[i]["id"], **p}
    return preds  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m saidwhat.train.coder", description=__doc__.split("\n")[0])
    ap.add_argument("--dev", default=str(shared_dir() / "plover" / "dev.jsonl"))
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "data" / "plover" / "model.json"))
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args(argv)
    np.random.seed(SEED)

    own = own_sentences()
    dev = load_jsonl(a.dev) if Path(a.dev).is_file() else []
    if not dev:
        print(f"warning: no dev file at {a.dev}; training on own sentences only", file=sys.stderr)
    pd = parse_many([d["text"] for d in dev]) if dev else []
    meta = {"seed": SEED, "l2": L2, "epochs": EPOCHS, "own_sentences": len(own), "dev_sentences": len(dev),
            "attribution": "Features learned in part from the PLOVER GSR example sentences (openeventdata/PLOVER, "
                           "CC BY-SA 4.0, Open Event Data Alliance; sentences from the CAMEO 1.1b3 manual)."}
    if dev and a.cv > 1:
        oof = np.zeros((len(dev), len(TYPES)), dtype=np.float32)
        preds = cross_validate(dev, a.cv, SEED, own, pd, oof)
        meta["temperature"] = fit_temperature(oof, [d["event_type"] for d in dev])
        print(f"calibration: temperature {meta['temperature']} (out-of-fold NLL minimum)")
        res = score(dev, preds)
        print(format_report(res, f"{a.cv}-fold cross-validation over {len(dev)} dev sentences "
                                 f"(+{len(own)} own sentences in every training fold)"))
        meta["cv"] = {"k": a.cv, "accuracy": res["accuracy"], "macro_f1": res["macro_f1"],
                      "mode_joint_accuracy": res["mode_joint_accuracy"]}
    if not a.no_save:
        po = parse_many([d["text"] for d in own])
        m = fit(po + pd, [d["event_type"] for d in own] + [d["event_type"] for d in dev])
        meta["trained_hashes"] = sorted(text_hash(d["text"]) for d in dev)
        m.meta = meta
        m.save(Path(a.out))
        print(f"\nsaved {a.out} ({Path(a.out).stat().st_size // 1024} KiB, {len(m.vocab)} features)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
