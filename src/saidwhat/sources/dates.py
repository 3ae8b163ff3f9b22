"""Small, dependency-free date parsing for ingest (no dateparser).

Only unambiguous written forms are accepted: ISO dates/datetimes, "23 June 2023",
"June 23, 2023", "Jun. 23 2023" (optionally preceded by a weekday). Numeric
day/month forms like 06/07/2023 are ambiguous and are ignored.
"""
from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"

DATE_PATTERNS = [
    # 2023-06-23 (optionally followed by a time)
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})\b"),
    # Friday, 23 June 2023
    re.compile(r"\b" + _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I),
    # Friday, June 23, 2023
    re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r"\b", re.I),
]

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s_])")
_ISO_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:$|T)")
_SLASHED_YMD = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")


def _mk(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match) -> str | None:
    gd = m.groupdict()
    month = int(gd["mnum"]) if gd.get("mnum") else MONTHS.get(gd["month"].lower().rstrip("."))
    if not month:
        return None
    return _mk(int(gd["year"]), month, int(gd["day"]))


def find_date(s: str) -> tuple[str, tuple[int, int]] | None:
    """The first valid date written in ``s``: (YYYY-MM-DD, (start, end)) or None."""
    best: tuple[int, int, str] | None = None
    for pat in DATE_PATTERNS:
        for m in pat.finditer(s):
            iso = _from_match(m)
            if iso and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), iso)
                break
    return (best[2], (best[0], best[1])) if best else None


EARLIEST_PUBLISHED = 1800  # no news article in a corpus is older; 0001-01-01 is a placeholder, not a date


def plausible_published(iso: str | None, today: date | None = None) -> str | None:
    """``iso`` when it can be a publication date (from 1800 to a year after ``today``), else None."""
    if not iso:
        return None
    year = int(iso[:4])
    return iso if EARLIEST_PUBLISHED <= year <= (today or date.today()).year + 1 else None


def normalise_date(value: object) -> str | None:
    """A record's date field as YYYY-MM-DD, or None when it cannot be read or cannot be a
    publication date (``plausible_published``)."""
    return plausible_published(_normalise(value))


def _normalise(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s:
        return None
    for pat in (_ISO_PREFIX, _ISO_COMPACT, _SLASHED_YMD):
        m = pat.match(s)
        if m:
            return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    found = find_date(s)
    return found[0] if found else None
