"""Sentence -> features for the event classifier: the event trigger (the main verb once reporting
clauses such as "…, officials said" are peeled off), its complement and object, tense/modality, lemma
unigrams and bigrams, and the hits of the cue patterns (data/plover/cues.tsv)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import cues, verb_types

REPORTING = {"say", "tell", "report", "announce", "state", "add", "quote", "confirm", "note", "write",
             "declare", "stress", "emphasize", "emphasise", "explain", "insist_", "indicate", "comment",
             "reiterate", "point", "underline", "believe", "think", "according", "show", "reveal"}
KEEP_STOP = {"not", "no", "never", "will", "would", "must", "should", "shall", "against", "off", "out",
             "down", "up", "back", "on", "over", "unless", "if"}
FUTURE = {"will", "shall", "'ll", "would"}
# modality of the trigger region (lemmas): future/intent, negation/refusal, obligation, condition
_FUT = re.compile(r"\b(will|shall|'ll|would|plan to|intend to|be prepare to|be ready to|be willing to|go to|"
                  r"threaten to|vow to|pledge to|promise to|decide to|announce .{0,20}will|may|could|might)\b")
_NEG = re.compile(r"\b(not|n't|never|no|refuse to|fail to|decline to|reject|without)\b")
_OBL = re.compile(r"\b(must|should|need to|have to|ought to|urge|call on|call upon|call for|demand|ask|appeal)\b")
_COND = re.compile(r"\b(unless|if|or else|otherwise|in retaliation|in response)\b")


@dataclass
class Parsed:
    lemmas: list[str]
    lemma_text: str
    trigger: int | None                  # token index
    trigger_span: tuple[int, int] = (0, 0)  # char span of the trigger region in lemma_text
    feats: dict[str, float] = field(default_factory=dict)
    subject: str | None = None           # the trigger's subject as written ("the Russian Foreign Ministry")
    objects: list[str] = field(default_factory=list)  # its object / addressee phrases ("Baku", "on Yerevan")


@lru_cache(maxsize=1)
def nlp():
    import spacy

    from ..config import Settings
    return spacy.load(Settings().model, exclude=["ner"])


def _trigger(doc):
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return None
    t = roots[0]
    for _ in range(4):
        if t.lemma_.lower() in REPORTING:
            nxt = [c for c in t.children if c.dep_ in ("ccomp", "parataxis", "advcl", "xcomp")
                   and c.pos_ in ("VERB", "AUX", "ADJ", "NOUN")]
            if nxt:
                t = nxt[0]
                continue
        break
    if t.pos_ == "AUX" or t.lemma_.lower() == "be":
        # "X is unacceptable": the attribute carries the event
        attr = [c for c in t.children if c.dep_ in ("acomp", "attr")]
        if attr:
            return t, attr[0]
    return t, None


def parse_many(texts: list[str], cue_lemmas: list[str | None] | None = None) -> list[Parsed]:
    docs = nlp().pipe(texts, batch_size=64)
    out = []
    for i, doc in enumerate(docs):
        cue = cue_lemmas[i] if cue_lemmas else None
        out.append(featurize(doc, cue))
    return out


def parse(text: str, cue: str | None = None) -> Parsed:
    return featurize(nlp()(text), cue)


def _lem(t) -> str:
    return t.lemma_.lower().replace("\u2019", "'")


def featurize(doc, cue: str | None = None) -> Parsed:
    lemmas = [_lem(t) for t in doc]
    # lemma text and the char offset of each token in it
    offs, parts, pos = [], [], 0
    for lm in lemmas:
        offs.append(pos)
        parts.append(lm)
        pos += len(lm) + 1
    ltext = " ".join(parts)
    f: dict[str, float] = {}
    content = [(_lem(t), t.i) for t in doc if (t.is_alpha or "-" in t.text) and (not t.is_stop or _lem(t) in KEEP_STOP)]
    for lm, _ in content:
        f["w:" + lm] = 1.0
    for (a, _), (b, _) in zip(content, content[1:]):
        f[f"b:{a}_{b}"] = 1.0
    trig = _trigger(doc)
    tidx, span = None, (0, len(ltext))
    if trig is not None:
        t, attr = trig
        tidx = t.i
        tl = _lem(t)
        f["t:" + tl] = 2.0
        if attr is not None:
            f["ta:" + _lem(attr)] = 2.0
        for c in t.children:
            if c.dep_ == "prt":
                f[f"t:{tl}_{_lem(c)}"] = 1.0
            elif c.dep_ == "prep":
                f[f"tp:{tl}_{_lem(c)}"] = 1.0
            elif c.dep_ in ("dobj", "attr", "acomp") and c.pos_ in ("NOUN", "ADJ", "PROPN"):
                f["to:" + _lem(c)] = 1.0
            elif c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"):
                f["tx:" + _lem(c)] = 1.5
                f[f"tt:{tl}>{_lem(c)}"] = 1.0
            elif c.dep_ == "neg":
                f["neg"] = 1.0
            elif c.dep_ == "aux" and _lem(c) in FUTURE:
                f["fut"] = 1.0
        lo = min(x.i for x in t.subtree) if False else t.i
        hi = max([t.i] + [c.i for c in t.children if c.dep_ in ("xcomp", "dobj", "prt", "prep", "acomp", "attr", "neg", "ccomp")])
        hi_tok = doc[hi]
        end_i = max(x.i for x in hi_tok.subtree) if hi != t.i else hi
        end_i = min(end_i, t.i + 12)
        span = (offs[lo], offs[end_i] + len(lemmas[end_i]))
    subject, objects = None, []
    if trig is not None:
        t = trig[0]
        head = t
        while head.dep_ in ("xcomp", "ccomp", "conj") and head.head is not head and head.pos_ != "NOUN":
            if any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children):
                break
            head = head.head
        for c in head.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                subject = doc[c.left_edge.i:c.right_edge.i + 1].text
        for c in list(t.children) + [g for ch in t.children if ch.dep_ == "prep" for g in ch.children]:
            if c.dep_ in ("dobj", "pobj", "dative", "iobj"):
                objects.append(doc[c.left_edge.i:c.right_edge.i + 1].text)
    vt = verb_types()
    if cue:
        f["c:" + cue.lower()] = 2.0
        if cue.lower() in vt:
            f["cc:" + vt[cue.lower()]] = 2.0
    if tidx is not None and lemmas[tidx] in vt:
        f["tc:" + vt[lemmas[tidx]]] = 1.5
    region = ltext[span[0]:span[1]]
    flags = [k for k, rx in (("fut", _FUT), ("neg", _NEG), ("obl", _OBL), ("cond", _COND)) if rx.search(region)]
    if _COND.search(ltext) and "cond" not in flags:
        flags.append("cond")
    for k in flags:
        f["m:" + k] = 1.0
    hit_types: set[str] = set()
    for cu in cues():
        if cu.pattern.search(ltext):
            key = f"r:{cu.type}" + (f":{cu.mode}" if cu.mode else "")
            f[key] = f.get(key, 0.0) + cu.weight
            if cu.pattern.search(region):
                f[f"rt:{cu.type}"] = f.get(f"rt:{cu.type}", 0.0) + 1.5 * cu.weight
                hit_types.add(cu.type)
    # cue/content interaction: the modality of the region crossed with the kinds of act it names
    # ("will withdraw" -> CONCEDE, "will not accept" -> REJECT, "will impose ... unless" -> THREATEN)
    for k in flags:
        for t in hit_types:
            f[f"x:{k}&{t}"] = 1.0
    if tidx is not None and lemmas[tidx] in vt:
        for k in flags:
            f[f"x:{k}&tc:{vt[lemmas[tidx]]}"] = 1.0
    return Parsed(lemmas, ltext, tidx, span, f, subject, objects)


_WS = re.compile(r"\s+")


def norm_text(text: str) -> str:
    return _WS.sub(" ", text).strip()
