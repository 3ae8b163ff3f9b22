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
from saidwhat.foreign.mentions import Group, group_near, items_in
from saidwhat.foreign.text import paragraphs
from saidwhat.foreign.titles import classes_of, gender_of_role, split_titles
from saidwhat.lexicon import lexicon

_TR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))
# Russian oblique case endings of names -> nominative guesses (tried in order)
RU_ENDINGS = [("ой", "а"), ("ою", "а"), ("ую", "ая"), ("ей", "я"), ("ии", "ия"), ("ию", "ия"), ("ия", "ий"),
              ("ым", ""), ("ом", ""), ("ом", "а"), ("ем", ""), ("у", "а"), ("у", ""), ("е", "а"), ("е", ""), ("ы", "а"),
              ("а", ""), ("я", "й"), ("я", "ь"), ("ю", "я")]
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«„“\"\u2014]?[A-ZÀ-ÖØ-ÞА-ЯЁ])")
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
    # persons as the article describes them: (position, actor, role classes, gender) ("официальный
    # представитель МИД России Анна Петрова": Petrova, {spokes, diplomat}, None)
    described: list[tuple[int, Actor, frozenset[str], str | None]] = field(default_factory=list)
    at: int = 0                 # where the statement being resolved starts (role nouns look before it)
    _scanned: bool = False

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

    # descriptions --------------------------------------------------------------------------------
    def describe_text(self) -> None:
        """Every person the article names with a role ("Официальный представитель МИД Армении Ани
        Бадалян", "Ani Badalian, portavoz del Gobierno"), in statements or not, for role nouns later. Run
        once, when the first role noun is to be resolved (most articles have none)."""
        if self._scanned:
            return
        self._scanned = True
        spans = []
        for a, b in paragraphs(self.text):
            cuts = [a] + [m.end() for m in _SENTENCE_END.finditer(self.text, a, b)] + [b]
            spans += [(x, y) for x, y in zip(cuts, cuts[1:]) if y > x]
        for a, b in spans:
            if not (self.L.role_re.search(self.text, a, b) or any(rx.search(self.text, a, b) for rx, _ in self.L.anaphors)):
                continue    # no role word: nobody described in this sentence
            items = items_in(self.text, a, b, self.L, a)
            pos = a
            while True:
                nxt = [i for i in items if i.start >= pos]
                if not nxt:
                    break
                grp = group_near(nxt, self.text, nxt[0].start, before=False)
                if grp is None:
                    break
                if any(i.kind in ("role", "anaphor") for i in grp.items) and grp.of("name"):
                    self.resolve(grp)
                pos = grp.end + 1

    def _describe(self, group: Group, actor: Actor, gender: str | None) -> None:
        if actor.type != "person":
            return
        roles = [i for i in group.items if i.kind in ("role", "title", "anaphor")]
        classes: set[str] = set()
        for r in roles:
            classes |= classes_of(r.text, r.office if r.kind == "role" else None, self.L)
            g = gender_of_role(r.text, self.text[max(0, r.start - 12):r.start], self.L)
            gender = gender or g
        # the role noun of the clause around the name ("La portavoz del Gobierno armenio, Ana Badalián",
        # "Ana Badalián, portavoz del Gobierno"), which the speaker group itself may not hold
        before = re.split(r"[.!?;:«»„“\"\n]", self.text[max(0, group.start - 80):group.start])[-1]
        after = re.match(r"\s*,\s*([^,.;:!?«»\n]{0,60})", self.text[group.end:group.end + 80])
        for ctx, at in ((before, group.start - len(before)), (after.group(1) if after else "", group.end)):
            for rx, _kind in self.L.anaphors:
                m = rx.search(ctx)
                if m:
                    classes |= classes_of(m.group(0), None, self.L)
                    gender = gender or gender_of_role(m.group(0), self.text[max(0, at + m.start() - 12):at + m.start()],
                                                      self.L)
        classes |= classes_of("", None, self.L, actor.sector)
        for o in actor.roles if isinstance(actor.roles, list) else []:
            title = getattr(o, "title", "")
            classes |= {c for k, v in self.L.office_classes.items() if k in title.lower() for c in v}
        if classes and not any(p == group.start and a.id == actor.id for p, a, _, _ in self.described):
            self.described.append((group.start, actor, frozenset(classes), gender))

    def described_as(self, text: str, start: int, gender: str | None) -> Actor | None:
        """The person a role noun ("дипломат", "la portavoz", "die Sprecherin") stands for: the last one
        the article described with a role of that class before this statement, of fitting gender."""
        want = classes_of(text, None, self.L)
        if not want:
            return None
        self.describe_text()
        g = gender or gender_of_role(text, self.text[max(0, start - 12):start], self.L)
        best = None
        for pos, a, classes, ag in self.described:
            if pos >= min(start, self.at or start) or not (classes & want):
                continue
            if g in ("m", "f") and ag in ("m", "f") and ag != g:
                continue
            if g in ("m", "f") and ag is None and not self._gender_fits(a, g):
                continue
            if best is None or pos >= best[0]:
                best = (pos, a)
        return best[1] if best else None

    def _gender_fits(self, a: Actor, g: str) -> bool:
        known = [hg for ha, hg in self.history if ha.id == a.id and hg in ("m", "f")]
        known += [dg for _, da, _, dg in self.described if da.id == a.id and dg in ("m", "f")]
        if known:
            return known[-1] == g
        got = _gender_of(a.name) or _latin_gender(a.name)
        return got in (None, g)

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
        group = split_titles(group, self.L)
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
                self._describe(group, a, gender or _gender_of(n.text))
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
            self._describe(group, a, gender or _gender_of(n.text))
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
            ana = anas[-1]
            a = self.described_as(ana.text, ana.start, gender)
            if a is None:
                g = gender or gender_of_role(ana.text, self.text[max(0, ana.start - 12):ana.start], self.L)
                a = self.last(g, ana.office)
                if a is not None and g in ("m", "f") and not self._gender_fits(a, g):
                    a = None      # "der Sprecher" after "die Sprecherin Sacharowa": someone not named
            return Speaker(a, *mention, label="NOUN", gender=gender)
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


def _latin_gender(name: str) -> str | None:
    """f | m of a name in Latin letters: a known first name, else a Slavic surname ending."""
    parts = deaccent(name).split()
    if len(parts) >= 2:
        g = lexicon().first_names.get(parts[0].lower())
        if g in ("m", "f"):
            return g
    last = parts[-1].lower() if parts else ""
    if last.endswith(("ova", "eva", "ina", "skaya", "aya")):
        return "f"
    if last.endswith(("ov", "ev", "sky", "skiy", "skii")):
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
