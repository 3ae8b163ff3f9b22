"""`saidwhat eval links-polnear`: the scorer of the real-news same-utterance gold (issue 32).

The counting tests use a tiny corpus invented here (three short "reports" of an invented minister's
remarks, in the PolNeAR record layout), never PolNeAR text. The gold checks read the committed gold
(ids and offsets only); the offsets are checked against PolNeAR itself when ../shared has it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.eval.links_polnear import (
    evaluate_links_polnear,
    load_gold,
    match_units,
    read_polnear,
    score,
    token_f1,
    unit_key,
    unit_text,
)
from saidwhat.store import Store

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "gold" / "polnear_links"
SHARED_POLNEAR = ROOT.parent / "shared" / "polnear"


def U(doc: str, start: int, end: int = 0) -> dict:
    return {"doc": doc, "start": start, "end": end or start + 10}


# --- counting, on a hand-made mapping -------------------------------------------------------------

A1, A2, B1, C1, D1 = U("A", 0), U("A", 50), U("B", 0), U("C", 0), U("D", 0)


def _pairs() -> list[dict]:
    return [
        {"label": "same", "a": A1, "b": B1, "utterances": ["u1"]},       # linked: tp
        {"label": "same", "a": A1, "b": D1, "utterances": ["u1"]},       # D1 unmatched: fn
        {"label": "different", "a": A2, "b": B1},                        # not linked: tn
        {"label": "unsure", "a": A1, "b": C1},                           # left out, though linked
        {"label": "same", "a": A2, "b": C1, "utterances": ["u2"]},       # not linked: fn
        {"label": "different", "a": B1, "b": C1},                        # linked: fp
    ]


CLUSTERS = [{"utterance": "u1", "units": [A1, B1, D1]}, {"utterance": "u2", "units": [A2, C1]}]
MATCHED = {unit_key(A1): {"id": "s1", "cluster_id": "X"}, unit_key(B1): {"id": "s2", "cluster_id": "X"},
           unit_key(A2): {"id": "s3", "cluster_id": "Y"}, unit_key(C1): {"id": "s4", "cluster_id": "X"}}


def test_score_counts_judged_pairs():
    r = score(_pairs(), CLUSTERS, MATCHED)["judged"]
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 2)
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(1 / 3)
    assert r["f1"] == pytest.approx(0.4)
    assert r["same_unmatched"] == 1 and r["recall_matched"] == pytest.approx(0.5)
    assert r["pairs"] == 5 and r["unsure_left_out"] == 1


def test_score_counts_all_pairs_among_cluster_units():
    r = score(_pairs(), CLUSTERS, MATCHED)
    a = r["all_pairs"]
    # matched cluster units A1 B1 A2 C1 (D1 unmatched); cross-document pairs: A1-B1 same+linked (tp),
    # A1-C1 judged unsure (left out), A2-B1 different, not linked, B1-C1 different+linked (fp),
    # A2-C1 same, not linked (fn); A1-A2 share a document (not counted)
    assert (a["tp"], a["fp"], a["fn"], a["unsure_left_out"], a["units"]) == (1, 1, 1, 1, 4)
    assert r["units"] == 5 and r["units_matched"] == 4 and r["clusters"] == 2


def test_unlinked_statements_use_their_own_id():
    # a statement whose cluster_id is still NULL is a cluster of its own: never linked to another
    matched = {unit_key(A1): {"id": "s1", "cluster_id": None}, unit_key(B1): {"id": "s2", "cluster_id": None}}
    r = score([{"label": "same", "a": A1, "b": B1, "utterances": ["u1"]}], CLUSTERS[:1], matched)
    assert r["judged"]["tp"] == 0 and r["judged"]["fn"] == 1 and r["judged"]["same_unmatched"] == 0
    both = {unit_key(A1): {"id": "s1", "cluster_id": None}, unit_key(B1): {"id": "s1", "cluster_id": None}}
    assert score([{"label": "same", "a": A1, "b": B1}], [], both)["judged"]["tp"] == 1


def test_empty_sets_score_one():
    r = score([], [], {})
    assert r["judged"]["f1"] == 1.0 and r["all_pairs"]["f1"] == 1.0


# --- matching units to statements -----------------------------------------------------------------

def test_token_f1_and_match_units():
    assert token_f1("we will open the bridge", "We will open the bridge!") == 1.0
    assert token_f1("alpha beta", "gamma delta") == 0.0
    unit = U("A", 0, 30)
    texts = {unit_key(unit): "we will open the northern bridge in May"}
    sts = {"A": [{"id": "x", "quote": "tolls will stay at two dollars"},
                 {"id": "y", "quote": "We will open the northern bridge"},
                 {"id": "z", "quote": "we will open the northern bridge in May, she said"}]}
    assert match_units([unit], texts, sts)[unit_key(unit)]["id"] == "z"
    assert match_units([unit], texts, {"A": [{"id": "x", "quote": "tolls will stay at two dollars"}]}) == {}
    assert match_units([unit], texts, {"B": sts["A"]}) == {}  # only statements of the unit's document


def test_unit_text_joins_discontinuous_content():
    doc = {"text": "Bridges, she said, open in May.",
           "attributions": [{"content": {"start": 0, "end": 31, "spans": [[0, 8], [19, 31]]}}]}
    assert unit_text(doc, {"start": 0, "end": 31}) == "Bridges, open in May."


# --- end to end on an invented corpus, through saidwhat.ingest ------------------------------------

DOCS = [
    ("gazette_a", "gazette", "2020-03-02",
     'Minister Ana Vela said on Monday: "We will open the northern bridge in May." '
     'Vela said that tolls on the bridge would stay at two dollars.'),
    ("courier_b", "courier", "2020-03-03",
     'Minister Ana Vela said on Monday that "we will open the northern bridge in May" after repairs.'),
    ("herald_c", "herald", "2020-03-03",
     'Minister Ana Vela said on Tuesday that the city budget would grow by four percent next year.'),
]


def _attribution(text: str, content: str) -> dict:
    start = text.index(content)
    return {"id": "E1", "source": None, "cue": None,
            "content": {"start": start, "end": start + len(content), "text": content}}


@pytest.fixture()
def invented(tmp_path) -> tuple[Path, Path, dict]:
    contents = {"gazette_a": ['"We will open the northern bridge in May."',
                              'tolls on the bridge would stay at two dollars'],
                "courier_b": ['"we will open the northern bridge in May" after repairs'],
                "herald_c": ['the city budget would grow by four percent next year']}
    polnear = tmp_path / "polnear.jsonl"
    units = {}
    with open(polnear, "w", encoding="utf-8") as fh:
        for doc_id, outlet, date, text in DOCS:
            atts = [_attribution(text, c) for c in contents[doc_id]]
            for i, a in enumerate(atts, 1):
                a["id"] = f"E{i}"
                units[(doc_id, i)] = {"doc": doc_id, "start": a["content"]["start"], "end": a["content"]["end"]}
            fh.write(json.dumps({"doc_id": doc_id, "publisher": outlet, "date": date, "title": doc_id,
                                 "text": text, "attributions": atts}) + "\n")
    gold = tmp_path / "gold"
    gold.mkdir()
    bridge_a, tolls_a, bridge_b, budget_c = (units[("gazette_a", 1)], units[("gazette_a", 2)],
                                             units[("courier_b", 1)], units[("herald_c", 1)])
    pairs = [{"pair": "p1", "split": "tune", "label": "same", "a": bridge_a, "b": bridge_b, "utterances": ["u1"]},
             {"pair": "p2", "split": "tune", "label": "different", "a": tolls_a, "b": bridge_b},
             {"pair": "p3", "split": "lockbox", "label": "different", "a": bridge_b, "b": budget_c}]
    clusters = [{"utterance": "u1", "split": "tune", "units": [bridge_a, bridge_b]}]
    (gold / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    (gold / "clusters.jsonl").write_text("".join(json.dumps(c) + "\n" for c in clusters), encoding="utf-8")
    return gold, polnear, {"bridge_a": bridge_a, "tolls_a": tolls_a, "bridge_b": bridge_b, "budget_c": budget_c}


def test_load_gold_and_read_polnear(invented):
    gold, polnear, units = invented
    pairs, clusters = load_gold(gold, "tune")
    assert [p["pair"] for p in pairs] == ["p1", "p2"] and len(clusters) == 1
    pairs, clusters = load_gold(gold, "lockbox")
    assert [p["pair"] for p in pairs] == ["p3"] and clusters == []
    assert len(load_gold(gold, "all")[0]) == 3
    with pytest.raises(ValueError):
        load_gold(gold, "test")
    assert set(read_polnear(polnear, {"gazette_a"})) == {"gazette_a"}
    with pytest.raises(FileNotFoundError):
        read_polnear(polnear, {"gazette_a", "nowhere"})


def test_end_to_end_counts_match_the_store(invented, tmp_path):
    gold, polnear, units = invented
    db = str(tmp_path / "kept.db")
    r = evaluate_links_polnear(gold, polnear, "all", db=db)
    assert r["documents"] == 3 and r["stored"] == 3
    with Store(db) as store:
        docs = {d["url"]: d for d in store.documents()}
        assert {d["outlet"] for d in docs.values()} == {"gazette", "courier", "herald"}
        assert docs["polnear:courier_b"]["published"] == "2020-03-03"
        by_doc = {}
        for st in store.iter_statements():
            by_doc.setdefault(st["doc_id"], []).append(st)

    def cluster_of(name):  # the statement that holds the unit's words, found here independently
        u = units[name]
        text = next(t for d, _, _, t in DOCS if d == u["doc"])[u["start"]:u["end"]]
        words = set(text.lower().strip('"').replace('"', "").split())
        sts = by_doc[docs[f"polnear:{u['doc']}"]["id"]]
        best = max(sts, key=lambda s: len(words & set((s["quote"] or "").lower().replace('"', "").split())))
        return best["cluster_id"] or best["id"]

    same_linked = cluster_of("bridge_a") == cluster_of("bridge_b")
    diff_linked = [cluster_of("tolls_a") == cluster_of("bridge_b"),
                   cluster_of("bridge_b") == cluster_of("budget_c")]
    j = r["judged"]
    assert r["units_matched"] == r["units"] == 4
    assert (j["tp"], j["fn"], j["fp"]) == (int(same_linked), int(not same_linked), sum(diff_linked))
    a = r["all_pairs"]  # the cluster's two units, in two documents: one pair
    assert a["units"] == 2 and a["tp"] + a["fn"] == 1 and a["tp"] == int(same_linked)

    again = evaluate_links_polnear(gold, polnear, "tune", db=db)  # an existing store is scored as it is
    assert "stored" not in again and again["judged"]["tp"] == int(same_linked)


def test_cli_links_polnear(invented, tmp_path):
    gold, polnear, _ = invented
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "links-polnear", str(gold), "--polnear", str(polnear),
                              "--split", "lockbox", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["split"] == "lockbox" and out["documents"] == 2 and out["judged"]["pairs"] == 1
    res = runner.invoke(app, ["eval", "links-polnear", str(gold), "--polnear", str(polnear), "--split", "x"])
    assert res.exit_code != 0
    res = runner.invoke(app, ["eval", "links-polnear", str(tmp_path / "none"), "--polnear", str(polnear)])
    assert res.exit_code != 0 and "no such file" in res.output


# --- the committed gold ---------------------------------------------------------------------------

UNIT_KEYS = {"doc", "start", "end", "attr"}
PAIR_KEYS = {"pair", "split", "label", "a", "b", "utterances", "mined", "pool_row", "signals", "note"}


def test_committed_gold_is_consistent_and_holds_no_text():
    pairs, clusters = load_gold(GOLD, "all")
    assert len(pairs) >= 300
    assert sum(p["label"] == "same" for p in pairs) >= 100
    utts = {}
    for c in clusters:
        assert set(c) <= {"utterance", "split", "units", "outlets", "dates"}
        for u in c["units"]:
            assert set(u) == UNIT_KEYS
            utts.setdefault(unit_key(u), set()).add(c["utterance"])
    split_of_doc = {}
    for p in pairs:
        assert set(p) <= PAIR_KEYS and p["label"] in ("same", "different", "unsure")
        assert set(p["a"]) == UNIT_KEYS and set(p["b"]) == UNIT_KEYS and p["a"]["doc"] != p["b"]["doc"]
        shared = utts.get(unit_key(p["a"]), set()) & utts.get(unit_key(p["b"]), set())
        if p["label"] == "same":
            assert set(p["utterances"]) <= shared and p["utterances"]
        else:
            assert not shared, p["pair"]  # the closure contradicts no judged pair
        for u in (p["a"], p["b"]):  # one split per document: tune and lockbox never share an article
            assert split_of_doc.setdefault(u["doc"], p["split"]) == p["split"]
    for c in clusters:
        assert {split_of_doc[u["doc"]] for u in c["units"]} == {c["split"]}


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_POLNEAR.is_dir(), reason=f"PolNeAR not found under {SHARED_POLNEAR}")
def test_committed_gold_offsets_are_polnear_attributions():
    pairs, clusters = load_gold(GOLD, "all")
    units = {unit_key(u): u for p in pairs for u in (p["a"], p["b"])}
    docs = read_polnear(SHARED_POLNEAR, {k[0] for k in units})
    for (doc, start, end), u in units.items():
        att = [a for a in docs[doc]["attributions"] if a["id"] == u["attr"]]
        assert att and (att[0]["content"]["start"], att[0]["content"]["end"]) == (start, end)
    outlets = {(docs[p["a"]["doc"]]["publisher"], docs[p["b"]["doc"]]["publisher"]) for p in pairs if p["mined"]}
    assert all(a != b for a, b in outlets)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_POLNEAR.is_dir(), reason=f"PolNeAR not found under {SHARED_POLNEAR}")
def test_committed_gold_is_what_the_judgments_build(tmp_path):
    # pairs.jsonl and clusters.jsonl are generated from judgments.txt and the (deterministic) mined pool
    import importlib.util

    spec = importlib.util.spec_from_file_location("mine_polnear_links", ROOT / "tools" / "mine_polnear_links.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.build(SHARED_POLNEAR, None, str(GOLD / "judgments.txt"), str(tmp_path))
    for name in ("pairs.jsonl", "clusters.jsonl"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (GOLD / name).read_text(encoding="utf-8"), name
