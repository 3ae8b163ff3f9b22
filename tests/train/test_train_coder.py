"""Training the event coder (train/coder.py): its data (own sentences, plain statements, labelled PolNeAR train
sentences; never PLOVER dev), its out-of-fold scores and the choice of its abstention."""
from __future__ import annotations

import numpy as np
import pytest

from saidwhat.code.lexicon import TYPES
from saidwhat.code.model import NONE, VectorLogReg, split
from saidwhat.train import coder as train


def test_own_data_covers_every_type_and_the_plain_class():
    own, plain = train.own_sentences(), train.plain_sentences()
    counts = {t: sum(d["event_type"] == t for d in own) for t in TYPES}
    assert min(counts.values()) >= 30, counts
    assert len(plain) >= 80 and {d["event_type"] for d in plain} == {NONE}
    assert len({d["id"] for d in own + plain}) == len(own + plain)


def test_polnear_sentences_are_read_by_offsets_and_never_hold_plover_dev(shared_required):
    tr, tune = train.polnear_sentences("train"), train.polnear_sentences("tune")
    assert len(tr) >= 300 and len(tune) >= 60
    assert {d["event_type"] for d in tr} <= set(TYPES) | {NONE}
    assert all(len(d["text"].split()) >= 8 and train.is_polnear(d) for d in tr + tune)
    docs = lambda rows: {d["id"].rsplit(":", 1)[0] for d in rows}   # noqa: E731
    assert not docs(tr) & docs(tune)                                # the split is by article
    dev = {train.text_hash(d["text"]) for d in train.load_jsonl(shared_required / "plover" / "dev.jsonl")}
    assert not dev & {train.text_hash(d["text"]) for d in train.training_sentences()}


def test_vector_classifier_learns_separable_classes_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 8))
    labels = ["AGREE", "ASSAULT", NONE] * 20
    X = np.stack([centers[i % 3] + 0.1 * rng.normal(size=8) for i in range(60)]).astype(np.float32)
    m = VectorLogReg.fit(X, labels)
    assert m.classes == TYPES + (NONE,)
    types, none = split(m.proba(X))
    assert np.allclose(types.sum(1), 1, atol=1e-5)
    assert [TYPES[k] for k in types[:2].argmax(1)] == ["AGREE", "ASSAULT"] and none[2] > 0.5
    m.meta = {"alpha": 0.3, "unsure": 0.6}
    m.save(tmp_path / "v.json")
    back = VectorLogReg.load(tmp_path / "v.json")
    assert (back.alpha, back.unsure) == (0.3, 0.6)
    assert np.allclose(back.proba(X), m.proba(X), atol=1e-3)


def test_out_of_fold_scores_and_the_abstention_choice():
    own = [d for t in TYPES for d in [x for x in train.own_sentences() if x["event_type"] == t][:4]]
    items = own + train.plain_sentences()[:12]
    labels = [d["event_type"] for d in items]
    parsed = train.parse_many([d["text"] for d in items])
    rng = np.random.default_rng(1)
    X = rng.normal(size=(len(items), 16)).astype(np.float32)
    oof = train.OutOfFold(items, parsed, X, k=2)
    assert oof.classes == TYPES + (NONE,)
    assert oof.feat.shape == oof.vec.shape == (len(items), len(TYPES) + 1)
    P0 = oof.probs(1.0, 1.0, 0.0, 1.01)                 # alpha 0: the feature model alone
    P1 = oof.probs(1.0, 1.0, 0.5, 1.01)                 # every item blended
    assert np.allclose(P0.sum(1), 1) and np.allclose(P1.sum(1), 1) and not np.allclose(P0, P1)
    assert np.allclose(oof.probs(1.0, 1.0, 0.5, 0.0), P0)   # nothing is unsure under 0: nothing blended
    none_p, weak_p, grid = train.choose_abstention(parsed, labels, P0)
    assert none_p in train.NONE_GRID and weak_p in train.WEAK_GRID and grid
    preds = train.predict(None, parsed, True, none_p, P0, weak_p)  # type: ignore[arg-type]
    ev = [i for i, y in enumerate(labels) if y != NONE]
    assert sum(preds[i]["event_type"] is not None for i in ev) / len(ev) >= train.KEEP_EVENTS


def test_training_without_polnear_writes_both_models(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "own_sentences",
                        lambda: [d for t in TYPES for d in [x for x in train._packaged("train.jsonl")
                                                            if x["event_type"] == t][:5]])
    monkeypatch.setattr(train, "plain_sentences", lambda: [{**d, "event_type": NONE, "mode": None}
                                                           for d in train._packaged("plain.jsonl")[:10]])
    monkeypatch.setattr(train, "text_vectors", lambda texts: np.random.default_rng(len(texts)).normal(
        size=(len(texts), 16)).astype(np.float32))
    assert train.main(["--cv", "2", "--out-dir", str(tmp_path), "--no-polnear"]) == 0
    m = train.LogReg.load(tmp_path / "model.json")
    assert m.classes == TYPES + (NONE,) and m.meta["dev_sentences"] == 0 and "none_p" in m.meta
    v = VectorLogReg.load(tmp_path / VectorLogReg.FILE)
    assert v is not None and v.W.shape == (16, len(TYPES) + 1) and 0 < v.alpha < 1
