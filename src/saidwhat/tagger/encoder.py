"""A tagger weights file and its encoder's forward pass, in numpy (no PyTorch at run time).

A file (train/tagger.py writes it) holds the fine-tuned matrices, int8 with a per-row scale, int4 with
a scale per GROUP numbers of a row, or float16 (``quantized``), the low-rank updates of layers its run
kept frozen (``layers.N.lora.*``), the parse feature tables and their label lists (``vocab.*``) and
what the run was (``meta.*``); what it leaves out (the word-piece embeddings, the frozen layers) comes
from its base (bases.py, ``kept_from_base``).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from saidwhat.tagger.bases import BASES, Base, relative_buckets

FEATURES = ("tag", "dep", "hdir", "sent", "hdep")  # per word piece, from the spaCy token it starts in


def weights_base(weights: Path) -> Base:
    """The base a weights file was fine-tuned from (``meta.base``; files from before it: MiniLM)."""
    raw = np.load(weights)
    return BASES[str(raw["meta.base"])] if "meta.base" in raw else BASES["minilm"]


def _layer_norm(x, g, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _gelu(x):
    """0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in place on one buffer: ``x ** 3`` (a float
    power) made this 70 % of the forward pass."""
    y = x * x
    y *= np.float32(0.044715)
    y += np.float32(1.0)
    y *= x
    y *= np.float32(0.7978845608028654)
    np.tanh(y, out=y)
    y += np.float32(1.0)
    y *= x
    y *= np.float32(0.5)
    return y


def kept_from_base(name: str, frozen: int) -> bool:
    """Whether a weights file leaves ``name`` to its base: the word-piece embeddings always; with
    ``frozen`` bottom layers, the other embeddings and those layers too (but not the low-rank updates
    a run trained on them, ``layers.N.lora.*``)."""
    if name == "word.weight":
        return True
    if not frozen or ".lora." in name:
        return False
    if name.startswith(("pos.", "ln.", "rel.")) or name == "typ":
        return True
    return name.startswith("layers.") and int(name.split(".")[1]) < frozen


def merge_adapters(w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``w`` with the low-rank updates a run trained on its frozen layers (train_tagger --adapt:
    ``layers.N.lora.M_a`` and ``_b``) added to their matrices, W + B A, and taken out."""
    out = {k: v for k, v in w.items() if ".lora." not in k}
    for k in w:
        if ".lora." in k and k.endswith("_a"):
            layer, name = k.split(".lora.")
            name = name[:-2]
            out[f"{layer}.{name}.weight"] = out[f"{layer}.{name}.weight"] + w[k[:-2] + "_b"] @ w[k]
    return out


GROUP = 32  # int4 matrices: one scale for each GROUP neighbouring numbers of a row


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """float32 arrays of a weights file; int8 matrices come with a per-row scale (``name:scale``),
    int4 ones (two to a byte) with a scale per group of a row (``name:scale4``; the group size read
    from its shape, so files written with another GROUP read right)."""
    raw = dict(np.load(path))
    out = {}
    for k, v in raw.items():
        if k.endswith((":scale", ":scale4")) or k.startswith(("vocab.", "meta.")):
            continue
        if k + ":scale4" in raw:
            out[k] = _from_int4(v, raw[k + ":scale4"])
            continue
        scale = raw.get(k + ":scale")
        out[k] = v.astype(np.float32) * scale[:, None] if scale is not None else v.astype(np.float32)
    return out


def _to_int4(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A matrix as int4 numbers -8..7 (two a byte, the even column in the low half) and a float16
    scale per GROUP of a row (the group's largest magnitude over 7; at least float16's smallest
    normal number, so no scale is zero)."""
    r, c = v.shape
    g = v.reshape(r, c // GROUP, GROUP)
    scale = np.maximum((np.abs(g).max(-1) / 7.0).astype(np.float16), np.float16(6.2e-5))
    q = np.clip(np.round(g / scale[..., None].astype(np.float32)), -8, 7).astype(np.int8).reshape(r, c)
    packed = (q[:, 0::2] & 0x0F).astype(np.uint8) | ((q[:, 1::2] & 0x0F).astype(np.uint8) << 4)
    return packed, scale


def _from_int4(packed: np.ndarray, scale: np.ndarray) -> np.ndarray:
    r = packed.shape[0]
    q = np.empty((r, packed.shape[1] * 2), dtype=np.int8)
    q[:, 0::2] = (packed & 0x0F).astype(np.int8)
    q[:, 1::2] = (packed >> 4).astype(np.int8)
    q[q > 7] -= 16
    g = q.reshape(r, scale.shape[1], -1).astype(np.float32) * scale.astype(np.float32)[..., None]
    return g.reshape(r, -1)


def held_out_share(path: Path) -> float | None:
    """The share of PolNeAR train that the run which wrote these weights held out (train_tagger
    --heldout; 0: it trained on every article), or None for weights that do not say."""
    raw = np.load(path)
    return float(raw["meta.heldout"]) if "meta.heldout" in raw else None


def read_vocab(path: Path) -> dict[str, list[str]]:
    raw = np.load(path)
    return {k: [str(x) for x in raw[f"vocab.{k}"]] for k in FEATURES if f"vocab.{k}" in raw}


def quantized(arrays: dict[str, np.ndarray], bits: int = 8) -> dict[str, np.ndarray]:
    """Matrices as int8 with a float32 scale per row (weights-only quantization); the rest float16.
    ``bits=4``: ``requantized`` of that, about half the size again."""
    out = {}
    for k, v in arrays.items():
        if k.startswith(("vocab.", "meta.")):
            out[k] = v
            continue
        v = np.asarray(v, dtype=np.float32)
        if v.ndim == 2 and min(v.shape) > 16:
            out[k], out[k + ":scale"] = _to_int8(v)
        else:
            out[k] = v.astype(np.float16)
    return requantized(out) if bits == 4 else out


def _to_int8(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scale = np.maximum(np.abs(v).max(1), 1e-8) / 127.0
    return np.round(v / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def requantized(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A weights file's arrays (``quantized``'s int8) with its int8 matrices whose rows split into
    GROUPs as int4 (``_to_int4``, from the int8 values) and the low-rank factors it left float16
    (``layers.N.lora.*``, rank 16 or less) as int8."""
    turn = {k for k, v in arrays.items() if k + ":scale" in arrays and v.shape[1] % GROUP == 0}
    out = {}
    for k, v in arrays.items():
        if k in turn:
            out[k], out[k + ":scale4"] = _to_int4(v.astype(np.float32) * arrays[k + ":scale"][:, None])
        elif ".lora." in k and v.dtype == np.float16 and v.ndim == 2:
            out[k], out[k + ":scale"] = _to_int8(v.astype(np.float32))
        elif not (k.endswith(":scale") and k[:-len(":scale")] in turn):
            out[k] = v
    return out


class Encoder:
    """The encoder's forward pass (numpy, float32): the fine-tuned weights of a file, and from its base
    whatever the file leaves out (the word-piece embeddings; the embeddings and bottom layers a run
    kept frozen, ``meta.frozen``). ``logits(ids, mask, feats)``."""

    def __init__(self, weights: Path | None = None, base: Base | None = None):
        """``weights``: a tagger weights file (its base from the file); or ``base`` alone: the
        pretrained encoder as it ships (no tag head: ``hidden`` only, e.g. for sentence embeddings)."""
        if weights is None and base is None:
            raise ValueError("an Encoder needs a weights file or a base")
        self.base = weights_base(weights) if weights is not None else base
        raw = np.load(weights) if weights is not None else {}
        self.frozen = int(raw["meta.frozen"]) if "meta.frozen" in raw else 0
        # from the base only what the file leaves to it (not the 12 layers of MPNet twice over)
        own = read_weights(weights) if weights is not None else {}
        w = merge_adapters({**self.base.tensors(None if weights is None else lambda k: kept_from_base(k, self.frozen)),
                            **own})
        self.word = w["word.weight"]
        self.pos, self.typ = w["pos.weight"], w["typ"]
        self.ln = (w["ln.weight"], w["ln.bias"])
        self.rel = w.get("rel.weight")  # (buckets, heads) relative position scores (MPNet)
        self.layers = []
        for i in range(self.base.layers):
            g = lambda n: w[f"layers.{i}.{n}"]  # noqa: E731
            self.layers.append({"qkv": (g("qkv.weight").T.copy(), g("qkv.bias")), "o": (g("o.weight").T.copy(), g("o.bias")),
                                "ln1": (g("ln1.weight"), g("ln1.bias")), "i": (g("i.weight").T.copy(), g("i.bias")),
                                "out": (g("out.weight").T.copy(), g("out.bias")), "ln2": (g("ln2.weight"), g("ln2.bias"))})
        self.head = (w["head.weight"].T.copy(), w["head.bias"]) if "head.weight" in w else None
        self.heads = self.base.heads
        self.feats = [w[f"feat.{k}.weight"] for k in FEATURES if f"feat.{k}.weight" in w]
        self.vocab = read_vocab(weights) if self.feats else None
        self.trans = w.get("crf.trans")  # learned tag transitions (train_tagger --crf), or None
        self.held_out = held_out_share(weights) if weights is not None else None
        self.source = str(Path(weights).resolve()) if weights is not None else f"base:{self.base.name}"
        self._session = False  # not asked yet (session())

    def _features(self, x, feats):
        if self.feats and feats is not None:
            for j, table in enumerate(self.feats):
                x = x + table[feats[..., j]]
        return x

    def _embedded(self, ids: np.ndarray, feats: np.ndarray | None) -> np.ndarray:
        """The pieces after the embedding layer (with the parse features, unless a file adds them
        above its frozen layers)."""
        t = ids.shape[1]
        off = self.base.pos_offset
        x = self.word[ids] + self.pos[off:off + t][None] + self.typ
        return _layer_norm(self._features(x, feats) if not self.frozen else x, *self.ln, self.base.eps)

    def _bias(self, mask: np.ndarray) -> np.ndarray | None:
        """What the attention scores get added: -1e9 at padding, MPNet's relative position scores."""
        t = mask.shape[1]
        bias = None if mask.all() else np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        if self.rel is not None:
            rel = self.rel[relative_buckets(t, len(self.rel))].transpose(2, 0, 1)[None].astype(np.float32)
            bias = rel if bias is None else bias + rel
        return bias

    def _late_features(self, ids: np.ndarray, feats: np.ndarray | None) -> np.ndarray | None:
        """The parse features a file adds above its frozen layers (None: none, or added below)."""
        if not (self.frozen and self.feats and feats is not None):
            return None
        return self._features(np.zeros((*ids.shape, self.base.hidden), dtype=np.float32), feats)

    def session(self):
        """The onnxruntime engine for this encoder (tagger/runtime.py), or None: numpy. Made on
        first use (the first time, the int8 graph is built and cached)."""
        if self._session is False:
            from saidwhat.tagger.runtime import session_for  # defers onnxruntime
            self._session = session_for(self, self.source)
        return self._session

    def logits(self, ids: np.ndarray, mask: np.ndarray, feats: np.ndarray | None = None) -> np.ndarray:
        """(batch, pieces, tags) scores of the tag head."""
        if self.head is None:
            raise ValueError("this encoder has no tag head (built from a base alone): use hidden()")
        fast = self.session()
        if fast is not None:
            return self._run(fast, ids, mask, feats)
        return self._numpy_hidden(ids, mask, feats) @ self.head[0] + self.head[1]

    def hidden(self, ids: np.ndarray, mask: np.ndarray, feats: np.ndarray | None = None) -> np.ndarray:
        """(batch, pieces, hidden) output of the last layer."""
        fast = self.session() if self.head is None else None  # a head's graph ends in the tag scores
        if fast is not None:
            return self._run(fast, ids, mask, feats)
        return self._numpy_hidden(ids, mask, feats)

    def _run(self, fast, ids, mask, feats) -> np.ndarray:
        t = ids.shape[1]
        bias = self._bias(mask)
        if bias is None:
            bias = np.zeros((1, 1, t, t), dtype=np.float32)
        late = self._late_features(ids, feats)
        if late is None and "feats" in fast.inputs:
            late = np.zeros((*ids.shape, self.base.hidden), dtype=np.float32)
        return fast.run(self._embedded(ids, feats), bias, late)

    def _numpy_hidden(self, ids: np.ndarray, mask: np.ndarray, feats: np.ndarray | None = None) -> np.ndarray:
        b, t = ids.shape
        eps = self.base.eps
        x = self._embedded(ids, feats)
        h = x.shape[-1]
        d = h // self.heads
        bias = self._bias(mask)
        scale = np.float32(1.0 / np.sqrt(d))
        for n, L in enumerate(self.layers):
            if n == self.frozen and n:
                x = self._features(x, feats)
            qkv = (x @ L["qkv"][0] + L["qkv"][1]).reshape(b, t, 3, self.heads, d)
            # contiguous operands keep numpy's batched matmul on BLAS
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3)) * scale
            kt = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            att = q @ kt
            if bias is not None:
                att += bias
            att -= att.max(-1, keepdims=True)
            np.exp(att, out=att)
            att /= att.sum(-1, keepdims=True)
            a = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, h)
            x = _layer_norm(x + a @ L["o"][0] + L["o"][1], *L["ln1"], eps)
            x = _layer_norm(x + _gelu(x @ L["i"][0] + L["i"][1]) @ L["out"][0] + L["out"][1], *L["ln2"], eps)
        return x
