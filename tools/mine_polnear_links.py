"""Mine candidate same-utterance pairs across outlets in PolNeAR (train + dev), for hand judging.

Usage::

    python tools/mine_polnear_links.py [--polnear ../shared/polnear] [--out candidates.jsonl]
        [--pool N] [--seed 0] [--show FILE]

A unit is one PolNeAR attribution, identified by ``doc_id`` + its content offsets ``[start, end)``
(the overall extent; discontinuous content is the join of its ``spans``). A candidate pair is two
units in different documents of different outlets, published at most 7 days apart, whose sources
are the same or compatible:

- the source span is normalised to a name key (titles, possessives and first names dropped:
  "Mr. Trump", "Donald Trump", "Trump's campaign manager"... -> the last capitalised word of the
  head name, so "trump");
- a pronoun or unnamed source ("he", "she", "the candidate", none) is resolved to the name key of
  the nearest earlier named source in the same document ("resolved"); such a pair is kept when the
  resolved keys agree, and also, when they do not or nothing resolves, if the content similarity is
  high (``--open-min``), so that unresolved reports still meet.

Each pair gets several signals: shared word 3-grams (containment in the shorter content), shared
rare words and numbers (IDF-weighted overlap over the corpus' contents), and a character-level
similarity (character 5-gram containment). ``score`` is their mean. The pool written for judging
covers the whole range of scores: every pair above ``--high`` is kept and the rest is sampled per
score band (seeded), so paraphrases and hard negatives (same speaker, same week, other words) are
in it. Labels come from reading each pair by hand, not from the score.

The output holds ids, offsets and numbers only (no PolNeAR text): it may sit in the repository.
``--show FILE`` prints a judging sheet with both contents in context to stdout (for the judge's
screen only; never write it into the repository).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

PRONOUNS = {"he", "she", "they", "i", "we", "it", "you", "his", "her", "who", "which", "that", "him",
            "them", "me", "us", "one", "this", "those", "these", "some", "many", "others", "both"}
TITLES = {"mr", "mrs", "ms", "dr", "sen", "senator", "rep", "gov", "governor", "president", "secretary",
          "former", "gen", "the", "presumptive", "republican", "democratic", "nominee", "candidate",
          "vice", "speaker", "rev", "judge", "presidential", "gop", "democrat", "front-runner",
          "frontrunner", "businessman", "billionaire", "mogul", "sen.", "u.s."}
NAME_RE = re.compile(r"[A-Z][A-Za-z'\u2019\-]+")
WORD_RE = re.compile(r"[a-z0-9]+(?:['\u2019][a-z]+)?")
STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those he she they we i you his her their our my your him them us me not no do
does did have has had will would can could should may might must shall so than then there here what
which who whom whose when where why how all any some more most very just also about into over out up
said says say told tells according""".split())


def name_key(src: str | None) -> str | None:
    """'Mr. Trump' -> 'trump'; 'Hillary Clinton's campaign' -> 'clinton'; pronouns / lower-case -> None."""
    if not src:
        return None
    text = src.strip()
    if text.lower() in PRONOUNS:
        return None
    text = re.split(r"['\u2019]s\b", text)[0]          # "Trump's spokeswoman" -> "Trump"
    for chunk in re.split(r",| who | of the ", text):   # the first chunk that holds a name
        names = [w for w in NAME_RE.findall(chunk) if w.lower().strip(".") not in TITLES]
        if names:
            return names[-1].lower().replace("\u2019", "'")
    return None


def content_text(doc: dict, att: dict) -> str:
    c = att["content"]
    spans = c.get("spans") or [[c["start"], c["end"]]]
    return " ".join(doc["text"][s:e] for s, e in spans)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower().replace("\u2019", "'"))


def ngrams(ws: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def chargrams(text: str, n: int = 5) -> set[str]:
    t = " ".join(words(text))
    return {t[i:i + n] for i in range(len(t) - n + 1)}


def load_units(polnear: Path) -> tuple[dict[str, dict], list[dict]]:
    docs: dict[str, dict] = {}
    units: list[dict] = []
    for split in ("train", "dev"):
        with open(polnear / f"{split}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                docs[d["doc_id"]] = d
                last_key = None
                atts = sorted(d["attributions"], key=lambda a: a["content"]["start"])
                for a in atts:
                    src = (a.get("source") or {}).get("text")
                    key = name_key(src)
                    resolved = key or last_key
                    if key:
                        last_key = key
                    text = content_text(d, a)
                    ws = words(text)
                    if len(ws) < 5 or len([w for w in ws if w not in STOP]) < 3:
                        continue  # too short to be a checkable report (mostly noun phrases)
                    units.append({"doc": d["doc_id"], "outlet": d["publisher"],
                                  "date": date.fromisoformat(d["date"]), "id": a["id"],
                                  "start": a["content"]["start"], "end": a["content"]["end"],
                                  "key": key, "resolved": resolved, "words": ws, "text": text})
    return docs, units


def signals(u: dict, v: dict, idf: dict[str, float]) -> dict:
    short, long_ = (u, v) if len(u["words"]) <= len(v["words"]) else (v, u)
    g_s, g_l = ngrams(short["words"], 3), ngrams(long_["words"], 3)
    tri = len(g_s & g_l) / len(g_s) if g_s else 0.0
    cw_u = {w for w in u["words"] if w not in STOP}
    cw_v = {w for w in v["words"] if w not in STOP}
    shared = cw_u & cw_v
    small = cw_u if sum(idf[w] for w in cw_u) <= sum(idf[w] for w in cw_v) else cw_v
    rare = sum(idf[w] for w in shared) / max(sum(idf[w] for w in small), 1e-9)
    nums_u = {w for w in cw_u if any(ch.isdigit() for ch in w)}
    nums_v = {w for w in cw_v if any(ch.isdigit() for ch in w)}
    c_s, c_l = short["cgrams"], long_["cgrams"]
    char = len(c_s & c_l) / len(c_s) if c_s else 0.0
    return {"trigram": round(tri, 3), "rare": round(rare, 3), "char": round(char, 3),
            "shared_numbers": len(nums_u & nums_v),
            "score": round((tri + rare + char) / 3, 3)}


def mine(polnear: Path, open_min: float = 0.45, min_score: float = 0.08) -> tuple[dict, list[dict]]:
    docs, units = load_units(polnear)
    df = Counter(w for u in units for w in set(u["words"]))
    n = len(units)
    idf = defaultdict(lambda: math.log(n), {w: math.log(n / c) for w, c in df.items()})
    for u in units:
        u["cgrams"] = chargrams(u["text"])
    # candidate generation: units sharing at least one rare content word, within 7 days
    index: dict[str, list[int]] = defaultdict(list)
    for i, u in enumerate(units):
        for w in set(u["words"]) - STOP:
            if df[w] <= 60:
                index[w].append(i)
    seen: set[tuple[int, int]] = set()
    pairs = []
    for i, u in enumerate(units):
        for w in set(u["words"]) - STOP:
            for j in index.get(w, ()):
                if j <= i or (i, j) in seen:
                    continue
                seen.add((i, j))
                v = units[j]
                if u["outlet"] == v["outlet"] or u["doc"] == v["doc"]:
                    continue
                if abs((u["date"] - v["date"]).days) > 7:
                    continue
                if u["key"] and v["key"]:
                    how = "same" if u["key"] == v["key"] else None
                elif u["resolved"] and v["resolved"] and u["resolved"] == v["resolved"]:
                    how = "resolved"
                else:
                    how = "open"
                sig = signals(u, v, idf)
                if how is None or sig["score"] < min_score:
                    continue
                if how == "open" and (sig["score"] < open_min or min(len(u["words"]), len(v["words"])) < 6):
                    continue
                a, b = (u, v) if (u["doc"], u["start"]) < (v["doc"], v["start"]) else (v, u)
                pairs.append({"a": {"doc": a["doc"], "start": a["start"], "end": a["end"], "attr": a["id"]},
                              "b": {"doc": b["doc"], "start": b["start"], "end": b["end"], "attr": b["id"]},
                              "source_match": how, "days": abs((u["date"] - v["date"]).days), **sig})
    pairs.sort(key=lambda p: (-p["score"], p["a"]["doc"], p["a"]["start"], p["b"]["doc"], p["b"]["start"]))
    return docs, pairs


POOL_SIZE, POOL_HIGH = 420, 0.3


def pool(pairs: list[dict], size: int, high: float, seed: int) -> list[dict]:
    """Every pair scoring >= ``high``, the rest sampled evenly over score bands of 0.05."""
    keep = [p for p in pairs if p["score"] >= high]
    rest = [p for p in pairs if p["score"] < high]
    bands: dict[int, list[dict]] = defaultdict(list)
    for p in rest:
        bands[int(p["score"] / 0.05)].append(p)
    rng = random.Random(seed)
    left = max(size - len(keep), 0)
    order = sorted(bands, reverse=True)
    per = max(left // max(len(order), 1), 1)
    for b in order:
        got = bands[b][:]
        rng.shuffle(got)
        keep += got[:per]
    keep.sort(key=lambda p: (-p["score"], p["a"]["doc"], p["a"]["start"]))
    return keep


def show(docs: dict, rows: list[dict], out=sys.stdout, ctx: int = 130, maxlen: int = 360) -> None:
    def side(u: dict) -> str:
        d = docs[u["doc"]]
        att = next(a for a in d["attributions"] if a["content"]["start"] == u["start"]
                   and a["content"]["end"] == u["end"])
        lo = min(u["start"], (att.get("source") or {}).get("start", u["start"]))
        before = d["text"][max(0, lo - ctx):lo].replace("\n", " ")
        src = (att.get("source") or {}).get("text")
        cue = (att.get("cue") or {}).get("text")
        c = content_text(d, att)
        c = c if len(c) <= maxlen else c[:maxlen] + " [...]"
        after = d["text"][u["end"]:u["end"] + 60].replace("\n", " ")
        return (f"  {d['publisher']} {d['date']} {u['doc'][-24:]}\n  SRC={src!r} CUE={cue!r}\n"
                f"  ...{before}\n  >> {c}\n  << {after}...")
    for k, p in enumerate(rows):
        out.write(f"#{p.get('n', k)} score={p['score']} tri={p['trigram']} rare={p['rare']} "
                  f"char={p['char']} src={p['source_match']} days={p['days']}\n{side(p['a'])}\n{side(p['b'])}\n\n")


LABEL_RE = re.compile(r"^(\d+) (same|different|unsure)(?: \{([^}]*)\})? (.*)$")
ADDED_RE = re.compile(r"^\+ (\S+) (\d+) (\d+) (\S+) (\d+) (\d+) (same|different|unsure)(?: \{([^}]*)\})? (.*)$")


def _find(parent: dict, x):
    """Union-find root of ``x`` in ``parent`` (added as its own root when new), with path halving."""
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _unit(docs: dict, doc: str, start: int, end: int) -> dict:
    att = next((a for a in docs[doc]["attributions"]
                if a["content"]["start"] == start and a["content"]["end"] == end), None)
    if att is None:
        raise ValueError(f"no PolNeAR attribution with content [{start}, {end}) in {doc}")
    return {"doc": doc, "start": start, "end": end, "attr": att["id"]}


def build(polnear: Path, pool_path: str, judgments_path: str, out_dir: str, seed: int = 0,
          tune_share: float = 0.6) -> dict:
    """Turn the hand judgments into ``pairs.jsonl`` and ``clusters.jsonl`` (ids and offsets only).

    ``judgments_path`` lines: ``N LABEL [{tag,...}] NOTE`` for row N of the mined pool, or
    ``+ DOC START END DOC START END LABEL [{tag,...}] NOTE`` for a pair judged outside the pool.
    Tags name the utterance(s) a ``same`` pair shares when a unit quotes several (default: one).
    Utterance clusters are the connected components, per tag, of the ``same`` pairs. The split is
    by groups of documents connected by any judged pair (so no document is in both parts), the
    groups shuffled with ``seed`` and given to tune until it holds ``tune_share`` of the positives."""
    docs = {}
    for split in ("train", "dev"):
        with open(polnear / f"{split}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                docs[d["doc_id"]] = d
    if pool_path:
        pool_rows = {r["n"]: r for r in (json.loads(x) for x in open(pool_path, encoding="utf-8") if x.strip())}
    else:  # the pool is a pure function of the corpus and the defaults: mine it again
        pool_rows = {k: {"n": k, **p} for k, p in enumerate(pool(mine(polnear)[1], POOL_SIZE, POOL_HIGH, seed))}
    pairs = []
    for line in open(judgments_path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        m = LABEL_RE.match(line)
        if m:
            r = pool_rows[int(m.group(1))]
            rec = {"a": {k: r["a"][k] for k in ("doc", "start", "end", "attr")},
                   "b": {k: r["b"][k] for k in ("doc", "start", "end", "attr")},
                   "label": m.group(2), "tags": (m.group(3) or "").split(",") if m.group(3) else [""],
                   "mined": True, "pool_row": r["n"],
                   "signals": {k: r[k] for k in ("score", "trigram", "rare", "char", "shared_numbers",
                                                 "source_match", "days")},
                   "note": m.group(4)}
        else:
            m = ADDED_RE.match(line)
            if not m:
                raise ValueError(f"bad judgment line: {line!r}")
            rec = {"a": _unit(docs, m.group(1), int(m.group(2)), int(m.group(3))),
                   "b": _unit(docs, m.group(4), int(m.group(5)), int(m.group(6))),
                   "label": m.group(7), "tags": (m.group(8) or "").split(",") if m.group(8) else [""],
                   "mined": False, "note": m.group(9)}
        pairs.append(rec)

    def ukey(u: dict) -> tuple:
        return (u["doc"], u["start"], u["end"])

    # utterance clusters: per tag, components of the "same" pairs carrying it
    comps: list[set] = []
    for tag in sorted({t for p in pairs if p["label"] == "same" for t in p["tags"]}):
        parent: dict = {}
        for p in pairs:
            if p["label"] == "same" and tag in p["tags"]:
                parent[_find(parent, ukey(p["a"]))] = _find(parent, ukey(p["b"]))
        groups: dict = defaultdict(set)
        for x in list(parent):
            groups[_find(parent, x)].add(x)
        comps += [g for g in groups.values()]
    units = {ukey(p[s]): p[s] for p in pairs for s in ("a", "b")}
    comps.sort(key=lambda g: (min(docs[u[0]]["date"] for u in g), sorted(g)))
    utt_of: dict = defaultdict(set)
    clusters = []
    for i, g in enumerate(comps):
        uid = f"u{i + 1:03d}"
        for u in g:
            utt_of[u].add(uid)
        clusters.append({"utterance": uid, "units": [units[u] for u in sorted(g)]})
    for p in pairs:
        if p["label"] == "same":
            p["utterances"] = sorted(utt_of[ukey(p["a"])] & utt_of[ukey(p["b"])])
            if not p["utterances"]:
                raise AssertionError(f"a same pair outside any cluster: {p}")
    # transitive closure must not contradict a judged negative
    conflicts = [p for p in pairs if p["label"] != "same" and utt_of[ukey(p["a"])] & utt_of[ukey(p["b"])]]
    if conflicts:
        raise ValueError("closure contradicts judged pairs: "
                         + "; ".join(f"{p['a']['doc']}:{p['a']['start']} / {p['b']['doc']}:{p['b']['start']} "
                                     f"({p['label']})" for p in conflicts))
    # split by groups of documents linked by any judged pair
    parent = {}
    for p in pairs:
        parent[_find(parent, p["a"]["doc"])] = _find(parent, p["b"]["doc"])
    groups = defaultdict(list)
    for p in pairs:
        groups[_find(parent, p["a"]["doc"])].append(p)
    order = sorted(groups, key=lambda g: sorted(q["a"]["doc"] for q in groups[g])[0])
    random.Random(seed).shuffle(order)
    total_pos = sum(p["label"] == "same" for p in pairs)
    tune_pos = 0
    split_of = {}
    for g in order:
        pos = sum(p["label"] == "same" for p in groups[g])
        split_of[g] = "tune" if tune_pos < tune_share * total_pos else "lockbox"
        if split_of[g] == "tune":
            tune_pos += pos
    for p in pairs:
        p["split"] = split_of[_find(parent, p["a"]["doc"])]
    for c in clusters:
        c["split"] = split_of[_find(parent, c["units"][0]["doc"])]
        c["outlets"] = sorted({docs[u["doc"]]["publisher"] for u in c["units"]})
        c["dates"] = sorted({docs[u["doc"]]["date"] for u in c["units"]})
    pairs.sort(key=lambda p: (p["split"], p["a"]["doc"], p["a"]["start"], p["b"]["doc"], p["b"]["start"]))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "pairs.jsonl", "w", encoding="utf-8") as fh:
        for i, p in enumerate(pairs, 1):
            rec = {"pair": f"p{i:03d}", "split": p["split"], "label": p["label"], "a": p["a"], "b": p["b"]}
            if p["label"] == "same":
                rec["utterances"] = p["utterances"]
            rec["mined"] = p["mined"]
            if p["mined"]:
                rec["pool_row"] = p["pool_row"]
                rec["signals"] = p["signals"]
            rec["note"] = p["note"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(out / "clusters.jsonl", "w", encoding="utf-8") as fh:
        for c in clusters:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    counts = Counter((p["split"], p["label"]) for p in pairs)
    return {"pairs": len(pairs), "by_split_label": {f"{s}/{lab}": n for (s, lab), n in sorted(counts.items())},
            "clusters": Counter(c["split"] for c in clusters), "doc_groups": Counter(split_of.values())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--polnear", default=str(Path(__file__).resolve().parents[2] / "shared" / "polnear"))
    ap.add_argument("--out", default=None, help="write the judging pool (ids, offsets, signals) here")
    ap.add_argument("--pool", type=int, default=POOL_SIZE)
    ap.add_argument("--high", type=float, default=POOL_HIGH)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", default=None, help="print a judging sheet for a pool file")
    ap.add_argument("--rows", default=None, help="with --show: a range FROM:TO of pool rows")
    ap.add_argument("--build", default=None, metavar="JUDGMENTS",
                    help="write pairs.jsonl and clusters.jsonl from these hand judgments and --pool-file")
    ap.add_argument("--pool-file", default=None, help="with --build: the mined pool the judgments number (default: mine it again)")
    ap.add_argument("--out-dir", default="gold/polnear_links", help="with --build: where to write")
    args = ap.parse_args(argv)
    polnear = Path(args.polnear)
    if args.build:
        print(json.dumps(build(polnear, args.pool_file, args.build, args.out_dir, seed=args.seed), default=dict))
        return 0
    if args.show:
        docs = {}
        for split in ("train", "dev"):
            for line in open(polnear / f"{split}.jsonl", encoding="utf-8"):
                d = json.loads(line)
                docs[d["doc_id"]] = d
        rows = [json.loads(x) for x in open(args.show, encoding="utf-8") if x.strip()]
        if args.rows:
            lo, hi = (int(x) if x else None for x in args.rows.split(":"))
            rows = rows[lo:hi]
        show(docs, rows)
        return 0
    docs, pairs = mine(polnear)
    chosen = pool(pairs, args.pool, args.high, args.seed)
    by_band = Counter(round(int(p["score"] / 0.1) * 0.1, 1) for p in pairs)
    print(f"{len(pairs)} candidate pairs; by score band: "
          + ", ".join(f"{b:.1f}: {by_band[b]}" for b in sorted(by_band)), file=sys.stderr)
    print(f"pool: {len(chosen)} pairs (all >= {args.high}, the rest sampled per 0.05 band, seed {args.seed})",
          file=sys.stderr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for k, p in enumerate(chosen):
                fh.write(json.dumps({"n": k, **p}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
