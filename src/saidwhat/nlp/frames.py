"""The frames a reporting cue takes, each turned into a Candidate: a clause complement ("said
that …"), an addressee and an infinitive ("called on Baku to …"), "call for X", an object ("expressed
concern"), "declined to comment", "according to X", and cues the learned detector found.

A mixin of ``Attributor`` (attribution.py), which provides the parse helpers these use.
"""
from __future__ import annotations

from saidwhat.nlp.candidates import Candidate

STRIP_END = set(" \n\t.,;:—–-")


class FrameMixin:
    def learned_candidate(self, t) -> Candidate | None:
        """A cue the learned detector found (wants, showed, backed, claim …): its subject is the
        source, its first complement the content."""
        kids = [c for c in t.children if c.i not in self.inq or c.dep_ in ("ccomp", "xcomp", "dobj")]
        if t.pos_ in ("VERB", "AUX", "ADJ"):
            subj = self.subject_of(t)
        else:
            subj = next((c for c in t.children if c.dep_ in ("poss", "compound") and c.i < t.i), None)
        if subj is None:  # polls, reports and studies are sources in this scope
            return None
        comp = None
        for dep in ("ccomp", "xcomp", "dobj", "attr", "acl", "prep"):
            comp = next((c for c in kids if c.dep_ == dep and c.i > t.i), None)
            if comp is not None:
                break
        if comp is None:
            comp = next((c for c in kids if c.dep_ == "ccomp"), None)
        if comp is None:
            return None
        if comp.dep_ == "prep":
            pobj = next((g for g in comp.children if g.dep_ in ("pobj", "pcomp")), None)
            if pobj is None:
                return None
            span = self.trim(comp.idx, comp.right_edge.idx + len(comp.right_edge))
        else:
            span = self.content_from_subtree(comp)
        if not span:
            return None
        return self.make(self.reported_kind(span), span, t, subj, "learned", "model", neg=self.negated(t))

    def cue_candidates(self, t, frames) -> list[Candidate]:
        subj = self.subject_of(t)
        if subj is None or subj.lemma_.lower() in self.lex.non_speakers:
            return []
        if t.dep_ == "relcl" and subj.i == t.head.i and not (subj.ent_type_ or any(x.ent_type_ for x in subj.subtree if x.i < subj.i)
                                                         or subj.lemma_.lower() in self.lex.roles):
            return []
        neg = self.negated(t)
        res = []
        kids = list(t.children)
        if "comp" in frames:
            comp = next((c for c in kids if c.dep_ == "ccomp"), None)
            if comp is not None:
                span = self.content_from_subtree(comp)
                kind = self.quote_kind(*span) if span else None
                if span and kind != "direct":
                    res.append(self.make(kind, span, t, subj, "comp", "parse", neg=neg))
            elif t.dep_ == "parataxis" and t.head.pos_ in ("VERB", "AUX") and t.i > t.head.left_edge.i:
                span = self.content_from_subtree(t.head, exclude=t)
                kind = self.quote_kind(*span) if span else None
                if span and kind != "direct":
                    res.append(self.make(kind, span, t, subj, "comp", "parse", neg=neg))
        if not res and "obj_to" in frames:
            c = self.obj_to(t, subj, neg)
            if c:
                res.append(c)
        if not res and "for" in frames:
            prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "for"), None)
            pobj = next((g for g in prep.children if g.dep_ == "pobj"), None) if prep is not None else None
            if pobj is None:
                pobj = next((c for c in kids if c.dep_ == "dobj" and c.i > t.i), None) if t.lemma_ == "demand" else None
            if pobj is not None:
                if prep is not None:  # all of the preposition's object ("un - blocking" may parse as 3)
                    objs = [g for g in prep.children if g.i > prep.i]
                    lo, hi = min(g.left_edge.i for g in objs), max(g.right_edge.i for g in objs)
                    span = self.trim(self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi]))
                else:
                    span = self.content_from_subtree(pobj)
                if span:
                    res.append(self.make(self.quote_kind(*span), span, t, subj, "for", "parse", neg=neg))
        if not res and "obj" in frames:
            dobj = next((c for c in kids if c.dep_ in ("dobj", "obj") and c.i > t.i), None)
            if dobj is not None and dobj.lower_ not in ("it", "this", "that"):
                hi = dobj.right_edge.i
                for c in kids:
                    if c.dep_ in ("prep", "oprd", "xcomp") and c.i > dobj.i:
                        hi = max(hi, c.right_edge.i)
                span = self.trim(dobj.left_edge.idx, self.doc[hi].idx + len(self.doc[hi]))
                if span:
                    res.append(self.make(self.quote_kind(*span), span, t, subj, "obj", "parse", neg=neg))
        if not res and t.lemma_ == "call":
            # "calling Baku's actions “inadmissible”": a characterisation in quotation marks
            dobj = next((c for c in kids if c.dep_ in ("dobj", "nsubj") and c.i > t.i), None)
            if dobj is not None:
                hi = max([dobj.right_edge.i] + [c.right_edge.i for c in kids if c.i > dobj.i and c.dep_ in ("oprd", "xcomp", "acomp", "ccomp")])
                span = self.trim(dobj.left_edge.idx, self.doc[hi].idx + len(self.doc[hi]))
                if span and self.quote_kind(*span) == "mixed":
                    res.append(self.make("mixed", span, t, subj, "obj", "parse", neg=neg))
        if not res and t.lemma_ in ("warn", "caution"):
            prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ == "against"), None)
            if prep is not None:
                span = self.trim(prep.idx, prep.right_edge.idx + len(prep.right_edge))
                if span:
                    res.append(self.make(self.quote_kind(*span), span, t, subj, "obj", "parse", neg=neg))
        return res

    def declined(self, t) -> Candidate | None:
        """"X declined to comment on Y": a statement reported as not made."""
        comp = next((c for c in t.children if c.dep_ == "xcomp" and c.lemma_.lower() in self.lex.silent_verbs), None)
        subj = self.subject_of(t)
        if comp is None or subj is None:
            return None
        lo = next((c for c in comp.children if c.dep_ == "aux"), comp)
        hi = comp
        for c in comp.rights:  # "comment on the reports", not "… and referred journalists to …"
            if c.dep_ in ("cc", "conj", "punct"):
                break
            hi = c.right_edge
        a, b = lo.idx if lo.i > t.i else comp.idx, hi.idx + len(hi)
        while b > a and self.text[b - 1] in STRIP_END:
            b -= 1
        c = self.make("indirect", (a, b), t, subj, "declined", "parse", neg=True)
        c.cue, c.cue_text = comp.lemma_.lower(), self.text[t.idx:comp.idx + len(comp)]
        c.cue_start, c.cue_end = t.idx, comp.idx + len(comp)
        return c

    def obj_to(self, t, subj, neg) -> Candidate | None:
        kids = list(t.children)
        obj = None
        prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ in ("on", "upon", "to") and c.i > t.i), None)
        if prep is not None:
            obj = next((g for g in prep.children if g.dep_ == "pobj"), None)
        if obj is None:
            obj = next((c for c in kids if c.dep_ in ("dobj", "obj", "dative") and c.i > t.i), None)
        comp = next((c for c in kids if c.dep_ in ("xcomp", "ccomp", "advcl") and c.i > t.i
                     and any(g.lower_ == "to" and g.dep_ == "aux" for g in c.children)), None)
        if comp is None and prep is not None and obj is not None:
            comp = next((c for c in obj.children if c.dep_ in ("acl", "relcl", "xcomp") and c.i > obj.i), None)
        if comp is None:
            # the infinitive may hang under the object ("urged Baku and Yerevan to resolve")
            if obj is not None:
                comp = next((c for c in obj.subtree if c.dep_ in ("xcomp", "acl", "ccomp") and c.i > obj.i
                             and any(g.lower_ == "to" for g in c.children)), None)
        if comp is None:
            nsub = next((c for c in kids if c.dep_ == "ccomp" and c.i > t.i), None)
            if nsub is not None and any(g.dep_ in ("nsubj",) for g in nsub.children):
                comp = nsub
                obj = next(g for g in nsub.children if g.dep_ == "nsubj")
        if comp is None:
            return None
        lo_tok = obj.left_edge if obj is not None else comp.left_edge
        hi_tok = max(comp.right_edge, obj.right_edge if obj is not None else comp.right_edge, key=lambda x: x.i)
        # a quotation mark that opens right before the object is part of the content
        lo = lo_tok.idx
        span = self.trim(lo, hi_tok.idx + len(hi_tok))
        if not span:
            return None
        obj_span = self.doc[obj.left_edge.i:obj.right_edge.i + 1] if obj is not None else None
        return self.make(self.reported_kind(span), span, t, subj,
                         "obj_to", "parse", obj=obj_span, neg=neg)

    def according_to(self, t) -> Candidate | None:
        to = self.doc[t.i + 1]
        pobj = next((g for g in to.children if g.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((g for g in t.children if g.dep_ == "pobj"), None)
        if pobj is None:
            return None
        sent = t.sent
        # the content is the sentence minus the "according to X" phrase
        phrase_lo = t.i
        phrase_hi = pobj.right_edge.i
        root = sent.root
        idxs = [x.i for x in sent if not (phrase_lo <= x.i <= phrase_hi) and not x.is_space]
        if not idxs:
            return None
        # a sentence with its own cue ("..., the spokesman said, according to Reuters"): X only reported it
        if any(self.is_cue(x) and x.i not in self.inq and x.i != t.i and self.subject_of(x) is not None for x in sent):
            return None
        if any(i in self.inq for i in idxs) and phrase_lo > min(idxs) and all(i in self.inq or self.doc[i].is_punct for i in idxs[: max(1, len(idxs) // 2)]):
            return None
        if phrase_lo <= min(idxs):
            span = self.trim(self.doc[phrase_hi + 1].idx, sent.end_char)
        else:
            span = self.trim(self.doc[min(idxs)].idx, self.doc[phrase_lo].idx)
        if not span or root is None:
            return None
        c = self.make(self.reported_kind(span), span, None, None,
                      "according", "parse")
        c.cue, c.cue_text, c.cue_start, c.cue_end = "according to", self.text[t.idx:to.idx + 2], t.idx, to.idx + 2
        c.sent_start, c.sent_end = sent.start_char, sent.end_char
        self.fill_speaker(c, pobj)
        return c
