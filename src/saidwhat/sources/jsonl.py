"""JSONL / NDJSON: one article per line, streamed (limits apply per record, not per file)."""
from __future__ import annotations

import codecs
import json
import logging
import os
from collections.abc import Iterator

from saidwhat.config import Settings
from saidwhat.models import Document, IngestError
from saidwhat.sources.dates import normalise_date
from saidwhat.sources.errors import Reject
from saidwhat.sources.text import SNIFF_BYTES, check_text, looks_binary, parse_header

log = logging.getLogger(__name__)

_SKIP_CHUNK = 1 << 20


def _string_field(record: dict, name: str) -> str | None:
    value = record.get(name)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def parse_record(line: bytes, source: str, settings: Settings, first: bool) -> Document | None:
    """A Document for one JSONL line, None for a blank line; raises Reject for a bad one."""
    if first and line.startswith(codecs.BOM_UTF8):
        line = line[3:]
    try:
        s = line.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Reject("undecodable", f"line is not valid UTF-8: byte 0x{line[e.start]:02x} "
                                    f"at byte offset {e.start} of the line ({e.reason})")
    if not s.strip():
        return None
    try:
        record = json.loads(s)
    except json.JSONDecodeError as e:
        raise Reject("bad_record", f"not valid JSON: {e.msg} (column {e.colno})")
    except RecursionError:
        raise Reject("bad_record", "not valid JSON: nested too deeply")
    if not isinstance(record, dict):
        raise Reject("bad_record", f"a JSON {type(record).__name__}, not an object")
    tf = settings.text_field
    if tf not in record:
        keys = ", ".join(sorted(map(str, record))[:8]) or "none"
        raise Reject("bad_record", f"no {tf!r} field (fields: {keys})")
    text = record[tf]
    if text is None:
        raise Reject("no_article_text", f"the {tf!r} field is null")
    if not isinstance(text, str):
        raise Reject("bad_record", f"the {tf!r} field is a {type(text).__name__}, not a string")
    if not text.strip():
        raise Reject("no_article_text", f"the {tf!r} field is empty")
    text = text.replace("\r\n", "\n")
    check_text(text, settings, f"the {tf!r} field")

    doc = Document(id="", source=source, text=text, format="jsonl")
    doc.title = _string_field(record, settings.title_field)
    doc.url = _string_field(record, settings.url_field)
    doc.outlet = _string_field(record, settings.outlet_field)
    raw_date = record.get(settings.date_field)
    published = normalise_date(raw_date)
    if not published and raw_date not in (None, ""):
        log.warning("%s: the %r field %s is not a possible publication date; the date is taken from "
                    "the text's header or left unknown", source, settings.date_field,
                    json.dumps(raw_date, ensure_ascii=True)[:80])
    if published:
        doc.published, doc.date_basis = published, "jsonl"
    else:
        head = parse_header(text)
        if head:
            doc.published, doc.date_basis = head[0], "header"
    return doc


def iter_jsonl(path: str, settings: Settings) -> Iterator[Document | IngestError]:
    """Documents and errors for every non-blank line of a JSONL file (source = path#L<n>)."""
    if os.stat(path).st_size == 0:
        yield IngestError(path, "empty", "file is empty (0 bytes)")
        return
    limit = settings.max_bytes
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            yield IngestError(path, "undecodable", "JSONL must be UTF-8; this file is UTF-16")
            return
        why = looks_binary(head)
        if why:
            yield IngestError(path, "binary", f"looks like binary data ({why})")
            return
        f.seek(0)
        lineno = 0
        records = 0
        while True:
            line = f.readline(limit + 1)
            if not line:
                break
            lineno += 1
            source = f"{path}#L{lineno}"
            if len(line) > limit and not line.endswith(b"\n"):
                size = len(line)
                while line and not line.endswith(b"\n"):   # skip the rest, never hold it all
                    line = f.readline(_SKIP_CHUNK)
                    size += len(line)
                yield IngestError(source, "too_large",
                                  f"record is {size:,} bytes; the limit is {limit:,} (max_bytes)")
                records += 1
                continue
            try:
                doc = parse_record(line.rstrip(b"\r\n"), source, settings, first=lineno == 1)
            except Reject as r:
                yield IngestError(source, r.reason, r.message, r.doc_id)
                records += 1
                continue
            except Exception as e:  # one record must never stop the file
                yield IngestError(source, "extraction_error", f"{type(e).__name__}: {e}")
                records += 1
                continue
            if doc is not None:
                records += 1
                yield doc
        if records == 0:
            yield IngestError(path, "empty", "file has only blank lines")
