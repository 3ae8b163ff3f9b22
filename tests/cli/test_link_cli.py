"""Issue 6 through the commands: `saidwhat link/cluster/clusters/timeline` and `saidwhat eval links`
on the linking corpus (conftest's link_corpus: the demo articles, the reports written for the
project in tests/data/links and the Russian and French ones), ingesting that folder whole, and the
web's cluster page."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

pytest.importorskip("datasketch")

from link_support import GOLD, LINKS, SAMPLES  # noqa: E402
from saidwhat.cli import app  # noqa: E402
from saidwhat.config import Settings  # noqa: E402
from saidwhat.link import store_linking  # noqa: E402
from saidwhat.models import DocResult  # noqa: E402
from saidwhat.store import Store  # noqa: E402


@pytest.fixture(scope="module")
def corpus(link_corpus) -> list[DocResult]:
    return link_corpus


@pytest.fixture()
def cli_db(corpus, tmp_path) -> str:
    path = str(tmp_path / "cli.db")
    with Store(path, linking=store_linking()) as s:
        s.add_results(corpus)
    return path


def test_cli_timeline_cluster_clusters_link(cli_db):
    runner = CliRunner()
    res = runner.invoke(app, ["timeline", "Marsh", "--db", cli_db, "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    aid = [r for r in rows if "5 million" in (r["canonical_text"] or "")]
    assert len(aid) == 1 and aid[0]["n_reports"] == 4 and aid[0]["date"] == "2024-02-08"
    assert len({r["id"] for r in rows}) == len(rows)  # one line per utterance
    res = runner.invoke(app, ["timeline", "Marsh", "--db", cli_db, "--since", "2024-02-08",
                              "--until", "2024-02-08"], env={"COLUMNS": "250"})
    line = next(x for x in res.stdout.splitlines() if "5 million" in x)
    assert line.startswith("2024-02-08") and "4 reports" in line
    res = runner.invoke(app, ["cluster", aid[0]["id"], "--db", cli_db, "--json"])
    data = json.loads(res.stdout)
    assert [r["first"] for r in data["reports"]] == [True, False, False, False]
    assert {r["language"] for r in data["reports"]} == {"en", "ru", "fr"}
    res = runner.invoke(app, ["cluster", data["reports"][2]["id"], "--db", cli_db],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "first" in res.stdout and "Gazette du Caucase" in res.stdout
    assert runner.invoke(app, ["cluster", "nope", "--db", cli_db]).exit_code == 1
    res = runner.invoke(app, ["clusters", "--db", cli_db, "--json", "--min-reports", "3"])
    multi = json.loads(res.stdout)
    assert all(r["n_reports"] >= 3 for r in multi) and len(multi) >= 2
    assert aid[0]["id"] in {r["id"] for r in multi}
    res = runner.invoke(app, ["link", "--rebuild", "--db", cli_db, "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["pending"] == 0


def test_cli_eval_links(cli_db):
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "links", str(GOLD), "--db", cli_db, "--json"])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    assert scores["n"] == 25 and scores["precision"] >= 0.9 and scores["unmatched"] == 0
    # no database: the gold's documents are ingested (English through spaCy, the Russian and French
    # ones through the rule-based extractor) and linked as ingest links them
    res = runner.invoke(app, ["eval", "links", str(GOLD), "--docs", str(LINKS), "--docs", str(SAMPLES)])
    assert res.exit_code == 0, res.output
    m = re.search(r"precision (\d\.\d+)\s+recall (\d\.\d+)\s+F1 (\d\.\d+)", res.stdout)
    assert m and float(m.group(1)) >= 0.95 and float(m.group(3)) >= 0.95, res.stdout
    assert "0 unmatched" in res.stdout
    res = runner.invoke(app, ["eval", "links", str(GOLD), "--docs", str(SAMPLES)])
    assert res.exit_code == 1 and "not found" in res.output


def test_links_folder_holds_only_the_corpus(tmp_path):
    """The whole folder can be ingested: the only documents are the reports (no README turning
    into a statement); gold.jsonl's lines are not articles and store nothing."""
    from saidwhat import ingest

    with Store(str(tmp_path / "folder.db"), linking=store_linking()) as store:
        report = ingest([str(LINKS)], store, Settings())
        docs = {s["doc"] for s in store.iter_statements()}
    corpus = {p.name for p in LINKS.iterdir() if p.name != "gold.jsonl"}
    assert report.stored == len(corpus) == 5 and docs == corpus
    assert report.languages == {"en": 3, "fr": 1, "ru": 1}



def test_web_cluster_page_shows_the_utterance(cli_db):
    """The web's cluster page (and its JSON twin) heads the reports with the cluster's canonical text,
    date, report and outlet counts and first outlet, from the clusters table."""
    from fastapi.testclient import TestClient

    from saidwhat.web import create_app

    with Store(cli_db) as s:
        transport = next(c for c in s.clusters(min_reports=2)
                         if (c["canonical_text"] or "").startswith("We proceed from the fact"))
    client = TestClient(create_app(cli_db))
    data = client.get(f"/api/clusters/{transport['id']}").json()
    assert data["basis"] == "cluster" and data["n_reports"] == 3 and data["n_outlets"] == 2
    assert data["statements"][0]["first_report"] and data["first"] == transport["id"]
    html = client.get(f"/clusters/{transport['id']}").text
    assert '<blockquote class="canonical">We proceed from the fact' in html
    assert "3 reports in 2 outlets" in html and html.count('class="report') == 3
