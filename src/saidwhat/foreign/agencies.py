"""News agencies in non-English text: "сообщает ТАСС", "según EFE", "berichtet dpa", "selon l'AFP",
"заявила ТАСС Захарова". An agency carries other people's words: it is the reporter, never the speaker,
unless it speaks for itself (it denies, accuses: ``Lang.own_act_cues``).

The agencies are the actor dictionary's organisations of sector MEDIA (names and aliases) and each
language's agency nouns ("агентство", "la agencia", "Nachrichtenagentur", "l'agence"). Names are matched
as written (an agency's name is its case: "dpa", "EFE"); a Cyrillic name that ends in a consonant takes
its case endings ("Интерфаксу", "Интерфакса").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.actors import Actor, ActorIndex
from saidwhat.foreign.lexicon import APOS, Lang

_CYR_CONSONANT = re.compile(r"[бвгджзклмнпрстфхцчшщ]$", re.I)


def _surface_pattern(s: str) -> str:
    p = re.escape(s).replace("'", APOS).replace(r"\ ", r"\s+")
    if _CYR_CONSONANT.search(s):
        p += "(?:у|а|ом|е)?"
    return p


@dataclass
class Agencies:
    """The agency names of one actor index, compiled once."""
    rx: re.Pattern
    by_surface: dict[str, Actor]

    @classmethod
    def of(cls, index: ActorIndex) -> Agencies:
        by: dict[str, Actor] = {}
        media = [a for a in index if a.sector == "MEDIA" and a.type == "organization"]
        for a in media:
            for s in [a.name, *a.aliases]:
                s = s.strip().strip('"«»')
                if len(s) >= 2 and s not in by:
                    by[s] = a
        pats = sorted((_surface_pattern(s) for s in by), key=len, reverse=True)
        rx = re.compile(r"(?<![\w\-])(?:" + "|".join(pats) + r")(?![\w\-])")
        return cls(rx, by)

    def spans(self, text: str, a: int, b: int, L: Lang) -> list[tuple[int, int, Actor | None]]:
        """Agency mentions in text[a:b]: (start, end, actor or None for a bare agency noun)."""
        out = []
        for m in self.rx.finditer(text, a, b):
            out.append((m.start(), m.end(), self.actor(m.group(0))))
        if L.agency_noun_re is not None:
            for m in L.agency_noun_re.finditer(text, a, b):
                if not any(s < m.end() and m.start() < e for s, e, _ in out):
                    out.append((m.start(), m.end(), None))
        return sorted(out, key=lambda x: x[0])

    def actor(self, surface: str) -> Actor | None:
        s = re.sub(r"\s+", " ", surface.replace("\u2019", "'"))
        if s in self.by_surface:
            return self.by_surface[s]
        for k, a in self.by_surface.items():   # a case form ("Интерфаксу")
            if s.startswith(k) and len(s) - len(k) <= 2:
                return a
        return None


_CACHE: dict[int, tuple[ActorIndex, Agencies]] = {}


def agencies(index: ActorIndex) -> Agencies:
    """The agencies of ``index`` (built once per index object)."""
    hit = _CACHE.get(id(index))
    if hit is None or hit[0] is not index:
        hit = (index, Agencies.of(index))
        _CACHE[id(index)] = hit
    return hit[1]
