"""Find direct quotations in raw text, character-exact, in every common quotation style.

Pure functions of a string: no spaCy here. A quote is reported as the span *inside* its marks.
Handles “ ” " " « » „ “ ‘ ’ and PTB/NYT `` '' / '' '' marks, quotes nested in other quotes (the
inner one is part of the outer), and multi-paragraph quotes whose paragraphs open without closing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# opening mark -> closing marks it accepts
PAIRS: dict[str, str] = {
    "\u201c": "\u201d\u201c\"",   # “ … ”  (also “ … “ in sloppy text, and “ … ")
    "\u201e": "\u201c\u201d",     # „ … “  / „ … ”
    "\u00ab": "\u00bb",           # « … »
    "\u00bb": "\u00ab",           # » … «  (Danish/Swedish style)
    "\u2018": "\u2019",           # ‘ … ’  (single: only when not an apostrophe)
    "\u201a": "\u2018\u2019",     # ‚ … ‘
    '"': '"\u201d',
    "``": "''",
    "''": "''",
}
_MARK_RE = re.compile("``|''|[\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\"]")
_PARA_RE = re.compile(r"\n\s*\n|\n(?=\s*[\"\u201c\u201e\u00ab`'])")


@dataclass
class Quote:
    start: int            # first character inside the opening mark
    end: int              # index of the closing mark (end-exclusive content)
    open_mark: str
    open_at: int          # index of the opening mark
    close_at: int | None  # index of the closing mark (None: ran to the end of a paragraph)
    pieces: list[tuple[int, int]]  # content pieces, one per paragraph

    @property
    def text_span(self) -> tuple[int, int]:
        return self.start, self.end


def _is_apostrophe(text: str, i: int) -> bool:
    """A ’ or ' between letters (don't, Russia’s) or after s (peoples’) is an apostrophe, not a mark."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isalnum() and nxt.isalnum():
        return True
    if prev in "sS" and not nxt.isalnum() and text[i] in "\u2019'":
        # plural possessive ("peoples’ rights"): treat as apostrophe unless a ‘ is open
        return True
    return False


def _can_open(text: str, i: int, mark: str) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + len(mark)] if i + len(mark) < len(text) else " "
    if nxt.isspace():
        return False
    if mark in ("\u2018", "\u201a"):
        return not prev.isalnum()
    if mark == '"':
        return not prev.isalnum() or prev in "([{"
    return True


def _can_close(text: str, i: int, mark: str) -> bool:
    prev = text[i - 1] if i > 0 else " "
    if prev.isspace() and mark not in ("\u201d", "\u00bb"):
        return False
    if mark == "\u2019":
        return not _is_apostrophe(text, i)
    return True


def find_quotes(text: str, min_chars: int = 1) -> list[Quote]:
    """All top-level quotations in ``text``, in order. Unbalanced marks are ignored."""
    out: list[Quote] = []
    marks = [(m.start(), m.group()) for m in _MARK_RE.finditer(text)]
    n = len(marks)
    k = 0
    while k < n:
        i, mark = marks[k]
        if not _opener(text, i, mark):
            k += 1
            continue
        found = _scan_close(text, marks, k)
        if found is None:
            k += 1
            continue
        pieces, close_at, j = found
        if close_at - pieces[0][0] >= min_chars:
            out.append(Quote(start=pieces[0][0], end=close_at, open_mark=mark, open_at=i,
                             close_at=close_at, pieces=pieces))
        k = j + 1
    return out


def _opener(text: str, i: int, mark: str) -> bool:
    if mark in ("\u2019", "\u201d") or not _can_open(text, i, mark):
        return False
    if mark == "''" and not _opens_ptb(text, i):
        return False
    if mark == "\u2018" and _is_apostrophe(text, i):
        return False
    return True


def _scan_close(text: str, marks: list[tuple[int, str]], k: int):
    """From the opening mark marks[k], find its closing mark; follow paragraph re-openings."""
    i, mark = marks[k]
    closers = PAIRS.get(mark, "")
    piece_start = i + len(mark)
    pieces: list[tuple[int, int]] = []
    inner: list[str] = []
    j = k + 1
    n = len(marks)
    while True:
        nl = text.find("\n", piece_start)
        limit = nl if nl != -1 else len(text)
        while j < n and marks[j][0] < limit:
            pos, m = marks[j]
            if m in closers and not inner and _can_close(text, pos, m):
                pieces.append((piece_start, pos))
                return pieces, pos, j
            if m in ("\u2018", "\u201a") and _can_open(text, pos, m) and not _is_apostrophe(text, pos):
                inner.append(m)
            elif m == "\u2019" and inner and inner[-1] in ("\u2018", "\u201a") and not _is_apostrophe(text, pos):
                inner.pop()
            elif m == '"' and mark != '"':
                if inner and inner[-1] == '"':
                    inner.pop()
                elif _can_open(text, pos, m):
                    inner.append(m)
            j += 1
        if nl == -1:
            return None
        reopen = _reopen_at(text, nl)
        if reopen is None:
            return None
        while j < n and marks[j][0] < reopen:
            j += 1
        if j >= n or marks[j][0] != reopen:
            return None
        pieces.append((piece_start, _rstrip(text, piece_start, nl)))
        piece_start = reopen + len(marks[j][1])
        inner = []
        j += 1


def _opens_ptb(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    return not prev.isalnum() and prev not in ".,!?;:"


def _para_break(text: str, a: int, b: int) -> int | None:
    """Index just after the first paragraph break in text[a:b], or None."""
    m = re.search(r"\n", text[a:b])
    if not m:
        return None
    return a + m.end()


def _reopen_at(text: str, pos: int) -> int | None:
    """If the paragraph starting at/after ``pos`` opens with a quotation mark, its index."""
    m = re.match(r"\s*(``|[\u201c\u201e\u00ab\"\u2018])", text[pos:])
    return pos + m.start(1) if m else None


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and text[b - 1].isspace():
        b -= 1
    return b
