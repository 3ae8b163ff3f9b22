"""Actors of one document: the actor record the resolver hands on, the people named in the text
(full names from surnames and misspellings, genders for pronouns) and the country words of role
phrases ("Russia's", "the Armenian"). Plain data in, plain data out."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.actors.model import Actor as DictActor
from saidwhat.actors.phoenix import agent_nouns
from saidwhat.lexicon import Lexicon, lexicon
from saidwhat.nlp.candidates import Mention

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
    held = [r for r in d.roles if r.holds_on(date)] if d.type == "person" else []
    roles = [r.title for r in held]
    if held:
        sector = ix.office_sector(held[0].title) or held[0].sector or sector
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
        name = clean_name(m.text)
        if not name:
            return None
        title = split_title(DETS.sub("", m.text.strip()))[0]
        if title and not m.role:          # "Spokeswoman Jane Roe" tagged as one name: a role
            m = Mention(text=m.text, start=m.start, end=m.end, label=m.label, paragraph=m.paragraph,
                        role=title, role_country=m.role_country, subject=m.subject)
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
                a.country = a.country or m.role_country or country_in(m.role, self.ix)
                a.sector = a.sector or sector_of(m.role, self.lex)
        return a

    def find(self, name: str) -> Actor | None:
        name = clean_name(name)
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


def gender_of(a: Actor, lex: Lexicon) -> str | None:
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


def plural(text: str) -> bool:
    last = text.lower().split()[-1] if text.split() else ""
    return last.endswith("s") and not last.endswith(("ss", "'s", "\u2019s"))


# abbreviated and honorific titles written before names ("Gov. Mike Pence", "Sen. Kaine", "Mr. Clarke")
TITLE_ABBREV = {"mr.", "mrs.", "ms.", "dr.", "gov.", "sen.", "rep.", "gen.", "lt.", "col.", "adm.", "sgt.", "maj.",
                "capt.", "prof.", "rev.", "amb.", "sec.", "pres.", "mr", "mrs", "ms", "dr", "sir", "dame", "deputy",
                "vice", "acting", "former", "interim", "foreign", "defense", "defence", "prime", "first", "state"}
TITLE_EXPAND = {"gov.": "governor", "sen.": "senator", "rep.": "representative", "gen.": "general",
                "sec.": "secretary", "amb.": "ambassador", "pres.": "president", "adm.": "admiral"}


_TITLE_WORDS: set[str] | None = None


def title_words() -> set[str]:
    """Lower-case words that make a title: person role nouns of the lexicon, saidwhat's role nouns and
    Phoenix's person agent nouns (one word each), and abbreviations ("Gov.", "Sen.")."""
    global _TITLE_WORDS
    if _TITLE_WORDS is None:
        words = set(TITLE_ABBREV)
        for key, (_sector, kind) in lexicon().roles.items():
            if kind == "person":
                words.update(key.split())
        for noun, (_sector, kind) in agent_nouns().items():
            if kind == "person" and " " not in noun and noun not in ("republican", "democrat"):
                words.add(noun)
        words.update(("spokeswoman", "spokesman", "spokesperson", "secretary", "minister", "president"))
        _TITLE_WORDS = words
    return _TITLE_WORDS


def split_title(s: str) -> tuple[str, str]:
    """(title, name) of a name written with its title ("Spokeswoman Jane Roe" -> ("Spokeswoman",
    "Jane Roe"), "Clinton spokesman Nick Merrill" -> ("Clinton spokesman", "Nick Merrill")): the
    name starts after the last title word that leaves at least one word; no title word: ("", s)."""
    words = s.split()
    tw = title_words()
    cut = 0
    for i, w in enumerate(words[:-1]):
        if w.lower().strip(",") in tw:
            cut = i + 1
    if cut == 0:
        return "", s
    return " ".join(words[:cut]).strip(" ,"), " ".join(words[cut:])


def clean_name(s: str) -> str:
    """A person's name as written without its determiner, possessive and title."""
    s = s.replace("\u2019s", "").replace("'s", "").strip(" ,.")
    s = DETS.sub("", s)
    s = split_title(s)[1]
    return " ".join(w for w in s.split() if w[:1].isupper() or w[:1].isdigit())


def sector_of(role: str, lex: Lexicon) -> str | None:
    r = role.lower()
    for key in lex.role_keys:
        if key in r:
            return lex.roles[key][0]
    return None


def role_key(text: str, lex: Lexicon) -> str | None:
    t = " " + text.lower().replace("\u2019", "'") + " "
    for key in lex.role_keys:
        if f" {key} " in t or f" {key}'s " in t:
            return key
    return None


def country_word(w: str, ix: ActorIndex) -> str | None:
    """The country a word names: a country, its capital or seat ("Kremlin"), or a demonym."""
    hit = ix.lookup(w)
    if hit is None:
        return None
    a, how = hit
    if a.type == "country" or (how == "metonym" and a.country):
        return a.country
    return None


def country_in(text: str, ix: ActorIndex) -> str | None:
    words = re.findall(r"[\w\-\.]+(?:[\u2019']s)?", text)
    for i, w in enumerate(words):
        iso = (country_word(" ".join(words[i:i + 2]), ix) if i + 1 < len(words) else None) or country_word(w, ix)
        if iso:
            return iso
    return None


_APPOS = re.compile(r"\s*,\s*(?:the|a|an|his|her|its|their|[A-Z][\w.\-]*[\u2019']s)\s+([^,.;:\n\u201c\"()]{2,80}?)\s*[,.;]")


def role_words(phrase: str) -> list[str]:
    """The words of a role phrase, lower case, abbreviations written out ("Gov." -> "governor")."""
    out = []
    for w in re.findall(r"[\w.\-]+", phrase.lower().replace("\u2019s", "").replace("'s", "")):
        w = TITLE_EXPAND.get(w, w).strip(".")
        if w and w not in ("the", "a", "an", "his", "her", "its", "their", "of", "for", "and"):
            out.append(w)
    return out


def described(mentions: list[Mention], text: str, people: PersonRegistry) -> list[tuple[int, Actor, set[str]]]:
    """Where each person of the document is described, with the words of the description: the role
    written before the name ("Indiana Gov. Mike Pence") and an apposition after it ("Mike Pence, the
    Indiana governor,"). Role nouns ("the governor") are resolved against these."""
    out = []
    for m in mentions:
        if m.label != "PERSON":
            continue
        a = people.find(m.text)
        if a is None:
            continue
        words = set(role_words(m.role or ""))
        words.update(role_words(split_title(DETS.sub("", m.text.strip()))[0]))
        ap = _APPOS.match(text, m.end, min(len(text), m.end + 120))
        if ap:
            words.update(role_words(ap.group(1)))
        if words:
            out.append((m.start, a, words))
    return out
