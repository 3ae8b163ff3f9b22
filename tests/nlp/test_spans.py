"""The learned content-span chooser of the "attributions" scope (nlp/spans.py) and the PolNeAR
conventions applied to its output (eval/polnear.py)."""
from saidwhat.config import Settings
from saidwhat.nlp.spans import SpanModel, cand_features, candidates, load_span_model, none_features


def _texts(doc, cands):
    return {" ".join(doc[i].text for i in c.tokens()) for c in cands}


def _tok(doc, word):
    return next(t for t in doc if t.text == word)


def test_candidates_of_a_complement_clause(nlp):
    doc = nlp("The senator said that the plan will pass this spring, which surprised nobody.")
    said = _tok(doc, "said")
    cands = candidates(said)
    texts = _texts(doc, cands)
    # the whole complement, and the complement cut before the reporter's ", which …" clause
    assert "that the plan will pass this spring , which surprised nobody" in texts
    assert "that the plan will pass this spring" in texts
    assert all(not (c.lo <= said.i <= c.hi and c.hole is None) for c in cands)  # never the cue itself


def test_candidates_of_a_parenthetical_cue_leave_a_hole(nlp):
    doc = nlp("The economy, the senator said, is in serious trouble.")
    said = _tok(doc, "said")
    holed = [c for c in candidates(said) if c.hole is not None]
    assert holed, "a parenthetical cue offers the clause around it minus the attribution"
    assert any(" ".join(doc[i].text for i in c.tokens()).startswith("The economy") and "said" not in
               [doc[i].text for i in c.tokens()] for c in holed)


def test_ranker_learns_to_prefer_a_candidate_and_none(nlp):
    doc = nlp("The senator said that the plan will pass.")
    said = _tok(doc, "said")
    cands = candidates(said)
    target = next(k for k, c in enumerate(cands) if doc[c.lo].lower_ == "that")
    m = SpanModel(lemmas=["say"])
    for _ in range(3):
        feats = [none_features(said, True)] + [cand_features(said, c, True) for c in cands]
        scores = [m.p.score(f) for f in feats]
        pred = max(range(len(scores)), key=lambda j: (scores[j], -j))
        m.p.tick()
        if pred != target + 1:
            m.p.add(feats[target + 1], 1.0)
            m.p.add(feats[pred], -1.0)
    m.p.average()
    best, margin = m.rank(said)
    assert best is cands[target] or best.key() == cands[target].key()
    assert margin > 0
    again = SpanModel(**{k: v for k, v in m.to_json().items() if k != "weights"}, weights=m.to_json()["weights"])
    assert again.rank(said)[1] == margin


def test_shipped_span_model_loads():
    m = load_span_model()
    assert m is not None and len(m.p.w) > 1000 and "say" in m.lemmas


def test_attributions_scope_finds_beliefs_with_their_source(extract):
    text = ("The governor believes the tax plan will pass this spring.\n\n"
            "A new poll shows that support for the senator has fallen sharply in the state.\n")
    recs = extract(text, published="2016-05-02", settings=Settings(scope="attributions", extractor="accurate"))
    r = next(r for r in recs if "the tax plan will pass this spring" in r["quote"])
    assert r["speaker_mention"] == "The governor" and r["cue_text"] == "believes"
    r = next(r for r in recs if "support for the senator has fallen sharply" in r["quote"])
    assert r["speaker_mention"] == "A new poll"


def test_polnear_records_cut_a_parenthetical_attribution_out():
    """PolNeAR's content of "The economy, he said, is weak" is two pieces around "he said"."""
    from saidwhat.eval.polnear import prediction_records
    from saidwhat.models import Statement
    text = "The economy, the senator said, is in serious trouble this year.\n"
    a = text.index("the senator")
    cue = text.index("said")
    s = Statement(doc="d", doc_id="d", kind="indirect", quote=text[:-2], start=0, end=len(text) - 2,
                  cue="say", cue_text="said", cue_start=cue, cue_end=cue + 4,
                  speaker_mention="the senator", speaker_start=a, speaker_end=a + len("the senator"))
    rec = prediction_records("d", [s], text)[0]
    assert [text[x:y] for x, y in rec["content"]["spans"]] == ["The economy", "is in serious trouble this year"]


def test_dense_cue_detector_learns_from_context_and_round_trips(nlp):
    """densecue.py: sparse features + the tok2vec vectors of the token, its head and its dependents."""
    import numpy as np

    from saidwhat.nlp.cuemodel import features
    from saidwhat.nlp.densecue import DenseCue, dense_matrix, train
    doc = nlp("The senator said that the plan will pass. The plan has three parts.")
    said, parts = _tok(doc, "said"), _tok(doc, "parts")
    X = dense_matrix(doc, [said.i, parts.i])
    assert X is not None and X.shape == (2, 3 * doc.tensor.shape[1])
    exs = [(features(said), X[0], True), (features(parts), X[1], False)] * 20
    m = train(exs, seed=0, epochs=5, hidden=8, lr=1e-2)
    s_said, s_parts = m.score_tokens(doc, [said.i, parts.i])
    assert s_said > 0 > s_parts
    again = DenseCue.from_json(m.to_json())
    assert np.allclose(again.score_tokens(doc, [said.i, parts.i]), [s_said, s_parts], atol=1e-3)
    assert np.allclose(m.score_rows(exs[:2]), [s_said, s_parts], atol=1e-4)
    doc.tensor = np.zeros((0, 0), dtype="float32")  # no tok2vec output: the caller falls back
    assert m.score_tokens(doc, [said.i]) is None


def test_shipped_dense_cue_model_scores_a_speech_verb(nlp):
    from saidwhat.nlp.densecue import load_dense
    m = load_dense()
    if m is None:
        return  # weights not shipped: the perceptron works alone
    doc = nlp("The senator said that the plan will pass.")
    assert m.score_tokens(doc, [_tok(doc, "said").i])[0] > 0
