"""Code a statement or sentence as a PLOVER event (type, mode), with the closest CAMEO code and a
confidence. The cue (reporting verb of the statement) and the content decide together: the learned
model reads the content's trigger, complements, cue-pattern hits and CAMEO verb-dictionary hits, and tells
a plain statement of position (its NONE class) from an act; the cue lemma adds a prior; a few explicit
rules settle the cases the issue names (concern is a disapproval, not a request).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from saidwhat.code.features import Parsed, featurize, parse_many
from saidwhat.code.lexicon import DEFAULT_MODE, TYPES, cameo_for, cues, verb_types
from saidwhat.code.model import LogReg, VectorLogReg, split

# reporting cues that name the act themselves (lemma -> type, data/plover/verbs.tsv); "say", "add", "note" name none
CUE_TYPES = verb_types()
CUE_PRIOR = 0.6    # probability mass the cue's type gets before renormalising

_REQ = re.compile(r"\b(call on|call upon|call for|urge|demand|ask|request|appeal|must|should|need to|have to|expect .{0,30} to|insist)\b")
_DISAPPROVE = re.compile(r"\b(concern|alarm|unacceptable|inadmissible|outrageous|deplor|regret|disappoint|provocat|destructive|irresponsible|condemn|indignation)")
# the statement's main predicate is itself a disapproval ("we are concerned", "is unacceptable")
_DISAPPROVE_HEAD = {"concern", "concerned", "alarm", "alarmed", "worry", "worried", "unacceptable", "inadmissible",
                    "outrageous", "deplorable", "disappointed", "dismay", "dismayed", "regrettable", "provocative",
                    "irresponsible", "destructive", "groundless", "baseless", "absurd", "indignation",
                    "impermissible", "unproductive", "counterproductive", "unfounded", "unjustified", "unfriendly",
                    "hostile", "illegitimate", "inappropriate"}
# "regret" is an apology (SUPPORT, CAMEO 055) when the speaker regrets a loss or its own act, a disapproval when it
# regrets someone else's conduct: "regretted the unfriendly tone of the remarks", "regrets that Baku refused"
_REGRET_OTHER = {"tone", "remark", "statement", "decision", "position", "attempt", "refusal", "action", "step", "move",
                 "rhetoric", "comment", "policy", "behaviour", "behavior", "lack", "absence", "failure", "reluctance",
                 "approach", "stance", "choice", "unwillingness", "intention"}
# below this probability a statement that names no act (no cue pattern near its main verb, a cue such as
# "say") is a plain statement of position or assessment: CAMEO 01, which PLOVER drops (the model's meta
# "weak_p", chosen by train/coder.py with none_p; this when it does not say)
ABSTAIN_P = 0.6
# "we note with concern ...", "express deep concern over ...", "concern about ..." at the statement's start
_CONCERN_START = re.compile(r"(\S+ ){0,3}((note|express|voice|view|regard|see) .{0,30})?\b(concern|alarm|dismay)\b")
# an act announced, not (yet) done: cooperative acts become AGREE (PLOVER: "any future-tense CONSULT/SUPPORT/
# COOPERATE/AID is AGREE"; the PLOVER examples code intent to yield, CAMEO 035, as AGREE too), coercive ones THREATEN
_INTENT_TO_AGREE = {"AID", "COOPERATE", "RETREAT", "CONCEDE", "CONSULT", "SUPPORT"}
_INTENT_TO_THREATEN = {"SANCTION", "COERCE", "ASSAULT"}
# an explicit request anywhere in the statement: never a plain statement
_REQ_PHRASE = re.compile(r"\b(call on|call upon|urge|demand that|appeal to|insist that) ")
# the model's probability of NONE (a plain statement of position or assessment) from which a statement whose cue
# names no act gets no event: the model's meta "none_p" (train/coder.py, chosen by cross-validation on its
# training data), this when it does not say
NONE_P = 0.5
_THREAT = re.compile(r"\b(threaten|ultimatum|or else|unless|consequence|retaliat|will respond|reserve the right|will not hesitate)\b")


@dataclass
class Event:
    event_type: str | None       # one of the 16 PLOVER types; None when no event is coded
    mode: str | None = None
    cameo: str | None = None
    confidence: float = 0.0
    reason: str | None = None    # why: "negated", "empty", or the deciding evidence
    source: str | None = None    # actor id / ISO3 of the speaker (passed through)
    target: list[str] = field(default_factory=list)   # ISO3 / actor ids
    scores: dict[str, float] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("scores", None)
        return d


@lru_cache(maxsize=1)
def model() -> LogReg:
    return LogReg.load()


def _mode(p: Parsed, etype: str) -> str | None:
    """The mode of ``etype``: a cue pattern's inside the trigger's region, else the CAMEO verb dictionary's for
    the trigger (or a verb it governs) when its code is of that type, else the cue pattern's nearest the
    trigger, else the type's default."""
    best, dist = None, 10 ** 9
    center = (p.trigger_span[0] + p.trigger_span[1]) // 2
    for cu in cues():
        if cu.type != etype or not cu.mode:
            continue
        for m in cu.pattern.finditer(p.lemma_text):
            inside = p.trigger_span[0] <= m.start() < p.trigger_span[1]
            d = (0 if inside else abs(m.start() - center) + 1) * 100 - min(len(m.group(0)), 99)
            if d < dist:
                best, dist = cu.mode, d
    if best and dist < 100:
        return best
    cameo = next((mode for _, typ, mode in p.cameo if typ == etype and mode), None)
    return cameo or best or DEFAULT_MODE.get(etype)


def cameo_code(p: Parsed, etype: str, mode: str | None) -> str | None:
    """The CAMEO code: the dictionary's for the trigger (or a verb it governs) when it is of the coded type and
    mode, else the type and mode's representative code (data/plover/cameo.tsv)."""
    for code, typ, m in p.cameo:
        if typ == etype and (mode is None or m == mode):
            return code
    return cameo_for(etype, mode)


@lru_cache(maxsize=1)
def vector_model() -> VectorLogReg | None:
    """The shipped text-vector classifier (data/plover/vector_model.json), or None."""
    return VectorLogReg.load()


def text_vectors(texts: list[str]):
    """MiniLM vectors of ``texts`` (tagger/text_vectors.py), or None when the MiniLM base is not installed."""
    from saidwhat.tagger.text_vectors import phrase_encoder
    try:
        return phrase_encoder().texts(texts)
    except RuntimeError:
        return None


def blend(P: np.ndarray, texts: list[str], vm: VectorLogReg | None, encode=None) -> np.ndarray:
    """The feature model's class probabilities ``P``, averaged with the text-vector classifier's (weight
    ``vm.alpha``) for the statements whose best type the feature model gives less than ``vm.unsure``: a
    sentence its features do not settle ("slammed", "bombarded", an act named by a noun) is read by its
    meaning. Only those statements are encoded (the encoder costs several ms a statement); ``encode``: texts
    -> vectors (default ``text_vectors``)."""
    if vm is None or not len(P):
        return P
    unsure = np.flatnonzero(split(P)[0].max(1) < vm.unsure)
    if not len(unsure):
        return P
    X = (encode or text_vectors)([texts[j] for j in unsure])
    if X is None:
        return P
    out = P.copy()
    out[unsure] = (1 - vm.alpha) * P[unsure] + vm.alpha * vm.proba(X)
    return out


def none_threshold() -> float:
    return float(model().meta.get("none_p", NONE_P))


def weak_threshold() -> float:
    return float(model().meta.get("weak_p", ABSTAIN_P))


def decide(p: Parsed, probs: np.ndarray, cue: str | None = None, abstain: bool = False, none_p: float = 0.0,
           none_min: float = NONE_P, weak_min: float = ABSTAIN_P) -> tuple[str | None, float, str]:
    """(type or None, confidence, reason) from the 16 type probabilities ``probs``. When ``abstain``, a
    statement whose cue names no act gets none: when the model's probability ``none_p`` that it is a plain
    statement of position reaches ``none_min``, or when its best type is weak (under ``weak_min``) and no cue
    pattern hits its main verb's region; an explicit request phrase is a request all the same."""
    probs = probs.copy()
    reason = "model"
    ct = CUE_TYPES.get((cue or "").lower())
    if ct:
        probs = (1 - CUE_PRIOR) * probs
        probs[TYPES.index(ct)] += CUE_PRIOR
        reason = f"cue {cue} + content"
    k = int(np.argmax(probs))
    etype = TYPES[k]
    region = p.lemma_text[p.trigger_span[0]:p.trigger_span[1]]
    head = {k_[2:] for k_ in p.feats if k_.startswith(("t:", "ta:")) and k_.count(":") == 1}
    head |= {k_[3:] for k_ in p.feats if k_.startswith("ta:")}
    # expressions of concern / "is unacceptable" are disapprovals, not requests, unless a request is made
    if ct in (None, "ACCUSE") and not _REQ.search(region) and (
            head & _DISAPPROVE_HEAD or _CONCERN_START.match(p.lemma_text)):
        etype, reason = "ACCUSE", "disapproval, no request"
    elif etype == "REQUEST" and ct != "REQUEST" and _DISAPPROVE.search(region) and not _REQ.search(region):
        etype, reason = "ACCUSE", "disapproval, no request"
    elif ("t:regret" in p.feats or (cue or "").lower() == "regret") and (
            {k_[3:] for k_ in p.feats if k_.startswith("to:")} & _REGRET_OTHER
            or re.match(r"(that|the fact that) ", p.lemma_text)):
        etype, reason = "ACCUSE", "regrets another's conduct (disapproval)"
    if p.intent and not p.negated_trigger and reason in ("model", f"cue {cue} + content"):
        if p.intent == "fut" and etype in _INTENT_TO_AGREE:
            etype, reason = "AGREE", f"announced {etype.lower()} (future/intent)"
        elif etype in _INTENT_TO_THREATEN:
            etype, reason = "THREATEN", f"announced {etype.lower()} (future/intent)"
    if etype in ("REQUEST", "THREATEN") and ct == "ACCUSE":
        etype, reason = "ACCUSE", f"cue {cue}"
    conf = float(probs[TYPES.index(etype)])
    if reason.startswith("announced"):
        conf = max(conf, float(probs[k]))   # the act's own score is the evidence for its announcement
    weak = conf < weak_min and not any(k_.startswith("rt:") for k_ in p.feats)
    if abstain and not ct and (reason == "model" or reason.startswith("announced")) and (weak or none_p >= none_min):
        if _REQ_PHRASE.search(p.lemma_text):
            # a quote cut from a longer sentence ("... and called on Yerevan to withdraw ...") whose main verb is lost
            return "REQUEST", float(probs[TYPES.index("REQUEST")]), "request phrase in the statement"
        if none_p >= none_min:
            return None, round(float(none_p), 4), "no event: plain statement of position or assessment (CAMEO 01)"
        return None, round(1 - conf, 4), "no event: plain statement (position or assessment, CAMEO 01)"
    return etype, conf, reason


def code_many(texts: Iterable[str], cues_: Iterable[str | None] | None = None,
              negated: Iterable[bool] | None = None, docs: list | None = None,
              abstain: bool = True, vectors: bool = True, vector_texts: list[str] | None = None,
              parsed: list[Parsed] | None = None) -> list[Event]:
    """Code statements. ``docs``: the statements' contents already parsed (spaCy Docs, e.g.
    ``span.as_doc()`` of the article's parse), so nothing is parsed twice inside the pipeline.
    ``vectors``: the statements the feature model is unsure of are read by the text-vector classifier too
    (``blend``); False: the feature model alone (the rules extractor's path: no transformer).
    ``vector_texts``: what the text-vector classifier reads of each statement (default: ``texts``; the pipeline
    gives the cue and content as the target model read them, so the encoder's pass is shared). ``parsed``:
    the statements already featurized (``featurize(doc, cue)``, one per text), so nothing is featurized twice.
    ``abstain``: a statement that names no act (no act word near its main verb, a neutral cue, a weak
    model score) gets no event (reason "no event: plain statement ..."), as PLOVER drops CAMEO 01;
    scoring against a PLOVER set, where every sentence holds an event, passes ``abstain=False``."""
    texts = list(texts)
    cl = list(cues_) if cues_ is not None else [None] * len(texts)
    ng = list(negated) if negated is not None else [False] * len(texts)
    todo = [i for i, t in enumerate(texts) if t and t.strip() and not ng[i]]
    out: list[Event] = [Event(None, reason="negated" if ng[i] else "empty") for i in range(len(texts))]
    if not todo:
        return out
    if parsed is not None:
        parsed = [parsed[i] for i in todo]
    elif docs is not None:
        parsed = [featurize(docs[i], cl[i]) for i in todo]
    else:
        parsed = parse_many([texts[i] for i in todo], [cl[i] for i in todo])
    P = model().proba([p.feats for p in parsed])
    if vectors:
        vt = vector_texts if vector_texts is not None else texts
        P = blend(P, [vt[i] for i in todo], vector_model())
    P, none = split(P)
    none_min, weak_min = none_threshold(), weak_threshold()
    for j, i in enumerate(todo):
        etype, conf, reason = decide(parsed[j], P[j], cl[i], abstain, float(none[j]), none_min, weak_min)
        if etype is None:
            out[i] = Event(None, None, None, conf, reason, scores={t: round(float(x), 4) for t, x in zip(TYPES, P[j])})
            continue
        mode = _mode(parsed[j], etype)
        out[i] = Event(etype, mode, cameo_code(parsed[j], etype, mode), round(conf, 4), reason,
                       scores={t: round(float(x), 4) for t, x in zip(TYPES, P[j])})
    return out


def code_statement(text: str, cue: str | None = None, negated: bool = False,
                   targets: list[str] | None = None, source: str | None = None) -> Event:
    """Code one statement (its content ``text``; ``cue`` is the reporting verb's lemma)."""
    ev = code_many([text], [cue], [negated])[0]
    ev.source = source
    ev.target = list(targets or [])
    return ev
