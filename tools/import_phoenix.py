#!/usr/bin/env python3
"""Derive saidwhat's Phoenix actor files from the PETRARCH2 / Phoenix dictionaries (MIT, Open Event Data).

    python tools/import_phoenix.py [--phoenix ../shared/petrarch2] [--out src/saidwhat/data/actors]

Writes two files, each with the MIT notice of its source in its header (run once; the output is shipped,
saidwhat never reads the Phoenix files at run time):

- ``phoenix_persons.tsv``: the officials of ``Phoenix.Countries.actors.txt`` and
  ``Phoenix.International.actors.txt``, in the columns of ``persons.tsv`` (id, name, country, sector,
  aliases, roles). Each dated CAMEO code (``[RUSGOV 991231-080507]``) becomes a role with its dates and its
  sector (``title|start|end|SECTOR``): the title is the person's office where an alias names it and only one
  dated office is held ("FOREIGN_MINISTER_ANDREI_GROMYKO" -> "Foreign Minister"), else the sector's label
  ("government", "out of office (elite)"). Titles are stripped from names ("PRESIDENT_VLADIMIR_PUTIN" is not
  an alias); one-word forms ("PUTIN") are dropped, so a surname alone never names a Phoenix person;
  persons the curated ``persons.tsv`` already holds (same name or alias) are left out.
- ``phoenix_agents.tsv``: the agent nouns of ``Phoenix.agents.txt`` (noun, sector, kind): "diplomat" GOV
  person, "newspaper" MEDIA organization; the ``!PERSON!`` substitution expanded (man, woman, person).

Phoenix dates are YYMMDD (a two-digit year above 30 is 19YY) or YYYYMMDD; ``>D`` is "from D", ``<D`` "until D";
the dictionaries were compiled in January 2014, so an open end means "still held then".
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from saidwhat.actors.model import slug  # noqa: E402
from saidwhat.lexicon import read_tsv, split_list  # noqa: E402

PHOENIX = REPO.parent / "shared" / "petrarch2"
OUT = REPO / "src" / "saidwhat" / "data" / "actors"
AS_OF = "2014-01-30"

# CAMEO role codes (three letters after the country) -> saidwhat sectors
SECTORS = {"GOV": "GOV", "MIL": "MIL", "LEG": "LEGISLATURE", "JUD": "JUDICIARY", "COP": "POLICE",
           "SPY": "SECURITY", "MED": "MEDIA", "ELI": "ELITE", "OPP": "OPPOSITION", "PTY": "PARTY",
           "REB": "REBEL", "INS": "REBEL", "BUS": "BUSINESS", "EDU": "EDUCATION", "HLH": "HEALTH",
           "CVL": "CIVILIAN", "LAB": "LABOR", "REL": "RELIGION", "NGO": "NGO", "NGM": "NGO", "IGO": "IGO",
           "CRM": "CRIMINAL", "HRI": "NGO", "AGR": "AGRICULTURE", "ENV": "ENVIRONMENT", "DEV": "GOV",
           "REF": "REFUGEES", "UAF": "MIL", "SEP": "REBEL", "MNC": "BUSINESS", "MOD": "GOV", "RAD": "RADICAL"}
# a government code's second part that names the ministry ("GOVMIL" is a defence official)
GOV_SUB = {"MIL": "MIL", "LEG": "LEGISLATURE", "JUD": "JUDICIARY", "SPY": "SECURITY", "COP": "POLICE"}
LABELS = {"GOV": "government", "MIL": "military", "LEGISLATURE": "legislature", "JUDICIARY": "judiciary",
          "POLICE": "police", "SECURITY": "security services", "MEDIA": "media", "ELITE": "out of office (elite)",
          "OPPOSITION": "opposition", "PARTY": "party", "REBEL": "rebel group", "BUSINESS": "business",
          "EDUCATION": "education", "HEALTH": "health", "CIVILIAN": "civilian", "LABOR": "labour",
          "RELIGION": "religion", "NGO": "non-governmental organisation", "IGO": "international organisation",
          "CRIMINAL": "criminal", "AGRICULTURE": "agriculture", "ENVIRONMENT": "environment",
          "REFUGEES": "refugees", "RADICAL": "radical group"}
# words that make a name form a title ("PRESIDENT_PUTIN"), besides the agent nouns
HONORIFICS = {"MR.", "MRS.", "MS.", "DR.", "MR", "MRS", "MS", "DR", "SIR", "DAME", "MADAME", "MONSIEUR"}
TITLE_WORDS = HONORIFICS | { "SIR", "DAME", "GEN.", "COL.", "GOV.", "SEN.", "REP.", "PRES.",
               "FORMER", "EX", "ACTING", "INTERIM", "NEW", "THEN", "SECY", "SEC.", "GEN", "DEPUTY", "VICE",
               "FIRST", "FOREIGN", "DEFENSE", "DEFENCE", "INTERIOR", "FINANCE", "PRIME", "CHIEF", "HEAD", "LEADER",
               "KING", "QUEEN", "PRINCE", "PRINCESS", "EMIR", "SHEIKH", "SULTAN", "AYATOLLAH", "POPE", "THE", "OF",
               "AND", "FOR", "STATE", "AFFAIRS", "SECRETARY-GENERAL", "SECRETARY", "GENERAL", "UN", "U.N.",
               "UNITED", "NATIONS", "MINISTER", "PRESIDENT", "CHAIRMAN", "AMBASSADOR", "SPEAKER", "SENATOR"}
PERSON_END = ("man", "woman", "person", "men", "women", "people", "er", "or", "ist", "ian", "ant", "ent",
              "eer", "ier", "crat", "at", "ee", "arch", "ess", "ief", "ive", "ary", "ard", "ic", "ite", "yst")
NOT_PERSON = {"paper", "newspaper", "center", "centre", "quarter", "headquarter", "order", "border", "water",
              "tower", "power", "sector", "corridor", "chamber", "council", "parliament", "cabinet", "ministry",
              "agency", "department", "government", "court", "tribunal", "ship", "vessel", "carrier"}
GROUPS = {"police", "army", "military", "forces", "troops", "government", "militia", "navy", "opposition",
          "clergy", "media", "press", "junta", "regime", "cabinet", "parliament", "judiciary", "court"}

CODE = re.compile(r"\[([A-Z~]{3,})((?:\s+[<>]?\d{4,8}(?:\s*-\s*\d{4,8})?)?)\s*\]")
PLAIN_NAME = re.compile(r"^[A-Z][A-Z'.\-]*(?:_[A-Z][A-Z'.\-]*)+$")


def _date(s: str) -> str | None:
    s = s.strip()
    if not s:
        return None
    if len(s) == 6:
        yy = int(s[:2])
        y = (1900 + yy) if yy > 30 else (2000 + yy)
        mm, dd = s[2:4], s[4:6]
    elif len(s) == 8:
        y, mm, dd = int(s[:4]), s[4:6], s[6:8]
    else:
        return None
    mm = mm if "01" <= mm <= "12" else "01"
    dd = dd if "01" <= dd <= "31" else "01"
    return f"{y:04d}-{mm}-{dd}"


def _span(dates: str) -> tuple[str | None, str | None]:
    d = dates.strip().replace(" ", "")
    if not d:
        return None, None
    if d.startswith(">"):
        return _date(d[1:]), None
    if d.startswith("<"):
        return None, _date(d[1:])
    a, _, b = d.partition("-")
    return _date(a), _date(b)


def _sector(code: str) -> tuple[str | None, str | None]:
    """(country ISO3 or None, sector) of a CAMEO actor code: RUSGOV -> (RUS, GOV), IGOUNO -> (None, IGO)."""
    if code.startswith("IGO"):
        return None, "IGO"
    country, rest = code[:3], code[3:]
    if not rest:
        return country, None
    head, sub = rest[:3], rest[3:6]
    sector = SECTORS.get(head)
    if head == "GOV" and sub in GOV_SUB:
        sector = GOV_SUB[sub]
    return country, sector


def _words(form: str) -> list[str]:
    return [w for w in form.strip().strip("_").split("_") if w]


def _title_case(words: list[str]) -> str:
    def one(w: str) -> str:
        return "-".join(p[:1] + p[1:].lower() if not re.fullmatch(r"[A-Z]\.", p) else p for p in w.split("-"))
    small = {"OF", "THE", "AND", "FOR", "DE", "DA", "DEL", "VON", "VAN", "AL", "EL", "BIN", "BEN"}
    return " ".join(w.lower() if (i and w in small) else one(w) for i, w in enumerate(words))


def entries(text: str) -> list[dict]:
    """Blocks of a TABARI actor file: primary form, aliases, codes (with their dates)."""
    out: list[dict] = []
    cur: dict | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        codes = CODE.findall(line)
        body = CODE.sub("", line).strip()
        if raw[:1] in (" ", "\t") or (not body and codes):
            if cur is not None:
                cur["codes"] += codes
            continue
        if body.startswith("+"):
            if cur is not None:
                cur["forms"].append(body[1:].strip())
                cur["codes"] += codes
            continue
        if cur is not None and not cur["codes"] and not codes:
            cur["forms"].append(body)      # an alias written without its "+"
            continue
        cur = {"forms": [body], "codes": list(codes)}
        out.append(cur)
    return out


def _titled(w: str, title_words: set[str]) -> bool:
    return w in title_words or any(p in title_words for p in w.split("-"))


def _is_name(words: list[str], title_words: set[str]) -> bool:
    return (len(words) >= 2 and all(PLAIN_NAME.match(w + "_X") for w in words)
            and not any(_titled(w, title_words) for w in words) and not any(ch.isdigit() for ch in "".join(words)))


def person_rows(blocks: list[dict], title_words: set[str], known: set[str]) -> list[list[str]]:
    seen: dict[str, list[str]] = {}
    for b in blocks:
        spans = []
        for code, dates in b["codes"]:
            code = code.lstrip("~")
            if len(code) <= 3:
                continue
            country, sector = _sector(code)
            if sector is None:
                continue
            start, end = _span(dates)
            spans.append((country, sector, start, end))
        if not spans or not any(s[2] or s[3] for s in spans):
            continue      # no dated office: a country, a group or a generic role, not an official
        forms = [_words(f) for f in b["forms"]]
        names = [w for w in forms if _is_name(w, title_words)]
        if not names:
            continue
        canon = names[0]
        last = canon[-1]
        aliases, titles = [], []
        for w in forms:
            if w is canon:
                continue
            if _is_name(w, title_words):
                aliases.append(_title_case(w))
                continue
            # "PRIME_MINISTER_VLADIMIR_PUTIN", "RUSSIAN_PRESIDENT_PUTIN": a title before a name form
            if last in w:
                cut = w.index(last)
                while cut > 0 and not _titled(w[cut - 1], title_words):
                    cut -= 1
                title = [x for x in w[:cut] if x not in ("FORMER", "EX", "THEN", "ACTING")]
                if title and len(w[cut:]) >= 2 and _is_name(w[cut:], title_words):
                    aliases.append(_title_case(w[cut:]))
                if title and not all(x in HONORIFICS for x in title):
                    titles.append(_title_case([x for x in title if x not in HONORIFICS]))
        titles.sort(key=len, reverse=True)
        name = _title_case(canon)
        pid = "person:" + slug(name)
        keys = {name.lower(), *(a.lower() for a in aliases)}
        if keys & known:
            continue
        countries = [s[0] for s in spans if s[0]]
        country = max(set(countries), key=countries.count) if countries else ""
        dated = [s for s in spans if s[2] or s[3]]
        office = [s for s in dated if s[1] != "ELITE"]
        roles = []
        for c, sector, start, end in dated:
            title = LABELS.get(sector, sector.lower())
            if titles and len(office) == 1 and (c, sector, start, end) == office[0]:
                title = titles[0]
            if c and c != country:
                title += f" ({c})"
            roles.append(f"{title}|{start or ''}|{end or ''}|{sector}")
        current = sorted(dated, key=lambda s: s[2] or "")[-1]
        aliases = list(dict.fromkeys(a for a in aliases if a.lower() != name.lower()))
        if pid in seen:       # the same person in both files (Ban Ki-moon: KORGOV, then IGOUNO)
            row = seen[pid]
            more = [a for a in [name, *aliases] if a.lower() != row[1].lower()]
            row[4] = ";".join(dict.fromkeys(split_list(row[4]) + more))
            row[5] = ";".join(dict.fromkeys(split_list(row[5]) + roles))
            continue
        seen[pid] = [pid, name, country, current[1], ";".join(aliases), ";".join(dict.fromkeys(roles))]
    return list(seen.values())


def agent_rows(text: str) -> list[list[str]]:
    subst: dict[str, list[str]] = {}
    rows: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line)
        if m:
            subst[m.group(1)] = [x.strip() for x in m.group(2).split(",")]
            continue
        m = re.match(r"^([A-Z_!'\-]+)\s*(?:\{[^}]*\})?\s*\[~([A-Z]+)\]", line)
        if not m:
            continue
        noun, code = m.group(1), m.group(2)
        head, sub = code[:3], code[3:6]
        sector = SECTORS.get(head, head)
        if head == "GOV" and sub in GOV_SUB:
            sector = GOV_SUB[sub]
        forms = [noun]
        for key, repl in subst.items():
            if key in noun:
                forms = [f.replace(key, r) for f in forms for r in repl]
        for f in forms:
            if "!" in f:
                continue
            phrase = f.replace("_", " ").lower().strip()
            if not phrase or len(phrase) < 3:
                continue
            last = phrase.split()[-1]
            is_person = any(k in f for k in ("MAN", "WOMAN", "PERSON")) or (
                last.endswith(PERSON_END) and last not in GROUPS and last not in NOT_PERSON)
            kind = "person" if is_person else ("group" if last in GROUPS or last.endswith("s") else "organization")
            rows.setdefault(phrase, [phrase, sector, kind])
    return list(rows.values())


NOTICE = """# Derived by tools/import_phoenix.py from the Phoenix dictionaries of PETRARCH2 ({src}),
# Copyright (c) 2014 Open Event Data (Alliance), under the MIT License:
#   Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
#   associated documentation files (the "Software"), to deal in the Software without restriction, including
#   without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
#   copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
#   following conditions: The above copyright notice and this permission notice shall be included in all
#   copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF
#   ANY KIND, EXPRESS OR IMPLIED. (Full text: docs/actors-and-events.md, where the licences are listed.)
# Regenerate with the tool; edit persons.tsv (curated, it wins) rather than this file.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--phoenix", type=Path, default=PHOENIX)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    agents_text = (args.phoenix / "Phoenix.agents.txt").read_text(encoding="utf-8", errors="replace")
    agents = agent_rows(agents_text)
    title_words = set(TITLE_WORDS)
    for phrase, _sector, kind in agents:
        if kind == "person":
            title_words.update(w.upper() for w in phrase.split())
    known: set[str] = set()
    for row in read_tsv((args.out / "persons.tsv").read_text(encoding="utf-8")):
        known.update(x.lower() for x in [row[1], *split_list(row[4] if len(row) > 4 else "")])
    blocks = []
    for name in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt"):
        blocks += entries((args.phoenix / name).read_text(encoding="utf-8", errors="replace"))
    persons = person_rows(blocks, title_words, known)
    head = NOTICE.format(src="Phoenix.Countries.actors.txt, Phoenix.International.actors.txt")
    head += (f"# Officials with dated CAMEO roles as compiled in {AS_OF}; an empty end date means still held then.\n"
             "# id\tcanonical name\tcountry\tsector (latest)\taliases (;)\troles (title|start|end|SECTOR;...)\n")
    (args.out / "phoenix_persons.tsv").write_text(
        head + "".join("\t".join(r) + "\n" for r in sorted(persons)), encoding="utf-8")
    head = NOTICE.format(src="Phoenix.agents.txt") + "# agent noun\tsector\tkind (person|organization|group)\n"
    (args.out / "phoenix_agents.tsv").write_text(
        head + "".join("\t".join(r) + "\n" for r in sorted(agents)), encoding="utf-8")
    print(f"{len(persons)} persons, {len(agents)} agent nouns -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
