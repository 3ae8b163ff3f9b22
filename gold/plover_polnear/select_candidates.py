"""Candidate selection for the PLOVER-on-PolNeAR gold set (see README.md).

Run from the repository root:  .venv/bin/python gold/plover_polnear/select_candidates.py

Reads ../shared/polnear/train.jsonl (never dev), splits every article into sentences (spaCy, the project's
model, one paragraph at a time), keeps sentences of 8-60 whitespace words, and gives each a *guessed*
PLOVER type from its verbs using the PETRARCH2 CAMEO verb dictionary (verb -> CAMEO code -> PLOVER type via
../shared/plover/cameo2plover.tsv, with the codebook's 2-digit root table as fallback). The guess is only
used to stratify the sample; labels are assigned by reading the sentences.

Three pools are drawn, both with fixed seeds:
  * "verb": up to PER_TYPE sentences per guessed type (stratified), at most MAX_PER_DOC sentences per article
    overall;
  * "kw": extra candidates for the rare types, found by noun/verb keywords (KEYWORDS below), because many rare
    events are reported with nouns ("airstrikes", "protesters", "sanctions") that a verb dictionary misses.

Output (no article text): gold/plover_polnear/candidates.jsonl with doc_id, start, end, guess, pool.
With --show PATH it also writes a reading file with the sentences (and the preceding sentence) to PATH, which
must lie outside the repository (PolNeAR text is never stored in the repo).
"""
from __future__ import annotations

import sys

# keep this folder off sys.path (it once held a select.py that shadowed the stdlib `select`)
if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
    sys.path.pop(0)

import argparse
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
POLNEAR = SHARED / "polnear" / "train.jsonl"
VERBS = SHARED / "petrarch2" / "CAMEO.verbpatterns.150430.txt"
C2P = SHARED / "plover" / "cameo2plover.tsv"
OUT = Path(__file__).resolve().parent / "candidates.jsonl"

SEED = 20240611
PER_TYPE = 50
KW_PER_TYPE = 60
STRICT_PER_TYPE = 45
MAX_PER_DOC = 3
MIN_WORDS, MAX_WORDS = 8, 60

TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
         "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]

# codebook.md, "CAMEO root code -> PLOVER" (01 and 02 are dropped)
ROOTS = {"03": "AGREE", "04": "CONSULT", "05": "SUPPORT", "06": "COOPERATE", "07": "AID", "09": "ACCUSE",
         "10": "REQUEST", "11": "ACCUSE", "12": "REJECT", "13": "THREATEN", "14": "PROTEST", "15": "MOBILIZE",
         "16": "SANCTION", "17": "COERCE", "18": "ASSAULT", "19": "ASSAULT", "20": "ASSAULT"}

# keyword pools for the rare types (lower-case regexes on the sentence)
KEYWORDS = {
    "COOPERATE": r"\b(joint (military )?exercises?|intelligence[- ]sharing|share (intelligence|information)|"
                 r"extradit\w*|trade (deal|agreement)|coalition (partners?|forces)|working (together|with))\b",
    "AID": r"\b(humanitarian aid|military aid|aid to|(provide|provided|providing|send|sent|sending) "
           r"(weapons|arms|money|aid|troops|advisers)|asylum|resettle\w*|refugees? (admitted|into)|"
           r"donat\w+|funding for|loan|bailout|rescued?)\b",
    "RETREAT": r"\b(withdr[ae]w\w*|pull(ed|ing)? out|released?|freed|resign\w*|stepp(ed|ing) down|"
               r"step down|dropped out|drop out|suspend(ed|s)? (his|her) campaign|ceasefire|cease-fire|"
               r"lift(ed|ing|s)? (the )?(sanctions|ban|restrictions))\b",
    "CONCEDE": r"\b(apologi[sz]\w*|pardon\w*|amnesty|clemency|commut\w+|concede[sd]?|conceding|"
               r"concession|regret\w*|backed (down|off)|back(ing)? down|reversed? (course|himself|position))\b",
    "MOBILIZE": r"\b(deploy\w*|troops|(national )?guard|warships?|aircraft carrier|massing|sent (in )?"
                r"(troops|forces|police)|military buildup|special operations forces|boots on the ground|"
                r"patrol\w*)\b",
    "SANCTION": r"\b(sanction\w*|embargo|cut (off )?ties|severed?|expell?\w*|boycott\w*|convicted|"
                r"sentenced|suspended|fired|ban(ned|s)? from)\b",
    "COERCE": r"\b(arrest\w*|detain\w*|deport\w*|seiz\w+|confiscat\w+|censor\w*|curfew|martial law|"
              r"jail\w*|imprison\w*|hack\w*|travel ban|state of emergency|shut down|crackdown)\b",
    "PROTEST": r"\b(protest\w*|demonstrat(ors?|ions?)|rall(y|ied|ies) against|march(ed|ers)?|riot\w*|"
               r"strike|hunger strike|walk(ed)? out|boycott\w*|sit-in|blocked|disrupt\w*|heckl\w*)\b",
    "ASSAULT": r"\b(airstrikes?|air strikes?|bomb\w*|shot|shooting|killed|attack(ed|s)? (on|in)|"
               r"massacre|beheaded|gunman|gunmen|stabb\w+|explosion|terrorist attack|shelling|beaten)\b",
    "THREATEN": r"\b(threat(en|ened|ens|ening)|warn(ed|s)? that|ultimatum|or else|will (retaliate|respond))\b",
    "REJECT": r"\b(reject\w*|refus\w+|veto\w*|turned down|den(y|ied) (a |the )?(request|entry)|"
              r"blocked|will not|won't)\b",
    "CONSULT": r"\b(met with|meeting with|talks with|spoke (with|by phone)|visited|visit to|phone call|"
               r"negotiat\w+|summit)\b",
}

# a third pool, drawn last: stricter phrase patterns for the rare types (a better hit rate than KEYWORDS)
STRICT = {
    "ASSAULT": r"\b(airstrikes?|air strikes?|bombed|bombing of|shot (and killed|dead)|opened fire|killed \d+|"
               r"killing \d+|beheaded|massacred?|suicide bomb\w*|gunman|stabbed|attacked (a|the)|were killed|"
               r"was killed|rockets?|shelling|car bomb|ambush\w*)\b",
    "PROTEST": r"\b(protesters|demonstrators|protested|marched|rallied|protests? (erupted|broke out)|walked out|"
               r"hunger strike|riot(s|ed|ing)?|blocked (the )?(road|street|highway|entrance)|sit-in|chanting|"
               r"heckl\w+|boycott\w*)\b",
    "COERCE": r"\b(arrested|detained|deported|deporting|deportations?|seized|confiscated|jailed|imprisoned|curfew|"
              r"censor\w*|hacked|hacking|banned|ban on|crackdown|taken into custody|handcuff\w*)\b",
    "MOBILIZE": r"\b(deploy(ed|ing|s)?|troops|national guard|warships?|sent (\w+ )?(troops|forces|soldiers|police|"
                r"officers)|military buildup|patrol\w*|stationed|riot police)\b",
    "SANCTION": r"\b(sanctions? (on|against)|imposed sanctions|sanctioned|embargo|cut (off )?ties|severed|expelled|"
                r"convicted|sentenced|fired|suspended|boycott\w*|pulled (its|their|his|her) (ads|support|funding)|"
                r"withdrew (its|their|his|her) (support|endorsement))\b",
    "COOPERATE": r"\b(joint (military )?exercises?|intelligence[- ]sharing|shar(e|ed|ing) intelligence|extradit\w+|"
                 r"coalition (forces|partners|airstrikes)|signed (a|the) (deal|agreement|contract)|partnered|"
                 r"cooperat(ed|ing) with|trade deal with|arms sales?|sold \w+ (weapons|arms))\b",
    "AID": r"\b(humanitarian aid|military aid|aid to|donated|contributed \$|gave \$|granted asylum|resettled|"
           r"rescued|provid(ed|ing) (weapons|arms|aid|assistance|training)|arm(ed|ing) (the )?rebels|bailout)\b",
    "RETREAT": r"\b(resigned|resigns|stepped down|steps down|dropped out|drops out|suspended (his|her) "
               r"(presidential )?campaign|withdrew|withdrawn|pulled out|released (\w+ )?(prisoners|hostages|"
               r"detainees|americans|sailors)|freed|lifted (the )?(sanctions|ban|embargo)|ceasefire|cease-fire)\b",
    "CONCEDE": r"\b(apologi[sz]ed|apologi[sz]es|apology|pardon(ed|s)?|amnesty|clemency|commuted|conceded|concedes|"
               r"backed down|regrets?|sorry|reversed (his|her|its) (position|decision)|restored? (the )?voting rights)\b",
    "THREATEN": r"\b(threatened|threatens|threatening to|warned that|warns that|ultimatum|vowed to retaliate)\b",
    "REJECT": r"\b(rejected|rejects|refused|refuses|vetoed|turned down|declined to|denied (a|the|his|her) request)\b",
    "CONSULT": r"\b(met with|meets with|meeting with|held talks|talks with|spoke by phone|phone call with|visited|"
               r"summit)\b",
}


def load_c2p() -> dict[str, str]:
    m = {}
    for line in C2P.read_text().splitlines()[1:]:
        parts = line.split("\t")
        if parts and parts[0].strip():
            m[parts[0].strip()] = parts[1].strip()
    return m


def code_type(code: str, c2p: dict[str, str]) -> str | None:
    code = code.split(":")[0].strip()
    if not re.fullmatch(r"\d{3,4}", code):
        return None
    for k in (code, code[:3]):
        if k in c2p:
            return c2p[k]
    if code[:2] == "08":  # 081-083 CONCEDE, 084-087 RETREAT
        return "CONCEDE" if code[:3] in ("080", "081", "082", "083") else "RETREAT"
    return ROOTS.get(code[:2])


def load_verbs() -> dict[str, str]:
    """verb base form (lower case, first word of multiword verbs) -> PLOVER type."""
    c2p = load_c2p()
    verbs: dict[str, str] = {}
    block = None
    started = False
    for raw in VERBS.read_text(errors="replace").splitlines():
        line = raw.split("#")[0].rstrip()
        if "VERB PATTERNS" in raw:
            started = True
            continue
        if not started or not line.strip():
            continue
        m = re.match(r"^---\s*([A-Z_0-9]+)\s*\[([^\]]*)\]", line.strip())
        if m:
            block = code_type(m.group(2), c2p)
            continue
        s = line.strip()
        if s.startswith("-") or s.startswith("&"):
            continue
        own = re.search(r"\[([^\]]*)\]", s)
        typ = code_type(own.group(1), c2p) if own else block
        head = re.sub(r"\{.*?\}|\[.*?\]", "", s).strip()
        if not head:
            continue
        word = head.split()[0].lstrip("+").split("_")[0].lower()
        if typ and word and word.isalpha() and word not in verbs:
            verbs[word] = typ
    return verbs


def sentences(nlp, text: str):
    """(start, end) of each sentence, one paragraph (line) at a time."""
    for m in re.finditer(r"[^\n]+", text):
        para = m.group(0)
        if len(para.split()) < MIN_WORDS:
            continue
        doc = nlp(para)
        for sent in doc.sents:
            s = sent.text
            lead = len(s) - len(s.lstrip())
            start = m.start() + sent.start_char + lead
            end = m.start() + sent.end_char - (len(s) - len(s.rstrip()))
            yield start, end, sent


def guess(sent, verbs: dict[str, str]) -> str | None:
    best = None
    for tok in sent:
        if tok.pos_ != "VERB":
            continue
        typ = verbs.get(tok.lemma_.lower())
        if not typ:
            continue
        depth, t = 0, tok
        while t.head is not t and depth < 50:
            t, depth = t.head, depth + 1
        if best is None or depth < best[0]:
            best = (depth, typ)
    return best[1] if best else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", help="write a reading file (with text) here; must be outside the repo")
    args = ap.parse_args()

    import spacy

    from saidwhat.config import Settings

    nlp = spacy.load(Settings().model, disable=["ner"])
    verbs = load_verbs()
    docs = [json.loads(l) for l in POLNEAR.open()]
    docs.sort(key=lambda d: d["doc_id"])
    pool: dict[str, list] = defaultdict(list)
    kwpool: dict[str, list] = defaultdict(list)
    kwre = {t: re.compile(r, re.I) for t, r in KEYWORDS.items()}
    strictre = {t: re.compile(r, re.I) for t, r in STRICT.items()}
    strictpool: dict[str, list] = defaultdict(list)
    prev_of = {}
    for d in docs:
        text = d["text"]
        prev = None
        for start, end, sent in sentences(nlp, text):
            n = len(text[start:end].split())
            key = (d["doc_id"], start, end)
            prev_of[key] = prev
            prev = (start, end)
            if not (MIN_WORDS <= n <= MAX_WORDS):
                continue
            g = guess(sent, verbs)
            if g:
                pool[g].append(key)
            s = text[start:end]
            for t, rx in kwre.items():
                if rx.search(s):
                    kwpool[t].append(key)
            for t, rx in strictre.items():
                if rx.search(s):
                    strictpool[t].append(key)
    rng = random.Random(SEED)
    per_doc: Counter = Counter()
    chosen: dict[tuple, tuple[str, str]] = {}

    def draw(names, pools, k: int, tag: str, per: Counter) -> None:
        # up to k candidates of each type, rarest types first (so that they are not crowded out by the
        # per-article cap ``per``)
        for typ in sorted(names, key=lambda t: len(pools[t])):
            cands = list(pools[typ])
            rng.shuffle(cands)
            got = 0
            for key in cands:
                if got >= k:
                    break
                if key in chosen or per[key[0]] >= MAX_PER_DOC:
                    continue
                chosen[key] = (typ, tag)
                per[key[0]] += 1
                got += 1

    draw(TYPES, pool, PER_TYPE, "verb", per_doc)
    # the keyword pools each have their own per-article cap
    draw(KEYWORDS, kwpool, KW_PER_TYPE, "kw", Counter())
    draw(STRICT, strictpool, STRICT_PER_TYPE, "strict", Counter())

    rows = [dict(doc_id=k[0], start=k[1], end=k[2], guess=v[0], pool=v[1]) for k, v in chosen.items()]
    rows.sort(key=lambda r: (r["pool"], r["guess"], r["doc_id"], r["start"]))
    with OUT.open("w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print("verb pool sizes:", {t: len(pool[t]) for t in TYPES})
    print("keyword pool sizes:", {t: len(kwpool[t]) for t in KEYWORDS})
    print("strict pool sizes:", {t: len(strictpool[t]) for t in STRICT})
    print("drawn:", Counter((r["pool"], r["guess"]) for r in rows))

    if args.show:
        path = Path(args.show).resolve()
        if ROOT in path.parents:
            raise SystemExit("--show must lie outside the repository")
        texts = {d["doc_id"]: d["text"] for d in docs}
        with path.open("w") as f:
            for i, r in enumerate(rows):
                t = texts[r["doc_id"]]
                p = prev_of.get((r["doc_id"], r["start"], r["end"]))
                f.write(json.dumps(dict(i=i, **r, prev=t[p[0]:p[1]] if p else "",
                                        text=t[r["start"]:r["end"]])) + "\n")


if __name__ == "__main__":
    main()
