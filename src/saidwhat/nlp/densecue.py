"""A cue detector with dense context: sparse parse features plus the frozen tok2vec vectors.

The perceptron of ``cuemodel.py`` sees only lexical and parse features, so it cannot generalise
to cue lemmas it has rarely seen (make, question, support …). This model adds the spaCy
pipeline's own context vectors (``doc.tensor``: the tok2vec output the tagger and parser use,
96-d in en_core_web_sm) of the token, its head and its dependents, through one small hidden
layer. Score = sparse weights + v · relu(W x + b1) + b: a logit (> 0 means "cue head").

Trained by ``python -m saidwhat.train.cues`` (numpy, Adam, L2, seeded); the weights ship in
``data/cue_dense.json.gz`` (a few hundred KB). Without them (or without ``doc.tensor``) the
perceptron of ``cuemodel.py`` is used.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from saidwhat.nlp.cuemodel import features, packaged_json


def dense_matrix(doc, idx: list[int]) -> np.ndarray | None:
    """Dense inputs of the tokens ``idx``: [token, head, mean of children] tok2vec vectors."""
    T = getattr(doc, "tensor", None)
    if T is None or not hasattr(T, "shape") or len(T.shape) != 2 or T.shape[0] != len(doc) or not len(idx):
        return None
    T = np.asarray(T, dtype=np.float32)
    n, d = T.shape
    heads = np.arange(n) + doc.to_array("HEAD").astype(np.int64).view(np.int64)
    kid = heads != np.arange(n)
    sums = np.zeros((n, d), dtype=np.float32)
    np.add.at(sums, heads[kid], T[kid])
    cnt = np.bincount(heads[kid], minlength=n).astype(np.float32)
    idx = np.asarray(idx, dtype=np.int64)
    kids = sums[idx] / np.maximum(cnt[idx], 1.0)[:, None]
    return np.concatenate([T[idx], T[heads[idx]], kids], axis=1)


class DenseCue:
    def __init__(self, vocab: dict[str, int], w: np.ndarray, W1: np.ndarray, b1: np.ndarray,
                 v: np.ndarray, b: float, mu: np.ndarray, sd: np.ndarray):
        self.vocab, self.w, self.W1, self.b1, self.v, self.b = vocab, w, W1, b1, v, b
        self.mu, self.sd = mu, sd
        self.wd = {f: float(w[j]) for f, j in vocab.items()}  # for scoring: dict look-ups are fastest
        # the input scaling folded into the first layer, for scoring
        self._W1 = np.ascontiguousarray(W1 / sd[:, None], dtype=np.float32)
        self._b1 = (b1 - (mu / sd) @ W1).astype(np.float32)
        self._ops = None

    def sparse_idx(self, feats: list[str]) -> list[int]:
        vocab = self.vocab
        return [vocab[f] for f in feats if f in vocab]

    def score_tokens(self, doc, idx: list[int]) -> list[float] | None:
        """Logits of the tokens ``idx`` of ``doc`` (None when the doc has no tok2vec tensor)."""
        X = dense_matrix(doc, idx)
        if X is None or X.shape[1] != self.mu.shape[0]:  # no tok2vec output, or another model's
            return None
        if self._ops is None:
            from thinc.api import NumpyOps
            self._ops = NumpyOps()
        # spaCy's own single-threaded gemm (blis): numpy's OpenBLAS would start threads that spin
        # and take the CPU from the rest of the pipeline
        h = np.maximum(0.0, self._ops.gemm(np.ascontiguousarray(X), self._W1) + self._b1)
        dense = (h * self.v).sum(axis=1) + self.b
        wd = self.wd
        return [float(dense[r]) + sum(wd.get(f, 0.0) for f in features(doc[i])) for r, i in enumerate(idx)]

    def score_rows(self, rows) -> list[float]:
        """Logits of (sparse feature strings, dense row, …) examples."""
        X = np.stack([r[1] for r in rows]).astype(np.float32)
        dense = np.maximum(0.0, ((X - self.mu) / self.sd) @ self.W1 + self.b1) @ self.v + self.b
        return [float(dense[k] + sum(self.w[j] for j in self.sparse_idx(r[0]))) for k, r in enumerate(rows)]

    def to_json(self) -> dict:
        r = lambda a: np.round(np.asarray(a, dtype=np.float64), 5).tolist()  # noqa: E731
        keep = {f: round(float(self.w[j]), 5) for f, j in self.vocab.items() if abs(self.w[j]) >= 1e-4}
        return {"sparse": dict(sorted(keep.items())), "W1": r(self.W1), "b1": r(self.b1), "v": r(self.v),
                "b": float(self.b), "mu": r(self.mu), "sd": r(self.sd)}

    @classmethod
    def from_json(cls, data: dict) -> DenseCue:
        feats = sorted(data["sparse"])
        vocab = {f: j for j, f in enumerate(feats)}
        w = np.array([data["sparse"][f] for f in feats], dtype=np.float64)
        f32 = lambda k: np.asarray(data[k], dtype=np.float32)  # noqa: E731
        return cls(vocab, w, f32("W1"), f32("b1"), f32("v"), float(data["b"]), f32("mu"), f32("sd"))


def train(examples, seed: int = 0, epochs: int = 8, hidden: int = 64, l2: float = 1e-5,
          lr: float = 2e-3, min_count: int = 2, batch: int = 256, log=None) -> DenseCue:
    """Fit on ``examples``: (sparse feature strings, dense input row, gold bool) triples."""
    from collections import Counter
    rng = np.random.default_rng(seed)
    counts = Counter(f for feats, _, _ in examples for f in feats)
    vocab = {f: j for j, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    n = len(examples)
    rows = [[vocab[f] for f in feats if f in vocab] for feats, _, _ in examples]
    X = np.stack([x for _, x, _ in examples]).astype(np.float32)
    y = np.array([g for _, _, g in examples], dtype=np.float32)
    mu, sd = X.mean(axis=0), X.std(axis=0) + 1e-3
    X = (X - mu) / sd
    d = X.shape[1]
    params = {"w": np.zeros(len(vocab)), "W1": rng.normal(0, np.sqrt(2.0 / d), (d, hidden)).astype(np.float32),
              "b1": np.zeros(hidden, np.float32), "v": rng.normal(0, 0.1, hidden).astype(np.float32),
              "b": np.zeros(1)}
    m = {k: np.zeros_like(p) for k, p in params.items()}
    s = {k: np.zeros_like(p) for k, p in params.items()}
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        loss = 0.0
        for a in range(0, n, batch):
            bi = order[a:a + batch]
            lens = np.array([len(rows[i]) for i in bi])
            flat = np.fromiter((j for i in bi for j in rows[i]), dtype=np.int64, count=int(lens.sum()))
            seg = np.repeat(np.arange(len(bi)), lens)
            sp = np.zeros(len(bi))
            np.add.at(sp, seg, params["w"][flat])
            z1 = X[bi] @ params["W1"] + params["b1"]
            h = np.maximum(0.0, z1)
            logit = sp + h @ params["v"] + params["b"][0]
            p = 1.0 / (1.0 + np.exp(-np.clip(logit, -30, 30)))
            yb = y[bi]
            loss += float(-(yb * np.log(p + 1e-9) + (1 - yb) * np.log(1 - p + 1e-9)).sum())
            g = (p - yb) / len(bi)
            grads = {"w": np.zeros_like(params["w"]), "b": np.array([g.sum()])}
            np.add.at(grads["w"], flat, g[seg])
            grads["w"] += l2 * params["w"]
            grads["v"] = h.T @ g + l2 * params["v"]
            gh = np.outer(g, params["v"]) * (z1 > 0)
            grads["W1"] = X[bi].T @ gh + l2 * params["W1"]
            grads["b1"] = gh.sum(axis=0)
            step += 1
            for k in params:
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                s[k] = 0.999 * s[k] + 0.001 * grads[k] ** 2
                mh, sh = m[k] / (1 - 0.9 ** step), s[k] / (1 - 0.999 ** step)
                params[k] = params[k] - lr * mh / (np.sqrt(sh) + 1e-8)
        if log:
            log(f"epoch {epoch + 1}: loss {loss / n:.4f}")
    return DenseCue(vocab, params["w"], params["W1"], params["b1"], params["v"], float(params["b"][0]), mu, sd)


@lru_cache(maxsize=1)
def load_dense() -> DenseCue | None:
    data = packaged_json("cue_dense.json.gz")
    return None if data is None else DenseCue.from_json(data)
