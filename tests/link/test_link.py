"""Issue 6: linking statements that report the same utterance across outlets (saidwhat.link)."""
from __future__ import annotations

import json
import random

import pytest

pytest.importorskip("datasketch")

from saidwhat.eval.links import load_gold, pairwise_scores  # noqa: E402
from saidwhat.link import Linker, cluster_summary, near_duplicates  # noqa: E402

ZAK = dict(speaker="Maria Zakharova", actor_id="person:maria-zakharova", actor_type="person",
           country="RUS", sector="MFA")
MFA = dict(speaker="Russian Foreign Ministry", actor_id="org:RUS-MFA", actor_type="organization",
           country="RUS", sector="MFA")
MIRZ = dict(speaker="Ararat Mirzoyan", actor_id="person:ararat-mirzoyan", actor_type="person",
            country="ARM", sector="MFA")

FULL = ("The deployment of NATO instructors in Armenia is a provocation aimed at undermining "
        "security in the South Caucasus, and Moscow will respond to it")

# (id, doc, outlet, published, kind, quote, speaker, statement date, gold cluster)
ROWS = [
    ("s1", "tass-1.txt", "TASS", "2024-04-12", "direct", FULL, ZAK, "2024-04-12", "A"),
    ("s2", "ria-1.txt", "RIA", "2024-04-12", "direct",
     "a provocation aimed at undermining security in the South Caucasus", ZAK, "2024-04-12", "A"),
    ("s3", "reuters-1.txt", "Reuters", "2024-04-13", "indirect",
     "the deployment of NATO instructors in Armenia was a provocation aimed at undermining security "
     "in the South Caucasus and that Moscow would respond", MFA, "2024-04-12", "A"),
    ("s4", "ap-1.txt", "AP", "2024-04-13", "indirect",
     "deploying NATO instructors to Armenia undermined security in the South Caucasus, "
     "a provocation Moscow would answer", ZAK, "2024-04-12", "A"),
    # wire copy of the TASS story (near duplicate document, same quote)
    ("s5", "tass-wire.txt", "TASS wire", "2024-04-12", "direct", FULL, ZAK, "2024-04-12", "A"),
    # same briefing, another topic, same speaker
    ("s6", "tass-1.txt", "TASS", "2024-04-12", "direct",
     "Grain exports through the Black Sea corridor will continue without interruption this summer",
     ZAK, "2024-04-12", "B"),
    ("s7", "ria-1.txt", "RIA", "2024-04-12", "indirect",
     "grain exports through the Black Sea corridor would continue without interruption", ZAK,
     "2024-04-12", "B"),
    # another speaker, similar words
    ("s8", "armen-1.txt", "Armenpress", "2024-04-12", "direct",
     "The deployment of NATO instructors in Armenia is not a provocation and does not undermine "
     "security in the South Caucasus", MIRZ, "2024-04-12", "C"),
]

BODY = ("MOSCOW, April 12. Russian Foreign Ministry spokeswoman Maria Zakharova said on Friday that "
        "the deployment of NATO instructors in Armenia is a provocation aimed at undermining security in "
        "the South Caucasus, and Moscow will respond to it. She told a weekly briefing that grain exports "
        "through the Black Sea corridor will continue without interruption this summer. Zakharova added "
        "that Russia remained open to dialogue with Yerevan on all issues of the bilateral agenda, including "
        "the presence of Russian border guards at the airport and on the border with Turkey and Iran, "
        "and that consultations between the deputy foreign ministers would be held in the coming weeks. ")
DOCS = [
    {"id": "tass-1.txt", "published": "2024-04-12", "text": BODY + "Read more news on tass.com."},
    {"id": "tass-wire.txt", "published": "2024-04-12",
     "text": "(c) TASS wire service 2024. " + BODY + "All rights reserved. Subscribe to our feed."},
    {"id": "ria-1.txt", "published": "2024-04-12",
     "text": "Zakharova: NATO instructors in Armenia are a provocation. The spokeswoman spoke at length "
             "about grain and the corridor, and the briefing covered other subjects too."},
    {"id": "reuters-1.txt", "published": "2024-04-13", "text": "The Russian Foreign Ministry said on "
     "Friday that the deployment of NATO instructors was a provocation, in a statement to reporters."},
]


# content-hash stand-ins, ordered so that TASS sorts first on the same day
DOC_IDS = {"tass-1.txt": "d1", "ria-1.txt": "d2", "reuters-1.txt": "d3", "ap-1.txt": "d4",
           "tass-wire.txt": "d5", "armen-1.txt": "d8"}


def statements() -> list[dict]:
    out = []
    for sid, doc, outlet, pub, kind, quote, sp, date, _ in ROWS:
        start = 100 * int(sid[1:])
        out.append(dict(id=sid, doc=doc, doc_id=DOC_IDS[doc], kind=kind, quote=quote, start=start,
                        end=start + len(quote), date=date, published=pub, outlet=outlet,
                        url=f"https://example.org/{doc}", **sp))
    return out


def gold() -> dict[str, str]:
    return {r[0]: r[8] for r in ROWS}


def test_clusters_and_f1():
    lk = Linker(window_days=3)
    lk.add(statements())
    cl = lk.clusters()
    scores = pairwise_scores(lk.assignments(), gold())
    print("pairwise", scores)
    assert scores["f1"] >= 0.9
    assert cl["s1"] == ["s1", "s2", "s5", "s3", "s4"]  # (published, doc_id, start) order
    assert set(cl["s6"]) == {"s6", "s7"}
    assert cl["s8"] == ["s8"]


def test_summary():
    lk = Linker()
    lk.add(statements())
    by_id = {s["id"]: s for s in statements()}
    summ = cluster_summary([by_id[m] for m in lk.clusters()["s1"]])
    assert summ["id"] == "s1"
    assert summ["first_report"]["outlet"] == "TASS" and summ["first_report"]["date"] == "2024-04-12"
    assert summ["canonical_text"] == FULL
    assert summ["outlets"] == ["AP", "RIA", "Reuters", "TASS", "TASS wire"]
    assert summ["date"] == "2024-04-12" and summ["n_reports"] == 5
    ind = cluster_summary([by_id["s3"], by_id["s4"]])  # no direct quote: longest wins
    assert ind["canonical_text"] == by_id["s3"]["quote"]


def test_near_duplicates():
    dup = near_duplicates(DOCS)
    assert dup == {"tass-wire.txt": "tass-1.txt"}
    # deterministic original: same date -> smallest id, whatever the input order
    assert near_duplicates(list(reversed(DOCS))) == dup
    later = [dict(d, published="2024-04-11") if d["id"] == "tass-wire.txt" else d for d in DOCS]
    assert near_duplicates(later) == {"tass-1.txt": "tass-wire.txt"}


def test_incremental_same_as_batch_and_state_roundtrip():
    sts = statements()
    batch = Linker()
    batch.add(sts)
    lk = Linker()
    first = [s for s in sts if s["outlet"] != "Reuters"]
    got = lk.add(first)
    assert set(got) == {s["id"] for s in first}
    lk = Linker.from_state(json.loads(json.dumps(lk.to_state())))
    got2 = lk.add([s for s in sts if s["outlet"] == "Reuters"])
    assert got2 == {"s3": "s1"}
    assert lk.clusters() == batch.clusters()
    # a statement earlier than the whole cluster renames it, and add reports every renamed member
    early = dict(sts[0], id="s0", doc="pre.txt", doc_id="d0", published="2024-04-11", outlet="Pre")
    changed = lk.add([early])
    assert changed == {m: "s0" for m in ["s0", "s1", "s2", "s3", "s4", "s5"]}


def test_order_independence():
    ref = None
    for seed in range(6):
        sts = statements()
        random.Random(seed).shuffle(sts)
        lk = Linker()
        k = seed % 4 + 1
        for i in range(0, len(sts), k):
            lk.add(sts[i:i + k])
        ref = ref or lk.clusters()
        assert lk.clusters() == ref


def test_window_and_blocking():
    sts = statements()
    far = dict(sts[1], id="s9", date="2024-05-20", published="2024-05-20")
    lk = Linker(window_days=3)
    lk.add(sts + [far])
    assert lk.clusters()["s9"] == ["s9"]


def test_gold_file(tmp_path):
    sts = statements()
    p = tmp_path / "gold.jsonl"
    lines = [{"statement_id": "s1", "cluster": "A"}, {"doc": "ria-1.txt", "quote": ROWS[1][5], "cluster": "A"},
             {"doc": "ria-1.txt", "quote": ROWS[6][5], "cluster": "B"}, {"doc": "x.txt", "quote": "?",
                                                                          "cluster": "A"}]
    p.write_text("# gold\n" + "\n".join(json.dumps(x) for x in lines) + "\n")
    g = load_gold(p, sts)
    assert g["s2"] == "A" and g["s7"] == "B" and "unmatched:5" in g
    lk = Linker()
    lk.add(sts)
    sc = pairwise_scores(lk.assignments(), g)
    assert sc["tp"] == 1 and sc["fn"] == 2 and sc["precision"] == 1.0


def test_several_speaker_keys_per_statement():
    from saidwhat.link import speaker_key, speaker_keys

    assert speaker_keys(ZAK) == ["RUS/MFA", "person:maria-zakharova", "p:zakharova"]
    assert speaker_key(ZAK) == "RUS/MFA"  # the clusters table's key: the first one
    ru = dict(speaker="Мария Захарова", actor_id="person:mariya-zakharova", actor_type="person")
    assert speaker_keys(ru) == ["person:mariya-zakharova", "p:zakharova"]
    assert speaker_keys(MFA) == ["RUS/MFA", "org:RUS-MFA"]
    assert speaker_keys({"speaker": "A Source"}) == ["name:a source"]
    assert speaker_keys({}) == []


def test_report_without_country_or_sector_meets_the_others():
    """A report that lacks the speaker's country/sector (a bare name in a foreign-language report)
    is filed under its actor id and the surname too, so it meets the reports filed under RUS/MFA —
    in any order, batch or incremental, and only when the words match."""
    sts = statements()
    bare = dict(sts[1], id="s10", doc="bare.txt", doc_id="d10", country=None, sector=None)
    translit = dict(sts[6], id="s11", doc="ru.txt", doc_id="d11", speaker="Мария Захарова",
                    actor_id="person:mariya-zakharova", country=None, sector=None)
    other = dict(sts[5], id="s12", doc="x.txt", doc_id="d12", country=None, sector=None,
                 quote="The talks on the new consular office in Gyumri will take place next month")
    everything = sts + [bare, translit, other]
    ref = None
    for seed in range(4):
        shuffled = list(everything)
        random.Random(seed).shuffle(shuffled)
        lk = Linker()
        for i in range(0, len(shuffled), 3):
            lk.add(shuffled[i:i + 3])
        got = lk.clusters()
        ref = ref or got
        assert got == ref
    assert "s10" in ref["s1"] and "s11" in ref["s6"]  # via the actor id, via the surname
    assert ref["s12"] == ["s12"] and ref["s8"] == ["s8"]  # same block, other words: apart
    # without the extra keys (country/sector only) the bare report would have stayed alone
    from saidwhat.link.cluster import speaker_key
    assert speaker_key(bare) != speaker_key(sts[1])


def test_state_version_2_records_still_load():
    lk = Linker()
    lk.add(statements())
    state = json.loads(json.dumps(lk.to_state()))
    assert state["version"] == 3
    for rec in state["items"].values():  # version 2 kept one key per record
        rec[0] = rec[0][0] if rec[0] else None
    state["version"] = 2
    old = Linker.from_state(state)
    assert old.clusters() == lk.clusters()
    more = dict(statements()[1], id="s13", doc="late.txt", doc_id="d13", published="2024-04-13")
    old.add([more])
    assert old.cluster_of("s13") == "s1"
