"""The printed report of ``saidwhat eval polnear`` (the layout of shared/eval/polnear_score.py)."""
from __future__ import annotations

from typing import Any


def _pc(x: float | None) -> str:
    return "  n/a" if x is None else f"{100 * x:5.1f}"


def format_polnear(res: dict[str, Any]) -> str:
    """A table of the metrics, in percent (the layout of the shared scorer's text output)."""
    lines = [f"PolNeAR{' (the held-out tenth)' if res.get('heldout') else ''}: {res['n_gold_docs']} documents, "
             f"{res['n_gold']} gold attributions "
             f"({res['n_gold_quoted']} quoted, {res['n_gold_unquoted']} unquoted), "
             f"{res['n_pred']} predictions"
             + (f" (extractor: {res['extractor']})" if res.get("extractor") else "")]
    if res.get("warning"):
        lines.append(f"warning: {res['warning']}")
    if res.get("extraction_errors"):
        lines.append(f"warning: {len(res['extraction_errors'])} documents failed to extract: "
                     + ", ".join(e["doc_id"] for e in res["extraction_errors"][:5]))
    if res.get("n_pred_docs_unknown") or res.get("n_pred_empty_content"):
        lines.append(f"warning: {res['n_pred_docs_unknown']} prediction documents not in the "
                     f"gold, {res['n_pred_empty_content']} predictions with empty content")
    row = "{:<34} {:>6} {:>6} {:>6} {:>6}"
    lines.append(row.format("metric", "P", "R", "F1", "TP"))
    for key, label in (("exact", "(a) content exact"),
                       ("overlap", "(b) content overlap (tokF1>=.5)"),
                       ("attribution", "    content overlap + source ok")):
        m = res[key]
        lines.append(row.format(label, _pc(m["precision"]), _pc(m["recall"]), _pc(m["f1"]),
                                m["tp"]))
    one = "{:<34} {:>6}   {}"
    lines += [
        one.format("(c) source accuracy", _pc(res["source_accuracy"]),
                   f"(n={res['source_accuracy_n']} matched pairs with gold source)"),
        one.format("    source acc., non-pronoun gold", _pc(res["source_accuracy_nonpronoun"]),
                   f"(n={res['source_accuracy_nonpronoun_n']})"),
        one.format("    cue accuracy", _pc(res["cue_accuracy"]), f"(n={res['cue_accuracy_n']})"),
        one.format("(d) recall quoted, exact", _pc(res["recall_quoted"]["exact"]),
                   f"(of {res['n_gold_quoted']})"),
        one.format("    recall quoted, overlap", _pc(res["recall_quoted"]["overlap"]), ""),
        one.format("    recall unquoted, exact", _pc(res["recall_unquoted"]["exact"]),
                   f"(of {res['n_gold_unquoted']})"),
        one.format("    recall unquoted, overlap", _pc(res["recall_unquoted"]["overlap"]), ""),
    ]
    return "\n".join(line.rstrip() for line in lines)
