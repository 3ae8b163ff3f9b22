"""Text normalisation shared by dedup and clustering."""
from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_CAP = re.compile(r"\b[A-Z][\w-]+")

STOP = frozenset("""
a an the and or but nor of to in on at by for with from into onto over under about as than then that this
these those such it its it's is are was were be been being am do does did done have has had having will would
shall should can could may might must not no i me my we us our you your he him his she her they them their
there here which who whom whose what when where why how also very so too just said says say told tell
s t all any some more most other own same only
""".split())


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, light plural stripping (``threats`` -> ``threat``)."""
    out = []
    for w in _WORD.findall(norm(text).replace("’", "'")):
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w.isdigit():
            w = w[:-1]
        out.append(w)
    return out


def content(toks: list[str]) -> frozenset[str]:
    return frozenset(t for t in toks if t not in STOP and len(t) > 1 or t.isdigit())


def ngrams(toks: list[str], n: int = 5) -> frozenset[tuple]:
    return frozenset(zip(*(toks[i:] for i in range(n))))


def numbers(toks: list[str]) -> frozenset[str]:
    return frozenset(t for t in toks if not t.isalpha() and _DIGIT.search(t))


def names(text: str) -> frozenset[str]:
    """Capitalised words that are not sentence-initial function words (proper names, roughly)."""
    return frozenset(w.lower() for w in _CAP.findall(text or "") if w.lower() not in STOP)
