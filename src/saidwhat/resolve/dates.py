"""When was a statement made? Explicit dates, weekdays relative to the publication date ("on
Thursday" = the Thursday on or before publication), "yesterday", "last week"; else the
publication date. Also infers a missing publication date from dated expressions in the text.
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
    """Infer a publication date from the text where dated expressions determine it.

    Uses "its Nth day on <weekday>" with "since <Month Day>" (a running count from a known start),
    or "<weekday>, <Month Day>" pairs, with the year fixed by the weekday and bounded below by the
    latest explicit year in the text. Returns (YYYY-MM-DD, "inferred") or (None, "unknown").
    """
    years = [int(y) for y in re.findall(r"\b(19[5-9]\d|20\d\d)\b", text)]
    floor = max(years) if years else None
    m_day = re.search(r"\b(\d{1,3})(?:st|nd|rd|th) day\b[^.]{0,40}?\bon (monday|tuesday|wednesday|thursday|friday|saturday|sunday)", text, re.I)
    m_since = re.search(rf"\bsince\s+{_MON}\s+(\d{{1,2}})\b", text, re.I)
    if m_day and m_since and floor:
        n, wd = int(m_day.group(1)), WEEKDAYS.index(m_day.group(2).lower())
        mon = MONTHS.get(m_since.group(1).lower()[:3])
        hits = []
        for y in (floor - 1, floor, floor + 1):
            start = _mk(y, mon, int(m_since.group(2))) if mon else None
            if start is None:
                continue
            d = start + timedelta(days=n - 1)
            if d.weekday() == wd and d.year >= floor:
                hits.append(d)
        if len(hits) == 1:
            return hits[0].isoformat(), "inferred"
    m = re.search(rf"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+{_MON}\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?", text, re.I)
    if m:
        wd = WEEKDAYS.index(m.group(1).lower())
        mon = MONTHS.get(m.group(2).lower()[:3])
        years_try = [int(m.group(4))] if m.group(4) else ([floor, floor + 1] if floor else [])
        hits = [d for y in years_try if (d := _mk(y, mon, int(m.group(3)))) and d.weekday() == wd]
        if len(hits) == 1:
            return hits[0].isoformat(), "inferred"
    return None, "unknown"
