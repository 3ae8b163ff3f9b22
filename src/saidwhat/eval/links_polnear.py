"""Same-utterance links on real reporting: the PolNeAR gold (``gold/polnear_links/``).

The gold (conventions in ``gold/polnear_links/README.md``) holds ids and offsets only: each unit is
a PolNeAR attribution, named by ``doc`` (PolNeAR ``doc_id``) and its content offsets ``[start, end)``.

- ``pairs.jsonl``: one judged pair of units per line, ``{"pair", "split": "tune"|"lockbox", "label":
  "same"|"different"|"unsure", "a": UNIT, "b": UNIT, "utterances": [...] (same pairs), "note"}``.
- ``clusters.jsonl``: one utterance per line, ``{"utterance", "split", "units": [UNIT, ...]}``: the
  connected components of the ``same`` pairs (a unit that quotes several utterances is in several).

Scoring (``saidwhat eval links-polnear``): the documents the chosen split uses are read from the
PolNeAR JSONL files (their text never enters the repository), written to a temporary JSONL with
their outlet and publication date, and ingested into a temporary store through ``saidwhat.ingest``
with its normal linking. Each gold unit is mapped to the stored statement of the same document
whose content has the highest token F1 with the unit's content (at least ``MIN_F1`` = 0.5); a unit
with no such statement is unmatched. Two units are predicted linked when both are matched and
their statements have the same ``cluster_id``.

- **judged pairs**: the ``same`` and ``different`` pairs (``unsure`` left out); a ``same`` pair whose
  units are not both matched counts as a miss (``recall``); ``recall_matched`` leaves those out.
- **all pairs**: every pair of matched units, in different documents, among the units of the split's
  gold clusters: same utterance when they share a cluster, else different (the conventions: a
  cluster holds every judged report of its utterance), except pairs judged ``unsure`` (left out).

Precision = linked and same / linked, recall = linked and same / same, F1 their harmonic mean.
"""
from __future__ import annotations

import json
import os
import tempfile
from itertools import combinations
from pathlib import Path

import saidwhat
from saidwhat.eval.statements import token_f1 as statements_token_f1
from saidwhat.link.text import tokens

MIN_F1 = 0.5
SPLITS = ("tune", "lockbox", "all")
DEFAULT_GOLD = Path("gold") / "polnear_links"
DEFAULT_POLNEAR = Path("..") / "shared" / "polnear"
URL_PREFIX = "polnear:"


def unit_key(u: dict) -> tuple[str, int, int]:
    return (str(u["doc"]), int(u["start"]), int(u["end"]))


def read_jsonl(path: str | Path) -> list[dict]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(json.loads(line))
    return out


def load_gold(gold_dir: str | Path, split: str = "all") -> tuple[list[dict], list[dict]]:
    """The judged pairs and the utterance clusters of ``split`` (tune, lockbox or all)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    gold_dir = Path(gold_dir)
    pairs = read_jsonl(gold_dir / "pairs.jsonl")
    clusters = read_jsonl(gold_dir / "clusters.jsonl")
    if split != "all":
        pairs = [p for p in pairs if p["split"] == split]
        clusters = [c for c in clusters if c["split"] == split]
    return pairs, clusters


def gold_documents(pairs: list[dict], clusters: list[dict]) -> list[str]:
    docs = {u["doc"] for p in pairs for u in (p["a"], p["b"])}
    docs |= {u["doc"] for c in clusters for u in c["units"]}
    return sorted(docs)


def read_polnear(polnear: str | Path, wanted: set[str]) -> dict[str, dict]:
    """``{doc_id: record}`` for the wanted documents, from the PolNeAR JSONL file(s) (a file, or a
    folder whose ``*.jsonl`` are read)."""
    polnear = Path(polnear)
    files = sorted(polnear.glob("*.jsonl")) if polnear.is_dir() else [polnear]
    out = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                d = json.loads(line)
                if d.get("doc_id") in wanted:
                    out[d["doc_id"]] = d
    missing = wanted - set(out)
    if missing:
        raise FileNotFoundError(f"{len(missing)} gold documents not in {polnear}: "
                                + ", ".join(sorted(missing)[:5]))
    return out


def unit_text(doc: dict, u: dict) -> str:
    """The content of a gold unit: the PolNeAR attribution's content spans, joined."""
    for a in doc.get("attributions", ()):
        c = a["content"]
        if c["start"] == u["start"] and c["end"] == u["end"]:
            spans = c.get("spans") or [[c["start"], c["end"]]]
            return " ".join(doc["text"][s:e] for s, e in spans)
    return doc["text"][u["start"]:u["end"]]


def token_f1(a: str, b: str) -> float:
    """Token F1 of two texts (the statements scorer's, over the linker's tokens)."""
    return statements_token_f1(tokens(a), tokens(b))


def match_units(units: list[dict], texts: dict[tuple, str], statements_by_doc: dict[str, list[dict]],
                min_f1: float = MIN_F1) -> dict[tuple, dict]:
    """``{unit key: statement}``: for each unit, the statement of its document whose ``quote`` has the
    highest token F1 with the unit's content, if at least ``min_f1``."""
    out = {}
    for u in units:
        k = unit_key(u)
        best, best_f1 = None, min_f1
        for st in statements_by_doc.get(u["doc"], ()):
            f1 = token_f1(texts[k], st.get("quote") or "")
            if f1 >= best_f1 and (best is None or f1 > best_f1):
                best, best_f1 = st, f1
        if best is not None:
            out[k] = best
    return out


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def score(pairs: list[dict], clusters: list[dict], matched: dict[tuple, dict]) -> dict:
    """Scores of one split, given the unit -> statement mapping (see the module docstring)."""
    def cluster_of(k):
        st = matched.get(k)
        return None if st is None else (st.get("cluster_id") or st["id"])

    def linked(ka, kb):
        ca, cb = cluster_of(ka), cluster_of(kb)
        return ca is not None and ca == cb

    tp = fp = fn = fn_unmatched = 0
    for p in pairs:
        if p["label"] not in ("same", "different"):
            continue
        ka, kb = unit_key(p["a"]), unit_key(p["b"])
        hit = linked(ka, kb)
        if p["label"] == "same":
            if hit:
                tp += 1
            else:
                fn += 1
                if ka not in matched or kb not in matched:
                    fn_unmatched += 1
        elif hit:
            fp += 1
    judged = _prf(tp, fp, fn)
    judged["recall_matched"] = tp / (tp + fn - fn_unmatched) if tp + fn - fn_unmatched else 1.0
    judged["same_unmatched"] = fn_unmatched
    judged["pairs"] = sum(p["label"] in ("same", "different") for p in pairs)
    judged["unsure_left_out"] = sum(p["label"] == "unsure" for p in pairs)

    utts: dict[tuple, set] = {}
    for c in clusters:
        for u in c["units"]:
            utts.setdefault(unit_key(u), set()).add(c["utterance"])
    verdict = {frozenset((unit_key(p["a"]), unit_key(p["b"]))): p["label"] for p in pairs}
    units = sorted(k for k in utts if k in matched)
    a_tp = a_fp = a_fn = left_out = 0
    for ka, kb in combinations(units, 2):
        if ka[0] == kb[0]:
            continue  # cross-document pairs only
        v = verdict.get(frozenset((ka, kb)))
        same = bool(utts[ka] & utts[kb])
        if v == "unsure" or (v == "different" and same):
            left_out += 1
            continue
        hit = linked(ka, kb)
        a_tp += same and hit
        a_fp += (not same) and hit
        a_fn += same and not hit
    everything = _prf(a_tp, a_fp, a_fn)
    everything["units"] = len(units)
    everything["unsure_left_out"] = left_out
    all_units = {unit_key(u) for p in pairs for u in (p["a"], p["b"])} | set(utts)
    return {"judged": judged, "all_pairs": everything,
            "units": len(all_units), "units_matched": sum(k in matched for k in all_units),
            "clusters": len(clusters)}


def write_corpus(docs: dict[str, dict], path: str | Path) -> None:
    """The gold's documents as ingestable JSONL: text, outlet, publication date, title, and a
    ``polnear:<doc_id>`` URL that maps stored documents back to the gold."""
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id in sorted(docs):
            d = docs[doc_id]
            fh.write(json.dumps({"text": d["text"], "outlet": d.get("publisher"), "date": d.get("date"),
                                 "title": d.get("title"), "url": URL_PREFIX + doc_id}) + "\n")


def statements_by_polnear_doc(store) -> dict[str, list[dict]]:
    urls = {d["id"]: d.get("url") or "" for d in store.documents()}
    out: dict[str, list[dict]] = {}
    for st in store.iter_statements():
        url = urls.get(st["doc_id"], "")
        if url.startswith(URL_PREFIX):
            out.setdefault(url[len(URL_PREFIX):], []).append(st)
    return out


def evaluate_links_polnear(gold_dir: str | Path = DEFAULT_GOLD, polnear: str | Path = DEFAULT_POLNEAR,
                           split: str = "tune", db: str | None = None, settings=None) -> dict:
    """``saidwhat eval links-polnear``: ingest the split's PolNeAR documents (with outlet and date)
    into a fresh temporary store, linking as ingest does, and score its clusters. With ``db``: a
    database that does not exist yet is created and kept (the same ingest); an existing one is
    scored as it is, and must hold every document of the split."""
    pairs, clusters = load_gold(gold_dir, split)
    wanted = gold_documents(pairs, clusters)
    docs = read_polnear(polnear, set(wanted))
    report = None
    if db and os.path.exists(db):
        with saidwhat.Store(db) as store:
            by_doc = statements_by_polnear_doc(store)
        missing = set(wanted) - set(by_doc)
        if missing:
            raise ValueError(f"{db} lacks {len(missing)} of the split's {len(wanted)} documents "
                             "(give a path that does not exist to ingest them)")
    else:
        with tempfile.TemporaryDirectory(prefix="saidwhat-links-polnear-") as tmp:
            corpus = Path(tmp) / "polnear_links.jsonl"
            write_corpus(docs, corpus)
            with saidwhat.Store(db or str(Path(tmp) / "links.db")) as store:
                report = saidwhat.ingest([str(corpus)], store, settings)
                by_doc = statements_by_polnear_doc(store)
    units = {unit_key(u): u for p in pairs for u in (p["a"], p["b"])}
    units.update({unit_key(u): u for c in clusters for u in c["units"]})
    texts = {k: unit_text(docs[k[0]], u) for k, u in units.items()}
    matched = match_units(list(units.values()), texts, by_doc)
    out = {"split": split, **score(pairs, clusters, matched), "documents": len(wanted),
           "statements": sum(len(by_doc.get(d, ())) for d in wanted)}
    if report is not None:
        out["stored"] = report.stored
        out["skipped"] = dict(report.skipped)
    if db:
        out["db"] = db
    return out


def format_scores(r: dict) -> str:
    j, a = r["judged"], r["all_pairs"]
    lines = [f"PolNeAR same-utterance gold, split {r['split']}: {r['documents']} documents, "
             f"{r['statements']} statements; gold units matched {r['units_matched']}/{r['units']} "
             f"(token F1 >= {MIN_F1})",
             f"judged pairs ({j['pairs']}; {j['unsure_left_out']} unsure left out): "
             f"precision {j['precision']:.3f}  recall {j['recall']:.3f}  F1 {j['f1']:.3f}  "
             f"(tp {j['tp']} fp {j['fp']} fn {j['fn']}; {j['same_unmatched']} same pairs with an unmatched "
             f"unit; recall over matched {j['recall_matched']:.3f})",
             f"all pairs among {a['units']} matched units of {r['clusters']} gold clusters: "
             f"precision {a['precision']:.3f}  recall {a['recall']:.3f}  F1 {a['f1']:.3f}  "
             f"(tp {a['tp']} fp {a['fp']} fn {a['fn']}; {a['unsure_left_out']} left out)"]
    if r.get("skipped"):
        lines.append("skipped documents: " + ", ".join(f"{k} {v}" for k, v in sorted(r["skipped"].items())))
    return "\n".join(lines)
