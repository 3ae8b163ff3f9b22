"""Dask ingest: a LocalCluster of 2 worker processes gives the same statements as one process,
loads the model once per worker, bounds the chunks in flight, and the CLI options reach it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from saidwhat.config import Settings
from saidwhat.store import Store

pytest.importorskip("distributed", reason="dask[distributed] is not installed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def _key(row: dict) -> tuple:
    return (row["doc_id"], row["start"], row["end"], row["kind"], row["speaker"], row["date"])


def _rows(db: str) -> set[tuple]:
    with Store(db) as s:
        return {_key(r) for r in s.iter_statements()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The sample articles, plus the shared seed articles when ../shared is there, plus a copy of
    one sample (a duplicate the runner must store once)."""
    folder = tmp_path_factory.mktemp("corpus")
    for p in SAMPLES.iterdir():
        if p.is_file() and not p.name.startswith(("README", ".")):
            shutil.copy(p, folder / p.name)
    if SEEDS.is_dir():
        for p in SEEDS.glob("*.txt"):
            shutil.copy(p, folder / f"seed_{p.name}")
    first = sorted(folder.iterdir())[0]
    shutil.copy(first, folder / f"zz_copy_of_{first.name}")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def runner():
    from saidwhat.runners import DaskRunner

    with DaskRunner(workers=2, settings=Settings()) as r:
        yield r


def test_seed_corpus_present():
    if not SEEDS.is_dir():
        pytest.skip(f"shared seed corpus not found at {SEEDS}: equivalence checked on samples only")


def test_two_workers_equal_one_process(corpus, runner, tmp_path):
    from saidwhat.pipeline import ingest as local_ingest

    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    settings = Settings().with_(batch_size=3)
    with Store(one) as s:
        rep1 = local_ingest([str(corpus)], s, settings)
    runner.settings = settings
    with Store(two) as s:
        rep2 = runner.ingest([str(corpus)], s, chunk_size=2, max_in_flight=2)
    a, b = _rows(one), _rows(two)
    assert len(a) > 50
    assert a == b
    with Store(one) as s1, Store(two) as s2:
        ids1 = {r["id"] for r in s1.iter_statements()}
        assert ids1 == {r["id"] for r in s2.iter_statements()}
        assert s1.stats()["documents"] == s2.stats()["documents"] == rep2.stored
    assert rep2.stored == rep1.stored and rep2.statements == rep1.statements
    assert rep2.skipped.get("empty") == 1 and rep2.duplicates == 1
    # both workers loaded the model exactly once, however many tasks ran
    loads = runner.model_loads()
    assert len(loads) == 2 and all(v == {Settings().model: 1} for v in loads.values())


def test_rerun_on_dask_stores_nothing_twice(corpus, runner, tmp_path):
    db = str(tmp_path / "re.db")
    with Store(db) as s:
        first = runner.ingest([str(corpus)], s, chunk_size=3)
        again = runner.ingest([str(corpus)], s, chunk_size=3)
        assert again.stored == 0 and again.duplicates == first.stored + first.duplicates
        assert s.stats()["documents"] == first.stored


def test_in_flight_is_bounded(corpus, runner, tmp_path):
    """No more than max_in_flight chunks are out at once, however long the input."""
    with Store(str(tmp_path / "b.db")) as s:
        rep = runner.ingest([str(corpus)], s, chunk_size=1, max_in_flight=2)
    assert rep.stored > 5 and runner.peak_in_flight == 2


def test_cli_workers_option(corpus, tmp_path):
    from typer.testing import CliRunner

    from saidwhat.cli import app

    db = str(tmp_path / "cli.db")
    res = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--workers", "1",
                                   "--chunk-size", "4"])
    assert res.exit_code == 0, res.output
    assert "stored" in res.stdout
    with Store(db) as s:
        assert s.stats()["statements"] > 50
    res = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--workers", "2",
                                   "--scheduler", "tcp://127.0.0.1:1"])
    assert res.exit_code == 2


def test_cli_scheduler_option(corpus, runner, tmp_path):
    """--scheduler uses an existing cluster (here: the module's LocalCluster)."""
    from typer.testing import CliRunner

    from saidwhat.cli import app

    db = str(tmp_path / "sched.db")
    address = runner.cluster.scheduler_address
    res = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--scheduler", address])
    assert res.exit_code == 0, res.output
    assert _rows(db) and len(_rows(db)) > 50
