"""PLOVER scoring, the same metrics as ../shared/eval/plover_score.py (accuracy, macro-F1 over the gold
types, micro-F1, lenient accuracy, mode accuracy, quad and CAMEO-root agreement, per-type P/R/F1)."""
from __future__ import annotations

from collections import Counter, defaultdict

QUADN = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2, "YIELD": 2,
         "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
         "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}
NONE = "<none>"


def _typ(x, collapse: bool) -> str:
    t = str(x or "").strip().upper()
    if not t:
        return NONE
    if collapse and t in ("CONCEDE", "RETREAT"):
        return "YIELD"
    return t


def _mode(x) -> str | None:
    m = str(x or "").strip().lower()
    return m or None


def _prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: list[dict], pred: list[dict], collapse: bool | None = None) -> dict:
    if collapse is None:
        collapse = any(str(g.get("event_type", "")).upper() == "YIELD" for g in gold)
    preds: dict[str, dict] = {}
    dup = 0
    for p in pred:
        k = str(p.get("id"))
        if k in preds:
            dup += 1
            continue
        preds[k] = p
    gids = {str(g["id"]) for g in gold}
    unknown = sum(1 for k in preds if k not in gids)
    tp, fp, fn = Counter(), Counter(), Counter()
    correct = lenient = missing = 0
    mode_n = mode_joint = mgt_n = mgt = quad_n = quad_ok = cam_n = cam_ok = 0
    confusion: dict[str, Counter] = defaultdict(Counter)
    for g in gold:
        gt = _typ(g.get("event_type"), collapse)
        p = preds.get(str(g["id"]))
        if p is None:
            missing += 1
        pt = _typ((p or {}).get("event_type"), collapse)
        confusion[gt][pt] += 1
        if pt == gt:
            correct += 1
            tp[gt] += 1
        else:
            fn[gt] += 1
            if pt != NONE:
                fp[pt] += 1
        alts = {_typ(a, collapse) for a in g.get("alt_event_types") or []}
        if pt == gt or pt in alts:
            lenient += 1
        gm = _mode(g.get("mode"))
        if gm:
            mode_n += 1
            if pt == gt:
                mgt_n += 1
                if _mode((p or {}).get("mode")) == gm:
                    mgt += 1
                    mode_joint += 1
        gq = QUADN.get(gt) or g.get("quad")
        if gq:
            quad_n += 1
            if QUADN.get(pt) == int(gq):
                quad_ok += 1
        gc, pc = str(g.get("cameo") or ""), str((p or {}).get("cameo") or "")
        if gc and pc:
            cam_n += 1
            cam_ok += gc[:2] == pc[:2]
    n = len(gold)
    gold_types = sorted({_typ(g.get("event_type"), collapse) for g in gold})
    per_type = {}
    for t in sorted(set(gold_types) | set(fp)):
        p_, r_, f_ = _prf(tp[t], fp[t], fn[t])
        per_type[t] = dict(precision=round(p_, 4), recall=round(r_, 4), f1=round(f_, 4),
                           support=tp[t] + fn[t], predicted=tp[t] + fp[t], in_gold=t in gold_types)
    macro = sum(per_type[t]["f1"] for t in gold_types) / len(gold_types) if gold_types else 0.0
    mp, mr, mf = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    r4 = lambda x: round(x, 4)  # noqa: E731
    return dict(
        n=n, predictions=len(preds), missing=missing, duplicate_pred_ids=dup, unknown_pred_ids=unknown,
        label_space=("15 types (CONCEDE+RETREAT=YIELD)" if collapse else "16 PLOVER types"),
        accuracy=r4(correct / n) if n else 0.0, macro_f1=r4(macro), micro_precision=r4(mp),
        micro_recall=r4(mr), micro_f1=r4(mf), lenient_accuracy=r4(lenient / n) if n else 0.0,
        mode_items=mode_n, mode_joint_accuracy=r4(mode_joint / mode_n) if mode_n else None,
        mode_accuracy_given_type=r4(mgt / mgt_n) if mgt_n else None,
        quad_accuracy=r4(quad_ok / quad_n) if quad_n else None,
        cameo_root_items=cam_n, cameo_root_accuracy=r4(cam_ok / cam_n) if cam_n else None,
        per_type=per_type, confusion={g: dict(c) for g, c in confusion.items()},
    )


def format_report(res: dict, title: str | None = None) -> str:
    out = []
    if title:
        out.append(title)
    out.append(f"gold items: {res['n']}   predictions: {res['predictions']}   missing: {res['missing']}")
    out.append(f"label space: {res['label_space']}")
    out.append(f"accuracy          {res['accuracy']:.4f}")
    out.append(f"macro-F1          {res['macro_f1']:.4f}")
    out.append(f"micro-F1          {res['micro_f1']:.4f}")
    if res["mode_items"]:
        mg = res["mode_accuracy_given_type"]
        out.append(f"mode accuracy     joint {res['mode_joint_accuracy']:.4f}   given right type "
                   f"{'-' if mg is None else format(mg, '.4f')}   ({res['mode_items']} gold items with a mode)")
    if res["quad_accuracy"] is not None:
        out.append(f"quad accuracy     {res['quad_accuracy']:.4f}")
    if res["cameo_root_items"]:
        out.append(f"CAMEO root acc.   {res['cameo_root_accuracy']:.4f} over {res['cameo_root_items']} items")
    out.append(f"\n{'type':<12}{'P':>8}{'R':>8}{'F1':>8}{'support':>9}{'pred':>7}")
    for t, v in res["per_type"].items():
        mark = "" if v["in_gold"] else "  (not in gold)"
        out.append(f"{t:<12}{v['precision']:>8.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}{v['support']:>9}"
                   f"{v['predicted']:>7}{mark}")
    return "\n".join(out)
