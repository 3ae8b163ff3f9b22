"""Scoring statement targets (whom a statement calls on, accuses, criticizes, warns ...) against the
hand-made PolNeAR target gold, ``gold/polnear_targets/targets.jsonl`` (conventions in its README).

The gold holds ids and offsets only: each row names a PolNeAR dev document (``doc_id``) and one of
its attributions (``attribution``, content and cue offsets), with ``targets`` (``name``, ``kind``
person | org | group | country, ``iso3`` for a country, optional ``aliases``, ``mention`` offsets or
null), ``speaker`` (canonical name or null, ``speaker_alt``), ``date`` (YYYY-MM-DD or null) and
``split`` (tune | lockbox). The article text is read from PolNeAR's ``dev.jsonl`` at run time.

- Matching: per document, gold attributions (content, discontinuous pieces joined) and predicted
  statements (``quote``) are paired one to one, best token F1 first, F1 >= 0.5 (the statements
  scorer's tokens and order).
- Predicted target items come from a statement's ``target_actors`` (dictionary ids: a country actor is
  its ISO3, any other actor its canonical name) plus the ISO3 codes of ``targets`` that none of those
  actors accounts for (a person's or body's own country is not a second target).
- A predicted item matches a gold item: country = same ISO3; person / org / group = the predicted
  canonical name, or one of the dictionary actor's aliases, equals the gold name or one of its aliases
  (case-insensitive, a leading "the" and punctuation ignored). Items are paired one to one within an attribution.
- ``target_acc``: over matched attributions, the predicted set equals the gold set (empty = empty is
  right). Micro P/R/F1 of items over all matched attributions and over those whose gold has a target.
- ``speaker_acc`` over matched attributions whose gold names a speaker (the statements scorer's
  ``speaker_matches``: a gold name or alternative appears in the predicted name); ``date_acc`` over
  matched attributions whose gold has a date (the predicted date's first ten characters equal it).

Nothing here imports spaCy; :func:`evaluate_targets` imports the pipeline lazily.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from saidwhat.eval.statements import pair_tokens, speaker_matches, tokens

__all__ = ["DEFAULT_GOLD", "DEFAULT_POLNEAR", "SPLITS", "read_gold", "norm_name", "predicted_items",
           "item_matches", "score_targets", "evaluate_targets", "format_targets"]

DEFAULT_GOLD = Path("gold/polnear_targets/targets.jsonl")
DEFAULT_POLNEAR = Path("../shared/polnear/dev.jsonl")
SPLITS = ("tune", "lockbox", "all")
LIST_LIMIT = 40  # error lines kept in the result (ids and names only: never article text)


# --------------------------------------------------------------------------- reading

def read_gold(path: str | Path, split: str = "all") -> list[dict]:
    """The gold rows of ``split`` (tune | lockbox | all)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if split == "all" or r.get("split") == split]


def _content(text: str, row: dict) -> str:
    c = row["content"]
    return " ".join(text[s:e] for s, e in c.get("spans") or [(c["start"], c["end"])])


# --------------------------------------------------------------------------- items

def norm_name(name: str | None) -> str:
    """Lower case, NFKC, curly apostrophes folded, punctuation dropped, a leading "the" dropped."""
    s = unicodedata.normalize("NFKC", name or "").lower().replace("\u2019", "'")
    words = re.findall(r"\w+(?:'\w+)?", s)
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def predicted_items(record: dict, index: Any = None) -> list[dict]:
    """The target items of a predicted statement record: ``{"kind", "name", "iso3"}`` dicts.

    ``index`` (an ``ActorIndex``, optional) gives each actor id its type and canonical name; without
    it, or for an id it does not know, a ``person:``/``org:`` id's slug stands for the name and a bare
    three-letter id for a country."""
    items: list[dict] = []
    covered: set[str] = set()
    for actor_id in record.get("target_actors") or []:
        actor = index.get(actor_id) if index is not None else None
        if actor is not None:
            covered.update(c.upper() for c in (actor.country, actor.id.split(":", 1)[-1],
                                                (actor.affiliation or "").split(":", 1)[-1]) if c)
            if actor.type == "country":
                items.append({"kind": "country", "iso3": (actor.country or actor.id).upper(), "name": actor.name})
            else:
                kind = {"organization": "org"}.get(actor.type, actor.type)
                items.append({"kind": kind, "name": actor.name, "iso3": None,
                              "aliases": [a for a in actor.aliases if a]})
            continue
        prefix, _, rest = str(actor_id).partition(":")
        if not rest and re.fullmatch(r"[A-Za-z]{3}", prefix):
            items.append({"kind": "country", "iso3": prefix.upper(), "name": prefix.upper()})
            covered.add(prefix.upper())
        else:
            kind = {"org": "org", "person": "person"}.get(prefix, "group") if rest else "org"
            items.append({"kind": kind, "name": (rest or prefix).replace("-", " "), "iso3": None})
    for code in record.get("targets") or []:
        if isinstance(code, dict):
            code = code.get("country") or code.get("code") or code.get("name")
        code = str(code or "").upper()
        if code and code not in covered:
            is_iso = bool(re.fullmatch(r"[A-Z]{3}", code))
            items.append({"kind": "country" if is_iso else "org", "iso3": code if is_iso else None, "name": code})
            covered.add(code)
    return items


def item_matches(pred: dict, gold: dict) -> bool:
    """A predicted target item names the gold one (see the module docstring)."""
    if gold.get("kind") == "country":
        code = (gold.get("iso3") or gold.get("name") or "").upper()
        return bool(code) and (pred.get("iso3") or "").upper() == code
    names = {norm_name(n) for n in (gold.get("name"), *gold.get("aliases", []))} - {""}
    return any(norm_name(n) in names for n in (pred.get("name"), *pred.get("aliases", [])))


def _pair_items(pred: list[dict], gold: list[dict]) -> int:
    """How many items pair up one to one (gold in order, each taking the first unused match)."""
    used: set[int] = set()
    n = 0
    for g in gold:
        pi = next((i for i, p in enumerate(pred) if i not in used and item_matches(p, g)), None)
        if pi is not None:
            used.add(pi)
            n += 1
    return n


# --------------------------------------------------------------------------- scoring

def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def _label(item: dict) -> str:
    if item.get("kind") == "country":
        return item.get("iso3") or item.get("name") or "?"
    return item.get("name") or "?"


def score_targets(gold_rows: Iterable[dict], texts: dict[str, str], preds: Iterable[dict],
                  index: Any = None) -> dict[str, Any]:
    """Score predicted statement records against gold target rows.

    ``texts``: doc_id -> article text (for the gold content spans). ``preds``: statement records
    (``doc_id``, ``quote``, ``speaker``, ``date``, ``targets``, ``target_actors``) of those documents.
    """
    gold_by_doc: dict[str, list[dict]] = defaultdict(list)
    for g in gold_rows:
        gold_by_doc[g["doc_id"]].append(g)
    pred_by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in preds:
        if p.get("doc_id") in gold_by_doc:
            pred_by_doc[p["doc_id"]].append(p)

    c: Counter = Counter()
    by_kind: Counter = Counter()
    errors: list[str] = []
    for doc_id in sorted(gold_by_doc):
        gold, pred = gold_by_doc[doc_id], pred_by_doc.get(doc_id, [])
        text = texts[doc_id]
        g2p = pair_tokens([tokens(_content(text, g)) for g in gold], [tokens(p.get("quote")) for p in pred])
        for gi, g in enumerate(gold):
            g_items = g.get("targets") or []
            c["gold"] += 1
            c["gold_with"] += bool(g_items)
            if gi not in g2p:
                continue
            p = pred[g2p[gi]]
            p_items = predicted_items(p, index)
            tp = _pair_items(p_items, g_items)
            right = tp == len(g_items) == len(p_items)
            c["matched"] += 1
            c["target_ok"] += right
            c["tp"] += tp
            c["n_pred"] += len(p_items)
            c["n_gold"] += len(g_items)
            if g_items:
                c["matched_with"] += 1
                c["target_ok_with"] += right
                c["tp_with"] += tp
                c["n_pred_with"] += len(p_items)
                c["n_gold_with"] += len(g_items)
            for gt in g_items:
                by_kind[gt["kind"], "gold"] += 1
                by_kind[gt["kind"], "found"] += any(item_matches(pi, gt) for pi in p_items)
            if not right and len(errors) < LIST_LIMIT:
                errors.append(f"{doc_id} {g.get('attribution')}: gold {sorted(_label(x) for x in g_items)} "
                              f"got {sorted(_label(x) for x in p_items)}")
            if g.get("speaker"):
                c["spk_n"] += 1
                c["spk_ok"] += speaker_matches(p.get("speaker"), g)
            if g.get("date"):
                c["date_n"] += 1
                c["date_ok"] += str(p.get("date") or "")[:10] == g["date"]

    def acc(ok: str, n: str) -> float:
        return round(c[ok] / c[n], 3) if c[n] else 0.0

    return {
        "n_gold": c["gold"], "n_gold_with_target": c["gold_with"],
        "n_matched": c["matched"], "n_matched_with_target": c["matched_with"],
        "match_rate": round(c["matched"] / c["gold"], 3) if c["gold"] else 0.0,
        "target_acc": acc("target_ok", "matched"),
        "target_acc_with_target": acc("target_ok_with", "matched_with"),
        "items": _prf(c["tp"], c["n_pred"], c["n_gold"]),
        "items_with_target": _prf(c["tp_with"], c["n_pred_with"], c["n_gold_with"]),
        "recall_by_kind": {k: {"gold": by_kind[k, "gold"], "found": by_kind[k, "found"]}
                           for k in ("person", "org", "group", "country") if by_kind[k, "gold"]},
        "speaker_acc": acc("spk_ok", "spk_n"), "speaker_n": c["spk_n"],
        "date_acc": acc("date_ok", "date_n"), "date_n": c["date_n"],
        "target_errors": errors,
    }


# --------------------------------------------------------------------------- running the extractor

def evaluate_targets(gold_path: str | Path = DEFAULT_GOLD, polnear_path: str | Path = DEFAULT_POLNEAR,
                     settings: Any = None, split: str = "tune") -> dict[str, Any]:
    """Run the extractor over the gold's PolNeAR documents of ``split`` and score its targets."""
    from saidwhat.actors import actor_index
    from saidwhat.config import Settings
    from saidwhat.models import Document

    if settings is None:
        settings = Settings()
    gold = read_gold(gold_path, split)
    wanted = {g["doc_id"] for g in gold}
    docs: dict[str, dict] = {}
    with open(polnear_path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                if d["doc_id"] in wanted:
                    docs[d["doc_id"]] = d
    missing = sorted(wanted - set(docs))
    if missing:
        raise ValueError(f"{len(missing)} gold documents not in {polnear_path}: {missing[:3]}")
    from saidwhat.pipeline import process  # defers the stages: the CLI starts without them

    preds: list[dict] = []
    errors: list[dict] = []
    documents = (Document(id=d["doc_id"], source=d["doc_id"], text=d["text"], published=d.get("date") or None,
                          title=d.get("title")) for d in docs.values())
    for res in process(documents, settings):
        if res.error is not None:
            errors.append({"doc_id": res.document.id, "reason": res.error.reason, "message": res.error.message})
            continue
        for s in res.statements:
            rec = s.record()
            rec["doc_id"] = res.document.id
            preds.append(rec)
    result = score_targets(gold, {k: d["text"] for k, d in docs.items()}, preds, actor_index())
    result.update(split=split, gold=str(gold_path), polnear=str(polnear_path), docs=len(docs),
                  predicted=len(preds), extraction_errors=errors)
    return result


def format_targets(res: dict[str, Any], limit: int = 15) -> str:
    """A short text report."""
    it, iw = res["items"], res["items_with_target"]
    lines = [f"target gold: split={res.get('split')} docs={res.get('docs')} attributions={res['n_gold']} "
             f"(with a target {res['n_gold_with_target']}); matched {res['n_matched']} "
             f"(match_rate={res['match_rate']}; with a target {res['n_matched_with_target']})"]
    if res.get("split") in ("lockbox", "all"):
        lines.append("note: the lockbox is scored once, at the end of a change, never while tuning")
    lines += [f"target_acc={res['target_acc']} target_acc_with_target={res['target_acc_with_target']}",
              f"items: P={it['precision']} R={it['recall']} F1={it['f1']} (tp={it['tp']} pred={it['pred']} "
              f"gold={it['gold']})",
              f"items where gold has a target: P={iw['precision']} R={iw['recall']} F1={iw['f1']} "
              f"(tp={iw['tp']} pred={iw['pred']} gold={iw['gold']})",
              "recall by kind: " + (" ".join(f"{k}={v['found']}/{v['gold']}" for k, v in
                                             res["recall_by_kind"].items()) or "-"),
              f"speaker_acc={res['speaker_acc']} (n={res['speaker_n']}) date_acc={res['date_acc']} "
              f"(n={res['date_n']})"]
    lines += [f"wrong: {e}" for e in res["target_errors"][:limit]]
    if res.get("extraction_errors"):
        lines.append(f"extraction errors: {len(res['extraction_errors'])}")
    return "\n".join(lines)
