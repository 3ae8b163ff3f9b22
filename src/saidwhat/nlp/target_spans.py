"""The phrases that may name whom a statement targets, read from the parse (resolve/targets.py decides).

For each candidate: the cue's object ("urged *Baku and Yerevan* to", "accusing *her* of", "called on
*Trump* to"), and inside the content every named entity (person, organisation, place, nationality or
party), third-person pronoun and group noun (``data/target_groups.txt``: "supporters", "the media",
"both sides"), each with its syntactic role: ``cue_obj``, ``subj``, ``obj``, ``poss``, ``pobj`` or
``other`` (whether it opens the content, as "supporters" in "supporters to monitor polling places"
after "urges", the resolve stage reads from the offsets). Plain records (``TargetSpan``): no spaCy object leaves this module.
"""
from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from importlib import resources

from saidwhat.nlp.candidates import Candidate, TargetSpan

LABELS = ("PERSON", "ORG", "GPE", "NORP")
PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "they", "them", "their"})
ROLE_DETERMINERS = frozenset({"the", "this", "that"})
OBJECT_DEPS = frozenset({"dobj", "dative", "iobj", "obj"})
CUE_PREPS = frozenset({"on", "of", "against", "at", "to", "upon", "with", "for"})
ROLE_OF_DEP = {"nsubj": "subj", "nsubjpass": "subj", "csubj": "subj", "dobj": "obj", "attr": "obj",
               "dative": "obj", "oprd": "obj", "poss": "poss", "pobj": "pobj", "agent": "pobj"}


@lru_cache(maxsize=1)
def group_nouns() -> dict[str, bool]:
    """word -> whether it stands for the article's main actors ("sides", "candidates")."""
    out: dict[str, bool] = {}
    raw = resources.files("saidwhat.data").joinpath("target_groups.txt").read_text(encoding="utf-8")
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, *flags = line.split()
            out[word.lower()] = "members" in flags
    return out


def _role(tok) -> str:
    """The syntactic role of a phrase headed by ``tok``."""
    t = tok
    for _ in range(3):  # "the Clinton campaign": climb compounds and appositions to the phrase head
        if t.dep_ in ("compound", "appos", "amod", "conj") and t.head is not t:
            t = t.head
        else:
            break
    return ROLE_OF_DEP.get(t.dep_, "other")


class _Doc:
    """What every candidate of one document reads, gathered once: its entities and role-noun chunks
    by position."""

    def __init__(self, doc):
        self.ents = [(e.start_char, e.end_char, e.label_, e.root) for e in doc.ents if e.label_ in LABELS]
        groups = group_nouns()
        self.chunks = [(ch.start_char, ch.end_char, ch.start, ch.end, ch.root) for ch in doc.noun_chunks
                       if ch.root.pos_ == "NOUN" and ch.root.tag_ == "NN" and ch[0].lower_ in ROLE_DETERMINERS
                       and ch.root.lower_ not in groups]
        self.chunk_starts = [c[0] for c in self.chunks]


def _phrases(doc, a: int, b: int, skip: tuple[int, int] | None = None, known: _Doc | None = None):
    """(start, end, label, head token) of the entities, pronouns and group nouns in [a, b)."""
    known = known or _Doc(doc)
    groups = group_nouns()
    taken: list[tuple[int, int]] = []
    out: list = []
    for e_start, e_end, label, root in known.ents:
        if e_end <= a or e_start >= b:
            continue
        s, t = max(a, e_start), min(b, e_end)
        if skip and s < skip[1] and skip[0] < t:
            continue
        out.append((s, t, label, root))
        taken.append((s, t))
    start = doc.char_span(a, b, alignment_mode="expand")
    if start is None:
        return out
    for tok in start:
        if any(s <= tok.idx < t for s, t in taken) or (skip and skip[0] <= tok.idx < skip[1]):
            continue
        low = tok.lower_
        if tok.pos_ == "PROPN" and tok.is_title and tok.dep_ != "compound":
            # a name the entity recogniser missed ("Machado was …"): the resolve stage keeps it only
            # when it names a person of the article or a dictionary actor
            out.append((tok.idx, tok.idx + len(tok), "PROPN", tok))
        elif low in PRONOUNS and tok.pos_ == "PRON" or (low == "her" and tok.tag_ == "PRP$"):
            out.append((tok.idx, tok.idx + len(tok), "PRON", tok))
        elif low in groups and tok.pos_ in ("NOUN", "PROPN"):
            left = tok
            while left.i > start.start and doc[left.i - 1].dep_ in ("compound", "det", "poss", "case") \
                    and doc[left.i - 1].head.i >= left.i:
                left = doc[left.i - 1]
            out.append((max(a, left.idx), tok.idx + len(tok), "GROUP", tok))
    i = bisect_left(known.chunk_starts, start.start_char)
    while i < len(known.chunks) and known.chunks[i][0] < start.end_char:
        c_start, c_end, _, c_tok_end, root = known.chunks[i]
        i += 1
        if c_end > start.end_char or any(s <= root.idx < t for s, t in taken):
            continue
        # "the Indiana governor", "the former secretary of state": a role noun the resolve stage may
        # tie to the person or body the article described so
        end = c_end
        nxt = doc[c_tok_end] if c_tok_end < len(doc) else None
        if nxt is not None and nxt.lower_ == "of" and nxt.i + 1 < len(doc) and doc[nxt.i + 1].pos_ in ("NOUN", "PROPN"):
            end = doc[nxt.i + 1].idx + len(doc[nxt.i + 1])
        out.append((c_start, min(end, b), "ROLE", root))
    return out


def target_spans(doc, c: Candidate, known: _Doc | None = None) -> list[TargetSpan]:
    """The target phrases of one candidate (see the module docstring)."""
    known = known or _Doc(doc)
    out: list[TargetSpan] = []
    seen: set[tuple[int, int]] = set()
    speaker = (c.speaker_start, c.speaker_end) if c.speaker_start is not None else None

    def add(s: int, e: int, role: str, label: str, head) -> None:
        if (s, e) in seen or e <= s:
            return
        seen.add((s, e))
        out.append(TargetSpan(start=s, end=e, role=role, label=label, head=head.lower_))

    if c.cue_start is not None and c.cue_end is not None:
        cue = doc.char_span(c.cue_start, c.cue_end, alignment_mode="expand")
        if cue is not None and len(cue):
            verb = cue.root
            # objects of the cue outside the content: "urged Baku to", "accused the Kremlin of"
            regions = [(k.left_edge.idx, k.right_edge.idx + len(k.right_edge)) for k in verb.children
                       if k.dep_ in OBJECT_DEPS]
            for p in verb.children:
                if p.dep_ == "prep" and p.lower_ in CUE_PREPS:
                    regions += [(k.left_edge.idx, k.right_edge.idx + len(k.right_edge)) for k in p.children
                                if k.dep_ == "pobj"]
            regions.append((c.cue_start, c.cue_end))  # the tagger's cue may hold the object
            for s, e in regions:
                if s < c.end and c.start < e and not (s < c.start):
                    continue  # inside the content: read below with its content role
                for ps, pe, label, head in _phrases(doc, s, e, speaker, known):
                    add(ps, pe, "cue_obj", label, head)
    for ps, pe, label, head in _phrases(doc, c.start, c.end, speaker, known):
        add(ps, pe, _role(head), label, head)
    return out


def fill_target_spans(doc, cands: list[Candidate]) -> None:
    known = _Doc(doc) if cands else None
    for c in cands:
        c.target_spans = target_spans(doc, c, known)
