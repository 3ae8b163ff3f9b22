"""Statements as PolNeAR prediction records (the PRED format of ``shared/eval/polnear_score.py``),
following PolNeAR's conventions: one attribution for the pieces of a split quotation, and a
parenthetical "he said" cut out of its content."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def prediction_records(doc_id: str, statements: Iterable[Any], text: str | None = None) -> list[dict]:
    """Statements of one document as PRED records: content offsets, source and cue as written.

    PolNeAR's convention joins the pieces of one quotation split by its attribution
    ("“A,” she said. “B.”") into one attribution with discontinuous content; saidwhat keeps them
    as separate statements. With ``text``, such pieces (same paragraph, the second one carrying the
    first one's speaker mention; or any two with the same cue, even with another attribution between
    them) are joined here, for scoring against PolNeAR only."""
    out: list[dict] = []
    prev = None
    by_cue: dict[int, int] = {}  # cue -> the record of its attribution (a cue has one)
    for s in statements:
        # pieces of one attribution (the tagger's): one cue (their speakers may differ where the rules
        # filled them in), even with another attribution between them ("“A,” she said, referring to
        # N. “B.”")
        target = by_cue.get(s.cue_start) if text is not None and s.cue_start is not None else None
        joinable = target is not None or (text is not None and prev is not None and prev.end <= s.start and (
            s.kind == "direct" and prev.kind == "direct"
            and (s.cue_start is None or s.cue_start == prev.cue_start) and s.speaker_start is not None
            and s.speaker_start == prev.speaker_start and "\n" not in text[prev.end:s.start]))
        if joinable:
            rec = out[-1] if target is None else out[target]
            spans = rec["content"].get("spans") or [[rec["content"]["start"], rec["content"]["end"]]]
            spans.append([s.start, s.end])
            rec["content"] = {"start": spans[0][0], "end": s.end, "spans": spans}
        else:
            out.append({"doc_id": doc_id, "content": _without_attribution(s, text),
                        "source_text": s.speaker_mention, "cue_text": s.cue_text})
            if s.cue_start is not None:
                by_cue[s.cue_start] = len(out) - 1
        prev = s
    return out


def _without_attribution(s: Any, text: str | None) -> dict:
    """The content of a statement as PolNeAR marks it: when its own source and cue stand inside it
    ("The economy, he said, is weak"), they are cut out, leaving two pieces."""
    rec = {"start": s.start, "end": s.end}
    marks = [x for x in (s.cue_start, s.cue_end, s.speaker_start, s.speaker_end) if x is not None]
    if text is None or s.cue_start is None or not marks:
        return rec
    a, b = min(marks), max(marks)
    if not (s.start < a and b < s.end) or b - a > 80:
        return rec
    lo, hi = a, b
    while lo > s.start and text[lo - 1] in " ,\u2014\u2013-":
        lo -= 1
    while hi < s.end and text[hi] in " ,\u2014\u2013-":
        hi += 1
    if lo <= s.start or hi >= s.end:
        return rec
    rec["spans"] = [[s.start, lo], [hi, s.end]]
    return rec
