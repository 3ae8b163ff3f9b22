"""The attribution tagger (nlp/tagger.py): BIO decoding, grouping tagged runs into attributions, the
gold-tag round trip on PolNeAR dev, ensembles, and the tagger inside the attributions scope (its training:
test_train_tagger.py)."""
import json
from pathlib import Path

import numpy as np
import pytest

from saidwhat.config import Settings
from saidwhat.tagger.decode import TAGS, group, run_probabilities, spans_of, viterbi
from saidwhat.tagger.model import PACKAGED, WINDOW, available, doc_labels, load_tagger, load_tokenizer, weights_path

DEV = Path(__file__).resolve().parents[3] / "shared" / "polnear" / "dev.jsonl"


def _items(text, *runs):
    """(role, start, end) for each (role, substring) in order of appearance."""
    out, pos = [], 0
    for role, sub in runs:
        a = text.index(sub, pos)
        out.append((role, a, a + len(sub)))
        pos = a + len(sub)
    return out


def _grouped(text, *runs):
    """group()'s attributions of the tagged runs (as for _items), as _texts gives them."""
    return [_texts(text, r) for r in group(text, _items(text, *runs))]


def _texts(text, rec):
    pick = lambda span: text[span[0]:span[1]] if span else None  # noqa: E731
    return [text[a:b] for a, b in rec["content"]], pick(rec["cue"]), pick(rec["source"])


def test_viterbi_never_opens_with_an_inside_tag():
    rng = np.random.RandomState(0)
    for _ in range(20):
        tags = viterbi(np.log(rng.dirichlet(np.ones(len(TAGS)), size=30)))
        names = [TAGS[t] for t in tags]
        for prev, cur in zip(["O"] + names, names):
            if cur.startswith("I-"):
                assert prev[2:] == cur[2:], names


def _allowed_sequences(n):
    from itertools import product

    from saidwhat.tagger.decode import ALLOWED, START_OK
    for seq in product(range(len(TAGS)), repeat=n):
        if START_OK[seq[0]] and all(ALLOWED[a, b] for a, b in zip(seq, seq[1:])):
            yield seq


def test_viterbi_with_learned_transitions_finds_the_best_allowed_sequence():
    rng = np.random.RandomState(1)
    for _ in range(5):
        logp = np.log(rng.dirichlet(np.ones(len(TAGS)), size=4))
        learned = rng.normal(0, 2, size=(len(TAGS), len(TAGS)))
        total = lambda seq: sum(logp[i, t] for i, t in enumerate(seq)) + \
            sum(learned[a, b] for a, b in zip(seq, seq[1:]))  # noqa: E731
        best = max(_allowed_sequences(4), key=total)
        assert total(tuple(viterbi(logp, learned))) == pytest.approx(total(best))
    # a strong learned score for staying in content outweighs a weak local preference
    logp = np.log(np.array([[0.1, 0.8, 0.02, 0.02, 0.02, 0.02, 0.02],
                            [0.5, 0.05, 0.4, 0.01, 0.01, 0.01, 0.02]]))
    assert [TAGS[t] for t in viterbi(logp)] == ["B-C", "O"]
    learned = np.zeros((len(TAGS), len(TAGS)))
    learned[1, 2] = 1.0
    assert [TAGS[t] for t in viterbi(logp, learned)] == ["B-C", "I-C"]


def test_spans_of_splits_at_every_begin_tag():
    offsets = [(0, 2), (3, 5), (6, 8), (9, 11)]
    b, i = TAGS.index("B-C"), TAGS.index("I-C")
    assert spans_of([b, i, b, 0], offsets) == [("C", 0, 5), ("C", 6, 8)]


def test_cue_before_and_after_its_content():
    text = "The senator said that the plan will pass. The plan is dead, her rival said."
    recs = _grouped(text, ("S", "The senator"), ("Q", "said"), ("C", "that the plan will pass"),
                    ("C", "The plan is dead"), ("S", "her rival"), ("Q", "said"))
    assert recs == [(["that the plan will pass"], "said", "The senator"),
                    (["The plan is dead"], "said", "her rival")]


def test_words_between_a_cue_and_its_content_keep_them_together():
    text = "The senator said on Monday that the plan will pass. Many voters believe the economy is worse."
    recs = _grouped(text, ("S", "The senator"), ("Q", "said"), ("C", "that the plan will pass"),
                    ("S", "Many voters"), ("Q", "believe"), ("C", "the economy is worse"))
    assert recs == [(["that the plan will pass"], "said", "The senator"),
                    (["the economy is worse"], "believe", "Many voters")]


def test_quote_split_by_its_attribution_is_one_attribution():
    text = "“We will win,” she said, “and we will win big.” Later, the mayor said the vote was close."
    recs = _grouped(text, ("C", "“We will win,”"), ("S", "she"), ("Q", "said"), ("C", "“and we will win big.”"),
                    ("S", "the mayor"), ("Q", "said"), ("C", "the vote was close"))
    assert recs[0] == (["“We will win,”", "“and we will win big.”"], "said", "she")
    assert recs[1] == (["the vote was close"], "said", "the mayor")


def test_a_second_quote_after_the_attribution_sentence_continues_it():
    text = "“It is over,” she said in an interview. “In my head, anyway.”"
    items = _items(text, ("C", "“It is over,”"), ("S", "she"), ("Q", "said"), ("C", "“In my head, anyway.”"))
    [rec] = group(text, items)
    assert _texts(text, rec)[0] == ["“It is over,”", "“In my head, anyway.”"]


def test_a_quote_with_a_cue_of_its_own_is_not_a_continuation():
    text = "“Coal is fine,” he said. “Carbon is the villain,” he added."
    recs = _grouped(text, ("C", "“Coal is fine,”"), ("S", "he"), ("Q", "said"),
                    ("C", "“Carbon is the villain,”"), ("S", "he"), ("Q", "added"))
    assert recs == [(["“Coal is fine,”"], "said", "he"), (["“Carbon is the villain,”"], "added", "he")]


def test_an_attribution_inside_a_split_quote_leaves_the_quote_whole():
    text = "“This is in their heads,” said Caddell, speaking of the health issue. “It is worrying them.”"
    recs = _grouped(text, ("C", "“This is in their heads,”"), ("Q", "said"), ("S", "Caddell"), ("Q", "speaking of"),
                    ("C", "the health issue"), ("C", "“It is worrying them.”"))
    assert recs == [(["“This is in their heads,”", "“It is worrying them.”"], "said", "Caddell"),
                    (["the health issue"], "speaking of", "Caddell")]


def test_a_second_cue_still_free_takes_the_quote_after_it():
    text = "“We can't afford this,” Trump said, adding later, “NATO is costing us a fortune.”"
    recs = _grouped(text, ("C", "“We can't afford this,”"), ("S", "Trump"), ("Q", "said"), ("Q", "adding"),
                    ("C", "“NATO is costing us a fortune.”"))
    assert recs == [(["“We can't afford this,”"], "said", "Trump"),
                    (["“NATO is costing us a fortune.”"], "adding", "Trump")]


def test_a_cue_between_two_contents_takes_both_when_the_next_cue_has_its_own():
    text = "Its efforts -- which Tim Cook called ''total crap'' -- one question is whether firms will leave."
    recs = _grouped(text, ("C", "which"), ("S", "Tim Cook"), ("Q", "called"), ("C", "''total crap''"),
                    ("Q", "one question is"), ("C", "whether firms will leave"))
    assert recs == [(["which", "''total crap''"], "called", "Tim Cook"),
                    (["whether firms will leave"], "one question is", "Tim Cook")]


def test_a_paragraph_break_parts_a_report_from_the_quotation_after_it():
    text = "31 Latinos Share Their Thoughts On Donald Trump.\n\n“We need law and order.”"
    recs = _grouped(text, ("S", "31 Latinos"), ("Q", "Share Their Thoughts On"), ("C", "Donald Trump"),
                    ("C", "“We need law and order.”"))
    assert recs == [(["Donald Trump"], "Share Their Thoughts On", "31 Latinos"),
                    (["“We need law and order.”"], None, None)]


def test_a_source_is_shared_by_a_second_cue_of_its_sentence():
    text = "Sen. Perdue said the ads failed, arguing that divisions were the bigger hurdle."
    recs = _grouped(text, ("S", "Sen. Perdue"), ("Q", "said"), ("C", "the ads failed"), ("Q", "arguing"),
                    ("C", "that divisions were the bigger hurdle"))
    assert recs == [(["the ads failed"], "said", "Sen. Perdue"),
                    (["that divisions were the bigger hurdle"], "arguing", "Sen. Perdue")]


def test_content_without_a_cue_is_kept_only_when_quoted():
    text = "Nothing was said. The plan will pass. “It will pass.”"
    [rec] = group(text, _items(text, ("C", "The plan will pass"), ("C", "“It will pass.”")))
    assert _texts(text, rec) == (["“It will pass.”"], None, None)


@pytest.mark.skipif(not DEV.exists(), reason="shared PolNeAR dev not found")
def test_gold_tags_round_trip_through_grouping():
    """Gold attributions -> word-piece tags -> grouped attributions: the decoding loses little."""
    from saidwhat.eval.polnear import score_polnear
    docs = [json.loads(line) for line in DEV.open(encoding="utf-8")][:30]
    tok = load_tokenizer()
    preds = []
    for d in docs:
        e = tok.encode(d["text"], add_special_tokens=False)
        for rec in group(d["text"], spans_of(doc_labels(d["text"], e.offsets, d["attributions"]), e.offsets)):
            sp = [list(p) for p in rec["content"]]
            preds.append({"doc_id": d["doc_id"], "content": {"start": sp[0][0], "end": sp[-1][1], "spans": sp},
                          "source_text": d["text"][slice(*rec["source"])] if rec["source"] else None})
    res = score_polnear(docs, preds)
    assert res["exact"]["f1"] > 0.9 and res["overlap"]["f1"] > 0.95 and res["source_accuracy"] > 0.93


def test_labels_mark_pieces_and_continuations():
    text = "“A b,” she said, “c d.”\n\ne f"
    tok = load_tokenizer()
    e = tok.encode(text, add_special_tokens=False)
    att = [{"source": {"start": 7, "end": 10}, "cue": {"start": 11, "end": 15},
            "content": {"start": 0, "end": len(text), "spans": [[0, 6], [17, 23], [25, 28]]}}]
    tags = [TAGS[t] for t in doc_labels(text, e.offsets, att)]
    words = [text[a:b] for a, b in e.offsets]
    assert list(zip(words, tags))[:9] == [("“", "B-C"), ("A", "I-C"), ("b", "I-C"), (",", "I-C"), ("”", "I-C"),
                                          ("she", "B-S"), ("said", "B-Q"), (",", "O"), ("“", "B-C")]
    assert tags[words.index("e")] == "I-C"  # across a paragraph break: the same piece goes on


needs_tagger = pytest.mark.skipif(not available(weights_path()), reason="tagger weights or their base missing")


def test_run_probabilities_sum_the_sequences_that_hold_each_content_run_exactly():
    rng = np.random.RandomState(2)
    b_c, i_c = TAGS.index("B-C"), TAGS.index("I-C")
    for learned in (None, rng.normal(0, 1, size=(len(TAGS), len(TAGS)))):
        logp = np.log(rng.dirichlet(np.ones(len(TAGS)) * 0.5, size=5))
        trans = np.zeros((len(TAGS), len(TAGS))) if learned is None else learned
        weight = {seq: np.exp(sum(logp[i, t] for i, t in enumerate(seq)) + sum(trans[a, b] for a, b in zip(seq, seq[1:])))
                  for seq in _allowed_sequences(5)}
        total = sum(weight.values())
        # runs of one piece, of several, at the start and at the end of the text
        for tags in ([b_c, i_c, 0, b_c, 0], [0, b_c, b_c, i_c, i_c], [3, 4, b_c, 5, b_c]):
            runs = [(i, j) for i in range(5) for j in range(i, 5)
                    if tags[i] == b_c and all(t == i_c for t in tags[i + 1:j + 1]) and (j == 4 or tags[j + 1] != i_c)]
            want = [sum(w for seq, w in weight.items() if seq[i] == b_c and all(t == i_c for t in seq[i + 1:j + 1])
                        and (j == 4 or seq[j + 1] != i_c)) / total for i, j in runs]
            assert run_probabilities(logp, learned, tags) == pytest.approx(want)
    assert run_probabilities(np.zeros((3, len(TAGS))), None, [0, 0, 0]) == []


@pytest.mark.parametrize("base", sorted(PACKAGED))
def test_shipped_tagger_finds_speech_and_belief(nlp, base, monkeypatch):
    if not available(PACKAGED[base]):
        pytest.skip(f"the {base} tagger's weights or base are not installed")
    monkeypatch.delenv("SAIDWHAT_TAGGER_WEIGHTS", raising=False)
    monkeypatch.setenv("SAIDWHAT_TAGGER_BASE", base)
    tagger = load_tagger()
    assert tagger.enc.base.name == base
    text = ("The senator said on Monday that the tax plan would pass this spring. "
            "Many voters believe the economy is getting worse.")
    recs = [_texts(text, r) for r in tagger.attributions(text, nlp(text))]
    # the cue's extent is the model's call ("said" or "said on Monday"); content and source are not
    assert any(c == ["that the tax plan would pass this spring"] and q.startswith("said") and s == "The senator"
               for c, q, s in recs), recs
    assert any(c == ["the economy is getting worse"] and s == "Many voters" for c, _, s in recs)
    # each attribution says how likely its content is to be exactly right; these clear ones are
    assert all(0.5 < r["confidence"] <= 1.0 for r in tagger.attributions(text, nlp(text)))


@needs_tagger
@pytest.mark.slow
def test_long_text_is_read_in_overlapping_windows(nlp):
    tagger = load_tagger()
    text = " ".join(f"Official number {i} said the budget would grow." for i in range(60))
    ids = tagger.tok.encode(text, add_special_tokens=False).ids
    assert len(ids) > 2 * WINDOW
    lp = tagger.log_probs(ids)
    assert lp.shape == (len(ids), len(TAGS)) and np.allclose(np.exp(lp).sum(1), 1.0, atol=1e-4)
    recs = tagger.attributions(text, nlp(text))
    assert len(recs) >= 55  # every sentence, the ones at window edges too


@pytest.mark.slow
def test_an_ensemble_averages_its_runs_probabilities_and_transitions(nlp, tmp_path, monkeypatch):
    """SAIDWHAT_TAGGER_WEIGHTS=a:b: two runs of one base read every piece with both and average the
    probabilities (not the log-probabilities) and the learned transitions; runs of two bases refuse."""
    import os

    from saidwhat.tagger.model import AttributionTagger, weights_paths
    fast = PACKAGED["minilm"][0]
    if not available(fast):
        pytest.skip("the fast tagger's weights or base are not installed")
    raw = dict(np.load(fast))
    rng = np.random.RandomState(3)
    other = dict(raw)
    other["head.bias"] = (raw["head.bias"].astype(np.float32) + rng.normal(0, 1.5, raw["head.bias"].shape)).astype(np.float16)
    other["crf.trans"] = (raw["crf.trans"].astype(np.float32) + rng.normal(0, 1, raw["crf.trans"].shape)).astype(np.float16)
    np.savez(tmp_path / "seed1.npz", **other)
    monkeypatch.setenv("SAIDWHAT_TAGGER_WEIGHTS", f"{fast}{os.pathsep}{tmp_path / 'seed1.npz'}")
    assert weights_paths() == (fast, tmp_path / "seed1.npz")
    one, two = AttributionTagger(fast), AttributionTagger(tmp_path / "seed1.npz")
    both = load_tagger()
    assert len(both.encs) == 2
    text = "The senator said on Monday that the tax plan would pass this spring."
    e = one.tok.encode(text, add_special_tokens=False)
    from saidwhat.tagger.model import parse_features
    feats = parse_features(nlp(text), e.offsets, one.enc.vocab)
    p1, p2 = np.exp(one.log_probs(e.ids, feats)), np.exp(two.log_probs(e.ids, feats))
    assert not np.allclose(p1, p2, atol=1e-3)
    assert np.allclose(np.exp(both.log_probs(e.ids, feats)), (p1 + p2) / 2, atol=1e-5)
    assert np.allclose(both.trans, (one.enc.trans + two.enc.trans) / 2)
    assert both.attributions(text, nlp(text))
    if available(PACKAGED["mpnet"]):
        with pytest.raises(ValueError, match="another base"):
            AttributionTagger([fast, PACKAGED["mpnet"][0]])


@needs_tagger
def test_attributions_scope_uses_the_tagger_and_can_do_without(nlp):
    from saidwhat.api import extract
    text = "The governor believes the tax plan will pass this spring.\n"
    tagged = extract(text, published="2016-05-02", settings=Settings(scope="attributions", extractor="accurate"))
    rules = extract(text, published="2016-05-02", settings=Settings(scope="attributions", extractor="rules"))
    r = next(r for r in tagged if "the tax plan will pass" in r["quote"])
    assert r["speaker_mention"] == "The governor" and r["cue_text"] == "believes" and r["cue"] == "believe"
    assert any("the tax plan will pass" in r["quote"] for r in rules)
    # the statement's confidence is the tagger's (not the rules' fixed figure for how it was found),
    # less 0.1 for a speaker known only as "the ..."
    tagger = load_tagger()
    rec = next(x for x in tagger.attributions(text, nlp(text)) if "the tax plan" in text[slice(*x["content"][0])])
    assert r["confidence"] == round(max(0.05, min(0.99, rec["confidence"] - 0.1)), 2)


@needs_tagger
@pytest.mark.slow
def test_min_confidence_leaves_out_the_less_certain_attributions(monkeypatch):
    from saidwhat.api import extract
    text = ("The governor believes the tax plan will pass this spring. Critics have questioned whether the "
            "plan, which some economists call risky, can survive a long fight in the legislature.\n")
    every = extract(text, settings=Settings(scope="attributions", extractor="accurate"))
    assert every
    least = min(r["confidence"] for r in every)
    kept = extract(text, settings=Settings(scope="attributions", extractor="accurate", tagger_min_confidence=min(1.0, least + 0.2)))
    assert len(kept) < len(every) and all(r["confidence"] >= least for r in kept)
    assert extract(text, settings=Settings(scope="attributions", extractor="accurate", tagger_min_confidence=0.0)) == every
    monkeypatch.setenv("SAIDWHAT_TAGGER_MIN_CONFIDENCE", "0.4")
    assert Settings().tagger_min_confidence == 0.4
    monkeypatch.setenv("SAIDWHAT_TAGGER_MIN_CONFIDENCE", "high")
    with pytest.raises(ValueError, match="SAIDWHAT_TAGGER_MIN_CONFIDENCE must be a number from 0 to 1"):
        Settings()


@needs_tagger
def test_a_relative_who_speaks_for_its_antecedent(nlp):
    from saidwhat.api import extract
    text = ("The call was made by Environment Ministry spokesperson Lena Varga, who also told reporters on Tuesday "
            "that the agency is continuing to work with farmers on the new rules.\n")
    recs = extract(text, published="2024-03-08", settings=Settings(scope="attributions", extractor="accurate"))
    r = next(r for r in recs if "continuing to work" in r["quote"])
    assert r["speaker_mention"] == "who" and text[r["speaker_start"]:r["speaker_end"]] == "who"  # as written
    assert r["speaker"] == "Lena Varga" and r["date"] == "2024-03-05"


def test_missing_weights_mean_no_tagger(tmp_path):
    assert not available(tmp_path / "none.npz")


def test_parse_features_follow_the_token_each_piece_starts_in(nlp):
    from saidwhat.tagger.model import FEATURES, feature_vocab, parse_features
    text = "Officials said unbelievably. It rained."
    doc = nlp(text)
    vocab = feature_vocab(nlp)
    e = load_tokenizer().encode(text, add_special_tokens=False)
    f = parse_features(doc, e.offsets, vocab)
    assert f.shape == (len(e.ids), len(FEATURES))
    words = [text[a:b] for a, b in e.offsets]
    said = words.index("said")
    assert vocab["tag"][f[said, 0] - 1] == "VBD" and vocab["dep"][f[said, 1] - 1] == "ROOT"
    assert f[said, 2] == 3 and f[said, 4] == 0  # its own head; no head label
    assert f[words.index("It"), 3] == 1 and f[words.index("Officials"), 3] == 1  # sentence starts
    pieces = [k for k, (a, _) in enumerate(e.offsets) if text.find("unbelievably") <= a < text.find(".")]
    assert len(pieces) > 1 and len({tuple(f[k]) for k in pieces}) == 1  # one word, one token's features


def test_rule_speakers_fill_missing_sources_only():
    from saidwhat.nlp.candidates import Candidate
    from saidwhat.nlp.tagged import with_rule_speakers
    text = "The senator said that the plan will pass this spring, aides added."
    a = text.index("that")
    b = text.index(", aides")
    tagged = [Candidate(kind="indirect", start=a, end=b - len(" spring")),      # stops a word short
              Candidate(kind="indirect", start=0, end=3)]                        # nothing like it in the rules
    rules = [Candidate(kind="indirect", start=a, end=b, speaker_text="The senator", speaker_start=0, speaker_end=11,
                       speaker_label="NOUN", speaker_head="senator")]
    out = with_rule_speakers(tagged, rules, text)
    assert (out[0].start, out[0].end) == (a, b - len(" spring")) and out[0].speaker_text == "The senator"
    assert (out[1].start, out[1].end, out[1].speaker_text) == (0, 3, None)
    far = [Candidate(kind="indirect", start=a, end=text.index(" plan"))]          # "that the": too little
    assert with_rule_speakers(far, rules, text)[0].speaker_text is None
    own = [Candidate(kind="indirect", start=a, end=b, speaker_text="aides", speaker_start=b + 2, speaker_end=b + 7)]
    assert with_rule_speakers(own, rules, text)[0].speaker_text == "aides"       # its own source stays
