"""Pairwise precision / recall / F1 of "same utterance" links.

Gold format: JSONL, one object per annotated statement::

    {"statement_id": "3f2a...", "cluster": "g1"}
    {"doc": "tass-0412.txt", "quote": "We will not tolerate provocations", "cluster": "g1"}

``cluster`` is any label; statements with the same label report the same utterance (a singleton
label marks a statement that was checked and belongs to no other report). A line names a statement
either by ``statement_id`` or by ``doc`` (source file name, as in ``Statement.doc``) + ``quote``; the
quote is matched against that document's statements by normalised text (exact, else the statement
whose token set overlaps most, at least half). Lines that match no statement still count: their gold
pairs become false negatives. Lines starting with ``#`` and blank lines are ignored.

Scoring is over the annotated statements only: a gold pair is two statements with the same gold
label, a predicted pair two annotated statements with the same predicted cluster id;
precision = |pred ∩ gold| / |pred|, recall = |pred ∩ gold| / |gold|, F1 their harmonic mean
(1.0 when both sets are empty).
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .text import tokens


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(pred: dict[str, str], gold: dict[str, str]) -> dict:
    """``pred``/``gold``: ``{statement_id: cluster label}``. Only ids in ``gold`` are scored."""
    joint = Counter((pred.get(s, "\0" + s), g) for s, g in gold.items())
    p_sizes = Counter(pred.get(s, "\0" + s) for s in gold)
    g_sizes = Counter(gold.values())
    tp = sum(_pairs(n) for n in joint.values())
    n_pred = sum(_pairs(n) for n in p_sizes.values())
    n_gold = sum(_pairs(n) for n in g_sizes.values())
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp,
            "fp": n_pred - tp, "fn": n_gold - tp, "n": len(gold)}


def _match(doc: str, quote: str, by_doc: dict[str, list[dict]]) -> str | None:
    cands = by_doc.get(doc) or by_doc.get(doc.replace("\\", "/").rsplit("/", 1)[-1]) or []
    q = " ".join(tokens(quote))
    best, best_score = None, 0.5
    for st in cands:
        t = " ".join(tokens(st.get("quote") or ""))
        if t == q:
            return str(st["id"])
        a, b = set(q.split()), set(t.split())
        score = len(a & b) / max(len(a | b), 1)
        if score > best_score:
            best, best_score = str(st["id"]), score
    return best


def load_gold(path: str | Path, statements: list[dict] = ()) -> dict[str, str]:
    """Read a gold file into ``{statement_id: label}``; ``statements`` resolve ``doc``+``quote`` lines.
    Unmatched lines get a placeholder id ``unmatched:<line>`` (never predicted, so they cost recall)."""
    by_doc: dict[str, list[dict]] = {}
    for st in statements:
        by_doc.setdefault(str(st.get("doc")), []).append(st)
    gold: dict[str, str] = {}
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rec = json.loads(line)
        sid = rec.get("statement_id")
        if not sid and rec.get("doc") is not None:
            sid = _match(str(rec["doc"]), rec.get("quote") or "", by_doc)
        gold[str(sid) if sid else f"unmatched:{i}"] = str(rec["cluster"])
    return gold


def evaluate(pred: dict[str, str], gold_path: str | Path, statements: list[dict] = ()) -> dict:
    return pairwise_scores(pred, load_gold(gold_path, statements))
