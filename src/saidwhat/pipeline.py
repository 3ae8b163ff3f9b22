"""The only module that knows the order of the stages: read (``sources``) -> parse (spaCy) ->
extract (``nlp``) -> resolve -> code. Per-document work is a pure function of a Document.

English documents (and those whose language could not be told) go through spaCy; Russian, French,
German and Spanish ones through the rule-based extractor of ``saidwhat.foreign``; any other
language is kept with its language and no statements (``route``). Both executors of the ingest
engine (``saidwhat.runners``: in this process, or on Dask workers) call ``process``, so they agree;
what an ingest does around it (duplicates, errors, counts, writing) is the engine's bookkeeping.

The stages that load heavy libraries (spaCy, numpy, rapidfuzz) are imported by the functions that
run them, so that importing this module (a Dask client, the engine) stays cheap.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from saidwhat.config import Settings
from saidwhat.models import DocResult, Document, IngestError, Statement
from saidwhat.resolve.dates import infer_published
from saidwhat.sources import masked_text


def nlp_args(settings: Settings) -> tuple:
    """The settings that make a spaCy pipeline (nlp.setup.load's arguments): one pipeline per value."""
    return (settings.model, settings.scope, settings.extractor, settings.tagger_min_confidence)


def load_nlp(settings: Settings | None = None):
    from saidwhat.nlp.setup import load  # defers spaCy
    return load(*nlp_args(settings or Settings()))


MAX_RUN = 64  # longest run of one punctuation character handed to spaCy in one piece
_LONG_RUN = re.compile(r"([^\w\s])\1{" + str(MAX_RUN) + ",}")


def break_runs(text: str, run: int = MAX_RUN) -> str:
    """Runs of more than ``run`` identical punctuation characters (16,000 ``"``) broken into pieces
    of ``run`` separated by a space, each space taking the place of one character (same length,
    offsets unchanged): spaCy's tokenizer takes quadratic time on such a run."""
    def cut(m: re.Match) -> str:
        piece = m.group(1) * run
        body = " ".join(piece for _ in range(len(m.group()) // (run + 1) + 1))
        return body[: len(m.group())]

    return _LONG_RUN.sub(cut, text)


def parse_text(document: Document) -> str:
    """The text given to spaCy: the stored text with the ` date YYYY-MM-DD ` header blanked out
    and long runs of one punctuation character broken up (``break_runs``); same length, so every
    offset stays an offset into the stored text."""
    return break_runs(masked_text(document.text))


def prepare(document: Document) -> Document:
    """Fill in what the NLP stages need: a publication date inferred from the text if missing."""
    if not document.published:
        pub, basis = infer_published(document.text)
        document.published, document.date_basis = pub, basis
    return document


def quote_spans(doc) -> list[tuple[int, int]]:
    """[open, close] character spans of a parsed document's quotations (where no date is read)."""
    return [(q.open_at, (q.close_at if q.close_at is not None else q.end) + 1) for q in doc._.sw_quotes or []]


def statements_of(doc, document: Document, settings: Settings | None = None) -> list[Statement]:
    """Resolve a parsed spaCy Doc into Statements and code their events (the last place a spaCy
    object is seen). The rules extractor's targets are chosen without phrase vectors, and its events coded
    without text vectors (no transformer on that path)."""
    from saidwhat.resolve.build import build_statements  # defers rapidfuzz
    vectors = (settings or Settings()).extractor != "rules"
    stmts = build_statements(doc._.sw_candidates or [], doc._.sw_mentions or [], document, quote_spans(doc),
                             target_vectors=vectors)
    code_events(doc, stmts, document, vectors)
    return stmts


def route(document: Document) -> str:
    """Which extractor a document goes to: "en" (the spaCy pipeline; also a document whose language
    could not be told), "foreign" (the rule-based extractor of saidwhat.foreign: ru, fr, de, es),
    or "none" (another language: stored with its language, no statements)."""
    lang = document.language
    if not lang or lang == "en":
        return "en"
    from saidwhat.foreign import supported  # defers numpy and rapidfuzz
    return "foreign" if supported(lang) else "none"


def foreign_statements_of(document: Document) -> list[Statement]:
    """Statements of a Russian/French/German/Spanish document (rules, no model; events from the cue alone)."""
    from saidwhat.foreign import extract  # defers numpy and rapidfuzz
    return extract(document)


# "call" asking: "called on / upon / for", within the cue (the tagger's "instead called on") or after it
CALL_ON = re.compile(r"\bcall\w*\s+(on|upon|for)\b", re.I)


def _coding_cue(s: Statement, text: str) -> str | None:
    """The cue as the event coder should read it: "call on/for" asks, "calling X 'Y'" describes."""
    if s.cue == "call" and s.cue_start is not None and not CALL_ON.search(text, s.cue_start, max(s.cue_end or 0, s.cue_start) + 12):
        return "describe"
    return s.cue


def parse_array(doc):
    """The article's parse as one array (``Doc.to_array``) of what the event coder reads: every
    attribute ``Span.as_doc`` copies but the entity ones (the coder reads no entities)."""
    from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE
    attrs = [a for a in doc._get_array_attrs() if a not in (ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE)]
    return attrs, doc.to_array(attrs)


def sub_doc(doc, i: int, j: int, attrs, array):
    """``doc[i:j].as_doc()`` without its entities, from the article's ``parse_array``: the same
    words, tags, lemmas and dependencies (heads outside the span rewired as ``as_doc`` does), without
    re-reading the article's array and entities for each statement (a third of the coder's time)."""
    from spacy.tokens import Doc
    span = doc[i:j] if j > i else doc[0:0]
    sub = Doc(doc.vocab, words=[t.text for t in span], spaces=[bool(t.whitespace_) for t in span])
    part = array[span.start:span.end].copy()
    span._fix_dep_copy(attrs, part)
    sub.from_array(attrs, part)
    return sub


def code_events(doc, stmts: list[Statement], document: Document, vectors: bool = True) -> None:
    """PLOVER type/mode and CAMEO code of each statement, from the article's own parse (``vectors``: the
    coder's text-vector classifier too; the rules extractor's path runs no transformer)."""
    if not stmts:
        return
    from saidwhat.code.coder import code_many  # defers numpy
    starts = [t.idx for t in doc]  # once per article: Doc.char_span walks the tokens per call
    attrs, array = parse_array(doc)
    docs = [sub_doc(doc, max(0, bisect_right(starts, s.start) - 1), bisect_left(starts, s.end), attrs, array)
            for s in stmts]
    # the text-vector classifier reads the cue and content, the window the target model read (its vector reused)
    read = [document.text[min(s.start, s.cue_start if s.cue_start is not None else s.start):s.end] for s in stmts]
    events = code_many([s.quote for s in stmts], [_coding_cue(s, document.text) for s in stmts],
                       [s.negated for s in stmts], docs=docs, vectors=vectors, vector_texts=read)
    for s, ev in zip(stmts, events):
        s.event_type, s.event_mode, s.cameo = ev.event_type, ev.mode, ev.cameo
        s.event_confidence, s.event_reason = ev.confidence, ev.reason


def process(docs: Iterable[Document], settings: Settings | None = None, nlp=None,
            batch_size: int = 16) -> Iterator[DocResult]:
    """Run the per-document stages over documents; a document that fails gets an extraction_error."""
    settings = settings or Settings()
    buf: list[Document] = []

    def flush() -> Iterator[DocResult]:
        nonlocal nlp
        routes = [route(d) for d in buf]
        english = [i for i, r in enumerate(routes) if r == "en"]
        texts = {i: parse_text(buf[i]) for i in english}
        parsed = None
        if english:
            nlp = nlp or load_nlp(settings)  # loaded once, and only when there is English to parse
            try:
                parsed = dict(zip(english, nlp.pipe([texts[i] for i in english], batch_size=batch_size)))
            except Exception:  # one bad document must not sink the batch: retry one by one
                parsed = None
        for i, d in enumerate(buf):
            try:
                if routes[i] == "foreign":
                    yield DocResult(document=d, statements=foreign_statements_of(d))
                elif routes[i] == "none":  # a language with no extractor: stored, with no statements
                    yield DocResult(document=d)
                else:
                    doc = parsed[i] if parsed is not None else nlp(texts[i])
                    yield DocResult(document=d, statements=statements_of(doc, d, settings))
            except Exception as exc:  # recorded, never silent
                yield DocResult(document=d, error=IngestError(d.source, "extraction_error",
                                                              f"{type(exc).__name__}: {exc}", d.id))
        buf.clear()

    for d in docs:
        buf.append(prepare(d))
        if len(buf) >= batch_size:
            yield from flush()
    if buf:
        yield from flush()

