"""PLOVER types, the cue patterns (data/plover/cues.tsv) and the type/mode -> CAMEO table
(data/plover/cameo.tsv). Plain data, loaded once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
QUAD = {"AGREE": "verbal cooperation", "CONSULT": "verbal cooperation", "SUPPORT": "verbal cooperation",
        "CONCEDE": "verbal cooperation", "COOPERATE": "material cooperation", "AID": "material cooperation",
        "RETREAT": "material cooperation", "REQUEST": "verbal conflict", "ACCUSE": "verbal conflict",
        "REJECT": "verbal conflict", "THREATEN": "verbal conflict", "PROTEST": "material conflict",
        "SANCTION": "material conflict", "MOBILIZE": "material conflict", "COERCE": "material conflict",
        "ASSAULT": "material conflict"}
# the mode a type gets when no cue names one (None: leave it empty)
DEFAULT_MODE = {"ACCUSE": "disapprove"}


@dataclass(frozen=True)
class Cue:
    type: str
    mode: str | None
    weight: float
    pattern: re.Pattern


def _rows(name: str) -> list[list[str]]:
    text = resources.files("saidwhat").joinpath("data", "plover", name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@lru_cache(maxsize=1)
def cues() -> tuple[Cue, ...]:
    out = []
    for row in _rows("cues.tsv"):
        row += [""] * (4 - len(row))
        t, m, w, p = row[:4]
        out.append(Cue(t.strip(), m.strip() or None, float(w or 1), re.compile(p.strip())))
    return tuple(out)


@lru_cache(maxsize=1)
def verb_types() -> dict[str, str]:
    """Verb lemma -> the PLOVER type it names by itself (data/plover/verbs.tsv)."""
    return {r[0].strip(): r[1].strip() for r in _rows("verbs.tsv") if len(r) >= 2}


@lru_cache(maxsize=1)
def cameo_table() -> dict[tuple[str, str | None], str]:
    out = {}
    for row in _rows("cameo.tsv"):
        row += [""] * (3 - len(row))
        t, m, c = (x.strip() for x in row[:3])
        out[(t, m or None)] = c
    return out


def cameo_for(event_type: str | None, mode: str | None = None) -> str | None:
    if not event_type:
        return None
    table = cameo_table()
    return table.get((event_type, mode)) or table.get((event_type, None))


def cue_event(cue: str | None) -> tuple[str, str | None, str | None] | None:
    """(type, mode, CAMEO) when the reporting cue names the act by itself ("call", "urge" -> REQUEST;
    "accuse" -> ACCUSE; data/plover/verbs.tsv), else None. Used where the content cannot be read (articles
    in other languages: their cues are stored as English lemmas)."""
    etype = verb_types().get((cue or "").strip().lower())
    if etype is None:
        return None
    mode = DEFAULT_MODE.get(etype)
    return etype, mode, cameo_for(etype, mode)


@lru_cache(maxsize=1)
def word_classes() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(verb lemma -> classes, noun lemma -> classes) from data/plover/classes.tsv."""
    verbs: dict[str, tuple[str, ...]] = {}
    nouns: dict[str, tuple[str, ...]] = {}
    for row in _rows("classes.tsv"):
        if len(row) < 3:
            continue
        kind, lemma, cls = (x.strip() for x in row[:3])
        tgt = verbs if kind == "verb" else nouns
        tgt[lemma] = tuple(c.strip() for c in cls.split(",") if c.strip())
    return verbs, nouns
