"""The "attributions" scope: beliefs, intentions and perceptions from the learned cue detector,
on top of speech; the default "statements" scope stays speech only."""
import pytest

from saidwhat.api import extract
from saidwhat.config import Settings
from saidwhat.nlp.cuemodel import Perceptron, features, load_model

TEXT = ("A new poll shows that support for the senator has fallen sharply in the state.\n\n"
        "The governor believes the tax plan will pass this spring.\n")


def test_shipped_model_loads():
    m = load_model()
    assert m is not None and len(m.w) > 1000


def test_perceptron_learns_and_round_trips():
    p = Perceptron()
    data = [(["lem=say", "bias"], True), (["lem=table", "bias"], False)] * 5
    for feats, gold in data:
        p.update(feats, gold)
    p.average()
    assert p.score(["lem=say", "bias"]) > 0 > p.score(["lem=table", "bias"])
    q = Perceptron(p.to_json()["weights"])
    assert q.score(["lem=say", "bias"]) == p.score(["lem=say", "bias"])


def test_scope_attributions_adds_beliefs_and_perceptions(nlp):
    plain = extract(TEXT, published="2016-05-02")
    wide = extract(TEXT, published="2016-05-02", settings=Settings(scope="attributions", extractor="accurate"))
    assert not any("support for the senator" in r["quote"] for r in plain)
    r = next(r for r in wide if "support for the senator has fallen" in r["quote"])
    assert r["cue"] == "show" and r["speaker_mention"] == "A new poll"
    assert any("the tax plan will pass" in r["quote"] for r in wide)


def test_bad_scope_is_refused():
    from saidwhat.nlp.components import AttributionFinder
    with pytest.raises(ValueError):
        AttributionFinder(None, "x", scope="everything")
