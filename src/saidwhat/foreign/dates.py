"""When a statement in a non-English article was made, against the publication date.

The lexicon (``data/foreign_lexicon.json`` ``dates``) only *finds* the expressions in a statement's
attribution (its content is masked: a date inside what was said is never the day it was said): a
weekday ("в четверг", "el jueves", "am Donnerstag", "jeudi"), a relative word ("вчера", "ayer",
"gestern", "hier") or a day and month ("12 марта", "el 12 de marzo", "am 12. März", "le 12 mars").
``dateparser`` (maintained, all four languages) turns them into days:

dateparser reads each expression once (cached by its words, against a fixed Monday), and the day is
counted from the publication date as the English resolver counts it:

- a weekday is the one on or before publication ("в пятницу" in a Friday paper is that Friday); after a
  "last" word ("в прошлый четверг", "jeudi dernier", "el viernes pasado") the week before when it is the
  publication's weekday;
- a day and month without a year is of the publication year, or of the year before when that would put it
  after publication;
- relative words count back as dateparser reads them; the lexicon's day counts only where it has no
  reading ("накануне", "la veille", "am Vortag", "vergangene Woche");
- an explicit date after a word that makes it part of a noun ("заявление от 10 ноября", "la declaración
  del 9 de noviembre", "die Erklärung vom 9. November", "depuis le 9 novembre") is no statement date.

Datelines ("МОСКВА, 13 марта. /ТАСС/.", "MOSCÚ, 13 mar (EFE).-", "MOSCOU, 13 mars (AFP) -", "Moskau
(dpa) -"): ``dateline_span`` says where the article's text starts after one, ``dateline_date`` the day it
gives (with the publication year when it has none).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from saidwhat.foreign.lexicon import Lang
from saidwhat.resolve.dates import in_year_of

_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
_REF = date(2001, 1, 15)     # a Monday: what dateparser reads is taken against it, then counted from publication


@lru_cache(maxsize=4096)
def _read(expr: str, code: str, require_day: bool = False) -> date | None:
    """dateparser's reading of ``expr`` against ``_REF`` (cached by the words alone, so an article's date
    words cost a dictionary look-up once read)."""
    import dateparser  # heavy (about 0.4 s to import): only once a date expression is found

    settings = {**_SETTINGS, "RELATIVE_BASE": datetime(_REF.year, _REF.month, _REF.day)}
    if require_day:
        settings["REQUIRE_PARTS"] = ["day", "month"]
    got = dateparser.parse(expr, languages=[code], settings=settings)
    return got.date() if got is not None else None


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _weekday(word: str, wd: int, code: str, pub: date, last: bool) -> date | None:
    """The weekday ``word`` on or before publication ("в пятницу" in a Friday paper: that day), the week
    before when ``last`` and it is the publication's weekday. dateparser reads the word; ``wd`` (the
    lexicon's) stands where it has no reading ("вторника")."""
    got = _read(word, code)
    day = got.weekday() if got is not None else wd
    if day != wd:
        return None
    back = (pub.weekday() - wd) % 7
    if last and back == 0:
        back = 7
    return pub - timedelta(days=back)


def _relative(word: str, days: int, code: str, pub: date) -> date:
    """"вчера", "ayer", "gestern", "hier", "la semana pasada" counted back from publication as dateparser
    reads them; the lexicon's count where it has no reading ("накануне", "la veille", "am Vortag")."""
    got = _read(word.lower(), code)
    back = (_REF - got).days if got is not None and got <= _REF else days
    return pub - timedelta(days=back)


def _explicit(m: re.Match, month: int, code: str, pub: date | None) -> date | None:
    """"12 марта [2023]", "el 12 de marzo", "am 12. März", "le 12 mars": day and month as dateparser reads
    them, the year written or the publication's (the year before when that would be after publication)."""
    day, year = int(m.group(1)), m.group(3)
    got = _read(f"{day} {m.group(2)}", code, require_day=True)
    if got is None or got.month != month or got.day != day:   # a month word dateparser reads otherwise
        return None
    if year:
        return _mk(int(year), got.month, got.day)
    return in_year_of(pub, got.month, got.day)


def date_in(segment: str, pub: date | None, L: Lang) -> tuple[date, str] | None:
    """The first date expression in ``segment`` (an attribution, its content masked) against the
    publication date: (date, basis) with basis explicit | weekday | relative."""
    found: list[tuple[int, date, str]] = []
    for m in L.explicit_re.finditer(segment):
        month = next((i + 1 for i, rx in enumerate(L.months) if rx.fullmatch(m.group(2))), None)
        if month is None:
            continue
        if L.date_modifier_re is not None and L.date_modifier_re.search(segment[max(0, m.start() - 14):m.start()]):
            continue     # "заявление от 10 ноября": the date of something named, not of the statement
        d = _explicit(m, month, L.code, pub)
        if d and (pub is None or d <= pub + timedelta(days=1)):
            found.append((m.start(), d, "explicit"))
    if pub is not None:
        for wd, rx in enumerate(L.weekdays):
            for m in rx.finditer(segment):
                if any(s <= m.start() < s + 12 for s, _, b in found if b == "explicit"):
                    continue
                last = bool(L.last_re.search(segment[max(0, m.start() - 14):m.start()])) or bool(
                    L.last_after_re is not None and L.last_after_re.match(segment, m.end()))
                d = _weekday(m.group(0), wd, L.code, pub, last)
                if d is not None:
                    found.append((m.start(), d, "weekday"))
        for rx, days in L.relative:
            for m in rx.finditer(segment):
                found.append((m.start(), _relative(m.group(0), days, L.code, pub), "relative"))
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    return found[0][1], found[0][2]


# a place (in capitals, or any with an agency after it), maybe "(agency)", ", day month [year]", then the
# agency ("/ТАСС/", "(EFE)", "(dpa)") and/or a dash: "МОСКВА, 13 марта. /ТАСС/.", "MOSCÚ, 13 mar (EFE).-",
# "MOSCOU, 13 mars (AFP) -", "Moskau (dpa) -", "Moskau, 13. März (dpa) -"
_DATELINE = re.compile(
    r"\A\W{0,3}(?P<place>[^\W\d_][^\W\d_ .'\-]*(?:[ .'\-]+[^\W\d_]+){0,3})"
    r"(?:\s*\((?P<ag1>[^()\n]{2,30})\))?"
    r"(?:,\s+(?P<date>\d{1,2}\.?\s+[^\W\d_]{3,12}\.?(?:\s+\d{4})?))?"
    r"\s*[.,]?\s*(?:/(?P<ag2>[^/\n]{2,30})/|\((?P<ag3>[^()\n]{2,30})\))?"
    r"\s*[.,]?\s*(?P<dash>[\u2014\u2013-]{1,2})?\s*")
_REACH = 300


def _dateline(text: str) -> re.Match | None:
    start = len(text) - len(text.lstrip())
    # a date header (" date 2024-03-15 ", blanked by ``sources.masked_text``) or a title line may come first
    for line in re.finditer(r"[^\n]+", text[:_REACH]):
        if not line.group(0).strip():
            continue
        m = _DATELINE.match(text, line.start() + len(line.group(0)) - len(line.group(0).lstrip()))
        if m and _is_dateline(m):
            return m
        if line.start() > start + 200:
            break
    return None


def _is_dateline(m: re.Match) -> bool:
    agency = m.group("ag1") or m.group("ag2") or m.group("ag3")
    if not (agency or (m.group("date") and m.group("dash"))):
        return False
    if not (agency or m.group("date")):
        return False
    place = m.group("place")
    caps = place.upper() == place
    return caps or bool(agency)


def dateline_span(text: str, L: Lang) -> int | None:
    """Where the article's own text starts after a dateline at its top, or None when it has none."""
    m = _dateline(text)
    return m.end() if m is not None else None


def dateline_date(text: str, pub: date | None, L: Lang) -> date | None:
    """The day a dateline gives ("МОСКВА, 13 марта. /ТАСС/." -> 13 March of the publication year, or of
    the year before when that would put it after publication); None without one or without a year."""
    m = _dateline(text)
    if m is None or not m.group("date"):
        return None
    raw = m.group("date").strip(" .")
    year = re.search(r"\d{4}", raw)
    got = _read(re.sub(r"\s*\d{4}$", "", raw), L.code, require_day=True)
    if got is None:
        return None
    if year:
        return _mk(int(year.group(0)), got.month, got.day)
    return in_year_of(pub, got.month, got.day)
