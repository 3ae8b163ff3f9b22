"""Source and target actors of a coded sentence, from the actor dictionary: the trigger's subject is the
source, its objects/addressees are the targets; otherwise every country/organization named in the text
(other than the source's country) is a target."""
from __future__ import annotations

import re

from saidwhat.actors import Actor, ActorIndex, actor_index

_CAP = re.compile(r"(?:\b[Tt]he\s+|\b[Oo]fficial\s+)?[A-Z][\w\-\.\u2019']*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w\-\.\u2019']*)*")


def actors_in(text: str, index: ActorIndex | None = None) -> list[Actor]:
    """Actors named in ``text`` (names, aliases, metonyms, demonym phrases), in order, without repeats."""
    index = index or actor_index()
    found: list[Actor] = []
    for m in _CAP.finditer(text or ""):
        phrase = m.group(0)
        tail = text[m.end():m.end() + 40]
        # "the Armenian Foreign Ministry", "Russia's defense ministry"
        ext = re.match(r"(?:[\u2019']s)?\s+((?:foreign|defen[cs]e|interior)\s+(?:ministry|minister)|government|president|prime minister|authorities|side)\b", tail, re.I)
        a = index.resolve(phrase + (" " + ext.group(1) if ext else ""), fuzzy=False) if ext else None
        a = a or index.resolve(phrase, fuzzy=False)
        if a is None:
            for w in re.findall(r"[A-Z][\w\-\.]+", phrase):
                iso = index.country_of(w)
                if iso:
                    a = index.get(iso)
                    break
        if a is not None and a.id not in {x.id for x in found}:
            found.append(a)
    return found


def source_and_targets(text: str, subject: str | None, objects: list[str], source: str | None = None,
                       index: ActorIndex | None = None) -> tuple[str | None, list[str], list[str]]:
    """(source actor id, target actor ids, target ISO3/org codes)."""
    index = index or actor_index()
    src = index.get(source) if source else None
    if src is None and subject:
        subj_actors = actors_in(subject, index)
        src = subj_actors[0] if subj_actors else None
    src_country = src.country if src is not None else None
    cands: list[Actor] = []
    for o in objects:
        cands += actors_in(o, index)
    if not cands:
        cands = actors_in(text, index)
    ids, codes = [], []
    for a in cands:
        if src is not None and (a.id == src.id or (a.country and a.country == src_country)):
            continue
        if a.id not in ids:
            ids.append(a.id)
            code = a.country or a.id.split(":", 1)[-1]
            if code not in codes:
                codes.append(code)
    return (src.id if src else source), ids, codes
