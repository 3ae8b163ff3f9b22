"""Reading and decoding files, format sniffing, and plain-text metadata (header, title, byline)."""
from __future__ import annotations

import codecs
import os
import re
from datetime import date

from saidwhat.config import Settings
from saidwhat.models import Document
from saidwhat.sources.dates import find_date
from saidwhat.sources.errors import Reject

SNIFF_BYTES = 8192
CONTROL_SHARE = 0.10          # more control characters than this in the sample -> binary
_ALLOWED_CONTROLS = set("\t\n\r\f\v\b")
NUL, NUL_BYTE = "\x00", b"\x00"

TEXT_EXTS = {".txt", ".text", ".md", ".markdown", ".rst"}
HTML_EXTS = {".html", ".htm", ".xhtml"}
JSONL_EXTS = {".jsonl", ".ndjson"}


# --------------------------------------------------------------------------- formats

FEED_EXTS = {".rss", ".atom"}
WARC_SUFFIXES = (".warc", ".warc.gz")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")


def format_by_extension(path: str) -> str | None:
    """txt | html | jsonl | warc | feed by file extension (an ``.xml`` file is a feed when its root
    element is one), or None when it should be sniffed."""
    if path.lower().endswith(WARC_SUFFIXES):
        return "warc"
    ext = os.path.splitext(path)[1].lower()
    if ext in FEED_EXTS:
        return "feed"
    if ext == ".xml":
        with open(path, "rb") as fh:
            return "feed" if _FEED_ROOT.search(fh.read(4096)) else None
    if ext in TEXT_EXTS:
        return "txt"
    if ext in HTML_EXTS:
        return "html"
    if ext in JSONL_EXTS:
        return "jsonl"
    return None


_HTML_MARK = re.compile(r"<(?:html|body|p|!doctype\s+html)[\s>/]", re.I)


def sniff_format(text: str) -> str:
    """html when the text starts with '<' and has an <html>/<body>/<p> tag, else txt."""
    head = text[:SNIFF_BYTES].lstrip()
    if head.startswith("<") and _HTML_MARK.search(head):
        return "html"
    return "txt"


# --------------------------------------------------------------------------- reading

def check_size(path: str, settings: Settings) -> int:
    """os.stat the file (never reading it) and reject it when too large or empty."""
    st = os.stat(path)
    if st.st_size > settings.max_bytes:
        raise Reject("too_large", f"file is {st.st_size:,} bytes; the limit is {settings.max_bytes:,} (max_bytes)")
    if st.st_size == 0:
        raise Reject("empty", "file is empty (0 bytes)")
    return st.st_size


def read_bytes(path: str, settings: Settings) -> bytes:
    check_size(path, settings)
    with open(path, "rb") as f:
        raw = f.read(settings.max_bytes + 1)  # the file may have grown since stat
    if len(raw) > settings.max_bytes:
        raise Reject("too_large", f"file is over the limit of {settings.max_bytes:,} bytes (max_bytes)")
    return raw


def looks_binary(sample: bytes | str) -> str | None:
    """Why ``sample`` looks like binary data (NUL bytes, many control characters), or None."""
    if not sample:
        return None
    if isinstance(sample, bytes):
        if b"\x00" in sample:
            return f"NUL byte at offset {sample.index(NUL_BYTE)}"
        n = sum(1 for b in sample if (b < 32 and chr(b) not in _ALLOWED_CONTROLS) or b == 127)
    else:
        if "\x00" in sample:
            return f"NUL character at offset {sample.index(NUL)}"
        n = sum(1 for c in sample if (c < " " and c not in _ALLOWED_CONTROLS) or c == "\x7f")
    if n / len(sample) > CONTROL_SHARE:
        return f"{n} of the first {len(sample)} characters are control characters"
    return None


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)


def _declared_charset(raw: bytes) -> str | None:
    m = _CHARSET.search(raw[:4096])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name in ("utf-8", "utf-8-sig") else name


def decode_bytes(raw: bytes, html: bool = False) -> str:
    """Strict decode: UTF-8, UTF-8 with BOM, UTF-16 with BOM (BOM removed; CRLF -> LF).

    For HTML only, a charset explicitly declared in a <meta> tag is honoured when the
    bytes are not UTF-8. Nothing ever silently falls back to latin-1.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16-le" if raw.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        try:
            text = raw[2:].decode(enc)
        except UnicodeDecodeError as e:
            raise Reject("undecodable", f"invalid {enc.upper()} data at byte offset {e.start + 2}: {e.reason}")
        why = looks_binary(text[:SNIFF_BYTES])
        if why:
            raise Reject("binary", f"looks like binary data ({why})")
    else:
        why = looks_binary(raw[:SNIFF_BYTES])
        if why:
            raise Reject("binary", f"looks like binary data ({why})")
        skip = 3 if raw.startswith(codecs.BOM_UTF8) else 0
        try:
            text = raw[skip:].decode("utf-8")
        except UnicodeDecodeError as e:
            declared = _declared_charset(raw) if html else None
            if declared is None:
                off = e.start + skip
                raise Reject(
                    "undecodable",
                    f"not valid UTF-8: byte 0x{raw[off]:02x} at byte offset {off} ({e.reason})",
                )
            try:
                text = raw[skip:].decode(declared)
            except UnicodeDecodeError as e2:
                raise Reject("undecodable", f"not valid {declared} (declared in <meta charset>) "
                                            f"at byte offset {e2.start + skip}: {e2.reason}")
    return text.replace("\r\n", "\n")


def check_text(text: str, settings: Settings, what: str = "text") -> None:
    if not text.strip():
        raise Reject("empty", f"{what} is empty or whitespace only")
    if len(text) > settings.max_chars:
        raise Reject("too_large", f"{what} has {len(text):,} characters; the limit is {settings.max_chars:,} (max_chars)")


# --------------------------------------------------------------------------- header

_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4})-(\d{2})-(\d{2})(?=[ \t\n]|\Z)[ \t]*")


def parse_header(text: str) -> tuple[str, tuple[int, int]] | None:
    """The sample-article header ' date YYYY-MM-DD ': (iso date, char span incl. spaces) or None."""
    m = _HEADER.match(text)
    if not m:
        return None
    try:
        iso = date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None
    return iso, (m.start(), m.end())


def header_span(text: str) -> tuple[int, int] | None:
    """Char span of the ' date YYYY-MM-DD ' header (with its surrounding spaces), or None."""
    h = parse_header(text)
    return h[1] if h else None


def masked_text(text: str) -> str:
    """The text an extractor reads: the ` date YYYY-MM-DD ` header blanked out (same length, so every
    offset stays an offset into the stored text)."""
    hs = header_span(text)
    if hs:
        a, b = hs
        text = text[:a] + " " * (b - a) + text[b:]
    return text


# --------------------------------------------------------------------------- byline / title

_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,5}|UTC[+-]\d+|GMT[+-]\d+))?", re.I)
_FILLER = re.compile(r"\b(?:published|posted|updated|last|modified|date|on|at)\b", re.I)
_BYLINE_START = re.compile(r"^(?:by|from|posted by|written by)\s", re.I)
BYLINE_LINES = 5
BYLINE_MAX_LEN = 120


def byline_date(line: str) -> str | None:
    """The date of a byline/date line ('By Staff | Friday, 23 June 2023', 'June 23, 2023')."""
    s = line.strip()
    if not s or len(s) > BYLINE_MAX_LEN:
        return None
    found = find_date(s)
    if not found:
        return None
    iso, (a, b) = found
    if _BYLINE_START.match(s) or "|" in s:
        return iso
    rest = _FILLER.sub(" ", _TIME.sub(" ", s[:a] + " " + s[b:]))
    if re.sub(r"[\s|,;:\-–—•·/()\[\]]+", "", rest) == "":
        return iso
    return None


def find_byline_date(text: str, max_lines: int = BYLINE_LINES) -> str | None:
    """A byline date in the first ``max_lines`` non-blank lines, or None."""
    seen = 0
    for line in text.split("\n", 60)[:60]:
        if not line.strip():
            continue
        iso = byline_date(line)
        if iso:
            return iso
        seen += 1
        if seen >= max_lines:
            break
    return None


_CLOSERS = "\"'”’»)]*_ \t"
TITLE_MAX = 200
TITLE_MAX_WORDS = 30


def find_title(text: str) -> str | None:
    """The first line when it looks like a headline followed by more text, else None."""
    stripped = text.lstrip("\n")
    first, sep, rest = stripped.partition("\n")
    line = first.strip()
    if not sep or not rest.strip() or not line or len(line) >= TITLE_MAX:
        return None
    if not any(c.isalpha() for c in line) or len(line.split()) > TITLE_MAX_WORDS:
        return None
    if line.rstrip(_CLOSERS)[-1:] in (".", ",", ";", ":"):
        return None
    if byline_date(line) or _BYLINE_START.match(line):
        return None
    return line


def build_text_document(source: str, text: str) -> Document:
    """A plain-text Document (id and language are filled in by the caller)."""
    doc = Document(id="", source=source, text=text, format="txt")
    head = parse_header(text)
    if head:
        doc.published, doc.date_basis = head[0], "header"
        return doc
    doc.title = find_title(text)
    published = find_byline_date(text)
    if published:
        doc.published, doc.date_basis = published, "text"
    return doc
