"""Name-like mentions near a cue in a non-English sentence: the words (``Item``: capitalised names,
lower-case role words, joined by connectors such as "von", "de") and their grouping into one
mention next to the cue (``Group``). Plain text positions; resolving a mention to an actor is
``speaker.py``'s work, organisations are ``orgs.py``'s."""
from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.foreign.lexicon import Lang

TOKEN = re.compile(r"[^\W\d_][\w\-'\u2019]*\.?|\d+|[^\w\s]")
CAP = re.compile(r"^[A-ZÀ-ÖØ-ÞА-ЯЁ]")
CONNECT = {"von", "van", "der", "de", "del", "da", "di", "la", "le", "фон", "ибн", "bin", "al", "ben", "du"}
STOP_PUNCT = set(".;:!?()«»\"“”„\u2014\u2013[]")


@dataclass
class Item:
    kind: str            # name | role | country | adj | pron | anaphor | title | agency (a reporter, not a speaker)
    start: int
    end: int
    text: str
    office: str | None = None     # roles: the English office phrase
    iso: str | None = None        # countries / adjectives
    gender: str | None = None     # pronouns
    object: bool = False          # preceded by a preposition: not a speaker


@dataclass
class Group:
    items: list[Item]

    @property
    def start(self) -> int:
        return self.items[0].start

    @property
    def end(self) -> int:
        return self.items[-1].end

    def of(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    @property
    def reporter(self) -> bool:
        """Only news agencies: who carried the words, not who said them."""
        return all(i.kind == "agency" for i in self.items)


def _covered(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    return any(s < b and a < e for s, e in spans)


def items_in(text: str, a: int, b: int, L: Lang, sent_start: int) -> list[Item]:
    """Names, role phrases, country words and pronouns in text[a:b] (``text`` is the masked text)."""
    seg = text[a:b]
    out: list[Item] = []
    taken: list[tuple[int, int]] = []

    def claim(matches, make) -> None:
        """Items for the matches not inside an earlier item (roles before countries before pronouns)."""
        for m in matches:
            s, e = a + m.start(), a + m.end()
            if not _covered(taken, s, e):
                out.append(make(s, e, m))
                taken.append((s, e))

    for rx, office in L.roles:
        claim(rx.finditer(seg), lambda s, e, m, office=office: Item("role", s, e, text[s:e], office=office))
    for rx, iso, adj in L.countries:
        claim(rx.finditer(seg), lambda s, e, m, iso=iso, adj=adj: Item("adj" if adj else "country", s, e,
                                                                      text[s:e], iso=iso))
    for m in L.date_word_re.finditer(seg):
        taken.append((a + m.start(), a + m.end()))
    claim(L.pronoun_re.finditer(seg),
          lambda s, e, m: Item("pron", s, e, text[s:e], gender=L.pronouns.get(m.group(0).lower())))
    for rx, kind in L.anaphors:
        claim(rx.finditer(seg), lambda s, e, m, kind=kind: Item("anaphor", s, e, text[s:e], office=kind))
    function = L.prepositions | L.skip | L.stop_after | set(L.pronouns) | L.negators
    articles = L.articles
    chain: list[tuple[int, int]] = []
    for m in TOKEN.finditer(seg):
        s, e, w = a + m.start(), a + m.end(), m.group(0)
        name_tok = bool(CAP.match(w)) and not _covered(taken, s, e) and "_" not in w
        if name_tok and ((s == sent_start and w.lower().rstrip(".") in function) or w.lower() in articles):
            name_tok = False
        if name_tok or (chain and w.lower() in CONNECT):
            if chain and not text[chain[-1][1]:s].isspace():
                _flush(chain, out, text)
            chain.append((s, e))
        else:
            _flush(chain, out, text)
    _flush(chain, out, text)
    out.sort(key=lambda i: i.start)
    for it in out:
        prev = re.search(r"([^\W\d_]+)\W*$", text[max(sent_start, it.start - 20):it.start])
        if prev and prev.group(1).lower() in L.prepositions and text[prev.end() + max(sent_start, it.start - 20):it.start].strip() == "":
            it.object = True
    return out


def _flush(chain: list[tuple[int, int]], out: list[Item], text: str) -> None:
    while chain and text[chain[-1][0]:chain[-1][1]].lower() in CONNECT:
        chain.pop()
    if chain:
        s, e = chain[0][0], chain[-1][1]
        t = text[s:e].rstrip(".")
        out.append(Item("name", s, s + len(t), t))
    chain.clear()


def group_near(items: list[Item], text: str, pos: int, before: bool) -> Group | None:
    """The speaker group: the subject items nearest to the cue (before it, or right after it). News
    agencies are left out ("заявила ТАСС Захарова": Захарова); a group of agencies alone is returned
    only when there is no other ("сообщает ТАСС": a reporter, ``Group.reporter``)."""
    cands = [i for i in items if not i.object and i.kind != "agency"]
    if not cands:
        agencies = [i for i in items if i.kind == "agency" and not i.object]
        if agencies:
            return Group([agencies[-1] if before else agencies[0]])
        return None
    groups: list[list[Item]] = []
    for it in cands:
        if groups:
            gap = text[groups[-1][-1].end:it.start]
            if gap.strip() == "" or (gap.strip() == "," and (it.kind == "name" or groups[-1][-1].kind == "name")):
                groups[-1].append(it)
                continue
        groups.append([it])
    good = [g for g in groups if any(i.kind in ("name", "role", "country", "pron", "anaphor") for i in g)]
    if not good:
        return None
    return Group(good[-1] if before else good[0])
