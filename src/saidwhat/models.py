"""Plain records shared by every stage. No spaCy objects here, ever.

All offsets are character offsets into ``Document.text`` (end-exclusive).
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

# Reason codes for documents that were skipped or failed during ingest.
REASONS = (
    "empty",            # no characters (or only whitespace)
    "binary",           # looks like binary data, not text
    "undecodable",      # bytes that decode in no supported encoding
    "too_large",        # over Settings.max_bytes
    "no_article_text",  # HTML/JSONL record with no article text in it
    "duplicate",        # same content hash as a document already stored or seen in this batch
    "unsupported_language",
    "bad_record",       # a JSONL line that is not a JSON object / lacks the text field
    "not_found",        # a path or glob that matched nothing
    "extraction_error", # the NLP stages raised on this document
    "timeout",          # the NLP stages took longer than Settings.doc_timeout: stopped
)


def content_id(text: str) -> str:
    """Document id: SHA-256 of the normalised text (first 16 hex digits)."""
    norm = " ".join(text.split())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    id: str
    source: str                    # file path, "path#line" for JSONL, or URL
    text: str
    title: str | None = None
    published: str | None = None   # ISO date YYYY-MM-DD
    date_basis: str | None = None  # header | html | jsonl | feed | warc (capture date) | text | inferred | unknown
    language: str | None = None    # ISO 639-1
    outlet: str | None = None
    url: str | None = None
    format: str = "txt"            # txt | html | jsonl

    @property
    def name(self) -> str:
        """The source's file name (what the scorer calls ``doc``)."""
        src = self.source.split("#", 1)[0]
        return src.replace("\\", "/").rsplit("/", 1)[-1]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IngestError:
    source: str
    reason: str     # one of REASONS
    message: str
    doc_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Statement:
    """One attributed statement: who said what, when, to whom."""
    doc: str                         # source file name (or path) of the document
    doc_id: str
    kind: str                        # direct | indirect | mixed
    quote: str                       # reported content == text[start:end]
    start: int
    end: int
    cue: str | None = None           # lemma of the reporting verb/phrase ("say", "according to")
    cue_text: str | None = None      # the cue as written ("told")
    cue_start: int | None = None
    cue_end: int | None = None
    speaker: str | None = None       # canonical name of the resolved actor
    speaker_mention: str | None = None  # as written ("she", "the spokesperson", "Moscow")
    speaker_start: int | None = None
    speaker_end: int | None = None
    actor_id: str | None = None
    actor_type: str | None = None    # person | organization | country | group
    country: str | None = None       # ISO3 of the speaker
    sector: str | None = None        # GOV, MFA, MIL, ...
    date: str | None = None          # YYYY-MM-DD the statement was made
    date_basis: str | None = None    # explicit | weekday | relative | publication | inferred | unknown
    targets: list[str] = field(default_factory=list)        # ISO3 codes
    target_actors: list[str] = field(default_factory=list)  # actor ids
    negated: bool = False
    confidence: float = 0.5
    # event coding (PLOVER type and mode, closest CAMEO code); None for negated statements
    event_type: str | None = None
    event_mode: str | None = None
    cameo: str | None = None
    event_confidence: float | None = None
    event_reason: str | None = None
    id: str = ""
    cluster_id: str | None = None    # the utterance this statement reports (set by linking at store time)

    def __post_init__(self) -> None:
        if not self.id:
            raw = f"{self.doc_id}:{self.start}:{self.end}:{self.kind}"
            self.id = hashlib.sha1(raw.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def record(self) -> dict[str, Any]:
        """The JSONL statement record (the shape the shared scorer reads)."""
        d = self.to_dict()
        return d


@dataclass
class DocResult:
    """What the per-document stages produce for one document."""
    document: Document
    statements: list[Statement] = field(default_factory=list)
    error: IngestError | None = None
    # the LSH band keys of document.text (link.dedup.document_bands), when computed where the
    # document was processed (a Dask worker); None: the store computes them
    dedup_bands: list[str] | None = None
