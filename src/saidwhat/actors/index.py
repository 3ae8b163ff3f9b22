"""ActorIndex: mention text -> Actor, through names, aliases, transliterations, misspellings, metonyms
(capital -> government) and generic patterns that work for any country ("the foreign ministry of X",
"X's president", "the X government", "the Armenian defense ministry")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from saidwhat.actors.dictionary import (
    _pad,
    _read,
    _split,
    append_row,
    canonical_id,
    load_actors,
    shipped_text,
    write_dir,
)
from saidwhat.actors.model import Actor, Role, slug
from saidwhat.actors.phoenix import PhoenixTable

_DET = re.compile(r"^(?:(?:the|a|an|official|officials?\s+of|le|la|les|der|die|das|el|los|las)\s+|l'|l\u2019)", re.I)
_POSS = re.compile(r"[\u2019']s?$")
_CYR = re.compile(r"[\u0400-\u04ff]")
# Russian case endings, longest first: "Захаровой", "Лаврову", "МИДом", "России" -> one key per word
_RU_ENDINGS = sorted("""ого его ому ему ыми ими ией ием ией ия ию ии еем ея ею ее ой ей ою ую юю ая яя ий ый ым им
    ом ем ах ях ам ям а я у ю е ы и ь о""".split(), key=len, reverse=True)
# prepositions and articles that put a country after an office: "of Russia", "de la Russie", "des Kremls"
_NOT_HOLDER = re.compile(r"(?:^|\s)(?:deputy|vice|vice-\S*|former|ex|ex-\S*|first deputy|assistant|adviser|advisor|aide|"
                         r"заместитель|замминистра|бывший|экс-\S*|adjoint|ancien|ancienne|stellvertretende[rn]?|"
                         r"ehemalige[rn]?|viceministro|exministro)(?:\s|$)", re.I)
_HEADS = {"head", "chief", "minister", "глава", "руководитель", "chef", "leiter", "jefe"}
_ROLE_OF = re.compile(r"^(spokes(?:person|woman|man)|press secretary|head|chief|minister|representative|"
                      r"официальный представитель|представитель|пресс-секретарь|глава|руководитель|porte-parole|"
                      r"sprecher(?:in)?|portavoz|chef|leiter|jefe)\s+(?:of|at|for|du|de la|de l'|des|del|de|der)\s+(.+)$")
_AFTER = ("of ", "in ", "for ", "de la ", "de l'", "du ", "de ", "d'", "des ", "der ", "von ", "del ")


def norm(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").strip(" \t\n,.;:\"")
    s = re.sub(r"\s+", " ", s).lower()
    return s


def ru_key(s: str) -> str:
    """A case-insensitive key for Cyrillic names in any grammatical case ("Марии Захаровой" ->
    "мар захаров", like "Мария Захарова"); other words are kept as they are."""
    out = []
    for w in re.split(r"[\s\-]+", s.lower().replace("ё", "е")):
        if _CYR.search(w) and len(w) > 3:
            for e in _RU_ENDINGS:
                if w.endswith(e) and len(w) - len(e) >= 3:
                    w = w[:-len(e)]
                    break
        out.append(w)
    return " ".join(x for x in out if x)


def _strip(s: str) -> str:
    s = norm(s)
    prev = None
    while prev != s:
        prev = s
        s = _DET.sub("", s)
    return _POSS.sub("", s).strip()


@dataclass
class Office:
    phrases: list[str]
    kind: str        # organization | person | country
    suffix: str
    sector: str
    title: str
    role_words: list[str]


def _offices() -> list[Office]:
    out = []
    for row in _read(shipped_text("offices.tsv")):
        phrases, kind, suffix, sector, title, words = _pad(row, 6)[:6]
        out.append(Office(_split(phrases), kind, suffix, sector, title, _split(words)))
    return out


class ActorIndex:
    """Look actors up by any surface form. ``ActorIndex.load()`` reads shipped + user files."""

    def __init__(self, actors: dict[str, Actor], merges: dict[str, str] | None = None,
                 folder: Path | None = None, phoenix: bool = True):
        self.actors = actors
        self.merges = dict(merges or {})
        self.folder = folder
        self.offices = _offices()
        # the Phoenix officials: read on first use, consulted after the curated and user actors
        self.phoenix = PhoenixTable(_strip) if phoenix else None
        self._build()

    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None, *, user: bool = True, phoenix: bool = True) -> ActorIndex:
        actors, merges = load_actors(extra_dirs, user=user)
        return cls(actors, merges, phoenix=phoenix)

    # index ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.names: dict[str, str] = {}       # normalised surface -> actor id
        self.adjectives: dict[str, str] = {}  # demonym -> iso3
        self.surnames: dict[str, list[str]] = {}
        for a in self.actors.values():
            for s in [a.name, *a.aliases]:
                self.names.setdefault(_strip(s), a.id)
            for adj in a.adjectives:
                self.adjectives.setdefault(norm(adj), a.id)
                if norm(adj).endswith("s"):
                    self.names.setdefault(norm(adj), a.id)   # "the Russians"
            if a.type == "person":
                parts = a.name.split()
                if len(parts) > 1:
                    self.surnames.setdefault(parts[-1].lower(), []).append(a.id)
        for a in self.actors.values():      # metonyms after names and aliases: they give way to them
            for m in a.metonyms:
                self.names.setdefault(_strip(m), a.id)
        # exact names win over anything else: re-assert canonical names
        for a in self.actors.values():
            self.names[_strip(a.name)] = a.id
        self._metonym_keys = {_strip(m) for a in self.actors.values() for m in a.metonyms}
        # acronyms ("WHO", "AP", "ЕС") match only when written in capitals
        self._acronyms = {_strip(s) for a in self.actors.values() for s in [a.name, *a.aliases]
                          if len(s) <= 5 and s.isupper()}
        self._keys = [k for k in self.names if len(k) >= 4]
        self._ru: dict[str, str | None] = {}   # Cyrillic case-form key -> id (None: ambiguous)
        for k, aid in self.names.items():
            if _CYR.search(k):
                rk = ru_key(k)
                self._ru[rk] = aid if self._ru.get(rk, aid) == aid else None
        for adj, iso in self.adjectives.items():
            if _CYR.search(adj):
                rk = ru_key(adj)
                if rk not in self._ru:
                    self._ru[rk] = iso
        self._office_re = []
        for o in self.offices:
            for p in sorted(o.phrases, key=len, reverse=True):
                self._office_re.append((p, re.compile(rf"(?<![\w])({re.escape(p)})(?![\w])"), o))
        self._office_re.sort(key=lambda po: len(po[0]), reverse=True)

    def get(self, actor_id: str) -> Actor | None:
        aid = canonical_id(actor_id, self.merges)
        a = self.actors.get(aid)
        if a is None and self.phoenix is not None and aid.startswith("person:"):
            a = self.phoenix.get(aid)
        return a

    def _phoenix(self, s: str) -> Actor | None:
        """A Phoenix official by full name (two words or more; ``s`` normalised)."""
        if self.phoenix is None or " " not in s or _CYR.search(s):
            return None
        a = self.phoenix.find(s)
        if a is not None and (a.id in self.actors or a.id in self.merges):
            return self.get(a.id)      # a user row or merge for the same id wins
        return a

    def __len__(self) -> int:
        return len(self.actors)

    def __iter__(self):
        return iter(self.actors.values())

    # resolution ----------------------------------------------------------------------------------
    def country_of(self, word: str) -> str | None:
        """ISO3 of a country name, alias, capital/metonym or demonym ("Baku", "Azerbaijani")."""
        s = _strip(word)
        aid = self.names.get(s)
        if aid and self.actors[aid].type == "country":
            return aid
        iso = self.adjectives.get(s)
        if iso:
            return iso
        if _CYR.search(s):
            aid = self._ru.get(ru_key(s))
            if aid and aid in self.actors and self.actors[aid].type == "country":
                return aid
        elif " " not in s and len(s) >= 6:
            # inflected adjectives in other languages: "russisches", "arménienne", "américaine"
            for cut in (1, 2, 3):
                iso = self.adjectives.get(s[:-cut])
                if iso and len(s) - cut >= 4:
                    return iso
        return None

    def lookup(self, surface: str) -> tuple[Actor, str] | None:
        """Exact look-up of a surface form (no patterns, no fuzzy matching): the actor and how it was
        named: ``name`` (a name or alias), ``metonym`` (a capital or seat: "Baku", "the Kremlin") or
        ``adjective`` (a demonym: "Azerbaijani")."""
        if not surface or not surface.strip():
            return None
        s = _strip(surface)
        if s in self._acronyms and not _POSS.sub("", _DET.sub("", surface.strip().replace("\u2019", "'"))).isupper():
            return None
        how = "metonym" if s in self._metonym_keys else "name"
        aid = self.names.get(s)
        if aid is None and _CYR.search(s):
            aid = self._ru.get(ru_key(s))
        if aid is not None:
            a = self.get(aid)
            return (a, how) if a is not None else None
        iso = self.adjectives.get(s)
        if iso is not None and iso in self.actors:
            return self.actors[iso], "adjective"
        p = self._phoenix(s)
        return (p, "name") if p is not None else None

    def resolve(self, mention: str, context_country: str | None = None, date: str | None = None,
                fuzzy: bool = True) -> Actor | None:
        """The actor a mention names, or None. ``context_country`` fills "the foreign ministry",
        "the president"; ``date`` (YYYY-MM-DD) picks the holder of an office on that day."""
        if not mention or not mention.strip():
            return None
        s = _strip(mention)
        aid = self.names.get(s)
        if aid:
            return self.get(aid)
        if _CYR.search(s):
            aid = self._ru.get(ru_key(s))
            if aid:
                return self.get(aid)
        p = self._phoenix(s)
        if p is not None:
            return p
        hit = self._role_of_org(s, date)
        if hit is not None:
            return hit
        hit = self._generic(s, context_country, date)
        if hit is not None:
            return hit
        hit = self._generic_inserted(s, context_country, date)
        if hit is not None:
            return hit
        if fuzzy:
            return self._fuzzy(s)
        return None

    def _generic(self, s: str, ctx: str | None, date: str | None) -> Actor | None:
        for phrase, rx, office in self._office_re:
            # the substring test first: most phrases are not there, and it costs far less than the search
            m = rx.search(s) if phrase in s else None
            if not m:
                continue
            before, after = s[:m.start()].strip(), s[m.end():].strip()
            iso = None
            prep = next((p for p in _AFTER if after.startswith(p)), None)
            if prep is not None:
                rest = _DET.sub("", after[len(prep):].strip())
                iso = self.country_of(rest) or (self.country_of(rest.split()[0]) if rest else None)
            elif after:
                # a genitive or postposed adjective: "МИД России", "la diplomatie russe"
                iso = self.country_of(after) or self.country_of(after.split()[0])
            if iso is None and before:
                iso = self.country_of(before) or self.country_of(before.split()[-1])
            if iso is None:   # a seat in the phrase itself: "the Kremlin spokesman"
                for w in phrase.split():
                    a = self.actors.get(self.names.get(w, ""))
                    if a is not None and a.country and a.type in ("country", "organization"):
                        iso = a.country
                        break
            if iso is None and before in ("", "its", "their", "country", "country's", "the country"):
                if after and prep is None:
                    continue
                iso = ctx
            if iso is None:
                continue
            if office.kind == "person" and _NOT_HOLDER.search(before):
                return None     # "the deputy foreign minister of X" is not the foreign minister
            return self.office_actor(office, iso, date)
        return None

    def _role_of_org(self, s: str, date: str | None) -> Actor | None:
        """"the spokeswoman of the Russian foreign ministry", "spokesperson for the Kremlin", "the head
        of the Armenian defense ministry": the person holding that office on ``date``, if known."""
        m = _ROLE_OF.match(s)
        if not m:
            return None
        org = self.resolve(m.group(2), date=date, fuzzy=False)
        if org is None or org.type != "organization" or not org.country or "-" not in org.id:
            return None
        suffix = org.id.split("-", 1)[1]
        spokes = m.group(1) not in _HEADS
        for o in self.offices:
            if o.kind == "person" and o.suffix == suffix and ("spokes" in o.title.lower()) == spokes:
                return self.holder(org.country, o, date)
        return None

    def _generic_inserted(self, s: str, ctx: str | None, date: str | None) -> Actor | None:
        """An office with a demonym inside it: "ministère russe des Affaires étrangères",
        "the Foreign Ministry of the Russian Federation" is handled by ``_generic``."""
        words = s.split()
        if len(words) < 3:
            return None
        for i, w in enumerate(words[1:-1], start=1):
            iso = self.country_of(w)
            if iso is None:
                continue
            hit = self._generic(" ".join(words[:i] + words[i + 1:]), iso, date)
            if hit is not None:
                return hit
        return None

    def office_actor(self, office: Office, iso: str, date: str | None = None) -> Actor | None:
        country = self.actors.get(iso)
        if country is None:
            return None
        if office.kind == "country":
            return country
        if office.kind == "person":
            holder = self.holder(iso, office, date)
            if holder is not None:
                return holder
        oid = f"org:{iso}-{office.suffix}"
        if oid in self.actors:
            return self.get(oid)
        adj = country.adjectives[0] if country.adjectives else country.name
        name = f"{adj} {office.title}" if office.kind == "organization" else f"{office.title} of {country.name}"
        return Actor(id=oid, name=name, type="organization", country=iso, sector=office.sector, origin="auto")

    def office_sector(self, title: str) -> str | None:
        """The sector of a role title ("President of Russia" -> HEAD_OF_STATE), from the offices."""
        t = title.lower().replace("defence", "defense")
        for o in self.offices:
            if o.kind == "person" and any(t.startswith(w.lower()) for w in o.role_words):
                return o.sector
        return None

    def holder(self, iso: str, office: Office, date: str | None = None) -> Actor | None:
        words = [w.lower() for w in office.role_words]
        cname = self.actors[iso].name.lower() if iso in self.actors else ""
        found = []
        for a in self.actors.values():
            if a.type != "person" or a.country != iso:
                continue
            for r in a.roles:
                t = r.title.lower().replace("defence", "defense")
                if ("deputy" in t or "vice" in t) and not any("deputy" in w for w in words):
                    continue
                # the title starts with the office ("President of Azerbaijan"), not "Assistant to the President"
                w = next((w for w in words if t.startswith(w)), None)
                if w is not None and (cname in t or " of " not in t[len(w):]) and r.holds_on(date):
                    if office.suffix == "MFA" and "spokes" in t and "spokes" not in office.title.lower():
                        continue
                    if office.suffix != "MFA" or ("spokes" in t) == ("spokes" in office.title.lower()):
                        found.append(a)
                        break
        return found[0] if len(found) == 1 else None

    def _fuzzy(self, s: str) -> Actor | None:
        if len(s) < 4:
            return None
        parts = s.split()
        # a surname alone, possibly misspelt ("Smithe")
        if len(parts) == 1:
            best = process.extractOne(s, list(self.surnames), scorer=fuzz.ratio, score_cutoff=85)
            if best is not None and len(self.surnames[best[0]]) == 1:
                return self.get(self.surnames[best[0]][0])
        best = process.extractOne(s, self._keys, scorer=fuzz.ratio, score_cutoff=88 if len(s) >= 7 else 92)
        if best is not None:
            return self.get(self.names[best[0]])
        return None

    # unknown speakers ----------------------------------------------------------------------------
    def auto(self, mention: str, type: str | None = None, country: str | None = None,
             role: str | None = None, sector: str | None = None, register: bool = True) -> Actor:
        """An actor for a speaker not in the dictionary: ``person:<slug>``, ``org:<slug>``,
        ``group:<slug>``. ``register``: also add it to this index (in memory only)."""
        name = re.sub(r"^(?:the|a|an)\s+", "", mention.strip(), flags=re.I).strip()
        if type is None:
            type = "person" if name[:1].isupper() and len(name.split()) <= 4 else "group"
        prefix = {"person": "person", "organization": "org", "country": "", "group": "group"}.get(type, type)
        aid = f"{prefix}:{slug(name)}"
        if aid in self.actors:
            return self.actors[aid]
        a = Actor(id=aid, name=name, type=type, country=country, sector=sector, origin="auto")
        if role:
            a.roles.append(Role(role))
        if register:
            self.actors[aid] = a
            self.names.setdefault(_strip(name), aid)
        return a

    # editing (persisted to the user folder) -------------------------------------------------------
    def add_alias(self, actor_id: str, alias: str, persist: bool = True) -> Actor:
        a = self.get(actor_id)
        if a is None:
            raise KeyError(actor_id)
        if alias not in a.aliases:
            a.aliases.append(alias)
        self.names[_strip(alias)] = a.id
        if persist:
            append_row(self.folder or write_dir(), "aliases.tsv", [a.id, alias])
        return a

    def merge(self, keep_id: str, other_id: str, persist: bool = True) -> Actor:
        """Merge ``other_id`` into ``keep_id``: its names become aliases, its roles are kept."""
        keep, other = self.get(keep_id), self.get(other_id)
        if keep is None:
            raise KeyError(keep_id)
        if other is None:
            raise KeyError(other_id)
        if keep.id == other.id:
            return keep
        for n in [other.name, *other.aliases]:
            if n not in keep.aliases and n != keep.name:
                keep.aliases.append(n)
        keep.roles.extend(r for r in other.roles if r not in keep.roles)
        keep.country = keep.country or other.country
        keep.sector = keep.sector or other.sector
        del self.actors[other.id]
        self.merges[other.id] = keep.id
        if persist:
            append_row(self.folder or write_dir(), "merges.tsv", [other.id, keep.id])
        self._build()
        return keep

    def search(self, text: str) -> list[Actor]:
        t = text.lower()
        return [a for a in self.actors.values()
                if t in a.id.lower() or t in a.name.lower() or any(t in x.lower() for x in a.aliases)]
