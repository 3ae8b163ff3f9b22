"""The statement filter: which of the attribution tagger's attributions are statements (speech acts:
said, told, called on, accused, denied, announced, wrote, tweeted …) and which are beliefs,
intentions, perceptions or knowledge (believes, hopes, wants, knows, fears, saw …), which the
statements scope leaves out (``docs/extraction.md``).

Two parts, trained and measured by ``python -m saidwhat.train.statement_filter``:

- the cue lexicon (``data/statement_cues.tsv``): lemmas marked ``speech`` or ``other`` by hand from
  the sample gold's conventions (``../shared/gold/README.md``), over the cues PolNeAR train
  annotates; a known lemma decides;
- for a cue lemma the lexicon does not know, a logistic regression (``data/statement_filter.npz``)
  over the cue's word-piece vectors (the MiniLM base's input embeddings: the tagger's own vocabulary,
  so an unseen verb lands near the ones it resembles), the content's form (length, verb, quotation,
  pronoun) and the source's (none, pronoun, person, organisation, noun), trained on PolNeAR train's
  hand-annotated attributions labelled by the lexicon, and cross-validated with whole lemmas held
  out (the figure it gives is for cues it never saw).

A content that is nothing but pronouns and determiners ("which", "it") is no statement either, and
an unquoted content with no verb (a noun phrase: "discussed the alliance", "criticized the
contingent") is one only after a cue whose frames in the reporting-cue lexicon take an object as what
was said (data/cues.json ``obj``, ``obj_to``, ``for``: "expressed concern about …", "denied the
report", "called for the reopening of …", "urged Baku to …"), as the sample gold's conventions have it,
and what follows a cue ending in a preposition of topic ("asked about …", "commented on …",
"referring to …") is what was talked about, not what was said (but "called on X to …").
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from saidwhat.lexicon import lexicon

DATA = Path(__file__).resolve().parent.parent / "data"
LEXICON = DATA / "statement_cues.tsv"
MODEL = DATA / "statement_filter.npz"
CUE_WORDS = DATA / "cue_words.txt"  # what the tagger reads around (nlp/tagged.py reading_regions)
FORM = ("content_words", "content_verb", "content_quoted", "content_pronoun", "source_none", "source_pron",
        "source_person", "source_org", "source_noun", "cue_words")
# "asked about X", "commented on X", "referring to X": X is what was talked about, not what was said
TOPIC = [["about"], ["on"], ["to"], ["of"], ["regarding"], ["upon"], ["over"]]
EMPTY_CONTENT = {"PRON", "DET", "PUNCT", "SPACE", "CCONJ", "SCONJ", "PART", "ADP"}


@lru_cache(maxsize=1)
def cue_lexicon(path: Path = LEXICON) -> dict[str, str]:
    """lemma -> "speech" | "other" (lines ``lemma<TAB>class``; # comments)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.reader((ln for ln in f if ln.strip() and not ln.startswith("#")), delimiter="\t"):
            lemma, cls = row[0].strip().lower(), row[1].strip()
            if cls not in ("speech", "other"):
                raise ValueError(f"{path}: {lemma!r} has class {cls!r}, not speech or other")
            out[lemma] = cls
    return out


@lru_cache(maxsize=1)
def _vectors():
    """The MiniLM base's word-piece embeddings and tokenizer (the cue's vectors)."""
    from saidwhat.tagger.bases import BASES
    from saidwhat.tagger.model import load_tokenizer
    base = BASES["minilm"]
    table = base.tensors(lambda k: k == "word.weight")["word.weight"]
    return table, load_tokenizer(base)


def cue_vector(words: str) -> np.ndarray:
    """Mean word-piece embedding of ``words``, L2-normalised (zeros for none)."""
    table, tok = _vectors()
    ids = tok.encode(words.lower(), add_special_tokens=False).ids if words.strip() else []
    if not ids:
        return np.zeros(table.shape[1], dtype=np.float32)
    v = table[ids].mean(0)
    return (v / (np.linalg.norm(v) or 1.0)).astype(np.float32)


def _tokens(doc, a: int, b: int):
    span = doc.char_span(a, b, alignment_mode="expand")
    return list(span) if span is not None else []


def form_features(doc, content: tuple[int, int], cue_text: str, source: tuple[int, int] | None,
                  quoted: bool) -> np.ndarray:
    """The content's and the source's form (FORM), from the parse."""
    toks = [t for t in _tokens(doc, *content) if not t.is_space]
    words = [t for t in toks if not t.is_punct]
    src = _tokens(doc, *source) if source else []
    src_root = None
    if src:
        span = doc.char_span(*source, alignment_mode="expand")
        src_root = span.root if span is not None and len(span) else src[-1]
    ents = {t.ent_type_ for t in src if t.ent_type_}
    pron = bool(src_root is not None and src_root.pos_ == "PRON")
    return np.array([
        np.log1p(len(words)),
        float(any(t.pos_ in ("VERB", "AUX") for t in words)),
        float(quoted),
        float(bool(words) and all(t.pos_ in EMPTY_CONTENT for t in words)),
        float(not src),
        float(pron),
        float(not pron and "PERSON" in ents),
        float(not pron and "PERSON" not in ents and bool(ents & {"ORG", "GPE", "NORP"})),
        float(bool(src) and not pron and not ents),
        float(len(cue_text.split()) > 1),
    ], dtype=np.float32)


def features(doc, content: tuple[int, int], cue_lemma: str, cue_text: str, source: tuple[int, int] | None,
             quoted: bool) -> np.ndarray:
    return np.concatenate([cue_vector(cue_lemma or ""), cue_vector(cue_text or ""),
                           form_features(doc, content, cue_text or "", source, quoted)])


def empty_content(doc, a: int, b: int) -> bool:
    words = [t for t in _tokens(doc, a, b) if not t.is_space and not t.is_punct]
    return not words or all(t.pos_ in EMPTY_CONTENT for t in words)


def _has_verb(doc, a: int, b: int) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in _tokens(doc, a, b))


def _object_cue(lemma: str | None, frames: tuple[str, ...] = ("obj", "obj_to", "for")) -> bool:
    """Whether the reporting-cue lexicon lets ``lemma`` take what was said as its object (in one of
    ``frames``)."""
    if (lemma or "") == "according to":
        return True
    return bool(set(lexicon().cues.get((lemma or "").lower(), [])) & set(frames))


@dataclass
class Decision:
    keep: bool
    probability: float  # of being a statement: 1/0 for a lexicon cue, else the model's
    how: str            # "lexicon" | "model" | "empty content" | "noun phrase" | "topic"


class StatementFilter:
    """``decide(doc, candidate)``: a Decision on one attribution (a ``Candidate``)."""

    def __init__(self, model: Path = MODEL, lexicon: Path = LEXICON, threshold: float | None = None):
        raw = np.load(model)
        self.w, self.b = raw["w"].astype(np.float32), float(raw["b"])
        self.mu, self.sd = raw["mu"].astype(np.float32), raw["sd"].astype(np.float32)
        self.threshold = float(raw["threshold"]) if threshold is None else threshold
        self.lexicon = cue_lexicon(lexicon)

    def probability(self, x: np.ndarray) -> float:
        z = float(((x - self.mu) / self.sd) @ self.w + self.b)
        return float(1.0 / (1.0 + np.exp(-z)))

    def decide(self, doc, c) -> Decision:
        if empty_content(doc, c.start, c.end):
            return Decision(False, 0.0, "empty content")
        if c.kind == "indirect" and (c.cue_text or "").lower().split()[-1:] in TOPIC and not _object_cue(c.cue, ("obj_to", "for")):
            return Decision(False, 0.0, "topic")
        if c.kind == "indirect" and not _has_verb(doc, c.start, c.end) and not _object_cue(c.cue):
            return Decision(False, 0.0, "noun phrase")
        cls = self.lexicon.get((c.cue or "").lower())
        if cls is not None:
            return Decision(cls == "speech", 1.0 if cls == "speech" else 0.0, "lexicon")
        source = (c.speaker_start, c.speaker_end) if c.speaker_start is not None else None
        p = self.probability(features(doc, (c.start, c.end), c.cue or "", c.cue_text or "", source,
                                      c.kind in ("direct", "mixed")))
        return Decision(p >= self.threshold, p, "model")


@lru_cache(maxsize=1)
def load_filter() -> StatementFilter | None:
    """The packaged filter, or None when its files are missing (the statements scope then keeps
    every attribution the lexicon does not rule out)."""
    return StatementFilter() if MODEL.exists() and LEXICON.exists() else None


@lru_cache(maxsize=1)
def cue_words(path: Path = CUE_WORDS) -> frozenset[str]:
    """The words that can name an attribution (lemmas; one a line, # comments)."""
    return frozenset(ln.strip().lower() for ln in path.read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.startswith("#"))
