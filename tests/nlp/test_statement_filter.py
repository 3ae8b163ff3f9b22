"""The statement filter (nlp/statement_filter.py) and the default extractor path it serves: the
tagger's speech acts are statements, its beliefs, intentions and perceptions are not (statements
scope), every one of them is kept in the attributions scope; an unknown cue goes to the learned
model; a content of nothing but pronouns is no statement. Texts written for these tests."""
import numpy as np
import pytest

from saidwhat.api import extract
from saidwhat.config import Settings
from saidwhat.nlp import statement_filter as sf
from saidwhat.nlp.candidates import Candidate
from saidwhat.tagger.model import PACKAGED, available

needs_fast = pytest.mark.skipif(not available(PACKAGED["minilm"]), reason="the fast tagger is not installed")

SPEECH = ("The senator said on Monday that the tax plan would pass this spring.\n\n"
          "The mayor told reporters that the bridge would reopen in May.\n\n"
          "The governor accused the legislature of wasting the surplus.\n")
BELIEF = ("Many voters believe the economy is getting worse.\n\n"
          "The senator hopes the tax plan will pass this spring.\n\n"
          "Residents fear that the bridge will stay closed.\n")


def _quotes(records):
    return [r["quote"] for r in records]


@needs_fast
@pytest.mark.parametrize("extractor", ["fast", "accurate"])
def test_statements_scope_keeps_speech_and_drops_beliefs(extractor, nlp):
    settings = Settings(extractor=extractor)
    said = extract(SPEECH, published="2024-03-04", settings=settings)
    assert any(q.startswith("that the tax plan would pass") or q.startswith("the tax plan would pass") for q in _quotes(said))
    assert any("the bridge would reopen in May" in q for q in _quotes(said))
    assert any("the legislature of wasting the surplus" in q for q in _quotes(said))
    thought = extract(BELIEF, published="2024-03-04", settings=settings)
    assert thought == [], _quotes(thought)
    wide = extract(BELIEF, published="2024-03-04", settings=Settings(extractor=extractor, scope="attributions"))
    assert any("the economy is getting worse" in q for q in _quotes(wide))
    assert any("the bridge will stay closed" in q for q in _quotes(wide))


@needs_fast
def test_the_tagger_gives_the_spans_of_the_default_path(nlp):
    text = "The senator said on Monday that the tax plan would pass this spring.\n"
    tagger = extract(text, published="2024-03-04", settings=Settings(extractor="fast"))
    rules = extract(text, published="2024-03-04", settings=Settings(extractor="rules"))
    assert [r["speaker_mention"] for r in tagger] == ["The senator"] and tagger[0]["cue"] == "say"
    assert tagger[0]["confidence"] != rules[0]["confidence"]  # the tagger's own confidence, not the rules'


def test_default_extractor_is_fast_and_the_setting_is_checked(monkeypatch):
    monkeypatch.delenv("SAIDWHAT_EXTRACTOR", raising=False)
    assert Settings().extractor == "fast"
    monkeypatch.setenv("SAIDWHAT_EXTRACTOR", "Accurate")
    assert Settings().extractor == "accurate"
    monkeypatch.setenv("SAIDWHAT_EXTRACTOR", "bert")
    with pytest.raises(ValueError, match="SAIDWHAT_EXTRACTOR"):
        Settings()


def test_lexicon_reads_both_classes_and_refuses_others(tmp_path):
    lex = sf.cue_lexicon()
    assert lex["say"] == lex["accuse"] == lex["tweet"] == lex["according to"] == "speech"
    assert lex["believe"] == lex["hope"] == lex["want"] == lex["know"] == lex["fear"] == lex["see"] == "other"
    bad = tmp_path / "bad.tsv"
    bad.write_text("say\tspeech\nponder\tmaybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="maybe"):
        sf.cue_lexicon.__wrapped__(bad)


def _candidate(doc, content: str, cue: str, lemma: str, source: str | None) -> Candidate:
    text = doc.text
    a = text.index(content)
    c = Candidate(kind="indirect", start=a, end=a + len(content), cue=lemma, cue_text=cue,
                  cue_start=text.index(cue), cue_end=text.index(cue) + len(cue))
    if source:
        c.speaker_start, c.speaker_end = text.index(source), text.index(source) + len(source)
    return c


@pytest.mark.skipif(sf.load_filter() is None, reason="the statement filter is not installed")
def test_an_unknown_cue_goes_to_the_model_and_a_known_one_to_the_lexicon(nlp, monkeypatch):
    filt = sf.load_filter()
    doc = nlp("The minister intoned that the border would stay open.")
    c = _candidate(doc, "the border would stay open", "intoned", "intone", "The minister")
    assert "intone" not in filt.lexicon
    d = filt.decide(doc, c)
    assert d.how == "model" and 0.0 < d.probability < 1.0 and d.keep == (d.probability >= filt.threshold)
    # the same attribution under a cue the lexicon knows is decided by it, either way
    for lemma, keep in (("say", True), ("believe", False)):
        c.cue = lemma
        d = filt.decide(doc, c)
        assert (d.how, d.keep) == ("lexicon", keep)


@pytest.mark.skipif(sf.load_filter() is None, reason="the statement filter is not installed")
def test_the_model_tells_speech_verbs_from_belief_verbs_it_never_saw(nlp):
    """Verbs outside the lexicon (so decided by the learned model): speech-like ones score higher
    than belief-like ones, in the same sentence frame."""
    filt = sf.load_filter()
    speechy, believy = ["intone", "proclaim", "holler"], ["surmise", "presume", "fancy"]
    speechy = [w for w in speechy if w not in filt.lexicon]
    believy = [w for w in believy if w not in filt.lexicon]
    assert speechy and believy
    doc = nlp("The minister X that the border would stay open.")

    def p(lemma):
        c = _candidate(doc, "the border would stay open", "X", lemma, "The minister")
        c.cue_text = lemma
        return filt.decide(doc, c).probability

    assert np.mean([p(w) for w in speechy]) > np.mean([p(w) for w in believy])


@pytest.mark.skipif(sf.load_filter() is None, reason="the statement filter is not installed")
def test_a_content_of_only_pronouns_is_no_statement(nlp):
    filt = sf.load_filter()
    doc = nlp("The claim, which she denied, was false.")
    c = _candidate(doc, "which", "denied", "deny", "she")
    d = filt.decide(doc, c)
    assert (d.keep, d.how) == (False, "empty content")


def test_the_tagger_reads_only_sentences_that_can_hold_an_attribution(nlp):
    from saidwhat.nlp.tagged import reading_regions
    text = ("The river rose overnight. Boats were moved inland. The bridge stayed open. "
            "The mayor said the levee would hold. Schools were closed. Buses ran late. Trains ran too. "
            "Shops opened at noon. " + '"' * 400 + " The end came.")
    doc = nlp(text)
    regions = reading_regions(doc, doc._.sw_quotes, frozenset({"say", "tell"}))
    read = "".join(text[a:b] for a, b in regions)
    assert "The mayor said the levee would hold." in read
    assert "The bridge stayed open." in read and "Schools were closed." in read  # a sentence either side
    assert "The river rose overnight." not in read and "Trains ran too." not in read
    assert '"' * 100 not in read  # a run of symbols is not read, even beside a cue
    assert reading_regions(nlp(""), [], sf.cue_words()) == []
    assert {"say", "accuse", "believe"} <= sf.cue_words()  # the shipped list: PolNeAR train's cues and the lexicon
