"""Titles and role nouns of speakers in non-English text.

- A title written into a name ("Botschafter Hans Meier", "Sprecherin Anna Keller", "portavoz Ana Ruiz") is
  split off and kept as the person's role, so "Sprecherin Anna Keller" and "Keller" are one actor
  (``split_titles``).
- Role words denote classes of roles (``data/foreign_resolution.json`` ``role_classes``): "дипломат",
  "la diplomática", "der Diplomat" are the class ``diplomat``, which the person described as the foreign
  ministry's spokeswoman or as foreign minister belongs to; "пресс-секретарь", "la portavoz", "die
  Sprecherin", "la porte-parole" the class ``spokes`` (``classes_of``).
- A role word's grammatical gender, where the word or its article shows it ("la portavoz", "die
  Sprecherin", "la diplomática", "ambassadrice") (``gender_of_role``).
"""
from __future__ import annotations

import re

from saidwhat.foreign.lexicon import Lang
from saidwhat.foreign.mentions import Group, Item

_ARTICLE_GENDER = {"es": {"la": "f", "el": "m", "una": "f", "un": "m"},
                   "fr": {"la": "f", "le": "m", "une": "f", "un": "m"},
                   "de": {"die": "f", "der": "m", "eine": "f", "ein": "m"}}
_FEMININE_END = {"es": re.compile(r"(?:a|as)$"), "fr": re.compile(r"(?:rice|esse|ère|euse)$"),
                 "de": re.compile(r"in$")}


def split_titles(group: Group, L: Lang) -> Group:
    """The group with leading title words of each name split off as a ``role`` item (when the lexicon
    gives the title an office) or a ``title`` item (when not)."""
    if L.title_re is None:
        return group
    items: list[Item] = []
    for it in group.items:
        if it.kind != "name" or it.object:
            items.append(it)
            continue
        words = list(re.finditer(r"\S+", it.text))
        k = 0
        while k < len(words) - 1 and L.title_re.match(words[k].group(0).strip(",")):
            k += 1
        if k == 0:
            items.append(it)
            continue
        cut = words[k].start()
        title = it.text[:words[k - 1].end()]
        office = next((o for rx, o in L.roles if rx.fullmatch(title)), None)
        items.append(Item("role" if office else "title", it.start, it.start + len(title), title, office=office))
        items.append(Item("name", it.start + cut, it.end, it.text[cut:]))
    return Group(items)


def classes_of(text: str, office: str | None, L: Lang, sector: str | None = None) -> set[str]:
    """The role classes a role phrase (its text, its English office, the sector of its holder) denotes."""
    out = {k for rx, k in L.role_classes if rx.search(text)}
    if office:
        out.update(L.office_classes.get(office, ()))
    if sector:
        out.update(L.sector_classes.get(sector, ()))
    return out


def gender_of_role(text: str, before: str, L: Lang) -> str | None:
    """f | m when a role word shows its holder's gender (by its ending or its article), else None."""
    word = text.split()[0].lower() if text.split() else ""
    ending = _FEMININE_END.get(L.code)
    if L.code == "de" and ending and ending.search(word):
        return "f"
    art = re.search(r"(\w+)\W*$", before)
    g = _ARTICLE_GENDER.get(L.code, {}).get(art.group(1).lower()) if art else None
    if g is not None:
        return g
    if L.code == "es" and ending:
        return "f" if ending.search(word) else ("m" if re.search(r"os?$", word) else None)
    if L.code == "fr" and ending and ending.search(word):
        return "f"
    if L.code == "ru" and re.search(r"(?:ница|ша)$", word):
        return "f"
    return None
