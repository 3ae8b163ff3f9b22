"""A learned cue detector: which tokens head an attribution (said, wants, showed, according to, …).

An averaged perceptron over sparse parse features, trained on PolNeAR's train split by
``python -m saidwhat.train.cues`` (``make train``), seeded and reproducible. Its weights ship
inside the package (``data/cue_model.json.gz``, well under 1 MB). The rules (``cues.json``) stay the
first source of cues; the model adds the cues of beliefs, intentions and perceptions that the
"attributions" scope (PolNeAR's) covers, and is used only in that scope.
"""
from __future__ import annotations

import gzip
import json
from collections import defaultdict
from functools import lru_cache
from importlib import resources

CANDIDATE_POS = {"VERB", "NOUN", "AUX", "ADJ", "ADP", "PROPN"}


def features(t) -> list[str]:
    """Sparse features of a token as a possible cue head (the token, its head, its dependents)."""
    kids = list(t.children)
    deps = sorted({c.dep_ for c in kids})
    f = [f"lem={t.lemma_.lower()}", f"pos={t.pos_}", f"tag={t.tag_}", f"dep={t.dep_}",
         f"lem_dep={t.lemma_.lower()}|{t.dep_}", f"hlem={t.head.lemma_.lower()}", f"hpos={t.head.pos_}",
         f"lem_pos={t.lemma_.lower()}|{t.pos_}"]
    f += [f"kid={d}" for d in deps]
    f += [f"lem_kid={t.lemma_.lower()}|{d}" for d in deps if d in ("ccomp", "xcomp", "dobj", "nsubj", "prep", "mark", "acl", "advcl")]
    for c in kids:
        if c.dep_ == "prep":
            f.append(f"prep={c.lower_}")
            f.append(f"lem_prep={t.lemma_.lower()}|{c.lower_}")
        if c.dep_ in ("nsubj", "nsubjpass"):
            f.append(f"subj_ent={c.ent_type_ or c.pos_}")
        if c.dep_ == "mark":
            f.append(f"mark={c.lower_}")
    if t.i + 1 < len(t.doc):
        f.append(f"next={t.doc[t.i + 1].lower_}")
    if t.i > 0:
        f.append(f"prev={t.doc[t.i - 1].lower_}")
    f.append("bias")
    return f


class Perceptron:
    """Binary averaged perceptron over string features."""

    def __init__(self, weights: dict[str, float] | None = None, threshold: float = 0.0):
        self.w: dict[str, float] = dict(weights or {})
        self.threshold = threshold
        self._totals: dict[str, float] = defaultdict(float)
        self._stamps: dict[str, int] = defaultdict(int)
        self._n = 0

    def score(self, feats: list[str]) -> float:
        w = self.w
        return sum(w.get(f, 0.0) for f in feats)

    def update(self, feats: list[str], gold: bool) -> None:
        self._n += 1
        if (self.score(feats) > 0) == gold:
            return
        delta = 1.0 if gold else -1.0
        for f in feats:
            self._totals[f] += (self._n - self._stamps[f]) * self.w.get(f, 0.0)
            self._stamps[f] = self._n
            self.w[f] = self.w.get(f, 0.0) + delta

    def tick(self) -> None:
        """One training example seen (for averaging with :meth:`add`)."""
        self._n += 1

    def add(self, feats: list[str], delta: float) -> None:
        """Add ``delta`` to the weights of ``feats`` (a multi-class / ranking update)."""
        for f in feats:
            self._totals[f] += (self._n - self._stamps[f]) * self.w.get(f, 0.0)
            self._stamps[f] = self._n
            self.w[f] = self.w.get(f, 0.0) + delta

    def average(self) -> None:
        for f, v in list(self.w.items()):
            total = self._totals[f] + (self._n - self._stamps[f]) * v
            self.w[f] = round(total / max(1, self._n), 4)
        self.w = {f: v for f, v in self.w.items() if abs(v) >= 1e-4}

    def to_json(self) -> dict:
        return {"threshold": self.threshold, "weights": dict(sorted(self.w.items()))}


def packaged_json(name: str) -> dict | None:
    """A gzipped JSON file of the package's data folder (learned weights), or None when missing."""
    try:
        raw = resources.files("saidwhat").joinpath("data", name).read_bytes()
    except (FileNotFoundError, OSError):
        return None
    return json.loads(gzip.decompress(raw).decode("utf-8"))


@lru_cache(maxsize=1)
def load_model() -> Perceptron | None:
    """The shipped cue model, or None when it is missing (the rules then work alone)."""
    data = packaged_json("cue_model.json.gz")
    return None if data is None else Perceptron(data["weights"], data.get("threshold", 0.0))
