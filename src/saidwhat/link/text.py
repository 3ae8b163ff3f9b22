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


# --- names and numbers across languages and scripts (the cross-language rule) -------------------

_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split()))
_NAME = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_OPENS = re.compile(r"(?:^|[.!?…]|[.!?…][\s«»“”\"„‘’'()—–-]*)[\s«»“”\"„‘’'()—–-]*$")
# capitalised function words that open sentences in the languages we link (not names)
NAME_STOP = frozenset("""
the a an and but we our i it this that these those there they he she you in on at for if as
le la les un une des nous notre il elle ils elles on ce cette ces en dans pour par mais et je vous
der die das ein eine wir unser es sie er und aber
мы наш наша это этот эта эти он она они вы в на и но я как что если
""".split())


def translit(word: str) -> str:
    """Latin letters for a word: Cyrillic transliterated (simple scheme), accents dropped."""
    w = unicodedata.normalize("NFKD", word.lower())
    w = "".join(c for c in w if not unicodedata.combining(c))
    return "".join(_CYR.get(c, c) for c in w).replace("_", "").replace("’", "'")


def name_words(text: str, raw: bool = False) -> list:
    """Capitalised words in any script that are not function words (roughly: proper names),
    transliterated to Latin and lower-cased; ``raw``: (transliterated, as written, opens a
    sentence) triples, so a caller can drop sentence-initial words it does not know as names."""
    out = []
    text = text or ""
    for m in _NAME.finditer(text):
        w = m.group()
        if not w[0].isupper() or len(w) < 3:
            continue
        if w.lower() in NAME_STOP:
            continue
        t = translit(w).strip("'-")
        out.append((t, w, bool(_OPENS.search(text[max(0, m.start() - 6):m.start()]))) if raw else t)
    return out
