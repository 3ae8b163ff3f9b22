"""Speakers resolved through the article (issue 33): titles stripped and kept as roles, news agencies as
reporters, role nouns to the person or body named for them, mentions inside a statement's content.
Hand-written texts; candidates and mentions built by hand (no spaCy)."""
from __future__ import annotations

from saidwhat.models import Document
from saidwhat.nlp.candidates import Candidate, Mention
from saidwhat.resolve.build import build_statements
from saidwhat.resolve.persons import clean_name, split_title


def _mention(text: str, name: str, label: str = "PERSON", role: str | None = None, subject: bool = True,
             nth: int = 0) -> Mention:
    at = -1
    for _ in range(nth + 1):
        at = text.index(name, at + 1)
    return Mention(text=name, start=at, end=at + len(name), label=label, role=role, subject=subject)


def _cand(text: str, speaker: str, cue: str, content: str, label: str = "PERSON", lemma: str = "say",
          names: list[str] | None = None, after: int = 0) -> Candidate:
    s = text.index(speaker, after)
    k = text.index(cue, after)
    a = text.index(content, after)
    line_start = text.rfind("\n", 0, min(s, a)) + 1
    line_end = text.index("\n", max(s, a))
    return Candidate(kind="indirect", start=a, end=a + len(content), cue=lemma, cue_text=cue, cue_start=k,
                     cue_end=k + len(cue), speaker_text=speaker, speaker_start=s, speaker_end=s + len(speaker),
                     speaker_label=label, speaker_names=names or [], sent_start=line_start, sent_end=line_end)


def _build(text: str, cands: list[Candidate], mentions: list[Mention], published: str = "2023-05-02"):
    return build_statements(cands, mentions, Document(id="t", source="t.txt", text=text, published=published))


def test_titles_are_stripped_from_names_and_kept_as_roles():
    assert split_title("Spokeswoman Anna Petrosyan") == ("Spokeswoman", "Anna Petrosyan")
    assert split_title("Harbour Authority spokesman Nick Dorn") == ("Harbour Authority spokesman", "Nick Dorn")
    assert split_title("Gov. Ann Blake") == ("Gov.", "Ann Blake")
    assert split_title("Paul Farmer") == ("", "Paul Farmer")       # a surname that is also a noun stays
    assert clean_name("the Spokeswoman Anna Petrosyan's") == "Anna Petrosyan"
    text = ("Spokeswoman Anna Petrosyan said the port would reopen.\n"
            "Petrosyan said the ships were waiting.\n")
    m1 = _mention(text, "Spokeswoman Anna Petrosyan")
    m2 = _mention(text, "Petrosyan", nth=1)
    a, b = _build(text, [_cand(text, "Spokeswoman Anna Petrosyan", "said", "the port would reopen",
                               names=["Spokeswoman Anna Petrosyan"]),
                         _cand(text, "Petrosyan", "said", "the ships were waiting", after=text.index("\n"))],
                  [m1, m2])
    assert a.actor_id == b.actor_id == "person:anna-petrosyan"      # one actor, not two
    assert a.speaker == "Anna Petrosyan"


def test_a_name_that_modifies_a_title_is_not_the_speaker():
    text = "Harbour Authority spokesman Nick Dorn said the quay was closed.\n"
    (s,) = _build(text, [_cand(text, "Harbour Authority spokesman Nick Dorn", "said", "the quay was closed",
                               names=["Harbour Authority", "Nick Dorn"])], [_mention(text, "Nick Dorn")])
    assert s.actor_id == "person:nick-dorn"


def test_a_news_agency_that_carried_the_remark_is_not_the_speaker():
    text = "Jeyhun Bayramov told Trend the talks would go on.\n"
    c = _cand(text, "Trend", "told", "the talks would go on", label="ORG", lemma="tell")
    c.cue_start, c.cue_end = text.index("told"), text.index("told") + 4
    (s,) = _build(text, [c], [_mention(text, "Jeyhun Bayramov"), _mention(text, "Trend", "ORG", subject=False)])
    assert s.actor_id == "person:jeyhun-bayramov"
    # "according to" an agency with no one else named: no speaker rather than the agency
    text2 = "The border will stay open, according to Trend.\n"
    c2 = _cand(text2, "Trend", "according to", "The border will stay open", label="ORG", lemma="according to")
    (s2,) = _build(text2, [c2], [_mention(text2, "Trend", "ORG", subject=False)])
    assert s2.actor_id is None
    # the agency itself quoted ("TASS said in a commentary") stays the speaker
    text3 = "TASS said in a commentary that the vote was a farce.\n"
    (s3,) = _build(text3, [_cand(text3, "TASS", "said", "the vote was a farce", label="ORG")],
                   [_mention(text3, "TASS", "ORG")])
    assert s3.actor_id == "org:TASS"


def test_role_noun_is_the_person_described_so_earlier():
    text = ("Ohio Gov. Ann Blake visited the flooded towns on Monday.\n"
            "Senator Joe Ruiz praised the volunteers.\n"
            "The Ohio governor said the state would pay for the repairs.\n")
    ms = [_mention(text, "Ann Blake", role="Ohio Gov."), _mention(text, "Joe Ruiz", role="Senator")]
    (s,) = _build(text, [_cand(text, "The Ohio governor", "said", "the state would pay for the repairs",
                               label="NOUN")], ms)
    assert s.actor_id == "person:ann-blake"


def test_party_role_noun_is_the_person_of_that_party():
    text = ("Libertarian nominee Rob Vance spoke in Reno.\n"
            "Republican Tom Hale toured a factory in Dayton.\n"
            "The Republican nominee said taxes would fall.\n")
    ms = [_mention(text, "Rob Vance", role="Libertarian nominee"), _mention(text, "Tom Hale", role="Republican")]
    (s,) = _build(text, [_cand(text, "The Republican nominee", "said", "taxes would fall", label="NOUN")], ms)
    assert s.actor_id == "person:tom-hale"       # not the other party's nominee


def test_role_noun_with_no_description_is_the_person_the_passage_is_about():
    text = ("Tom Hale said the plant would stay open.\n"
            "The businessman said he would hire more workers.\n")
    a, b = _build(text, [_cand(text, "Tom Hale", "said", "the plant would stay open"),
                         _cand(text, "The businessman", "said", "he would hire more workers", label="NOUN",
                               after=text.index("\n"))],
                  [_mention(text, "Tom Hale")])
    assert a.actor_id == b.actor_id == "person:tom-hale"


def test_body_role_noun_is_the_body_named_before():
    text = ("The Election Oversight Commission met on Monday.\n"
            "The commission said the count was fair.\n")
    (s,) = _build(text, [_cand(text, "The commission", "said", "the count was fair", label="NOUN")],
                  [_mention(text, "The Election Oversight Commission", "ORG")])
    assert s.actor_id == "org:election-oversight-commission"
    assert s.speaker != "European Commission"


def test_a_name_inside_the_content_is_not_the_speaker():
    text = "Ann Blake, at the hearing, cited remarks Tom Hale had made about the budget.\n"
    c = _cand(text, "Tom Hale", "cited", "remarks Tom Hale had made about the budget")
    (s,) = _build(text, [c], [_mention(text, "Ann Blake"), _mention(text, "Tom Hale", subject=False)])
    assert s.actor_id == "person:ann-blake"


def test_a_mention_inside_an_earlier_statement_takes_its_speaker():
    # "X said A and urged B": the parser may hand the second cue the last name of A as its subject
    text = "Ann Blake wrote that Tom Hale was wrong and urged voters to stay home.\n"
    first = _cand(text, "Ann Blake", "wrote", "Tom Hale was wrong and")
    second = _cand(text, "Tom Hale", "urged", "voters to stay home", lemma="urge")
    a, b = _build(text, [first, second], [_mention(text, "Ann Blake"), _mention(text, "Tom Hale", subject=True)])
    assert a.actor_id == b.actor_id == "person:ann-blake"
