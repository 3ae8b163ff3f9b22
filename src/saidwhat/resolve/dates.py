"""When was a statement made? Explicit dates, weekdays relative to the publication date ("on
Thursday" = the Thursday on or before publication), "yesterday", "last week"; else the
publication date.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

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
            if not re.search(r"\b(on|since|dated)\s+$", segment[max(0, m.start() - 8):m.start()], re.I):
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
