"""Resolve speaker mentions to actors across a document: full names from surnames and misspellings,
pronouns, role nouns ("the spokesperson", "the ministry", "the statement"), metonyms ("Moscow",
"Official Moscow", "the Kremlin") and offices ("Russia's foreign ministry spokesperson").

The actor dictionary (``saidwhat.actors``) is the one source of actor ids: a mention it knows becomes
its actor (with the office holder on the publication date); an unknown speaker becomes an automatic
actor (``person:<slug>``, ``org:<slug>``, ``group:<slug>``) with the country and role the text gives.
Plain data in, plain data out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..actors import ActorIndex, actor_index
from ..actors.model import Actor as DictActor
from ..lexicon import Lexicon, lexicon
from ..nlp.candidates import Candidate, Mention

PERSON_PRON = {"he", "she", "i", "him", "her"}
GROUP_PRON = {"it", "they", "we"}
DETS = re.compile(r"^(the|a|an|this|that|these|those)\s+", re.IGNORECASE)


@dataclass
class Actor:
    """A speaker as resolved in one document (the dictionary's actors are never modified)."""
    id: str
    name: str
    type: str                 # person | organization | country | group
    country: str | None = None
    sector: str | None = None
    roles: list[str] = field(default_factory=list)
    origin: str = "auto"      # dictionary | auto


def from_dictionary(d: DictActor, ix: ActorIndex, date: str | None = None) -> Actor:
    """A document-level copy of a dictionary actor; a person's sector follows the role held on ``date``
    (Medvedev: HEAD_OF_STATE in 2010, GOV in 2015)."""
    sector = d.sector
    roles = [r.title for r in d.roles if r.holds_on(date)] if d.type == "person" else []
    if roles:
        sector = ix.office_sector(roles[0]) or sector
    return Actor(id=d.id, name=d.name, type=d.type, country=d.country, sector=sector, roles=roles,
                 origin="dictionary")


def auto_actor(name: str, type: str, ix: ActorIndex, country: str | None = None,
               sector: str | None = None, role: str | None = None) -> Actor:
    """An automatic actor for an unknown speaker, with the dictionary's id scheme."""
    a = ix.auto(name, type=type, country=country, sector=sector, register=False)
    return Actor(id=a.id, name=a.name, type=a.type, country=country, sector=sector,
                 roles=[role] if role else [])


class PersonRegistry:
    """Persons named in one document; surnames, misspellings and case forms map to one actor."""

    def __init__(self, mentions: list[Mention], lex: Lexicon, ix: ActorIndex | None = None,
                 date: str | None = None):
        self.lex = lex
        self.ix = ix or actor_index()
        self.date = date
        self.people: list[Actor] = []
        full = [m for m in mentions if m.label == "PERSON" and len(m.text.split()) >= 2]
        for m in full + [m for m in mentions if m.label == "PERSON" and len(m.text.split()) < 2]:
            self.add(m)

    def dictionary(self, name: str) -> DictActor | None:
        """The dictionary person a name denotes (exact, case form, transliteration or misspelling)."""
        hit = self.ix.lookup(name)
        if hit is not None:
            return hit[0] if hit[0].type == "person" else None
        d = self.ix.resolve(name, date=self.date)
        return d if d is not None and d.type == "person" else None

    def adopt(self, d: DictActor) -> Actor:
        """The document's actor for a dictionary person (one object per person per document)."""
        for a in self.people:
            if a.id == d.id:
                return a
        a = from_dictionary(d, self.ix, self.date)
        self.people.append(a)
        return a

    def add(self, m: Mention) -> Actor | None:
        name = _clean_name(m.text)
        if not name:
            return None
        hit = self.ix.lookup(name)
        if hit is not None and hit[0].type != "person":
            return None          # a place or organization tagged as a person
        a = self.find(name)
        if a is None:
            d = self.dictionary(name)
            if d is not None:
                a = self.adopt(d)
            else:
                a = auto_actor(name, "person", self.ix)
                self.people.append(a)
        if m.role:
            if m.role not in a.roles:
                a.roles.append(m.role)
            if a.origin == "auto":   # the dictionary knows its persons better than one phrase
                a.country = a.country or m.role_country or _country_in(m.role, self.ix)
                a.sector = a.sector or _sector_of(m.role, self.lex)
        return a

    def find(self, name: str) -> Actor | None:
        name = _clean_name(name)
        if not name:
            return None
        parts = name.split()
        for a in self.people:
            if a.name == name:
                return a
        last = parts[-1].lower()
        best, score = None, 0.0
        for a in self.people:
            alast = a.name.split()[-1].lower()
            if len(parts) == 1 or parts[0].lower() == a.name.split()[0].lower():
                s = 100.0 if alast == last else fuzz.ratio(alast, last)
                if s > score:
                    best, score = a, s
        if score >= 80:
            return best
        # another spelling, script or case form of a dictionary person already in the document
        d = self.dictionary(name)
        if d is not None:
            for a in self.people:
                if a.id == d.id:
                    return a
        return None


FEMALE_ROLES = ("spokeswoman", "ms.", "mrs.", "madam", "chairwoman", "congresswoman")
MALE_ROLES = ("spokesman", "mr.", "chairman", "congressman")


def gender_of(a: "Actor", lex: Lexicon) -> str | None:
    """f | m from a known first name, a gendered role or a Slavic surname ending; None if unknown."""
    roles = " ".join(a.roles).lower()
    if any(r in roles for r in FEMALE_ROLES):
        return "f"
    if any(r in roles for r in MALE_ROLES):
        return "m"
    parts = a.name.split()
    if len(parts) >= 2 and parts[0].lower() in lex.first_names:
        return lex.first_names[parts[0].lower()]
    last = parts[-1].lower() if parts else ""
    if last.endswith(("ova", "eva", "ina", "skaya", "aya", "ова", "ева", "ина", "ская", "ая")):
        return "f"
    if last.endswith(("ov", "ev", "sky", "skiy", "ов", "ев", "ин", "ский")):
        return "m"
    return None


def _plural(text: str) -> bool:
    last = text.lower().split()[-1] if text.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "'s", "\u2019s"))


def _clean_name(s: str) -> str:
    s = s.replace("\u2019s", "").replace("'s", "").strip(" ,.")
    s = DETS.sub("", s)
    return " ".join(w for w in s.split() if w[:1].isupper() or w[:1].isdigit())


def _sector_of(role: str, lex: Lexicon) -> str | None:
    r = role.lower()
    for key in lex.role_keys:
        if key in r:
            return lex.roles[key][0]
    return None


def _role_key(text: str, lex: Lexicon) -> str | None:
    t = " " + text.lower().replace("\u2019", "'") + " "
    for key in lex.role_keys:
        if f" {key} " in t or f" {key}'s " in t:
            return key
    return None


def _country_word(w: str, ix: ActorIndex) -> str | None:
    """The country a word names: a country, its capital or seat ("Kremlin"), or a demonym."""
    hit = ix.lookup(w)
    if hit is None:
        return None
    a, how = hit
    if a.type == "country" or (how == "metonym" and a.country):
        return a.country
    return None


def _country_in(text: str, ix: ActorIndex) -> str | None:
    words = re.findall(r"[\w\-\.]+(?:[\u2019']s)?", text)
    for i, w in enumerate(words):
        iso = (_country_word(" ".join(words[i:i + 2]), ix) if i + 1 < len(words) else None) or _country_word(w, ix)
        if iso:
            return iso
    return None


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
            return _country_word(m.text, self.ix)
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
        # a name, alias, case form or metonym the dictionary knows ("Official Moscow", "the Kremlin")
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
        role = _role_key(text, self.lex)
        country = self._country_in_mention(text, pos)
        if role is not None:
            sector, kind = self.lex.roles[role]
            if kind == "organization" and country is None:
                word = role.split()[-1]
                same = self.last(pos, lambda a: a.type == "organization" and word in a.name.lower())
                if same is not None:
                    return same
            if kind == "person" and _plural(text):
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
            name = _clean_name(text)
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
        return _country_in(text, self.ix)

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
