"""`saidwhat.eval.targets`: the scorer of the PolNeAR target gold, on invented text and gold.

The scorer tests use two documents written here and predictions written by hand, so each count can be
worked out on paper. The checks of the real gold (gold/polnear_targets/targets.jsonl) read PolNeAR dev
from ../shared at run time and skip when it is absent.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gold_support import check_against_article, strings
from saidwhat.actors.model import Actor
from saidwhat.cli import app
from saidwhat.eval.targets import (
    format_targets,
    item_matches,
    norm_name,
    predicted_items,
    read_gold,
    score_targets,
)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "gold" / "polnear_targets" / "targets.jsonl"
DEV = ROOT.parent / "shared" / "polnear" / "dev.jsonl"
needs_dev = pytest.mark.skipif(not DEV.is_file(), reason=f"PolNeAR dev not found at {DEV}")

# --- an invented article, gold and predictions ----------------------------------------------------

TEXT_A = ("Mayor Ruth Okafor on Monday urged the Harbor Board to reopen the pier. "
          "Okafor also accused Governor Dale Brenner of starving the city of funds. "
          "The weather was fine, she said.")
TEXT_B = "Senator Amy Lund called on Norway to release the fishermen."


def _span(text: str, piece: str) -> tuple[int, int]:
    s = text.index(piece)
    return s, s + len(piece)


def _gold_row(doc_id: str, text: str, content: str, targets: list[dict], speaker: str | None,
              date: str | None, split: str = "tune", **extra) -> dict:
    s, e = _span(text, content)
    return {"doc_id": doc_id, "attribution": f"E{s}", "content": {"start": s, "end": e}, "cue": None,
            "speaker": speaker, "date": date, "targets": targets, "split": split, **extra}


BOARD = {"name": "Harbor Board", "kind": "org", "mention": None}
BRENNER = {"name": "Dale Brenner", "kind": "person", "aliases": ["Governor Brenner"], "mention": None}
NOR = {"name": "NOR", "kind": "country", "iso3": "NOR", "mention": None}

GOLD_ROWS = [
    _gold_row("a", TEXT_A, "the Harbor Board to reopen the pier", [BOARD], "Ruth Okafor", "2030-05-06"),
    _gold_row("a", TEXT_A, "Governor Dale Brenner of starving the city of funds", [BRENNER], "Ruth Okafor", None,
              speaker_alt=["Okafor"]),
    _gold_row("a", TEXT_A, "The weather was fine", [], "Ruth Okafor", None),
    _gold_row("b", TEXT_B, "Norway to release the fishermen", [NOR], "Amy Lund", "2030-05-05", split="lockbox"),
]
TEXTS = {"a": TEXT_A, "b": TEXT_B}


class FakeIndex:
    """The part of ActorIndex the scorer uses: get(id) -> Actor | None."""

    def __init__(self, *actors: Actor) -> None:
        self.actors = {a.id: a for a in actors}

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)


INDEX = FakeIndex(Actor(id="NOR", name="Norway", type="country", country="NOR"),
                  Actor(id="person:dale-brenner", name="Dale Brenner", type="person", country="USA"),
                  Actor(id="org:harbor-board", name="The Harbor Board", type="organization", country="USA"))


def _pred(doc_id: str, quote: str, targets=(), actors=(), speaker=None, date=None) -> dict:
    return {"doc_id": doc_id, "quote": quote, "targets": list(targets), "target_actors": list(actors),
            "speaker": speaker, "date": date}


# --- items -----------------------------------------------------------------------------------------

def test_norm_name_folds_case_the_and_punctuation():
    assert norm_name("The Harbor Board") == norm_name("harbor board.") == "harbor board"
    assert norm_name("Donald J. Trump") == "donald j trump"


def test_predicted_items_one_item_per_actor_and_no_second_country_for_a_person():
    rec = _pred("a", "x", targets=["USA", "NOR"], actors=["person:dale-brenner", "NOR"])
    items = predicted_items(rec, INDEX)
    assert [(i["kind"], i["name"] if i["kind"] != "country" else i["iso3"]) for i in items] == [
        ("person", "Dale Brenner"), ("country", "NOR")]
    # a code no actor accounts for stays a country item
    assert [i["iso3"] for i in predicted_items(_pred("a", "x", targets=["RUS"]), INDEX)] == ["RUS"]
    # an id the index does not know: its slug names it
    assert predicted_items(_pred("a", "x", actors=["person:jo-bloggs"]), FakeIndex())[0]["name"] == "jo bloggs"


def test_item_matching_by_iso3_name_and_alias():
    assert item_matches({"kind": "country", "iso3": "NOR"}, NOR)
    assert not item_matches({"kind": "country", "iso3": "SWE"}, NOR)
    assert not item_matches({"kind": "org", "name": "NOR", "iso3": None}, NOR)
    assert item_matches({"kind": "org", "name": "the harbor board"}, BOARD)
    assert item_matches({"kind": "person", "name": "Governor Brenner"}, BRENNER)
    assert not item_matches({"kind": "person", "name": "Brenner"}, BRENNER)  # not an alias the gold gives


# --- scoring -----------------------------------------------------------------------------------------

def test_all_right():
    preds = [_pred("a", "the Harbor Board to reopen the pier", actors=["org:harbor-board"], speaker="Ruth Okafor",
                   date="2030-05-06"),
             _pred("a", "Governor Dale Brenner of starving the city of funds", targets=["USA"],
                   actors=["person:dale-brenner"], speaker="Okafor"),
             _pred("a", "The weather was fine", speaker="Mayor Ruth Okafor"),
             _pred("b", "Norway to release the fishermen", targets=["NOR"], actors=["NOR"], speaker="Amy Lund",
                   date="2030-05-05")]
    res = score_targets(GOLD_ROWS, TEXTS, preds, INDEX)
    assert (res["n_gold"], res["n_matched"], res["n_gold_with_target"]) == (4, 4, 3)
    assert res["target_acc"] == res["target_acc_with_target"] == 1.0
    assert res["items"] == {"tp": 3, "pred": 3, "gold": 3, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert res["speaker_acc"] == 1.0 and res["speaker_n"] == 4
    assert res["date_acc"] == 1.0 and res["date_n"] == 2
    assert res["target_errors"] == []


def test_wrong_missing_spurious_and_unmatched_are_counted():
    preds = [
        # right target, wrong speaker, wrong date
        _pred("a", "the Harbor Board to reopen the pier", actors=["org:harbor-board"], speaker="Dale Brenner",
              date="2030-05-08"),
        # missing target (Brenner) and a wrong one (a country merely near it)
        _pred("a", "Governor Dale Brenner of starving the city", targets=["CAN"], speaker="Okafor"),
        # gold has no target: a predicted one is spurious and makes the set wrong
        _pred("a", "The weather was fine", actors=["person:dale-brenner"], speaker="Ruth Okafor"),
        # document b: no statement overlaps enough (F1 < 0.5), so nothing is matched there
        _pred("b", "Senator Amy Lund called", targets=["NOR"], speaker="Amy Lund"),
    ]
    res = score_targets(GOLD_ROWS, TEXTS, preds, INDEX)
    assert res["n_matched"] == 3 and res["match_rate"] == 0.75
    assert res["target_acc"] == round(1 / 3, 3)          # only the Harbor Board row is right
    assert res["n_matched_with_target"] == 2
    assert res["target_acc_with_target"] == 0.5
    assert res["items"]["tp"] == 1 and res["items"]["pred"] == 3 and res["items"]["gold"] == 2
    assert res["items"]["precision"] == round(1 / 3, 3) and res["items"]["recall"] == 0.5
    assert res["items_with_target"]["pred"] == 2 and res["items_with_target"]["precision"] == 0.5
    assert res["recall_by_kind"] == {"person": {"gold": 1, "found": 0}, "org": {"gold": 1, "found": 1}}
    assert res["speaker_acc"] == round(2 / 3, 3)
    assert res["date_acc"] == 0.0 and res["date_n"] == 1
    assert len(res["target_errors"]) == 2
    assert all(not re.search(r"starving|weather", e) for e in res["target_errors"])  # ids, never text
    assert "target_acc=0.333" in format_targets(res)


def test_one_to_one_matching():
    # two predictions of the same content: one is matched, the other is not counted at all
    preds = [_pred("b", "Norway to release the fishermen", targets=["NOR"]),
             _pred("b", "Norway to release the fishermen", targets=["SWE"])]
    res = score_targets(GOLD_ROWS[3:], TEXTS, preds, INDEX)
    assert res["n_matched"] == 1 and res["items"]["pred"] == 1
    # and one prediction serves one gold attribution only, even when two have the same content
    twice = [GOLD_ROWS[3], {**GOLD_ROWS[3], "attribution": "E2"}]
    res = score_targets(twice, TEXTS, preds[:1], INDEX)
    assert res["n_gold"] == 2 and res["n_matched"] == 1


def test_empty_set_against_empty_gold_is_right():
    res = score_targets(GOLD_ROWS[2:3], TEXTS, [_pred("a", "The weather was fine")], INDEX)
    assert res["target_acc"] == 1.0 and res["items"]["gold"] == res["items"]["pred"] == 0
    assert res["target_acc_with_target"] == 0.0 and res["n_matched_with_target"] == 0


def test_read_gold_filters_the_split(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in GOLD_ROWS), encoding="utf-8")
    assert len(read_gold(path, "tune")) == 3 and len(read_gold(path, "lockbox")) == 1
    assert len(read_gold(path, "all")) == 4
    with pytest.raises(ValueError):
        read_gold(path, "dev")


# --- the command, through the real extractor, on invented PolNeAR-style files ----------------------------

def test_cli_eval_targets_runs_the_extractor(tmp_path):
    dev = tmp_path / "dev.jsonl"
    gold = tmp_path / "gold.jsonl"
    dev.write_text("\n".join(json.dumps({"doc_id": d, "date": "2030-05-07", "title": "", "text": t,
                                         "attributions": []}) for d, t in TEXTS.items()) + "\n", encoding="utf-8")
    gold.write_text("".join(json.dumps(r) + "\n" for r in GOLD_ROWS), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "targets", str(gold), "--polnear", str(dev), "--split", "lockbox",
                                      "--json"])
    assert result.exit_code == 0, result.output
    res = json.loads(result.output)
    assert res["split"] == "lockbox" and res["docs"] == 1 and res["n_gold"] == 1
    assert res["n_matched"] == 1 and res["target_acc"] == 1.0  # "called on Norway to ..." -> NOR
    missing = CliRunner().invoke(app, ["eval", "targets", str(tmp_path / "none.jsonl"), "--polnear", str(dev)])
    assert missing.exit_code != 0


# --- the real gold ------------------------------------------------------------------------------------

ALLOWED_STRINGS = {"doc_id", "attribution", "speaker", "speaker_kind", "speaker_alt", "date", "split", "note",
                   "name", "kind", "iso3", "aliases"}


def test_gold_has_its_splits_and_no_text_fields():
    rows = read_gold(GOLD)
    assert len(rows) >= 400
    assert {r["split"] for r in rows} == {"tune", "lockbox"}
    by_doc: dict[str, set[str]] = {}
    for r in rows:
        by_doc.setdefault(r["doc_id"], set()).add(r["split"])
        assert r["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", r["date"])
        for t in r["targets"]:
            assert t["kind"] in ("person", "org", "group", "country")
            assert t["kind"] != "country" or re.fullmatch(r"[A-Z]{3}", t["iso3"])
        for key, _value in strings(r):
            assert key in ALLOWED_STRINGS, f"unexpected text field {key!r}"
    assert all(len(s) == 1 for s in by_doc.values()), "a document is split whole"


@needs_dev
def test_gold_offsets_fit_polnear_dev_and_notes_quote_no_article_text():
    docs = {}
    with open(DEV, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[d["doc_id"]] = d
    for r in read_gold(GOLD):
        doc = docs[r["doc_id"]]
        check_against_article(r, doc)
