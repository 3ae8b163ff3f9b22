"""Resolve speaker mentions to actors across a document: full names from surnames and misspellings,
pronouns, role nouns ("the spokesperson", "the ministry", "the statement"), metonyms ("Moscow",
"official Washington", "the Kremlin") and offices ("Russia's foreign ministry spokesperson").

The actor dictionary (``saidwhat.actors``) is the one source of actor ids: a mention it knows becomes
its actor (with the office holder on the publication date); an unknown speaker becomes an automatic
actor (``person:<slug>``, ``org:<slug>``, ``group:<slug>``) with the country and role the text gives.
Plain data in, plain data out.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.actors.model import Actor as DictActor
from saidwhat.actors.phoenix import agent_nouns
from saidwhat.lexicon import Lexicon, lexicon
from saidwhat.nlp.candidates import Candidate, Mention
from saidwhat.resolve.persons import (
    DETS,
    Actor,
    PersonRegistry,
    auto_actor,
    clean_name,
    country_in,
    country_word,
    described,
    from_dictionary,
    gender_of,
    plural,
    role_key,
    role_words,
    title_words,
)

PERSON_PRON = {"he", "she", "i", "him", "her"}
GROUP_PRON = {"it", "they", "we"}
# cues with which a news agency carries someone else's words ("Trend reports", "according to Interfax")
REPORT_CUES = {"report", "according to", "cite", "quote", "tell", "write", "publish", "inform", "learn", "carry"}
# an agency as the one spoken to or the channel: "told Interfax", "in an interview with Interfax", "quoted by RIA"
_TO_AGENCY = re.compile(r"(?:\btold|\bto|\bwith|\bby|\bfor)\s+(?:the\s+)?$", re.I)
_BACKSHIFT = re.compile(r"\b(?:had|has|have|would|will|could)\s+$", re.I)  # "… and had stressed"
_DESCRIPTION = re.compile(r"^(?:the|a|an|this|that|his|her|its|their)\s+", re.I)
_GENDERED = {"spokeswoman": "f", "chairwoman": "f", "congresswoman": "f", "businesswoman": "f",
             "spokesman": "m", "chairman": "m", "congressman": "m", "businessman": "m"}
_SAME_ROLE = {"spokeswoman": "spokes", "spokesman": "spokes", "spokesperson": "spokes", "nominee": "nominee",
              "candidate": "nominee"}
# names of news outlets, for "the newspaper", "the paper", "the network"
_OUTLET = re.compile(r"\b(?:Post|Times|News|Journal|Herald|Tribune|Gazette|Globe|Daily|Telegraph|Guardian|"
                     r"Press|Agency|Bloomberg|CNN|BBC|Fox|NBC|CBS|ABC|Politico)\b")
# party words in role phrases, one form each ("the GOP nominee" is "the Republican nominee")
_PARTY = {"gop": "republican", "republicans": "republican", "republican": "republican", "democrat": "democratic",
          "democrats": "democratic", "democratic": "democratic", "libertarian": "libertarian", "green": "green"}
_OWNED = {"campaign", "team", "camp"}   # bodies named after their person ("the Clinton campaign")
_MEDIA_NOUNS = {"newspaper", "paper", "network", "broadcaster", "outlet", "agency", "daily", "magazine"}


# role nouns that name a government body: resolved through the dictionary's offices for the country
ROLE_TITLES = {"foreign ministry": "Foreign Ministry", "foreign affairs ministry": "Foreign Ministry",
               "ministry of foreign affairs": "Foreign Ministry", "defense ministry": "Defense Ministry",
               "defence ministry": "Defense Ministry", "ministry of defense": "Defense Ministry",
               "ministry of defence": "Defense Ministry", "embassy": "Embassy", "parliament": "Parliament",
               "presidency": "Presidency", "cabinet": "Cabinet", "state department": "State Department",
               "mfa": "Foreign Ministry", "foreign office": "Foreign Ministry", "interior ministry": "Interior Ministry",
               "ministry of internal affairs": "Interior Ministry", "security council": "Security Council",
               "national security service": "National Security Service",
               "presidential administration": "Presidential Administration"}


class SpeakerResolver:
    def __init__(self, mentions: list[Mention], text: str, lex: Lexicon | None = None,
                 index: ActorIndex | None = None, date: str | None = None):
        self.lex = lex or lexicon()
        self.ix = index or actor_index()
        self.date = date            # the publication date: who held an office then
        self.text = text
        self.mentions = mentions
        self.people = PersonRegistry(mentions, self.lex, self.ix, date)
        self.history: list[tuple[int, Actor]] = []   # (position, actor) of resolved speakers
        self.spans: list[tuple[int, int, Actor | None]] = []   # content spans of the statements resolved so far
        self.described = described(mentions, text, self.people)
        self._lines = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n" and text[i + 1:i + 2].strip()]

    def paragraph(self, pos: int) -> int:
        """The index of the (non-empty) line holding ``pos``: news paragraphs are lines."""
        return bisect_right(self._lines, pos)

    # dictionary ------------------------------------------------------------------------------
    def actor(self, d: DictActor) -> Actor:
        return self.people.adopt(d) if d.type == "person" else from_dictionary(d, self.ix, self.date)

    def country_actor(self, iso3: str) -> Actor | None:
        d = self.ix.get(iso3)
        return self.actor(d) if d is not None else None

    # most recent actors ------------------------------------------------------------------
    def last(self, pos: int, pred) -> Actor | None:
        for p, a in reversed(self.history):
            if p <= pos and pred(a):
                return a
        return None

    def last_mention(self, pos: int, labels: set[str]) -> Mention | None:
        best = None
        for m in self.mentions:
            if m.start < pos and m.label in labels:
                best = m
        return best

    def context_country(self, pos: int) -> str | None:
        a = self.last(pos, lambda a: a.country is not None)
        if a:
            return a.country
        m = self.last_mention(pos, {"GPE", "NORP"})
        if m:
            return country_word(m.text, self.ix)
        return None

    # resolution -----------------------------------------------------------------------------
    def resolve(self, c: Candidate) -> Actor | None:
        actor = self._resolve(c)
        if actor is not None:
            self.history.append((c.speaker_start if c.speaker_start is not None else c.start, actor))
        self.spans.append((c.start, c.end, actor))
        return actor

    def _resolve(self, c: Candidate) -> Actor | None:
        if c.speaker_start is not None and c.speaker_end is not None and (c.speaker_text or "").strip():
            # "A, Mr. Clarke said, B": a mention right at its cue is an interposed attribution
            at_cue = c.cue_start is not None and c.cue_end is not None and (
                -1 <= c.cue_start - c.speaker_end <= 3 or -1 <= c.speaker_start - c.cue_end <= 3)
            pronoun = (c.speaker_text or "").strip().lower() in PERSON_PRON | GROUP_PRON
            # a mention inside the content of a statement resolved before is not a new speaker: "X said
            # that A and urged B" (the second cue's subject), "we" inside X's quote; but a cue in the
            # reported clause's own tense ("X said that Y had spoken … and had stressed B") is Y's
            outer = next((a for s, e, a in reversed(self.spans)
                          if s <= c.speaker_start and c.speaker_end <= e and (s, e) != (c.start, c.end)), None)
            backshifted = c.cue_start is not None and bool(_BACKSHIFT.search(self.text, max(0, c.cue_start - 12),
                                                                               c.cue_start))
            if outer is not None and (pronoun or not (at_cue or backshifted)):
                return outer
            if c.start <= c.speaker_start < c.end and not at_cue:
                # a person named inside the statement's own content is what it is about, not who said it
                return self._before_cue(c)
        actor = self._resolve_mention(c)
        if actor is not None and actor.sector == "MEDIA" and self._reporter(c):
            # the agency that carried the remark ("told Interfax", "Trend reports") is not the speaker
            return self._before_cue(c, not_media=True)
        return actor

    def _reporter(self, c: Candidate) -> bool:
        pos = c.speaker_start if c.speaker_start is not None else c.start
        return (c.cue or "").lower() in REPORT_CUES or bool(_TO_AGENCY.search(self.text[max(0, pos - 30):pos]))

    def _before_cue(self, c: Candidate, not_media: bool = False) -> Actor | None:
        """The nearest named actor of the sentence before the cue, outside the content ("Clinton, at the
        debate, cited remarks Trump made": Clinton), else None."""
        end = c.cue_start if c.cue_start is not None else c.start
        best = None
        for m in self.mentions:
            if c.sent_start <= m.start and m.end <= end and not (c.start <= m.start < c.end) \
                    and m.label in ("PERSON", "ORG", "GPE") and m.start != c.speaker_start:
                a = self.people.find(m.text) if m.label == "PERSON" else None
                if a is None:
                    hit = self.ix.lookup(m.text)
                    a = self.actor(hit[0]) if hit is not None else None
                if a is not None and not (not_media and a.sector == "MEDIA"):
                    best = a
        return best

    # role nouns ("the Indiana governor", "the Republican", "the commission") ---------------------------
    def describe(self, text: str, pos: int) -> Actor | None:
        """The actor a role noun at ``pos`` stands for ("the Indiana governor", "the commission"), or
        None when ``text`` is no role noun the article resolves (targets.py reads target phrases so)."""
        return self._description(None, text, pos)

    def _description(self, c: Candidate | None, text: str, pos: int) -> Actor | None:
        """A role noun resolved through the article: the person it described earlier (or, failing that, in
        the next paragraphs), else the person the passage is about; a body to the one it named before."""
        if not _DESCRIPTION.match(text) or plural(text):
            return None
        words = role_words(text)
        if not words:
            return None
        head = words[-1]
        two = " ".join(words[-2:])
        nouns = agent_nouns()
        kind = (self.lex.roles.get(two) or self.lex.roles.get(head) or nouns.get(two) or nouns.get(head) or (None, None))[1]
        if kind == "organization":
            return self._body(text, head, pos)
        if kind != "person":
            return None
        if country_in(text, self.ix) is not None or self.ix.resolve(text, date=self.date, fuzzy=False) is not None:
            return None      # an office with its country ("the Kremlin spokesman"): the dictionary's holder
        want = _GENDERED.get(head)
        key = _SAME_ROLE.get(head, head)
        mine = {_PARTY.get(w, w) for w in words}
        parties = mine & set(_PARTY.values())

        def fits(a: Actor) -> bool:
            return a.type == "person" and (want is None or gender_of(a, self.lex) in (None, want))

        def score(ws: set[str]) -> int:
            ws = {_PARTY.get(w, w) for w in ws}
            theirs = ws & set(_PARTY.values())
            if parties and theirs and not parties & theirs:
                return 0      # "the Republican nominee" is not the Libertarian one
            same_head = any(_SAME_ROLE.get(w, w) == key for w in ws)
            return 2 * same_head + len(ws & (mine - {head}))

        here = self.paragraph(pos)
        back = [(score(ws), p, a) for p, a, ws in self.described if p < pos and fits(a)]
        back = [b for b in back if b[0] > 0]
        if any(b[0] >= 2 for b in back):      # described before with this very role noun
            return max(back, key=lambda b: (b[0], b[1]))[2]
        if text.split()[0].lower() in ("a", "an"):
            # "a Homeland Security Department official": the body named in the mention; "a spokeswoman"
            # names someone new
            body = re.search(r"((?:[A-Z][\w.\-]+\s+)+)" + re.escape(text.split()[-1]) + r"$", text)
            if body is None:
                return None
            org = body.group(1).strip()
            hit = self.ix.lookup(org)
            return self.actor(hit[0]) if hit is not None else auto_actor(org, "organization", self.ix)
        # a live blog or a story told backwards: the person described so further on
        ahead = [(score(ws), -abs(self.paragraph(p) - here), a) for p, a, ws in self.described if p > pos and fits(a)]
        ahead = [b for b in ahead if b[0] > 0]
        named = [b for b in ahead if b[0] >= 2]
        if named:
            return max(named, key=lambda b: (b[0], b[1]))[2]
        near = self._topic(pos, fits)
        if near is not None:
            return near
        if back:      # described before with a word of the mention ("Republican Donald Trump")
            return max(back, key=lambda b: (b[0], b[1]))[2]
        return max(ahead, key=lambda b: (b[0], b[1]))[2] if ahead else None

    def _topic(self, pos: int, fits) -> Actor | None:
        """The person the passage is about: the last person who spoke in this or the two paragraphs
        before, else the last person who was a subject there."""
        here = self.paragraph(pos)
        for p, a in reversed(self.history):
            if p < pos and fits(a) and self.paragraph(p) >= here - 2:
                return a
        for m in reversed(self.mentions):
            if m.start < pos and m.label == "PERSON" and m.subject and self.paragraph(m.start) >= here - 2:
                a = self.people.find(m.text)
                if a is not None and fits(a):
                    return a
        return None

    def _body(self, text: str, head: str, pos: int) -> Actor | None:
        """"the commission", "the campaign", "the newspaper": the body of that kind the article named last."""
        for m in reversed(self.mentions):
            if m.start >= pos or m.label not in ("ORG", "GPE", "NORP", "PERSON"):
                continue
            name = m.text.strip()
            if m.label != "PERSON" and re.search(rf"\b{re.escape(head)}\b", name, re.I):
                hit = self.ix.lookup(name)
                return self.actor(hit[0]) if hit is not None else auto_actor(DETS.sub("", name), "organization", self.ix)
            if head in _MEDIA_NOUNS and m.label == "ORG":
                hit = self.ix.lookup(name)
                if (hit is not None and hit[0].sector == "MEDIA") or (hit is None and _OUTLET.search(name)):
                    return self.actor(hit[0]) if hit is not None else auto_actor(DETS.sub("", name), "organization", self.ix,
                                                                                  sector="MEDIA")
        # "Donald Trump's presidential campaign", "the Clinton campaign": a person's body; near the mention,
        # else the body of the person the passage is about, else the last one named
        if head not in _OWNED:
            return None
        here = self.paragraph(pos)
        found = None
        for m in re.finditer(rf"((?:[A-Z][\w.\-]+\s+)*[A-Z][\w.\-]+)(?:[\u2019']s)?\s+(?:[a-z]+\s+)?{re.escape(head)}\b",
                             self.text[:pos]):
            person = self.people.find(m.group(1))
            if person is not None or self.ix.lookup(m.group(1)) is not None:
                found = (m.start(), person, m.group(1))
        owner = None
        if found is not None and self.paragraph(found[0]) >= here - 3:
            owner = found[1] or found[2]
        if owner is None:
            owner = self._topic(pos, lambda a: a.type == "person")
        if owner is None and found is not None:
            owner = found[1] or found[2]
        if owner is None:
            return None
        name = owner.name if isinstance(owner, Actor) else owner
        return auto_actor(f"{name} {head}", "organization", self.ix,
                          country=owner.country if isinstance(owner, Actor) else None)

    def _resolve_mention(self, c: Candidate) -> Actor | None:
        text = (c.speaker_text or "").strip()
        if not text:
            return None
        pos = c.speaker_start if c.speaker_start is not None else c.start
        low = text.lower()
        if c.speaker_label == "PRON" or low in PERSON_PRON | GROUP_PRON:
            if low in PERSON_PRON:
                return self._last_person(pos, low)
            return self.last(pos, lambda a: a.type in ("country", "organization", "group")) or self._place_from_mentions(pos)
        # a person named in the mention; a name that modifies a title ("Clinton spokesman Nick Merrill",
        # "the president's spokesman John Doe") is whose spokesman, not who spoke
        for name in self._head_names(text, c.speaker_names):
            a = self.people.find(name)
            if a is not None:
                return a
        desc = self._description(c, text, pos)
        if desc is not None:
            return desc
        # a name, alias, case form or metonym the dictionary knows ("official Washington", "the Kremlin")
        hit = self.ix.lookup(text)
        if hit is not None:
            return self.actor(hit[0])
        a = self.people.find(text) if text[:1].isupper() and not DETS.match(text) else None
        if a is not None:
            return a
        # an office with its country or seat in the mention ("Russia's foreign ministry spokesperson",
        # "the Kremlin spokesman", "МИД России", "the spokeswoman of the Russian foreign ministry")
        d = self.ix.resolve(text, date=self.date, fuzzy=False)
        if d is not None:
            return self.actor(d)
        role = role_key(text, self.lex)
        country = self._country_in_mention(text, pos)
        if role is not None:
            sector, kind = self.lex.roles[role]
            if kind == "organization" and country is None:
                word = role.split()[-1]
                same = self.last(pos, lambda a: a.type == "organization" and word in a.name.lower())
                if same is not None:
                    return same
            if kind == "person" and plural(text):
                return auto_actor(DETS.sub("", text), "group", self.ix, country=country, sector=sector)
            if kind == "person" and low.split()[0] not in ("a", "an"):   # "a spokeswoman" is someone new
                fits = lambda a: a.type == "person" and (country is None or a.country in (None, country))  # noqa: E731
                same = (self.last(pos, lambda a: fits(a) and any(role in r.lower() for r in a.roles))
                        or self.last(pos, fits))
                if same is not None:
                    return same
                # the holder of the office in the country the text is about ("the foreign minister")
                d = self.ix.resolve(text, context_country=country or self.context_country(pos),
                                    date=self.date, fuzzy=False)
                if d is not None and d.type == "person":
                    return self.actor(d)
            elif role == "statement" and country is None:
                prev = self._issuer_of_statement(pos) or self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("side", "government", "authorities") and country is None:
                prev = self.last(pos, lambda a: a.type in ("organization", "country"))
                if prev is not None:
                    return prev
            elif role in ("government", "side", "authorities") and country is not None:
                found = self.country_actor(country)
                if found is not None:
                    return found
            elif role in ROLE_TITLES:
                ctx = country or self.context_country(pos)
                office = self._office(text, role, sector, ctx) if ctx else None
                if country is None:
                    prev = self.last(pos, lambda a: a.type == "organization" and a.sector == sector)
                    # the body that spoke before, unless the text names another body of its country
                    # ("the foreign ministry said … the embassy said")
                    if prev is not None and not (office is not None and prev.country == office.country
                                                 and prev.id != office.id):
                        return prev
                if office is not None:
                    return office
        if c.speaker_label == "PERSON" or (text[:1].isupper() and len(text.split()) <= 4 and c.speaker_label != "NOUN"):
            name = clean_name(text)
            if name:
                d = self.people.dictionary(name)
                if d is not None:
                    return self.actor(d)
                return auto_actor(name, "person", self.ix, country=country,
                                  sector=self.lex.roles[role][0] if role else None)
        name = DETS.sub("", text)
        head = (c.speaker_head or low.split()[-1]).lower()
        kind = ("group" if c.speaker_label != "ORG" and head.endswith("s") and not head.endswith("ss")
                else "organization")
        return auto_actor(name, kind, self.ix, country=country, sector=self.lex.roles[role][0] if role else None)

    @staticmethod
    def _head_names(text: str, names: list[str]) -> list[str]:
        tw = title_words()
        heads, mods = [], []
        for n in names:
            i = text.find(n)
            after = text[i + len(n):].lstrip() if i >= 0 else ""
            after = re.sub(r"^[\u2019']s\s+", "", after)
            first = after.split()[0].lower().strip(",") if after.split() else ""
            (mods if i >= 0 and first in tw and len(names) > 1 else heads).append(n)
        return heads + mods

    def _office(self, text: str, role: str, sector: str, country: str) -> Actor:
        """A government body of ``country`` named by a role noun ("the foreign ministry")."""
        d = self.ix.resolve(text, context_country=country, date=self.date, fuzzy=False)
        if d is not None and d.type == "organization" and d.country == country:
            return self.actor(d)
        d = self.ix.get(f"org:{country}-{sector}")
        if d is not None:
            return self.actor(d)
        c = self.ix.get(country)
        cname = c.name if c is not None else country
        adj = c.adjectives[0] if c is not None and c.adjectives else cname
        return Actor(id=f"org:{country}-{sector}", name=f"{adj} {ROLE_TITLES[role]}", type="organization",
                     country=country, sector=sector)

    def _issuer_of_statement(self, pos: int) -> Actor | None:
        """"the statement said": whoever the text last said issued a statement."""
        for p, a in reversed(self.history):
            if p < pos and a.type in ("organization", "country") and self.text.rfind("statement", max(0, p - 120), p + 200) != -1:
                return a
        return None

    def _country_in_mention(self, text: str, pos: int) -> str | None:
        if re.search(r"\bthe country'?s?\b|\bits\b", text.lower().replace("\u2019", "'")):
            return self.context_country(pos)
        return country_in(text, self.ix)

    def _last_person(self, pos: int, pronoun: str = "") -> Actor | None:
        """he/she: the later of the last person who spoke and the last person who was the subject
        of a sentence ("Aydemir declined to comment. … he said only that …")."""
        want = {"she": "f", "her": "f", "he": "m", "him": "m"}.get(pronoun)
        fits = lambda a: a.type == "person" and gender_of(a, self.lex) in (None, want)  # noqa: E731
        spoke = None
        for p, a in reversed(self.history):
            if p <= pos and fits(a):
                spoke = (p, a)
                break
        subj = None
        for m in self.mentions:
            if m.start < pos and m.label == "PERSON" and m.subject:
                found = self.people.find(m.text)
                if found is not None and fits(found):
                    subj = (m.start, found)
        if subj is not None and (spoke is None or subj[0] > spoke[0]):
            return subj[1]
        return spoke[1] if spoke else None

    def _place_from_mentions(self, pos: int) -> Actor | None:
        m = self.last_mention(pos, {"GPE", "ORG"})
        if m is None:
            return None
        hit = self.ix.lookup(m.text)
        if hit is not None and hit[0].type != "person":
            return self.actor(hit[0])
        return None
