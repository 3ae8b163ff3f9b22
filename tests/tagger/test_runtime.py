"""The fast engine of the tagger's encoder (tagger/runtime.py): the onnxruntime graph gives the numpy
forward pass's numbers (float32) or nearly (int8), it is built once and cached, and whatever goes
wrong with it (no onnxruntime, a graph that cannot be built, SAIDWHAT_RUNTIME=numpy) leaves the
numpy path working with the same attributions."""
import numpy as np
import pytest

from saidwhat.tagger import runtime
from saidwhat.tagger.bases import BASES
from saidwhat.tagger.encoder import Encoder
from saidwhat.tagger.model import PACKAGED, AttributionTagger, available, load_tokenizer

FAST = PACKAGED["minilm"][0]
needs_fast = pytest.mark.skipif(not available(FAST), reason="the fast tagger's weights or base are not installed")
needs_engine = pytest.mark.skipif(not runtime.engine_available(), reason="onnxruntime/onnx not installed")
TEXT = ("The senator said on Monday that the tax plan would pass this spring. "
        "Many voters believe the economy is getting worse, a new poll shows.")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One graph folder for the module: each graph is built (and quantized) once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def models(built, monkeypatch):
    monkeypatch.setenv("SAIDWHAT_MODELS", str(built))
    return built / "onnx"


def _batch(enc):
    tok = load_tokenizer(enc.base)
    ids = tok.encode(TEXT, add_special_tokens=False).ids
    rows = [[enc.base.cls, *ids, enc.base.sep], [enc.base.cls, *ids[:9], enc.base.sep]]
    arr = np.full((2, len(rows[0])), enc.base.pad, dtype=np.int64)
    mask = np.zeros_like(arr)
    for r, row in enumerate(rows):
        arr[r, :len(row)], mask[r, :len(row)] = row, 1
    return arr, mask


def _numpy_and_engine(enc, runtime_name, monkeypatch):
    arr, mask = _batch(enc)
    feats = None
    if enc.feats:
        feats = np.stack([np.ones(arr.shape, dtype=np.int64) for _ in enc.feats], -1)
    f = enc.logits if enc.head is not None else enc.hidden
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "numpy")
    enc._session = False
    ref = f(arr, mask, feats)
    assert enc.session() is None
    monkeypatch.setenv("SAIDWHAT_RUNTIME", runtime_name)
    enc._session = False
    out = f(arr, mask, feats)
    assert enc.session() is not None
    return ref, out, mask > 0


@needs_fast
@needs_engine
def test_float_graph_gives_the_numpy_numbers(models, monkeypatch):
    ref, out, real = _numpy_and_engine(Encoder(FAST), "onnx-fp32", monkeypatch)
    assert np.abs(out - ref)[real].max() < 1e-3
    assert not np.allclose(ref[0, :4], ref[0, 4:8], atol=1e-3)  # a real comparison: rows differ


@needs_fast
@needs_engine
def test_int8_graph_gives_nearly_the_numpy_tags(models, monkeypatch):
    ref, out, real = _numpy_and_engine(Encoder(FAST), "onnx", monkeypatch)
    assert (out.argmax(-1) == ref.argmax(-1))[real].mean() >= 0.97
    assert np.abs(out - ref)[real].mean() < 0.1 * np.abs(ref)[real].mean()
    assert not np.array_equal(out, ref)  # it is the quantized graph that ran
    assert len(list(models.glob("minilm-*-int8*.onnx"))) == 1


@needs_engine
def test_a_base_without_head_gives_its_last_layer(models, monkeypatch):
    if not BASES["minilm"].available():
        pytest.skip("the MiniLM base is not installed")
    ref, out, real = _numpy_and_engine(Encoder(base=BASES["minilm"]), "onnx-fp32", monkeypatch)
    assert out.shape == ref.shape and out.shape[-1] == BASES["minilm"].hidden
    assert np.abs(out - ref)[real].max() < 1e-3


@needs_fast
@needs_engine
def test_the_graph_is_built_once_and_reused(models, monkeypatch):
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "onnx")
    enc = Encoder(FAST)
    first = runtime.model_path(enc, enc.source)
    stamp = first.stat().st_mtime_ns
    monkeypatch.setattr(runtime, "build_model", lambda enc: pytest.fail("built again"))
    assert runtime.model_path(Encoder(FAST), enc.source) == first and first.stat().st_mtime_ns == stamp


@needs_fast
def test_without_the_engine_the_tagger_runs_in_numpy_with_the_same_attributions(models, monkeypatch, nlp):
    doc = nlp(TEXT)
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "numpy")
    want = AttributionTagger(FAST).attributions(TEXT, doc)
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "onnx")
    monkeypatch.setattr(runtime, "engine_available", lambda: False)
    tagger = AttributionTagger(FAST)
    got = tagger.attributions(TEXT, doc)
    assert tagger.enc.session() is None
    assert [(r["content"], r["cue"], r["source"]) for r in got] == [(r["content"], r["cue"], r["source"]) for r in want]
    assert any(TEXT[slice(*r["content"][0])].startswith("that the tax plan") for r in got)


@needs_fast
@needs_engine
def test_a_graph_that_cannot_be_built_warns_and_falls_back(tmp_path, monkeypatch):
    monkeypatch.setenv("SAIDWHAT_MODELS", str(tmp_path))
    models = tmp_path / "onnx"
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "onnx")

    def broken(enc):
        raise RuntimeError("no graph today")

    monkeypatch.setattr(runtime, "build_model", broken)
    enc = Encoder(FAST)
    with pytest.warns(RuntimeWarning, match="no graph today"):
        assert enc.session() is None
    arr, mask = _batch(enc)
    feats = np.stack([np.ones(arr.shape, dtype=np.int64) for _ in enc.feats], -1) if enc.feats else None
    assert enc.logits(arr, mask, feats).shape[:2] == arr.shape
    assert not list(models.glob("*.onnx"))  # nothing half made is left


def test_a_bad_runtime_name_is_refused(monkeypatch):
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "tensorrt")
    with pytest.raises(ValueError, match="SAIDWHAT_RUNTIME"):
        runtime.runtime_choice()
