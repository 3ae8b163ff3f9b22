"""Whom a statement addresses or is about, as ISO3 codes and dictionary actor ids.

Requests ("called on Baku to …", "urged Yerevan to …") target their addressee. Other statements
target the actors named in them by capital/metonym or possessive ("Yerevan's activities", "Baku's
actions", "the Kremlin"); accusations, denials and warnings also target the actors they name. Never the
speaker's own country.

``targets`` holds ISO3 codes (a person's or body's country; an international organisation's own short
id, "UN", "EU"); ``target_actors`` holds the dictionary ids ("AZE", "org:RUS-MFA", "person:ilham-aliyev").
"""
from __future__ import annotations

import re

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.actors.model import Actor
from saidwhat.nlp.candidates import Candidate

ACCUSE_CUES = {"accuse", "blame", "condemn", "criticize", "criticise", "warn", "call", "deny", "reject", "demand"}
_UP = "A-ZÀ-ÖØ-ÞА-ЯЁ"       # capitals of Latin and Cyrillic names
_WORD = rf"[{_UP}][\w\-]+"
_TO = re.compile(r"\bto\b")


def targets(c: Candidate, text: str, speaker_country: str | None,
            index: ActorIndex | None = None) -> tuple[list[str], list[str]]:
    ix = index if isinstance(index, ActorIndex) else actor_index()
    content = text[c.start:c.end]
    if c.frame in ("obj_to", "headline") or (c.cue in ("call", "urge", "appeal", "ask") and c.kind != "direct"):
        addressee = c.object_text or _TO.split(content, maxsplit=1)[0]
        found = _actors_in(addressee, ix)
        if c.frame == "headline" and not found:
            found = _actors_in(_TO.split(content, maxsplit=1)[0], ix)
        if found:
            return _split(found, speaker_country)
        return [], []
    found: list[Actor] = []
    for m in re.finditer(rf"\b({_WORD}(?:\s+{_WORD})?)(?:[\u2019']s)\b", content):
        hit = ix.lookup(m.group(1))
        if hit:
            found.append(hit[0])
    for w in re.findall(rf"\b{_WORD}\b", content):
        hit = ix.lookup(w)
        if hit and hit[1] == "metonym":
            found.append(hit[0])
    if c.cue in ACCUSE_CUES:
        found += _actors_in(content, ix)
    return _split(_uniq(found), speaker_country)


def _actors_in(s: str, ix: ActorIndex) -> list[Actor]:
    found = []
    for m in re.finditer(rf"\b(?:the\s+)?[{_UP}][\w\-\.]*(?:\s+[{_UP}][\w\-\.]*)*", s):
        phrase = m.group(0)
        hit = ix.lookup(phrase)
        if hit is None:
            for w in phrase.split():
                hit = ix.lookup(w)
                if hit and hit[1] != "adjective":
                    found.append(hit[0])
            continue
        if hit[1] != "adjective":
            found.append(hit[0])
    return _uniq(found)


def _uniq(actors: list[Actor]) -> list[Actor]:
    out: list[Actor] = []
    for a in actors:
        if all(a.id != b.id for b in out):
            out.append(a)
    return out


def _split(found: list[Actor], speaker_country: str | None) -> tuple[list[str], list[str]]:
    isos, ids = [], []
    for a in found:
        code = a.country or (a.affiliation or a.id).split(":", 1)[-1]
        if a.country and a.country == speaker_country:
            continue
        if code not in isos:
            isos.append(code)
        if a.id not in ids:
            ids.append(a.id)
    return isos, ids
