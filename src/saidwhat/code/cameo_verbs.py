"""The PETRARCH2 CAMEO verb dictionary as evidence for the event classifier (data/plover/cameo_verbs.tsv,
derived by tools/import_cameo_verbs.py): which PLOVER type a verb names by its CAMEO block ("assail" ->
ASSAULT), and which type the most specific of its block's patterns gives ("urge ... to withdraw" -> RETREAT's
appeal, "demand ... release" -> REQUEST). Thousands of verbs and patterns written by event coders over
two decades, none of them from the PLOVER sentences saidwhat is scored on.

Matching, as in PETRARCH2 but over plain token lists: a verb matches a token by its lemma (multi-word verbs,
"wage war", by the following words too); a pattern matches when its words after the verb occur in order within
a window after it, and its words before within a window before it; a pattern word matches a token that starts
with it ("withd" - "withdrawal"), or only whole when written with a final "_"; a synonym set is a choice.
The most specific matching pattern (most words) wins."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

AFTER = 10     # tokens after the verb a pattern's words may span
BEFORE = 6     # tokens before it

Alt = tuple[str, ...]            # one alternative: its words, in order (consecutive tokens)
Slot = dict[str, tuple[Alt, ...]]  # a pattern word: its alternatives (a synonym set has several), by the first
                                   # 3 letters of their first word


@dataclass(frozen=True)
class Pattern:
    code: str
    type: str
    mode: str
    pre: tuple[Slot, ...]
    post: tuple[Slot, ...]
    size: int          # number of words: the more, the more specific
    order: int         # its row in the file
    keys: frozenset    # first 3 letters of one word per slot that must be in the sentence (a quick filter)


@dataclass(frozen=True)
class Hit:
    verb: str          # the verb as listed ("wage war")
    code: str          # CAMEO code of the verb's block (or its own)
    type: str          # its PLOVER type ("_01", "_02": statements, appeals)
    mode: str | None = None
    pattern_code: str | None = None
    pattern_type: str | None = None
    pattern_mode: str | None = None

    @property
    def best(self) -> tuple[str, str, str | None]:
        """(CAMEO code, PLOVER type, mode) of the most specific evidence: the pattern, else the verb."""
        if self.pattern_code:
            return self.pattern_code, self.pattern_type or "", self.pattern_mode
        return self.code, self.type, self.mode


def _slot(word: str) -> Slot:
    out: dict[str, list[Alt]] = {}
    for a in word.split("|"):
        if a:
            alt = tuple(a.split("~"))
            out.setdefault(alt[0].rstrip("_")[:3], []).append(alt)
    return {k: tuple(v) for k, v in out.items()}


def _key(slot: Slot) -> str | None:
    # a slot with one alternative must be in the sentence: its first word's 3 letters
    if len(slot) != 1:
        return None
    return next(iter(slot))


Index = dict[str, tuple[Pattern, ...]]   # a word's first 3 letters -> the patterns that need it ("" : need none)


@lru_cache(maxsize=1)
def dictionary() -> tuple[dict[str, list[tuple[tuple[str, ...], str, str, str, str]]], dict[str, Index]]:
    """(first word of a verb -> [(its words, block, code, type, mode)], block -> its patterns by a word they
    need)."""
    text = resources.files("saidwhat").joinpath("data", "plover", "cameo_verbs.tsv").read_text(encoding="utf-8")
    verbs: dict[str, list[tuple[tuple[str, ...], str, str, str, str]]] = {}
    pats: dict[str, list[Pattern]] = {}
    for n_row, line in enumerate(text.splitlines()):
        if not line or line.startswith("#"):
            continue
        row = line.split("\t")
        if row[0] == "verb" and len(row) >= 6:
            words = tuple(row[2].split())
            verbs.setdefault(words[0], []).append((words, row[1], row[3], row[4], row[5]))
        elif row[0] == "pattern" and len(row) >= 7:
            pre = tuple(_slot(w) for w in row[5].split())
            post = tuple(_slot(w) for w in row[6].split())
            size = sum(len(next(iter(s.values()))[0]) for s in pre + post)
            keys = frozenset(k for k in map(_key, pre + post) if k)
            pats.setdefault(row[1], []).append(Pattern(row[2], row[3], row[4], pre, post, size, n_row, keys))
    for v in verbs.values():
        v.sort(key=lambda x: -len(x[0]))
    index: dict[str, Index] = {}
    for b, ps in pats.items():
        by: dict[str, list[Pattern]] = {}
        for p in ps:
            by.setdefault(min(p.keys) if p.keys else "", []).append(p)
        index[b] = {k: tuple(v) for k, v in by.items()}
    return verbs, index


def _word_ok(w: str, tok: str) -> bool:
    if w.endswith("_"):
        return tok == w[:-1]
    return tok.startswith(w) if len(w) >= 3 else tok == w


def _alt_at(alt: Alt, toks: list[str], j: int) -> bool:
    return j + len(alt) <= len(toks) and all(_word_ok(w, toks[j + k]) for k, w in enumerate(alt))


def _seq(slots: tuple[Slot, ...], toks: list[str], lo: int, hi: int) -> bool:
    """Whether the slots occur in order within toks[lo:hi]."""
    j = lo
    for slot in slots:
        while j < hi:
            alt = next((a for a in slot.get(toks[j][:3], ()) if _alt_at(a, toks, j)), None)
            if alt is not None:
                j += len(alt)
                break
            j += 1
        else:
            return False
    return True


def verb_at(lemmas: list[str], toks: list[str], i: int) -> tuple[tuple[str, ...], str, str, str, str] | None:
    """The dictionary verb at token ``i`` (its lemma, and for a multi-word verb the tokens after it)."""
    verbs, _ = dictionary()
    for v in verbs.get(lemmas[i], ()):
        if all(i + k < len(toks) and (toks[i + k] == w or lemmas[i + k] == w) for k, w in enumerate(v[0][1:], 1)):
            return v
    return None


def hit(lemmas: list[str], toks: list[str], i: int) -> Hit | None:
    """The verb at token ``i`` and its block's most specific matching pattern; None when no dictionary verb."""
    v = verb_at(lemmas, toks, i)
    if v is None:
        return None
    words, block, code, typ, mode = v
    _, pats = dictionary()
    end = i + len(words)
    prefixes = {t[:3] for t in toks[max(0, i - BEFORE):end + AFTER]}
    index = pats.get(block, {})
    cands = [p for k in prefixes | {""} for p in index.get(k, ()) if p.keys <= prefixes]
    # the most specific first; among equals, the dictionary's order (stable across runs)
    cands.sort(key=lambda p: (-p.size, p.order))
    for p in cands:
        if p.post and not _seq(p.post, toks, end, min(len(toks), end + AFTER)):
            continue
        if p.pre and not _seq(p.pre, toks, max(0, i - BEFORE), i):
            continue
        return Hit(" ".join(words), code, typ, mode or None, p.code, p.type, p.mode or None)
    return Hit(" ".join(words), code, typ, mode or None)
