"""Pairwise precision / recall / F1 of "same utterance" links.

Gold format: JSONL, one object per annotated statement::

    {"statement_id": "3f2a...", "cluster": "g1"}
    {"doc": "wire-0412.txt", "quote": "We will not tolerate provocations", "cluster": "g1"}

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

``saidwhat eval links GOLD [--docs DIR ...] [--db PATH] [--json]`` ingests the documents the gold
names (searched by file name in the ``--docs`` folders, default the gold file's folder) into a
temporary database, linking as ingest does, and prints these scores; with ``--db`` it scores an
existing database's clusters instead.
"""
from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import saidwhat
from saidwhat.link.text import tokens


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


def gold_documents(gold_path: str | Path) -> list[str]:
    """The ``doc`` names a gold file uses, in first-seen order."""
    out: dict[str, None] = {}
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            doc = json.loads(line).get("doc")
            if doc:
                out[str(doc)] = None
    return list(out)


def evaluate_store(store, gold_path: str | Path) -> dict:
    """Score the clusters stored in ``store`` (``statements.cluster_id``) against a gold file."""
    sts = list(store.iter_statements())
    pred = {str(s["id"]): s.get("cluster_id") or str(s["id"]) for s in sts}
    gold = load_gold(gold_path, sts)
    out = pairwise_scores(pred, gold)
    out["unmatched"] = sum(1 for k in gold if k.startswith("unmatched:"))
    out["gold_clusters"] = len(set(gold.values()))
    out["statements"] = len(sts)
    return out


def evaluate_links(gold_path: str | Path, docs: list[str | Path] = (), db: str | None = None,
                   settings=None) -> dict:
    """``saidwhat eval links``: with ``db``, score that database's clusters; otherwise ingest the
    gold's documents (found by name in ``docs`` folders, default the gold file's folder) into a
    fresh temporary database, linking as ingest does, and score that."""
    if db:
        with saidwhat.Store(db) as store:  # the library's Store: links what it writes
            return {**evaluate_store(store, gold_path), "db": db}
    folders = [Path(d) for d in docs] or [Path(gold_path).resolve().parent]
    paths, missing = [], []
    for name in gold_documents(gold_path):
        hit = next((f / name for f in folders if (f / name).is_file()), None)
        (paths if hit else missing).append(str(hit) if hit else name)
    if missing:
        raise FileNotFoundError(f"gold documents not found in {', '.join(map(str, folders))}: "
                                + ", ".join(missing))
    with tempfile.TemporaryDirectory(prefix="saidwhat-links-") as tmp:
        with saidwhat.Store(str(Path(tmp) / "links.db")) as store:
            report = saidwhat.ingest(paths, store, settings)
            out = evaluate_store(store, gold_path)
    out["documents"] = report.stored
    out["skipped"] = report.skipped
    return out


def format_scores(r: dict) -> str:
    lines = [f"same-utterance links, pairwise over {r['n']} annotated statements "
             f"({r.get('gold_clusters', '?')} gold clusters, {r.get('unmatched', 0)} unmatched)",
             f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}",
             f"pairs: tp {r['tp']}  fp {r['fp']}  fn {r['fn']}"]
    if r.get("skipped"):
        lines.append("skipped documents: " + ", ".join(f"{k} {v}" for k, v in sorted(r["skipped"].items())))
    return "\n".join(lines)
