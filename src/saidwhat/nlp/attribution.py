"""Find attributions in a parsed spaCy Doc: indirect and mixed statements from cue verbs and their
complements, direct quotes with the speaker and cue around them.

Input: a Doc parsed by a dependency parser, with ``doc._.sw_quotes`` set by the quote finder.
Output: plain ``Candidate`` records (character offsets), handed to the resolve stage.
"""
from __future__ import annotations

import re

from saidwhat.lexicon import Lexicon, lexicon
from saidwhat.nlp.candidates import Candidate
from saidwhat.nlp.cuemodel import features
from saidwhat.nlp.frames import STRIP_END, FrameMixin

SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "who", "which", "that"}
QUOTE_CHARS = set("\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\"'`")
MIN_DIRECT_WORDS = 4
COMP_DEPS = {"ccomp", "xcomp", "dobj", "attr", "acl", "prep"}


def paragraph_index(text: str) -> list[int]:
    """Start offsets of the paragraphs (lines) of ``text``."""
    starts = [0]
    for m in re.finditer(r"\n+", text):
        starts.append(m.end())
    return starts


def para_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


class Attributor(FrameMixin):
    def __init__(self, doc, lex: Lexicon | None = None, cue_model=None):
        self.doc = doc
        self.cue_model = cue_model  # learned cue detector, used in the "attributions" scope only
        self.text = doc.text
        self.lex = lex or lexicon()
        self.quotes = list(doc._.sw_quotes or [])
        self.pstarts = paragraph_index(self.text)
        # token index -> quote index for tokens inside a quote (marks included)
        self.inq: dict[int, int] = {}
        for qi, q in enumerate(self.quotes):
            lo, hi = q.open_at, (q.close_at if q.close_at is not None else q.end)
            span = doc.char_span(lo, hi + 1, alignment_mode="expand")
            if span is not None:
                for t in span:
                    self.inq[t.i] = qi

    # ---- helpers -------------------------------------------------------------------------
    def is_cue(self, t) -> list[str]:
        if t.pos_ not in ("VERB", "AUX") and not (t.tag_.startswith("VB")):
            return []
        lemma = t.lemma_.lower()
        frames = self.lex.cues.get(lemma, [])
        if lemma in self.lex.particles:
            need = self.lex.particles[lemma]
            if not any(c.dep_ == "prt" and c.lower_ == need for c in t.children):
                return []
        return frames

    def subject_of(self, t, depth: int = 0):
        for c in t.children:
            if c.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if c.dep_ == "nsubjpass":
                    return None
                if c.lower_ in ("who", "which", "that") and t.dep_ == "relcl":
                    return t.head
                if c.dep_ == "csubj":
                    # a clause cannot speak: "Aid groups said", "Leading experts said" misparsed as a
                    # verb with its object; the object noun heads the speaker (see mention_span)
                    obj = next((g for g in c.children if g.dep_ == "dobj" and g.pos_ in ("NOUN", "PROPN")
                                and g.i > c.i), None)
                    if obj is not None:
                        return obj
                return c
        # passive with an agent ("was made by X")
        for c in t.children:
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        if t.dep_ == "pcomp" and t.head.lower_ == "as" and t.head.head.lemma_.lower() in ("quote", "cite"):
            # "Reuters quoted the minister as saying …", "the minister was quoted by Reuters as saying …"
            verb = t.head.head
            return next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if depth < 3 and t.dep_ in ("conj", "advcl", "xcomp", "ccomp") and t.head.i != t.i:
            if t.dep_ == "advcl" and any(c.dep_ == "mark" for c in t.children):
                return None
            return self.subject_of(t.head, depth + 1)
        if t.dep_ == "relcl" and t.head.pos_ in ("PROPN", "NOUN"):
            return t.head
        return None

    def mention_span(self, head):
        """The noun phrase of a speaker head token, without relative clauses, appositions, conjuncts."""
        doc = self.doc
        # prefer a PERSON apposition ("the spokesperson, Jane Smith,")
        for c in head.children:
            if c.dep_ == "appos" and c.ent_type_ == "PERSON":
                head = c
                break
        left = head.i
        for c in head.lefts:
            if c.dep_ in ("det", "compound", "amod", "poss", "nmod", "nummod", "case", "punct") or c.dep_ == "":
                left = min(left, c.left_edge.i)
        if head.dep_ == "dobj" and head.head.dep_ == "csubj" and head.head.i < head.i:
            left = min(left, head.head.i)  # "Aid groups": the misparsed verb is part of the name
        # keep "Russia ’s" possessives; drop leading punctuation and whitespace
        while left < head.i and (doc[left].is_punct or doc[left].is_space):
            left += 1
        right = head.i
        for c in head.rights:
            if c.dep_ in ("compound", "flat", "case") and c.i == right + 1:
                right = c.i
            elif c.dep_ == "prep" and c.lower_ == "of" and c.i == right + 1 and any(
                    g.ent_type_ in ("GPE", "ORG", "NORP") for g in c.subtree):
                right = c.right_edge.i  # "the foreign ministry of Turkey"
            else:
                break
        return doc[left:right + 1]

    def content_from_subtree(self, tok, exclude=None):
        """Character span of tok's subtree, optionally minus a sub-tree (parenthetical cue)."""
        idxs = [t.i for t in tok.subtree if not (exclude is not None and exclude.left_edge.i <= t.i <= exclude.right_edge.i)]
        if not idxs:
            return None
        lo, hi = min(idxs), max(idxs)
        # "He said A and said B" / "said A but did not suggest B": a conjoined reporting verb (and
        # what follows it) is a new attribution, not part of this content
        for c in tok.rights:
            if c.dep_ == "conj" and self.is_cue(c) and c.i not in self.inq and not any(
                    g.dep_ in SUBJ_DEPS for g in c.children):
                stop = c.i
                while stop - 1 > lo and (self.doc[stop - 1].dep_ in ("cc", "punct") or self.doc[stop - 1].is_space
                                         or self.doc[stop - 1].dep_ in ("aux", "neg")):
                    stop -= 1
                hi = min(hi, stop - 1)
                break
        hi = self._before_background(tok, lo, hi)
        return self.trim(self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi]))

    def _before_background(self, head, lo: int, hi: int) -> int:
        """Cut a non-restrictive relative clause on a noun after the content's verb, and what
        follows it (", which is in its fourth day …"): in news that is the reporter's background,
        not the speaker's words. Not inside quotation marks; at least four words remain; a relative
        clause on the subject (", which was signed in 2020, must be …") is kept."""
        for t in self.doc[lo:hi + 1]:
            if (t.dep_ == "relcl" and t.i not in self.inq and t.head.i > head.i and t.left_edge.i > lo + 4
                    and self.doc[t.left_edge.i - 1].text == ","
                    and t.left_edge.lower_ in ("which", "who", "whose")):
                return t.left_edge.i - 2
        return hi

    def trim(self, a: int, b: int):
        text = self.text
        # drop a leading complementiser and punctuation
        while a < b and (text[a] in " \n\t,:—–-"):
            a += 1
        m = re.match(r"(that|whether)\s+", text[a:b], re.IGNORECASE)
        if m:
            a += m.end()
        while b > a and text[b - 1] in STRIP_END:
            b -= 1
        # an opening quotation mark right before the content belongs to it ('warned that "any use…')
        if a > 0 and text[a - 1] in "\u201c\u00ab\u201e\"" and (text[a:b].count('"') + text[a:b].count("\u201d")
                                                              + text[a:b].count("\u00bb")) % 2 == 1:
            a -= 1
        # keep a closing quotation mark (and the period inside it) when the content ends in a quote
        if b < len(text) and text[b:b + 1] in QUOTE_CHARS and self._quote_open_before(a, b):
            b += 1
        elif b + 1 < len(text) and text[b] in ".,!?" and text[b + 1] in QUOTE_CHARS and self._quote_open_before(a, b):
            b += 2
        if b - a < 2 or len(re.findall(r"\w+", text[a:b])) < 2:
            return None
        return a, b

    def _quote_open_before(self, a: int, b: int) -> bool:
        seg = self.text[a:b]
        opens = sum(seg.count(c) for c in "\u201c\u00ab\u201e\u2018")
        closes = sum(seg.count(c) for c in "\u201d\u00bb")
        straight = seg.count('"')
        return opens > closes or straight % 2 == 1

    def quote_kind(self, a: int, b: int) -> str | None:
        """'direct' if the span starts inside a quote, 'mixed' if it holds one, else 'indirect'."""
        for q in self.quotes:
            qa, qb = q.open_at, q.end
            if qa <= a < qb + 1 and a >= q.start - 1:
                rest = self.text[qb + 1:b]
                return "direct" if len(re.findall(r"\w+", rest)) == 0 else "mixed"
            if a < qa and q.start < b and len(self.text[q.start:q.end].split()) >= 1:
                return "mixed"
        return "indirect"

    def reported_kind(self, span: tuple[int, int]) -> str:
        """indirect or mixed: a span that begins inside a quotation but is reported around it."""
        kind = self.quote_kind(*span)
        return "mixed" if kind == "direct" else kind

    def negated(self, t) -> bool:
        neg = self.lex.negators
        if any(c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and c.lower_ in ("never",)) for c in t.children):
            return True
        if any(c.dep_ == "neg" for c in t.children if c.dep_ == "aux"):
            return True
        h = t.head
        if t.dep_ in ("xcomp",) and h.lemma_.lower() in self.lex.decline_verbs:
            return True
        if t.dep_ in ("xcomp",) and any(c.dep_ == "neg" or c.lower_ in neg for c in h.children):
            return True
        return False

    def sentence_bounds(self, t) -> tuple[int, int]:
        s = t.sent
        return s.start_char, s.end_char

    def make(self, kind, span, cue_tok, subj, frame, how, obj=None, neg=False) -> Candidate:
        a, b = span
        c = Candidate(kind=kind, start=a, end=b, frame=frame, how=how, negated=neg)
        if cue_tok is not None:
            c.cue = cue_tok.lemma_.lower()
            c.cue_text, c.cue_start, c.cue_end = cue_tok.text, cue_tok.idx, cue_tok.idx + len(cue_tok)
            c.sent_start, c.sent_end = self.sentence_bounds(cue_tok)
        else:
            c.sent_start, c.sent_end = a, b
        if subj is not None:
            self.fill_speaker(c, subj)
        if obj is not None:
            c.object_text, c.object_start, c.object_end = obj.text, obj.start_char, obj.end_char
        c.paragraph = para_of(self.pstarts, a)
        return c

    def fill_speaker(self, c: Candidate, subj) -> None:
        span = self.mention_span(subj)
        c.speaker_text, c.speaker_start, c.speaker_end = span.text, span.start_char, span.end_char
        head = span[-1] if span[-1].ent_type_ else subj
        if subj.lower_ in PRONOUNS or subj.pos_ == "PRON":
            c.speaker_label = "PRON"
        elif head.ent_type_ in NAME_LABELS:
            c.speaker_label = head.ent_type_
        elif any(t.ent_type_ in NAME_LABELS for t in span):
            c.speaker_label = next(t.ent_type_ for t in reversed(span) if t.ent_type_ in NAME_LABELS)
        else:
            c.speaker_label = "NOUN"
        c.speaker_head = subj.lemma_.lower()
        # (Span.ents walks all of the document's entities: only when a name may be there)
        c.speaker_names = ([e.text for e in span.ents if e.label_ == "PERSON"]
                           if any(t.ent_type_ == "PERSON" for t in span) else [])

    # ---- indirect and mixed from cue verbs ---------------------------------------------------
    def from_cues(self) -> list[Candidate]:
        out: list[Candidate] = []
        for t in self.doc:
            if t.i in self.inq:
                continue
            frames = self.is_cue(t)
            if t.lemma_.lower() in self.lex.decline_verbs:
                c = self.declined(t)
                if c:
                    out.append(c)
            elif frames:
                out.extend(self.cue_candidates(t, frames))
            elif t.lower_ == "according" and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                c = self.according_to(t)
                if c:
                    out.append(c)
            elif self.cue_model is not None and t.pos_ in ("VERB", "NOUN", "AUX", "ADJ") and any(
                    c.dep_ in COMP_DEPS for c in t.children):  # no complement, no content: skip scoring
                if self.cue_model.score(features(t)) > self.cue_model.threshold:
                    c = self.learned_candidate(t)
                    if c:
                        out.append(c)
        return out
