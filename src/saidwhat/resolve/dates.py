"""When was a statement made? Explicit dates, weekdays relative to the publication date ("on
Thursday" = the Thursday on or before publication), "yesterday", "last week"; a dateline
("MOSCOW, December 29. /Interfax/", with the publication year when it has none); else the
publication date. A date inside the statement's content is never its date (the caller masks the
content; ``date_in`` also skips dates that name something: "the statement of November 9, 2020").
"""
from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date, datetime, timedelta
from typing import Any

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

RE_MDY = re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
RE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+(\d{{4}}))?\b", re.I)
RE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
RE_WEEKDAY = re.compile(r"\b(?:(last|this|on|next)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
RE_RELATIVE = re.compile(r"\b(yesterday|today|earlier today|last week|this week|last month|the day before)\b", re.I)


def parse_iso(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_day(mon: str, day: str, year: str | None, pub: date | None) -> date | None:
    m = MONTHS.get(mon.lower().rstrip(".")[:4] if mon.lower().startswith("sept") else mon.lower().rstrip(".")[:3])
    if m is None:
        return None
    d = int(day)
    if year:
        return _mk(int(year), m, d)
    if pub is None:
        return None
    cand = _mk(pub.year, m, d)
    if cand and cand > pub + timedelta(days=1):
        cand = _mk(pub.year - 1, m, d)
    return cand


def date_in(segment: str, pub: date | None) -> tuple[date, str] | None:
    """The first date expression in ``segment`` resolved against ``pub``: (date, basis)."""
    found: list[tuple[int, date, str]] = []
    for rx, order in ((RE_MDY, (1, 2, 3)), (RE_DMY, (2, 1, 3))):
        for m in rx.finditer(segment):
            # a date names the day of the statement only as an adverbial ("on April 23"), not
            # inside a noun phrase ("the November 9, 2020 agreement")
            # ("since March 3" is when something began, never the day it was said)
            if not re.search(r"\b(on|dated)\s+$", segment[max(0, m.start() - 8):m.start()], re.I):
                continue
            d = _month_day(m.group(order[0]), m.group(order[1]), m.group(order[2]), pub)
            if d and (pub is None or d <= pub + timedelta(days=1)):
                found.append((m.start(), d, "explicit"))
    if pub is not None:
        for m in RE_WEEKDAY.finditer(segment):
            mod = (m.group(1) or "").lower()
            wd = WEEKDAYS.index(m.group(2).lower())
            back = (pub.weekday() - wd) % 7
            if mod == "last" and back == 0:
                back = 7
            if mod == "next":
                continue
            found.append((m.start(), pub - timedelta(days=back), "weekday"))
        for m in RE_RELATIVE.finditer(segment):
            w = m.group(1).lower()
            if w == "yesterday" or w == "the day before":
                found.append((m.start(), pub - timedelta(days=1), "relative"))
            elif w in ("today", "earlier today", "this week"):
                found.append((m.start(), pub, "relative"))
            elif w == "last week":
                found.append((m.start(), pub - timedelta(days=7), "relative"))
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    return found[0][1], found[0][2]


# "MOSCOW, December 29. /Interfax/", "YEREVAN, March 5 (Reuters) -", "BAKU, 12 марта. /ТАСС/", "WASHINGTON, Dec. 3 —":
# a place in capitals, a comma, a day and month (maybe a year), then the agency or a dash
_DATELINE = re.compile(
    r"^\W{0,3}(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ .'\-]{1,40}?)(?:\s*\([^)\n]{1,40}\))?,\s+(?P<date>[^\n/()\u2014\u2013]{3,30}?)"
    r"\s*[.,]?\s*(?:/[^/\n]{1,30}/|\([^)\n]{1,30}\)|[\u2014\u2013-]{1,2}\s)", re.M)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_DATELINE_REACH = 300   # a dateline opens the article (after a title line or a date header)


_EN_MONTHS = {m: i + 1 for i, ms in enumerate((
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul", "august aug",
    "september sep sept", "october oct", "november nov", "december dec")) for m in ms.split()}
_EN_DAY = re.compile(r"^(?:(?P<m1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2})|(?P<d2>\d{1,2})\s+(?P<m2>[A-Za-z]{3,9})\.?)"
                     r"(?:,?\s+(?P<y>\d{4}))?$")


def _english_day(raw: str) -> datetime | None:
    """"December 29", "Dec. 3, 2023", "29 December": read without dateparser (most datelines)."""
    m = _EN_DAY.match(raw.strip())
    if m is None:
        return None
    month = _EN_MONTHS.get((m.group("m1") or m.group("m2")).lower())
    if month is None:
        return None
    day = int(m.group("d1") or m.group("d2"))
    try:
        return datetime(int(m.group("y") or 2000), month, day)
    except ValueError:
        return None


def dateline(text: str, pub: date | None) -> date | None:
    """The day a dateline at the top of the article gives ("MOSCOW, December 29. /Interfax/" -> December 29
    of the publication year, or of the year before when that would put it after publication). Month and
    day in any language dateparser reads ("29 декабря", "29. Dezember"); None when there is none, or no
    year can be had (no year in it and no publication date)."""
    head = text[:_DATELINE_REACH]
    for m in _DATELINE.finditer(head):
        raw = m.group("date").strip(" .,")
        if not re.search(r"\d", raw) or len(raw.split()) > 5:
            continue
        got = _english_day(raw)
        if got is None:
            import dateparser  # heavy (about 0.4 s to import): only for a dateline English months miss

            base = datetime(pub.year, pub.month, pub.day) if pub else datetime(2000, 1, 1)
            got = dateparser.parse(raw, languages=["ru"] if re.search("[А-Яа-яЁё]", raw) else None,
                                   settings={"REQUIRE_PARTS": ["day", "month"], "RELATIVE_BASE": base,
                                             "PREFER_DATES_FROM": "past"})
        if got is None:
            continue
        if _YEAR.search(raw):
            return got.date()
        return in_year_of(pub, got.month, got.day)
    return None


def in_year_of(pub: date | None, month: int, day: int) -> date | None:
    """A day written without its year ("December 29"): in the publication year, or in the year before
    when that would put it after publication; None without a publication date."""
    if pub is None:
        return None
    d = _mk(pub.year, month, day)
    if d is not None and d > pub + timedelta(days=1):
        d = _mk(pub.year - 1, month, day)
    return d


# a live blog's entry heading ("2:35 p.m.", "___") or a section rule: a statement's context stops there
_BREAK = re.compile(r"^\s*(?:_{2,}\.?|-{3,}|\*{3,}|\d{1,2}(?::\d\d)?\s*[ap]\.?m\.?)\s*$", re.M | re.I)


def fill_dates(stmts: list[Any], document: Any) -> None:
    """Statements with no date of their own (``date`` empty) take one from their context, in place:

    - the date of the same actor's statement next to it (the one before, in this or the last paragraph;
      the one after, in this paragraph), or of the same actor's weekday or relative date ("on Thursday", "yesterday") within three paragraphs, never across
      a section break (a live blog's time-stamped entries are separate occasions);
    - else the article's dateline day ("MOSCOW, December 29. /Interfax/");
    - else the publication date, else none (``unknown``).
    An explicit past date ("On February 6, … had already expressed") dates that statement only, and so
    does a date of a statement reported inside another one's content (``nested``)."""
    text = document.text or ""
    pub = parse_iso(document.published)
    lines = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and text[i + 1:i + 2].strip()]
    breaks = [m.start() for m in _BREAK.finditer(text)]

    def para(pos: int) -> int:
        return bisect_right(lines, pos)

    def section(pos: int) -> int:
        return bisect_right(breaks, pos)

    line_day = dateline(text, pub)

    def nested(o: Any) -> bool:
        """``o``'s cue lies inside another statement's content ("X said that Y had spoken on Tuesday and
        had stressed …"): its date is the reported event's, not a day the speaker spoke."""
        at = o.cue_start if o.cue_start is not None else o.start
        return any(x is not o and x.start <= at < x.end for x in stmts)

    for i, s in enumerate(stmts):
        if s.date:
            continue
        best = None
        for j, o in enumerate(stmts):
            if not o.date or o.date_basis == "context" or not o.actor_id or o.actor_id != s.actor_id or i == j \
                    or nested(o):
                continue
            if section(o.start) != section(s.start):
                continue
            gap = para(s.start) - para(o.start)
            # the neighbour before, in this or the last paragraph; the one after, in this paragraph
            near = (abs(i - j) <= 1 and (0 <= gap <= 1 if j < i else gap == 0)) or (
                o.date_basis in ("weekday", "relative") and (j < i or gap == 0 or para(s.start) <= 1))
            if near:
                dist = (i - j) if j < i else (j - i) + 0.5
                if best is None or dist < best[0]:
                    best = (dist, o)
        if best is not None:
            s.date, s.date_basis = best[1].date, "context"
        elif line_day is not None:
            s.date, s.date_basis = line_day.isoformat(), "dateline"
        elif document.published:
            s.date, s.date_basis = document.published, "publication"
        else:
            s.date, s.date_basis = None, "unknown"


def infer_published(text: str) -> tuple[str | None, str]:
    """A publication date the article's text alone determines: none, so (None, "unknown").

    Two inferences were tried and dropped, counted on PolNeAR train (840 US news articles with
    their publication dates; docs/accuracy.md, "Publication dates"): "its Nth day on <weekday>"
    with "since <Month Day>" (built on one sample article) never occurs there, and the first
    "<weekday>, <Month Day>" gave the publication date for 3 of the 11 articles it decided (the
    others name an event before or after it). A date from the source (header, byline, HTML
    metadata, a JSONL field) is taken where the document is read, not here; a document without
    one keeps "unknown", and its weekday and relative dates stay unresolved rather than wrong.
    """
    return None, "unknown"
