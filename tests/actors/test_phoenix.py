"""The actor dictionary grown from the Phoenix dictionaries (tools/import_phoenix.py): officials by full
name with country and dated roles, read lazily, curated rows first, no one-word matches."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from saidwhat.actors import ActorIndex
from saidwhat.actors.phoenix import agent_nouns
from saidwhat.resolve.persons import from_dictionary

TOOL = Path(__file__).resolve().parents[2] / "tools" / "import_phoenix.py"


@pytest.fixture(scope="module")
def ix():
    return ActorIndex.load(user=False)


def test_phoenix_official_by_full_name_with_country_and_role_at_a_date(ix):
    a = ix.resolve("Andrei Gromyko", fuzzy=False)
    assert a is not None and (a.id, a.country, a.origin) == ("person:andrey-gromyko", "RUS", "phoenix")
    assert [r.title for r in a.roles if r.holds_on("1975-06-01")] == ["Foreign Minister"]
    assert not [r for r in a.roles if r.holds_on("1995-06-01")]
    assert ix.get("person:andrey-gromyko") is a
    # the role held on the day gives the sector: in office (GOV) then, out of office (ELITE) before
    obama = ix.lookup("Barack Obama")[0]
    assert from_dictionary(obama, ix, "2012-01-01").sector == "GOV"
    assert from_dictionary(obama, ix, "1990-01-01").sector == "ELITE"


def test_one_word_forms_and_titles_never_name_a_phoenix_person(ix):
    assert ix.lookup("Gromyko") is None                   # a surname alone
    assert ix.resolve("Gromyko", fuzzy=True) is None
    assert ix.lookup("Foreign Minister Andrei Gromyko") is None   # titles are not part of names


def test_curated_rows_win_over_phoenix(ix):
    assert ix.resolve("Sergey Lavrov").id == "person:sergey-lavrov"
    assert ix.resolve("Sergey Lavrov").origin == "shipped"


def test_phoenix_table_is_read_on_first_use_only():
    fresh = ActorIndex.load(user=False)
    assert fresh.phoenix is not None and not fresh.phoenix.loaded
    assert fresh.resolve("Maria Zakharova").id == "person:maria-zakharova"   # a curated hit reads nothing
    assert not fresh.phoenix.loaded
    fresh.lookup("Andrei Gromyko")
    assert fresh.phoenix.loaded
    off = ActorIndex.load(user=False, phoenix=False)
    assert off.lookup("Andrei Gromyko") is None


def test_agent_nouns_have_sectors_and_kinds():
    nouns = agent_nouns()
    assert nouns["diplomat"][1] == "person" and nouns["journalist"] == ("MEDIA", "person")
    assert nouns["newspaper"][1] == "organization"
    assert nouns["nominee"][1] == "person"          # saidwhat's own role nouns come first


def _tool():
    spec = importlib.util.spec_from_file_location("import_phoenix", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_import_tool_reads_tabari_blocks():
    tool = _tool()
    # a hand-written block in the Phoenix format: primary name, aliases (one with a title), dated codes
    text = ("ZARA_VELLO_  # CountryInfo.txt\n"
            "+MINISTER_OF_JUSTICE_ZARA_VELLO\n"
            "+ZARA_M._VELLO\n"
            "+VELLO\n"
            "\t[ITAELI 800101-050301]\n"
            "\t[ITAGOVJUD 050301-090630]\n"
            "UTOPIA_  [UTO]\n"
            "+UTOPIAN_\n")
    rows = tool.person_rows(tool.entries(text), set(tool.TITLE_WORDS) | {"JUSTICE"}, known=set())
    assert len(rows) == 1                                # the country block is not a person
    pid, name, country, sector, aliases, roles = rows[0]
    assert (pid, name, country, sector) == ("person:zara-vello", "Zara Vello", "ITA", "JUDICIARY")
    assert aliases == "Zara M. Vello"                    # "Vello" alone and the titled form are not aliases
    assert roles == ("out of office (elite)|1980-01-01|2005-03-01|ELITE;"
                     "Minister of Justice|2005-03-01|2009-06-30|JUDICIARY")
    # a curated person is left out
    assert tool.person_rows(tool.entries(text), set(tool.TITLE_WORDS), known={"zara vello"}) == []
