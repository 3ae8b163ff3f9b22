"""Candidates of the attributions scope from the attribution tagger (saidwhat.tagger).

The tagger gives character spans (content pieces, cue, source as written); this module ties them to
the parse for what the resolve stage needs: the cue's lemma and negation, the speaker's label, head
and names. One candidate per content piece: pieces parted by their own attribution ("“A,” she said,
“B.”") stay separate statements with the same cue and speaker, as the rules make them; pieces parted
by nothing but spaces and punctuation (a paragraph break) are one. ``with_rule_speakers`` lets the
rules' candidates (the span chooser's) give a missing speaker.
"""
from __future__ import annotations

import re

from saidwhat.nlp.candidates import Candidate

WORD = re.compile(r"\w")
WORDS = re.compile(r"\w+")


def _pieces(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in pieces:
        if out and not WORD.search(text, out[-1][1], a):
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _cue_token(span):
    """The word that names the act: the span's verb, else its root ("according to" -> according)."""
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and not t.is_punct]
    main = [t for t in verbs if t.pos_ == "VERB"]
    if main:
        return main[-1] if span.root not in main else span.root
    return span.root


RELATIVE = ("who", "which", "that")


def _antecedent(att, src):
    """The noun a relative pronoun source stands for ("Smith, who told …" -> Smith), by the
    rules' own subject finder; else None."""
    if len(src) != 1 or src[0].lower_ not in RELATIVE or src[0].dep_ != "nsubj":
        return None
    subj = att.subject_of(src[0].head)
    return subj if subj is not None and subj.i != src[0].i else None


def _prose(sent) -> bool:
    """A sentence of words, not a long run of symbols (16,000 quotation marks: nothing to tag, and
    the encoder would read each as a piece)."""
    return len(sent) < 40 or sum(t.is_alpha for t in sent) >= 0.2 * len(sent)


def reading_regions(doc, quotes, cue_words: frozenset[str]) -> list[tuple[int, int]]:
    """The character ranges the tagger needs to read: runs of consecutive sentences each holding a
    word that can name an attribution (``cue_words``: lemmas or lower-cased forms) or a quotation
    (any part of one), with one sentence of context either side; a sentence with neither (and not
    next to one) cannot hold an attribution's cue, and the encoder skips it, as it skips a long
    sentence that is mostly symbols (``_prose``)."""
    sents = list(doc.sents)
    if not sents:
        return []
    spans = [(q.start, q.end) for q in quotes or []]
    prose = [_prose(s) for s in sents]
    hot = [prose[i] and (any(t.lemma_.lower() in cue_words or t.lower_ in cue_words for t in s)
                         or any(a < s.end_char and s.start_char < b for a, b in spans)) for i, s in enumerate(sents)]
    keep = [prose[i] and (hot[i] or (i > 0 and hot[i - 1]) or (i + 1 < len(sents) and hot[i + 1]))
            for i in range(len(sents))]
    out: list[list[int]] = []
    for s, k in zip(sents, keep):
        if not k:
            continue
        if out and out[-1][2] == s.start:  # the sentence right after the last kept one
            out[-1][1], out[-1][2] = s.end_char, s.end
        else:
            out.append([s.start_char, s.end_char, s.end])
    return [(a, b) for a, b, _ in out]


def tagged_candidates(att, tagger, min_confidence: float = 0.0,
                      regions: list[tuple[int, int]] | None = None) -> list[Candidate]:
    """Candidates of the tagger's attributions, but those whose content it gives less than
    ``min_confidence`` of being exactly right; ``regions``: the tagger reads only those (None: all)."""
    doc, text = att.doc, att.text
    out: list[Candidate] = []
    for rec in tagger.attributions(text, doc, regions):
        if rec["confidence"] < min_confidence:
            continue
        cue_tok = cue_span = None
        if rec["cue"]:
            cue_span = doc.char_span(*rec["cue"], alignment_mode="expand")
            if cue_span is not None and len(cue_span):
                cue_tok = _cue_token(cue_span)
        src = None
        if rec["source"]:
            src = doc.char_span(*rec["source"], alignment_mode="expand")
            if src is not None and not len(src):
                src = None
        negated = att.negated(cue_tok) if cue_tok is not None else False
        for a, b in _pieces(text, rec["content"]):
            if not WORD.search(text, a, b):
                continue  # a lone quotation mark
            kind = att.quote_kind(a, b) or "indirect"
            c = att.make(kind, (a, b), cue_tok, src.root if src is not None else None, "tagged", "model", neg=negated)
            c.span_confidence = rec["confidence"]
            if cue_span is not None and len(cue_span):
                c.cue_start, c.cue_end = rec["cue"]
                c.cue_text = text[c.cue_start:c.cue_end]
                if c.cue == "accord":
                    c.cue = "according to"
            if src is not None:
                c.speaker_start, c.speaker_end = rec["source"]
                c.speaker_text = text[c.speaker_start:c.speaker_end]
                antecedent = _antecedent(att, src)
                if antecedent is not None:  # "…, who also told reporters": the speaker is the antecedent's
                    att.fill_speaker(c, antecedent)
                    c.written = rec["source"]
            out.append(c)
    return out


SPEAKER_FIELDS = ("speaker_text", "speaker_start", "speaker_end", "speaker_label", "speaker_head", "speaker_names")


def _words(text: str, a: int, b: int) -> set[tuple[int, int]]:
    return {m.span() for m in WORDS.finditer(text, a, b)}


def _f1(x: set, y: set) -> float:
    common = len(x & y)
    return 2 * common / (len(x) + len(y)) if common else 0.0


def with_rule_speakers(tagged: list[Candidate], rules: list[Candidate], text: str,
                       near: float = 0.5) -> list[Candidate]:
    """A tagged candidate with no source takes the speaker of the rule candidate whose content it
    overlaps best, when their word F1 is ``near`` or more. Measured on a held-out tenth of PolNeAR
    train: source accuracy +2.7 points. (Taking the rules' boundaries as well, at word F1 >= 0.8,
    cost 0.4 points of exact content with the parse-feature tagger, so boundaries stay the tagger's.)"""
    spans = [(r, _words(text, r.start, r.end)) for r in rules if r.speaker_text]
    for c in tagged:
        if c.speaker_text is not None:
            continue
        mine = _words(text, c.start, c.end)
        best, score = None, 0.0
        for r, words in spans:
            if r.end > c.start and r.start < c.end:
                f = _f1(mine, words)
                if f > score:
                    best, score = r, f
        if best is not None and score >= near:
            for k in SPEAKER_FIELDS:
                setattr(c, k, getattr(best, k))
    return tagged
