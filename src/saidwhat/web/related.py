"""Statements that belong together, as the pages show them: the other reports of one statement and
the reports of one utterance (the cluster page). No SQL here: both come from the store.

Other reports: the other members of the statement's cluster, first report first (the cluster's id is
its first report's statement id); a cluster page also carries the cluster's row (canonical text,
date, first outlet, counts). When linking found no other report (or the statement is not linked
yet), reports are found by their words: statements in other documents whose quote, normalised,
equals this one's or contains it (``Store.same_words``; basis "quote", said so on the page).
"""
from __future__ import annotations

from typing import Any

from saidwhat.store import Store

MAX_REPORTS = 50


def _reports(rows: list[dict]) -> list[dict]:
    """The store's reports as the pages show them: ``first`` is ``first_report`` here."""
    for r in rows:
        r["first_report"] = r.pop("first")
    return rows


def other_reports(store: Store, st: dict) -> tuple[list[dict], str]:
    """(reports of the same utterance in other documents, how they were found): the other members
    of its cluster; when linking found none, statements of other documents with the same words."""
    cid = st.get("cluster_id")
    if cid:
        data = store.cluster(cid, limit=MAX_REPORTS + 1)
        rows = [r for r in _reports(data["reports"]) if r["id"] != st["id"]] if data else []
        if rows:
            return rows[:MAX_REPORTS], "cluster"
    return store.same_words(st, MAX_REPORTS), "quote"


def cluster(store: Store, key: str) -> dict[str, Any] | None:
    """A cluster by its id or a member's statement id, with its summary (canonical text, date,
    first outlet, counts) and its reports, first report first. For a statement whose cluster has
    no other report (or that is not linked yet): the statement and the statements of other
    documents with the same words (basis "quote"). None when neither exists."""
    data = store.cluster(key, limit=MAX_REPORTS)
    if data is not None and len(data["reports"]) >= 2:
        reports = _reports(data.pop("reports"))
        data.pop("outlets", None)
        cid = data.pop("id")
        return {"id": cid, "basis": "cluster", **data, "statements": reports,
                "first": reports[0]["id"]}
    seed = store.statement(key)
    if seed is None:
        return None
    members = [seed, *store.same_words(seed, MAX_REPORTS)][:MAX_REPORTS]
    members.sort(key=lambda r: (r.get("published") or "9999", r.get("date") or "9999", r["id"]))
    return {"id": key, "basis": "quote", "statements": members,
            "first": members[0]["id"] if members else None}
