"""Statements in Russian, French, German and Spanish articles, by rules (no model): quotation marks
per language, cue lexicons (``data/cues_foreign.json``), role nouns, country names and dates
(``data/foreign_lexicon.json``), speakers resolved through the actor dictionary.

    from saidwhat.foreign import extract, supported
    if supported(document.language):
        statements = extract(document)      # the same Statement records as the English pipeline

Events (PLOVER) are coded for English only: ``event_reason`` says so. No spaCy here.
"""
from __future__ import annotations

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.foreign.agencies import agencies
from saidwhat.foreign.build import build_statements
from saidwhat.foreign.extract import Extractor
from saidwhat.foreign.lexicon import lang, languages
from saidwhat.models import Document, Statement
from saidwhat.sources import masked_text

__all__ = ["LANGUAGES", "supported", "extract"]

LANGUAGES: tuple[str, ...] = languages()


def supported(language: str | None) -> bool:
    """True for the languages this extractor has lexicons for (ru, fr, de, es)."""
    return bool(language) and language in LANGUAGES


def extract(document: Document, index: ActorIndex | None = None) -> list[Statement]:
    """Statements of a non-English document (its ``language`` must be supported)."""
    if not supported(document.language):
        raise ValueError(f"no foreign-language lexicon for {document.language!r}")
    if index is None:
        index = actor_index()
    L = lang(document.language)
    ex = Extractor(_parse_text(document), L, agencies(index))
    cands = ex.run()
    return build_statements(cands, document, L, index, ex.masked)


def _parse_text(document: Document) -> str:
    """The stored text with the ` date YYYY-MM-DD ` header blanked (same length: offsets hold)."""
    return masked_text(document.text)
