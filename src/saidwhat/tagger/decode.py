"""From word-piece tags to attributions: BIO decoding under constraints, then grouping the tagged runs
(content pieces, cues, sources) into attributions by where they stand. Plain data in, plain data out."""
from __future__ import annotations

import re

import numpy as np

TAGS = ("O", "B-C", "I-C", "B-S", "I-S", "B-Q", "I-Q")  # content, source, cue (Q)
WORD = re.compile(r"\w")
QUOTE = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]|''|``")


# allowed[i, j]: tag j may follow tag i (an I- tag only after its own B- or I-)
ALLOWED = np.ones((len(TAGS), len(TAGS)), dtype=bool)
for _j, _t in enumerate(TAGS):
    if _t.startswith("I-"):
        ALLOWED[:, _j] = False
        ALLOWED[_j - 1, _j] = ALLOWED[_j, _j] = True
START_OK = np.array([not t.startswith("I-") for t in TAGS])
FORBIDDEN = np.where(ALLOWED, 0.0, -1e9).astype(np.float32)  # added to transition scores


def viterbi(logp: np.ndarray, learned: np.ndarray | None = None) -> list[int]:
    """The best tag sequence under the BIO constraints (log-probabilities, pieces x tags), plus a
    tagger's learned tag-to-tag scores (``learned``, tags x tags) when it has them."""
    n = len(logp)
    if not n:
        return []
    trans = FORBIDDEN if learned is None else FORBIDDEN + learned
    score = np.where(START_OK, logp[0], -1e9)
    back = np.zeros((n, len(TAGS)), dtype=np.int8)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(0)
        score = cand.max(0) + logp[i]
    out = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        out.append(int(back[i, out[-1]]))
    return out[::-1]


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    m = x.max(axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis, keepdims=True))).squeeze(axis)


def run_probabilities(logp: np.ndarray, learned: np.ndarray | None, tags: list[int]) -> list[float]:
    """For each content run of ``tags`` (B-C then I-C pieces), the probability under the tagger's
    linear-chain model (``logp`` plus the BIO constraints and ``learned`` transitions) that a content
    run starts and ends exactly there, whatever the other pieces are: forward-backward sums over all
    sequences with B-C at its first piece, I-C through its last and no I-C after. On PolNeAR dev the
    accurate tagger's figure is close to how often such a span matches the gold exactly."""
    n, k = logp.shape
    b_c, i_c = TAGS.index("B-C"), TAGS.index("I-C")
    # the runs spans_of finds, as (first, last) piece indices
    runs = [(a, b - 1) for role, a, b in spans_of(tags, [(t, t + 1) for t in range(n)]) if role == "C"]
    if not runs:
        return []
    lp = logp.astype(np.float64)
    trans = FORBIDDEN.astype(np.float64) + (0.0 if learned is None else learned)
    fwd = np.empty((n, k))
    bwd = np.zeros((n, k))
    fwd[0] = np.where(START_OK, lp[0], -1e9)
    for t in range(1, n):
        fwd[t] = _logsumexp(fwd[t - 1][:, None] + trans, 0) + lp[t]
    for t in range(n - 2, -1, -1):
        bwd[t] = _logsumexp(trans + (lp[t + 1] + bwd[t + 1])[None, :], 1)
    total = _logsumexp(fwd[-1], 0)
    not_inside = np.arange(k) != i_c
    out = []
    for i, j in runs:
        s = (_logsumexp(fwd[i - 1] + trans[:, b_c], 0) if i else 0.0) + lp[i, b_c]
        if j > i:
            s += trans[b_c, i_c] + (j - i - 1) * trans[i_c, i_c] + lp[i + 1:j + 1, i_c].sum()
        if j < n - 1:  # the next piece is anything but I-C
            s += _logsumexp((trans[b_c if j == i else i_c] + lp[j + 1] + bwd[j + 1])[not_inside], 0)
        out.append(float(np.exp(min(s - total, 0.0))))
    return out


def spans_of(tags, offsets) -> list[tuple[str, int, int]]:
    """(role, start, end) runs of B-/I- tags, in text order; role is C, S or Q."""
    out: list[list] = []
    for t, (s, e) in zip(tags, offsets):
        name = TAGS[t]
        if name == "O":
            continue
        if name.startswith("B-") or not out or out[-1][0] != name[2:]:
            out.append([name[2:], s, e])
        else:
            out[-1][2] = e
    return [tuple(x) for x in out]


SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]*\s+[\"'\u201c\u2018]*[A-Z]")


def _sentence_break(text: str, a: int, b: int) -> bool:
    """A sentence ends between a and b (the capital that starts the next one may lie at b)."""
    if "\n" in text[a:b]:
        return True
    m = SENTENCE_END.search(text, a, min(len(text), b + 3))
    return m is not None and m.start() < b


def group(text: str, items: list[tuple[str, int, int]], reach: int = 200) -> list[dict]:
    """Attributions from tagged runs: {"content": [(s, e), ...], "cue": (s, e) | None, "source": …}.

    Runs touch when only sources and punctuation stand between them, in one paragraph. A cue between
    two touching contents that have no other cue joins them as the pieces of one attribution ("“A,”
    she said, “B.”"; "RT can seem like …"; a cue after B that has content of its own after it does
    not count); otherwise a cue takes the content right after it in its sentence ("X said that …"),
    else the one right before it ("…, X said"). A content with no cue continues the attribution
    before it when that one's cue stands between them (but not when another cue, still free, stands
    there too: "“A,” she said, adding “B”"), or when nothing but spaces and punctuation does (a
    paragraph break: a quotation after a quotation, a report after a report); a quotation after a
    reported content nested in a split quote continues the quote ("“A,” said X, referring to N.
    “B.”": B goes with A). What is left takes the nearest free cue of its sentence. The source is the
    nearest free source run by the cue. Content with no cue at all is dropped unless it is a
    quotation."""
    def words_between(a: int, b: int) -> bool:
        return b > a and bool(WORD.search(text, a, b))

    def touch(i: int, j: int, forward: bool = False) -> bool:
        """items i < j touch (only sources and punctuation between, one paragraph; for a cue
        before its content, one sentence too)."""
        gap = text[items[i][2]:items[j][1]]
        if "\n" in gap:
            # one paragraph, even for "X added:" and the paragraph after it: letting such a cue take
            # that paragraph was a wash on PolNeAR dev (accurate tagger +1 exact match, fast one -2),
            # as it takes quotations whose own cue stands after them
            return False
        if forward and _sentence_break(text, items[i][2], items[j][1]):
            return False
        last = items[i][2]
        for k in range(i + 1, j):
            if items[k][0] == "C" or words_between(last, items[k][1]):
                return False
            last = items[k][2]
        return not words_between(last, items[j][1])

    n = len(items)
    kind = [it[0] for it in items]
    cues = [k for k in range(n) if kind[k] == "Q"]
    after = {q: next((k for k in range(q + 1, n) if kind[k] != "S"), None) for q in cues}
    before = {q: next((k for k in range(q - 1, -1, -1) if kind[k] != "S"), None) for q in cues}
    right = {q: after[q] if after[q] is not None and kind[after[q]] == "C" and touch(q, after[q], True) else None
             for q in cues}
    left = {q: before[q] if before[q] is not None and kind[before[q]] == "C" and touch(before[q], q) else None
            for q in cues}
    cue_right_of = {left[q]: q for q in cues if left[q] is not None}   # content -> the cue just after it
    cue_left_of = {right[q]: q for q in cues if right[q] is not None}  # content -> the cue just before it
    for q in cues:  # or before it in its sentence with words between ("X said on Monday that …")
        c = after[q]
        if c is not None and kind[c] == "C" and c not in cue_left_of and items[c][1] - items[q][2] <= 60 \
                and not _sentence_break(text, items[q][2], items[c][1]):
            cue_left_of[c] = q
    owner: dict[int, int] = {}  # content -> cue, or -1 for a further piece
    attr: dict[int, list[int]] = {}  # first content -> its pieces
    used: set[int] = set()
    for q in cues:  # the cue between two pieces of one attribution
        a, b = left[q], right[q]
        after_b = cue_right_of.get(b)  # a cue after b that takes content of its own after it leaves b
        if a is not None and b is not None and a not in owner and cue_left_of.get(a) is None \
                and (after_b is None or right[after_b] is not None):
            owner[a], owner[b] = q, -1
            attr[a] = [a, b]
            used.add(q)
    for side in (right, left):  # then a cue's content after it, then before it
        for q in cues:
            c = side[q]
            if q not in used and c is not None and c not in owner:
                owner[c] = q
                attr[c] = [c]
                used.add(q)
    contents = [k for k in range(n) if kind[k] == "C"]
    root_of = {c: c for c in attr}

    def quoted(k: int) -> bool:
        return bool(QUOTE.search(text, items[k][1], items[k][2]))

    def further_root(i: int, prv: int, c: int) -> int | None:
        """The attribution content c goes on (prv: the content before it, contents[i]), or None."""
        opens_quote = bool(QUOTE.match(text, items[c][1]))
        if i and opens_quote and not quoted(prv):
            a = contents[i - 1]  # "“A,” said X, referring to N. “B.”": B goes on A, not on N
            if a in root_of and quoted(a) and all(kind[k] in "SQ" for k in range(a + 1, prv)) \
                    and "\n" not in text[items[a][2]:items[c][1]] and not WORD.search(text, items[prv][2], items[c][1]):
                return root_of[a]
        root = root_of[prv]
        q = owner[root]
        gap = text[items[prv][2]:items[c][1]]
        between = range(prv + 1, c)
        if not WORD.search(gap) and not between:
            # across a paragraph break, a quotation goes on from a quotation, a report from a report
            # (not a headline's "… On Donald Trump" into the quotation of the paragraph after it)
            return root if "\n" not in gap or quoted(prv) == opens_quote else None
        if q in between and "\n" not in gap and all(kind[k] in "SQ" for k in between) \
                and not any(kind[k] == "Q" and k != q and k not in used for k in between):
            return root  # its cue between, and no other cue still free there ("“A,” she said, adding “B”")
        return None

    for i, (prv, c) in enumerate(zip(contents, contents[1:])):  # further pieces
        if c in owner or prv not in root_of:
            continue
        root = further_root(i, prv, c)
        if root is not None:
            attr[root].append(c)
            owner[c] = -1
            root_of[c] = root
    for c in contents:  # left over: the nearest free cue of the sentence
        if c in owner:
            continue
        best = None
        for q in cues:
            if q in used:
                continue
            lo, hi = sorted((items[q], items[c]), key=lambda it: it[1])
            gap = hi[1] - lo[2]
            if 0 <= gap <= reach and not _sentence_break(text, lo[2], hi[1]) and \
                    not any(kind[k] == "C" for k in range(min(q, c) + 1, max(q, c))):
                if best is None or gap < best[0]:
                    best = (gap, q)
        owner[c] = best[1] if best is not None else None
        attr[c] = [c]
        if best is not None:
            used.add(best[1])
        root_of[c] = c
    taken: set[int] = set()
    out = []
    for c in sorted(attr):
        q = owner.get(c)
        rec = {"content": [(items[k][1], items[k][2]) for k in attr[c]], "cue": None, "source": None}
        if q is not None and q >= 0:
            rec["cue"] = (items[q][1], items[q][2])
            rec["source"] = _source_for(text, items, q, attr[c], taken)
        elif not any(QUOTE.search(text, a, b) for a, b in rec["content"]):
            continue  # reported content needs a cue; a quotation may still find its speaker
        out.append(rec)
    return out


def _source_for(text: str, items, q: int, parts: list[int], taken: set[int]):
    """The source run nearest the cue (q), not across a content run, within a short reach."""
    best = None
    for k, it in enumerate(items):
        if it[0] != "S" or k in taken:
            continue
        lo, hi = sorted((k, q))
        if any(items[m][0] == "C" for m in range(lo + 1, hi)):
            continue
        gap = items[hi][1] - items[lo][2]
        if gap > 120 or (gap > 0 and _sentence_break(text, items[lo][2], items[hi][1])):
            continue
        if best is None or gap < best[0]:
            best = (gap, k)
    if best is None:
        # a source shared with an earlier attribution ("X said A, arguing B"): the nearest source
        # before the cue in its sentence, used or not
        for k in range(q - 1, -1, -1):
            if items[k][0] == "S" and items[q][1] - items[k][2] <= 300 and \
                    not _sentence_break(text, items[k][2], items[q][1]):
                return (items[k][1], items[k][2])
        return None
    taken.add(best[1])
    return (items[best[1]][1], items[best[1]][2])
