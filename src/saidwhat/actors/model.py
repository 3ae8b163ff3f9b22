"""The actor record: persons, organizations, countries (their governments) and groups."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Role:
    title: str
    start: str | None = None      # YYYY[-MM[-DD]]; None = open / not known
    end: str | None = None
    sector: str | None = None     # the sector this role puts its holder in (Phoenix roles: GOV, ELITE ...)

    def holds_on(self, date: str | None) -> bool:
        """True when the role is held on ``date`` (no date: the role is current, i.e. has no end)."""
        if date is None:
            return self.end is None
        if self.start and date < self.start:
            return False
        if self.end and date >= self.end:
            return False
        return True

    def __str__(self) -> str:
        if not self.start and not self.end:
            return self.title
        return f"{self.title} ({self.start or '?'} - {self.end or ''})".replace(" - )", " -)")


@dataclass
class Actor:
    id: str                      # RUS | org:RUS-MFA | person:jane-smith | group:...
    name: str
    type: str                    # person | organization | country | group
    country: str | None = None   # ISO3
    sector: str | None = None    # GOV, MFA, MIL, HEAD_OF_STATE, LEGISLATURE, MEDIA, NGO, IGO, ...
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    affiliation: str | None = None   # org id for staff of an IGO ("org:EU")
    metonyms: list[str] = field(default_factory=list)   # capitals and seats ("Baku", "the Kremlin")
    adjectives: list[str] = field(default_factory=list)  # demonyms ("Azerbaijani")
    origin: str = "shipped"      # shipped | user | auto | phoenix

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["roles"] = [asdict(r) for r in self.roles]
        return d

    def role_on(self, date: str | None = None) -> Role | None:
        for r in self.roles:
            if r.holds_on(date):
                return r
        return None


_CYR_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                      ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                       "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def slug(s: str) -> str:
    """An id part: lower case ASCII, Cyrillic transliterated, accents dropped ("Иван Петров" ->
    "ivan-petrov", "Stéphane Séjourné" -> "stephane-sejourne"); other scripts kept as letters."""
    low = "".join(_CYR_LATIN.get(ch, ch) for ch in s.lower())
    ascii_ = unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")
    if not out:   # Armenian, Georgian, Arabic ... names: keep their letters
        out = re.sub(r"[\W_]+", "-", low).strip("-")
    return out
