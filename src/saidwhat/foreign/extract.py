"""Attribution candidates in a non-English text, by rules over quotation marks and cue lexicons.

Patterns, per sentence (quotation contents are masked, so cues inside quotes are never read):
  direct    «Q», — заявил X.  |  « Q », a déclaré X.  |  „Q“, sagte X.  |  „Q“, so X.  |  X заявил: «Q»
            — Q, — сказал он.  (dialogue dash)  |  «Q1, — заявил X, — Q2»  (interrupted quote)
            a quote opening a sentence with no cue: the current speaker of the paragraph
  indirect  X заявил, что …  |  X a déclaré que …  |  X sagte, dass … / X sagte, Russland sei …  |  X dijo que …
            …, заявил X.  |  …, a déclaré X.  |  Как заявил X, …  |  По словам X, …  |  Selon X, …  |  Laut X …
            X zufolge …  |  Об этом заявил X (content: the sentence before)  |  X призвал Y …  |  X обвинил Y в …
  mixed     an indirect content holding a partial quotation
  negated   не заявлял / n'a pas appelé / nicht (after a German cue) / no dijo; "отказался от комментариев"
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.foreign.agencies import Agencies
from saidwhat.foreign.dates import dateline_span
from saidwhat.foreign.lexicon import Cue, Lang
from saidwhat.foreign.mentions import STOP_PUNCT, TOKEN, Group, Item, group_near, items_in
from saidwhat.foreign.text import DASHES, Quote, find_quotes, mask, paragraphs, sentences
from saidwhat.nlp.candidates import Candidate


@dataclass
class FCandidate(Candidate):
    """A candidate with its speaker group still unresolved (and the cue's own pronoun, if any)."""
    group: Group | None = None
    cue_pronoun: bool = False
    gender: str | None = None
    pro_drop: bool = False          # no subject written: the current speaker
    reporter: bool = False          # carried by a news agency ("сообщает ТАСС"): the agency is not the speaker


_TRAIL = re.compile(rf"^\s*[,!?.\u2026]?\s*[{DASHES}\-]?\s*$")
_LEAD_COLON = re.compile(r"^\s*:\s*$")


class Extractor:
    def __init__(self, text: str, L: Lang, agencies: Agencies | None = None):
        self.text, self.L, self.agencies = text, L, agencies
        self.quotes: list[Quote] = []
        paras = paragraphs(text)
        line = dateline_span(text, L)
        if line is not None:   # "МОСКВА, 13 марта. /ТАСС/.", "MOSCÚ, 13 mar (EFE).-": no sentence's part
            paras = [(max(a, line), b) for a, b in paras if b > line]
        for a, b in paras:
            self.quotes += find_quotes(text, a, b, L)
        self.masked = mask(text, self.quotes)
        self.sents: list[tuple[int, int, int]] = []   # (start, end, paragraph)
        for pi, (a, b) in enumerate(paras):
            qs = [q for q in self.quotes if a <= q.open < b]
            self.sents += [(s, e, pi) for s, e in sentences(text, self.masked, a, b, qs)]
        self.used_quotes: set[int] = set()
        self.cands: list[FCandidate] = []

    # helpers -------------------------------------------------------------------------------------
    def _clean_end(self, a: int, b: int) -> tuple[int, int]:
        t = self.text
        while b > a and (t[b - 1].isspace() or t[b - 1] in ".;,:!?\u2026" + DASHES):
            b -= 1
        while a < b and (t[a].isspace() or t[a] in ",:" + DASHES):
            a += 1
        return a, b

    def _quotes_in(self, a: int, b: int) -> list[int]:
        return [i for i, q in enumerate(self.quotes) if a <= q.open and q.close < b + 1 and q.start >= a - 1]

    def _items(self, a: int, b: int, sent_start: int) -> list[Item]:
        """``items_in`` with news agencies marked (kind ``agency``): "ТАСС", "dpa", "l'AFP", "агентство"."""
        items = items_in(self.masked, a, b, self.L, sent_start)
        if self.agencies is None:
            return items
        for s, e, _actor in self.agencies.spans(self.masked, a, b, self.L):
            hit = [it for it in items if it.start < e and s < it.end]
            for it in hit:
                it.kind = "agency"
            if not hit:
                prev = re.search(r"([^\W\d_]+)\W*$", self.masked[max(sent_start, s - 20):s])
                obj = bool(prev and prev.group(1).lower() in self.L.prepositions
                           and not self.masked[s - 1:s].isalpha())
                items.append(Item("agency", s, e, self.text[s:e], object=obj))
        items.sort(key=lambda i: i.start)
        return items

    def _group_after(self, pos: int, limit: int, cited: bool = False) -> Group | None:
        """The speaker phrase right after a cue: up to punctuation or a word that ends it (``cited``: after
        "со ссылкой на", where the preposition does not make the name an object). An agency the words
        were told to is passed over ("заявила ТАСС Захарова", "dijo a EFE la portavoz")."""
        m = self.masked
        i = self._past_agency(pos, limit)
        while True:  # skip dates and adverbs between the cue and the speaker ("заявила в четверг Захарова")
            sk = re.compile(r"\s*(?:(?:в|во|на|am|le|el|ce|this)\s+)?(?:" + self.L.date_word_re.pattern + r")\s*,?").match(m, i, limit)
            if not sk:
                sk = re.compile(r"\s*([^\W\d_]+)").match(m, i, limit)
                if not sk or sk.group(1).lower() not in self.L.skip:
                    break
            i = sk.end()
        end, n = i, 0
        for tok in TOKEN.finditer(m, i, limit):
            w = tok.group(0)
            if w in STOP_PUNCT or "_" in w:
                break
            if w == ",":
                app = re.compile(r",\s*((?:[A-ZÀ-ÞА-ЯЁ][\w\-'\u2019.]*\s*){1,4})(?=[.,;!?]|$)").match(m, tok.start(), limit)
                if app and n:
                    end = tok.start() + len(app.group(0).rstrip())
                break
            if w.lower() in self.L.stop_after and n:
                break
            if w.lower() in self.L.stop_after:
                break
            n += 1
            end = tok.end()
            if n >= 12:
                break
        if end <= i and self.L.code == "ru" and re.search(r"ли(?:сь)?$", m[:pos]):
            inst = re.compile(r"\s*во?\s+").match(m, i, limit)     # "сообщили в МИД Ирана"
            if inst:
                items = self._items(inst.end(), limit, inst.end())
                lead = [it for it in items if it.kind == "role" and it.start == inst.end()]
                if lead:
                    near = [it for it in items if it.kind in ("country", "adj") and it.start - lead[0].end <= 1]
                    return Group(lead + near[:1])
        if end <= i:
            return None
        sent_start = self._sent_of(pos)[0]
        items = [it for it in self._items(i, end, sent_start) if it.start >= i]
        if cited:
            for it in items:
                it.object = False
        return group_near(items, m, i, before=False)

    def _past_agency(self, pos: int, limit: int) -> int:
        """``pos``, or the end of an agency right there, with its preposition or article ("a EFE", "à
        l'AFP", "der Nachrichtenagentur dpa", "агентству ТАСС"), when a speaker follows it."""
        if self.agencies is None:
            return pos
        i = pos
        for s, e, _ in self.agencies.spans(self.masked, pos, min(limit, pos + 60), self.L):
            gap = self.masked[i:s].strip().lower()
            words = gap.replace("\u2019", "'").replace("l'", "").split()
            if all(w in self.L.prepositions or w in self.L.articles for w in words) and len(words) <= 2:
                i = e
            else:
                break
        if i > pos and (re.match(r"\s*[,.;:!?]|\s*$", self.masked[i:limit])
                        or (self.L.citing_re is not None and self.L.citing_re.match(self.masked, i))):
            return pos   # "…, сообщает ТАСС." / "сообщает ТАСС со ссылкой на …": the agency is the reporter
        return i

    def _group_before(self, a: int, pos: int) -> Group | None:
        items = self._items(a, pos, a)
        grp = group_near(items, self.masked, pos, before=True)
        if grp is None and self.L.code == "ru":
            # "В Кремле отказались", "В МИД заявили": the institution a plural verb speaks for
            inst = [i for i in items if i.object and i.kind in ("role", "country")
                    and re.search(r"(?:^|\s)во?\s+$", self.masked[max(a, i.start - 4):i.start], re.I)
                    and re.search(r"ли(?:сь)?\b", self.masked[pos:pos + 40])]
            if inst:
                inst[-1].object = False
                grp = Group([inst[-1]])
        return grp

    def _sent_of(self, pos: int) -> tuple[int, int, int]:
        for s in self.sents:
            if s[0] <= pos < s[1]:
                return s
        return self.sents[-1]

    def _negated(self, cue: Cue, cs: int, ce: int, after_end: int) -> bool:
        if cue.negated:
            return True
        L, m = self.L, self.masked
        if L.negator_re and L.negator_re.search(m[max(0, cs - 16):cs]):
            return True
        if L.negators_after_re:
            clause = re.split(r"[,;:]", m[ce:after_end], maxsplit=1)[0]
            if L.negators_after_re.search(clause):
                return True
        return False

    def _add(self, c: FCandidate) -> bool:
        if c.end <= c.start:
            return False
        if c.group is not None and c.group.reporter and not self._reported(c):
            return False
        for o in self.cands:
            if o.start < c.end and c.start < o.end:
                return False
        for qi in self._quotes_in(c.start, c.end):
            self.used_quotes.add(qi)
        self.cands.append(c)
        return True

    def _reported(self, c: FCandidate) -> bool:
        """A candidate whose speaker phrase is a news agency. The agency speaks for itself with a cue
        that names its own act ("ТАСС опроверг …"); otherwise it only carries the words: a content that
        holds its own attribution ("Как сообщает РИА Новости, Лавров заявил, что …") is left to that
        attribution (False); the speaker is the one the agency cites ("со ссылкой на источник в МИД",
        "unter Berufung auf …"), else none."""
        if c.cue in self.L.own_act_cues:
            for it in c.group.items:
                it.kind = "name"
            return True
        inner = self.masked[c.start:c.end]
        if self.L.cue_re.search(inner) or self.L.according_re.search(inner):
            return False
        c.reporter, c.pro_drop, c.cue_pronoun = True, False, False
        cited = self.L.citing_re.match(self.masked, c.group.end) if self.L.citing_re else None
        grp = None
        if cited:
            grp = self._group_after(cited.end(), c.sent_end, cited=True)
            if grp is not None and grp.reporter:
                grp = None
        c.group = grp
        return True

    def _kind(self, a: int, b: int) -> str:
        qs = self._quotes_in(a - 1, b + 1)
        if not qs:
            return "indirect"
        if len(qs) == 1 and self.quotes[qs[0]].start <= a and self.quotes[qs[0]].end >= b:
            return "direct"
        return "mixed"

    def _content(self, a: int, b: int) -> tuple[int, int]:
        """Content span; a content that is exactly one quotation loses its marks."""
        a, b = self._clean_end(a, b)
        t = self.text
        if a < b and t[a] in self.L.quotes:
            for q in self.quotes:
                if q.open == a and q.close >= b - 1:
                    return q.start, q.end
        return a, b

    # the passes ----------------------------------------------------------------------------------
    def run(self) -> list[FCandidate]:
        for si, (sa, sb, pi) in enumerate(self.sents):
            self._decline(sa, sb, pi)
            self._according(sa, sb, pi)
            for cm in self.L.cue_re.finditer(self.masked, sa, sb):
                self._cue(cm, sa, sb, pi, si)
            self._unattributed(sa, sb, pi)
        self.cands.sort(key=lambda c: c.start)
        return self.cands

    def _base(self, kind, a, b, cue: str, cs, ce, sa, sb, pi, how, frame="comp", **kw) -> FCandidate:
        return FCandidate(kind=kind, start=a, end=b, cue=cue, cue_text=self.text[cs:ce], cue_start=cs, cue_end=ce,
                          how=how, frame=frame, sent_start=sa, sent_end=sb, paragraph=pi, **kw)

    def _cue(self, cm: re.Match, sa: int, sb: int, pi: int, si: int) -> None:
        L, m, t = self.L, self.masked, self.text
        cue = L.cues[cm.lastgroup]
        cs, ce = cm.start(), cm.end()
        if any(c.cue_start == cs for c in self.cands):
            return
        neg = self._negated(cue, cs, ce, sb)
        left = m[sa:cs]
        sq = [(i, q) for i, q in enumerate(self.quotes) if sa <= q.open < sb or (q.open < sa and sa <= q.close < sb)]
        # A. a quote right before: «Q», — заявил X.  /  «Q», — X заявил.
        for i, q in reversed([(i, q) for i, q in sq if q.close < cs]):
            if i not in self.used_quotes:
                gap = m[q.close + 1:cs]
                lead = re.match(rf"^\s*[,!?.\u2026]?\s*[{DASHES}\-]?\s*", gap)
                rest = gap[lead.end():]
                if _TRAIL.match(gap) or (rest and len(rest.split()) <= 5 and not re.search(r"[,.;:]", rest)):
                    grp = self._group_after(ce, sb) if not rest.strip() else self._group_before(q.close + 1 + lead.end(), cs)
                    c = self._base("direct", q.start, q.end, cue.lemma, cs, ce, sa, sb, pi, "trailer", "quote",
                                   negated=neg, group=grp, cue_pronoun=cue.pronoun, pro_drop=grp is None)
                    if self._add(c):
                        self._continuation(c, sb)
                    return
            break
        # B. a quote right after: X заявил: «Q»  /  заявила Захарова: «Q»
        for i, q in [(i, q) for i, q in sq if q.open > ce]:
            if i not in self.used_quotes:
                gap = m[ce:q.open]
                if re.match(r"^[^.;!?]{0,80}:\s*$", gap):
                    grp = self._group_before(self._clause_start(sa, cs), cs) or self._group_after(ce, q.open)
                    self._add(self._base("direct", q.start, q.end, cue.lemma, cs, ce, sa, sb, pi, "leader", "quote",
                                         negated=neg, group=grp, cue_pronoun=cue.pronoun, pro_drop=grp is None))
                    return
                break
        right = m[ce:sb]
        # C. complement clause: заявил, что … / a déclaré que … / sagte, dass … / dijo que …
        if "comp" in cue.frames or "obj_to" in cue.frames:
            comp = re.compile(r"([^,.;:]{0,80}?)\s*,?\s*(?:" + L.comp_re.pattern.lstrip("^").replace(r"\s*,?\s*", "", 1) + ")").match(right)
            if comp and not (cue.frames[0] == "obj_to" and comp.group(1).strip() and L.code == "ru"):
                a, b = self._content(ce + comp.end(), sb)
                obj = "obj_to" in cue.frames and comp.group(1).strip()
                grp = self._group_before(self._clause_start(sa, cs), cs)
                if grp is None and not obj:
                    grp = self._group_after(ce, ce + len(comp.group(1)))
                c = self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "parse",
                               "obj_to" if obj else "comp", negated=neg, group=grp, cue_pronoun=cue.pronoun,
                               pro_drop=grp is None)
                if obj:   # pidió a Rusia que …: the addressee sits between the cue and the complementizer
                    c.object_text = comp.group(1).strip()
                    c.object_start = ce + comp.start(1) + (len(comp.group(1)) - len(comp.group(1).lstrip()))
                    c.object_end = c.object_start + len(c.object_text)
                self._add(c)
                return
            if L.comma_comp and "comp" in cue.frames:
                cc = re.match(r"((?:[^,.;:]|(?<=\d)\.){0,60}),\s+(?!(?:der|die|das|welche|den|dem)\s+[a-zäöüß]|(?:welche|wie|als|und|aber)\b)", right)
                grp = None
                if cc and re.search(r",\s*$", m[sa:cs]):   # verb second after a fronted clause: the subject follows
                    grp = self._group_after(ce, ce + len(cc.group(1)))
                grp = grp or self._group_before(self._clause_start(sa, cs), cs)
                if cc and grp is not None:
                    a, b = self._content(ce + cc.end(), sb)
                    self._add(self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "parse", "comp",
                                         negated=neg, group=grp))
                    return
            colon = re.match(r"([^,.;:]{0,60}):\s+(?=\S)", right)
            if colon and "comp" in cue.frames:
                a, b = self._content(ce + colon.end(), sb)
                grp = self._group_before(self._clause_start(sa, cs), cs) or self._group_after(ce, ce + len(colon.group(1)))
                self._add(self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "parse", "comp",
                                     negated=neg, group=grp, pro_drop=grp is None))
                return
        # D. leader: Как заявил X, … / Comme l'a déclaré X, … / Wie X sagte, …
        lead = L.leader_re.search(left)
        if lead:
            grp = self._group_after(ce, sb)
            comma = m.find(",", grp.end if grp else ce, sb)
            if comma > 0:
                before = m[sa:sa + lead.start()].strip()
                a, b = self._content(sa, sa + lead.start()) if len(before.split()) >= 3 else self._content(comma + 1, sb)
                self._add(self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "leader", "comp",
                                     negated=neg, group=grp, cue_pronoun=cue.pronoun))
            return
        # E. trailing: …, — заявил X.  /  …, a déclaré X.  /  …, sagte X.
        tr = re.search(rf",\s*[{DASHES}]?\s*$", left)
        grp_after = self._group_after(ce, sb) if tr else None
        if tr and len(left[:tr.start()].split()) >= 3 and (grp_after is not None or cue.pronoun
                                                           or not m[ce:sb].strip(" .!?\u2026")):
            grp = grp_after
            a, b = self._content(self._clause_start(sa, sa + tr.start(), trailing=True), sa + tr.start())
            self._add(self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "trailer", "comp",
                                 negated=neg, group=grp, cue_pronoun=cue.pronoun, pro_drop=grp is None))
            return
        # F. anaphoric: Об этом заявил X.  (the content is the sentence before)
        if L.anaphoric_re.fullmatch(left) and si > 0:
            pa, pb, ppi = self.sents[si - 1]
            a, b = self._content(pa, pb)
            grp = self._group_after(ce, sb)
            self._add(FCandidate(kind=self._kind(a, b), start=a, end=b, cue=cue.lemma, cue_text=t[cs:ce],
                                 cue_start=cs, cue_end=ce, how="trailer", sent_start=pa, sent_end=sb, paragraph=pi,
                                 negated=neg, group=grp, cue_pronoun=cue.pronoun))
            return
        # G. object frames: призвал Баку и Ереван …, a accusé X de …, rief X auf, …, instó a X a …
        if "obj_to" in cue.frames or "obj" in cue.frames:
            a, b = self._content(ce, sb)
            grp = self._group_before(self._clause_start(sa, cs), cs)
            opens = not re.sub(r"\W+", " ", m[sa:cs]).strip() or (L.negator_re and L.negator_re.fullmatch(m[sa:cs].strip()))
            if b - a >= 3 and (grp is not None or opens):
                c = self._base(self._kind(a, b), a, b, cue.lemma, cs, ce, sa, sb, pi, "parse",
                               "obj_to" if "obj_to" in cue.frames else "obj", negated=neg, group=grp,
                               pro_drop=grp is None)
                am = L.addressee_re.match(self.text[a:b]) if L.addressee_re else None
                addr = am.group(1).strip(" ,") if am else ""
                if addr:
                    s0 = a + am.start(1) + am.group(1).index(addr)
                    c.object_text, c.object_start, c.object_end = addr, s0, s0 + len(addr)
                self._add(c)

    def _clause_start(self, sa: int, pos: int, trailing: bool = False) -> int:
        """Where the clause holding a cue (or a trailing content) starts in its sentence."""
        m = self.masked
        best = sa
        for rx in (r"[;:]\s", rf"[»“\"]\s*[,]?\s*[{DASHES}]\s"):
            for x in re.finditer(rx, m[sa:pos]):
                best = max(best, sa + x.end())
        if trailing:
            acc = self.L.according_re.match(m, best)
            if acc:
                comma = m.find(",", acc.end(), pos)
                if comma > 0:
                    best = comma + 1
        return best

    def _continuation(self, c: FCandidate, sb: int) -> None:
        """«Q1, — сказал он, — Q2»: the second half of an interrupted quote has the same attribution."""
        end = c.group.end if c.group else c.cue_end
        for i, q in enumerate(self.quotes):
            if i in self.used_quotes or q.open < end or q.open > end + 6:
                continue
            if re.match(rf"^\s*,?\s*[{DASHES}]?\s*$", self.masked[end:q.open]):
                c2 = FCandidate(**{**c.__dict__, "start": q.start, "end": q.end})
                self._add(c2)

    def _according(self, sa: int, sb: int, pi: int) -> None:
        L, m = self.L, self.masked
        for rx, g in L.possessive:
            for pm in rx.finditer(m, sa, sb):
                self._according_at(pm, sa, sb, pi, None, gender=g)
        for am in L.according_re.finditer(m, sa, sb):
            if L.leader_re.pattern and re.search(r"(?:как|comme|wie|como)\s*$", m[sa:am.start()], re.I) is None:
                if any(c.cue_start == am.start() for c in self.cands):
                    continue
                if L.cue_re.match(m, am.start()):
                    continue
                self._according_at(am, sa, sb, pi, "after")
        if L.according_after_re:
            for zm in L.according_after_re.finditer(m, sa, sb):
                grp = self._group_before(sa, zm.start())
                a, b = self._content(zm.end(), sb)
                if grp is not None:
                    self._add(self._base(self._kind(a, b), a, b, "according to", zm.start(), zm.end(), sa, sb, pi,
                                         "leader", "according", group=grp))
        if L.trailing_so_re:
            for sm in L.trailing_so_re.finditer(m, sa, sb):
                before = m[sa:sm.start()]
                if not re.search(r"[»“\"«]\s*,\s*$", before):
                    continue
                q = next((i for i, q in enumerate(self.quotes) if q.close < sm.start() and
                          re.match(r"^\s*,\s*$", m[q.close + 1:sm.start()])), None)
                if q is None:
                    continue
                grp = self._group_after(sm.end(), sb)
                qq = self.quotes[q]
                self._add(self._base("direct", qq.start, qq.end, "say", sm.start(), sm.end(), sa, sb, pi, "trailer",
                                     "quote", group=grp))

    def _according_at(self, am: re.Match, sa: int, sb: int, pi: int, where, gender: str | None = None) -> None:
        m = self.masked
        cs, ce = am.start(), am.end()
        grp = None if gender else self._group_after(ce, sb)
        if gender is None and grp is None:
            return
        after_spk = grp.end if grp else ce
        comma = re.match(r"\s*,", m[after_spk:sb])
        before = m[sa:cs]
        if re.search(r",\s*$", before) and len(before.split()) >= 3:   # …, по словам X.
            a, b = self._content(self._clause_start(sa, cs), cs)
        elif comma:                                                    # По словам X, …
            a, b = self._content(after_spk + comma.end(), sb)
        elif self.L.code == "de":                                       # Laut X ist … / Ihr zufolge hat …
            a, b = self._content(after_spk, sb)
        else:
            return
        c = self._base(self._kind(a, b), a, b, "according to", cs, ce, sa, sb, pi, "leader", "according",
                       group=grp, gender=gender)
        if gender:
            c.speaker_text, c.speaker_start, c.speaker_end, c.speaker_label = self.text[cs:ce], cs, ce, "PRON"
        self._add(c)

    def _decline(self, sa: int, sb: int, pi: int) -> None:
        for dm in self.L.decline_re.finditer(self.masked, sa, sb):
            words = list(re.finditer(r"\S+", dm.group(0)))
            verb = next((w for w in words if re.match(r"(?:отказ|воздерж)", w.group(0), re.I)), None)
            if verb is not None and verb is words[-1]:      # "от комментариев отказались"
                cs, ce = dm.start() + verb.start(), dm.start() + verb.end()
                a, b = dm.start(), dm.start() + words[-2].end()
            else:
                split = words[-2].start() if len(words) >= 3 else words[-1].start()
                cs, ce = dm.start(), dm.start() + len(dm.group(0)[:split].rstrip())
                a, b = dm.start() + split, dm.end()
            grp = self._group_before(self._clause_start(sa, min(a, cs)), min(a, cs))
            self._add(self._base("indirect", a, b, "comment", cs, ce, sa, sb, pi, "parse", "obj", negated=True,
                                 group=grp, pro_drop=grp is None))

    def _unattributed(self, sa: int, sb: int, pi: int) -> None:
        """A quotation opening a sentence, with no cue: the current speaker's words."""
        for i, q in enumerate(self.quotes):
            if i in self.used_quotes or not (sa <= q.open < sb):
                continue
            if self.masked[sa:q.open].strip(" " + DASHES) == "" and len(self.text[q.start:q.end].split()) >= 4:
                self._add(FCandidate(kind="direct", start=q.start, end=q.end, how="paragraph_speaker", frame="quote",
                                     sent_start=sa, sent_end=sb, paragraph=pi, pro_drop=True))

