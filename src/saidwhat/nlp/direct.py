"""Direct quotes: the speaker and cue around each quotation (after it, before it, or carried over
from the paragraph's last speaker), and merging with indirect/mixed candidates.
"""
from __future__ import annotations

import re

from saidwhat.nlp.attribution import MIN_DIRECT_WORDS, Attributor, para_of
from saidwhat.nlp.candidates import Candidate

_WORD = re.compile(r"\w+")


def _words(s: str) -> int:
    return len(_WORD.findall(s))


def _tokens_between(doc, a: int, b: int):
    span = doc.char_span(a, b, alignment_mode="contract")
    return list(span) if span is not None else []


def _trailer_end(att: Attributor, q, next_open: int) -> int:
    """Where the attribution after a quote may end: the sentence end, the next quote, or the paragraph end."""
    text = att.text
    start = (q.close_at or q.end) + 1
    nl = text.find("\n", start)
    end = min(x for x in (nl if nl != -1 else len(text), next_open, len(text)))
    m = re.search(r"[.!?](\s|$)", text[start:end])
    if m:
        end = start + m.end()
    return end


def _leader_start(att: Attributor, q, prev_close: int) -> int:
    text = att.text
    para = att.pstarts[para_of(att.pstarts, q.open_at)]
    a = max(para, prev_close)
    ends = [m.end() for m in re.finditer(r"[.!?]\s", text[a:q.open_at])]
    if ends:
        a = a + ends[-1]
    return a


def _find_cue(att: Attributor, toks, prefer_last: bool):
    cues = [t for t in toks if t.i not in att.inq and att.is_cue(t)]
    if not cues:
        return None, None
    order = reversed(cues) if prefer_last else cues
    for t in order:
        subj = att.subject_of(t)
        if subj is not None and subj.i not in att.inq:
            return t, subj
    # no parsed subject: the nearest name or pronoun next to the cue
    t = cues[-1] if prefer_last else cues[0]
    for cand in sorted(toks, key=lambda x: abs(x.i - t.i)):
        if cand.i in att.inq or cand.i == t.i:
            continue
        if cand.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or cand.lower_ in ("he", "she", "they", "it", "we"):
            if cand.ent_type_:
                # use the entity's last token as head
                ents = [e for e in cand.doc.ents if e.start <= cand.i < e.end]
                if ents:
                    cand = ents[0][-1]
            return t, cand
    return t, None


def direct_candidates(att: Attributor, indirect: list[Candidate]) -> list[Candidate]:
    doc, text = att.doc, att.text
    out: list[Candidate] = []
    covered = [(c.start, c.end) for c in indirect]
    last_in_para: dict[int, Candidate] = {}
    last_speaker: Candidate | None = None
    quotes = att.quotes
    for qi, q in enumerate(quotes):
        qtext = text[q.start:q.end]
        inside_other = any(a <= q.start and q.end <= b + 1 for a, b in covered)
        if inside_other:
            continue
        para = para_of(att.pstarts, q.open_at)
        next_open = quotes[qi + 1].open_at if qi + 1 < len(quotes) else len(text)
        prev_close = (quotes[qi - 1].close_at or quotes[qi - 1].end) + 1 if qi > 0 else 0
        t_end = _trailer_end(att, q, next_open)
        trailer = _tokens_between(doc, (q.close_at or q.end) + 1, t_end)
        cue, subj = _find_cue(att, trailer[:25], prefer_last=False)
        how = "trailer"
        if cue is None:
            l_start = _leader_start(att, q, prev_close)
            leader = _tokens_between(doc, l_start, q.open_at)
            lead_text = text[l_start:q.open_at].rstrip()
            ends_in_cue = bool(leader) and (leader[-1].lower_ == "that" or bool(att.is_cue(leader[-1])))
            if leader and (lead_text.endswith((":", ",")) or len(leader) <= 6 or ends_in_cue):
                cue, subj = _find_cue(att, leader, prefer_last=True)
                how = "leader"
        short = _words(qtext) < MIN_DIRECT_WORDS
        if short and not (cue is not None and how == "trailer" and _starts_sentence(text, q.open_at)):
            continue  # a scare quote or a title, not a statement of its own
        c = Candidate(kind="direct", start=q.start, end=q.end, frame="quote", how=how, paragraph=para)
        c.sent_start, c.sent_end = q.open_at, max(q.end, t_end)
        if cue is not None:
            c.cue, c.cue_text = cue.lemma_.lower(), cue.text
            c.cue_start, c.cue_end = cue.idx, cue.idx + len(cue)
            c.negated = att.negated(cue)
            if subj is not None:
                att.fill_speaker(c, subj)
            if how == "leader":
                c.sent_start = cue.sent.start_char
        else:
            prev = last_in_para.get(para)
            recent = _latest(last_speaker, [i for i in indirect if i.speaker_text and i.start < q.open_at])
            src = prev or (recent if recent is not None and recent.paragraph >= para - 1 else None)
            if src is None or _words(qtext) < MIN_DIRECT_WORDS:
                if src is None and _words(qtext) >= 8 and recent is not None:
                    src = recent
                    c.how = "paragraph_speaker"
                else:
                    continue
            else:
                c.how = "same_paragraph" if prev else "paragraph_speaker"
            for f in ("cue", "cue_text", "speaker_text", "speaker_label", "speaker_head"):
                setattr(c, f, getattr(src, f))
            c.speaker_names = list(src.speaker_names)
            c.speaker_start, c.speaker_end = src.speaker_start, src.speaker_end
            c.cue_start = c.cue_end = None
            c.inherit_from = src  # type: ignore[attr-defined]
        out.append(c)
        last_in_para[para] = c
        if c.speaker_text:
            last_speaker = c
    return out


def _latest(direct: Candidate | None, earlier: list[Candidate]) -> Candidate | None:
    """The most recent attribution with a speaker: the last direct quote's or an indirect one's."""
    best = earlier[-1] if earlier else None
    if direct is not None and (best is None or direct.start > best.start):
        return direct
    return best


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before[-1] in ".!?\n:"


def headline_candidates(att: Attributor) -> list[Candidate]:
    """A title-case first line such as "France Urges Iran to ‘Release Detained Citizens’"."""
    text = att.text
    first_nl = text.find("\n")
    if first_nl <= 0:
        return []
    line = text[:first_nl]
    colon = _colon_headline(att, line, first_nl)
    if colon is not None:
        return [colon]
    if len(line) > 200 or line.rstrip().endswith(".") or sum(w[:1].isupper() for w in line.split()) < len(line.split()) * 0.6:
        return []
    lex = att.lex
    words = list(re.finditer(r"[A-Za-z’']+", line))
    for k, w in enumerate(words[1:6], start=1):
        lw = w.group().lower()
        lemma = lw[:-1] if lw.endswith("s") and lw[:-1] in lex.cues else lw
        if lemma in lex.cues and any(f in lex.cues[lemma] for f in ("obj_to", "comp", "for")):
            spk_a, spk_b = words[0].start(), words[k - 1].end()
            a, b = w.end() + 1, len(line.rstrip())
            if lemma in ("call",) and line[a:a + 4].lower() == "for ":
                a += 4
            if b - a < 3:
                return []
            c = Candidate(kind="mixed" if any(ch in line[a:b] for ch in "\u2018\u201c\"\u00ab") else "indirect",
                          start=a, end=b, cue=lemma, cue_text=w.group(), cue_start=w.start(), cue_end=w.end(),
                          frame="headline", how="headline", sent_start=0, sent_end=first_nl, paragraph=0)
            c.speaker_text, c.speaker_start, c.speaker_end = line[spk_a:spk_b], spk_a, spk_b
            hit = lex.lookup(c.speaker_text)
            c.speaker_label = "GPE" if hit else "NOUN"
            c.speaker_head = c.speaker_text.split()[-1].lower()
            return [c]
    return []


HEADLINE_LABELS = {"note", "update", "updated", "editor's", "editor\u2019s", "analysis", "opinion", "watch", "live",
                   "breaking", "exclusive", "video", "photos", "explainer", "comment", "interview", "q&a", "read",
                   "see", "listen", "podcast", "review", "factbox", "timeline", "correction", "warning"}


def _colon_headline(att: Attributor, line: str, first_nl: int) -> Candidate | None:
    """ "Merkel: Europe must stand together" — a named speaker, a colon, what they said."""
    m = re.match(r"^\s*([A-Z][\w.\u2019'\- ]{1,60}?)\s*:\s+(\S.{8,})$", line)
    if not m:
        return None
    spk_a, spk_b = m.span(1)
    words = m.group(1).split()
    span = att.doc.char_span(spk_a, spk_b, alignment_mode="expand")
    named = span is not None and any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in span)
    looks_named = len(words) <= 3 and all(w[:1].isupper() for w in words) and words[0].lower() not in HEADLINE_LABELS
    if len(words) > 5 or not (named or att.lex.lookup(m.group(1)) or looks_named):
        return None
    a, b = m.span(2)
    b = len(line.rstrip()) if b > len(line.rstrip()) else b
    c = Candidate(kind="direct" if line[a] in "\u201c\"\u2018\u00ab" else "indirect", start=a, end=b,
                  cue="say", cue_text=":", cue_start=spk_b, cue_end=line.index(":", spk_b) + 1,
                  frame="headline", how="headline", sent_start=0, sent_end=first_nl, paragraph=0)
    if c.kind == "direct":
        c.start, c.end = a + 1, (b - 1 if line[b - 1] in "\u201d\"\u2019\u00bb" else b)
    c.speaker_text, c.speaker_start, c.speaker_end = line[spk_a:spk_b], spk_a, spk_b
    ent = next((t.ent_type_ for t in span if t.ent_type_), None) if span is not None else None
    c.speaker_label = ent or ("GPE" if att.lex.lookup(m.group(1)) else "NOUN")
    c.speaker_head = words[-1].lower()
    c.speaker_names = [e.text for e in span.ents if e.label_ == "PERSON"] if span is not None else []
    return c
