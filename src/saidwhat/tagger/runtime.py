"""The encoder's layers through onnxruntime, int8: the fast engine for ``Encoder.hidden``.

The graph is built from the encoder's own numpy weights (``onnx.helper``: no PyTorch, nothing
downloaded): the transformer layers (and the tag head when there is one) from the embedded pieces,
with the attention bias (padding mask, MPNet's relative positions) as an input, so the embedding
lookup and parse features stay in numpy where they are cheap. Its matrix products are then
quantized to int8 with onnxruntime's dynamic quantization (weights int8 per column, activations
quantized on the fly), which uses the CPU's integer dot-product instructions; the feed-forward
down-projections stay float32 (``KEEP_DOWN_FLOAT``).

A graph is built once per weights file and kept in ``SAIDWHAT_MODELS/onnx`` (default
``~/.cache/saidwhat/onnx``; ``make install`` builds the packaged taggers'), named by a digest of
the weights and the onnxruntime version, written to a temporary file and moved in whole.

``SAIDWHAT_RUNTIME``: ``onnx`` (int8, the default when onnxruntime is installed), ``onnx-fp32``
(the same graph unquantized), ``numpy`` (the reference forward pass in encoder.py). When onnxruntime
or onnx is missing, or a graph cannot be built, ``session_for`` gives None and the encoder runs
in numpy.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

RUNTIMES = ("onnx", "onnx-fp32", "numpy")
# the feed-forward down-projections stay float32 (their input, after GELU, has outliers that int8 with
# one scale a tensor loses): MPNet on PolNeAR train's tenth, exact content F1 70.2 with every product
# int8, 73.8 with these float, for +20 % CPU; SAIDWHAT_KEEP_DOWN_FLOAT=0 quantizes them too
KEEP_DOWN_FLOAT = os.environ.get("SAIDWHAT_KEEP_DOWN_FLOAT", "1") != "0"
OPSET = 17  # LayerNormalization


def runtime_choice() -> str:
    choice = os.environ.get("SAIDWHAT_RUNTIME", "").strip().lower() or "onnx"
    if choice not in RUNTIMES:
        raise ValueError(f"SAIDWHAT_RUNTIME must be one of {', '.join(RUNTIMES)}, not {choice!r}")
    return choice


def engine_available() -> bool:
    """Whether onnxruntime and onnx can be imported."""
    try:
        import onnx  # noqa: F401  (deferred: only the fast engine needs them)
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def cache_dir() -> Path:
    root = Path(os.environ.get("SAIDWHAT_MODELS") or Path.home() / ".cache" / "saidwhat")
    return root / "onnx"


# --------------------------------------------------------------------------- the graph

class _Graph:
    """Collects nodes and initializers; names are made unique by a counter."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0
        self.down: list[str] = []  # names of the feed-forward down-projections' MatMul nodes

    def name(self, stem: str) -> str:
        self.n += 1
        return f"{stem}_{self.n}"

    def const(self, array: np.ndarray, stem: str = "w") -> str:
        from onnx import numpy_helper
        name = self.name(stem)
        self.inits.append(numpy_helper.from_array(np.array(array, order="C"), name))  # (ascontiguousarray makes a 0-d array 1-d)
        return name

    def op(self, kind: str, inputs: list[str], stem: str | None = None, **attrs) -> str:
        from onnx import helper
        out = self.name(stem or kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [out], name=out, **attrs))
        return out

    def linear(self, x: str, weight_t: np.ndarray, bias: np.ndarray) -> str:
        return self.op("Add", [self.op("MatMul", [x, self.const(weight_t.astype(np.float32))]),
                               self.const(bias.astype(np.float32), "b")])

    def layer_norm(self, x: str, gain: np.ndarray, bias: np.ndarray, eps: float) -> str:
        return self.op("LayerNormalization", [x, self.const(gain.astype(np.float32)), self.const(bias.astype(np.float32))],
                       axis=-1, epsilon=float(eps))

    def gelu(self, x: str) -> str:
        """encoder._gelu's tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""
        c = lambda v: self.const(np.array(v, dtype=np.float32), "c")  # noqa: E731
        x3 = self.op("Mul", [self.op("Mul", [x, x]), x])
        inner = self.op("Mul", [self.op("Add", [x, self.op("Mul", [x3, c(0.044715)])]), c(0.7978845608028654)])
        return self.op("Mul", [self.op("Mul", [x, c(0.5)]), self.op("Add", [self.op("Tanh", [inner]), c(1.0)])])


def build_model(enc):
    """The ONNX model of ``enc``'s layers (float32): inputs ``x`` (batch, pieces, hidden: the
    embedded pieces after the embedding layer norm, with the parse features a file adds there),
    ``bias`` (batch or 1, heads or 1, pieces, pieces: added to the attention scores) and, for a
    file that adds its parse features above its frozen layers, ``feats`` (batch, pieces, hidden);
    output ``out``: the last layer, or the tag scores when the encoder has a head."""
    from onnx import TensorProto, helper
    g = _Graph()
    heads, hidden = enc.heads, enc.base.hidden
    d = hidden // heads
    late_feats = bool(enc.feats) and enc.frozen > 0
    x = "x"
    shape_qkv = g.const(np.array([0, 0, 3, heads, d], dtype=np.int64), "shape")
    shape_out = g.const(np.array([0, 0, hidden], dtype=np.int64), "shape")
    scale = g.const(np.array(1.0 / np.sqrt(d), dtype=np.float32), "scale")
    for n, L in enumerate(enc.layers):
        if late_feats and n == enc.frozen:
            x = g.op("Add", [x, "feats"])
        qkv = g.op("Reshape", [g.linear(x, *L["qkv"]), shape_qkv])
        parts = g.op("Transpose", [qkv], perm=[2, 0, 3, 1, 4])  # (3, b, heads, t, d)
        idx = [g.const(np.array(i, dtype=np.int64), "i") for i in range(3)]
        q = g.op("Mul", [g.op("Gather", [parts, idx[0]], axis=0), scale])
        k = g.op("Gather", [parts, idx[1]], axis=0)
        v = g.op("Gather", [parts, idx[2]], axis=0)
        att = g.op("Add", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]), "bias"])
        att = g.op("Softmax", [att], axis=-1)
        a = g.op("Reshape", [g.op("Transpose", [g.op("MatMul", [att, v])], perm=[0, 2, 1, 3]), shape_out])
        x = g.layer_norm(g.op("Add", [x, g.linear(a, *L["o"])]), *L["ln1"], enc.base.eps)
        inner = g.gelu(g.linear(x, *L["i"]))
        down = g.linear(inner, *L["out"])
        g.down.append(g.nodes[-2].name)  # the feed-forward's down-projection (its MatMul)
        x = g.layer_norm(g.op("Add", [x, down]), *L["ln2"], enc.base.eps)
    if enc.head is not None:
        x = g.linear(x, *enc.head)
    g.nodes.append(helper.make_node("Identity", [x], ["out"]))
    width = enc.head[0].shape[1] if enc.head is not None else hidden
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "t", hidden]),
              helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["bb", "hh", "t", "t"])]
    if late_feats:
        inputs.append(helper.make_tensor_value_info("feats", TensorProto.FLOAT, ["b", "t", hidden]))
    graph = helper.make_graph(g.nodes, "saidwhat_encoder", inputs,
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["b", "t", width])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="saidwhat")
    model.ir_version = 8
    model.metadata_props.add(key="down_projections", value=",".join(g.down))
    return model


def _digest(enc, source: str) -> str:
    import onnxruntime
    h = hashlib.sha256(f"{source}|{onnxruntime.__version__}|{enc.base.name}|{enc.frozen}|{len(enc.feats)}".encode())
    for L in enc.layers[-1:]:
        h.update(np.ascontiguousarray(L["qkv"][0][:64]).tobytes())
    if enc.head is not None:
        h.update(np.ascontiguousarray(enc.head[0]).tobytes())
    return h.hexdigest()[:16]


def model_path(enc, source: str, quantize: bool = True) -> Path:
    """The cached ONNX file of ``enc`` (``source``: what its weights came from, for the name),
    built when missing."""
    name = f"{enc.base.name}-{_digest(enc, source)}{'-int8' if quantize else ''}{'d' if quantize and KEEP_DOWN_FLOAT else ''}.onnx"
    path = cache_dir() / name
    if path.exists():
        return path
    import onnx
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        plain = Path(tmp) / "fp32.onnx"
        model = build_model(enc)
        onnx.save(model, str(plain))
        done = plain
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic
            done = Path(tmp) / "int8.onnx"
            keep = [p.value for p in model.metadata_props if p.key == "down_projections"]
            exclude = keep[0].split(",") if keep and KEEP_DOWN_FLOAT and keep[0] else []
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # its advice to "pre-process" the graph first, on the root logger
            try:
                quantize_dynamic(str(plain), str(done), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                                 per_channel=True, nodes_to_exclude=exclude)
            finally:
                root.setLevel(level)
        os.replace(done, path)
    return path


class Session:
    """An onnxruntime session over an encoder's graph: ``run(x, bias, feats)``."""

    def __init__(self, path: Path, threads: int = 0):
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        # no busy-waiting between operators: spinning threads burn CPU time the work does not need
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.path = path

    def run(self, x: np.ndarray, bias: np.ndarray, feats: np.ndarray | None = None) -> np.ndarray:
        feed = {"x": np.ascontiguousarray(x, dtype=np.float32), "bias": np.ascontiguousarray(bias, dtype=np.float32)}
        if "feats" in self.inputs:
            feed["feats"] = np.ascontiguousarray(feats, dtype=np.float32)
        return self.session.run(["out"], feed)[0]


def session_for(enc, source: str) -> Session | None:
    """The fast engine for ``enc`` under ``SAIDWHAT_RUNTIME``, or None (numpy): when it is
    ``numpy``, when onnxruntime or onnx is missing, or when the graph cannot be built or loaded
    (a warning says why)."""
    choice = runtime_choice()
    if choice == "numpy" or not engine_available():
        return None
    try:
        return Session(model_path(enc, source, quantize=choice == "onnx"))
    except Exception as exc:  # any failure of the fast engine leaves the reference path working
        warnings.warn(f"the onnxruntime engine could not be used ({type(exc).__name__}: {exc}); "
                      "the encoder runs in numpy", RuntimeWarning, stacklevel=2)
        return None

