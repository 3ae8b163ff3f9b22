"""Web archives and news feeds as sources: WARC files (``.warc``, ``.warc.gz``, as web archives and
news crawls ship them) through warcio, and RSS/Atom feed files (``.rss``, ``.atom``, or XML whose root
is a feed) through feedparser. Each record or entry is one document; outlet, URL and date come from
the record. A bad record is an IngestError with its reason, and the rest of the file goes in.

Sources are named ``<file>#<n>``: the n-th record (WARC response, counted from 1) or feed entry, so
re-running names every record the same and the store's duplicate check adds nothing twice.
"""
from __future__ import annotations

import calendar
import os
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from saidwhat.config import Settings
from saidwhat.models import Document, IngestError
from saidwhat.sources.errors import Reject, as_error
from saidwhat.sources.html import build_html_document
from saidwhat.sources.text import check_size, check_text, decode_bytes

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _outlet(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host[4:] if host and host.startswith("www.") else host


# --------------------------------------------------------------------------- WARC


def _warc_document(source: str, record, settings: Settings) -> Document:
    url = record.rec_headers.get_header("WARC-Target-URI")
    raw = record.content_stream().read(settings.max_bytes + 1)
    if len(raw) > settings.max_bytes:
        raise Reject("too_large", f"record is over the limit of {settings.max_bytes:,} bytes (max_bytes)")
    missing = getattr(record.raw_stream, "limit", 0)  # what Content-Length promised and the file lacks
    if missing:
        raise Reject("bad_record", f"truncated record: {missing:,} bytes of its payload are missing")
    html = decode_bytes(raw, html=True)
    if not html.strip():
        raise Reject("empty", "the record's payload is empty")
    doc = build_html_document(source, html)
    check_text(doc.text, settings, "article text")
    doc.url = doc.url or url
    doc.outlet = doc.outlet or _outlet(url)
    if not doc.published:
        captured = (record.rec_headers.get_header("WARC-Date") or "")[:10]
        if len(captured) == 10:  # a page is published no later than it was captured
            doc.published, doc.date_basis = captured, "warc"
    return doc


def iter_warc(path: str, settings: Settings) -> Iterator[Document | IngestError]:
    """Documents for the HTML responses of a WARC file; errors for the records that fail. A record
    that cannot be read at all (a truncated or corrupt file) ends the file with an error naming it."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        archive = ArchiveIterator(fh)
        records = iter(archive)
        while True:
            try:
                record = next(records)
                if record.rec_type != "response":
                    continue
                n += 1
                source = f"{path}#{n}"
                http = record.http_headers
                if http is None or not record.rec_headers.get_header("Content-Length"):
                    yield IngestError(source, "bad_record", "truncated or malformed response record "
                                                            "(no Content-Length or no HTTP headers)")
                    continue
                ctype = http.get_header("Content-Type") or ""
                if ctype.split(";")[0].strip().lower() not in HTML_TYPES:
                    continue
                try:
                    yield _warc_document(source, record, settings)
                except Exception as exc:  # one record: report and go on
                    yield as_error(source, exc, "bad_record")
            except StopIteration:
                if archive.offset < size:  # warcio stops quietly at a truncated gzip member
                    yield IngestError(f"{path}#{n + 1}", "bad_record",
                                      f"truncated or corrupt record at byte {archive.offset:,}: the last "
                                      f"{size - archive.offset:,} bytes of the archive cannot be read")
                return
            except Exception as exc:  # the archive itself cannot be read on from here
                yield IngestError(f"{path}#{n + 1}", "bad_record",
                                  f"the archive cannot be read past record {n}: {type(exc).__name__}: {exc}")
                return


# --------------------------------------------------------------------------- RSS / Atom


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            return time.strftime("%Y-%m-%d", time.gmtime(calendar.timegm(t)))
    return None


def _entry_document(source: str, entry, outlet: str | None, settings: Settings) -> Document:
    contents = entry.get("content") or []
    html = (contents[0].get("value") if contents else None) or entry.get("summary") or ""
    if not html.strip():
        raise Reject("no_article_text", "the feed entry has no content or summary")
    doc = build_html_document(source, html)
    check_text(doc.text, settings, "article text")
    doc.title = entry.get("title") or doc.title
    doc.url = entry.get("link") or doc.url
    doc.outlet = outlet or doc.outlet or _outlet(doc.url)
    published = _entry_date(entry)
    if published:
        doc.published, doc.date_basis = published, "feed"
    return doc


def iter_feed(path: str, settings: Settings) -> Iterator[Document | IngestError]:
    """Documents for the entries of an RSS or Atom feed file (an entry's content, else its summary)."""
    import feedparser

    check_size(path, settings)
    with open(path, "rb") as fh:
        parsed = feedparser.parse(fh.read(settings.max_bytes + 1))
    if not parsed.entries:
        why = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        yield IngestError(path, "bad_record", f"no feed entries found{why}")
        return
    outlet = (parsed.feed.get("title") or "").strip() or None
    for n, entry in enumerate(parsed.entries, 1):
        source = f"{path}#{n}"
        try:
            yield _entry_document(source, entry, outlet, settings)
        except Exception as exc:  # one entry: report and go on
            yield as_error(source, exc, "bad_record")
