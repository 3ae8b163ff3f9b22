"""Cluster statements that report the same utterance, incrementally and deterministically.

Input: dicts shaped like ``Statement.to_dict()`` plus the document's ``published``, ``outlet``, ``url``.

* Blocking: a statement is only compared with statements of the same speaker key (``speaker_key``)
  whose day (statement ``date``, else ``published``) is within ``window_days`` — never all pairs.
* Link test (symmetric): containment of the shorter content-token set in the longer >= ``min_overlap``;
  a shared quoted fragment (>= 5 consecutive tokens) lowers the bar to ``fragment_overlap``; shared
  numbers/names add a small bonus, disjoint numbers a penalty (tie-breakers only).
* Clusters are the connected components of the link graph (union-find), so the result does not depend
  on the order or batching of ``add`` calls. Cluster id = id of the earliest member by
  (published, doc_id, start).
* State (``to_state``/``from_state``) is plain JSON-able data.
"""
from __future__ import annotations

import gc
from datetime import date as _date

from .text import content, names, ngrams, numbers, tokens

FRAG = 5


def speaker_key(st: dict) -> str | None:
    """Who spoke, coarsely: a person or organisation with country+sector maps to ``RUS/MFA`` so a
    ministry's spokesperson and the ministry share a block; otherwise the actor id, else the name."""
    c, s = st.get("country"), st.get("sector")
    if c and s and st.get("actor_type") in (None, "person", "organization"):
        return f"{c}/{s}"
    if st.get("actor_id"):
        return str(st["actor_id"])
    if st.get("speaker"):
        return "name:" + " ".join(str(st["speaker"]).lower().split())
    return None


def _day(st: dict) -> int | None:
    for k in ("date", "published"):
        v = st.get(k)
        if v:
            try:
                return _date.fromisoformat(str(v)[:10]).toordinal()
            except ValueError:
                continue
    return None


def sort_key(st: dict) -> list:
    return [st.get("published") or "9999-99-99", str(st.get("doc_id") or ""), int(st.get("start") or 0),
            str(st.get("id"))]


class _Feat:
    __slots__ = ("toks", "cset", "grams", "nums", "names")

    def __init__(self, toks: list[str], nm: list[str]):
        self.toks = toks
        self.cset = content(toks)
        self.grams = ngrams(toks, FRAG)
        self.nums = numbers(toks)
        self.names = frozenset(nm)


class Linker:
    def __init__(self, window_days: int = 3, min_overlap: float = 0.6, fragment_overlap: float = 0.3,
                 min_tokens: int = 3):
        self.window_days = window_days
        self.min_overlap = min_overlap
        self.fragment_overlap = fragment_overlap
        self.min_tokens = min_tokens
        # persisted: id -> [speaker key, day, sort key, tokens, names]; union-find parent
        self.items: dict[str, list] = {}
        self.parent: dict[str, str] = {}
        # derived
        self._feat: dict[str, _Feat] = {}
        self._index: dict[tuple, list[str]] = {}
        self._members: dict[str, list[str]] = {}

    # ---- union-find -------------------------------------------------------------------------
    def _find(self, x: str) -> str:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def _union(self, a: str, b: str) -> str | None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return None
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        return ra

    # ---- similarity -------------------------------------------------------------------------
    def similarity(self, a: _Feat, b: _Feat) -> float:
        small, big = (a.cset, b.cset) if len(a.cset) <= len(b.cset) else (b.cset, a.cset)
        if len(small) < self.min_tokens:
            return 1.0 if small and small == big else 0.0
        score = len(small & big) / len(small)
        if a.grams & b.grams and score >= self.fragment_overlap:
            score = max(score, self.min_overlap + 0.05)
        shared = len(a.nums & b.nums) + len(a.names & b.names)
        score += min(0.1, 0.05 * shared)
        if a.nums and b.nums and not (a.nums & b.nums):
            score -= 0.15
        return score

    def linked(self, a: _Feat, b: _Feat) -> bool:
        return self.similarity(a, b) >= self.min_overlap

    # ---- public API ---------------------------------------------------------------------------
    def _register(self, sid: str, rec: list, feat: _Feat | None = None) -> None:
        key, day = rec[0], rec[1]
        self.items[sid] = rec
        self._feat[sid] = feat or _Feat(rec[3], rec[4])
        self.parent.setdefault(sid, sid)
        if sid == self.parent[sid]:
            self._members.setdefault(sid, []).append(sid)
        if key is not None:
            self._index.setdefault((key, day), []).append(sid)

    def add(self, statements: list[dict]) -> dict[str, str]:
        """Link new statements. Returns ``{statement_id: cluster_id}`` for the new statements and for
        every earlier statement whose cluster id changed (clusters merged or got an earlier member).
        The cyclic GC is paused for the call (many small containers; it halves the time at 100k)."""
        was = gc.isenabled()
        gc.disable()
        try:
            return self._add(statements)
        finally:
            if was:
                gc.enable()

    def _add(self, statements: list[dict]) -> dict[str, str]:
        before: dict[str, str] = {}
        touched: set[str] = set()
        new = [s for s in statements if str(s["id"]) not in self.items]
        for st in sorted(new, key=sort_key):
            sid = str(st["id"])
            if sid in self.items:
                continue
            key, day = speaker_key(st), _day(st)
            rec = [key, day, sort_key(st), tokens(st.get("quote") or ""), sorted(names(st.get("quote")))]
            feat = _Feat(rec[3], rec[4])
            cands: list[str] = []
            if key is not None:
                days = [day] if day is None else range(day - self.window_days, day + self.window_days + 1)
                for d in days:
                    cands.extend(self._index.get((key, d), ()))
            self._register(sid, rec, feat)
            touched.add(sid)
            for c in cands:
                if self._find(c) != self._find(sid) and self.linked(feat, self._feat[c]):
                    for m in self._members[self._find(c)]:
                        if m not in before and m not in touched:
                            before[m] = self.cluster_of(m)
                    self._union(sid, c)
        out: dict[str, str] = {}
        for root in {self._find(s) for s in touched}:
            cid = self._cluster_id(root)
            for m in self._members[root]:
                if m in touched or before.get(m) != cid:
                    out[m] = cid
        return out

    def _cluster_id(self, root: str) -> str:
        return min(self._members[root], key=lambda m: self.items[m][2])

    def cluster_of(self, sid: str) -> str:
        return self._cluster_id(self._find(sid))

    def clusters(self) -> dict[str, list[str]]:
        """``{cluster_id: [statement ids in (published, doc_id, start) order]}``."""
        out = {}
        for root, mem in self._members.items():
            ordered = sorted(mem, key=lambda m: self.items[m][2])
            out[ordered[0]] = ordered
        return dict(sorted(out.items()))

    def assignments(self) -> dict[str, str]:
        return {m: cid for cid, mem in self.clusters().items() for m in mem}

    def to_state(self) -> dict:
        return {"version": 1, "window_days": self.window_days, "min_overlap": self.min_overlap,
                "fragment_overlap": self.fragment_overlap, "min_tokens": self.min_tokens,
                "items": self.items, "parent": {k: self._find(k) for k in self.parent}}

    @classmethod
    def from_state(cls, state: dict) -> "Linker":
        lk = cls(state["window_days"], state["min_overlap"], state.get("fragment_overlap", 0.3),
                 state.get("min_tokens", 3))
        parent = state["parent"]
        for sid, rec in state["items"].items():
            lk._register(sid, list(rec))
        lk.parent = dict(parent)
        lk._members = {}
        for sid in lk.items:
            lk._members.setdefault(lk._find(sid), []).append(sid)
        return lk


def cluster_summary(members: list[dict]) -> dict:
    """Summary of one cluster from its member statement dicts (with ``published``/``outlet``/``url``)."""
    ms = sorted(members, key=sort_key)
    first = ms[0]
    direct = [m for m in ms if m.get("kind") == "direct"]
    canon = max(direct or ms, key=lambda m: len(m.get("quote") or ""))
    dates = [m.get("date") for m in ms if m.get("date")]
    return {
        "id": str(first["id"]),
        "first_report": {"doc": first.get("doc"), "doc_id": first.get("doc_id"), "outlet": first.get("outlet"),
                         "url": first.get("url"), "date": first.get("published")},
        "outlets": sorted({m["outlet"] for m in ms if m.get("outlet")}),
        "canonical_text": canon.get("quote"),
        "date": min(dates) if dates else first.get("published"),
        "speaker": canon.get("speaker"),
        "n_reports": len({m.get("doc_id") or m.get("doc") for m in ms}),
        "statements": [str(m["id"]) for m in ms],
    }
