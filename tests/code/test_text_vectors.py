"""MiniLM text vectors (tagger/text_vectors.py) as the event coder reads them: the same vector whether a
statement's window was read for its targets or for its event, read once."""
from __future__ import annotations

import numpy as np
import pytest

from saidwhat.tagger.bases import BASES

pytestmark = pytest.mark.skipif(not BASES["minilm"].available(), reason="the MiniLM base is not installed")


def test_texts_are_unit_vectors_and_a_window_read_for_targets_is_reused():
    from saidwhat.tagger.text_vectors import PhraseEncoder

    pe = PhraseEncoder()
    text = "The ministry urged Baku to reopen the corridor without delay."
    ctx, _ = pe.vectors([(text, 19, 23)])             # as the target model reads it
    calls = []
    real = pe.encoder.hidden
    pe.encoder.hidden = lambda ids, mask: calls.append(len(ids)) or real(ids, mask)   # windows read in a pass
    X = pe.texts([text, "Police arrested dozens of protesters."])
    assert calls == [1]                               # only the new text was read
    assert np.allclose(X[0], ctx[0]) and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    assert float(X[0] @ X[1]) < 0.9


def test_the_coder_blends_only_where_the_feature_model_is_unsure():
    from saidwhat.code.coder import blend
    from saidwhat.code.model import VectorLogReg

    P = np.full((2, 17), 0.01, dtype=np.float32)
    P[0, 0], P[1, 5] = 0.84, 0.2                      # sure of AGREE; unsure
    vm = VectorLogReg(np.zeros((4, 17), dtype=np.float32), np.eye(17, dtype=np.float32)[15] * 10, [""] * 17,
                      {"alpha": 0.5, "unsure": 0.7})
    seen = []
    out = blend(P, ["a", "b"], vm, lambda texts: seen.extend(texts) or np.zeros((len(texts), 4), np.float32))
    assert seen == ["b"] and np.allclose(out[0], P[0]) and out[1, 15] > P[1, 15]
