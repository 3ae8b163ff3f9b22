"""The organisation a speaker speaks for, when the role phrase names it rather than a country:
"Представитель Госдепартамента Дэниел Марш", "Le porte-parole du département d'État, Daniel Marsh",
"Daniel Marsh, portavoz del Departamento de Estado", "Ein Sprecher des Weißen Hauses, John Kirby".
The organisation is anything the actor dictionary knows as an organisation with a country; its
country and sector become the (auto) person's. Role nouns and linking words per language are in
``data/foreign_lexicon.json`` (``role_of``).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from saidwhat.actors import Actor, ActorIndex
from saidwhat.foreign.lexicon import Lang
from saidwhat.foreign.mentions import Group, Item

WINDOW = 120                       # characters looked at on each side of a name
MAX_WORDS = 6                      # words of an organisation's name after a role noun
_BOUNDARY = ".!?;:«»\"“”„\n"
_PHRASE = re.compile(r"[^,;:.!?()«»\"“”„\u2014\u2013_]*")
_WORD = re.compile(r"\S+")


def variants(phrase: str, code: str) -> list[str]:
    """The phrase as written and, in German, undeclined ("des Weißen Hauses" -> "Weiße Haus",
    "US-Außenministeriums" -> "US-Außenministerium"). Russian case endings are the dictionary's own
    concern (``ActorIndex`` keys Cyrillic names by stem)."""
    out = [phrase]
    if code == "de":
        words = phrase.split()
        last = words[-1]
        for end in ("es", "s"):
            if last.endswith(end) and len(last) > len(end) + 3:
                stem = [w[:-1] if w.endswith("en") and w[0].isupper() else w for w in words[:-1]]
                out.append(" ".join(words[:-1] + [last[: -len(end)]]))
                out.append(" ".join(stem + [last[: -len(end)]]))
                break
    return list(dict.fromkeys(out))


def lookup(index: ActorIndex, phrase: str, code: str, date: str | None = None) -> Actor | None:
    """The organisation (with a country) ``phrase`` names, or None."""
    phrase = phrase.strip(" ,'\u2019")
    if len(phrase) < 3:
        return None
    for v in variants(phrase, code):
        a = index.resolve(v, date=date, fuzzy=False)
        if a is not None and a.type == "organization" and a.country:
            return a
    return None


def split_names(group: Group, org_of: Callable[[str], Actor | None],
                known: Callable[[str], bool] = lambda t: False) -> tuple[Group, Actor | None]:
    """Name chains that are, or open with, an organisation ("Госдепартамента Дэниел Марш",
    "Weißen Hauses"): the organisation becomes an ``org`` item, the rest stays a name. Names the
    dictionary already knows (``known``) are left as they are. Returns the new group and the first
    organisation found."""
    items: list[Item] = []
    found: Actor | None = None
    for it in group.items:
        if it.kind != "name" or it.object or it.text.isupper() or known(it.text):
            items.append(it)
            continue
        words = list(_WORD.finditer(it.text))
        done = False
        for k in range(len(words), 0, -1):
            head = it.text[: words[k - 1].end()]
            a = org_of(head)
            if a is None:
                continue
            items.append(Item("org", it.start, it.start + len(head), head, iso=a.country))
            if k < len(words):
                s = words[k].start()
                items.append(Item("name", it.start + s, it.end, it.text[s:]))
            found = found or a
            done = True
            break
        if not done:
            items.append(it)
    return Group(items), found


def _sentence(text: str, a: int, b: int) -> tuple[int, int]:
    lo, hi = max(0, a - WINDOW), min(len(text), b + WINDOW)
    cut = max(text.rfind(ch, lo, a) for ch in _BOUNDARY)
    if cut >= 0:
        lo = cut + 1
    ends = [i for i in (text.find(ch, b, hi) for ch in _BOUNDARY) if i >= 0]
    return lo, min(ends) if ends else hi


def near(text: str, name: Item, L: Lang, org_of: Callable[[str], Actor | None]) -> Actor | None:
    """The organisation of a role noun written next to ``name`` (before it: "porte-parole du
    département d'État, Daniel Marsh", "пресс-секретарь Белого дома Джон Кирби"; or after it:
    "Daniel Marsh, portavoz del Departamento de Estado")."""
    if L.role_head_re is None or not text:
        return None
    lo, hi = _sentence(text, name.start, name.end)
    for m in L.role_head_re.finditer(text, lo, hi):
        if name.start <= m.start() < name.end:
            continue
        link = L.role_link_re.match(text, m.end(), hi)
        pos = link.end() if link else m.end()
        span = _PHRASE.match(text, pos, hi)
        words = list(_WORD.finditer(span.group(0))) if span else []
        for k in range(min(MAX_WORDS, len(words)), 0, -1):
            end = pos + words[k - 1].end()
            if end > name.start and pos < name.end:
                continue        # the name itself is no organisation's name
            a = org_of(text[pos:end])
            if a is None:
                continue
            before = end <= name.start and not text[end:name.start].strip(" ,\u00a0")
            after = m.start() >= name.end and not text[name.end:m.start()].strip(" ,\u00a0")
            if before or after:
                return a
            break
    return None
