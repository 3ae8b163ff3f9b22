"""Foreign candidates -> ``Statement`` records: speaker actor, date (+ basis), targets, confidence.

Dates follow the English rules (``saidwhat.resolve.dates``), read by ``foreign.dates`` (dateparser): an
explicit date in the attribution ("12 марта", "le 12 mars", "am 12. März", "el 12 de marzo") is
``explicit``, a weekday ("в четверг", "jeudi", "am Donnerstag", "el jueves") is the one on or before
publication (``weekday``), "вчера", "hier", "gestern", "ayer" are ``relative``; otherwise the nearest dated
statement of the same speaker (``context``), else the dateline's day (``dateline``, "МОСКВА, 13 марта.
/ТАСС/."), else the publication date (``publication``) or ``unknown``. A date in the content is never read.
"""
from __future__ import annotations

import re

from saidwhat.actors import Actor, ActorIndex
from saidwhat.code.lexicon import cue_event
from saidwhat.foreign.dates import date_in, dateline_date
from saidwhat.foreign.extract import FCandidate
from saidwhat.foreign.lexicon import Lang
from saidwhat.foreign.speaker import Speaker, SpeakerResolver, ru_verb_gender
from saidwhat.models import Document, Statement
from saidwhat.resolve.build import fill_dates, statement_for
from saidwhat.resolve.dates import parse_iso

HOW_CONFIDENCE = {"trailer": 0.85, "leader": 0.85, "parse": 0.75, "paragraph_speaker": 0.6}


def _code_by_cue(s: Statement, lang: str) -> None:
    """The event of a statement in another language, from its cue alone (the English coder cannot read
    the content): "призвала"/"a appelé" (cue call) -> REQUEST, "обвинил" (accuse) -> ACCUSE; a cue that
    names no act ("заявила": state) gets no event and says why."""
    if s.negated:
        s.event_reason = "negated"
        return
    ev = cue_event(s.cue)
    if ev is None:
        s.event_reason = f"not coded: language {lang}, cue {s.cue or '-'} names no act"
        return
    s.event_type, s.event_mode, s.cameo = ev
    s.event_confidence, s.event_reason = 0.6, f"cue {s.cue} only (language {lang})"


def _attribution_text(c: FCandidate, text: str, masked: str) -> str:
    """The sentence around a statement minus its content and quotations (where its date is said)."""
    a, b = c.sent_start, max(c.sent_end, c.end)
    if c.cue_start is not None and c.cue_start < c.start and c.kind != "direct" and c.frame != "according":
        b = max(c.cue_end or a, c.start)
    chars = list(masked[a:b])
    for i in range(max(c.start, a), min(c.end, b)):
        chars[i - a] = " "
    return "".join(chars)


def countries_in(s: str, L: Lang) -> list[str]:
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for rx, iso, adj in L.countries:
        if adj:
            continue
        for m in rx.finditer(s):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), iso))
    out: list[str] = []
    for _, iso in sorted(found):
        if iso not in out:
            out.append(iso)
    return out


def _targets(c: FCandidate, text: str, speaker_country: str | None, L: Lang) -> tuple[list[str], list[str]]:
    isos = []
    if c.frame == "obj_to" and c.object_text:
        isos = countries_in(c.object_text, L)
    if not isos:
        isos = countries_in(text[c.start:c.end], L)
    isos = [i for i in isos if i != speaker_country]
    return isos, [("org:" + i if len(i) != 3 else i) for i in isos]


def _speaker_of(c: FCandidate, res: SpeakerResolver, text: str, L: Lang) -> Speaker:
    if c.reporter and c.group is None:   # "…, сообщает ТАСС": carried by an agency, said by no one named
        return Speaker(None, None, None, None)
    gender = c.gender or (ru_verb_gender(c.cue_text) if L.code == "ru" and c.cue_text else None)
    if c.cue_pronoun and c.cue_text:
        pm = re.search(r"(?<=-)(?:il|elle|ils|elles|on)\b", c.cue_text, re.I)
        g = L.pronouns.get(pm.group(0).lower()) if pm else None
        s = c.cue_start + pm.start() if pm else None
        actor = res.last(g if g in ("m", "f", "p") else None, "person" if g in ("m", "f") else None)
        return Speaker(actor, pm.group(0) if pm else None, s, s + len(pm.group(0)) if pm else None, "PRON", g)
    if c.speaker_label == "PRON":     # "по её словам", "selon elle"
        g = gender if gender in ("m", "f", "p") else None
        actor = res.last(g, "person" if g in ("m", "f") else None)
        return Speaker(actor, c.speaker_text, c.speaker_start, c.speaker_end, "PRON", g)
    if c.group is not None:
        spk = res.resolve(c.group, gender)
        if spk.start is not None and spk.mention is None:
            spk.mention = text[spk.start:spk.end]
        return spk
    # no subject written (Spanish pro-drop, "— добавила."), or a quote with no cue: the current speaker
    actor = res.last(gender if gender in ("m", "f") else None) if gender else (res.history[-1][0] if res.history else None)
    return Speaker(actor, None, None, None, None, gender)


def build_statements(cands: list[FCandidate], document: Document, L: Lang, index: ActorIndex,
                     masked: str) -> list[Statement]:
    text = document.text
    pub = parse_iso(document.published)
    res = SpeakerResolver(index, L, date=document.published, text=masked)
    out: list[Statement] = []
    for c in sorted(cands, key=lambda c: c.start):
        spk = _speaker_of(c, res, text, L)
        res.at = c.start
        actor: Actor | None = spk.actor
        s = statement_for(document, text, c, actor, spk.mention, spk.start, spk.end)
        own = date_in(_attribution_text(c, text, masked), pub, L)
        if own is not None:
            s.date, s.date_basis = own[0].isoformat(), own[1]
        s.targets, s.target_actors = _targets(c, text, s.country, L)
        conf = HOW_CONFIDENCE.get(c.how, 0.6)
        if spk.label == "PRON" or spk.mention is None:
            conf -= 0.1
        if actor is None:
            conf = 0.3
        s.confidence = round(max(0.05, min(0.99, conf)), 2)
        _code_by_cue(s, L.code)
        res.remember(actor, spk.gender)
        out.append(s)
    fill_dates(out, document)  # as the English resolver does
    line_day = dateline_date(masked, pub, L)   # read in the article's own language (fill_dates guesses it)
    if line_day is not None:
        for s in out:
            if s.date_basis == "publication":
                s.date, s.date_basis = line_day.isoformat(), "dateline"
    return out


