"""The data of every page. Each function returns plain JSON-ready data: the ``/api/…`` twin returns
it as is, the HTML page renders it (plus presentation-only extras built in ``routes``). Every read
is a public ``Store`` method; no SQL here."""
from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any
from urllib.parse import quote as _q

from saidwhat.store import Store
from saidwhat.web import related
from saidwhat.web.chart import weekly
from saidwhat.web.params import NotFound, Paging, SearchParams

CACHE_SECONDS = 60.0
TOP_ACTORS = 12          # actors on the home page
DOC_META = ("id", "title", "outlet", "url", "published", "date_basis", "language", "source", "name",
            "format")


def q(value: str) -> str:
    """A value as one URL path segment."""
    return _q(str(value), safe=":@")


def links(st: dict) -> dict[str, str]:
    out = {"self": f"/statements/{q(st['id'])}", "document": f"/documents/{q(st['doc_id'])}",
           "cluster": f"/clusters/{q(st.get('cluster_id') or st['id'])}"}
    if st.get("actor_id"):
        out["actor"] = f"/actors/{q(st['actor_id'])}"
    return out


def with_links(rows: list[dict]) -> list[dict]:
    for r in rows:
        r["links"] = links(r)
    return rows


def pages(total: int, paging: Paging) -> dict[str, int]:
    return {"page": paging.page, "limit": paging.limit, "total": total,
            "pages": max(1, math.ceil(total / paging.limit))}


class Cache:
    """Memory for figures that cost a table scan (home page, facets): a value is fresh for
    ``seconds``; after that ONE thread recomputes it while the others go on serving the old value
    (no stampede of identical scans when many requests arrive at once); the very first value is
    computed once, the other threads waiting for it."""

    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds, self._data, self._lock = seconds, {}, threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        hit = self._data.get(key)
        if hit and time.monotonic() - hit[0] < self.seconds:
            return hit[1]
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=hit is None):
            return hit[1]  # another thread is refreshing it: the previous value will do
        try:
            hit = self._data.get(key)
            if hit and time.monotonic() - hit[0] < self.seconds:
                return hit[1]
            now = time.monotonic()
            value = make()
            self._data[key] = (now, value)
            return value
        finally:
            lock.release()


def home(store: Store, cache: Cache) -> dict:
    def figures() -> dict:
        stats = store.stats(top=0, actors=TOP_ACTORS)  # one snapshot
        stats.pop("top_speakers", None)
        return stats

    data = dict(cache.get("home", figures))
    data["latest"] = with_links(store.latest())
    return data


def facets(store: Store, cache: Cache) -> dict:
    return cache.get("facets", store.facets)


def search(store: Store, p: SearchParams, paging: Paging) -> dict:
    rows, total, capped = store.search_page(**asdict(p), limit=paging.limit,
                                            offset=paging.offset)
    return {"query": p.as_query(), "statements": with_links(rows), "capped": capped,
            **pages(total, paging)}


def statement(store: Store, statement_id: str, context_chars: int = 300) -> tuple[dict, str]:
    """(data, document text). The data carries the document's metadata, a plain-text context and
    the other reports of the same utterance; the full text is for the HTML page only."""
    st = store.statement(statement_id)
    if st is None:
        raise NotFound(f"no statement {statement_id!r}")
    text = st.pop("text", "") or ""
    doc = {"id": st["doc_id"], "title": st.pop("title", None), "outlet": st.pop("outlet", None),
           "url": st.pop("url", None), "published": st.pop("published", None),
           "date_basis": st.pop("published_basis", None), "source": st.pop("source", None),
           "name": st.get("doc")}
    others, basis = related.other_reports(store, st)
    a, b = max(0, st["start"] - context_chars), min(len(text), st["end"] + context_chars)
    data = {"statement": st, "document": doc, "links": links(st),
            "context": {"before": text[a:st["start"]], "quote": text[st["start"]:st["end"]],
                        "after": text[st["end"]:b]},
            "other_reports": with_links(others), "other_reports_basis": basis}
    return data, text


def actor(store: Store, actor_id: str, paging: Paging) -> dict:
    profile = store.actor(actor_id)
    if profile is None:
        raise NotFound(f"no statements by actor {actor_id!r}")
    series, days = store.actor_days(actor_id)
    rows = store.actor_statements(actor_id, paging.limit, paging.offset)
    return {"actor": profile, "chart": {"by": series, **weekly(days)},
            "statements": with_links(rows), **pages(profile["statements"], paging)}


def cluster(store: Store, key: str) -> tuple[dict, dict[str, str]]:
    """(data, {statement id: document text}) of a cluster / the reports of one utterance."""
    data = related.cluster(store, key)
    if data is None:
        raise NotFound(f"no cluster or statement {key!r}")
    texts: dict[str, str] = {}
    for r in data["statements"]:
        if r["doc_id"] not in texts:
            doc = store.document(r["doc_id"]) or {}
            texts[r["doc_id"]] = doc.get("text") or ""
        for k in ("text", "source", "published_basis"):
            r.pop(k, None)
    with_links(data["statements"])
    return data, texts


def document(store: Store, doc_id: str) -> dict:
    doc = store.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id!r}")
    rows = store.document_statements(doc["id"])
    meta = {k: doc.get(k) for k in DOC_META}
    return {"document": {**meta, "text": doc.get("text") or ""}, "statements": with_links(rows)}


def errors(store: Store, reason: str | None, paging: Paging) -> dict:
    rows = store.errors(reason, paging.limit, paging.offset)
    total = store.count_errors(reason)
    return {"reason": reason, "errors": rows, **pages(total, paging)}
