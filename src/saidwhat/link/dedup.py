"""Near-duplicate documents (wire copies with different boilerplate) by MinHash/LSH.

Shingles are word 5-grams of the normalised text; LSH proposes candidates a little below ``threshold``
(Jaccard ~0.8) and each candidate is verified with the exact Jaccard of the shingle sets, so the answer does not
depend on hashing luck. Deterministic: documents are visited in (published, id) order, so the
original of a group is its earliest published document, ties broken by the smallest id; a document
with no date sorts after dated ones.
"""
from __future__ import annotations

import hashlib

from datasketch import MinHash, MinHashLSH

from saidwhat.link.text import tokens

SHINGLE = 5


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    toks = tokens(text)
    if len(toks) < n:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def _minhash(sh: set[str], num_perm: int) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=1)
    m.update_batch([s.encode("utf-8") for s in sorted(sh)])
    return m


def near_duplicates(docs: list[dict], threshold: float = 0.8, num_perm: int = 128) -> dict[str, str]:
    """``docs``: dicts with ``id``, ``text`` and optionally ``published`` (YYYY-MM-DD).

    Returns ``{doc_id: original_doc_id}`` for every document that is a near duplicate of an earlier
    one (originals are not in the map). Chains resolve to the group's original.
    """
    order = sorted(docs, key=lambda d: (d.get("published") or "9999-99-99", str(d["id"])))
    # LSH recall margin: propose below the bar, verify exactly at the bar
    lsh = MinHashLSH(threshold=max(0.3, threshold - 0.15), num_perm=num_perm)
    sets: dict[str, set[str]] = {}
    rank: dict[str, int] = {}
    out: dict[str, str] = {}
    for i, d in enumerate(order):
        did = str(d["id"])
        if did in rank:
            continue
        sh = shingles(d.get("text") or "")
        if not sh:
            continue
        mh = _minhash(sh, num_perm)
        best = None
        for cand in lsh.query(mh):
            other = sets[cand]
            jac = len(sh & other) / len(sh | other)
            if jac >= threshold:
                root = out.get(cand, cand)
                if best is None or rank[root] < rank[best]:
                    best = root
        if best is not None:
            out[did] = best
        sets[did] = sh
        rank[did] = i
        lsh.insert(did, mh)
    return out


# --- LSH bands kept in the store (incremental near-duplicate detection) -------------------------

_PERMS: dict = {}
BANDS, ROWS = 20, 5  # 100 permutations; a pair at Jaccard 0.8 shares a band with p > 0.999,
#                      at 0.7 with p ~ 0.97, at 0.3 with p ~ 0.05 (then verified exactly)


def band_keys(sh: set[str], bands: int = BANDS, rows: int = ROWS) -> list[str]:
    """The LSH band keys of a shingle set: ``bands`` strings; two documents that share one are
    near-duplicate candidates. Deterministic (fixed MinHash seed)."""
    if not sh:
        return []
    n = bands * rows
    if n not in _PERMS:  # the seeded permutations, drawn once (drawing them is most of the cost)
        tmpl = MinHash(num_perm=n, seed=1)
        _PERMS[n] = (tmpl.permutations, tmpl.scheme)
    m = MinHash(num_perm=n, seed=1, permutations=_PERMS[n][0], scheme=_PERMS[n][1])
    m.update_batch([s.encode("utf-8") for s in sorted(sh)])
    hv = m.hashvalues
    return [f"{i:02d}" + hashlib.blake2b(hv[i * rows:(i + 1) * rows].tobytes(), digest_size=8).hexdigest()
            for i in range(bands)]


def document_bands(text: str) -> list[str]:
    """The LSH band keys a document's text is filed under (``doc_bands``): a pure function of the
    text, so a Dask worker computes them and the store uses them as given
    (``DocResult.dedup_bands``)."""
    return band_keys(shingles(text or ""))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
