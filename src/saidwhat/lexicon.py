"""The data files (cue verbs, countries, organizations, role nouns), loaded once per process.

Everything here is plain data: usable by the NLP stages and by the resolve stage alike.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


def read_tsv(text: str) -> list[list[str]]:
    """Rows of a data file: tab-separated cells; blank lines and '#' comments skipped."""
    return [[c.strip() for c in line.split("\t")] for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def split_list(cell: str) -> list[str]:
    """A ';'-separated cell as a list."""
    return [x.strip() for x in cell.split(";") if x.strip()]


def _rows(name: str) -> list[list[str]]:
    return read_tsv(resources.files("saidwhat").joinpath("data", name).read_text(encoding="utf-8"))


_split = split_list


@dataclass
class Country:
    iso3: str
    name: str
    adjectives: list[str]
    metonyms: list[str]
    aliases: list[str]


@dataclass
class Org:
    id: str
    name: str
    kind: str
    country: str | None
    sector: str | None
    aliases: list[str]


@dataclass
class Lexicon:
    cues: dict[str, list[str]]
    negators: set[str]
    decline_verbs: set[str]
    particles: dict[str, str]
    phrases: dict[str, str]
    countries: dict[str, Country]
    orgs: dict[str, Org]
    roles: dict[str, tuple[str, str]]          # role noun -> (sector, kind)
    role_keys: list[str] = field(default_factory=list)  # role nouns, longest first
    non_speakers: set[str] = field(default_factory=set)  # nouns that "call for" but never speak
    silent_verbs: set[str] = field(default_factory=set)  # "declined to <comment>"
    first_names: dict[str, str] = field(default_factory=dict)  # first name -> f | m
    # lower-cased surface form -> ("country", iso3, how) | ("org", id, how)
    places: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def lookup(self, surface: str) -> tuple[str, str, str] | None:
        """Resolve a name/metonym/adjective ('Baku', 'the Kremlin', 'Russian') to a country or org."""
        s = _norm(surface)
        hit = self.places.get(s)
        if hit is None and s.startswith("the "):
            hit = self.places.get(s[4:])
        if hit is None and s.startswith("official "):
            hit = self.places.get(s[9:])
        return hit


def _norm(s: str) -> str:
    s = s.replace("\u2019", "'").strip().lower()
    s = re.sub(r"'s$", "", s)
    return re.sub(r"\s+", " ", s)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = json.loads(resources.files("saidwhat").joinpath("data", "cues.json").read_text("utf-8"))
    countries = {}
    for row in _rows("countries.tsv"):
        row += [""] * (5 - len(row))
        iso3, name, adj, met, other = row[:5]
        countries[iso3] = Country(iso3, name, _split(adj), _split(met), _split(other))
    orgs = {}
    for row in _rows("organizations.tsv"):
        row += [""] * (6 - len(row))
        oid, name, kind, country, sector, aliases = row[:6]
        orgs[oid] = Org(oid, name, kind, country or None, sector or None, _split(aliases))
    roles = {r[0].lower(): (r[1], r[2]) for r in _rows("roles.tsv")}
    lex = Lexicon(cues={k: v for k, v in raw["verbs"].items() if v}, negators=set(raw["negators"]),
                  decline_verbs=set(raw["decline_verbs"]), particles=raw.get("particles", {}),
                  phrases=raw["phrases"], countries=countries, orgs=orgs, roles=roles,
                  role_keys=sorted(roles, key=len, reverse=True),
                  non_speakers=set(raw.get("non_speakers", [])),
                  silent_verbs=set(raw.get("silent_verbs", [])))
    for row in _rows("first_names.tsv"):
        for name in row[1].split():
            lex.first_names.setdefault(name.lower(), row[0])
    for c in countries.values():
        lex.places[_norm(c.name)] = ("country", c.iso3, "name")
        for a in c.aliases:
            lex.places[_norm(a)] = ("country", c.iso3, "name")
        for m in c.metonyms:
            lex.places[_norm(m)] = ("country", c.iso3, "metonym")
        for a in c.adjectives:
            lex.places.setdefault(_norm(a), ("country", c.iso3, "adjective"))
    for o in orgs.values():
        lex.places[_norm(o.name)] = ("org", o.id, "name")
        for a in o.aliases:
            lex.places.setdefault(_norm(a), ("org", o.id, "name"))
    return lex
