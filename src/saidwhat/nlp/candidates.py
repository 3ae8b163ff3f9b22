"""Plain records the NLP stage hands to the resolve stage (no spaCy objects inside)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TargetSpan:
    """A phrase that may name whom a statement targets: an entity, a pronoun or a group noun in the
    content, or the cue's object ("urged *supporters* to", "accusing *her* of")."""
    start: int
    end: int
    role: str     # cue_obj | subj | obj | poss | pobj | other (its syntax in the statement)
    label: str    # PERSON | ORG | GPE | NORP | PRON | GROUP | ROLE ("the governor") | PROPN (a capitalised word no entity covers)
    head: str     # lower-cased head word ("supporters", "she", "clinton")


@dataclass
class Candidate:
    """An attribution found in a parsed document, before its speaker is resolved."""
    kind: str                       # direct | indirect | mixed
    start: int                      # content span, character offsets
    end: int
    cue: str | None = None          # lemma ("say", "according to")
    cue_text: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    speaker_text: str | None = None  # the mention as written
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_label: str | None = None  # PERSON | ORG | GPE | NORP | PRON | NOUN | None
    speaker_head: str | None = None   # lower-cased head noun of the mention ("spokesperson")
    speaker_names: list[str] = field(default_factory=list)  # PERSON names inside the mention
    negated: bool = False
    frame: str = "comp"             # comp | obj_to | for | obj | according | quote | continuation
    how: str = "parse"              # parse | trailer | leader | same_paragraph | paragraph_speaker | headline
    sent_start: int = 0             # the sentence (or attribution clause) holding the statement
    sent_end: int = 0
    paragraph: int = 0
    object_text: str | None = None  # the addressee of obj_to frames ("Baku and Yerevan")
    object_start: int | None = None
    object_end: int | None = None
    # the mention as written when the speaker fields hold what it stands for: a relative "who" or
    # "which" (PolNeAR's source) whose antecedent names the speaker; (start, end)
    written: tuple[int, int] | None = None
    # the attribution tagger's probability that the content span is exactly right (saidwhat.tagger)
    span_confidence: float | None = None
    # phrases that may name the statement's targets (nlp/target_spans.py); the resolve stage decides
    target_spans: list[TargetSpan] = field(default_factory=list)


@dataclass
class Mention:
    """A named entity or role phrase mentioned in the text (for speaker resolution)."""
    text: str
    start: int
    end: int
    label: str                      # PERSON | ORG | GPE | NORP
    paragraph: int = 0
    role: str | None = None         # role words right before a person ("foreign ministry spokesperson")
    role_country: str | None = None  # the country the role phrase names ("Russia's", "Russian")
    subject: bool = False           # the mention is the subject of its clause
