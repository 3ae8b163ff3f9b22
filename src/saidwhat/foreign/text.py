"""Paragraphs, quotations and sentences of a non-English text, as character offsets.

Quotations: the language's pairs (« », „ “, “ ”, " ", German » «), nested quotes inside an outer one
are part of it; a quotation that is not closed by the end of its paragraph is taken only when it opens
the paragraph (a quote running over several paragraphs). Russian dialogue dashes ("— Мы готовы, —
сказал он.") and quotes interrupted by their attribution («Мы готовы, — сказал он, — к диалогу») are
split into quote spans whose closing mark is the comma before the dash.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.foreign.lexicon import Lang

DASHES = "\u2014\u2013"
END = ".!?\u2026"
ABBREV = {"г", "гг", "т", "им", "ул", "стр", "св", "м", "mme", "mm", "dr", "st", "sr", "sra", "z", "b", "bzw", "nr",
          "prof", "gen", "mr", "mrs", "etc", "vs", "ca", "u", "s"}


@dataclass
class Quote:
    open: int          # index of the opening mark (or dash)
    close: int         # index of the closing mark (or the comma before an attribution dash)
    start: int         # content, stripped of spaces
    end: int
    closed: bool = True


def paragraphs(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in "\u00a0\u202f"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in "\u00a0\u202f"):
        b -= 1
    return a, b


def _opens(text: str, i: int, a: int, ch: str, closer: str) -> bool:
    if ch != closer:
        return True
    prev = text[i - 1] if i > a else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev.isspace() or prev in "([:" + DASHES) and not nxt.isspace()


def find_quotes(text: str, a: int, b: int, lang: Lang) -> list[Quote]:
    """Top-level quotations in the paragraph text[a:b]."""
    pairs = lang.quotes
    out: list[Quote] = []
    i = a
    while i < b:
        ch = text[i]
        closer = pairs.get(ch)
        if closer is None or not _opens(text, i, a, ch, closer):
            i += 1
            continue
        depth, j = 0, i + 1
        while j < b:
            c = text[j]
            if c == closer and (depth == 0 or ch == closer):
                break
            if c == ch and ch != closer:
                depth += 1
            elif c == closer:
                depth -= 1
            j += 1
        if j < b:
            s, e = _strip(text, i + 1, j)
            if e > s:
                out.append(Quote(i, j, s, e))
            i = j + 1
        elif i == a:  # opens the paragraph and runs on into the next one
            s, e = _strip(text, i + 1, b)
            out.append(Quote(i, b, s, e, closed=False))
            i = b
        else:
            i += 1
    out = _dialogue(text, a, b, lang, out)
    return _interrupted(text, lang, out)


def _attribution_dash(text: str, pos: int, lang: Lang) -> re.Match | None:
    """', — заявил он, — ' (or ', — заявил он.') at ``pos``: an attribution inside a quote or a dialogue line."""
    m = re.compile(rf"[,!?{END}]\s*[{DASHES}]\s+").match(text, pos)
    if not m:
        return None
    c = lang.cue_re.match(text, m.end())
    if c is None:
        # "— Лавров заявил": a name (or pronoun) before the cue
        c2 = re.compile(r"(?:[^\W\d_][\w\-]*\s+){1,4}").match(text, m.end())
        if not c2 or not lang.cue_re.match(text, c2.end()):
            return None
    return m


def _dialogue(text: str, a: int, b: int, lang: Lang, quotes: list[Quote]) -> list[Quote]:
    if quotes or text[a] not in DASHES:
        return quotes
    for m in re.finditer(rf"[,!?{END}]\s*[{DASHES}]\s+", text[a:b]):
        pos = a + m.start()
        if _attribution_dash(text, pos, lang):
            s, e = _strip(text, a + 1, pos)
            if text[pos] in "!?\u2026":
                e = pos + 1
            return [Quote(a, pos, s, e)] + _tail(text, pos, b, lang)
    return quotes


def _tail(text: str, pos: int, b: int, lang: Lang) -> list[Quote]:
    """The second half of a dialogue line: '— сказал он, — и добавил …' -> a quote after the second dash."""
    m = re.compile(rf",\s*[{DASHES}]\s+").search(text, pos + 2, b)
    if m and not re.search(rf"[{END}]", text[pos + 2:m.start()]):
        s, e = _strip(text, m.end(), b)
        if e > s:
            return [Quote(m.end() - 1, b, s, e, closed=False)]
    return []


def _interrupted(text: str, lang: Lang, quotes: list[Quote]) -> list[Quote]:
    out = []
    for q in quotes:
        done = False
        for m in re.finditer(rf",\s*[{DASHES}]\s+", text[q.start:q.end]):
            pos = q.start + m.start()
            if not _attribution_dash(text, pos, lang):
                continue
            m2 = re.compile(rf",\s*[{DASHES}]\s+").search(text, pos + m.end() - m.start(), q.end)
            if not m2:
                continue
            s1, e1 = _strip(text, q.start, pos)
            s2, e2 = _strip(text, m2.end(), q.end)
            out += [Quote(q.open, pos, s1, e1), Quote(m2.end() - 1, q.close, s2, e2, q.closed)]
            done = True
            break
        if not done:
            out.append(q)
    return out


def mask(text: str, quotes: list[Quote]) -> str:
    """The text with quotation contents blanked ('_'), marks kept: cues and speakers are never
    looked for inside a quotation."""
    chars = list(text)
    for q in quotes:
        for i in range(q.start, q.end):
            if not chars[i].isspace():
                chars[i] = "_"
    return "".join(chars)


def sentences(text: str, masked: str, a: int, b: int, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Sentences of a paragraph (never split inside a quotation) as (start, end) offsets."""
    ends = []
    for m in re.finditer(rf"[{END}]+[»“”\"]?(?=\s)", masked[a:b]):
        word = re.search(r"(\w+)\W*$", masked[a:a + m.start() + 1])
        if word and (word.group(1).lower() in ABBREV or (len(word.group(1)) == 1 and word.group(1).isupper())):
            continue
        if word and word.group(1).isdigit() and len(word.group(1)) <= 2 and masked[a + m.start()] == ".":
            continue   # a German ordinal: "am 12. März", "vom 9. November"
        ends.append(a + m.end())
    ends += [q.close + 1 for q in quotes if q.closed and q.end > q.start and text[q.end - 1] in END
             and q.close < b and text[q.close] not in ",."]
    cuts = [a]
    for e in sorted(set(ends)):
        nxt = re.match(rf"\s+([«„“\"{DASHES}]\s*)?([^\W\d_])", text[e:b])
        if nxt and nxt.group(2).isupper() and e > cuts[-1]:
            cuts.append(e + len(nxt.group(0)) - len(nxt.group(2)) - len(nxt.group(1) or ""))
    cuts.append(b)
    return [(s, e) for s, e in zip(cuts, cuts[1:]) if e > s]
