"""Code a statement or sentence as a PLOVER event (type, mode), with the closest CAMEO code and a
confidence. The cue (reporting verb of the statement) and the content decide together: the learned
model reads the content's trigger, complements and cue-pattern hits; the cue lemma adds a prior; a few
explicit rules settle the cases the issue names (concern is a disapproval, not a request).
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
from saidwhat.code.model import LogReg

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
# "say") is a plain statement of position or assessment: CAMEO 01, which PLOVER drops
ABSTAIN_P = 0.6
# "we note with concern ...", "express deep concern over ...", "concern about ..." at the statement's start
_CONCERN_START = re.compile(r"(\S+ ){0,3}((note|express|voice|view|regard|see) .{0,30})?\b(concern|alarm|dismay)\b")
# an act announced, not (yet) done: cooperative acts become AGREE (PLOVER: "any future-tense CONSULT/SUPPORT/
# COOPERATE/AID is AGREE"; the PLOVER examples code intent to yield, CAMEO 035, as AGREE too), coercive ones THREATEN
_INTENT_TO_AGREE = {"AID", "COOPERATE", "RETREAT", "CONCEDE", "CONSULT", "SUPPORT"}
_INTENT_TO_THREATEN = {"SANCTION", "COERCE", "ASSAULT"}
# an explicit request anywhere in the statement: never a plain statement
_REQ_PHRASE = re.compile(r"\b(call on|call upon|urge|demand that|appeal to|insist that) ")
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
    """The mode whose cue pattern matches nearest the trigger."""
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
    return best or DEFAULT_MODE.get(etype)


def decide(p: Parsed, probs: np.ndarray, cue: str | None = None, abstain: bool = False
           ) -> tuple[str | None, float, str]:
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
    if (abstain and not ct and (reason == "model" or reason.startswith("announced")) and conf < ABSTAIN_P
            and not any(k_.startswith("rt:") for k_ in p.feats)):
        if _REQ_PHRASE.search(p.lemma_text):
            # a quote cut from a longer sentence ("... and called on Yerevan to withdraw ...") whose main verb is lost
            return "REQUEST", float(probs[TYPES.index("REQUEST")]), "request phrase in the statement"
        return None, round(1 - conf, 4), "no event: plain statement (position or assessment, CAMEO 01)"
    return etype, conf, reason


def code_many(texts: Iterable[str], cues_: Iterable[str | None] | None = None,
              negated: Iterable[bool] | None = None, docs: list | None = None,
              abstain: bool = True) -> list[Event]:
    """Code statements. ``docs``: the statements' contents already parsed (spaCy Docs, e.g.
    ``span.as_doc()`` of the article's parse), so nothing is parsed twice inside the pipeline.
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
    if docs is not None:
        parsed = [featurize(docs[i], cl[i]) for i in todo]
    else:
        parsed = parse_many([texts[i] for i in todo], [cl[i] for i in todo])
    P = model().proba([p.feats for p in parsed])
    for j, i in enumerate(todo):
        etype, conf, reason = decide(parsed[j], P[j], cl[i], abstain)
        if etype is None:
            out[i] = Event(None, None, None, conf, reason, scores={t: round(float(x), 4) for t, x in zip(TYPES, P[j])})
            continue
        mode = _mode(parsed[j], etype)
        out[i] = Event(etype, mode, cameo_for(etype, mode), round(conf, 4), reason,
                       scores={t: round(float(x), 4) for t, x in zip(TYPES, P[j])})
    return out


def code_statement(text: str, cue: str | None = None, negated: bool = False,
                   targets: list[str] | None = None, source: str | None = None) -> Event:
    """Code one statement (its content ``text``; ``cue`` is the reporting verb's lemma)."""
    ev = code_many([text], [cue], [negated])[0]
    ev.source = source
    ev.target = list(targets or [])
    return ev
