"""No code carries the sample articles' own vocabulary.

The five sample articles (``../shared/corpus/seeds``) were read while saidwhat was built; a name or
phrase that only they use, written into ``src/**/*.py`` (a lexicon entry, a special case, an example
in a docstring), is a sign of a rule fitted to them. Their distinctive vocabulary is computed, not
listed: the capitalised words of the articles that are not English words or names in general news
(they occur nowhere in PolNeAR train's 840 US news articles, in any case, nor in lower case in the
articles themselves) and are not places of the general gazetteer (``data/gazetteer.tsv``, GeoNames and
ISO 3166) or words formed from one ("Armenian"); and the pairs of adjacent capitalised words, at least
one of them not an ordinary lower-case word and neither distinctive alone, that general news never
puts side by side and that are not (part of) a gazetteer name.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"
ENGLISH = SHARED / "polnear" / "train.jsonl"
GAZETTEER = REPO / "src" / "saidwhat" / "data" / "gazetteer.tsv"
WORD = re.compile(r"[^\W\d_]+")
CAPITALISED_RUN = re.compile(r"\b[A-Z][^\W\d_]*(?: [A-Z][^\W\d_]*)+")

pytestmark = pytest.mark.skipif(not (SEEDS.is_dir() and ENGLISH.is_file()),
                                reason="../shared (the sample articles and PolNeAR train) is absent")


@lru_cache(maxsize=1)
def vocabulary() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """(distinctive words, distinctive pairs of words) of the sample articles, lower-cased."""
    places = [line.split("\t")[0] for line in GAZETTEER.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    place_words = {w.lower() for p in places for w in WORD.findall(p)}
    stems = tuple(w for w in place_words if len(w) >= 4)
    place_pairs = {pair for p in places for ws in [[w.lower() for w in WORD.findall(p)]] for pair in zip(ws, ws[1:])}
    news_words, news_pairs, lower = set(), set(), set()
    for line in ENGLISH.open(encoding="utf-8"):
        words = WORD.findall(json.loads(line)["text"])
        lowered = [w.lower() for w in words]
        news_words.update(lowered)
        news_pairs.update(zip(lowered, lowered[1:]))
        lower.update(w for w in words if w.islower())
    articles = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    lower.update(w for text in articles for w in WORD.findall(text) if w.islower())

    def general(w: str) -> bool:
        return w in news_words or w in lower or w in place_words or w.startswith(stems)

    words = {w.lower() for text in articles for w in WORD.findall(text) if w[0].isupper() and not general(w.lower())}
    pairs = set()
    for text in articles:
        for run in CAPITALISED_RUN.findall(text):
            ws = [w.lower() for w in run.split()]
            for a, b in zip(ws, ws[1:]):
                if (a, b) not in news_pairs and (a, b) not in place_pairs and not (a in lower and b in lower) \
                        and not (a in words or b in words):  # a distinctive word is caught alone
                    pairs.add((a, b))
    return frozenset(words), frozenset(pairs)


def hits(text: str) -> list[tuple[int, str]]:
    """(line number, word or pair) of the sample vocabulary in ``text``, case ignored."""
    words, pairs = vocabulary()
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        ws = [w.lower() for w in WORD.findall(line)]
        out += [(i, w) for w in ws if w in words]
        out += [(i, f"{a} {b}") for a, b in zip(ws, ws[1:]) if (a, b) in pairs]
    return out


def test_the_vocabulary_is_found_and_caught():
    words, pairs = vocabulary()
    assert words and pairs  # the articles have names that general news does not
    word = sorted(words)[0]
    a, b = sorted(pairs)[0]
    assert hits(f'x = "{word.title()}"  # ok\nreturn f("{a.upper()} {b}")') == [(1, word), (2, f"{a} {b}")]
    assert hits(f"{a}\n{b}") == []  # a pair only side by side
    assert hits("the minister said on Monday that Russia and France agree") == []


def test_no_sample_vocabulary_in_the_code():
    found = [f"{path.relative_to(REPO)}:{i}: {what}" for path in sorted((REPO / "src").rglob("*.py"))
             for i, what in hits(path.read_text(encoding="utf-8"))]
    assert not found, "sample-article vocabulary in the code:\n" + "\n".join(found)
