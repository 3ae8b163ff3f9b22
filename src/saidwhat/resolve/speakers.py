"""Resolve speaker mentions to actors across a document: full names from surnames and misspellings,
pronouns, role nouns ("the spokesperson", "the ministry", "the statement"), metonyms ("Moscow",
"official Washington", "the Kremlin") and offices ("Russia's foreign ministry spokesperson").

The actor dictionary (``saidwhat.actors``) is the one source of actor ids: a mention it knows becomes
its actor (with the office holder on the publication date); an unknown speaker becomes an automatic
actor (``person:<slug>``, ``org:<slug>``, ``group:<slug>``) with the country and role the text gives.
Plain data in, plain data out.
"""
from __future__ import annotations

import re

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.actors.model import Actor as DictActor
from saidwhat.lexicon import Lexicon, lexicon
from saidwhat.nlp.candidates import Candidate, Mention
from saidwhat.resolve.persons import (
    DETS,
    Actor,
    PersonRegistry,
    auto_actor,
    clean_name,
    country_in,
    country_word,
    from_dictionary,
    gender_of,
    plural,
    role_key,
)

PERSON_PRON = {"he", "she", "i", "him", "her"}
GROUP_PRON = {"it", "they", "we"}


# role nouns that name a government body: resolved through the dictionary's offices for the country
ROLE_TITLES = {"foreign ministry": "Foreign Ministry", "foreign affairs ministry": "Foreign Ministry",
               "ministry of foreign affairs": "Foreign Ministry", "defense ministry": "Defense Ministry",
               "defence ministry": "Defense Ministry", "ministry of defense": "Defense Ministry",
               "ministry of defence": "Defense Ministry", "embassy": "Embassy", "parliament": "Parliament",
               "presidency": "Presidency", "cabinet": "Cabinet", "state department": "State Department",
               "mfa": "Foreign Ministry", "foreign office": "Foreign Ministry", "interior ministry": "Interior Ministry",
               "ministry of internal affairs": "Interior Ministry", "security council": "Security Council",
               "national security service": "National Security Service",
               "presidential administration": "Presidential Administration"}


class SpeakerResolver:
    def __init__(self, mentions: list[Mention], text: str, lex: Lexicon | None = None,
                 index: ActorIndex | None = None, date: str | None = None):
        self.lex = lex or lexicon()
        self.ix = index or actor_index()
        self.date = date            # the publication date: who held an office then
        self.text = text
        self.mentions = mentions
        self.people = PersonRegistry(mentions, self.lex, self.ix, date)
        self.history: list[tuple[int, Actor]] = []   # (position, actor) of resolved speakers

    # dictionary ------------------------------------------------------------------------------
    def actor(self, d: DictActor) -> Actor:
        return self.people.adopt(d) if d.type == "person" else from_dictionary(d, self.ix, self.date)

    def country_actor(self, iso3: str) -> Actor | None:
        d = self.ix.get(iso3)
        return self.actor(d) if d is not None else None

    # most recent actors ------------------------------------------------------------------
    def last(self, pos: int, pred) -> Actor | None:
        for p, a in reversed(self.history):
            if p <= pos and pred(a):
                return a
        return None

    def last_mention(self, pos: int, labels: set[str]) -> Mention | None:
        best = None
        for m in self.mentions:
            if m.start < pos and m.label in labels:
                best = m
        return best

    def context_country(self, pos: int) -> str | None:
        a = self.last(pos, lambda a: a.country is not None)
        if a:
            return a.country
        m = self.last_mention(pos, {"GPE", "NORP"})
        if m:
            return country_word(m.text, self.ix)
        return None

    # resolution -----------------------------------------------------------------------------
    def resolve(self, c: Candidate) -> Actor | None:
        actor = self._resolve(c)
        if actor is not None:
            self.history.append((c.speaker_start if c.speaker_start is not None else c.start, actor))
        return actor

    def _resolve(self, c: Candidate) -> Actor | None:
        text = (c.speaker_text or "").strip()
        if not text:
            return None
        pos = c.speaker_start if c.speaker_start is not None else c.start
        low = text.lower()
        if c.speaker_label == "PRON" or low in PERSON_PRON | GROUP_PRON:
            if low in PERSON_PRON:
                return self._last_person(pos, low)
            return self.last(pos, lambda a: a.type in ("country", "organization", "group")) or self._place_from_mentions(pos)
        # a person named in the mention
        for name in c.speaker_names:
            a = self.people.find(name)
            if a is not None:
                return a
        # a name, alias, case form or metonym the dictionary knows ("official Washington", "the Kremlin")
        hit = self.ix.lookup(text)
        if hit is not None:
            return self.actor(hit[0])
        a = self.people.find(text) if text[:1].isupper() and not DETS.match(text) else None
        if a is not None:
            return a
        # an office with its country or seat in the mention ("Russia's foreign ministry spokesperson",
        # "the Kremlin spokesman", "МИД России", "the spokeswoman of the Russian foreign ministry")
        d = self.ix.resolve(text, date=self.date, fuzzy=False)
        if d is not None:
            return self.actor(d)
        role = role_key(text, self.lex)
        country = self._country_in_mention(text, pos)
        if role is not None:
            sector, kind = self.lex.roles[role]
            if kind == "organization" and country is None:
                word = role.split()[-1]
                same = self.last(pos, lambda a: a.type == "organization" and word in a.name.lower())
                if same is not None:
                    return same
            if kind == "person" and plural(text):
                return auto_actor(DETS.sub("", text), "group", self.ix, country=country, sector=sector)
            if kind == "person":
                fits = lambda a: a.type == "person" and (country is None or a.country in (None, country))  # noqa: E731
                same = (self.last(pos, lambda a: fits(a) and any(role in r.lower() for r in a.roles))
                        or self.last(pos, fits))
                if same is not None:
                    return same
                # the holder of the office in the country the text is about ("the foreign minister")
                d = self.ix.resolve(text, context_country=country or self.context_country(pos),
                                    date=self.date, fuzzy=False)
                if d is not None and d.type == "person":
                    return self.actor(d)
            elif role == "statement" and country is None:
                prev = self._issuer_of_statement(pos) or self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("side", "government", "authorities") and country is None:
                prev = self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("government", "side", "authorities") and country is not None:
                found = self.country_actor(country)
                if found is not None:
                    return found
            elif role in ROLE_TITLES:
                ctx = country or self.context_country(pos)
                office = self._office(text, role, sector, ctx) if ctx else None
                if country is None:
                    prev = self.last(pos, lambda a: a.type == "organization" and a.sector == sector)
                    # the body that spoke before, unless the text names another body of its country
                    # ("the foreign ministry said … the embassy said")
                    if prev is not None and not (office is not None and prev.country == office.country
                                                 and prev.id != office.id):
                        return prev
                if office is not None:
                    return office
        if c.speaker_label == "PERSON" or (text[:1].isupper() and len(text.split()) <= 4 and c.speaker_label != "NOUN"):
            name = clean_name(text)
            if name:
                d = self.people.dictionary(name)
                if d is not None:
                    return self.actor(d)
                return auto_actor(name, "person", self.ix, country=country,
                                  sector=self.lex.roles[role][0] if role else None)
        name = DETS.sub("", text)
        head = (c.speaker_head or low.split()[-1]).lower()
        kind = ("group" if c.speaker_label != "ORG" and head.endswith("s") and not head.endswith("ss")
                else "organization")
        return auto_actor(name, kind, self.ix, country=country, sector=self.lex.roles[role][0] if role else None)

    def _office(self, text: str, role: str, sector: str, country: str) -> Actor:
        """A government body of ``country`` named by a role noun ("the foreign ministry")."""
        d = self.ix.resolve(text, context_country=country, date=self.date, fuzzy=False)
        if d is not None and d.type == "organization" and d.country == country:
            return self.actor(d)
        d = self.ix.get(f"org:{country}-{sector}")
        if d is not None:
            return self.actor(d)
        c = self.ix.get(country)
        cname = c.name if c is not None else country
        adj = c.adjectives[0] if c is not None and c.adjectives else cname
        return Actor(id=f"org:{country}-{sector}", name=f"{adj} {ROLE_TITLES[role]}", type="organization",
                     country=country, sector=sector)

    def _issuer_of_statement(self, pos: int) -> Actor | None:
        """"the statement said": whoever the text last said issued a statement."""
        for p, a in reversed(self.history):
            if p < pos and a.type in ("organization", "country") and self.text.rfind("statement", max(0, p - 120), p + 200) != -1:
                return a
        return None

    def _country_in_mention(self, text: str, pos: int) -> str | None:
        if re.search(r"\bthe country'?s?\b|\bits\b", text.lower().replace("\u2019", "'")):
            return self.context_country(pos)
        return country_in(text, self.ix)

    def _last_person(self, pos: int, pronoun: str = "") -> Actor | None:
        """he/she: the later of the last person who spoke and the last person who was the subject
        of a sentence ("Aydemir declined to comment. … he said only that …")."""
        want = {"she": "f", "her": "f", "he": "m", "him": "m"}.get(pronoun)
        fits = lambda a: a.type == "person" and gender_of(a, self.lex) in (None, want)  # noqa: E731
        spoke = None
        for p, a in reversed(self.history):
            if p <= pos and fits(a):
                spoke = (p, a)
                break
        subj = None
        for m in self.mentions:
            if m.start < pos and m.label == "PERSON" and m.subject:
                found = self.people.find(m.text)
                if found is not None and fits(found):
                    subj = (m.start, found)
        if subj is not None and (spoke is None or subj[0] > spoke[0]):
            return subj[1]
        return spoke[1] if spoke else None

    def _place_from_mentions(self, pos: int) -> Actor | None:
        m = self.last_mention(pos, {"GPE", "ORG"})
        if m is None:
            return None
        hit = self.ix.lookup(m.text)
        if hit is not None and hit[0].type != "person":
            return self.actor(hit[0])
        return None
