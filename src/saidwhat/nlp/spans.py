"""A learned content-span chooser for the "attributions" scope (PolNeAR's).

For a cue token (said, wants, showed, according …) the parse offers a handful of content spans:
complement subtrees, everything right of the cue, the clause minus a parenthetical cue ("The
economy, he said, is weak"), the sentence before an inverted cue ("…, he said."), the adjacent
quotation, the sentence minus "according to X". A linear ranker (averaged perceptron over sparse
features, trained on PolNeAR train by ``python -m saidwhat.train.spans``) picks one, or none.
Cue tokens: rule cues and the tokens the cue detector (densecue.py, else cuemodel.py) scores
above a floor. Candidates are token ranges ``(lo, hi)`` (inclusive) with an optional hole.
Weights ship in ``data/span_model.json.gz``; without them the rules work alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from saidwhat.nlp.cuemodel import CANDIDATE_POS, Perceptron, features, load_model, packaged_json
from saidwhat.nlp.frames import STRIP_END

CHILD_DEPS = ("ccomp", "xcomp", "dobj", "attr", "acl", "prep", "advcl", "oprd", "dative", "pcomp",
              "acomp", "npadvmod", "conj", "relcl", "csubj", "nsubj", "pobj", "advmod", "agent", "appos")
QUOTE_OPEN = set("\u201c\u00ab\u201e\"`")
QUOTE_ANY = set("\u201c\u201d\u201e\u00ab\u00bb\"'`")
NONE = "<none>"


@dataclass
class Cand:
    lo: int
    hi: int
    hole: tuple[int, int] | None = None
    kinds: set = field(default_factory=set)

    def tokens(self) -> list[int]:
        if self.hole is None:
            return list(range(self.lo, self.hi + 1))
        return [i for i in range(self.lo, self.hi + 1) if not (self.hole[0] <= i <= self.hole[1])]

    def key(self):
        return (self.lo, self.hi, self.hole)


def _bucket(n: int) -> str:
    return next((str(b) for b in (1, 2, 3, 5, 8, 13, 21, 34, 55) if n <= b), "big")


def _strip(doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Drop punctuation, spaces and a bare conjunction at the edges (quotation marks are words'
    neighbours, but the scorer ignores them: dropping keeps spans comparable)."""
    while lo <= hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ == "cc"):
        lo += 1
    while hi >= lo and (doc[hi].is_punct or doc[hi].is_space):
        hi -= 1
    return (lo, hi) if lo <= hi else None


def _cue_phrase(t) -> tuple[int, int]:
    """The cue's own tokens next to it: auxiliaries, negation, particles, adverbs ("has also said")."""
    lo = hi = t.i
    for c in t.children:
        if c.dep_ in ("aux", "auxpass", "neg", "prt") or (c.dep_ == "advmod" and abs(c.i - t.i) <= 2):
            if c.i < t.i and c.i >= lo - 3:
                lo = min(lo, c.i)
            elif c.i > t.i and c.i <= hi + 2:
                hi = max(hi, c.i)
    return lo, hi


def _attribution_part(t) -> tuple[int, int]:
    """The cue with its subject and auxiliaries: the hole a parenthetical "he said" leaves."""
    lo, hi = _cue_phrase(t)
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt", "advmod", "npadvmod", "prep", "dobj", "dative", "agent") \
                and not any(g.dep_ in ("ccomp", "relcl") for g in c.subtree if g.i != c.i):
            lo, hi = min(lo, c.left_edge.i), max(hi, c.right_edge.i)
    return lo, hi


def _variants(doc, lo: int, hi: int, s_end: int):
    """Shorter versions of a span: before a non-restrictive relative or participial clause
    (", which …", ", saying …"), before a conjoined verb ("… and calls her …"), without a leading "to"."""
    for k in range(lo + 2, hi + 1):
        if doc[k - 1].text == "," and (doc[k].lower_ in ("which", "who", "whose", "while", "as", "but")
                                       or (doc[k].tag_ == "VBG" and doc[k].dep_ in ("advcl", "xcomp", "acl", "conj"))):
            yield lo, k - 2, "v:cut_clause"
            break
    r = next((doc[i] for i in range(lo, hi + 1) if not lo <= doc[i].head.i <= hi or doc[i].head.i == i), doc[lo])
    for c in r.children:
        if c.dep_ == "conj" and c.i > r.i and c.pos_ in ("VERB", "AUX") and lo < c.i <= hi:
            cc = next((g for g in r.children if g.dep_ == "cc" and r.i < g.i < c.i), None)
            yield lo, (cc.i if cc is not None else c.left_edge.i) - 1, "v:cut_conj"
            break
    if doc[lo].lower_ == "to" and doc[lo].dep_ == "aux" and hi > lo:
        yield lo + 1, hi, "v:no_to"
    if lo < s_end <= hi:
        yield lo, s_end - 1, "v:cut_sent"


def candidates(t, quotes=()) -> list[Cand]:
    """Content candidates of the cue token ``t``: deduplicated by span, each with the ways it was found."""
    doc = t.doc
    sent = t.sent
    s_lo, s_hi = sent.start, sent.end - 1
    out: dict = {}

    def add(lo, hi, kind, hole=None):
        if lo is None or hi is None or lo > hi:
            return
        st = _strip(doc, lo, hi)
        if st is None:
            return
        lo, hi = st
        if hole is not None and not (lo < hole[0] and hole[1] < hi):
            hole = None
        if lo <= t.i <= hi and (hole is None or not hole[0] <= t.i <= hole[1]):
            return  # the cue is never inside its own content
        c = out.get((lo, hi, hole))
        if c is None:
            c = out[(lo, hi, hole)] = Cand(lo, hi, hole)
        c.kinds.add(kind)
        if kind.startswith("v:"):
            return
        for vlo, vhi, vkind in _variants(doc, lo, hi, s_hi + 1 if s_lo <= lo <= s_hi else doc[lo].sent.end):
            add(vlo, vhi, vkind, hole)

    c_lo, c_hi = _cue_phrase(t)
    kids = list(t.children)
    rights = [c for c in kids if c.i > c_hi and c.dep_ not in ("punct",)]
    for c in kids:
        if c.dep_ in CHILD_DEPS:
            add(c.left_edge.i, c.right_edge.i, "kid:" + c.dep_)
            if c.dep_ == "prep":
                add(c.i + 1, c.right_edge.i, "pobj:" + c.lower_)
            if c.i > t.i:
                # from this complement to the end of the cue's subtree ("urged X to do Y")
                add(c.left_edge.i, t.right_edge.i, "from:" + c.dep_)
                # only up to the next conjoined verb
                stop = next((k.i for k in kids if k.i > c.i and k.dep_ in ("conj", "cc")), None)
                if stop is not None:
                    add(c.left_edge.i, stop - 1, "upto_conj:" + c.dep_)
    if rights:
        add(rights[0].left_edge.i, t.right_edge.i, "right_subtree")
    add(c_hi + 1, s_hi, "right_sent")
    # inverted and parenthetical cues: "…, he said." / "The economy, he said, is weak"
    a_lo, a_hi = _attribution_part(t)
    if t.dep_ in ("parataxis", "ccomp", "advcl", "conj") and t.head.i != t.i:
        h = t.head
        add(h.left_edge.i, h.right_edge.i, "head_minus:" + t.dep_, hole=(a_lo, a_hi))
        add(h.left_edge.i, a_lo - 1, "head_left:" + t.dep_)
        add(a_hi + 1, h.right_edge.i, "head_right:" + t.dep_)
    add(s_lo, a_lo - 1, "sent_left")
    add(s_lo, s_hi, "sent_minus", hole=(a_lo, a_hi))
    add(a_hi + 1, s_hi, "sent_right_attr")
    # quotations next to the cue (inside the same sentence, or the next/previous one)
    for (q_lo, q_hi) in quotes:
        if q_hi < s_lo - 40 or q_lo > s_hi + 40:
            continue
        if q_lo > t.i and q_lo - c_hi <= 6:
            add(q_lo, q_hi, "quote_after")
        elif q_hi < t.i and t.i - q_hi <= 6:
            add(q_lo, q_hi, "quote_before")
    # "according to X": the sentence minus the phrase
    if t.lower_ == "according":
        to = doc[t.i + 1] if t.i + 1 < len(doc) else t
        p_hi = max([t.right_edge.i, to.right_edge.i])
        add(p_hi + 1, s_hi, "acc_right")
        add(s_lo, t.i - 1, "acc_left")
        add(s_lo, s_hi, "acc_minus", hole=(t.i, p_hi))
    return list(out.values())


def cand_features(t, c: Cand, lemma_known: bool) -> list[str]:
    doc = t.doc
    n = len(c.tokens())
    lem = t.lemma_.lower() if lemma_known else "<rare>"
    first, last = doc[c.lo], doc[c.hi]
    before = doc[c.lo - 1] if c.lo > 0 else None
    after = doc[c.hi + 1] if c.hi + 1 < len(doc) else None
    side = "R" if c.lo > t.i else ("L" if c.hi < t.i else "A")
    sent = t.sent
    f = []
    base = [f"side={side}", f"len={_bucket(n)}", f"first={first.lower_ if first.is_stop else first.pos_}",
            f"firstdep={first.dep_}", f"last={last.pos_}", f"before={before.text if before is not None and before.is_punct else (before.pos_ if before is not None else '^')}",
            f"after={after.text if after is not None and after.is_punct else (after.pos_ if after is not None else '$')}",
            f"hole={c.hole is not None}", f"sent_end={c.hi >= sent.end - 2}", f"sent_start={c.lo <= sent.start + 1}",
            f"cross={c.lo < sent.start or c.hi >= sent.end}", f"gap={_bucket(max(0, c.lo - t.i, t.i - c.hi))}",
            f"quoted={first.text in QUOTE_ANY or (before is not None and before.text in QUOTE_ANY)}"]
    nxt = doc[c.hi + 2] if c.hi + 2 < len(doc) else None
    lex = [f"fw={first.lower_}", f"lw={last.lower_}", f"aw={after.lower_ if after is not None else '$'}",
           f"bw={before.lower_ if before is not None else '^'}", f"ltag={last.tag_}", f"ftag={first.tag_}",
           f"aw2={after.lower_ if after is not None else '$'}|{nxt.lower_ if nxt is not None else '$'}",
           f"adep={after.dep_ if after is not None else '$'}", f"side={side}|aw={after.lower_ if after is not None else '$'}",
           f"side={side}|fw={first.lower_}"]
    kinds = sorted(c.kinds)
    f += base + lex
    f += [f"k={k}" for k in kinds]
    f += [f"k={k}|lem={lem}" for k in kinds]
    f += [f"k={k}|dep={t.dep_}" for k in kinds]
    f += [f"k={k}|pos={t.pos_}" for k in kinds]
    f += [f"k={k}|{b}" for k in kinds for b in base[:4]]
    f += [f"lem={lem}|side={side}", f"lem={lem}|len={_bucket(n)}", f"nk={min(len(kinds), 4)}"]
    return f


def _score_bin(x: float) -> str:
    for b in (-8, -5, -3, -2, -1, 0, 1, 2, 3, 5, 8):
        if x <= b:
            return str(b)
    return "hi"


def none_features(t, lemma_known: bool, cue_score: float | None = None) -> list[str]:
    lem = t.lemma_.lower() if lemma_known else "<rare>"
    deps = sorted({c.dep_ for c in t.children})
    f = ["none", f"none|cs={_score_bin(cue_score) if cue_score is not None else 'rule'}",
         f"none|cs={_score_bin(cue_score) if cue_score is not None else 'rule'}|known={lemma_known}", f"none|lem={lem}", f"none|pos={t.pos_}", f"none|dep={t.dep_}", f"none|tag={t.tag_}",
         f"none|lem={lem}|dep={t.dep_}", f"none|hlem={t.head.lemma_.lower()}"]
    f += [f"none|kid={d}" for d in deps]
    f += [f"none|lem={lem}|kid={d}" for d in deps if d in ("ccomp", "xcomp", "dobj", "nsubj", "prep", "mark", "acl")]
    return f


class SpanModel:
    """The ranker: weights, the known cue lemmas, and the cue-score floor for candidate cues."""

    def __init__(self, weights=None, lemmas=(), cue_floor: float = 0.0, margin: float = 0.0,
                 cue_gate: float | None = None, cue: str = "perceptron"):
        self.p = Perceptron(weights or {})
        self.lemmas = set(lemmas)
        self.cue_floor = cue_floor
        self.margin = margin  # a candidate must beat "none" by more than this
        # when set, the cue detector's score (> cue_gate) decides cue or not, not the "none" option
        self.cue_gate = cue_gate
        self.cue = cue  # the cue detector whose scores it was trained on: "dense" or "perceptron"

    def known(self, t) -> bool:
        return t.lemma_.lower() in self.lemmas

    def rank(self, t, quotes=(), cue_score: float | None = None) -> tuple[Cand | None, float]:
        """The best candidate for cue ``t`` (None when it has none) and its margin over "none"."""
        k = self.known(t)
        cands = candidates(t, quotes)
        s_none = self.p.score(none_features(t, k, cue_score))
        best, best_s = None, float("-inf")
        for c in cands:
            s = self.p.score(cand_features(t, c, k))
            if s > best_s:
                best, best_s = c, s
        if self.cue_gate is not None:
            ok = cue_score is None or cue_score > self.cue_gate
            return best, (float("inf") if ok else float("-inf"))
        return best, best_s - s_none

    def to_json(self) -> dict:
        return {"weights": dict(sorted(self.p.w.items())), "lemmas": sorted(self.lemmas),
                "cue_floor": self.cue_floor, "margin": self.margin, "cue_gate": self.cue_gate,
                "cue": self.cue}


@lru_cache(maxsize=1)
def load_span_model() -> SpanModel | None:
    data = packaged_json("span_model.json.gz")
    if data is None:
        return None
    return SpanModel(data["weights"], data.get("lemmas", ()), data.get("cue_floor", 0.0), data.get("margin", 0.0),
                     data.get("cue_gate"), data.get("cue", "perceptron"))


def cue_tokens(att, cue_model, floor: float) -> list:
    """Rule cues and "according" (score None), and the tokens ``cue_model`` (densecue.DenseCue,
    batch-scored over ``doc.tensor``, or the perceptron) scores above ``floor``, with their scores."""
    out, rest = [], []
    doc = att.doc
    for t in doc:
        if t.i in att.inq or t.pos_ not in CANDIDATE_POS:
            continue
        if att.is_cue(t) or t.lemma_.lower() in att.lex.decline_verbs or (
                t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to"):
            out.append((t, None))
        elif cue_model is not None:
            rest.append(t)
    if rest:
        scores = cue_model.score_tokens(doc, [t.i for t in rest]) if hasattr(cue_model, "score_tokens") else None
        if scores is None:  # no tok2vec tensor: the perceptron
            pm = cue_model if hasattr(cue_model, "score") else load_model()
            scores = [pm.score(features(t)) for t in rest] if pm is not None else []
        out += [(t, s) for t, s in zip(rest, scores) if s > floor]
        out.sort(key=lambda x: x[0].i)
    return out


def quote_ranges(doc, quotes) -> list[tuple[int, int]]:
    """Token ranges (inclusive, marks included) of the quotations."""
    out = []
    n = len(doc.text)  # (Doc.text joins every token: once, not per quotation)
    for q in quotes:
        hi = (q.close_at if q.close_at is not None else q.end) + 1
        span = doc.char_span(q.open_at, min(hi, n), alignment_mode="expand")
        if span is not None and len(span):
            out.append((span.start, span.end - 1))
    return out


def source_of(att, t):
    """The source token of cue ``t``: its subject, the object of "according to", a noun cue's possessor."""
    doc = att.doc
    if t.lower_ == "according" and t.i + 1 < len(doc):
        to = doc[t.i + 1]
        return next((g for g in to.children if g.dep_ == "pobj"), None) or next(
            (g for g in t.children if g.dep_ == "pobj"), None)
    if t.pos_ in ("NOUN", "PROPN"):
        return next((c for c in t.children if c.dep_ in ("poss", "compound") and c.i < t.i), None)
    for c in t.children:  # "was endorsed by X"
        if c.dep_ == "agent":
            pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    subj = att.subject_of(t)
    if subj is not None:
        return subj
    # a participle under the main verb ("… by saying", "before insisting", ", arguing …"): its subject
    h = t
    for _ in range(4):
        if h.dep_ not in ("advcl", "pcomp", "xcomp", "conj", "pobj", "prep", "acl") or h.head.i == h.i:
            break
        h = h.head
        s = next((c for c in h.children if c.dep_ == "nsubj"), None)
        if s is not None and h.pos_ in ("VERB", "AUX"):
            return s
    return None


def _fallback_source(t, lo: int, hi: int):
    """No subject parsed ("…,” added a Democrat strategist.): a noun next to the cue, outside the content."""
    for c in t.children:
        if c.dep_ in ("dobj", "attr", "npadvmod", "dative", "oprd", "nsubj") and c.pos_ in ("PROPN", "NOUN", "PRON") \
                and not lo <= c.i <= hi and abs(c.i - t.i) <= 6:
            return c
    return None


def _with_relative(c, t, text: str) -> None:
    """PolNeAR's source of "Beck, who said …" is "who": keep both ("Beck, who") in the mention."""
    if t.dep_ != "relcl" or c.speaker_end is None:
        return
    r = next((k for k in t.children if k.dep_ in ("nsubj", "nsubjpass") and k.lower_ in ("who", "which", "that")), None)
    if r is not None and 0 <= r.idx - c.speaker_end <= 3:
        c.speaker_end = r.idx + len(r)
        c.speaker_text = text[c.speaker_start:c.speaker_end]


def span_candidates(att, model: SpanModel, cue_model) -> list:
    """Candidates of the attributions scope from the learned chooser (``Candidate`` records)."""
    doc, text = att.doc, att.text
    quotes = quote_ranges(doc, att.quotes)
    out = []
    for t, score in cue_tokens(att, cue_model, model.cue_floor):
        if t.lemma_.lower() in att.lex.decline_verbs:
            c = att.declined(t)
            if c:
                out.append(c)
                continue
        best, margin = model.rank(t, quotes, score)
        if best is None or margin <= model.margin:
            continue
        a, b = doc[best.lo].idx, doc[best.hi].idx + len(doc[best.hi])
        subj = source_of(att, t) or _fallback_source(t, best.lo, best.hi)
        q = next((q for q in att.quotes if q.open_at <= a and b <= (q.close_at if q.close_at is not None else q.end) + 1), None)
        if subj is not None and subj.i in att.inq:
            subj = None
        if q is not None:
            # a quotation: a direct statement (inside its marks), which the next piece of the same
            # quotation ("“A,” she said. “B.”") can join
            c = att.make("direct", (q.start, q.end), t, subj, "quote", "model", neg=att.negated(t))
            _with_relative(c, t, text)
            out.append(c)
            continue
        # keep the quotation marks around the content (PolNeAR's spans hold them)
        if a > 0 and text[a - 1] in QUOTE_OPEN and text[a:b].count(text[a - 1]) % 2 == 0:
            a -= 1
        while b > a and text[b - 1] in STRIP_END:
            b -= 1
        if b <= a:
            continue
        c = att.make(att.reported_kind((a, b)), (a, b), t, subj, "learned", "model", neg=att.negated(t))
        _with_relative(c, t, text)
        if t.lower_ == "according" and t.i + 1 < len(doc):
            to = doc[t.i + 1]
            c.cue, c.cue_text, c.cue_start, c.cue_end = "according to", text[t.idx:to.idx + len(to)], t.idx, to.idx + len(to)
        out.append(c)
    return out
