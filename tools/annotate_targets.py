"""Helper for the PolNeAR target gold (gold/polnear_targets/): pick the sample, show an article with
its attributions marked for a human to read, and build ``targets.jsonl`` from hand-written notes.

    python tools/annotate_targets.py sample                 # the documents, their split, counts
    python tools/annotate_targets.py show DOC_ID            # the article, attributions marked inline
    python tools/annotate_targets.py build NOTES_DIR        # notes -> gold/polnear_targets/targets.jsonl

The sample and the split are fixed by seeds (see gold/polnear_targets/README.md). The notes are the
annotator's working files (one per document, ``NOTES_DIR/DOC_ID.txt``); they hold canonical names and,
to locate a target's mention, a short surface form that is searched in the article. They stay outside
the repository: the gold keeps only ids, offsets and canonical names, never PolNeAR text.

Notes format (one line per attribution; ``//`` starts a note or a comment; ``=X Name`` defines a shorthand for a name)::

    =T Donald Trump
    E4 | =T | 2016-09-12 | p:=H@Clinton ; o:Republican Party@GOP ; c:RUS@Russia ; g:Trump supporters@-
    E5 | o:The New York Times | - |                 // no target, no date said
    E6 | - | - | p:=T@-  // note text (kept as the gold's note)   no identifiable speaker; implicit target

Speaker: ``-`` (none identifiable), a person's name, or ``o:``/``c:``/``g:`` + name (org, country
(ISO3), group). A target: kind letter (p person, o org, c country with its ISO3 as name, g group),
the canonical name, ``@`` and the surface form as written in the article (searched first inside the
attribution's content, else the occurrence nearest to it; ``@-`` for an implicit target; ``@form#2``
takes the 2nd occurrence inside the content). ``~alias`` after a name adds aliases: ``o:Republican
Party~GOP~Republicans@GOP``. A shorthand (``=T``) is replaced by its text before the line is read, so
it may carry a kind and aliases (``=R o:Republican Party~GOP``).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "polnear" / "dev.jsonl"
GOLD = ROOT / "gold" / "polnear_targets" / "targets.jsonl"
SAMPLE_SEED = 33       # shuffles the sorted doc ids; documents are taken in that order ...
MIN_ATTRIBUTIONS = 420  # ... until their attributions reach this many (all of each document)
SPLIT_SEED = 3301      # shuffles the sampled doc ids; the first half (rounded down) is "tune"
KINDS = {"p": "person", "o": "org", "c": "country", "g": "group"}


def read_docs(path: Path = DEV) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {d["doc_id"]: d for d in map(json.loads, fh) if d}


def sample(docs: dict[str, dict]) -> list[tuple[str, str]]:
    """(doc_id, split) of the sampled documents, in sampling order."""
    ids = sorted(docs)
    random.Random(SAMPLE_SEED).shuffle(ids)
    picked, total = [], 0
    for doc_id in ids:
        if total >= MIN_ATTRIBUTIONS:
            break
        picked.append(doc_id)
        total += len(docs[doc_id]["attributions"])
    order = sorted(picked)
    random.Random(SPLIT_SEED).shuffle(order)
    tune = set(order[:len(order) // 2])
    return [(d, "tune" if d in tune else "lockbox") for d in picked]


def show(doc: dict) -> str:
    text = doc["text"]
    marks: list[tuple[int, int, str]] = []  # (offset, order, label)
    for a in doc["attributions"]:
        for role, tag in (("source", "S"), ("cue", "Q"), ("content", "C")):
            span = a.get(role)
            if not span:
                continue
            for s, e in span.get("spans") or [(span["start"], span["end"])]:
                marks.append((s, 1, f"\u27e6{a['id']}{tag} "))
                marks.append((e, 0, f" {a['id']}{tag}\u27e7"))
    out, last = [], 0
    for off, _o, label in sorted(marks):
        out.append(text[last:off])
        out.append(label)
        last = off
    out.append(text[last:])
    head = f"# {doc['doc_id']}  published {doc.get('date')}  ({len(doc['attributions'])} attributions)\n"
    return head + "".join(out)


def _find(text: str, form: str, lo: int, hi: int, nth: int) -> tuple[int, int] | None:
    """The ``nth`` occurrence of ``form`` inside [lo, hi), else the nearest one outside it."""
    pat = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")
    spans = [m.span() for m in pat.finditer(text)]
    inside = [sp for sp in spans if lo <= sp[0] and sp[1] <= hi]
    if inside:
        return inside[min(nth, len(inside)) - 1]
    if not spans:
        return None
    return min(spans, key=lambda sp: lo - sp[1] if sp[1] <= lo else sp[0] - hi)


def _name(raw: str) -> tuple[str, list[str]]:
    parts = [p.strip() for p in raw.split("~") if p.strip()]
    return parts[0], parts[1:]


def _parse_notes(path: Path, doc: dict) -> dict[str, dict]:
    text = doc["text"]
    atts = {a["id"]: a for a in doc["attributions"]}
    short: dict[str, str] = {}
    rows: dict[str, dict] = {}
    for ln, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line, _, note = line.partition("//")
        line = line.strip()
        if not line:
            continue
        if line.startswith("="):
            key, _, name = line.partition(" ")
            short[key] = name.strip()
            continue
        line = re.sub(r"=(\w+)", lambda m: short.get("=" + m.group(1), m.group(0)), line)
        fields = [f.strip() for f in line.split("|", 3)]
        if len(fields) != 4 or fields[0] not in atts:
            raise SystemExit(f"{path}:{ln}: bad line or unknown attribution: {line}")
        att_id, spk, date, tgts = fields
        att = atts[att_id]
        lo, hi = att["content"]["start"], att["content"]["end"]
        row: dict = {"doc_id": doc["doc_id"], "attribution": att_id,
                     "content": {"start": lo, "end": hi},
                     "cue": ({"start": att["cue"]["start"], "end": att["cue"]["end"]} if att.get("cue") else None)}
        if att["content"].get("spans"):
            row["content"]["spans"] = att["content"]["spans"]
        if spk == "-":
            row["speaker"], row["speaker_kind"] = None, None
        else:
            kind = "person"
            if len(spk) > 2 and spk[1] == ":" and spk[0] in KINDS:
                kind, spk = KINDS[spk[0]], spk[2:]
            name, alts = _name(spk)
            row["speaker"], row["speaker_kind"] = name, kind
            if alts:
                row["speaker_alt"] = alts
        if date != "-" and not re.fullmatch(r"\d{4}-\d\d-\d\d", date):
            raise SystemExit(f"{path}:{ln}: bad date {date!r}")
        row["date"] = None if date == "-" else date
        targets = []
        for item in filter(None, (t.strip() for t in tgts.split(";"))):
            kind_l, _, rest = item.partition(":")
            if kind_l not in KINDS or "@" not in rest:
                raise SystemExit(f"{path}:{ln}: bad target {item!r}")
            raw_name, _, form = rest.rpartition("@")
            name, aliases = _name(raw_name)
            nth = 1
            if re.search(r"#\d+$", form):
                form, _, n = form.rpartition("#")
                nth = int(n)
            t: dict = {"name": name, "kind": KINDS[kind_l]}
            if t["kind"] == "country":
                t["iso3"] = name
            if aliases:
                t["aliases"] = aliases
            if form == "-":
                t["mention"] = None
            else:
                span = _find(text, form, lo, hi, nth)
                if span is None:
                    raise SystemExit(f"{path}:{ln}: {form!r} not found in the article")
                t["mention"] = list(span)
            targets.append(t)
        row["targets"] = targets
        if note.strip():
            row["note"] = note.strip()
        rows[att_id] = row
    return rows


def build(notes_dir: Path, docs: dict[str, dict], out: Path = GOLD) -> None:
    lines = []
    n_done = 0
    for doc_id, split in sample(docs):
        path = notes_dir / f"{doc_id}.txt"
        if not path.exists():
            print(f"no notes yet: {doc_id}", file=sys.stderr)
            continue
        doc = docs[doc_id]
        rows = _parse_notes(path, doc)
        missing = [a["id"] for a in doc["attributions"] if a["id"] not in rows]
        if missing:
            print(f"{doc_id}: {len(missing)} attributions not annotated: {missing[:8]}", file=sys.stderr)
        for a in doc["attributions"]:
            if a["id"] in rows:
                rows[a["id"]]["split"] = split
                lines.append(rows[a["id"]])
                n_done += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row in lines:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
    print(f"wrote {n_done} attributions to {out}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dev", type=Path, default=DEV, help="PolNeAR dev JSONL")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("sample", help="list the sampled documents and their split")
    p_show = sub.add_parser("show", help="print an article with its attributions marked")
    p_show.add_argument("doc_id")
    p_build = sub.add_parser("build", help="build targets.jsonl from notes")
    p_build.add_argument("notes_dir", type=Path)
    p_build.add_argument("--out", type=Path, default=GOLD)
    args = ap.parse_args(argv)
    docs = read_docs(args.dev)
    if args.cmd == "sample":
        total = 0
        for doc_id, split in sample(docs):
            n = len(docs[doc_id]["attributions"])
            total += n
            print(f"{split:8} {n:4} {doc_id}")
        print(f"{total} attributions")
    elif args.cmd == "show":
        print(show(docs[args.doc_id]))
    else:
        build(args.notes_dir, docs, args.out)


if __name__ == "__main__":
    main()
