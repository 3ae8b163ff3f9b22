"""Sentence -> features for the event classifier: the event trigger (the main verb once reporting
clauses such as "…, officials said" are peeled off), its complement and object, tense/modality, lemma
unigrams and bigrams, and the hits of the cue patterns (data/plover/cues.tsv)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from saidwhat.code.cameo_verbs import hit as cameo_hit
from saidwhat.code.lexicon import cues, verb_types, word_classes
from saidwhat.config import Settings

REPORTING = {"say", "tell", "report", "announce", "state", "add", "quote", "confirm", "note", "write",
             "declare", "stress", "emphasize", "emphasise", "explain", "insist_", "indicate", "comment",
             "reiterate", "point", "underline", "believe", "think", "according", "show", "reveal"}
KEEP_STOP = {"not", "no", "never", "will", "would", "must", "should", "shall", "against", "off", "out",
             "down", "up", "back", "on", "over", "unless", "if"}
FUTURE = {"will", "shall", "'ll", "would"}
BAG_W = 0.5
COPULA = {"be", "remain", "seem", "appear", "become", "stay"}
# the act is announced, not done: an auxiliary of the trigger, or the trigger governed by a verb of intent
INTENT_AUX = {"will", "shall", "'ll", "would", "'d", "wo", "may", "might", "could"}
INTENT_VERBS = {"plan", "intend", "prepare", "promise", "pledge", "vow", "agree", "offer", "decide", "aim",
                "hope", "want", "expect", "undertake", "commit", "volunteer", "seek", "propose", "consider", "mull"}
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
    intent: str | None = None            # "fut" (will/would/plans to ... the act), "cond" (+ unless/if), None
    negated_trigger: bool = False        # the act itself is negated ("did not release", "will not allow")
    # CAMEO verb-dictionary evidence (code, PLOVER type, mode) of the trigger's verb, then of the verbs it governs
    cameo: list[tuple[str, str, str | None]] = field(default_factory=list)


@lru_cache(maxsize=1)
def nlp():
    import spacy

    return spacy.load(Settings().model, exclude=["ner"])


def _trigger(doc):
    # roots: ROOT, or (in a statement cut out of an article parse with span.as_doc()) a token that is its own head;
    # the first verb among them, never a punctuation mark ("... «at any moment.»" left "»" as the ROOT)
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots or roots[0].is_punct or roots[0].is_space:
        heads = [t for t in doc if t.head.i == t.i and not t.is_punct and not t.is_space]
        roots = [t for t in heads if t.pos_ in ("VERB", "AUX")] or heads or roots
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
    # the bag of lemmas and bigrams is context, weighed below the trigger's own features (measured: 0.5 better
    # than 1.0 on both CV and own-only, 0.25-0.5 a plateau)
    for lm, _ in content:
        f["w:" + lm] = BAG_W
    for (a, _), (b, _) in zip(content, content[1:]):
        f[f"b:{a}_{b}"] = BAG_W
    trig = _trigger(doc)
    tidx, span = None, (0, len(ltext))
    if trig is not None:
        t, attr = trig
        tidx = t.i
        tl = _lem(t)
        # a copula names no act: "X is unacceptable" is carried by its attribute, "the ball is in their court" by none
        f["t:" + tl] = 2.0 if attr is None and tl not in COPULA else 0.5
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
        # the region starts at the trigger's auxiliaries and negation ("will withdraw", "did not release")
        lo = min([t.i] + [c.i for c in t.children if c.dep_ in ("aux", "auxpass", "neg") and c.i >= t.i - 4])
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
    cameo = _cameo_feats(doc, lemmas, trig[0] if trig is not None else None, f, flags)
    intent, negt = None, False
    if trig is not None:
        _class_feats(trig[0], f, flags)
        intent, negt = _intent(trig[0], doc)
        if intent:
            f["int:" + intent] = 1.0
    return Parsed(lemmas, ltext, tidx, span, f, subject, objects, intent, negt, cameo)


def _intent(t, doc) -> tuple[str | None, bool]:
    """Whether the trigger's act is announced rather than done ("will release", "plans to withdraw", "said it
    would allow", "is ready to lift", "is to hand over"), conditional ("... unless/if ..."), and negated."""
    neg = any(c.dep_ == "neg" for c in t.children)
    if any(c.dep_ == "aux" and _lem(c) in ("must", "should", "ought", "need") for c in t.children):
        return None, neg     # "X must be ready to ...": an obligation laid on someone, not an intent
    fut = any(c.dep_ == "aux" and _lem(c) in INTENT_AUX for c in t.children)
    # "X plans/agreed/is ready to <act>": the trigger itself is the verb of intent, or "be" + ready/prepared/set
    if not fut and any(c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for c in t.children):
        if _lem(t) in INTENT_VERBS:
            fut = True
    if not fut and _lem(t) == "be":
        for c in t.children:
            if c.dep_ in ("acomp", "xcomp") and _lem(c) in ("ready", "prepared", "willing", "set", "due", "poised"):
                fut = True
        if not any(c.dep_ in ("acomp", "attr") for c in t.children) and any(
                c.dep_ == "xcomp" and c.pos_ == "VERB" for c in t.children):
            fut = True                                   # "is to withdraw" (not "it is necessary to resume")
    if not fut and t.dep_ == "xcomp" and _lem(t.head) in INTENT_VERBS | {"ready", "prepared", "willing", "set"}:
        fut = True
    if not fut:
        return None, neg
    cond = any(_lem(x) in ("unless", "if", "otherwise") for x in t.subtree) or any(
        _lem(x) == "unless" for x in doc)
    return ("cond" if cond else "fut"), neg


def _cameo_feats(doc, lemmas: list[str], t, f: dict[str, float], flags: list[str]
                 ) -> list[tuple[str, str, str | None]]:
    """CAMEO verb-dictionary features (code/cameo_verbs.py): the PLOVER type the trigger's verb names by its
    block (pv:) and by its most specific pattern (pp:), the same for the verbs it governs (pvx:, ppx:), crossed
    with the region's modality, and the types of the sentence's other verbs (pvo:, context). Returns the
    (code, type, mode) evidence of the trigger's verb, then of the verbs it governs."""
    toks = [x.lower_ for x in doc]
    found: list[tuple[str, str, str | None]] = []
    near: dict[int, float] = {}
    if t is not None:
        near[t.i] = 1.5
        for c in t.children:
            if c.dep_ in ("xcomp", "ccomp", "conj") and c.pos_ in ("VERB", "AUX"):
                near[c.i] = 1.0
    for x in doc:
        if x.pos_ != "VERB" and x.i not in near:
            continue
        h = cameo_hit(lemmas, toks, x.i)
        if h is None:
            continue
        if x.i in near:
            pre = "" if t is not None and x.i == t.i else "x"
            if pre:
                found.append(h.best)
            else:
                found.insert(0, h.best)
            w = near[x.i]
            f[f"pv{pre}:{h.type}"] = max(f.get(f"pv{pre}:{h.type}", 0.0), w)
            if h.pattern_type:
                f[f"pp{pre}:{h.pattern_type}"] = max(f.get(f"pp{pre}:{h.pattern_type}", 0.0), w)
            if not pre:
                for k in flags:
                    f[f"x:{k}&pv:{h.pattern_type or h.type}"] = 1.0
        else:
            f[f"pvo:{h.pattern_type or h.type}"] = BAG_W
    return found


def _noun_classes(tok, nouns) -> set[str]:
    """Classes of a noun phrase head and its compound/amod modifiers ("food supplies", "peacekeeping troops")."""
    out = set(nouns.get(_lem(tok), ()))
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod") or (c.dep_ == "prep" and _lem(c) == "of"):
            out |= set(nouns.get(_lem(c), ()))
            if c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        out |= set(nouns.get(_lem(g), ()))
    return out


def _verb_classes(v, verbs) -> set[str]:
    lm = _lem(v)
    for c in v.children:
        if c.dep_ == "prt" and f"{lm}_{_lem(c)}" in verbs:
            return set(verbs[f"{lm}_{_lem(c)}"])     # "ship out", "pull back": the particle verb decides
    return set(verbs.get(lm, ()))


def _class_feats(t, f: dict[str, float], flags: list[str]) -> None:
    """Word-class features (data/plover/classes.tsv) of the trigger verb and its object, and of the verbs it
    governs (xcomp "agreed to withdraw", conj): v:CLASS, o:CLASS, vo:V&O, and modality x verb class."""
    verbs, nouns = word_classes()
    todo = [(t, 1.0)]
    for c in t.children:
        if c.dep_ in ("xcomp", "conj", "ccomp") and c.pos_ in ("VERB", "AUX"):
            todo.append((c, 1.0 if c.dep_ == "xcomp" else 0.5))
    for v, w in todo:
        vc = _verb_classes(v, verbs)
        oc: set[str] = set()
        for c in v.children:
            if c.dep_ in ("dobj", "nsubjpass", "attr", "dative"):
                oc |= _noun_classes(c, nouns)
            elif c.dep_ == "prep" and _lem(c) in ("on", "of", "to", "from", "for", "against"):
                for g in c.children:
                    if g.dep_ == "pobj":
                        oc |= {f"{_lem(c)}>{x}" for x in _noun_classes(g, nouns)}
        for a in vc:
            f[f"v:{a}"] = max(f.get(f"v:{a}", 0.0), w)
            for k in flags:
                f[f"x:{k}&v:{a}"] = max(f.get(f"x:{k}&v:{a}", 0.0), w)
        for o in oc:
            f[f"o:{o}"] = max(f.get(f"o:{o}", 0.0), w)
            for a in vc:
                f[f"vo:{a}&{o}"] = max(f.get(f"vo:{a}&{o}", 0.0), w)


_WS = re.compile(r"\s+")


def norm_text(text: str) -> str:
    return _WS.sub(" ", text).strip()
