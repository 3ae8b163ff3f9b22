"""Sources: files, folders and globs read into Documents (or IngestErrors), never raising for bad input.

    for item in iter_sources(["data/", "more/*.html", "feed.jsonl"], settings):
        if isinstance(item, Document): ...
        else: ...  # IngestError(source, reason, message, doc_id)

Order is deterministic (inputs in the order given; folders walked sorted; glob matches
sorted); each file is read once per call even when several inputs name it; a text already
yielded in this call is reported as ``duplicate`` of the first source.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from saidwhat.config import Settings
from saidwhat.models import Document, IngestError, content_id
from saidwhat.sources.archives import iter_feed, iter_warc
from saidwhat.sources.errors import Reject, as_error
from saidwhat.sources.html import build_html_document
from saidwhat.sources.jsonl import iter_jsonl
from saidwhat.sources.language import check_language, detect_language
from saidwhat.sources.paths import expand_paths
from saidwhat.sources.text import (
    build_text_document,
    check_text,
    decode_bytes,
    format_by_extension,
    header_span,
    masked_text,
    read_bytes,
    sniff_format,
)

__all__ = [
    "iter_sources",
    "read_document",
    "header_span",
    "masked_text",
    "detect_language",
    "assign_language",
    "Document",
    "IngestError",
]


def read_document(path: str, settings: Settings) -> Document:
    """One txt/html file as a Document (no id, language or dedup yet); raises Reject."""
    fmt = format_by_extension(path)
    raw = read_bytes(path, settings)
    text = decode_bytes(raw, html=fmt != "txt")
    if fmt is None:
        fmt = sniff_format(text)
    if fmt == "html":
        if not text.strip():  # raw HTML is bounded by max_bytes only; max_chars is for the article
            raise Reject("empty", "file is empty or whitespace only")
        doc = build_html_document(path, text)
        check_text(doc.text, settings, "article text")
        return doc
    check_text(text, settings)
    return build_text_document(path, text)


STDIN = "-"
_STDIN_KIND = ((b"WARC/", ".warc"), (b"\x1f\x8b", ".warc.gz"), (b"{", ".jsonl"), (b"<?xml", ".xml"),
               (b"<rss", ".rss"), (b"<feed", ".atom"))


def _iter_stdin(settings: Settings) -> Iterator[Document | IngestError]:
    """Standard input (``-``) as one file of a sniffed format (WARC, gzipped WARC, JSONL, feed, HTML or
    text), spooled to a temporary file up to ``max_bytes``; its documents are named ``-``, ``-#<n>``."""
    import sys
    import tempfile

    raw = sys.stdin.buffer.read(settings.max_bytes + 1)
    if len(raw) > settings.max_bytes:
        yield IngestError(STDIN, "too_large", f"standard input is over the limit of {settings.max_bytes:,} bytes "
                                              "(max_bytes); save it to a file")
        return
    head = raw.lstrip()[:64]
    ext = next((e for magic, e in _STDIN_KIND if head.startswith(magic)), "")
    with tempfile.TemporaryDirectory(prefix="saidwhat-stdin-") as tmp:
        path = os.path.join(tmp, "stdin" + ext)
        with open(path, "wb") as fh:
            fh.write(raw)
        for item in _iter_file(path, settings):
            item.source = STDIN + item.source[len(path):]
            yield item


def _iter_file(path: str, settings: Settings) -> Iterator[Document | IngestError]:
    if path == STDIN:
        yield from _iter_stdin(settings)
        return
    try:
        fmt = format_by_extension(path)
        if fmt == "jsonl":
            yield from iter_jsonl(path, settings)
        elif fmt == "warc":
            yield from iter_warc(path, settings)
        elif fmt == "feed":
            yield from iter_feed(path, settings)
        else:
            yield read_document(path, settings)
    except Exception as e:  # per document: report and carry on
        yield as_error(path, e)


def assign_language(doc: Document, settings: Settings) -> IngestError | None:
    """Detect ``doc``'s language (the text after a ` date ` header) and set ``doc.language``; an
    ``unsupported_language`` error instead when it is not one of ``settings.languages``. A pure
    function of the text, so a Dask worker can run it (``iter_sources(..., language=False)``)."""
    span = header_span(doc.text) if doc.format != "html" else None
    lang, problem = check_language(doc.text[span[1]:] if span else doc.text, tuple(settings.languages))
    if problem:
        return IngestError(doc.source, "unsupported_language", problem, doc.id)
    doc.language = lang
    return None


def _finish(doc: Document, settings: Settings, seen: dict[str, str],
            language: bool = True) -> Document | IngestError:
    """Fill in id and language; turn duplicates and unsupported languages into errors."""
    doc.id = content_id(doc.text)
    first = seen.get(doc.id)
    if first is not None:
        return IngestError(doc.source, "duplicate", f"same text as {first}", doc.id)
    if language:
        rejected = assign_language(doc, settings)
        if rejected is not None:
            return rejected
    seen[doc.id] = doc.source
    return doc


def iter_sources(
    paths: Iterable[str] | str | os.PathLike, settings: Settings | None = None, *,
    language: bool = True,
) -> Iterator[Document | IngestError]:
    """Documents and IngestErrors for files, folders (recursive) and glob patterns.

    ``language=False`` leaves ``Document.language`` unset, for the caller to fill in with
    ``assign_language`` later (the Dask runner does it on the workers). Only allowed when
    ``settings.languages`` is empty: then detection rejects nothing, so which documents are
    yielded, and which are reported as duplicates, cannot depend on it."""
    settings = settings or Settings()
    if not language and settings.languages:
        raise ValueError("language detection can be deferred only when every language is accepted "
                         "(settings.languages is empty)")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: dict[str, str] = {}
    for target in expand_paths(paths):
        if target.reason:
            yield IngestError(target.path, target.reason, target.message or target.reason)
            continue
        for item in _iter_file(target.path, settings):
            if isinstance(item, Document):
                try:
                    item = _finish(item, settings, seen, language)
                except Exception as e:
                    item = as_error(item.source, e)
            yield item
