"""Request parameters: declared once (with their limits, so they show in the OpenAPI docs) and
validated before anything reaches SQL. A bad value raises ``BadRequest`` (-> 400 with a message) or
fails FastAPI's own validation (-> 422); nothing a client sends can produce a 500."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import Query

from saidwhat.store.search import Filters

MAX_PAGE = 1000          # deepest page served (OFFSET stays bounded)
MAX_LIMIT = 100          # rows per page at most
DEFAULT_LIMIT = 20
MAX_QUERY_CHARS = 200    # full-text query
MAX_FIELD_CHARS = 100    # every other text filter
KINDS = ("direct", "indirect", "mixed")
SORTS = ("relevance", "date", "-date")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class BadRequest(Exception):
    """A parameter that is well-formed for HTTP but makes no sense (-> 400 with ``message``)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NotFound(BadRequest):
    def __init__(self, message: str) -> None:
        super().__init__(message, 404)


def clean_text(value: str | None) -> str | None:
    """Strip, drop control and format characters (NUL, bidi overrides such as U+202E), and turn
    the empty string into None."""
    if value is None:
        return None
    value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    value = " ".join(value.split())
    return value or None


def iso_date(value: str | None, name: str) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real calendar date, else BadRequest."""
    value = clean_text(value)
    if value is None:
        return None
    m = _DATE.match(value)
    try:
        if not m:
            raise ValueError
        dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        raise BadRequest(f"{name}: not a date; use YYYY, YYYY-MM or YYYY-MM-DD (got {value!r})")
    return value


def tristate(value: str | None, name: str) -> bool | None:
    value = clean_text(value)
    if value is None:
        return None
    v = value.lower()
    if v in ("true", "1", "yes", "negated"):
        return True
    if v in ("false", "0", "no", "said"):
        return False
    raise BadRequest(f"{name}: use true or false (got {value!r})")


def one_of(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    value = clean_text(value)
    if value is not None and value not in allowed:
        raise BadRequest(f"{name}: one of {', '.join(allowed)} (got {value!r})")
    return value


Text = Annotated[str | None, Query(max_length=MAX_FIELD_CHARS)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number, 1 to {MAX_PAGE}.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page, 1 to {MAX_LIMIT}.")]


@dataclass(frozen=True)
class Paging:
    page: int = 1
    limit: int = DEFAULT_LIMIT

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def paging(page: Page = 1, limit: Limit = DEFAULT_LIMIT) -> Paging:
    return Paging(page, limit)


@dataclass(frozen=True)
class SearchParams(Filters):
    """The search form's parameters: the store's search filters, validated, plus their query string."""

    def as_query(self) -> dict[str, str]:
        """The non-empty parameters as query-string values (for permalinks and pagination)."""
        out = {}
        for k, v in asdict(self).items():
            if v is None or (k == "sort" and v == "-date"):
                continue
            out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
        return out

    @property
    def filtered(self) -> bool:
        return any(v is not None for k, v in asdict(self).items() if k not in ("q", "sort"))


def search_params(
    q: Annotated[str | None, Query(
        max_length=MAX_QUERY_CHARS,
        description="Words to find in quotes and speakers (all must occur; `word*` = prefix).")] = None,
    speaker: Annotated[str | None, Query(
        max_length=MAX_FIELD_CHARS,
        description="Substring of speaker, mention or actor id (case-insensitive).")] = None,
    target: Annotated[str | None, Query(
        max_length=MAX_FIELD_CHARS, description="Target ISO3 code or target actor id.")] = None,
    event_type: Annotated[str | None, Query(
        max_length=MAX_FIELD_CHARS, description="Event type (when the database has events).")] = None,
    since: Annotated[str | None, Query(
        max_length=10, description="From date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(
        max_length=10, description="To date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    outlet: Text = None,
    language: Text = None,
    kind: Annotated[str | None, Query(max_length=10, description="direct | indirect | mixed")] = None,
    negated: Annotated[str | None, Query(
        max_length=8, description="true: only statements reported as not made; false: only made.")] = None,
    sort: Annotated[str | None, Query(
        max_length=10, description="relevance (with q) | date | -date (newest first, default)")] = None,
) -> SearchParams:
    since_v, until_v = iso_date(since, "since"), iso_date(until, "until")
    if since_v and until_v and since_v[:len(until_v)] > until_v:
        raise BadRequest(f"since ({since_v}) is after until ({until_v})")
    q_v = clean_text(q)
    sort_v = one_of(sort, SORTS, "sort") or ("-date")
    if sort_v == "relevance" and not q_v:
        sort_v = "-date"
    return SearchParams(
        q=q_v, speaker=clean_text(speaker), target=clean_text(target),
        event_type=clean_text(event_type), since=since_v, until=until_v,
        outlet=clean_text(outlet), language=clean_text(language),
        kind=one_of(kind, KINDS, "kind"), negated=tristate(negated, "negated"), sort=sort_v)


def identifier(value: str, name: str = "id") -> str:
    """A path identifier (statement, document, actor, cluster): printable, bounded."""
    cleaned = clean_text(value)
    if not cleaned or len(cleaned) > 200 or cleaned != value:
        raise NotFound(f"no {name} {value[:80]!r}")
    return cleaned
