"""Scoring against PolNeAR (source / cue / content attributions in US political news), as a library.

The metrics of the shared, independent scorer ``shared/eval/polnear_score.py``, re-implemented so
that the CLI (``saidwhat eval polnear``), the tests and notebooks score in-process:
:func:`score_polnear` returns the very dict that ``polnear_score.py --json`` prints.

- Tokens: NFKC, curly quotes folded, lower case, ``\\w+`` runs (punctuation never counts).
- (a) exact content: one to one, each gold (in order) takes the first unused prediction with the
  same tokens; a leading complementiser "that" is dropped on both sides.
- (b) overlap: one-to-one greedy matching, best token F1 first, F1 >= 0.5; F1 over token
  positions in the gold text when the prediction gives offsets (gold discontinuous ``spans``
  piece by piece), else over bags of tokens.
- (c) on the pairs of (b): source right = one side (normalised) contains the other, or they share
  a token outside a stop list; reported over golds with a source and over those whose source is
  not a bare pronoun. Attribution = overlap and source right (no gold source: right when the
  prediction has none). Cue right = a shared token (token-less cues such as ":" must be equal).
- (d) recall of (a) and (b) for gold content with a double quotation mark (quoted) and without.

Nothing here imports spaCy; :func:`evaluate_polnear` imports the pipeline lazily.
"""
from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from saidwhat.config import Settings
from saidwhat.models import Document

__all__ = ["normalise", "tokens", "exact_key", "source_matches", "cue_matches", "is_pronoun",
           "score_polnear", "read_polnear", "split_heldout", "prediction_records", "predict_polnear",
           "evaluate_polnear", "format_polnear", "write_predictions"]

MATCH_MIN = 0.5  # token F1 for a gold/prediction pair to count as overlapping

_QUOTED = re.compile('["\u201c\u201d\u201e\u00ab\u00bb\u201f]|\'\'|``')
_WORD = re.compile(r"\w+")
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
PRONOUNS = frozenset("he she they it we i you him her them us me his their its our one who which "
                     "that this these those".split())
STOPWORDS = PRONOUNS | frozenset("the a an of and in on at for to by with from s mr mrs ms dr said "
                                 "says say told according as 's t".split())
_DOC_SUFFIXES = (".txt", ".json", ".ann", ".xml")

Span = tuple[int, int]


# --------------------------------------------------------------------------- text primitives

def normalise(text: str | None) -> str:
    """NFKC, curly quotes and apostrophes folded, lower case."""
    return unicodedata.normalize("NFKC", text or "").translate(_FOLD).lower()


def tokens(text: str | None) -> list[str]:
    return _WORD.findall(normalise(text))


def exact_key(text: str | None) -> str:
    """The token sequence compared by the exact-span metric (leading "that" dropped)."""
    toks = tokens(text)
    if len(toks) > 1 and toks[0] == "that":
        del toks[0]
    return " ".join(toks)


def _positions(text: str, spans: Iterable[Span]) -> set[Span]:
    """(start, end) of the ``\\w+`` tokens of the raw text inside the given character spans."""
    return {m.span() for s, e in spans for m in _WORD.finditer(text, s, e)}


def _f1(n_common: int, n_pred: int, n_gold: int) -> float:
    """F1 of token precision and recall (0 when nothing is shared, or either side is empty)."""
    if not n_common:
        return 0.0
    p, r = n_common / n_pred, n_common / n_gold
    return 2 * p * r / (p + r)


def _f1_bags(gold: list[str], pred: list[str]) -> float:
    common = sum((Counter(gold) & Counter(pred)).values())
    return _f1(common, len(pred), len(gold))


def source_matches(pred: str | None, gold: str | None) -> bool:
    p, g = normalise(pred).strip(), normalise(gold).strip()
    if not p or not g:
        return False
    if p in g or g in p:
        return True
    return bool((set(tokens(p)) - STOPWORDS) & (set(tokens(g)) - STOPWORDS))


def cue_matches(pred: str | None, gold: str | None) -> bool:
    tp, tg = set(tokens(pred)), set(tokens(gold))
    if tp or tg:
        return bool(tp & tg)
    p = normalise(pred).strip()
    return bool(p) and p == normalise(gold).strip()  # ":" or dash cues


def is_pronoun(text: str | None) -> bool:
    toks = tokens(text)
    return bool(toks) and all(t in PRONOUNS for t in toks)


# --------------------------------------------------------------------------- reading fields

def _doc_key(value: Any) -> str:
    """A prediction's document: the doc_id itself, or a path/file name whose stem is it."""
    name = re.split(r"[\\/]", "" if value is None else str(value))[-1]
    for suffix in _DOC_SUFFIXES:
        if name.endswith(suffix):
            name = name[:-len(suffix)]
    return name


def _gold_span(text: str, span: dict | None) -> tuple[str | None, list[Span] | None]:
    """The text of a gold span (discontinuous pieces joined by a space) and its pieces."""
    if span is None:
        return None, None
    pieces = [tuple(p) for p in span.get("spans") or [(span["start"], span["end"])]]
    return " ".join(text[s:e] for s, e in pieces), pieces


def _pred_field(rec: dict, key: str, text: str) -> tuple[str | None, list[Span] | None]:
    """A prediction field given as ``{key}_text``, a plain string, or a dict with ``spans``,
    ``start``/``end`` (offsets into the gold text) or ``text``."""
    value = rec.get(key + "_text")
    if value is None:
        value = rec.get(key)
    if value is None:
        return None, None
    if isinstance(value, str):
        return value, None
    if not isinstance(value, dict):
        return str(value), None
    if value.get("spans"):
        pieces = [(int(s), int(e)) for s, e in value["spans"]]
    elif "start" in value and "end" in value and value["start"] is not None:
        pieces = [(int(value["start"]), int(value["end"]))]
    else:
        return value.get("text"), None
    return " ".join(text[s:e] for s, e in pieces), pieces


# --------------------------------------------------------------------------- scoring

def _gold_items(doc: dict) -> list[dict]:
    text = doc["text"]
    items = []
    for att in doc["attributions"]:
        content, pieces = _gold_span(text, att["content"])
        items.append({"key": exact_key(content), "toks": tokens(content),
                      "pos": _positions(text, pieces or []),
                      "source": _gold_span(text, att.get("source"))[0],
                      "cue": _gold_span(text, att.get("cue"))[0],
                      "quoted": bool(_QUOTED.search(content or ""))})
    return items


def _pred_items(text: str, recs: list[dict], c: Counter) -> list[dict]:
    items = []
    for rec in recs:
        content, pieces = _pred_field(rec, "content", text)
        if content is None or not tokens(content):
            c["pred_empty"] += 1
            continue
        items.append({"key": exact_key(content), "toks": tokens(content),
                      "pos": _positions(text, pieces) if pieces else None,
                      "source": _pred_field(rec, "source", text)[0],
                      "cue": _pred_field(rec, "cue", text)[0]})
    return items


def _exact(gold: list[dict], pred: list[dict], c: Counter) -> None:
    used: set[int] = set()
    for g in gold:
        if not g["key"]:
            continue
        pi = next((i for i, p in enumerate(pred) if i not in used and p["key"] == g["key"]), None)
        if pi is not None:
            used.add(pi)
            c["ex_tp"] += 1
            c["ex_tp_q" if g["quoted"] else "ex_tp_nq"] += 1


def _overlap_pairs(gold: list[dict], pred: list[dict]) -> list[tuple[float, int, int]]:
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            f = (_f1(len(g["pos"] & p["pos"]), len(p["pos"]), len(g["pos"]))
                 if p["pos"] is not None else _f1_bags(g["toks"], p["toks"]))
            if f >= MATCH_MIN:
                cands.append((-f, gi, pi))
    cands.sort()
    pairs, g_used, p_used = [], set(), set()
    for neg_f, gi, pi in cands:
        if gi not in g_used and pi not in p_used:
            g_used.add(gi)
            p_used.add(pi)
            pairs.append((-neg_f, gi, pi))
    return pairs


def _check_pair(f: float, g: dict, p: dict, c: Counter) -> None:
    c["ov_tp"] += 1
    c["ov_f1_sum"] += f
    c["ov_tp_q" if g["quoted"] else "ov_tp_nq"] += 1
    pred_source = (p["source"] or "").strip()
    if g["source"]:
        ok = source_matches(pred_source, g["source"])
        c["src_n"] += 1
        c["src_ok"] += ok
        if not is_pronoun(g["source"]):
            c["src_np_n"] += 1
            c["src_np_ok"] += ok
        c["att_tp"] += ok
    else:
        c["src_none_n"] += 1
        c["att_tp"] += not tokens(pred_source)
    if p["cue"] is not None and g["cue"]:
        c["cue_n"] += 1
        c["cue_ok"] += cue_matches(p["cue"], g["cue"])


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p, r = _ratio(tp, n_pred), _ratio(tp, n_gold)
    return {"tp": tp, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def score_polnear(gold_docs: Iterable[dict], preds: Iterable[dict]) -> dict[str, Any]:
    """Score prediction records against PolNeAR gold documents.

    ``gold_docs``: the documents of a PolNeAR JSONL file (``doc_id``, ``text``, ``attributions``).
    ``preds``: one record per predicted attribution, in the shared scorer's PRED format
    (``doc_id``; ``content`` as ``{"start","end"}``/``{"spans"}``/text, or ``content_text``;
    optional ``source_text`` and ``cue_text``). Predictions for documents not in the gold are
    ignored (and counted). Returns the dict ``polnear_score.py --json`` prints.
    """
    gold = {d["doc_id"]: d for d in gold_docs}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    unknown: set[str] = set()
    for rec in preds:
        key = _doc_key(rec.get("doc_id", rec.get("doc")))
        if key in gold:
            by_doc[key].append(rec)
        else:
            unknown.add(key)

    c: Counter = Counter()
    for doc_id, doc in gold.items():
        g_items = _gold_items(doc)
        p_items = _pred_items(doc["text"], by_doc.get(doc_id, []), c)
        c["gold"] += len(g_items)
        c["pred"] += len(p_items)
        c["gold_q"] += sum(g["quoted"] for g in g_items)
        c["gold_nq"] += sum(not g["quoted"] for g in g_items)
        _exact(g_items, p_items, c)
        for f, gi, pi in _overlap_pairs(g_items, p_items):
            _check_pair(f, g_items[gi], p_items[pi], c)

    res: dict[str, Any] = {
        "n_gold_docs": len(gold), "n_pred_docs_scored": len(by_doc),
        "n_pred_docs_unknown": len(unknown), "n_bad_pred_lines": 0,
        "n_gold": c["gold"], "n_pred": c["pred"], "n_pred_empty_content": c["pred_empty"],
        "n_gold_quoted": c["gold_q"], "n_gold_unquoted": c["gold_nq"],
        "exact": _prf(c["ex_tp"], c["pred"], c["gold"]),
        "overlap": _prf(c["ov_tp"], c["pred"], c["gold"]),
        "attribution": _prf(c["att_tp"], c["pred"], c["gold"]),
        "source_accuracy": _ratio(c["src_ok"], c["src_n"]),
        "source_accuracy_n": c["src_n"],
        "source_accuracy_nonpronoun": _ratio(c["src_np_ok"], c["src_np_n"]),
        "source_accuracy_nonpronoun_n": c["src_np_n"],
        "cue_accuracy": c["cue_ok"] / c["cue_n"] if c["cue_n"] else None,
        "cue_accuracy_n": c["cue_n"],
        "recall_quoted": {"exact": _ratio(c["ex_tp_q"], c["gold_q"]),
                          "overlap": _ratio(c["ov_tp_q"], c["gold_q"])},
        "recall_unquoted": {"exact": _ratio(c["ex_tp_nq"], c["gold_nq"]),
                            "overlap": _ratio(c["ov_tp_nq"], c["gold_nq"])},
    }
    res["overlap"]["mean_token_f1_of_matches"] = _ratio(c["ov_f1_sum"], c["ov_tp"])
    return res


# --------------------------------------------------------------------------- running the extractor

def read_polnear(path: str | Path, max_docs: int | None = None) -> list[dict]:
    """The documents of a PolNeAR JSONL file (the first ``max_docs`` if given)."""
    docs: list[dict] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if max_docs is not None and len(docs) >= max_docs:
                break
            if line.strip():
                docs.append(json.loads(line))
    return docs


def split_heldout(n: int, share: float, rng: random.Random) -> tuple[list[int], list[int]]:
    """(held-out, training) document indices of a PolNeAR split: ``rng`` shuffles 0..n-1 and the
    first ``share`` is held out, as every training script does (seed 0 by default); ``saidwhat eval
    polnear --heldout`` scores the same articles."""
    order = list(range(n))
    rng.shuffle(order)
    k = int(n * share)
    return sorted(order[:k]), order[k:]


def predict_polnear(gold_docs: list[dict], settings: Any = None) -> tuple[list[dict], list[dict]]:
    """Run the extractor over the documents: (PRED records, documents that failed)."""

    documents = (Document(id=d["doc_id"], source=d["doc_id"], text=d["text"],
                          published=d.get("date") or None, title=d.get("title"))
                 for d in gold_docs)
    preds: list[dict] = []
    errors: list[dict] = []
    from saidwhat.pipeline import process  # defers the stages: the CLI and `serve` start without them

    for res in process(documents, settings):
        if res.error is not None:
            errors.append({"doc_id": res.document.id, "reason": res.error.reason,
                           "message": res.error.message})
            continue
        preds.extend(prediction_records(res.document.id, res.statements, res.document.text))
    return preds, errors


def write_predictions(preds: Iterable[dict], path: str | Path) -> None:
    """PRED records as JSONL, readable by ``shared/eval/polnear_score.py``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in preds:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def evaluate_polnear(path: str | Path, settings: Any = None, max_docs: int | None = None,
                     pred_out: str | Path | None = None, heldout: bool = False) -> dict[str, Any]:
    """Extract the documents of a PolNeAR JSONL file and score the result.

    Only the first ``max_docs`` documents are run *and* scored. With ``heldout``, only the tenth of
    the file that the training scripts hold out by default (``split_heldout``, seed 0; for PolNeAR
    train, the articles the learned components never saw, but for a tagger trained on all of them: then
    the result has a ``warning``). ``pred_out`` also writes the predictions (PRED format) so that the
    shared scorer can check the figures. The result is :func:`score_polnear`'s dict plus ``file``,
    ``docs_run``, ``extraction_errors`` and ``extractor``.
    """
    if settings is None:
        settings = Settings()
    if heldout:
        every = read_polnear(path)
        gold_docs = [every[i] for i in split_heldout(len(every), 0.1, random.Random(0))[0]][:max_docs]
    else:
        gold_docs = read_polnear(path, max_docs)
    preds, errors = predict_polnear(gold_docs, settings) if gold_docs else ([], [])
    if pred_out is not None:
        write_predictions(preds, pred_out)
    res = score_polnear(gold_docs, preds)
    from saidwhat.pipeline import load_nlp  # defers the stages (as above)

    component = load_nlp(settings).get_pipe("saidwhat_attribution")
    res.update(file=str(path), heldout=heldout, docs_run=len(gold_docs), extraction_errors=errors,
               extractor=component.extractor)
    if heldout and component.tagger is not None and any(e.held_out == 0 for e in component.tagger.encs):
        res["warning"] = ("the attribution tagger's weights were trained on all of PolNeAR train, these "
                          "articles included: the figures are not held-out ones (score a run of train_tagger "
                          "--heldout 0.1 through SAIDWHAT_TAGGER_WEIGHTS, or --extractor rules)")
    return res


from saidwhat.eval.polnear_records import prediction_records  # noqa: E402,F401  (statements -> PRED records)
from saidwhat.eval.polnear_report import format_polnear  # noqa: E402,F401  (the printed report)
