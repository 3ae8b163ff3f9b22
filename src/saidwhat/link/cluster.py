"""Cluster statements that report the same utterance, incrementally and deterministically.

Input: dicts shaped like ``Statement.to_dict()`` plus the document's ``published``, ``outlet``, ``url``.

* Blocking: a statement is only compared with statements that share one of its speaker keys
  (``speaker_keys``: ``COUNTRY/SECTOR``, the actor id, the transliterated surname of a person) and
  whose day (statement ``date``, else ``published``) is within ``window_days`` — never all pairs. A
  statement is findable under each of its keys, so a report that lacks the speaker's country/sector
  (a foreign-language report, a bare name) still meets the others through the actor id or the name.
* Link test (symmetric): containment of the shorter content-token set in the longer >= ``min_overlap``;
  a shared quoted fragment (>= 5 consecutive tokens) lowers the bar to ``fragment_overlap``; shared
  numbers/names add a small bonus, disjoint numbers a penalty (tie-breakers only).
* Across languages (both statements carry a ``language`` and they differ) content words cannot
  overlap, so the test is another one: statement days at most ``cross_days`` apart and at least
  ``cross_min`` shared anchors (numbers, and names compared across scripts: Cyrillic transliterated,
  accents dropped, the first five letters, or the same actor in the actor dictionary), covering at
  least half of the smaller statement's anchors; the speaker's own country and name do not count.
* Clusters are the connected components of the link graph (union-find), so the result does not depend
  on the order or batching of ``add`` calls. Cluster id = id of the earliest member by
  (published, doc_id, start).
* State (``to_state``/``from_state``) is plain JSON-able data.
"""
from __future__ import annotations

import gc
import re
from collections import Counter
from datetime import date as _date

from saidwhat.actors import actor_index
from saidwhat.link.text import content, name_words, names, ngrams, numbers, tokens, translit

FRAG = 5


def speaker_keys(st: dict) -> list[str]:
    """The blocks a statement is filed under, most specific role first: ``RUS/MFA`` for a person or
    organisation with country+sector (a ministry's spokesperson and the ministry share it), the
    actor id (else ``name:<speaker>``), and for a person ``p:<surname>`` in Latin letters (so
    "Дэниел Марш" and "Daniel Marsh" meet). Several keys: candidates are the union of the blocks."""
    keys: list[str] = []
    c, s = st.get("country"), st.get("sector")
    kind = st.get("actor_type")
    if c and s and kind in (None, "person", "organization"):
        keys.append(f"{c}/{s}")
    if st.get("actor_id"):
        keys.append(str(st["actor_id"]))
    elif st.get("speaker"):
        keys.append("name:" + " ".join(str(st["speaker"]).lower().split()))
    person = kind == "person" or str(st.get("actor_id") or "").startswith("person:")
    if person and st.get("speaker"):
        words = re.findall(r"[^\W\d_]+", translit(str(st["speaker"]).split()[-1]))
        if words and len(words[-1]) >= 3:
            keys.append("p:" + words[-1])
    return list(dict.fromkeys(keys))


def speaker_key(st: dict) -> str | None:
    """Who spoke, coarsely (the first of ``speaker_keys``): ``RUS/MFA`` for a person or organisation
    with country+sector, otherwise the actor id, else the name. The ``clusters.speaker_key`` column."""
    keys = speaker_keys(st)
    return keys[0] if keys else None


def day_of(date: str | None, published: str | None) -> int | None:
    """The blocking day: the statement date, else the publication date (a date ordinal)."""
    for v in (date, published):
        if v:
            try:
                return _date.fromisoformat(str(v)[:10]).toordinal()
            except ValueError:
                continue
    return None


def sort_key(st: dict) -> list:
    return [st.get("published") or "9999-99-99", str(st.get("doc_id") or ""), int(st.get("start") or 0),
            str(st.get("id"))]


def _record(st: dict) -> list:
    """The persisted per-statement record: [speaker keys, day, sort key, tokens, names, language,
    name anchors]."""
    quote = st.get("quote") or ""
    return [speaker_keys(st), day_of(st.get("date"), st.get("published")), sort_key(st), tokens(quote), sorted(names(quote)),
            st.get("language") or None, name_anchors(quote, st)]


def _actor_names() -> dict[str, str]:
    """Surface form -> actor id from the actor dictionary (empty if it cannot be loaded)."""
    global _ACTOR_NAMES
    if _ACTOR_NAMES is None:
        try:
            ix = actor_index()
            _ACTOR_NAMES = {**ix.adjectives, **ix.names}
        except Exception:  # the dictionary is a help, not a requirement
            _ACTOR_NAMES = {}
    return _ACTOR_NAMES


_ACTOR_NAMES: dict[str, str] | None = None


def name_anchors(quote: str, st: dict | None = None) -> list[list[str]]:
    """Per name in the quote, the keys it can be matched by in another language: its first five
    Latin letters (``n:armen`` for Armenia, Arménie, Армении) and the actor id the dictionary gives
    the word as written or transliterated. Names of the speaker (own country, own actor id) are left
    out: every statement of a briefing shares them."""
    if not quote:
        return []
    own = {x for x in ((st or {}).get("country"), (st or {}).get("actor_id")) if x}
    table = _actor_names()
    out, seen = [], set()
    for w, raw, opens in name_words(quote, raw=True):
        keys = {"n:" + w[:5]}
        for form in (raw.lower(), w):
            aid = table.get(form)
            if aid:
                keys.add(aid)
        if opens and len(keys) == 1:  # "Nobody …", "Рабочая …": a capital that opens a sentence
            continue
        if keys & own or keys <= seen:
            continue
        seen |= keys
        out.append(sorted(keys))
    return out


def _is_country(keys: frozenset) -> bool:
    """A name matched only as a country (an ISO3 actor id, or a country's name stem)."""
    return any(len(k) == 3 and k.isupper() for k in keys)


def _keys(k) -> list[str]:
    """Speaker keys of a record (state version 2 kept one key or None)."""
    if k is None:
        return []
    return [k] if isinstance(k, str) else list(k)


class _Feat:
    __slots__ = ("toks", "cset", "grams", "nums", "names", "lang", "anchors")

    def __init__(self, toks: list[str], nm: list[str], lang: str | None = None,
                 anchors: list[list[str]] | None = None):
        self.toks = toks
        self.cset = content(toks)
        self.grams = ngrams(toks, FRAG)
        self.nums = numbers(toks)
        self.names = frozenset(nm)
        self.lang = lang
        self.anchors = [frozenset(a) for a in anchors or ()]


class Linker:
    def __init__(self, window_days: int = 3, min_overlap: float = 0.6, fragment_overlap: float = 0.3,
                 min_tokens: int = 3, cross_days: int = 1, cross_min: int = 2):
        self.window_days = window_days
        self.min_overlap = min_overlap
        self.fragment_overlap = fragment_overlap
        self.min_tokens = min_tokens
        self.cross_days = cross_days
        self.cross_min = cross_min
        # persisted: id -> _record(); union-find parent
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
            if small and small == big:
                return 1.0
            # a short partial quote ("The invitation stands"): its words, in order, inside the other
            st, bt = (a.toks, b.toks) if small is a.cset else (b.toks, a.toks)
            return 1.0 if small and len(st) >= FRAG - 2 and f" {' '.join(st)} " in f" {' '.join(bt)} " else 0.0
        score = len(small & big) / len(small)
        if a.grams & b.grams and score >= self.fragment_overlap:
            score = max(score, self.min_overlap + 0.05)
        shared = len(a.nums & b.nums) + len(a.names & b.names)
        score += min(0.1, 0.05 * shared)
        if a.nums and b.nums and not (a.nums & b.nums):
            score -= 0.15
        return score

    def cross_similarity(self, a: _Feat, b: _Feat) -> tuple[int, float, bool]:
        """(shared anchors, share of the smaller side's anchors, a specific one among them) for two
        statements in different languages. Specific: a number or a name that is not a country (the
        countries of a region recur in every statement of a briefing). Disjoint numbers on both
        sides veto the link."""
        nums = len(a.nums & b.nums)
        if a.nums and b.nums and not nums:
            return 0, 0.0, False
        akeys = frozenset().union(*a.anchors) if a.anchors else frozenset()
        bkeys = frozenset().union(*b.anchors) if b.anchors else frozenset()
        sa_ = [x for x in a.anchors if x & bkeys]
        shared = min(len(sa_), sum(1 for x in b.anchors if x & akeys))
        specific = bool(nums) or any(
            not _is_country(x) and not any(_is_country(y) for y in b.anchors if x & y) for x in sa_)
        total = nums + shared
        small = min(len(a.nums) + len(a.anchors), len(b.nums) + len(b.anchors))
        return total, (total / small if small else 0.0), specific

    def linked(self, a: _Feat, b: _Feat, days_apart: int | None = 0) -> bool:
        if a.lang and b.lang and a.lang != b.lang:
            if days_apart is None or days_apart > self.cross_days:
                return False
            shared, share, specific = self.cross_similarity(a, b)
            return shared >= self.cross_min and share >= 0.5 and specific
        return self.similarity(a, b) >= self.min_overlap

    # ---- public API ---------------------------------------------------------------------------
    def _register(self, sid: str, rec: list, feat: _Feat | None = None) -> None:
        day = rec[1]
        self.items[sid] = rec
        self._feat[sid] = feat or _Feat(rec[3], rec[4], *(rec[5:7] if len(rec) > 5 else ()))
        self.parent.setdefault(sid, sid)
        if sid == self.parent[sid]:
            self._members.setdefault(sid, []).append(sid)
        for key in _keys(rec[0]):
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
            rec = _record(st)
            keys, day = rec[0], rec[1]
            feat = _Feat(*rec[3:7])
            cands: list[str] = []
            days = [day] if day is None else range(day - self.window_days, day + self.window_days + 1)
            index = self._index
            for key in keys:
                for d in days:
                    hit = index.get((key, d))
                    if hit:
                        cands.extend(hit)
            if len(keys) > 1:  # a statement filed under several keys is a candidate once
                cands = list(dict.fromkeys(cands))
            self._register(sid, rec, feat)
            touched.add(sid)
            for c in cands:
                cday = self.items[c][1]
                apart = None if day is None or cday is None else abs(day - cday)
                if self._find(c) != self._find(sid) and self.linked(feat, self._feat[c], apart):
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

    def seed(self, statements: list[dict], cluster_of: dict[str, str]) -> None:
        """Load statements that are already clustered (``cluster_of``: id -> cluster id) without
        comparing them: members of one cluster are joined as they are. New statements given to
        ``add`` afterwards are compared with them (the store's incremental linking)."""
        groups: dict[str, str] = {}
        for st in sorted(statements, key=sort_key):
            sid = str(st["id"])
            if sid not in self.items:
                self._register(sid, _record(st))
            cid = cluster_of.get(sid)
            if cid is not None:
                if cid in groups:
                    self._union(groups[cid], sid)
                else:
                    groups[cid] = sid

    def _cluster_id(self, root: str) -> str:
        return min(self._members[root], key=lambda m: self.items[m][2])

    def cluster_of(self, sid: str) -> str:
        return self._cluster_id(self._find(sid))

    def clusters(self) -> dict[str, list[str]]:
        """``{cluster_id: [statement ids in (published, doc_id, start) order]}``."""
        out = {}
        for mem in self._members.values():
            ordered = sorted(mem, key=lambda m: self.items[m][2])
            out[ordered[0]] = ordered
        return dict(sorted(out.items()))

    def assignments(self) -> dict[str, str]:
        return {m: cid for cid, mem in self.clusters().items() for m in mem}

    def to_state(self) -> dict:
        return {"version": 3, "window_days": self.window_days, "min_overlap": self.min_overlap,
                "fragment_overlap": self.fragment_overlap, "min_tokens": self.min_tokens,
                "cross_days": self.cross_days, "cross_min": self.cross_min,
                "items": self.items, "parent": {k: self._find(k) for k in self.parent}}

    @classmethod
    def from_state(cls, state: dict) -> Linker:
        lk = cls(state["window_days"], state["min_overlap"], state.get("fragment_overlap", 0.3),
                 state.get("min_tokens", 3), state.get("cross_days", 1), state.get("cross_min", 2))
        parent = state["parent"]
        for sid, rec in state["items"].items():
            lk._register(sid, list(rec))
        lk.parent = dict(parent)
        lk._members = {}
        for sid in lk.items:
            lk._members.setdefault(lk._find(sid), []).append(sid)
        return lk


def cluster_summary(members: list[dict]) -> dict:
    """Summary of one cluster from its member statement dicts (with ``published``/``outlet``/``url``
    and, optionally, ``language``)."""
    ms = sorted(members, key=sort_key)
    first = ms[0]
    # canonical text: in the cluster's main language (most reports; ties: the first report's), the
    # longest direct quote, else the longest rendering
    langs = Counter(m.get("language") for m in ms)
    main = max(langs, key=lambda lang: (langs[lang], lang == first.get("language")))
    pool = [m for m in ms if m.get("language") == main]
    direct = [m for m in pool if m.get("kind") == "direct"]
    canon = max(direct or pool, key=lambda m: len(m.get("quote") or ""))
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
