"""The actor dictionary as editable TSV files: the shipped ones (``saidwhat/data/actors``) and user
folders that extend or override them (``$SAIDWHAT_ACTORS``, ``~/.config/saidwhat/actors``).

Files (all optional in a user folder, same columns as the shipped ones):

- ``countries.tsv``: iso3, name, demonyms, capitals/metonyms, other names
- ``organizations.tsv``: id, name, kind, country, sector, aliases
- ``persons.tsv``: id, name, country, sector, aliases, roles (``title|start|end[|sector];...``)
- ``phoenix_persons.tsv`` (shipped only, same columns): officials derived from the Phoenix dictionaries
  (``tools/import_phoenix.py``), read lazily by ``saidwhat.actors.phoenix``; curated rows win
- ``aliases.tsv``: actor id, alias (written by ``saidwhat actors add-alias``)
- ``merges.tsv``: merged id, kept id (written by ``saidwhat actors merge``)

A user row with an existing id replaces the non-empty fields and adds its aliases and roles.
"""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from saidwhat.actors.model import Actor, Role
from saidwhat.lexicon import lexicon
from saidwhat.lexicon import read_tsv as _read
from saidwhat.lexicon import split_list as _split


def _pad(row: list[str], n: int) -> list[str]:
    return row + [""] * (n - len(row))


def shipped_text(name: str) -> str:
    return resources.files("saidwhat").joinpath("data", "actors", name).read_text(encoding="utf-8")


def user_dirs() -> list[Path]:
    """User folders, lowest priority first: ~/.config/saidwhat/actors, then $SAIDWHAT_ACTORS."""
    out = []
    home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "saidwhat" / "actors"
    if home.is_dir():
        out.append(home)
    env = os.environ.get("SAIDWHAT_ACTORS")
    if env:
        for part in env.split(os.pathsep):
            if part and Path(part).is_dir() and Path(part) not in out:
                out.append(Path(part))
    return out


def write_dir() -> Path:
    """Where add-alias and merge persist: $SAIDWHAT_ACTORS (first folder), else ~/.config/saidwhat/actors."""
    env = os.environ.get("SAIDWHAT_ACTORS")
    if env:
        return Path(env.split(os.pathsep)[0])
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "saidwhat" / "actors"


def parse_roles(cell: str) -> list[Role]:
    roles = []
    for part in _split(cell):
        title, start, end, sector = _pad(part.split("|"), 4)[:4]
        roles.append(Role(title.strip(), start.strip() or None, end.strip() or None, sector.strip() or None))
    return roles


def _upsert(actors: dict[str, Actor], new: Actor) -> None:
    old = actors.get(new.id)
    if old is None:
        actors[new.id] = new
        return
    for f in ("name", "type", "country", "sector", "affiliation"):
        v = getattr(new, f)
        if v:
            setattr(old, f, v)
    for f in ("aliases", "metonyms", "adjectives"):
        cur = getattr(old, f)
        cur.extend(x for x in getattr(new, f) if x not in cur)
    for r in new.roles:
        if r not in old.roles:
            old.roles.append(r)
    old.origin = new.origin if new.origin != "shipped" else old.origin


def load_rows(actors: dict[str, Actor], name: str, text: str, origin: str) -> None:
    for row in _read(text):
        if name == "countries.tsv":
            iso, cname, adj, met, other = _pad(row, 5)[:5]
            _upsert(actors, Actor(id=iso, name=cname, type="country", country=iso, sector="GOV",
                                  aliases=_split(other), metonyms=_split(met), adjectives=_split(adj),
                                  origin=origin))
        elif name == "organizations.tsv":
            oid, oname, kind, country, sector, aliases = _pad(row, 6)[:6]
            _upsert(actors, Actor(id="org:" + oid, name=oname, type=kind or "organization",
                                  country=country or None, sector=sector or None, aliases=_split(aliases),
                                  origin=origin))
        elif name == "persons.tsv":
            pid, pname, country, sector, aliases, roles = _pad(row, 6)[:6]
            if not pid.startswith("person:"):
                pid = "person:" + pid
            aff = None
            if country and len(country) != 3 or country in ("EU", "UN"):
                aff, country = "org:" + country, ""
            _upsert(actors, Actor(id=pid, name=pname, type="person", country=country or None,
                                  sector=sector or None, aliases=_split(aliases), roles=parse_roles(roles),
                                  affiliation=aff, origin=origin))


FILES = ("countries.tsv", "organizations.tsv", "persons.tsv")


def _lexicon_rows(actors: dict[str, Actor]) -> None:
    """The extractor's own lexicon (saidwhat/data/countries.tsv, organizations.tsv) also counts."""
    try:
        lex = lexicon()
    except Exception:  # pragma: no cover - the lexicon is part of the package
        return
    for c in lex.countries.values():
        _upsert(actors, Actor(id=c.iso3, name=c.name, type="country", country=c.iso3, sector="GOV",
                              aliases=list(c.aliases), metonyms=list(c.metonyms), adjectives=list(c.adjectives)))
    for o in lex.orgs.values():
        oid = "org:" + o.id
        if oid in actors:
            _upsert(actors, Actor(id=oid, name="", type="", aliases=[a for a in o.aliases if a != o.name]))
        else:
            _upsert(actors, Actor(id=oid, name=o.name, type="organization", country=o.country,
                                  sector=o.sector, aliases=list(o.aliases)))


def load_actors(extra_dirs: list[Path] | None = None, *, user: bool = True) -> tuple[dict[str, Actor], dict[str, str]]:
    """All actors by id, and the merges (merged id -> kept id)."""
    actors: dict[str, Actor] = {}
    for name in FILES:
        load_rows(actors, name, shipped_text(name), "shipped")
    _lexicon_rows(actors)
    merges: dict[str, str] = {}
    dirs = (user_dirs() if user else []) + list(extra_dirs or [])
    for d in dirs:
        for name in FILES:
            p = d / name
            if p.is_file():
                load_rows(actors, name, p.read_text(encoding="utf-8"), "user")
        p = d / "aliases.tsv"
        if p.is_file():
            for row in _read(p.read_text(encoding="utf-8")):
                aid, alias = _pad(row, 2)[:2]
                if aid in actors and alias and alias not in actors[aid].aliases:
                    actors[aid].aliases.append(alias)
        p = d / "merges.tsv"
        if p.is_file():
            for row in _read(p.read_text(encoding="utf-8")):
                gone, kept = _pad(row, 2)[:2]
                if gone and kept:
                    merges[gone] = kept
    for gone, kept in merges.items():
        kept = canonical_id(kept, merges)
        if gone in actors and kept in actors and gone != kept:
            g = actors.pop(gone)
            k = actors[kept]
            for a in [g.name, *g.aliases]:
                if a not in k.aliases and a != k.name:
                    k.aliases.append(a)
            k.roles.extend(r for r in g.roles if r not in k.roles)
    return actors, merges


def canonical_id(aid: str, merges: dict[str, str]) -> str:
    seen = set()
    while aid in merges and aid not in seen:
        seen.add(aid)
        aid = merges[aid]
    return aid


def append_row(folder: Path, name: str, cells: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    new = not p.exists()
    with p.open("a", encoding="utf-8") as f:
        if new:
            header = {"aliases.tsv": "# actor id\talias", "merges.tsv": "# merged id\tkept id"}.get(name)
            if header:
                f.write(header + "\n")
        f.write("\t".join(c.replace("\t", " ") for c in cells) + "\n")
    return p
