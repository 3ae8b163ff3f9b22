"""Check gold/plover_polnear/sentences.jsonl against PolNeAR train and the PLOVER codebook names.

Run from the repository root:  .venv/bin/python gold/plover_polnear/check.py
Exits non-zero on any problem; prints counts per type and split.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLNEAR = HERE.parents[1].parent / "shared" / "polnear" / "train.jsonl"

MODES = {
    "AGREE": set(), "SUPPORT": set(), "CONCEDE": set(), "COOPERATE": set(), "AID": set(),
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "strike", "hunger", "boycott", "obstruct", "vandalize"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"seize", "restrict", "censor", "curfew", "martial-law", "arrest", "deport", "withhold",
               "misinformation", "cyber"},
    "ASSAULT": {"abduct", "beat", "torture", "sexual", "targeted", "destroy", "primitive", "firearms",
                "explosives", "suicide-attack", "aerial", "drone", "heavy-weapons", "crowd-control",
                "unconventional"},
}
FIELDS = {"doc_id", "start", "end", "event_type", "mode", "negated", "split"}


def expected_split(doc_id: str) -> str:
    return "train" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5 else "tune"


def main() -> int:
    texts = {}
    for line in POLNEAR.open():
        d = json.loads(line)
        texts[d["doc_id"]] = d["text"]
    errors = []
    seen = set()
    counts: Counter = Counter()
    for n, line in enumerate((HERE / "sentences.jsonl").open(), 1):
        r = json.loads(line)
        where = f"line {n}"
        if set(r) != FIELDS:
            errors.append(f"{where}: fields {sorted(r)}")
            continue
        if r["doc_id"] not in texts:
            errors.append(f"{where}: unknown doc_id {r['doc_id']}")
            continue
        text = texts[r["doc_id"]]
        s, e = r["start"], r["end"]
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            errors.append(f"{where}: bad offsets {s}-{e}")
            continue
        sent = text[s:e]
        if sent != sent.strip():
            errors.append(f"{where}: sentence has surrounding whitespace")
        if not 8 <= len(sent.split()) <= 60:
            errors.append(f"{where}: {len(sent.split())} words")
        if (r["doc_id"], s, e) in seen:
            errors.append(f"{where}: duplicate")
        seen.add((r["doc_id"], s, e))
        t, m = r["event_type"], r["mode"]
        if t != "NONE" and t not in MODES:
            errors.append(f"{where}: bad type {t}")
        elif t == "NONE" and (m is not None or r["negated"]):
            errors.append(f"{where}: NONE with mode/negated")
        elif m is not None and m not in MODES.get(t, set()):
            errors.append(f"{where}: bad mode {t}/{m}")
        if not isinstance(r["negated"], bool):
            errors.append(f"{where}: negated not bool")
        if r["split"] != expected_split(r["doc_id"]):
            errors.append(f"{where}: split {r['split']} != {expected_split(r['doc_id'])}")
        counts[(t, r["split"])] += 1
    for e in errors:
        print(e)
    types = sorted({t for t, _ in counts}, key=lambda t: (t == "NONE", t))
    print(f"{'type':10} {'train':>5} {'tune':>5} {'all':>5}")
    for t in types:
        a, b = counts[(t, "train")], counts[(t, "tune")]
        print(f"{t:10} {a:5} {b:5} {a + b:5}")
    tr = sum(v for (t, sp), v in counts.items() if sp == "train")
    tu = sum(v for (t, sp), v in counts.items() if sp == "tune")
    print(f"{'total':10} {tr:5} {tu:5} {tr + tu:5}")
    print("OK" if not errors else f"{len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
