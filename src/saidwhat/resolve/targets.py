"""Whom a statement addresses or is about, as ISO3 codes and actor ids.

Requests ("called on Baku to …", "urged Yerevan to …") target their addressee. Other statements
target the countries named in them as actors (by capital/metonym or possessive: "Yerevan's
activities", "Baku's actions"), never the speaker's own country.
"""
from __future__ import annotations

import re

from ..lexicon import Lexicon, lexicon
from ..nlp.candidates import Candidate

ACCUSE_CUES = {"accuse", "blame", "condemn", "criticize", "criticise", "warn", "call", "deny", "reject", "demand"}


def targets(c: Candidate, text: str, speaker_country: str | None, lex: Lexicon | None = None) -> tuple[list[str], list[str]]:
    lex = lex or lexicon()
    content = text[c.start:c.end]
    if c.frame in ("obj_to", "headline") or (c.cue in ("call", "urge", "appeal", "ask") and c.kind != "direct"):
        addressee = c.object_text or re.split(r"\bto\b", content, maxsplit=1)[0]
        found = _actors_in(addressee, lex)
        if c.frame == "headline" and not found:
            found = _actors_in(re.split(r"\bto\b", content, maxsplit=1)[0], lex)
        if found:
            return _split(found, speaker_country)
        return [], []
    found = []
    for m in re.finditer(r"\b([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)(?:[\u2019']s)\b", content):
        hit = lex.lookup(m.group(1))
        if hit:
            found.append(hit)
    for w in re.findall(r"\b[A-Z][\w\-]+\b", content):
        hit = lex.lookup(w)
        if hit and hit[2] == "metonym":
            found.append(hit)
    if c.cue in ACCUSE_CUES:
        found += _actors_in(content, lex)
    return _split(_uniq(found), speaker_country)


def _actors_in(s: str, lex: Lexicon) -> list[tuple[str, str, str]]:
    found = []
    for m in re.finditer(r"\b(?:the\s+)?[A-Z][\w\-\.]*(?:\s+[A-Z][\w\-\.]*)*", s):
        phrase = m.group(0)
        hit = lex.lookup(phrase)
        if hit is None:
            for w in phrase.split():
                hit = lex.lookup(w)
                if hit and hit[2] != "adjective":
                    found.append(hit)
            continue
        if hit[2] != "adjective":
            found.append(hit)
    return _uniq(found)


def _uniq(hits):
    out = []
    for h in hits:
        if h not in out:
            out.append(h)
    return out


def _split(hits, speaker_country) -> tuple[list[str], list[str]]:
    isos, ids = [], []
    for kind, ident, _how in hits:
        if kind == "country":
            if ident == speaker_country or ident in isos:
                continue
            isos.append(ident)
            ids.append(ident)
        else:
            if ident in isos:
                continue
            isos.append(ident)
            ids.append("org:" + ident)
    return isos, ids
