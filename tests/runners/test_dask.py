"""Dask ingest: a LocalCluster of 2 worker processes gives the same statements as one process,
loads the model once per worker, bounds the chunks in flight, and the CLI options reach it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from saidwhat import Store  # the library's Store: links what it writes
from saidwhat.config import Settings

pytest.importorskip("distributed", reason="dask[distributed] is not installed")

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"


def _key(row: dict) -> tuple:
    return (row["doc_id"], row["start"], row["end"], row["kind"], row["speaker"], row["date"])


def _rows(db: str) -> set[tuple]:
    with Store(db) as s:
        return {_key(r) for r in s.iter_statements()}


def _tables(db: str) -> dict[str, list[tuple]]:
    """Everything a run decides, table by table, without the times it ran at: documents (language,
    dates, near-duplicate mark, text), statements (every column, cluster included), the linker's
    blocks, the documents' LSH bands, the clusters, and the recorded errors."""
    import sqlalchemy as sa

    from saidwhat.store.schema import clusters, doc_bands, documents, ingest_errors, link_blocks, statements

    skip = {"ingested_at", "first_seen", "last_seen"}
    out = {}
    with Store(db) as s, s.engine.connect() as conn:
        for t in (documents, statements, link_blocks, doc_bands, clusters, ingest_errors):
            cols = [c for c in t.columns if c.name not in skip
                    and not (t is ingest_errors and c.name == "id")]  # an error's id: write order
            out[t.name] = sorted(tuple(map(str, r)) for r in conn.execute(sa.select(*cols)))
    return out


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
    # a near duplicate (the same article with a line added): stored, marked near_dup_of the first
    (folder / f"zz_near_{first.name}").write_text(
        first.read_text(encoding="utf-8") + "\nRepublished with permission.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def runner():
    from saidwhat.runners import DaskRunner

    with DaskRunner(workers=2, settings=Settings()) as r:
        yield r


def test_seed_corpus_present(corpus):
    """The corpus the equivalence tests run on holds every shared seed article, byte for byte (real
    news text, not only the samples). Without ../shared: skips locally, fails under CI."""
    from conftest import skip_or_fail

    if not SEEDS.is_dir():
        skip_or_fail(f"shared seed corpus not found at {SEEDS}: equivalence checked on samples only")
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, f"no seed articles in {SEEDS}"
    assert sorted(p.name for p in corpus.glob("seed_*")) == [f"seed_{p.name}" for p in seeds]
    assert all((corpus / f"seed_{p.name}").read_bytes() == p.read_bytes() for p in seeds)


@pytest.mark.slow
def test_two_workers_equal_one_process(corpus, runner, tmp_path):
    from saidwhat.runners import ingest as local_ingest

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
    assert rep2.skipped == rep1.skipped
    assert rep2.languages == rep1.languages and rep2.not_extracted == rep1.not_extracted
    assert "ru" in rep2.languages  # detected on the workers, routed to the foreign extractor
    # the same database, table by table: languages detected on the workers, near duplicates from
    # the LSH bands the workers computed, linking by the writer thread, errors recorded alike
    t1, t2 = _tables(one), _tables(two)
    assert t1 == t2
    assert t2["doc_bands"] and t2["clusters"] and t2["link_blocks"]
    with Store(two) as s:
        near = [d for d in s.documents(limit=None) if d.get("near_dup_of")]
    first = sorted(corpus.iterdir())[0].name  # and its near copy: one is marked (the later id)
    assert len(near) == 1 and near[0]["name"] in (first, f"zz_near_{first}")
    # both workers loaded the model exactly once, however many tasks ran
    loads = runner.model_loads()
    assert len(loads) == 2 and all(v == {Settings().model: 1} for v in loads.values())


def test_workers_detect_language_and_compute_bands(runner):
    """What a worker sends back: the language ``iter_sources`` would have detected on the client,
    the LSH bands the store would have computed, the statements of a one-process run."""
    from saidwhat.link.dedup import document_bands
    from saidwhat.pipeline import process
    from saidwhat.runners import process_chunk
    from saidwhat.sources import iter_sources

    paths = [str(SAMPLES / "01_moscow_transit_routes.txt"), str(SAMPLES / "07_ru_mid_briefing.txt")]
    detected = list(iter_sources(paths, Settings()))
    deferred = list(iter_sources(paths, Settings(), language=False))
    assert [d.language for d in detected] == ["en", "ru"]
    assert [d.language for d in deferred] == [None, None]
    results = runner.client.submit(process_chunk, deferred, Settings(), True, pure=False).result()
    by_id = {r.document.id: r for r in results}
    local = {r.document.id: r for r in process(detected, Settings())}
    for d in detected:
        r = by_id[d.id]
        assert r.error is None and r.document.text == ""  # the client puts the text back
        assert r.document.language == d.language
        assert r.dedup_bands == document_bands(d.text) and len(r.dedup_bands) == 20
        assert r.statements == local[d.id].statements
    with pytest.raises(ValueError):  # deferring would change what a language filter rejects
        list(iter_sources(paths, Settings(languages=("en",)), language=False))


def test_language_filter_is_applied_on_the_client(corpus, runner, tmp_path):
    """With a language filter, documents are rejected while reading, as in one process."""
    from saidwhat.runners import ingest as local_ingest

    settings = Settings().with_(languages=("en",))
    with Store(str(tmp_path / "one.db")) as s:
        rep1 = local_ingest([str(corpus)], s, settings)
    runner.settings = settings
    try:
        with Store(str(tmp_path / "two.db")) as s:
            rep2 = runner.ingest([str(corpus)], s, chunk_size=3)
    finally:
        runner.settings = Settings()
    assert rep2.skipped.get("unsupported_language") == rep1.skipped.get("unsupported_language") >= 1
    assert _tables(str(tmp_path / "one.db")) == _tables(str(tmp_path / "two.db"))


def test_in_memory_store_is_written_inline(corpus, runner):
    """An in-memory SQLite database is one per connection: the writer stays in the client thread."""
    from saidwhat.runners import _can_write_in_thread

    with Store(":memory:") as s:
        assert not _can_write_in_thread(s)
        rep = runner.ingest([str(SAMPLES / "01_moscow_transit_routes.txt")], s)
        assert rep.stored == 1 and s.stats()["statements"] == rep.statements > 5


def test_writer_failure_is_raised_not_hung(tmp_path):
    """A write that fails in the writer thread surfaces in the client; later batches are dropped
    (never written after a failed one), and nothing waits forever."""
    from collections import Counter

    from saidwhat.models import DocResult, Document
    from saidwhat.runners import IngestReport, _Writer

    class Failing:
        def __init__(self):
            self.calls = 0

        def add_results(self, results):
            self.calls += 1
            raise RuntimeError("disk full")

    store = Failing()
    writer = _Writer(store, IngestReport(), Counter(), set(), threaded=True)
    batch = [DocResult(document=Document(id="d1", source="a.txt", text="x"))]
    with pytest.raises(RuntimeError, match="disk full"):
        for _ in range(50):  # the failure shows on a later put, or on close at the latest
            writer.put(batch, [])
        writer.close()
    writer.close(discard=True)  # idempotent after a failure
    assert store.calls == 1


def test_local_cluster_settings_reach_the_workers(runner):
    """The LocalCluster's workers run without Dask's statistical profiler and without the nanny's
    eager malloc trimming (runners.LOCAL_CLUSTER_CONFIG), one thread each."""
    import os

    def probe():
        import dask

        return (dask.config.get("distributed.worker.profile.enabled"),
                os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OMP_NUM_THREADS"))

    assert set(runner.client.run(probe).values()) == {(False, None, "1")}
    assert {w["nthreads"] for w in runner.client.scheduler_info()["workers"].values()} == {1}


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


@pytest.mark.slow
def test_cli_workers_option(corpus, tmp_path):
    from typer.testing import CliRunner

    from saidwhat.cli import app

    db = str(tmp_path / "cli.db")
    res = CliRunner().invoke(app, ["ingest", str(corpus), "--db", db, "--workers", "1",
                                   "--chunk-size", "4"])
    assert res.exit_code == 0, res.output
    assert "stored" in res.stdout
    from saidwhat.runners import DEFAULT_CHUNK

    help_text = CliRunner().invoke(app, ["ingest", "--help"], env={"COLUMNS": "300"}).stdout
    assert f"default {DEFAULT_CHUNK})" in " ".join(help_text.split())
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
