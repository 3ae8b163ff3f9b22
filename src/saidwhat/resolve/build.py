"""Turn NLP candidates into resolved ``Statement`` records: speaker actor, date, targets, negation."""
from __future__ import annotations

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.lexicon import lexicon
from saidwhat.models import Document, Statement
from saidwhat.nlp.candidates import Candidate, Mention
from saidwhat.resolve.dates import date_in, fill_dates, parse_iso
from saidwhat.resolve.speakers import SpeakerResolver
from saidwhat.resolve.targets import TargetContext, decide, target_candidates, target_model

HOW_CONFIDENCE = {"trailer": 0.9, "leader": 0.85, "parse": 0.75, "same_paragraph": 0.8,
                  "paragraph_speaker": 0.6, "headline": 0.6}


def _attribution_text(c: Candidate, text: str, quotes_mask: list[tuple[int, int]]) -> str:
    """The sentence around a statement minus its content and quotations: where its date is said."""
    a, b = c.sent_start, max(c.sent_end, c.end)
    if c.cue_start is not None and c.cue_start < c.start and c.kind != "direct":
        b = c.start  # "X said on Monday that …": the date comes before the content, not after it
    chars = list(text[a:b])
    for s, e in [(c.start, c.end), *quotes_mask]:
        for i in range(max(s, a), min(e, b)):
            chars[i - a] = " "
    return "".join(chars)


def build_statements(cands: list[Candidate], mentions: list[Mention], document: Document,
                     quote_spans: list[tuple[int, int]] | None = None,
                     index: ActorIndex | None = None, trace: list | None = None,
                     target_vectors: bool = True) -> list[Statement]:
    """``index``: the actor dictionary (default: shipped + user files, loaded once per process).
    ``trace``: a list that receives ``(statement, target candidates)`` pairs instead of the target
    model's choice (for training that model, train/targets.py). ``target_vectors``: the target model
    that reads phrase vectors (a MiniLM pass per statement with candidates), else the one without."""
    lex = lexicon()
    text = document.text
    pub = parse_iso(document.published)
    index = index or actor_index()
    resolver = SpeakerResolver(mentions, text, lex, index=index, date=pub.isoformat() if pub else None)
    quote_spans = quote_spans or []
    context = TargetContext(text, mentions, resolver.people, index, lex, resolver.describe)
    out: list[Statement] = []
    found: list = []
    resolved: dict[int, object] = {}
    for c in cands:
        src = getattr(c, "inherit_from", None)
        actor = resolved.get(id(src)) if src is not None else None
        if actor is None:
            actor = resolver.resolve(c)
        resolved[id(c)] = actor
        own = date_in(_attribution_text(c, text, quote_spans), pub)
        if c.written is not None:  # "who" as written, resolved through its antecedent
            s = statement_for(document, text, c, actor, text[c.written[0]:c.written[1]], *c.written)
        else:
            s = statement_for(document, text, c, actor, c.speaker_text, c.speaker_start, c.speaker_end)
        if own is not None:
            s.date, s.date_basis = own[0].isoformat(), own[1]
        found.append(target_candidates(c, text, actor, context))
        if trace is not None:  # training the target model: its candidates, not its choice
            trace.append((s, found[-1]))
        conf = c.span_confidence if c.span_confidence is not None else HOW_CONFIDENCE.get(c.how, 0.6)
        if c.speaker_label == "PRON" or (c.speaker_text or "").lower().startswith("the "):
            conf -= 0.1
        if actor is None:
            conf = 0.3
        s.confidence = round(max(0.05, min(0.99, conf)), 2)
        out.append(s)
    if trace is None:
        for s, (isos, ids) in zip(out, decide(found, text, target_model(target_vectors))):
            s.targets, s.target_actors = isos, ids
    fill_dates(out, document)
    return out


def statement_for(document: Document, text: str, c, actor, mention: str | None,
                  mention_start: int | None, mention_end: int | None) -> Statement:
    """A candidate (content, cue, negation) with its speaker mention and resolved actor as a Statement;
    shared by the English and the foreign extractors."""
    s = Statement(doc=document.name, doc_id=document.id, kind=c.kind, quote=text[c.start:c.end],
                  start=c.start, end=c.end, cue=c.cue, cue_text=c.cue_text, cue_start=c.cue_start,
                  cue_end=c.cue_end, speaker_mention=mention, speaker_start=mention_start,
                  speaker_end=mention_end, negated=c.negated)
    if actor is not None:
        s.speaker, s.actor_id, s.actor_type = actor.name, actor.id, actor.type
        s.country, s.sector = actor.country, actor.sector
    return s
