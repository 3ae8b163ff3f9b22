"""The officials of the Phoenix dictionaries (PETRARCH2, MIT; derived by ``tools/import_phoenix.py`` into
``saidwhat/data/actors/phoenix_persons.tsv``) and Phoenix's agent nouns (``phoenix_agents.tsv``).

About 18,000 persons with their country and dated roles: too many to build into every process's actor
index. The table is read on first use only (a process that never resolves a name never reads it), kept
as its raw lines plus one dict from a normalised full name to a line number, and turns a line into an
``Actor`` when asked (cached). Only full names of two words or more are keys: a surname alone, or a
one-word form, never names a Phoenix person (too many false matches: "Brown", "Said", "Rice").
A key that two Phoenix persons share names neither.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from saidwhat.actors.dictionary import parse_roles, shipped_text
from saidwhat.actors.model import Actor
from saidwhat.lexicon import read_tsv, split_list

FILE = "phoenix_persons.tsv"
AGENTS = "phoenix_agents.tsv"
AS_OF = "2014-01-30"   # when the Phoenix dictionaries were compiled: an open role is "held then"


class PhoenixTable:
    """Lazy look-up of Phoenix persons by normalised full name or by id."""

    def __init__(self, norm: Callable[[str], str], text: Callable[[], str] | None = None):
        self._norm = norm
        self._text = text or (lambda: shipped_text(FILE))
        self._lines: list[str] | None = None
        self._keys: dict[str, int] = {}
        self._ids: dict[str, int] = {}
        self._made: dict[int, Actor] = {}

    def _load(self) -> None:
        lines = [ln for ln in self._text().splitlines() if ln.strip() and not ln.startswith("#")]
        keys: dict[str, int] = {}
        for i, line in enumerate(lines):
            cells = line.split("\t", 5)
            if len(cells) < 2:
                continue
            self._ids[cells[0]] = i
            for form in [cells[1], *(split_list(cells[4]) if len(cells) > 4 else [])]:
                k = self._norm(form)
                if len(k.split()) < 2:
                    continue
                if keys.get(k, i) != i:
                    keys[k] = -1          # two persons share this name: it names neither
                else:
                    keys[k] = i
        self._keys = keys
        self._lines = lines

    @property
    def loaded(self) -> bool:
        return self._lines is not None

    def __len__(self) -> int:
        if self._lines is None:
            self._load()
        return len(self._lines or [])

    def _actor(self, i: int) -> Actor:
        a = self._made.get(i)
        if a is None:
            assert self._lines is not None
            pid, name, country, sector, aliases, roles = (self._lines[i].split("\t") + [""] * 6)[:6]
            a = Actor(id=pid, name=name, type="person", country=country or None, sector=sector or None,
                      aliases=split_list(aliases), roles=parse_roles(roles), origin="phoenix")
            self._made[i] = a
        return a

    def find(self, key: str) -> Actor | None:
        """The person a normalised full name (``ActorIndex``'s key) names, or None."""
        if self._lines is None:
            self._load()
        i = self._keys.get(key)
        return self._actor(i) if i is not None and i >= 0 else None

    def get(self, actor_id: str) -> Actor | None:
        if self._lines is None:
            self._load()
        i = self._ids.get(actor_id)
        return self._actor(i) if i is not None else None


@lru_cache(maxsize=1)
def agent_nouns() -> dict[str, tuple[str, str]]:
    """Role and agent nouns: lower-case noun phrase -> (sector, kind person | organization | group), from
    saidwhat's ``role_nouns.tsv`` and then Phoenix's agent nouns (the first file wins)."""
    out: dict[str, tuple[str, str]] = {}
    for name in ("role_nouns.tsv", AGENTS):
        for row in read_tsv(shipped_text(name)):
            if len(row) >= 3:
                out.setdefault(row[0], (row[1], row[2]))
    return out
