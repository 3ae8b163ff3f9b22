"""Resolve speaker mentions to actors across a document: full names from surnames and misspellings,
pronouns, role nouns ("the spokesperson", "the ministry", "the statement"), metonyms ("Moscow",
"Official Moscow", "the Kremlin") to a government actor. Plain data in, plain data out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..lexicon import Lexicon, lexicon
from ..nlp.candidates import Candidate, Mention

PERSON_PRON = {"he", "she", "i", "him", "her"}
GROUP_PRON = {"it", "they", "we"}
DETS = re.compile(r"^(the|a|an|this|that|these|those)\s+", re.IGNORECASE)


@dataclass
class Actor:
    id: str
    name: str
    type: str                 # person | organization | country | group
    country: str | None = None
    sector: str | None = None
    roles: list[str] = field(default_factory=list)


def slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


class PersonRegistry:
    """Persons named in one document; surnames and misspellings map to the full name."""

    def __init__(self, mentions: list[Mention], lex: Lexicon):
        self.lex = lex
        self.people: list[Actor] = []
        full = [m for m in mentions if m.label == "PERSON" and len(m.text.split()) >= 2]
        for m in full + [m for m in mentions if m.label == "PERSON" and len(m.text.split()) < 2]:
            self.add(m)

    def add(self, m: Mention) -> Actor | None:
        name = _clean_name(m.text)
        if not name or self.lex.lookup(name):
            return None
        a = self.find(name)
        if a is None:
            a = Actor(id="person:" + slug(name), name=name, type="person")
            self.people.append(a)
        if m.role:
            if m.role not in a.roles:
                a.roles.append(m.role)
            a.country = a.country or m.role_country
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
        return best if score >= 80 else None


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
    if last.endswith(("ova", "eva", "ina", "skaya", "aya")):
        return "f"
    if last.endswith(("ov", "ev", "sky", "skiy")):
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


def country_actor(iso3: str, lex: Lexicon) -> Actor:
    c = lex.countries[iso3]
    return Actor(id=iso3, name=c.name, type="country", country=iso3, sector="GOV")


def org_actor(oid: str, lex: Lexicon) -> Actor:
    o = lex.orgs[oid]
    return Actor(id="org:" + oid, name=o.name, type="organization", country=o.country, sector=o.sector)


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
    def __init__(self, mentions: list[Mention], text: str, lex: Lexicon | None = None):
        self.lex = lex or lexicon()
        self.text = text
        self.mentions = mentions
        self.people = PersonRegistry(mentions, self.lex)
        self.history: list[tuple[int, Actor]] = []   # (position, actor) of resolved speakers

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
            hit = self.lex.lookup(m.text)
            if hit and hit[0] == "country":
                return hit[1]
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
        hit = self.lex.lookup(text)
        if hit:
            return country_actor(hit[1], self.lex) if hit[0] == "country" else org_actor(hit[1], self.lex)
        a = self.people.find(text) if text[:1].isupper() and not DETS.match(text) else None
        if a is not None:
            return a
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
                name = DETS.sub("", text)
                return Actor(id=f"group:{slug(name)}", name=name, type="group", country=country, sector=sector)
            if kind == "person":
                fits = lambda a: a.type == "person" and (country is None or a.country in (None, country))  # noqa: E731
                same = (self.last(pos, lambda a: fits(a) and any(role in r.lower() for r in a.roles))
                        or self.last(pos, fits))
                if same is not None:
                    return same
            elif role == "statement" and country is None:
                prev = self._issuer_of_statement(pos) or self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("side", "government", "authorities") and country is None:
                prev = self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("government", "side", "authorities") and country is not None:
                return country_actor(country, self.lex)
            elif role in ROLE_TITLES:
                if country is None:
                    prev = self.last(pos, lambda a: a.type == "organization" and a.sector == sector)
                    if prev is not None:
                        return prev
                    country = self.context_country(pos)
                if country is not None:
                    cname = self.lex.countries[country]
                    adj = cname.adjectives[0] if cname.adjectives else cname.name
                    name = f"{adj} {ROLE_TITLES[role]}"
                    return Actor(id=f"org:{country}-{sector}", name=name, type="organization",
                                 country=country, sector=sector)
        if c.speaker_label == "PERSON" or (text[:1].isupper() and len(text.split()) <= 4 and c.speaker_label != "NOUN"):
            name = _clean_name(text)
            if name:
                return Actor(id="person:" + slug(name), name=name, type="person", country=country)
        name = DETS.sub("", text)
        kind = "group" if low.endswith("s") and not low.endswith("ss") else "organization"
        return Actor(id=f"{kind}:{slug(name)}", name=name, type=kind, country=country,
                     sector=self.lex.roles[role][0] if role else None)

    def _issuer_of_statement(self, pos: int) -> Actor | None:
        """"the statement said": whoever the text last said issued a statement."""
        for p, a in reversed(self.history):
            if p < pos and a.type in ("organization", "country") and self.text.rfind("statement", max(0, p - 120), p + 200) != -1:
                return a
        return None

    def _country_in_mention(self, text: str, pos: int) -> str | None:
        if re.search(r"\bthe country'?s?\b|\bits\b", text.lower().replace("\u2019", "'")):
            return self.context_country(pos)
        for w in re.findall(r"[\w\-\.]+(?:[\u2019']s)?", text):
            hit = self.lex.lookup(w)
            if hit and hit[0] == "country":
                return hit[1]
        return None

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
        hit = self.lex.lookup(m.text)
        if hit:
            return country_actor(hit[1], self.lex) if hit[0] == "country" else org_actor(hit[1], self.lex)
        return None
