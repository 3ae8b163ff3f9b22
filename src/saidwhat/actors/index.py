"""ActorIndex: mention text -> Actor, through names, aliases, transliterations, misspellings, metonyms
(capital -> government) and generic patterns that work for any country ("the foreign ministry of X",
"X's president", "the X government", "the Armenian defense ministry")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from .dictionary import _pad, _read, _split, append_row, canonical_id, load_actors, shipped_text, write_dir
from .model import Actor, slug

_DET = re.compile(r"^(?:the|a|an|official|officials?\s+of)\s+", re.I)
_POSS = re.compile(r"[\u2019']s?$")


def norm(s: str) -> str:
    s = s.replace("\u2019", "'").replace("\u2018", "'").strip(" \t\n,.;:\"")
    s = re.sub(r"\s+", " ", s).lower()
    return s


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
                 folder: Path | None = None):
        self.actors = actors
        self.merges = dict(merges or {})
        self.folder = folder
        self.offices = _offices()
        self._build()

    @classmethod
    def load(cls, extra_dirs: list[Path] | None = None, *, user: bool = True) -> "ActorIndex":
        actors, merges = load_actors(extra_dirs, user=user)
        return cls(actors, merges)

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
        self._keys = [k for k in self.names if len(k) >= 4]
        self._office_re = []
        for o in self.offices:
            for p in sorted(o.phrases, key=len, reverse=True):
                self._office_re.append((p, o))
        self._office_re.sort(key=lambda po: len(po[0]), reverse=True)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(canonical_id(actor_id, self.merges))

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
        return None

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
        hit = self._generic(s, context_country, date)
        if hit is not None:
            return hit
        if fuzzy:
            return self._fuzzy(s)
        return None

    def _generic(self, s: str, ctx: str | None, date: str | None) -> Actor | None:
        for phrase, office in self._office_re:
            m = re.search(rf"(?<![\w])({re.escape(phrase)})(?![\w])", s)
            if not m:
                continue
            before, after = s[:m.start()].strip(), s[m.end():].strip()
            iso = None
            if after.startswith(("of ", "in ", "for ")):
                iso = self.country_of(after.split(" ", 1)[1])
            if iso is None and before:
                iso = self.country_of(before) or self.country_of(before.split()[-1])
            if iso is None and before in ("", "its", "their", "country", "country's", "the country"):
                if after and not after.startswith(("of ", "in ", "for ")):
                    continue
                iso = ctx
            if iso is None:
                continue
            return self.office_actor(office, iso, date)
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
                if any(w in t for w in words) and (cname in t or "of" not in t) and r.holds_on(date):
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
        # a surname alone, possibly misspelt ("Zakharove")
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
             role: str | None = None, sector: str | None = None) -> Actor:
        """An actor for a speaker not in the dictionary (kept in memory; the store persists it)."""
        name = re.sub(r"^(?:the|a|an)\s+", "", mention.strip(), flags=re.I).strip()
        if type is None:
            type = "person" if name[:1].isupper() and len(name.split()) <= 4 else "group"
        prefix = {"person": "person", "organization": "org", "country": "", "group": "group"}.get(type, type)
        aid = f"{prefix}:{slug(name)}"
        if aid in self.actors:
            return self.actors[aid]
        a = Actor(id=aid, name=name, type=type, country=country, sector=sector, origin="auto")
        if role:
            from .model import Role
            a.roles.append(Role(role))
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
