"""Article text cut into segments for highlighting. Templates print every segment's text through
Jinja's autoescape, so nothing from an article is ever read as HTML; offsets are clamped to the text,
and spans may overlap (a segment then carries every class that covers it)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Span:
    start: int
    end: int
    cls: str                     # quote | speaker | cue | focus
    ref: str | None = None    # statement id the span belongs to


@dataclass
class Segment:
    text: str
    classes: list[str] = field(default_factory=list)
    ref: str | None = None
    anchor: bool = False         # the first segment of the focus span (id="hl")

    @property
    def cls(self) -> str:
        return " ".join(self.classes)


def statement_spans(st: dict, focus: bool = False) -> list[Span]:
    """The quote, speaker mention and cue of one statement as spans."""
    ref = st.get("id")
    spans = [Span(st["start"], st["end"], "focus" if focus else "quote", ref)]
    for kind in ("speaker", "cue"):
        a, b = st.get(f"{kind}_start"), st.get(f"{kind}_end")
        if a is not None and b is not None:
            spans.append(Span(a, b, kind, ref))
    if st.get("negated"):
        spans[0].cls += " negated"
    return spans


def segments(text: str, spans: Iterable[Span], window: tuple[int, int] | None = None
             ) -> list[Segment]:
    """``text`` (or ``text[window]``) as a list of segments; the ones inside spans carry their
    classes and the statement id of the innermost (last starting) quote-like span."""
    lo, hi = window if window else (0, len(text))
    lo, hi = max(0, lo), min(len(text), hi)
    good = []
    for s in spans:
        a, b = max(lo, int(s.start)), min(hi, int(s.end))
        if a < b:
            good.append(Span(a, b, s.cls, s.ref))
    points = sorted({lo, hi, *(s.start for s in good), *(s.end for s in good)})
    out: list[Segment] = []
    anchored = False
    for a, b in zip(points, points[1:]):
        cover = [s for s in good if s.start <= a and b <= s.end]
        classes = sorted({c for s in cover for c in s.cls.split()})
        quotes = [s for s in cover if s.cls.split()[0] in ("quote", "focus")]
        ref = max(quotes, key=lambda s: s.start).ref if quotes else None
        anchor = "focus" in classes and not anchored
        anchored = anchored or anchor
        if out and not anchor and out[-1].classes == classes and out[-1].ref == ref:
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text[a:b], classes, ref, anchor))
    return out


def context(text: str, st: dict, chars: int = 240) -> dict:
    """An excerpt around the statement with its quote highlighted: {before_ellipsis, segments,
    after_ellipsis}. Cuts at whitespace where one is near."""
    start, end = max(0, st["start"]), min(len(text), st["end"])
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    if lo > 0:
        sp = text.find(" ", lo, start)
        lo = sp + 1 if sp != -1 else lo
    if hi < len(text):
        sp = text.rfind(" ", end, hi)
        hi = sp if sp != -1 else hi
    return {"before": lo > 0, "after": hi < len(text),
            "segments": segments(text, statement_spans(st, focus=True), (lo, hi))}
