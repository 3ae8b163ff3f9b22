"""Derive src/saidwhat/data/plover/cameo_verbs.tsv from the PETRARCH2 CAMEO verb-pattern dictionary.

    python tools/import_cameo_verbs.py [../shared/petrarch2/CAMEO.verbpatterns.150430.txt] [OUT]

The dictionary (MIT, Open Event Data Alliance) lists ~4,000 verbs in ~400 synonym blocks, each with a CAMEO
code, and ~11,000 patterns: words before and after the verb ("- * + TO ACT [124]" = the verb, its object,
then "to act"). This script writes them as plain rows the event coder reads as features (code/verbs.py):

    verb     <block>  <lemma, words joined by spaces>  <cameo>  <type>  <mode>
    pattern  <block>  <cameo>  <type>  <mode>  <words before the verb>  <words after the verb>

with each code's PLOVER type and mode (cameo2plover.tsv of the PLOVER project, modes renamed to the current
manual's or left empty). The pattern rows name the block (their verbs share the patterns, as in PETRARCH2); each verb row carries its
block in the same column. Pattern words: lower case; a word ending in "_" must match whole, others match as
the start of a word ("withd" matches "withdrawal"), as in PETRARCH2; a synonym set ("&MILITARY") is expanded
into its words joined by "|"; the markers of actors and skips (+ $ ^ %) are dropped. Codes "---" (no event)
and patterns whose words are only markers are left out. The output is deterministic: re-running rewrites
the same bytes.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "petrarch2" / "CAMEO.verbpatterns.150430.txt"
TABLE = ROOT.parent / "shared" / "plover" / "cameo2plover.tsv"
MODES = ROOT / "src" / "saidwhat" / "data" / "plover" / "cameo.tsv"
OUT = ROOT / "src" / "saidwhat" / "data" / "plover" / "cameo_verbs.tsv"

HEADER = """\
# CAMEO verbs and verb patterns, derived by tools/import_cameo_verbs.py from the PETRARCH2 CAMEO verb-pattern
# dictionary (CAMEO.verbpatterns.150430.txt, https://github.com/openeventdata/petrarch2).
# The MIT License (MIT). Copyright (c) 2015 Open Event Data Alliance.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
# documentation files (the "Software"), to deal in the Software without restriction, including without
# limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the
# Software, and to permit persons to whom the Software is furnished to do so, subject to the following
# conditions: The above copyright notice and this permission notice shall be included in all copies or
# substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
# Changes: verbs reduced to their base forms, synonym sets expanded, markers dropped, rows as below.
# The PLOVER type of each code comes from the CAMEO -> PLOVER correspondence of the PLOVER project
# (cameo2plover.tsv and manual, https://github.com/openeventdata/PLOVER, Copyright 2016-2021 Open Event Data
# Alliance, CC BY-SA 4.0); that column is shared under CC BY-SA 4.0.
# verb	<block>	<lemma>	<cameo>	<plover type>	<mode>
# pattern	<block>	<cameo>	<plover type>	<mode>	<words before>	<words after>
"""

_BLOCK = re.compile(r"^---\s*([A-Z0-9_]+)\s*\[([^\]]*)\]\s*---")
_CODE = re.compile(r"\[([^\]]*)\]")
MARKERS = {"+", "$", "^", "%", "*"}


def _code(raw: str) -> str | None:
    c = raw.split(":")[0].strip()
    return c if re.fullmatch(r"\d{2,4}", c) else None


def _word(tok: str, synsets: dict[str, list[str]]) -> str | None:
    tok = tok.strip()
    if not tok or tok in MARKERS or tok.startswith(("+", "$", "^", "%")) and len(tok) == 1:
        return None
    tok = tok.lstrip("+$^%")
    if not tok:
        return None
    if tok.startswith("&"):
        words = synsets.get(tok[1:])
        return "|".join(words) if words else None
    parts = [w for w in tok.lower().split("_") if w and w not in MARKERS]
    if not parts:
        return None
    return " ".join(parts) + ("_" if tok.endswith("_") else "")


ROOTS = {"03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE", "07": "AID", "09": "ACCUSE",
         "10": "REQUEST", "11": "ACCUSE", "12": "REJECT", "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE",
         "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "ASSAULT", "20": "ASSAULT"}


# draft mode names of cameo2plover.tsv -> the current manual's (plover/README.md; cameo.tsv lists the valid ones)
MODE_RENAME = {("COERCE", "ban"): "restrict", ("THREATEN", "ban"): "restrict", ("THREATEN", "political"): "restrict",
               ("ASSAULT", "assassinate"): "targeted"}


def valid_modes(path: Path) -> set[tuple[str, str]]:
    """(type, mode) pairs of the current manual, as the package's cameo.tsv lists them."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = line.split("\t")
        if not line.startswith("#") and len(row) >= 2 and row[1].strip():
            out.add((row[0].strip(), row[1].strip()))
    return out


def plover_table(path: Path, modes: set[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """CAMEO code -> (PLOVER type, mode or "") from cameo2plover.tsv (PLOVER project, CC BY-SA 4.0); modes not
    in the current manual are left empty."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        row = line.split("\t") + ["", ""]
        code, typ, mode = row[0].strip(), row[1].strip(), row[2].strip()
        if code and typ:
            mode = MODE_RENAME.get((typ, mode), mode)
            out[code] = (typ, mode if (typ, mode) in modes else "")
    return out


def plover_type(code: str, table: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(PLOVER type, mode) of a CAMEO code: the table's row for the code or its 3-digit parent, else the root
    correspondence of the codebook (08: 081-083 CONCEDE, the rest RETREAT) and no mode; "_01" / "_02" for
    statements and appeals, which PLOVER drops (kept as features: an appeal is near a request)."""
    for c in (code, code[:3]):
        if c in table:
            return table[c]
    root = code[:2]
    if root == "08":
        return ("CONCEDE" if code[:3] in ("080", "081", "082", "083") else "RETREAT"), ""
    return ROOTS.get(root, "_" + root), ""


def parse(text: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    synsets: dict[str, list[str]] = {}
    verbs: list[tuple[str, str, str]] = []
    patterns: list[tuple[str, str, str, str]] = []
    block, block_code, cur_syn = None, None, None
    for line in text.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            cur_syn = None
            continue
        m = _BLOCK.match(line)
        if m:
            block, block_code, cur_syn = m.group(1), _code(m.group(2)), None
            continue
        if line.startswith("&"):
            cur_syn = line[1:].strip()
            synsets[cur_syn] = []
            continue
        if cur_syn is not None and line.startswith("+"):
            synsets[cur_syn].append(line[1:].strip().lower().replace("_", " ").strip())
            continue
        if block is None:
            continue
        if line.startswith("-"):
            cm = _CODE.search(line)
            code = _code(cm.group(1)) if cm else block_code
            if not code:
                continue
            body = line[1:cm.start() if cm else None].split()
            star = next((i for i, t in enumerate(body) if "*" in t), None)
            if star is None:
                continue
            pre_t, post_t = body[:star], body[star + 1:]
            before, _, after = body[star].partition("*")
            if before.strip("_"):
                pre_t = pre_t + [before.strip("_")]
            if after.strip("_"):
                post_t = [after.strip("_")] + post_t
            pre = [w for w in (_word(t, {k: v for k, v in synsets.items()}) for t in pre_t) if w]
            post = [w for w in (_word(t, synsets) for t in post_t) if w]
            if pre or post:
                patterns.append((block, code, " ".join(w.replace(" ", "~") for w in pre),
                                 " ".join(w.replace(" ", "~") for w in post)))
            continue
        # a verb line: "FIGHT {FIGHTS FOUGHT FIGHTING }", "+WAGE_WAR", "BLUDGEON [180]"
        cm = _CODE.search(line)
        code = _code(cm.group(1)) if cm else block_code
        head = line.split("{")[0]
        head = _CODE.sub("", head).strip().lstrip("+")
        if not head or not code or not re.fullmatch(r"[A-Z][A-Z_\-']*", head):
            continue
        verbs.append((block, head.lower().replace("_", " ").strip(), code))
    return verbs, patterns


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else SRC
    out = Path(argv[2]) if len(argv) > 2 else OUT
    if not src.is_file():
        print(f"no dictionary at {src}", file=sys.stderr)
        return 2
    verbs, patterns = parse(src.read_text(encoding="utf-8", errors="replace"))
    table = plover_table(TABLE, valid_modes(MODES))
    rows = [f"verb\t{b}\t{v}\t{c}\t" + "\t".join(plover_type(c, table)) for b, v, c in dict.fromkeys(verbs)]
    rows += [f"pattern\t{b}\t{c}\t" + "\t".join(plover_type(c, table)) + f"\t{pre}\t{post}"
             for b, c, pre, post in dict.fromkeys(patterns)]
    out.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{out}: {len(dict.fromkeys(verbs))} verbs, {len(dict.fromkeys(patterns))} patterns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
