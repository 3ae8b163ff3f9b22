"""Statement-level scoring against hand-made gold, as a library.

The metrics are the ones of the shared, independent scorer (``shared/eval/score.py``), reproduced
here so that the CLI, the tests and notebooks can score in-process:

- quotes are compared as bags of tokens (NFKC, lower case, ``’`` -> ``'``, ``\\w+`` runs);
- within each gold document, gold and predicted statements are paired one to one, best token F1
  first, keeping only pairs with F1 >= 0.5;
- ``optional`` gold statements neither help nor hurt; a ``negated`` gold statement (one the article
  says was NOT made) counts as a false positive when it is matched by a prediction that is not
  itself marked ``negated`` (and is then reported in ``negation_errors``);
- for matched, non-optional gold statements: exact span (F1 >= 0.9), speaker, date, kind and
  targets are checked; ``attributed_f1`` counts a hit only when the speaker is right too.

Nothing here imports spaCy; :func:`evaluate` imports the pipeline lazily.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from saidwhat.config import Settings

__all__ = ["tokens", "token_f1", "doc_name", "speaker_matches", "target_set", "score",
           "format_report", "read_jsonl", "evaluate", "SUMMARY_KEYS", "LIST_KEYS"]

MATCH_MIN = 0.5   # token F1 for a gold/prediction pair to count as the same statement
EXACT_MIN = 0.9   # token F1 for a matched span to count as (nearly) exact
REPORT_LIMIT = 15  # lines of each list that format_report prints

SUMMARY_KEYS = ("quote_precision", "quote_recall", "quote_f1", "attributed_f1", "exact_span_rate",
                "speaker_acc", "date_acc", "kind_acc", "target_acc", "negation_errors",
                "tp", "fp", "fn")
LIST_KEYS = ("misses", "spurious", "wrong_speaker")

_WORD = re.compile(r"\w+")


# --------------------------------------------------------------------------- primitives

def tokens(text: str | None) -> list[str]:
    """Lower-cased word tokens of ``text`` after NFKC normalisation (curly apostrophe folded)."""
    norm = unicodedata.normalize("NFKC", text or "").lower().replace("\u2019", "'")
    return _WORD.findall(norm)


def token_f1(gold_toks: list[str], pred_toks: list[str]) -> float:
    """Harmonic mean of token precision and recall (bags of tokens, with multiplicity)."""
    overlap = sum((Counter(gold_toks) & Counter(pred_toks)).values())
    if overlap == 0:
        return 0.0
    precision = overlap / len(pred_toks)
    recall = overlap / len(gold_toks)
    return 2 * precision * recall / (precision + recall)


def doc_name(value: Any) -> str:
    """The file name at the end of a path (either slash), or the value itself."""
    return re.split(r"[\\/]", str(value or ""))[-1]


def speaker_matches(predicted: str | None, gold: dict) -> bool:
    """True if a gold name (``speaker``, ``speaker_alt``, ``speakers``) equals the predicted name or
    appears in it as a contiguous token run ("Smith" in "spokesperson Jane Smith")."""
    pred = tokens(predicted)
    if not pred:
        return False
    for name in (gold["speaker"], *gold.get("speaker_alt", []), *gold.get("speakers", [])):
        alias = tokens(name)
        if not alias:
            continue
        n = len(alias)
        if any(pred[i:i + n] == alias for i in range(len(pred) - n + 1)):
            return True
    return False


def target_set(record: dict) -> set[str]:
    """Upper-cased target codes of a record; dict targets give their country/code/name."""
    out: set[str] = set()
    for item in record.get("targets") or []:
        if isinstance(item, dict):
            item = item.get("country") or item.get("code") or item.get("name")
        if item:
            out.add(str(item).upper())
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --------------------------------------------------------------------------- matching

def _pair_up(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """``pair_tokens`` of the gold quotes and the predicted ones."""
    return pair_tokens([tokens(g["quote"]) for g in gold], [tokens(p.get("quote", "")) for p in pred])


def pair_tokens(gtoks: list[list[str]], ptoks: list[list[str]]) -> dict[int, int]:
    """One-to-one greedy matching of token lists, best token F1 (at least MATCH_MIN) first, ties
    broken by the higher gold then the higher prediction index (the shared scorer's order). Returns
    gold index -> prediction index."""
    candidates = []
    for gi, gt in enumerate(gtoks):
        for pi, pt in enumerate(ptoks):
            sim = token_f1(gt, pt)
            if sim >= MATCH_MIN:
                candidates.append((sim, gi, pi))
    candidates.sort(reverse=True)
    g2p: dict[int, int] = {}
    used: set[int] = set()
    for _sim, gi, pi in candidates:
        if gi in g2p or pi in used:
            continue
        g2p[gi] = pi
        used.add(pi)
    return g2p


class _Tally:
    """Counters accumulated over documents."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.exact = self.neg_err = 0
        self.checks: dict[str, list[int]] = {k: [0, 0] for k in ("speaker", "date", "kind", "target")}
        self.misses: list[str] = []
        self.spurious: list[str] = []
        self.wrong_speaker: list[str] = []

    def check(self, what: str, ok: bool) -> None:
        self.checks[what][0] += int(ok)
        self.checks[what][1] += 1

    def acc(self, what: str) -> float:
        ok, n = self.checks[what]
        return round(ok / n, 3) if n else 0.0


def _score_document(name: str, gold: list[dict], pred: list[dict], t: _Tally) -> None:
    g2p = _pair_up(gold, pred)
    for gi, g in enumerate(gold):
        p = pred[g2p[gi]] if gi in g2p else None
        if g.get("negated"):
            if p is not None and not p.get("negated"):
                t.neg_err += 1
                t.fp += 1
            continue
        if g.get("optional"):
            continue
        if p is None:
            t.fn += 1
            t.misses.append(f"{name}: {g['quote'][:70]}")
            continue
        t.tp += 1
        if token_f1(tokens(g["quote"]), tokens(p.get("quote", ""))) >= EXACT_MIN:
            t.exact += 1
        if speaker_matches(p.get("speaker", ""), g):
            t.check("speaker", True)
        else:
            t.check("speaker", False)
            t.wrong_speaker.append(
                f"{name}: gold {g['speaker']!r} got {p.get('speaker')!r}: {g['quote'][:40]}")
        if g.get("date"):
            t.check("date", str(p.get("date") or "")[:10] == g["date"])
        if g.get("kind"):
            t.check("kind", p.get("kind") == g["kind"])
        if g.get("targets"):
            t.check("target", target_set(p) == set(g["targets"]))
    matched = set(g2p.values())
    for pi, p in enumerate(pred):
        if pi not in matched:
            t.fp += 1
            t.spurious.append(f"{name}: {str(p.get('quote'))[:70]}")


# --------------------------------------------------------------------------- public API

def score(gold: list[dict], pred: list[dict]) -> dict[str, Any]:
    """Score predicted statement records against gold records.

    Predictions are assigned to gold documents by the file name at the end of their ``doc``
    (or ``document`` / ``source``) field; predictions for documents without gold are ignored.
    Returns the summary metrics (``SUMMARY_KEYS``) plus the ``misses``, ``spurious`` and
    ``wrong_speaker`` lists, exactly as ``score.py --json`` prints them.
    """
    gold_by_doc: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        gold_by_doc[g["doc"]].append(g)
    pred_by_doc: dict[str, list[dict]] = defaultdict(list)
    for p in pred:
        name = doc_name(p.get("doc") or p.get("document") or p.get("source"))
        if name in gold_by_doc:
            pred_by_doc[name].append(p)

    t = _Tally()
    for name in sorted(gold_by_doc):
        _score_document(name, gold_by_doc[name], pred_by_doc.get(name, []), t)

    precision = _ratio(t.tp, t.tp + t.fp)
    recall = _ratio(t.tp, t.tp + t.fn)
    spk_ok = t.checks["speaker"][0]
    attr_p = _ratio(spk_ok, t.tp + t.fp)
    attr_r = _ratio(spk_ok, t.tp + t.fn)
    return {
        "quote_precision": round(precision, 3),
        "quote_recall": round(recall, 3),
        "quote_f1": round(_f1(precision, recall), 3),
        "attributed_f1": round(_f1(attr_p, attr_r), 3),
        "exact_span_rate": round(t.exact / t.tp, 3) if t.tp else 0.0,
        "speaker_acc": t.acc("speaker"),
        "date_acc": t.acc("date"),
        "kind_acc": t.acc("kind"),
        "target_acc": t.acc("target"),
        "negation_errors": t.neg_err,
        "tp": t.tp,
        "fp": t.fp,
        "fn": t.fn,
        "misses": t.misses,
        "spurious": t.spurious,
        "wrong_speaker": t.wrong_speaker,
    }


def format_report(res: dict[str, Any], limit: int = REPORT_LIMIT) -> str:
    """The shared scorer's text output: up to ``limit`` ``misses:``/``spurious:``/
    ``wrong_speaker:`` lines each, then one ``key=value`` summary line."""
    lines = [f"{key}: {item}" for key in LIST_KEYS for item in (res.get(key) or [])[:limit]]
    lines.append(" ".join(f"{k}={res[k]}" for k in SUMMARY_KEYS if k in res))
    return "\n".join(lines)


def read_jsonl(path: str | Path) -> list[dict]:
    """The JSON objects of a JSONL file, skipping blank lines."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _records(results: Iterable[Any], errors: list[dict]) -> list[dict]:
    out: list[dict] = []
    for res in results:
        statements = getattr(res, "statements", None)
        if statements is None:  # an IngestError
            errors.append({"source": getattr(res, "source", None),
                           "reason": getattr(res, "reason", None),
                           "message": getattr(res, "message", str(res))})
            continue
        err = getattr(res, "error", None)
        if err is not None:
            errors.append({"source": err.source, "reason": err.reason, "message": err.message})
        out.extend(s.record() for s in statements)
    return out


def evaluate(gold_path: str | Path, docs_dir: str | Path | None = None,
             settings: Any = None) -> dict[str, Any]:
    """Run the extractor on the gold's documents and score it.

    ``docs_dir`` defaults to ``<gold_dir>/../corpus/seeds`` (the shared layout). The result is
    :func:`score`'s dict plus ``docs`` (how many documents were run), ``predicted`` (how many
    statements came out) and ``errors`` (documents the pipeline skipped or failed, and gold
    documents missing from ``docs_dir``, reason ``not_found``).
    """

    if settings is None:
        settings = Settings()
    gold_path = Path(gold_path)
    gold = read_jsonl(gold_path)
    base = Path(docs_dir) if docs_dir is not None else gold_path.parent.parent / "corpus" / "seeds"

    errors: list[dict] = []
    paths: list[str] = []
    for name in sorted({g["doc"] for g in gold}):
        path = base / name
        if path.is_file():
            paths.append(str(path))
        else:
            errors.append({"source": str(path), "reason": "not_found",
                           "message": f"gold document {name} not in {base}"})
    from saidwhat.runners import extract_paths  # defers the stages: the CLI and `serve` start without them

    pred = _records(extract_paths(paths, settings), errors) if paths else []
    res = score(gold, pred)
    res.update(docs=len(paths), predicted=len(pred), errors=errors)
    return res
