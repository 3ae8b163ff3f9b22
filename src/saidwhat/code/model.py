"""A small multinomial logistic regression in numpy (no extra dependency), saved as JSON. Its classes are the 16
PLOVER types, and ``NONE`` (a plain statement of position or assessment, no event) when it was trained with such
sentences."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np

from saidwhat.code.lexicon import TYPES

NONE = "NONE"


def softmax_fit(X: np.ndarray, y: list[int], classes: int, l2: float, epochs: int, lr: float, seed: int,
                weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Weights (d, classes) and biases of a softmax regression on the rows of ``X``: full-batch Adam, L2, every
    class weighing the same in the loss, ``weights`` per row; seeded, so reproducible."""
    y_ = np.asarray(y)
    Y = np.eye(classes, dtype=np.float32)[y_]
    sw = np.asarray(weights if weights is not None else np.ones(len(y_)), dtype=np.float32)[:, None]
    cw = Y.sum(0)
    cw = np.where(cw > 0, len(y_) / (classes * np.maximum(cw, 1)), 0.0)
    sw = sw * (Y @ cw)[:, None]
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 0.01, (X.shape[1], classes)).astype(np.float32)
    b = np.zeros(classes, dtype=np.float32)
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    b1, b2, eps = 0.9, 0.999, 1e-8
    n = len(y_)
    for step in range(1, epochs + 1):
        Z = X @ W + b
        Z -= Z.max(1, keepdims=True)
        P = np.exp(Z)
        P /= P.sum(1, keepdims=True)
        G = (P - Y) * sw / n
        gW = X.T @ G + l2 * W
        gb = G.sum(0)
        mW = b1 * mW + (1 - b1) * gW
        vW = b2 * vW + (1 - b2) * gW * gW
        mb = b1 * mb + (1 - b1) * gb
        vb = b2 * vb + (1 - b2) * gb * gb
        a = lr * np.sqrt(1 - b2 ** step) / (1 - b1 ** step)
        W -= a * mW / (np.sqrt(vW) + eps) * 0.1
        b -= a * mb / (np.sqrt(vb) + eps) * 0.1
    return W, b


def softmax(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.max(1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(1, keepdims=True)


def split(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the 16 type probabilities renormalised without NONE, NONE's probability) of class probabilities."""
    k = len(TYPES)
    types = P[:, :k]
    none = P[:, k] if P.shape[1] > k else np.zeros(len(P), dtype=P.dtype)
    return types / np.maximum(types.sum(1, keepdims=True), 1e-12), none


class LogReg:
    def __init__(self, vocab: dict[str, int], W: np.ndarray, b: np.ndarray, classes=TYPES, meta=None):
        self.vocab, self.W, self.b, self.classes = vocab, W, b, tuple(classes)
        self.meta = dict(meta or {})

    # vectorising ----------------------------------------------------------------------------------
    @staticmethod
    def matrix(feats: list[dict[str, float]], vocab: dict[str, int]) -> np.ndarray:
        X = np.zeros((len(feats), len(vocab)), dtype=np.float32)
        for i, f in enumerate(feats):
            for k, v in f.items():
                j = vocab.get(k)
                if j is not None:
                    X[i, j] = v
        n = np.linalg.norm(X, axis=1, keepdims=True)
        return X / np.maximum(n, 1e-9)

    @classmethod
    def fit(cls, feats: list[dict[str, float]], labels: list[str], l2: float = 1e-3, epochs: int = 400,
            lr: float = 0.5, seed: int = 13, min_count: int = 1, weights: list[float] | None = None) -> LogReg:
        classes = TYPES + ((NONE,) if NONE in labels else ())
        counts: dict[str, int] = {}
        for f in feats:
            for k in f:
                counts[k] = counts.get(k, 0) + 1
        keys = sorted(k for k, c in counts.items() if c >= min_count or k.startswith(("r:", "rt:", "c:")))
        vocab = {k: i for i, k in enumerate(keys)}
        X = cls.matrix(feats, vocab)
        W, b = softmax_fit(X, [classes.index(t) for t in labels], len(classes), l2, epochs, lr, seed, weights)
        return cls(vocab, W, b, classes)

    @property
    def temperature(self) -> float:
        """Divides the logits: fitted on out-of-fold predictions by train.py (the raw model is overconfident)."""
        return float(self.meta.get("temperature", 1.0))

    def proba(self, feats: list[dict[str, float]], temperature: float | None = None) -> np.ndarray:
        """Class probabilities, calibrated by ``temperature`` (default: the model's own)."""
        return softmax(self.logits(feats) / (self.temperature if temperature is None else temperature))

    def logits(self, feats: list[dict[str, float]]) -> np.ndarray:
        """Raw scores; sparse rows (same result as ``matrix(feats) @ W + b``, far faster)."""
        Z = np.tile(self.b, (len(feats), 1)).astype(np.float32)
        for i, f in enumerate(feats):
            idx, vals = [], []
            for k, v in f.items():
                j = self.vocab.get(k)
                if j is not None:
                    idx.append(j)
                    vals.append(v)
            if idx:
                x = np.asarray(vals, dtype=np.float32)
                x /= max(float(np.linalg.norm(x)), 1e-9)
                Z[i] += x @ self.W[idx]
        return Z

    # persistence ------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        keep = np.abs(self.W).max(1) > 1e-3
        keys = [k for k, i in sorted(self.vocab.items(), key=lambda kv: kv[1]) if keep[i]]
        W = self.W[keep]
        data = {"meta": self.meta, "classes": list(self.classes), "features": keys,
                "W": [[round(float(x), 4) for x in row] for row in W], "b": [round(float(x), 4) for x in self.b]}
        Path(path).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> LogReg:
        if path is None:
            text = resources.files("saidwhat").joinpath("data", "plover", "model.json").read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        d = json.loads(text)
        vocab = {k: i for i, k in enumerate(d["features"])}
        return cls(vocab, np.array(d["W"], dtype=np.float32), np.array(d["b"], dtype=np.float32),
                   d["classes"], d.get("meta"))


class VectorLogReg:
    """Softmax regression over a statement's text vector (tagger/text_vectors.py: MiniLM, 384 wide), with the
    same classes as the feature model; its probabilities are blended with the feature model's where that
    one is unsure (coder.code_many). ``meta``: ``alpha`` (its weight in the blend), ``unsure`` (the feature
    model's top type probability under which it is asked), ``temperature``."""

    FILE = "vector_model.json"

    def __init__(self, W: np.ndarray, b: np.ndarray, classes, meta=None):
        self.W, self.b, self.classes = W, b, tuple(classes)
        self.meta = dict(meta or {})

    @classmethod
    def fit(cls, X: np.ndarray, labels: list[str], l2: float = 1e-4, epochs: int = 400, lr: float = 0.5,
            seed: int = 13, weights=None) -> VectorLogReg:
        classes = TYPES + ((NONE,) if NONE in labels else ())
        W, b = softmax_fit(X, [classes.index(t) for t in labels], len(classes), l2, epochs, lr, seed, weights)
        return cls(W, b, classes)

    @property
    def alpha(self) -> float:
        return float(self.meta.get("alpha", 0.5))

    @property
    def unsure(self) -> float:
        return float(self.meta.get("unsure", 0.7))

    def logits(self, X: np.ndarray) -> np.ndarray:
        return X @ self.W + self.b

    def proba(self, X: np.ndarray, temperature: float | None = None) -> np.ndarray:
        T = float(self.meta.get("temperature", 1.0)) if temperature is None else temperature
        return softmax(self.logits(X) / T)

    def save(self, path: Path) -> None:
        data = {"meta": self.meta, "classes": list(self.classes),
                "W": [[round(float(x), 5) for x in row] for row in self.W], "b": [round(float(x), 5) for x in self.b]}
        Path(path).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> VectorLogReg | None:
        """The shipped classifier (data/plover/vector_model.json) or the one at ``path``; None when absent."""
        if path is None:
            res = resources.files("saidwhat").joinpath("data", "plover", cls.FILE)
            if not res.is_file():
                return None
            text = res.read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        d = json.loads(text)
        return cls(np.array(d["W"], dtype=np.float32), np.array(d["b"], dtype=np.float32), d["classes"],
                   d.get("meta"))
