"""Whom a statement targets: the actors it calls on, urges, accuses, criticizes, warns or threatens.

The NLP stage lists the phrases that may name a target (``Candidate.target_spans``, nlp/target_spans.py:
the cue's object and the entities, pronouns and group nouns of the content, each with its syntactic
role). Here each phrase is resolved to an actor through the article:

- a person's name to the document's person (surnames to the full name, titles dropped), through the
  actor dictionary where it knows them; an organisation, place or nationality through the dictionary
  (capitals and metonyms to their country: "Baku", "the Kremlin"), else an automatic actor;
- "he"/"she"/"his"/"her" to the nearest person before it whose gender fits;
- a group noun ("supporters", "the media") to a group (``group:supporters``), or to a country its
  phrase names ("Russian peacekeepers", "the Azerbaijani authorities"); "both sides", "the parties",
  "the candidates" to the article's two most-mentioned countries (persons for candidates).

Then a logistic model (``data/target_model.json``; ``target_model_named.json`` without the phrase
vectors for the rules extractor, which runs no transformer; both trained by ``python -m saidwhat.train.targets`` on
hand-annotated real news: gold/polnear_targets_train and the tune split of gold/polnear_targets)
scores each resolved actor from the cue's class (``data/target_cues.tsv``: request, accuse, criticize,
warn, question, or plain speech), the phrase's role, the actor's kind, and how negative the words
around it and in the content are (the VADER valence lexicon). Actors at or above the model's threshold
are the statement's targets, and always the addressee of a request cue with what it is asked to do
("urged *Baku* to …") or the accused of an accusation with its charge ("accused *Armenia* of …"):
``addressee_of_request``, the conventions' clearest cases. Never the speaker,
nor the speaker's own country as a country.

``targets`` holds ISO3 codes (a country; a person's or body's country where the dictionary knows it;
an international organisation's own short id, "UN", "EU"); ``target_actors`` holds the actor ids
("AZE", "org:RUS-MFA", "person:hillary-clinton", "group:supporters").
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from saidwhat.actors import ActorIndex, actor_index
from saidwhat.actors.model import Actor
from saidwhat.nlp.candidates import Candidate, Mention, TargetSpan
from saidwhat.resolve.persons import auto_actor, clean_name, gender_of

MODEL = Path(__file__).resolve().parents[1] / "data" / "target_model.json"
MODEL_NAMED = MODEL.with_name("target_model_named.json")  # without the phrase vectors: the rules path
CUE_CLASSES = ("request", "accuse", "criticize", "warn", "question", "speech")
ROLES = ("cue_obj", "first", "subj", "obj", "poss", "pobj", "other")
KINDS = ("person", "org", "country", "group")
MALE = frozenset({"he", "him", "his"})
FEMALE = frozenset({"she", "her", "hers"})
POSSESSIVE = re.compile(r"(?:[\u2019']s|[\u2019'])$")
LEADING = re.compile(r"^(?:the|a|an|his|her|their|its|our|both|all|two)\s+", re.I)
WORDS = re.compile(r"[\w\u2019'-]+")
NEAR = 4          # words either side of a phrase whose valence counts as "near"
ANTECEDENT_CHARS = 1500  # how far back a pronoun looks for its person


@lru_cache(maxsize=1)
def cue_classes() -> dict[str, str]:
    raw = resources.files("saidwhat.data").joinpath("target_cues.tsv").read_text(encoding="utf-8")
    out = {}
    for line in raw.splitlines():
        if line.strip() and not line.startswith("#"):
            lemma, cls = line.split("\t")[:2]
            if cls not in CUE_CLASSES:
                raise ValueError(f"target_cues.tsv: {lemma!r} has class {cls!r}, not one of {CUE_CLASSES}")
            out[lemma.strip().lower()] = cls
    return out


@lru_cache(maxsize=1)
def valences() -> dict[str, float]:
    """word -> VADER valence (-4 … 4), from the vaderSentiment package's own lexicon file."""
    raw = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    out = {}
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                out[parts[0].lower()] = float(parts[1])
            except ValueError:
                continue
    return out


def cue_class(c: Candidate) -> str:
    """The cue's class (data/target_cues.tsv); a question about a topic ("asked about", "commented
    on") is plain speech."""
    lemma = (c.cue or "").lower()
    classes = cue_classes()
    if re.search(r"\b(?:about|regarding|on)\s*$", c.cue_text or "") and lemma not in ("call", "prevail", "urge"):
        return "speech"
    if lemma in classes:
        return classes[lemma]
    for w in (c.cue_text or "").lower().split():  # the tagger's cue span: "is demanding", "accusing her of"
        w = w.strip(".,:;\u2019'")
        for stem in (w, w[:-1], w[:-2], w[:-3], w[:-3] + "e", w[:-2] + "e"):
            if len(stem) > 2 and stem in classes:
                return classes[stem]
    return "speech"


# --------------------------------------------------------------------------- actors of phrases

@dataclass
class Ref:
    """An actor a phrase names, as the statement record keeps it."""
    id: str
    kind: str                 # person | org | country | group
    iso3: str | None = None
    member: bool = False      # one of the actors "both sides" / "the candidates" stands for


class TargetContext:
    """What one article says about its actors: its persons (through the speaker resolver's registry),
    the dictionary, and which countries and persons it mentions most."""

    def __init__(self, text: str, mentions: list[Mention], people, index: ActorIndex | None = None,
                 lex=None, describe=None):
        """``describe(text, pos)``: the actor a role noun stands for (SpeakerResolver.describe)."""
        self.text = text
        self.describe = describe
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.people = people
        self.ix = index if isinstance(index, ActorIndex) else actor_index()
        self.lex = lex
        countries: Counter = Counter()
        persons: Counter = Counter()
        # how often each name is tagged a person: a one-word name the article uses again and again
        # ("Obama", "Remington") is someone; one it uses once ("Universe") may be a misreading
        self.person_counts = Counter(clean_name(m.text) for m in self.mentions if m.label == "PERSON")
        for m in self.mentions:
            if m.label == "PERSON":
                a = people.find(m.text)
                if a is not None:
                    persons[a.id] += 1
            else:
                hit = self.ix.lookup(_bare(m.text))
                if hit is not None and hit[0].country:
                    countries[hit[0].country] += 1
        self.top_countries = [c for c, n in countries.most_common(2) if n >= 2]
        self.top_persons = [p for p, n in persons.most_common(2) if n >= 2]

    def known_person(self, name: str) -> Actor | None:
        """A person the article names elsewhere (or the dictionary knows), for a full name, a name
        with words before it ("Crooked Hillary Clinton", "Miss Universe Alicia Machado"), a surname
        or a first name used alone ("Donald's thin skin")."""
        words = clean_name(name).split()
        # the two last words first ("Hillary Clinton" of "Crooked Hillary Clinton"), then longer tails,
        # then the surname alone
        order = ([len(words) - 2] if len(words) > 2 else []) + [i for i in range(len(words)) if i != len(words) - 2 or len(words) <= 2]
        for i in order:
            sub = " ".join(words[i:])
            a = self.people.find(sub)
            if a is not None and (len(a.name.split()) > 1 or a.origin != "auto"):
                return self._other_name(self._shortest(a), words)
            d = self.people.dictionary(sub)
            if d is not None:
                return self.people.adopt(d)
        if len(words) == 1:
            first = [a for a in self.people.people if len(a.name.split()) > 1 and a.name.split()[0] == words[0]]
            if len({a.id for a in first}) == 1:
                return first[0]
        return None

    def _shortest(self, a: Actor) -> Actor:
        """"Universe Alicia Machado" (a title the recogniser took in) is "Alicia Machado" when the
        article names her so."""
        words = a.name.split()
        if len(words) > 2:
            tail = " ".join(words[-2:])
            for b in self.people.people:
                if b.name == tail:
                    return b
        return a

    def _other_name(self, a: Actor, words: list[str]) -> Actor:
        """An epithet before a first name ("Crooked Hillary") is the article's one person of that
        first name (or surname) with a fuller name."""
        if a.origin != "auto" or not words:
            return a
        last = words[-1]
        others = {b.id: b for b in self.people.people if b.id != a.id and len(b.name.split()) >= 2
                  and last in (b.name.split()[0], b.name.split()[-1]) and a.name.split()[-1] != b.name.split()[-1]}
        return next(iter(others.values())) if len(others) == 1 else a

    def person(self, name: str) -> Actor | None:
        """The article's person a PERSON name denotes; an unknown name of two words or more becomes
        an automatic person, a single unknown word ("Universe", "Twitter") only when the article
        names a person so more than once."""
        a = self.known_person(name)
        if a is not None:
            return a
        name = clean_name(name)
        if len(name.split()) < 2 and self.person_counts.get(name, 0) < 2:
            return None
        hit = self.ix.lookup(name)
        if hit is not None and hit[0].type != "person":
            return None
        return self.people.add(Mention(text=name, start=0, end=len(name), label="PERSON"))

    def _antecedent(self, pos: int, pronoun: str, skip: str | None = None) -> Actor | None:
        """The nearest person before ``pos`` whose gender fits (``skip``: an actor id it cannot be,
        the speaker for the object of the speaker's own cue: "telling *her*")."""
        want = "m" if pronoun in MALE else "f" if pronoun in FEMALE else None
        if want is None:
            return None
        for m in reversed(self.mentions):
            if m.end > pos or m.label != "PERSON":
                continue
            if pos - m.end > ANTECEDENT_CHARS:
                return None
            a = self.known_person(m.text)
            if a is None or len(a.name.split()) < 2 or a.id == skip:
                continue
            g = gender_of(a, self.lex) if self.lex is not None else None
            if g is None or g == want:
                return a
        return None

    def refs(self, span: TargetSpan, speaker: Actor | None = None) -> list[Ref]:
        raw = self.text[span.start:span.end]
        name = _bare(raw)
        if span.label == "PRON":
            skip = speaker.id if speaker is not None and span.role == "cue_obj" else None
            a = self._antecedent(span.start, span.head, skip)
            return [_ref(a)] if a is not None else []
        if span.label == "PERSON":
            a = self.person(name)
            return [_ref(a)] if a is not None else []
        if span.label == "GROUP":
            return self._group(span, name)
        if span.label == "ROLE":  # "the Indiana governor", "the former secretary of state"
            a = self.describe(raw, span.start) if self.describe is not None else None
            return [_ref(a)] if a is not None else []
        if span.label in ("ORG", "NORP", "GPE", "PROPN") and len(name.split()) == 1:
            a = self.known_person(name)  # "Machado" tagged as an organisation
            if a is not None:
                return [_ref(a)]
        hit = self.ix.lookup(name)
        if hit is not None:
            if hit[1] == "adjective" and span.label != "NORP":
                return []
            return [_ref(hit[0])]
        if span.label in ("GPE", "PROPN"):
            return []  # a place the dictionary does not know; a capitalised word that names no one
        a = auto_actor(name, "organization", self.ix)
        return [_ref(a)] if a is not None else []

    def _group(self, span: TargetSpan, name: str) -> list[Ref]:
        from saidwhat.nlp.target_spans import group_nouns
        if group_nouns().get(span.head):
            ids = self.top_persons if span.head in ("candidates", "nominees") else self.top_countries
            if len(ids) == 2:
                return [Ref(id=i, kind="person" if ":" in i else "country", iso3=None if ":" in i else i,
                            member=True) for i in ids]
            return []
        words = WORDS.findall(name)
        for w in words:  # "Russian peacekeepers", "the Azerbaijani authorities"
            hit = self.ix.lookup(w)
            if hit is not None and hit[0].type == "country":
                return [_ref(hit[0])]
        # the group's own words, without names of its owner ("Trump's supporters" → supporters)
        kept = [w.lower() for w in words if not (w[:1].isupper() and POSSESSIVE.search(w))]
        kept = [w for w in kept if w not in ("the", "his", "her", "their", "its", "our", "my", "your", "a", "an")]
        slug = "-".join(re.sub(r"[^\w-]", "", w) for w in kept if re.sub(r"[^\w-]", "", w)) or span.head
        return [Ref(id=f"group:{slug}", kind="group")]


def _bare(s: str) -> str:
    s = POSSESSIVE.sub("", s.strip()).strip()
    return LEADING.sub("", s).strip()


def _ref(a) -> Ref:
    kind = {"organization": "org"}.get(a.type, a.type)
    if kind not in KINDS:
        kind = "org"
    iso = a.country if kind != "country" else (a.country or a.id)
    own = (getattr(a, "affiliation", None) or a.id).split(":", 1)[-1]
    if kind == "org" and not iso and own.isupper():
        iso = own  # an international organisation's own short id ("UN", "EU")
    return Ref(id=a.id, kind=kind, iso3=iso)


# --------------------------------------------------------------------------- features

@dataclass
class TargetCandidate:
    """One actor a statement names, with the features the model scores."""
    ref: Ref
    spans: list[TargetSpan] = field(default_factory=list)
    x: dict[str, float] = field(default_factory=dict)
    context: tuple[int, int] = (0, 0)   # the cue and content it is read in (text offsets)

    def phrase(self, text: str) -> tuple[str, int, int]:
        """(context, start, end) of its first phrase, for the phrase encoder (tagger/text_vectors.py)."""
        a, b = self.context
        s = self.spans[0]
        return text[a:b], s.start - a, s.end - a


def _words_around(text: str, a: int, b: int, lo: int, hi: int) -> list[str]:
    before = WORDS.findall(text[max(lo, a - 60):a])[-NEAR:]
    after = WORDS.findall(text[b:min(hi, b + 60)])[:NEAR]
    return [w.lower() for w in before + after]


def _negativity(words: list[str]) -> float:
    v = valences()
    return sum(-v[w] for w in words if v.get(w, 0.0) < 0)


def _positivity(words: list[str]) -> float:
    v = valences()
    return sum(v[w] for w in words if v.get(w, 0.0) > 0)


OPENING = re.compile(r"(?:(?:that|the|both|his|her|their|its|to|official)\s+)*"
                     r"(?:[A-Z][\w\u2019'.-]*(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+))*", re.I)
NAMES_ONLY = re.compile(r"(?:[^\W\d_][\w\u2019'.-]*(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+))*")


def _opens(text: str, c: Candidate, s: TargetSpan) -> bool:
    """The phrase opens the content, alone or in a list of names ("supporters to monitor …", "Obama
    make a pledge …", "Baku and *Yerevan* to resolve …")."""
    if s.start < c.start:
        return False
    head = text[c.start:s.start]
    if not head.strip():
        return True
    m = OPENING.fullmatch(head)
    if m is None:
        return False
    words = [w for w in re.findall(r"[\w\u2019'.-]+", head) if w.lower() not in ("that", "the", "both", "his", "her",
                                                                              "their", "its", "to", "and", "or", "official")]
    return all(w[:1].isupper() for w in words)


def target_candidates(c: Candidate, text: str, speaker: Actor | None, ctx: TargetContext) -> list[TargetCandidate]:
    """The actors a statement's target phrases name, the speaker left out, with their features."""
    by_id: dict[str, TargetCandidate] = {}
    own_country = speaker.country if speaker is not None else None
    for span in c.target_spans:
        for ref in ctx.refs(span, speaker):
            if speaker is not None and ref.id == speaker.id:
                continue
            if ref.kind == "country" and own_country and ref.iso3 == own_country:
                continue
            if speaker is not None and speaker.type == "country" and ref.iso3 == speaker.id and ref.kind == "country":
                continue
            tc = by_id.setdefault(ref.id, TargetCandidate(ref=ref))
            tc.spans.append(span)
    if not by_id:
        return []
    cls = cue_class(c)
    content = [w.lower() for w in WORDS.findall(text[c.start:c.end])]
    neg_content = min(2.0, _negativity(content) / 4.0)
    pos_content = min(2.0, _positivity(content) / 4.0)
    n = len(by_id)
    lo = min([c.start] + ([c.cue_start] if c.cue_start is not None else []) + [s.start for s in c.target_spans])
    hi = max([c.end] + [s.end for s in c.target_spans])
    for tc in by_id.values():
        tc.context = (lo, hi)
        x: dict[str, float] = {"bias": 1.0, f"cue={cls}": 1.0, f"kind={tc.ref.kind}": 1.0,
                               "neg_content": neg_content, "pos_content": pos_content,
                               "direct": float(c.kind == "direct"), "obj_to": float(c.frame == "obj_to"),
                               "mentions": math.log1p(len(tc.spans)), "others": math.log1p(n - 1),
                               "pronoun": float(all(s.label == "PRON" for s in tc.spans)),
                               "member": float(tc.ref.member)}
        near = 0.0
        roles = set()
        for s in tc.spans:
            roles.add(s.role)
            if s.role != "cue_obj" and _opens(text, c, s):
                roles.add("first")
            near = max(near, _negativity(_words_around(text, s.start, s.end, min(c.start, s.start), max(c.end, s.end))))
            after = text[s.end:s.end + 5].lower()
            if after.startswith(" to "):
                x["to_after"] = 1.0
            elif after.startswith((" of ", " for ")):
                x["of_after"] = 1.0
        for r in roles:
            x[f"role={r}"] = 1.0
        x["neg_near"] = min(2.0, near / 4.0)
        addressed = bool(roles & {"cue_obj", "first"})
        for k in ("request", "accuse", "criticize", "warn", "question"):
            if cls == k:
                x[f"{k}&addressed"] = float(addressed)
        x["neg_near&subj"] = x["neg_near"] * float(bool(roles & {"subj", "poss", "first"}))
        x["neg_content&named"] = neg_content * float(bool(roles & {"subj", "poss", "obj", "first"}))
        tc.x = x
    addressed = [tc for tc in by_id.values() if tc.x.get("role=cue_obj") or tc.x.get("role=first")]
    for tc in by_id.values():  # "called on Baku to … the population of Karabakh": the addressee is the target
        tc.x["other_addressed"] = float(bool(addressed) and tc not in addressed)
    return list(by_id.values())


# --------------------------------------------------------------------------- the model

def addressee_of_request(x: dict[str, float]) -> bool:
    """The unambiguous cases the conventions define, decided without the model: the addressee of a
    request cue with what it is asked to do ("urged *Baku* to reopen …", "called on *both sides* to …"),
    and the accused of an accusation with what it is accused of ("accused *Armenia* of abandoning …",
    "blamed *the media* for …")."""
    if x.get("request&addressed"):
        return bool(x.get("to_after") or x.get("obj_to"))
    if x.get("accuse&addressed") or x.get("criticize&addressed"):
        return bool(x.get("of_after"))
    return False


class TargetModel:
    """Logistic weights over ``TargetCandidate.x`` features and, when trained with them, over the
    context and phrase vectors (tagger/text_vectors.py); the threshold chosen on training data."""

    def __init__(self, weights: dict[str, float], threshold: float = 0.5, meta: dict | None = None,
                 context: list[float] | None = None, phrase: list[float] | None = None):
        self.weights = weights
        self.threshold = threshold
        self.meta = meta or {}
        self.context = np.asarray(context, dtype=np.float32) if context else None
        self.phrase = np.asarray(phrase, dtype=np.float32) if phrase else None

    @property
    def uses_vectors(self) -> bool:
        return self.context is not None or self.phrase is not None

    @classmethod
    def load(cls, path: Path = MODEL) -> TargetModel:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(raw["weights"], raw["threshold"], raw.get("meta"), raw.get("context"), raw.get("phrase"))

    def save(self, path: Path) -> None:
        out = {"weights": self.weights, "threshold": self.threshold, "meta": self.meta}
        for k in ("context", "phrase"):
            v = getattr(self, k)
            if v is not None:
                out[k] = [round(float(x), 5) for x in v]
        Path(path).write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def probability(self, x: dict[str, float], context=None, phrase=None) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in x.items())
        if self.context is not None and context is not None:
            z += float(self.context @ context)
        if self.phrase is not None and phrase is not None:
            z += float(self.phrase @ phrase)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=2)
def target_model(vectors: bool = True) -> TargetModel:
    """The shipped model: with the phrase vectors (the tagger extractors'), or the named features
    alone (the rules extractor's, which runs no transformer; also where the MiniLM base is missing)."""
    if vectors:
        from saidwhat.tagger.bases import BASES
        vectors = BASES["minilm"].available()
    path = MODEL if vectors else MODEL_NAMED
    if not path.exists():
        raise FileNotFoundError(f"the target model {path} is missing: python -m saidwhat.train.targets builds it")
    return TargetModel.load(path)


def phrase_vectors(found: list[TargetCandidate], text: str):
    """(context vectors, phrase vectors) of candidates, one row each (tagger/text_vectors.py)."""
    from saidwhat.tagger.text_vectors import phrase_encoder
    return phrase_encoder().vectors([tc.phrase(text) for tc in found])


def decide(found: list[list[TargetCandidate]], text: str,
           model: TargetModel | None = None) -> list[tuple[list[str], list[str]]]:
    """(ISO3 codes, actor ids) of each statement's candidates the model scores at or above its
    threshold; the vectors of one document's candidates in one batch."""
    model = model or target_model()
    flat = [tc for cands in found for tc in cands]
    ctx = phr = None
    if model.uses_vectors and flat:
        ctx, phr = phrase_vectors(flat, text)
    out = []
    k = 0
    for cands in found:
        isos: list[str] = []
        ids: list[str] = []
        for tc in cands:
            p = model.probability(tc.x, None if ctx is None else ctx[k], None if phr is None else phr[k])
            k += 1
            if p < model.threshold and not addressee_of_request(tc.x):
                continue
            ids.append(tc.ref.id)
            if tc.ref.iso3 and tc.ref.iso3 not in isos:
                isos.append(tc.ref.iso3)
        out.append((isos, ids))
    return out


def chosen_targets(found: list[TargetCandidate], text: str = "",
                   model: TargetModel | None = None) -> tuple[list[str], list[str]]:
    """(ISO3 codes, actor ids) of one statement's candidates the model keeps."""
    return decide([found], text, model)[0]


def targets(c: Candidate, text: str, speaker: Actor | None, ctx: TargetContext,
            model: TargetModel | None = None) -> tuple[list[str], list[str]]:
    """(ISO3 codes, actor ids) of the statement's targets."""
    return chosen_targets(target_candidates(c, text, speaker, ctx), text, model)
