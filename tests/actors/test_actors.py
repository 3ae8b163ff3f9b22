"""Actor dictionary: aliases, misspellings, metonyms, generic government patterns, user files, merge."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saidwhat.actors import ActorIndex


@pytest.fixture(scope="module")
def ix():
    return ActorIndex.load(user=False)


@pytest.mark.parametrize("mention,expected", [
    ("Maria Zakharova", "person:maria-zakharova"),
    ("Zakharova", "person:maria-zakharova"),
    ("Zakharove", "person:maria-zakharova"),            # misspelling
    ("Sergei Lavrov", "person:sergey-lavrov"),           # transliteration
    ("Pashinian", "person:nikol-pashinyan"),
    ("Baku", "AZE"), ("Official Baku", "AZE"), ("Yerevan", "ARM"), ("Moscow", "RUS"),   # metonyms
    ("Türkiye", "TUR"), ("the Azerbaijani side", "AZE"),
    ("OSCE Minsk Group", "org:OSCE-MG"), ("the EU", "org:EU"), ("the State Department", "org:USA-MFA"),
])
def test_names_aliases_metonyms(ix, mention, expected):
    assert ix.resolve(mention).id == expected


@pytest.mark.parametrize("mention,ctx,expected", [
    ("the foreign ministry of Azerbaijan", None, "org:AZE-MFA"),
    ("the Kenyan foreign ministry", None, "org:KEN-MFA"),         # any country, not only the seeded region
    ("Peru's defense ministry", None, "org:PER-MIL"),
    ("the government of Mongolia", None, "MNG"),
    ("the Iranian government", None, "IRN"),
    ("the foreign ministry", "RUS", "org:RUS-MFA"),                # country from context
    ("the country's defence ministry", "ARM", "org:ARM-MIL"),
])
def test_generic_patterns(ix, mention, ctx, expected):
    a = ix.resolve(mention, context_country=ctx)
    assert a is not None and a.id == expected
    assert a.country == expected.split(":")[-1][:3]


def test_office_holder_by_date(ix):
    assert ix.resolve("Russia's foreign minister", date="2020-06-01").id == "person:sergey-lavrov"
    assert ix.resolve("the French president", date="2023-05-01").id == "person:emmanuel-macron"
    assert ix.resolve("the Iranian president", date="2022-01-01").id == "person:ebrahim-raisi"
    assert ix.resolve("the Iranian president", date="2025-01-01").id == "person:masoud-pezeshkian"


def test_unknown_is_none_and_auto(ix):
    assert ix.resolve("Qwzx Plorb") is None
    a = ix.auto("Qwzx Plorb", country="GEO", role="local official")
    assert a.id == "person:qwzx-plorb" and a.country == "GEO" and a.origin == "auto"


def test_user_folder_extends_and_overrides(tmp_path, monkeypatch):
    (tmp_path / "persons.tsv").write_text(
        "person:ani-badalyan\tAni Badalyan\tARM\tMFA\tAni Badalian\tForeign Ministry spokesperson of Armenia|2021|\n"
        "person:john-doe\tJohn Doe\tGEO\tGOV\tJ. Doe\tMayor of Tbilisi||\n", encoding="utf-8")
    (tmp_path / "countries.tsv").write_text("AZE\tAzerbaijan\t\tBakı\t\n", encoding="utf-8")
    monkeypatch.setenv("SAIDWHAT_ACTORS", str(tmp_path))
    ix = ActorIndex.load()
    assert ix.resolve("J. Doe").id == "person:john-doe"
    assert ix.resolve("Ani Badalian").id == "person:ani-badalyan"       # alias added to a shipped actor
    assert ix.resolve("Bakı").id == "AZE" and ix.resolve("Baku").id == "AZE"   # extended, not replaced


def test_add_alias_and_merge_persist(tmp_path, monkeypatch):
    monkeypatch.setenv("SAIDWHAT_ACTORS", str(tmp_path))
    ix = ActorIndex.load()
    ix.add_alias("person:maria-zakharova", "MZ spokesperson")
    other = ix.auto("M. V. Zakharova", type="person", country="RUS")
    ix.actors[other.id] = other
    ix.merge("person:maria-zakharova", other.id, persist=False)
    # persisted merges are replayed on load, for actors that exist in files
    (tmp_path / "persons.tsv").write_text("person:m-zakharova\tM. Zakharova\tRUS\tMFA\t\t\n", encoding="utf-8")
    ix = ActorIndex.load()
    ix.merge("person:maria-zakharova", "person:m-zakharova")
    again = ActorIndex.load()
    assert again.resolve("MZ spokesperson").id == "person:maria-zakharova"
    assert again.get("person:m-zakharova").id == "person:maria-zakharova"
    assert "M. Zakharova" in again.get("person:maria-zakharova").aliases
    assert (tmp_path / "aliases.tsv").read_text().count("MZ spokesperson") == 1


def test_cli_actors(tmp_path, monkeypatch):
    from saidwhat.cli import app

    monkeypatch.setenv("SAIDWHAT_ACTORS", str(tmp_path))
    r = CliRunner().invoke(app, ["actors", "list", "zakharova", "--json"])
    assert r.exit_code == 0, r.output
    assert [a["id"] for a in json.loads(r.output)] == ["person:maria-zakharova"]
    r = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "actors", "show", "Zakharove", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    # no database there: the actor is shown without counts, and no database is made (read-only)
    assert d["id"] == "person:maria-zakharova" and d["statements"] == {}
    assert not (tmp_path / "x.db").exists()
    r = CliRunner().invoke(app, ["actors", "add-alias", "AZE", "Azerbaycan Respublikasi"])
    assert r.exit_code == 0 and "AZE" in r.output
    assert CliRunner().invoke(app, ["actors", "show", "NOPE:nothing"]).exit_code == 1
