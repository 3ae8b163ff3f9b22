"""Linking in the store (issue 6): near-duplicate documents and clusters of statements that report
the same utterance, kept up to date batch by batch.

* A statement whose ``cluster_id`` is NULL is *pending*. ``link_pending`` loads the pending
  statements, and from the linked ones only the candidates in their blocks (a ``link_blocks`` row
  with one of their ``link_key``s — a statement has a row per speaker key, ``Linking.block_keys``
  — and ``link_day`` within the window; indexed range queries per key), plus the first member of
  each candidate's cluster. The run's clusterer (``Linking.clusterer``, a ``saidwhat.link.Linker``)
  joins the candidates' clusters as they are and compares each pending statement with its
  candidates; clusters that a new statement bridges are merged. Clusters are connected components of a symmetric link test, so the result does not depend
  on batch order, and a cluster's id is the id of its earliest member (published, doc id, start):
  re-running or re-ordering the input gives the same ids.
* Every statement gets a cluster (a singleton if nothing matches) and every cluster a row in
  ``clusters`` (first report, canonical text, counts), rewritten when the cluster changes.
* ``mark_near_duplicates``: a document's ``near_dup_of`` is the earliest (published, id) earlier
  document whose word 5-gram shingles have Jaccard >= the threshold with its own; candidates come
  from MinHash LSH bands stored in ``doc_bands``. A pure function of the set of documents, so it is
  order-independent too. Near duplicates are marked, never dropped.

Both run in the writer's transaction (``Store.add_results``), so a batch is stored and linked
atomically; anything left pending (linking switched off, a database from before 0004 or 0005) is
linked by the next batch or by ``saidwhat link``. The rules are not the store's: every function
here that needs one takes the linking hooks (``saidwhat.store.linking.Linking``, handed to ``Store``
as ``linking=``), so the store imports no stage. The read side is ``cluster_reads``.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from saidwhat.store.cluster_reads import members
from saidwhat.store.linking import Linking, LinkOptions
from saidwhat.store.schema import clusters, doc_bands, documents, link_blocks, statements
from saidwhat.store.upsert import upsert

S, D, C, B, L = statements, documents, clusters, doc_bands, link_blocks
CHUNK = 500


def _chunks(items: list, n: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def link_block_rows(row: dict, published: str | None, linking: Linking) -> list[dict[str, Any]]:
    """The ``link_blocks`` rows of a statement row: one per speaker key, all with its day."""
    day = linking.block_day(row.get("date"), published)
    return [{"statement_id": row["id"], "link_key": k, "link_day": day}
            for k in linking.block_keys(row)]


def write_link_blocks(conn: sa.Connection, rows: list[dict], published: dict[str, str | None],
                      linking: Linking) -> int:
    """(Re)file statement rows under their blocking keys (``published``: doc id -> its date): their
    old rows go (a re-written statement may have other keys), the new ones come in."""
    ids = [r["id"] for r in rows]
    for part in _chunks(ids):
        conn.execute(L.delete().where(L.c.statement_id.in_(part)))
    blocks = [b for r in rows
              for b in link_block_rows(r, published.get(r.get("doc_id")), linking)]
    for part in _chunks(blocks, 1000):
        conn.execute(L.insert(), part)
    return len(blocks)


# --- statements ----------------------------------------------------------------------------------

def unlink_documents(conn: sa.Connection, doc_ids: list[str]) -> int:
    """Before a stored document's statements are replaced: its clusters go back to pending (they
    are recomputed by the next ``link_pending``, which gives the clusters of the new content)."""
    cids: set[str] = set()
    for ids in _chunks(list(doc_ids)):
        cids.update(c for (c,) in conn.execute(
            sa.select(S.c.cluster_id).distinct().where(S.c.doc_id.in_(ids), S.c.cluster_id.is_not(None))))
    for ids in _chunks(sorted(cids)):
        conn.execute(S.update().where(S.c.cluster_id.in_(ids)).values(cluster_id=None))
        conn.execute(C.delete().where(C.c.id.in_(ids)))
    return len(cids)


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(a, b) for a, b in out]


def _candidates(conn: sa.Connection, pending: list[dict], window: int) -> list[dict]:
    """Linked statements in the blocks of the pending ones (never the whole table): for each
    speaker key of a pending statement, the statements filed under it with a day in the window."""
    if conn.execute(sa.select(S.c.id).where(S.c.cluster_id.is_not(None)).limit(1)).first() is None:
        return []
    days: dict[str, set] = defaultdict(set)
    for p in pending:
        for key in p["link_keys"]:
            days[key].add(p["link_day"])
    found: set[str] = set()  # ids first (indexed range queries per key), then each row once
    for key in sorted(days):
        ds = days[key]
        conds = [L.c.link_day.between(lo, hi)
                 for lo, hi in _merge([(d - window, d + window) for d in ds if d is not None])]
        if None in ds:
            conds.append(L.c.link_day.is_(None))
        for part in _chunks(conds, 100):
            found.update(conn.execute(sa.select(L.c.statement_id)
                                      .where(L.c.link_key == key, sa.or_(*part))).scalars())
    out: list[dict] = []
    for ids in _chunks(sorted(found)):
        out.extend(members(conn, S.c.id.in_(ids), S.c.cluster_id.is_not(None)))
    return out


def _refile(conn: sa.Connection, pending: list[dict], linking: Linking) -> int:
    """Give each pending statement its blocking keys and day (``link_keys``, ``link_day``) and make
    ``link_blocks`` agree (rows written before 0005, by an older speaker-key rule, or by a store
    opened without linking)."""
    stored: dict[str, set] = defaultdict(set)
    for part in _chunks([p["id"] for p in pending]):
        for sid, key, day in conn.execute(sa.select(L.c.statement_id, L.c.link_key, L.c.link_day)
                                          .where(L.c.statement_id.in_(part))):
            stored[sid].add((key, day))
    stale = []
    for p in pending:
        p["link_keys"] = linking.block_keys(p)
        p["link_day"] = linking.block_day(p.get("date"), p.get("published"))
        if {(k, p["link_day"]) for k in p["link_keys"]} != stored.get(p["id"], set()):
            stale.append(p)
    if stale:
        write_link_blocks(conn, stale, {p["doc_id"]: p.get("published") for p in stale}, linking)
    return len(stale)


def link_pending(conn: sa.Connection, linking: Linking,
                 options: LinkOptions | None = None) -> dict[str, int]:
    """Link every pending statement (see the module doc). Returns counts: ``linked`` (pending
    statements given a cluster), ``merged`` (earlier clusters merged into others or renamed),
    ``clusters`` (cluster rows rewritten)."""
    options = options or LinkOptions()
    pending = members(conn, S.c.cluster_id.is_(None))
    if not pending:
        return {"linked": 0, "merged": 0, "clusters": 0}
    _refile(conn, pending, linking)
    window = max(options.window_days, options.cross_days)
    cands = _candidates(conn, pending, window)
    loaded = {c["id"] for c in cands}
    missing = sorted({c["cluster_id"] for c in cands} - loaded)
    for ids in _chunks(missing):  # the first member of each candidate cluster: its id, its rank
        cands.extend(members(conn, S.c.id.in_(ids)))
    lk = linking.clusterer(options)
    lk.seed(cands, {c["id"]: c["cluster_id"] for c in cands})
    lk.add(pending)
    remap: dict[str, str] = {}
    for c in cands:
        new = lk.cluster_of(c["id"])
        if new != c["cluster_id"]:
            remap[c["cluster_id"]] = new
    rows = [{"sid": p["id"], "cid": lk.cluster_of(p["id"])} for p in pending]
    upd = S.update().where(S.c.id == sa.bindparam("sid")).values(cluster_id=sa.bindparam("cid"))
    for part in _chunks(rows, 5000):
        conn.execute(upd, part)
    for old, new in sorted(remap.items()):
        conn.execute(S.update().where(S.c.cluster_id == old).values(cluster_id=new))
    for ids in _chunks(sorted(remap)):
        conn.execute(C.delete().where(C.c.id.in_(ids)))
    affected = {r["cid"] for r in rows} | set(remap.values())
    refresh(conn, affected, linking)
    return {"linked": len(rows), "merged": len(remap), "clusters": len(affected)}


def summarize(group: list[dict], linking: Linking) -> dict[str, Any]:
    """The ``clusters`` row of one cluster from its members (with document fields)."""
    summ = linking.summary(group)
    rank = {sid: i for i, sid in enumerate(summ["statements"])}  # first report first
    ms = sorted(group, key=lambda m: rank[str(m["id"])])
    canon = next(m for m in ms if m.get("quote") == summ["canonical_text"])
    events = Counter(m["event_type"] for m in ms if m.get("event_type"))
    event = canon.get("event_type") or (min(events.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                                        if events else None)
    keys = linking.block_keys(canon)
    return {
        "id": summ["id"], "speaker_key": keys[0] if keys else None, "speaker": canon.get("speaker"),
        "actor_id": canon.get("actor_id"), "date": summ["date"], "event_type": event,
        "targets": json.dumps(sorted({t for m in ms for t in m.get("targets") or []})),
        "canonical_text": summ["canonical_text"], "canonical_statement": canon["id"],
        "negated": bool(canon.get("negated")),
        "first_doc": ms[0]["doc_id"], "first_outlet": ms[0].get("outlet") or ms[0].get("doc"),
        "first_published": ms[0].get("published"), "first_start": ms[0].get("start"),
        "n_statements": len(ms),
        "n_reports": summ["n_reports"], "n_outlets": len(summ["outlets"]),
        "languages": json.dumps(sorted({m["language"] for m in ms if m.get("language")})),
    }


def refresh(conn: sa.Connection, cluster_ids: Iterable[str], linking: Linking) -> int:
    """Rewrite the ``clusters`` rows of these cluster ids from their members (a cluster left with
    no members loses its row)."""
    ids = sorted(set(cluster_ids))
    n = 0
    for part in _chunks(ids):
        groups: dict[str, list[dict]] = defaultdict(list)
        for m in members(conn, S.c.cluster_id.in_(part)):
            groups[m["cluster_id"]].append(m)
        rows = [summarize(groups[c], linking) for c in part if c in groups]
        gone = [c for c in part if c not in groups]
        if gone:
            conn.execute(C.delete().where(C.c.id.in_(gone)))
        upsert(conn, C, rows, ["id"])
        n += len(rows)
    return n


# --- documents -----------------------------------------------------------------------------------

def _rank(doc: dict) -> tuple[str, str]:
    return (doc.get("published") or "9999-99-99", str(doc["id"]))


def mark_near_duplicates(conn: sa.Connection, docs: list[dict], linking: Linking,
                         threshold: float = 0.8) -> int:
    """Store the LSH bands of ``docs`` (dicts with id, text, published, and optionally ``bands``: the
    band keys of the text computed elsewhere, e.g. on a Dask worker) and set ``near_dup_of`` on
    them and on stored documents they change (a new document earlier than a stored copy's
    original). Returns how many documents got a new mark."""
    docs = [d for d in docs if d.get("text")]
    if not docs:
        return 0
    texts = {d["id"]: d["text"] for d in docs}  # shingled only when compared (lazily, once)
    bands = {d["id"]: (d["bands"] if d.get("bands") is not None
                       else linking.document_bands(d["text"]))
             for d in docs}
    ids = list(bands)
    for part in _chunks(ids):
        conn.execute(B.delete().where(B.c.doc_id.in_(part)))
    rows = [{"band": b, "doc_id": i} for i in ids for b in bands[i]]
    for part in _chunks(rows, 5000):
        conn.execute(B.insert(), part)
    by_band: dict[str, set[str]] = defaultdict(set)
    all_bands = sorted({b for i in ids for b in bands[i]})
    for part in _chunks(all_bands):
        for band, did in conn.execute(sa.select(B.c.band, B.c.doc_id).where(B.c.band.in_(part))):
            by_band[band].add(did)
    cands = {i: sorted(set().union(*(by_band[b] for b in bands[i])) - {i}) for i in ids}
    meta = {d["id"]: {"id": d["id"], "published": d.get("published"), "near_dup_of": None}
            for d in docs}
    need = sorted({c for cs in cands.values() for c in cs} - set(meta))
    for part in _chunks(need):
        for r in conn.execute(sa.select(D.c.id, D.c.published, D.c.near_dup_of, D.c.text)
                              .where(D.c.id.in_(part))):
            meta[r.id] = {"id": r.id, "published": r.published, "near_dup_of": r.near_dup_of}
            texts[r.id] = r.text or ""
    for part in _chunks(ids):  # a re-added document keeps its own stored mark as the start
        for r in conn.execute(sa.select(D.c.id, D.c.near_dup_of).where(D.c.id.in_(part))):
            meta[r.id]["near_dup_of"] = r.near_dup_of
    refs = sorted({m["near_dup_of"] for m in meta.values() if m["near_dup_of"]} - set(meta))
    for part in _chunks(refs):
        for r in conn.execute(sa.select(D.c.id, D.c.published).where(D.c.id.in_(part))):
            meta[r.id] = {"id": r.id, "published": r.published, "near_dup_of": None}
    before = {i: m["near_dup_of"] for i, m in meta.items()}
    mark = dict(before)

    def earlier(a: str | None, b: str) -> bool:  # is b earlier than a (None: no mark yet)?
        return a is None or a not in meta or _rank(meta[b]) < _rank(meta[a])

    sh: dict[str, set[str]] = {}

    def shingled(i: str) -> set[str]:
        if i not in sh:
            sh[i] = linking.shingles(texts[i])
        return sh[i]

    for d in sorted(docs, key=_rank):
        i = d["id"]
        matches = [c for c in cands[i]
                   if c in texts and linking.jaccard(shingled(i), shingled(c)) >= threshold]
        older = [c for c in matches if _rank(meta[c]) < _rank(meta[i])]
        mark[i] = min(older, key=lambda c: _rank(meta[c])) if older else None
        for c in matches:
            if _rank(meta[c]) > _rank(meta[i]) and earlier(mark.get(c), i):
                mark[c] = i
    changed = [{"did": i, "dup": v} for i, v in sorted(mark.items()) if v != before.get(i)]
    if changed:
        conn.execute(D.update().where(D.c.id == sa.bindparam("did"))
                     .values(near_dup_of=sa.bindparam("dup")), changed)
    return sum(1 for c in changed if c["dup"])


def undeduplicated(conn: sa.Connection, after: str = "", limit: int = CHUNK) -> list[dict]:
    """Documents with no LSH bands yet (stored before 0004, or with linking off), by id after
    ``after`` (a document too short to have shingles never gets bands: paging moves past it)."""
    has = sa.select(B.c.doc_id).where(B.c.doc_id == D.c.id).exists()
    q = (sa.select(D.c.id, D.c.text, D.c.published).where(~has, D.c.id > after)
         .order_by(D.c.id).limit(limit))
    return [dict(r._mapping) for r in conn.execute(q)]


def reset(conn: sa.Connection) -> None:
    """Forget every link (``saidwhat link --rebuild``): all statements pending, no clusters, no
    bands, no near-duplicate marks."""
    conn.execute(S.update().where(S.c.cluster_id.is_not(None)).values(cluster_id=None))
    conn.execute(C.delete())
    conn.execute(B.delete())
    conn.execute(D.update().where(D.c.near_dup_of.is_not(None)).values(near_dup_of=None))
