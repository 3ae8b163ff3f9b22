"""Train the event classifier (seeded, reproducible) and report cross-validated figures.

    python -m saidwhat.train.coder [--cv 5] [--out PATH] [--no-save] [--no-polnear]

Training data, and nothing else (PLOVER dev, ../shared/plover/dev.jsonl, is a test set: nothing here reads it;
score it with `saidwhat eval plover` once a model is trained):
- data/plover/train.jsonl: sentences of the 16 PLOVER types written for saidwhat from the codebook;
- data/plover/plain.jsonl: plain statements of position or assessment written for saidwhat, the NONE class
  (no event: CAMEO 01, which PLOVER drops);
- gold/plover_polnear/sentences.jsonl, split "train": real news sentences of PolNeAR train hand-labelled with
  PLOVER types or NONE (ids + offsets; the text is read from ../shared/polnear/train.jsonl at training time, never
  copied). Its split "tune" is held out of training and scored apart (real text, not trained on).

Printed: k-fold cross-validated figures over the training data (each fold predicted by a model that never saw
it: the types with every item coded, and the plain-statement decision), the tune figures of the saved model,
and the temperature and NONE threshold chosen on the out-of-fold scores. The saved model keeps, as its only
trace of the PolNeAR text, lemma features and short hashes of the training sentences.
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

from saidwhat.code.coder import ABSTAIN_P, NONE_P, _mode, cameo_code, decide
from saidwhat.code.features import Parsed, norm_text, parse_many
from saidwhat.code.lexicon import TYPES
from saidwhat.code.model import NONE, LogReg, VectorLogReg, softmax, split
from saidwhat.eval.plover import format_report, score

SEED = 13
L2 = 1e-5
EPOCHS = 400
DEV_WEIGHT = 1.0
KEEP_EVENTS = 0.98     # abstention keeps at least this share of the events (out of fold): a lost act is worse
                       # than a plain statement coded as an act
NONE_GRID = (1.01, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)
WEAK_GRID = (0.0, 0.3, 0.4, 0.5, 0.6)
POLNEAR_WEIGHT = 2.0   # a real PolNeAR sentence weighs as two own ones (out-of-fold on PolNeAR: 0.559 vs 0.551 at 1)
VECTOR_L2 = 1e-4
ALPHAS = (0.3, 0.5, 0.7)                 # the text-vector classifier's weight in the blend: the grid
UNSURES = (0.5, 0.7, 0.9, 1.01)         # the feature model's top probability under which it is asked: the grid
TIE = 0.005
ROOT = Path(__file__).resolve().parents[3]
POLNEAR_GOLD = ROOT / "gold" / "plover_polnear" / "sentences.jsonl"


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


def _packaged(name: str) -> list[dict]:
    text = resources.files("saidwhat").joinpath("data", "plover", name).read_text("utf-8")
    return [d for d in (json.loads(x) for x in text.splitlines() if x.strip()) if "text" in d]


def own_sentences() -> list[dict]:
    """The sentences of the 16 types written for saidwhat (data/plover/train.jsonl)."""
    return _packaged("train.jsonl")


def plain_sentences() -> list[dict]:
    """Plain statements of position or assessment written for saidwhat (data/plover/plain.jsonl), as NONE."""
    return [{**d, "event_type": NONE, "mode": None} for d in _packaged("plain.jsonl")]


def polnear_sentences(split: str, gold: Path = POLNEAR_GOLD, shared: Path | None = None) -> list[dict]:
    """The hand-labelled PolNeAR train sentences of ``split`` ("train" or "tune"), with their text read from
    ../shared/polnear/train.jsonl by offsets; negated events are left out (the coder never codes those).
    Empty, with a warning, when the gold or PolNeAR is missing."""
    src = (shared or shared_dir()) / "polnear" / "train.jsonl"
    if not gold.is_file() or not src.is_file():
        print(f"warning: no PolNeAR sentences ({gold if not gold.is_file() else src} missing)", file=sys.stderr)
        return []
    rows = [r for r in load_rows(gold) if r.get("split") == split and not r.get("negated")]
    want = {r["doc_id"] for r in rows}
    texts = {}
    with open(src, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["doc_id"] in want:
                texts[d["doc_id"]] = d["text"]
    out = []
    for r in rows:
        text = texts.get(r["doc_id"])
        if text is None:
            raise ValueError(f"{gold}: no article {r['doc_id']} in {src}")
        out.append({"id": f"{r['doc_id']}:{r['start']}", "text": norm_text(text[r["start"]:r["end"]]),
                    "event_type": r["event_type"], "mode": r.get("mode")})
    return out


def load_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


def training_sentences(polnear: bool = True) -> list[dict]:
    """Everything the shipped model trains on: own, plain, and (``polnear``) PolNeAR train sentences."""
    return own_sentences() + plain_sentences() + (polnear_sentences("train") if polnear else [])


def fit(parsed: list[Parsed], labels: list[str], weights=None, seed: int = SEED) -> LogReg:
    return LogReg.fit([p.feats for p in parsed], labels, l2=L2, epochs=EPOCHS, seed=seed, weights=weights)


def predict(m: LogReg, parsed: list[Parsed], abstain: bool = False, none_min: float = NONE_P,
            P: np.ndarray | None = None, weak_min: float = ABSTAIN_P) -> list[dict]:
    """Coded records through the coder's own decisions (decide, _mode); ``P``: the model's class probabilities
    (default: computed)."""
    types, none = split(m.proba([p.feats for p in parsed]) if P is None else P)
    out = []
    for j, (p, row) in enumerate(zip(parsed, types)):
        t, conf, _ = decide(p, row, None, abstain, float(none[j]), none_min, weak_min)
        mode = _mode(p, t) if t else None
        out.append({"event_type": t, "mode": mode, "cameo": cameo_code(p, t, mode) if t else None,
                    "confidence": round(conf, 4)})
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


def fit_temperature(logits: np.ndarray, labels: list[str], classes=TYPES) -> float:
    """The temperature that minimises the negative log-likelihood of out-of-fold predictions (grid search)."""
    y = np.array([list(classes).index(t) for t in labels])
    best, best_nll = 1.0, float("inf")
    for T in np.arange(0.5, 6.01, 0.1):
        Z = logits / T
        Z = Z - Z.max(1, keepdims=True)
        nll = float(-(Z[np.arange(len(y)), y] - np.log(np.exp(Z).sum(1))).mean())
        if nll < best_nll:
            best, best_nll = round(float(T), 2), nll
    return best


def fit_vectors(X: np.ndarray, labels: list[str], weights=None, seed: int = SEED) -> VectorLogReg:
    return VectorLogReg.fit(X, labels, l2=VECTOR_L2, epochs=EPOCHS, seed=seed, weights=weights)


def weights_of(items: list[dict]) -> list[float]:
    """Training weight per item: the real PolNeAR sentences count POLNEAR_WEIGHT times an own one."""
    return [POLNEAR_WEIGHT if is_polnear(d) else 1.0 for d in items]


def is_polnear(d: dict) -> bool:
    return ":" in str(d.get("id", ""))


def text_vectors(texts: list[str]) -> np.ndarray | None:
    """MiniLM vectors of the texts (tagger/text_vectors.py), or None without the MiniLM base."""
    from saidwhat.code.coder import text_vectors as vec
    return vec(texts)


class OutOfFold:
    """Out-of-fold class scores of both classifiers over ``items`` (each fold scored by models trained on the
    other folds, + ``fixed`` items in every training fold): ``feat`` (raw scores of the feature model) and
    ``vec`` (of the text-vector one; None without vectors), over ``classes``."""

    def __init__(self, items: list[dict], parsed: list[Parsed], X: np.ndarray | None, k: int = 5,
                 seed: int = SEED, fixed: tuple[list[dict], list[Parsed], np.ndarray | None] | None = None):
        labels = [d["event_type"] for d in items]
        fi, fp, fx = fixed or ([], [], None)
        fl_ = [d["event_type"] for d in fi]
        self.classes = TYPES + ((NONE,) if NONE in labels + fl_ else ())
        self.feat = np.zeros((len(items), len(self.classes)), dtype=np.float32)
        self.vec = None if X is None else np.zeros_like(self.feat)
        w, fw = weights_of(items), weights_of(fi)
        fl = folds(items, k, seed)
        for f in range(k):
            tr = [i for i in range(len(items)) if fl[i] != f]
            te = [i for i in range(len(items)) if fl[i] == f]
            ys, ws = fl_ + [labels[i] for i in tr], fw + [w[i] for i in tr]
            m = fit(fp + [parsed[i] for i in tr], ys, ws, seed)
            self._put(self.feat, te, m.classes, m.logits([parsed[i].feats for i in te]))
            if X is not None and self.vec is not None:
                Xtr = X[tr] if fx is None else np.concatenate([fx, X[tr]])
                v = fit_vectors(Xtr, ys, ws, seed)
                self._put(self.vec, te, v.classes, v.logits(X[te]))

    def _put(self, Z: np.ndarray, rows: list[int], classes, z: np.ndarray) -> None:
        for c, name in enumerate(classes):
            Z[rows, self.classes.index(name)] = z[:, c]
        missing = [c for c, name in enumerate(self.classes) if name not in classes]
        Z[np.ix_(rows, missing)] = -1e4

    def probs(self, t_feat: float, t_vec: float, alpha: float, unsure: float) -> np.ndarray:
        """Blended class probabilities, as coder.blend makes them."""
        P = softmax(self.feat / t_feat)
        if self.vec is None or alpha <= 0:
            return P
        use = split(P)[0].max(1) < unsure
        Pv = softmax(self.vec / t_vec)
        P[use] = (1 - alpha) * P[use] + alpha * Pv[use]
        return P


def cross_validate(gold: list[dict], k: int = 5, seed: int = SEED, train: list[dict] | None = None,
                   parsed_gold: list[Parsed] | None = None) -> list[dict]:
    """Predictions (every item coded) for every item of a labelled set from the shipped recipe retrained on the
    training sentences + the other folds of the set (`saidwhat eval plover --cv`: the set is then training
    data too)."""
    from saidwhat.code.coder import vector_model

    train = training_sentences() if train is None else train
    pt = parse_many([d["text"] for d in train])
    pg = parsed_gold or parse_many([d["text"] for d in gold])
    vm = vector_model()
    Xt = text_vectors([d["text"] for d in train]) if vm is not None else None
    Xg = text_vectors([d["text"] for d in gold]) if Xt is not None else None
    oof = OutOfFold(gold, pg, Xg, k, seed, (train, pt, Xt))
    P = oof.probs(LogReg.load().temperature, float(vm.meta.get("temperature", 1.0)) if vm else 1.0,
                  vm.alpha if vm and Xg is not None else 0.0, vm.unsure if vm else 1.0)
    return [{"id": g["id"], **p} for g, p in zip(gold, predict(None, pg, P=P))]  # type: ignore[arg-type]


def choose_abstention(parsed: list[Parsed], labels: list[str], P: np.ndarray) -> tuple[float, float, list[str]]:
    """The two thresholds of the coder's abstention (decide with abstain=True: NONE's probability ``none_p``, the
    best type's ``weak_p``), over out-of-fold probabilities ``P``: the pair that drops the most plain statements
    while keeping at least KEEP_EVENTS of the events; and the grid as lines."""
    ev = [i for i, y in enumerate(labels) if y != NONE]
    no = [i for i, y in enumerate(labels) if y == NONE]
    if not ev or not no:
        return NONE_P, ABSTAIN_P, []
    best, lines = (1.01, 0.0, -1.0), []
    for weak in WEAK_GRID:
        for th in NONE_GRID:
            preds = predict(None, parsed, True, th, P, weak)  # type: ignore[arg-type]
            kept = sum(preds[i]["event_type"] is not None for i in ev) / len(ev)
            dropped = sum(preds[i]["event_type"] is None for i in no) / len(no)
            lines.append(f"  weak_p {weak:.2f} none_p {th:.2f}: events kept {kept:.3f}, plain statements dropped "
                         f"{dropped:.3f}")
            if kept >= KEEP_EVENTS and dropped > best[2] + 1e-9:
                best = (th, weak, dropped)
    return best[0], best[1], lines


def _events(items: list[dict], preds: list[dict]) -> tuple[list[dict], list[dict]]:
    keep = [i for i, d in enumerate(items) if d["event_type"] != NONE]
    return [items[i] for i in keep], [{"id": items[i]["id"], **preds[i]} for i in keep]


def _figures(items: list[dict], parsed: list[Parsed], P: np.ndarray, which) -> dict:
    idx = [i for i, d in enumerate(items) if which(d)]
    g, pr = _events([items[i] for i in idx], predict(None, [parsed[i] for i in idx], P=P[idx]))  # type: ignore
    return score(g, pr) if g else {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m saidwhat.train.coder", description=__doc__.split("\n")[0])
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--out-dir", default=str(Path(__file__).resolve().parents[1] / "data" / "plover"))
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--no-polnear", action="store_true", help="Leave the PolNeAR sentences out of training.")
    ap.add_argument("--no-vectors", action="store_true", help="The feature model alone (no MiniLM classifier).")
    a = ap.parse_args(argv)
    np.random.seed(SEED)

    items = training_sentences(polnear=not a.no_polnear)
    for d in items:
        d.setdefault("id", text_hash(d["text"]))
    labels = [d["event_type"] for d in items]
    parsed = parse_many([d["text"] for d in items])
    X = None if a.no_vectors else text_vectors([d["text"] for d in items])
    if X is None and not a.no_vectors:
        print("warning: the MiniLM base is not installed: training the feature model alone", file=sys.stderr)
    n_pol = sum(map(is_polnear, items))
    meta = {"seed": SEED, "l2": L2, "epochs": EPOCHS, "own_sentences": len(items) - n_pol,
            "polnear_sentences": n_pol, "polnear_weight": POLNEAR_WEIGHT, "dev_sentences": 0,
            "attribution": "Trained on saidwhat's own sentences and hand-labelled PolNeAR train sentences; features "
                           "from the PETRARCH2 CAMEO verb dictionary (MIT) and the PLOVER CAMEO correspondence "
                           "(CC BY-SA 4.0, Open Event Data Alliance). Never trained on PLOVER dev."}
    vmeta: dict = {"base": "minilm", "l2": VECTOR_L2}
    if a.cv > 1:
        oof = OutOfFold(items, parsed, X, a.cv, SEED)
        meta["temperature"] = fit_temperature(oof.feat, labels, oof.classes)
        if oof.vec is not None:
            vmeta["temperature"] = fit_temperature(oof.vec, labels, oof.classes)
        print(f"calibration (out-of-fold NLL minimum): temperature {meta['temperature']} (features), "
              f"{vmeta.get('temperature', '-')} (vectors)")
        best = (0.0, 1.0, -1.0)
        if oof.vec is not None:
            print("blend grid, out-of-fold macro-F1 on the PolNeAR / own training sentences with an event:")
            grid = []
            for alpha in ALPHAS:
                for unsure in UNSURES:
                    P = oof.probs(meta["temperature"], vmeta["temperature"], alpha, unsure)
                    pol = _figures(items, parsed, P, is_polnear).get("macro_f1", 0.0)
                    own = _figures(items, parsed, P, lambda d: not is_polnear(d)).get("macro_f1", 0.0)
                    used = float((split(softmax(oof.feat / meta["temperature"]))[0].max(1) < unsure).mean())
                    print(f"  alpha {alpha:.1f} unsure {unsure:.2f} (encoded {used:.2f}): {pol:.3f} / {own:.3f}")
                    grid.append((alpha, unsure, pol, own, used))
            top = max(g[2] for g in grid)
            # within TIE of the best: the fewest statements encoded (the encoder's cost), then the best on own ones
            alpha, unsure, pol, _, _ = max((g for g in grid if g[2] >= top - TIE), key=lambda g: (-g[4], g[3], g[2]))
            best = (alpha, unsure, pol)
            vmeta["alpha"], vmeta["unsure"] = best[0], best[1]
            print(f"chosen (best on the PolNeAR training sentences, out of fold; within {TIE} of it the fewest "
                  f"encoded, then the best on the own ones): alpha {best[0]} unsure {best[1]}")
        P = oof.probs(meta["temperature"], vmeta.get("temperature", 1.0), best[0], best[1])
        meta["none_p"], meta["weak_p"], grid = choose_abstention(parsed, labels, P)
        print(f"abstention (out of fold, the most plain statements dropped keeping {KEEP_EVENTS} of events): "
              f"none_p {meta['none_p']}, weak_p {meta['weak_p']}")
        print("\n".join(grid))
        meta["cv"] = {"k": a.cv}
        for name, which in (("all", lambda d: True), ("own", lambda d: not is_polnear(d)), ("polnear", is_polnear)):
            res = _figures(items, parsed, P, which)
            if not res:
                continue
            print(format_report(res, f"{a.cv}-fold cross-validation, {name} training sentences with an event "
                                     f"({res['n_gold'] if 'n_gold' in res else ''}; every item coded)"))
            meta["cv"][name] = {"accuracy": res["accuracy"], "macro_f1": res["macro_f1"],
                                "mode_joint_accuracy": res["mode_joint_accuracy"]}
    if not a.no_save:
        out = Path(a.out_dir)
        w = weights_of(items)
        m = fit(parsed, labels, w)
        m.meta = meta
        meta["trained_hashes"] = sorted({text_hash(d["text"]) for d in items if is_polnear(d)})
        vm = None
        if X is not None:
            vm = fit_vectors(X, labels, w)
            vm.meta = vmeta
        tune = polnear_sentences("tune")
        if tune:
            _report_tune(tune, m, vm, meta)
        m.save(out / "model.json")
        print(f"\nsaved {out / 'model.json'} ({(out / 'model.json').stat().st_size // 1024} KiB, "
              f"{len(m.vocab)} features)")
        vpath = out / VectorLogReg.FILE
        if vm is not None:
            vm.save(vpath)
            print(f"saved {vpath} ({vpath.stat().st_size // 1024} KiB)")
        elif vpath.exists():
            vpath.unlink()
            print(f"removed {vpath} (trained without vectors)")
    return 0


def _report_tune(tune: list[dict], m: LogReg, vm: VectorLogReg | None, meta: dict) -> None:
    """Figures of the trained models on the held-out PolNeAR tune sentences (real text, not trained on)."""
    from saidwhat.code.coder import blend

    pt = parse_many([d["text"] for d in tune])
    P = blend(m.proba([p.feats for p in pt]), [d["text"] for d in tune], vm, text_vectors)
    g, pr = _events(tune, predict(m, pt, P=P))
    res = score(g, pr)
    print(format_report(res, f"tune: held-out PolNeAR sentences with an event ({len(g)}; every item coded)"))
    ab = predict(m, pt, True, float(meta.get("none_p", NONE_P)), P=P, weak_min=float(meta.get("weak_p", ABSTAIN_P)))
    n_no = [i for i, d in enumerate(tune) if d["event_type"] == NONE]
    n_ev = [i for i, d in enumerate(tune) if d["event_type"] != NONE]
    kept = sum(ab[i]["event_type"] is not None for i in n_ev) / max(len(n_ev), 1)
    dropped = sum(ab[i]["event_type"] is None for i in n_no) / max(len(n_no), 1)
    print(f"tune, abstaining as the pipeline does: events kept {kept:.3f} ({len(n_ev)}), "
          f"plain statements dropped {dropped:.3f} ({len(n_no)})")
    meta["tune"] = {"n": len(g), "accuracy": res["accuracy"], "macro_f1": res["macro_f1"],
                    "mode_joint_accuracy": res["mode_joint_accuracy"], "events_kept": round(kept, 4),
                    "plain_dropped": round(dropped, 4)}


if __name__ == "__main__":
    sys.exit(main())
