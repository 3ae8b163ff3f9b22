"""Helper for the PolNeAR target gold (gold/polnear_targets/): pick the sample, show an article with
its attributions marked for a human to read, and build ``targets.jsonl`` from hand-written notes.

    python tools/annotate_targets.py sample                 # the documents, their split, counts
    python tools/annotate_targets.py show DOC_ID            # the article, attributions marked inline
    python tools/annotate_targets.py build NOTES_DIR        # notes -> gold/polnear_targets/targets.jsonl

The same on PolNeAR train, for the training set gold/polnear_targets_train/ (never dev)::

    python tools/annotate_targets.py sample-train           # = sample --train; both batches
    python tools/annotate_targets.py sample-train --batch 2 # one batch only
    python tools/annotate_targets.py --train show DOC_ID
    python tools/annotate_targets.py build --train NOTES_DIR  # -> gold/polnear_targets_train/targets.jsonl

``--polnear PATH`` reads another PolNeAR JSONL (default: dev, or train with ``--train``; ``--dev PATH`` is
the old spelling of it; a file whose documents are all of split "train" selects the train sample by itself,
so ``--polnear .../train.jsonl show|sample|build`` works without ``--train``); ``--out PATH`` (before or after ``build``) writes elsewhere, e.g. to check that a
rebuild is identical.

The sample and the split are fixed by seeds (see gold/polnear_targets/README.md). The train sample:
train doc ids sorted, shuffled with ``random.Random(3302)``, documents with 15 to 60 attributions taken in
that order until their attributions reach 450, all of each, is batch 1; batch 2 continues in the same order
after batch 1's last document until its own attributions reach 450. Every row's split is ``train``, and its
``batch`` (1 or 2) says which batch drew it; ``build --train`` reads the notes of both batches from one
NOTES_DIR into one file. The notes are the
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
TRAIN = ROOT.parent / "shared" / "polnear" / "train.jsonl"
GOLD = ROOT / "gold" / "polnear_targets" / "targets.jsonl"
GOLD_TRAIN = ROOT / "gold" / "polnear_targets_train" / "targets.jsonl"
SAMPLE_SEED = 33       # shuffles the sorted doc ids; documents are taken in that order ...
MIN_ATTRIBUTIONS = 420  # ... until their attributions reach this many (all of each document)
SPLIT_SEED = 3301      # shuffles the sampled doc ids; the first half (rounded down) is "tune"
TRAIN_SEED = 3302       # train: shuffles the sorted doc ids; documents are taken in that order ...
TRAIN_MIN_ATTRIBUTIONS = 450  # ... until their attributions reach this many (all of each document) ...
TRAIN_DOC_SIZE = (15, 60)     # ... keeping only documents with this many attributions (bounds included)
TRAIN_BATCHES = 2             # batch 2 continues the same order after batch 1, to its own 450
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


def sample_train_batches(docs: dict[str, dict], batches: int = TRAIN_BATCHES) -> list[tuple[str, str, int]]:
    """(doc_id, "train", batch) of the first ``batches`` train batches, in sampling order.

    One walk through the shuffled train ids: documents with ``TRAIN_DOC_SIZE`` attributions are taken into
    batch 1 until its attributions reach ``TRAIN_MIN_ATTRIBUTIONS``; batch 2 continues with the next
    documents of the same order (after the last one batch 1 took) until its own attributions reach
    ``TRAIN_MIN_ATTRIBUTIONS``; and so on.
    """
    ids = sorted(docs)
    random.Random(TRAIN_SEED).shuffle(ids)
    lo, hi = TRAIN_DOC_SIZE
    picked: list[tuple[str, str, int]] = []
    batch, total = 1, 0
    for doc_id in ids:
        if total >= TRAIN_MIN_ATTRIBUTIONS:
            if batch >= batches:
                break
            batch, total = batch + 1, 0
        n = len(docs[doc_id]["attributions"])
        if lo <= n <= hi:
            picked.append((doc_id, "train", batch))
            total += n
    return picked


def sample_train(docs: dict[str, dict], batch: int | None = None) -> list[tuple[str, str]]:
    """(doc_id, "train") of the train sample, in sampling order: batch 1 and 2, or only ``batch``."""
    return [(d, split) for d, split, b in sample_train_batches(docs, batch or TRAIN_BATCHES)
            if batch is None or b == batch]


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


def build(notes_dir: Path, docs: dict[str, dict], out: Path = GOLD, train: bool = False) -> None:
    lines = []
    n_done = 0
    picked = sample_train_batches(docs) if train else [(d, split, None) for d, split in sample(docs)]
    for doc_id, split, batch in picked:
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
                if batch is not None:  # train rows say which batch drew them; dev rows are unchanged
                    rows[a["id"]]["batch"] = batch
                lines.append(rows[a["id"]])
                n_done += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for row in lines:
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
    print(f"wrote {n_done} attributions to {out}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", "--dev", dest="polnear", type=Path, default=None,
                    help="PolNeAR JSONL (default: dev, or train with --train)")
    ap.add_argument("--train", action="store_true", help="the train sample (gold/polnear_targets_train/)")
    ap.add_argument("--out", type=Path, default=None, help="where build writes (default: the gold file)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_sample = sub.add_parser("sample", help="list the sampled documents and their split")
    p_sample.add_argument("--train", dest="sub_train", action="store_true", help="the train sample")
    p_sample.add_argument("--batch", type=int, choices=range(1, TRAIN_BATCHES + 1), default=None,
                          help="train: only this batch (default: all)")
    p_strain = sub.add_parser("sample-train", help="list the train sample (= sample --train)")
    p_strain.add_argument("--batch", type=int, choices=range(1, TRAIN_BATCHES + 1), default=None,
                          help="only this batch (default: all)")
    p_show = sub.add_parser("show", help="print an article with its attributions marked")
    p_show.add_argument("doc_id")
    p_build = sub.add_parser("build", help="build targets.jsonl from notes")
    p_build.add_argument("notes_dir", type=Path)
    p_build.add_argument("--out", dest="sub_out", type=Path, default=None)
    p_build.add_argument("--train", dest="sub_train", action="store_true", help="the train sample")
    args = ap.parse_args(argv)
    train = args.train or args.cmd == "sample-train" or getattr(args, "sub_train", False)
    polnear = args.polnear or (TRAIN if train else DEV)
    docs = read_docs(polnear)
    # a train file given with --polnear alone selects the train sample (the dev sample is of dev ids)
    train = train or bool(docs) and all(d.get("split") == "train" for d in docs.values())
    if args.cmd in ("sample", "sample-train"):
        total = 0
        if train:
            picked = [(d, f"{split} {b}") for d, split, b in sample_train_batches(docs)
                      if args.batch is None or b == args.batch]
        else:
            picked = sample(docs)
        for doc_id, split in picked:
            n = len(docs[doc_id]["attributions"])
            total += n
            print(f"{split:8} {n:4} {doc_id}")
        print(f"{total} attributions")
    elif args.cmd == "show":
        print(show(docs[args.doc_id]))
    else:
        out = getattr(args, "sub_out", None) or args.out or (GOLD_TRAIN if train else GOLD)
        build(args.notes_dir, docs, out, train=train)


if __name__ == "__main__":
    main()
