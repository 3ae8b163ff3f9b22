"""Speaker phrases in non-English text: the names, role nouns, country words and pronouns next to a
cue, grouped into one mention, and resolved to an actor through the actor dictionary (names as
written, Russian case endings undone, Cyrillic transliterated, accents dropped), role nouns through
the dictionary's offices ("официальный представитель МИД России" -> "foreign ministry spokesperson"
of RUS), pronouns and bare role words ("дипломат", "la porte-parole") to the last fitting speaker.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from saidwhat.actors import Actor, ActorIndex
from saidwhat.actors.model import slug
from saidwhat.foreign import orgs
from saidwhat.foreign.lexicon import Lang
from saidwhat.foreign.mentions import Group

_TR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
# Russian oblique case endings of names -> nominative guesses (tried in order)
RU_ENDINGS = [("ой", "а"), ("ою", "а"), ("ую", "ая"), ("ей", "я"), ("ии", "ия"), ("ию", "ия"), ("ия", "ий"),
              ("ым", ""), ("ом", ""), ("ом", "а"), ("ем", ""), ("у", "а"), ("у", ""), ("е", "а"), ("е", ""), ("ы", "а"),
              ("а", ""), ("я", "й"), ("я", "ь"), ("ю", "я")]
FEMININE = re.compile(r"(?:ова|ева|ина|ая|ская|ёва)$", re.I)


def translit(s: str) -> str:
    out = []
    for ch in s:
        lo = ch.lower()
        if lo in _TR:
            t = _TR[lo]
            out.append(t.capitalize() if ch.isupper() and t else t)
        else:
            out.append(ch)
    return "".join(out)


def deaccent(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def is_cyrillic(s: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in s)


@dataclass
class Speaker:
    actor: Actor | None
    mention: str | None
    start: int | None
    end: int | None
    label: str | None = None     # PERSON | ORG | GPE | PRON | NOUN
    gender: str | None = None


@dataclass
class SpeakerResolver:
    """Per document: resolves speaker groups, remembering speakers for pronouns and role anaphors."""
    index: ActorIndex
    L: Lang
    date: str | None = None
    history: list[tuple[Actor, str | None]] = field(default_factory=list)
    people: dict[str, Actor] = field(default_factory=dict)   # surname key -> auto person of this doc
    _cache: dict[str, Actor | None] = field(default_factory=dict)
    text: str = ""              # the document's masked text (organisations next to a name)
    _orgs: dict[str, Actor | None] = field(default_factory=dict)

    def context_country(self) -> str | None:
        for a, _ in reversed(self.history):
            if a.country:
                return a.country
        return None

    def remember(self, actor: Actor | None, gender: str | None) -> None:
        if actor is not None:
            self.history.append((actor, gender))

    def last(self, gender: str | None = None, kind: str | None = None) -> Actor | None:
        for a, g in reversed(self.history):
            if kind == "person" and a.type != "person":
                continue
            if kind == "organization" and a.type == "person":
                continue
            if gender in ("m", "f") and g not in (None, gender):
                continue
            if gender == "p" and a.type == "person" and g != "p":
                continue
            return a
        return None

    # names -------------------------------------------------------------------------------------
    def name_variants(self, name: str) -> list[str]:
        words = name.split()
        out = [name]
        if is_cyrillic(name):
            last = words[-1]
            for end, rep in RU_ENDINGS:
                if last.lower().endswith(end) and len(last) > len(end) + 2:
                    first = [_nominative(w) for w in words[:-1]]
                    out.append(" ".join(first + [last[: len(last) - len(end)] + rep]))
            out += [translit(v) for v in list(out)]
        else:
            d = deaccent(name)
            if d != name:
                out.append(d)
            if self.L.code == "es":
                out.append(d.replace("j", "kh").replace("J", "Kh"))
        seen, uniq = set(), []
        for v in out:
            if v not in seen:
                seen.add(v)
                uniq.append(v)
        return uniq

    def lookup_name(self, name: str) -> Actor | None:
        if name in self._cache:
            return self._cache[name]
        variants = self.name_variants(name)
        hit = None
        for v in variants:
            hit = self.index.resolve(v, date=self.date, fuzzy=False)
            if hit is not None:
                break
        if hit is None:
            for v in variants:
                if is_cyrillic(v):
                    continue
                a = self.index.resolve(v, date=self.date, fuzzy=True)
                if a is not None and a.type == "person":
                    hit = a
                    break
        if hit is not None and hit.type == "country" and len(name.split()) > 1:
            hit = None
        self._cache[name] = hit
        return hit

    def org_of(self, phrase: str) -> Actor | None:
        """An organisation with a country that ``phrase`` names (``orgs.lookup``), cached."""
        if phrase not in self._orgs:
            self._orgs[phrase] = orgs.lookup(self.index, phrase, self.L.code, self.date)
        return self._orgs[phrase]

    def auto_person(self, name: str, country: str | None, sector: str | None) -> Actor:
        key = _surname_key(name)
        known = self.people.get(key)
        if known is not None and (known.country or not country):
            return known
        if known is not None:   # named bare first, with a role now: the role's country and sector
            known = replace(known, country=country, sector=sector)
            self.people[key] = known
            return known
        latin = translit(name) if is_cyrillic(name) else deaccent(name)
        a = Actor(id="person:" + (slug(latin) or "unknown"), name=name, type="person", country=country,
                  sector=sector, origin="auto")
        self.people[key] = a
        return a

    # groups --------------------------------------------------------------------------------------
    def resolve(self, group: Group | None, gender: str | None = None) -> Speaker:
        if group is None:
            return Speaker(None, None, None, None)
        group, org = orgs.split_names(group, self.org_of, lambda t: self.lookup_name(t) is not None)
        names, roles = group.of("name"), group.of("role")
        isos = [i.iso for i in group.items if i.kind in ("country", "adj")]
        mention = _mention(group)
        iso = isos[0] if isos else None
        for n in reversed(names):
            a = self.lookup_name(n.text)
            if a is not None and a.type == "country":
                continue
            if a is not None:
                return Speaker(a, *mention, label="PERSON" if a.type == "person" else "ORG",
                               gender=gender or _gender_of(n.text))
        role_actor = None
        if roles:
            office = roles[-1].office
            if iso is None:  # a demonym inside the role phrase: "ministère turc des Affaires étrangères"
                iso = next((c for rx, c, _ in self.L.countries if rx.search(roles[-1].text)), None)
            role_actor = self.index.resolve(office, context_country=iso or self.context_country(), date=self.date,
                                            fuzzy=False)
        person_names = [n for n in names if not n.text.isupper() and self.lookup_name(n.text) is None]
        if person_names:
            n = person_names[-1]
            country = iso or (role_actor.country if role_actor else None)
            sector = role_actor.sector if role_actor else None
            if role_actor is None or not role_actor.country:   # "porte-parole du département d'État"
                org = org or orgs.near(self.text, n, self.L, self.org_of)
                if org is not None:
                    country, sector = org.country, org.sector
            a = self.auto_person(n.text, country, sector)
            return Speaker(a, *mention, label="PERSON", gender=gender or _gender_of(n.text))
        if role_actor is None and org is not None:
            return Speaker(org, *mention, label="ORG", gender=gender)
        if role_actor is not None:
            return Speaker(role_actor, *mention, label="PERSON" if role_actor.type == "person" else "ORG",
                           gender=gender)
        countries = group.of("country")
        if countries:
            a = self.index.get(countries[-1].iso)
            return Speaker(a, *mention, label="GPE")
        abbrev = [n for n in names if n.text.isupper()]
        if abbrev:
            a = self.index.resolve(abbrev[-1].text, date=self.date, fuzzy=False)
            if a is None:
                a = Actor(id="org:" + (slug(translit(abbrev[-1].text)) or "unknown"), name=abbrev[-1].text,
                          type="organization", country=iso, origin="auto")
            return Speaker(a, *mention, label="ORG")
        prons = group.of("pron")
        if prons:
            g = gender or prons[-1].gender
            g = None if g == "fp" else g
            kind = "person" if g in ("m", "f") else None
            return Speaker(self.last(g, kind) or (self.last(g) if g else None), prons[-1].text, prons[-1].start,
                           prons[-1].end, label="PRON", gender=g)
        anas = group.of("anaphor")
        if anas:
            return Speaker(self.last(gender, anas[-1].office), *mention, label="NOUN", gender=gender)
        return Speaker(None, *mention)


def _mention(group: Group) -> tuple[str, int, int]:
    items = [i for i in group.items if not i.object]
    s, e = items[0].start, items[-1].end
    return None, s, e  # text filled by the caller from the source text


def _nominative(w: str) -> str:
    for end, rep in (("ии", "ия"), ("ия", "ий"), ("ой", "а"), ("ы", "а"), ("а", ""), ("я", "й")):
        if w.lower().endswith(end) and len(w) > len(end) + 2:
            return w[: len(w) - len(end)] + rep
    return w


def _surname_key(name: str) -> str:
    last = name.split()[-1].lower()
    for end, _ in RU_ENDINGS:
        if is_cyrillic(last) and last.endswith(end) and len(last) > len(end) + 3:
            return last[: len(last) - len(end)]
    return last


def _gender_of(name: str) -> str | None:
    if not is_cyrillic(name):
        return None
    last = name.split()[-1]
    if FEMININE.search(last):
        return "f"
    if re.search(r"(?:ов|ев|ин|ий|ский|ян)$", last):
        return "m"
    return None


def ru_verb_gender(cue_text: str) -> str | None:
    w = cue_text.split()[0].lower()
    if re.search(r"(?:ла|лась)$", w):
        return "f"
    if re.search(r"(?:ли|лись)$", w):
        return "p"
    if re.search(r"(?:л|лся)$", w):
        return "m"
    return None
