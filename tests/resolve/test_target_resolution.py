"""Statement targets on hand-written texts: the phrases the parse offers (nlp/target_spans.py), how the
article resolves them (persons by surname, pronouns, role nouns, groups, "both sides"), the shipped
target model's decisions on clear cases (requests target their addressee, accusations the accused, a
plain mention nothing), the model file and its trainer. Hand-written texts prove behaviour, not
accuracy: the accuracy is measured on real news (``saidwhat eval targets``, docs/accuracy.md)."""
from __future__ import annotations

import json

import pytest

from saidwhat.resolve.targets import TargetModel, cue_classes, target_model, valences


def by_quote(records, fragment):
    hits = [r for r in records if fragment in r["quote"]]
    assert hits, f"no statement containing {fragment!r} in {[r['quote'] for r in records]}"
    return hits[0]


def spans_of(nlp, text):
    doc = nlp(text)
    return [(text[c.start:c.end], [(text[t.start:t.end], t.role, t.label) for t in c.target_spans])
            for c in doc._.sw_candidates]


def test_target_phrases_from_the_parse(nlp):
    text = ("Jane Roe urged her supporters to monitor the polls.\n\n"
            "John Doe accused the former secretary of state of lying to Congress.\n")
    found = dict(spans_of(nlp, text))
    urged = found["her supporters to monitor the polls"]
    assert ("her supporters", "obj", "GROUP") in urged and ("her", "poss", "PRON") in urged
    accused = next(v for k, v in found.items() if k.startswith("the former secretary of state"))
    assert ("the former secretary of state", "obj", "ROLE") in accused
    assert any(p == "Congress" for p, _, _ in accused)


def test_requests_target_their_addressee_and_mentions_are_not_targets(extract):
    text = ("Foreign ministry spokesperson Anna Petrova on Thursday urged Baku to reopen the road.\n\n"
            "Petrova said that Moscow had held talks with officials in Yerevan last year.\n\n"
            "Petrova also called on both sides to respect the ceasefire, which Azerbaijan and Armenia "
            "signed in 2020.\n")
    recs = extract(text, published="2023-03-10")
    assert by_quote(recs, "Baku to reopen the road")["targets"] == ["AZE"]
    assert by_quote(recs, "held talks")["targets"] == []
    both = by_quote(recs, "to respect the ceasefire")
    assert sorted(both["targets"]) == ["ARM", "AZE"]   # "both sides": the article's two countries


@pytest.mark.parametrize("extractor", ["rules", "fast"])
def test_accusations_target_the_accused_person(extractor):
    from saidwhat.api import extract
    from saidwhat.config import Settings

    text = ("Senator Mary Major and Governor Tom Minor met voters in Ohio on Monday.\n\n"
            "Major accused Minor of lying about his tax plan.\n\n"
            "Minor said that Major had visited a factory in Dayton.\n")
    recs = extract(text, published="2016-09-30", settings=Settings(extractor=extractor))
    acc = by_quote(recs, "lying about his tax plan")
    assert acc["target_actors"] == ["person:tom-minor"]   # the accused, with its charge: always
    if extractor == "fast":
        # a person merely named as the subject of plain speech: the phrase vectors tell it from an
        # attack; the rules path's model, without them, takes a named subject for a target about
        # half the time (docs/accuracy.md)
        assert by_quote(recs, "visited a factory")["target_actors"] == []


def test_the_speaker_is_never_its_own_target(extract):
    text = "Tom Minor urged Tom Minor's supporters and the media to stay calm, Minor said.\n"
    for r in extract(text, published="2016-09-30"):
        assert "person:tom-minor" not in r["target_actors"]


def test_shipped_model_files_and_lexicons():
    m = target_model()
    assert 0.05 <= m.threshold <= 0.95
    assert m.uses_vectors and m.context.shape == (384,) and m.phrase.shape == (384,)
    named = target_model(vectors=False)   # the rules extractor's: no transformer
    assert not named.uses_vectors and 0.05 <= named.threshold <= 0.95
    for model in (m, named):
        assert model.meta["statements"] > 500 and "polnear_targets_train:train" in model.meta["trained_on"]
        assert "lockbox" not in json.dumps(model.meta["trained_on"])
        assert model.weights["cue=speech"] < 0   # plain speech seldom targets anyone
    assert cue_classes()["urge"] == "request" and cue_classes()["accuse"] == "accuse"
    assert valences()["liar"] < 0 < valences()["good"]


def test_model_round_trip_and_bad_lexicon(tmp_path, monkeypatch):
    m = TargetModel({"bias": -1.0, "cue=request": 2.5}, 0.4, {"note": "hand-made"}, context=[0.0] * 384,
                    phrase=[0.1] * 384)
    m.save(tmp_path / "m.json")
    back = TargetModel.load(tmp_path / "m.json")
    assert back.threshold == 0.4 and back.weights == m.weights and back.meta == {"note": "hand-made"}
    assert back.probability({"bias": 1.0, "cue=request": 1.0}) == pytest.approx(1 / (1 + 2.718281828 ** -1.5), rel=1e-6)
    import numpy as np
    ones = np.ones(384, dtype=np.float32)
    assert back.probability({"bias": 1.0}, ones, ones) > back.probability({"bias": 1.0})


def test_trainer_on_the_sample_articles(tmp_path):
    """The trainer runs the extractor over a gold, labels each candidate against it and fits a model
    that reloads (here the five sample articles only: a behaviour check, not a figure)."""
    from pathlib import Path

    from saidwhat.train import targets as train

    if not train.SEEDS.exists():
        pytest.skip("../shared/gold is not here")
    out = tmp_path / "model.json"
    # no PolNeAR gold: the sample articles' gold alone, two folds
    monkey_specs: list[str] = []
    exs = train.examples(monkey_specs, seeds=True)
    assert exs and all(len(e["rows"]) == len(e["labels"]) == len(e["phrases"]) for e in exs)
    assert sum(sum(e["labels"]) for e in exs) >= 5     # the addressees of the sample's requests
    with pytest.raises(SystemExit):
        list(train._documents(f"{Path('gold/polnear_targets/targets.jsonl')}@x.jsonl:lockbox"))
    cache = tmp_path / "cache.pkl"
    import pickle
    with open(cache, "wb") as f:
        pickle.dump(exs, f)
    train.main(["--gold", "unused@unused", "--folds", "2", "--no-vectors", "--cache", str(cache), "--out", str(out)])
    m = TargetModel.load(out)
    assert m.meta["statements"] == len(exs) and not m.uses_vectors and m.weights["cue=request"] != 0
