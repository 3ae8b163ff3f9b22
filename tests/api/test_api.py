"""The library API (``saidwhat/__init__.py``, docs/python-api.md): the names it exports, loaded lazily
so that ``import saidwhat`` stays cheap; ``saidwhat.Store`` links what it writes; ``saidwhat.ingest``
(the one ingest engine, ``saidwhat.runners``) into a Store or a database path; the README's quick
start on the sample articles."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import saidwhat
from cli_support import make_results  # noqa: F401  (fixture)
from saidwhat.models import DocResult, IngestError

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "samples"
API = ["extract", "extract_paths", "ingest", "Store", "Statement", "Document", "Settings", "create_app"]


def test_exports():
    assert set(API) <= set(saidwhat.__all__) and "__version__" in saidwhat.__all__
    assert set(saidwhat.__all__) == {*saidwhat._API, "__version__"}  # the lazy table and __all__ agree
    for name in saidwhat.__all__:
        assert getattr(saidwhat, name) is not None, name
    assert set(API) <= set(dir(saidwhat))
    from saidwhat.api import extract, ingest
    from saidwhat.config import Settings
    from saidwhat.linked import Store
    from saidwhat.models import Document, Statement
    from saidwhat.runners import extract_paths  # with the per-document time budget
    from saidwhat.store import Store as PlainStore
    from saidwhat.web.app import create_app

    assert (saidwhat.extract, saidwhat.extract_paths, saidwhat.ingest, saidwhat.Store, saidwhat.Statement,
            saidwhat.Document, saidwhat.Settings, saidwhat.create_app) == (
        extract, extract_paths, ingest, Store, Statement, Document, Settings, create_app)
    assert issubclass(saidwhat.Store, PlainStore)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        saidwhat.nope  # noqa: B018


def test_import_is_cheap():
    """``import saidwhat`` and touching the API's names loads no spaCy, Dask, FastAPI, SQLAlchemy
    or pipeline until a name is used."""
    code = ("import sys, saidwhat; heavy = ('spacy', 'dask', 'distributed', 'fastapi', 'sqlalchemy', "
            "'numpy', 'saidwhat.pipeline', 'saidwhat.store'); "
            "assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]; "
            "saidwhat.ingest, saidwhat.Store, saidwhat.extract; "
            "assert not [m for m in ('spacy', 'dask', 'fastapi', 'datasketch') if m in sys.modules]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ingest_is_the_function_after_importing_every_subpackage():
    """A subpackage named like an API name would replace it once imported (the reading stage is
    ``saidwhat.sources``, not ``ingest``, for that reason)."""
    import saidwhat.sources  # noqa: F401
    from saidwhat.api import ingest

    assert saidwhat.ingest is ingest and callable(saidwhat.ingest)
    submodules = {m.name for m in pkgutil.iter_modules(saidwhat.__path__)}
    assert not submodules & set(saidwhat.__all__)


@pytest.fixture
def fake_stages(make_results, monkeypatch):
    """The engine with stand-in stages: each given path is read as the next document of
    make_results() (a missing one as not_found) and processed into its statements."""
    from saidwhat import runners

    by_id = {r.document.id: r for r in make_results()}

    def iter_sources(paths, settings=None, *, language=True):
        docs = [r.document for r in make_results()]
        for i, p in enumerate([paths] if isinstance(paths, str) else paths):
            yield IngestError(p, "not_found", "no such file") if p == "missing" else docs[i % len(docs)]

    def process(docs, settings=None, nlp=None, batch_size=16):
        for d in docs:
            yield DocResult(d, by_id[d.id].statements)

    monkeypatch.setattr(runners, "iter_sources", iter_sources)
    monkeypatch.setattr(runners, "process", process)


def test_ingest_into_a_path_or_a_store(fake_stages, tmp_path):
    db = tmp_path / "lib.db"
    seen = []
    report = saidwhat.ingest(["a", "b", "missing"], db, progress=lambda done, total: seen.append(done))
    assert (report.seen, report.stored, report.statements, report.duplicates) == (3, 2, 3, 0)
    assert report.skipped == {"not_found": 1} and [e.source for e in report.errors] == ["missing"]
    assert seen and seen[-1] == 3
    with saidwhat.Store(str(db)) as store:  # written, linked, and the error recorded
        assert store.stats()["statements"] == 3 and store.errors("not_found")
        assert store.link_status()["pending"] == 0
        again = saidwhat.ingest(["a", "b"], store)  # re-run into an open Store: duplicates
        assert (again.stored, again.duplicates, again.skipped) == (0, 2, {"duplicate": 2})


def test_ingest_writes_a_transaction_per_batch(fake_stages, tmp_path):
    """In this process, each batch of ``settings.batch_size`` documents is written (one
    ``add_results``) before the next is read."""
    writes = []

    class Counting(saidwhat.Store):
        def add_results(self, results):
            writes.append([r.document.id for r in results])
            return super().add_results(results)

    with Counting(str(tmp_path / "b.db")) as store:
        report = saidwhat.ingest(["a", "b", "c"], store, saidwhat.Settings().with_(batch_size=2))
    assert report.stored == 2 and report.duplicates == 1  # the third path reads as the first again
    assert [len(w) for w in writes] == [2]


def test_store_links_on_write_and_plain_store_does_not(make_results, tmp_path):
    """``saidwhat.Store`` is the store wired with ``saidwhat.link``'s hooks; the store's own class,
    opened without them, leaves what it writes pending."""
    from saidwhat.store import Store as PlainStore

    with saidwhat.Store(str(tmp_path / "linked.db")) as store:
        store.add_results(make_results())
        status = store.link_status()
    assert status["statements"] == 3 and status["pending"] == 0 and status["clusters"] == 3
    with PlainStore(str(tmp_path / "plain.db")) as store:
        store.add_results(make_results())
        assert store.link_status()["pending"] == 3
    with saidwhat.Store(str(tmp_path / "plain.db")) as store:  # linked later, as `saidwhat link`
        assert store.link()["linked"] == 3 and store.link_status()["pending"] == 0
    with saidwhat.Store(str(tmp_path / "off.db"), link=False) as store:
        store.add_results(make_results())
        assert store.link_status()["pending"] == 3


def test_quick_start_on_the_samples(nlp, tmp_path):
    """The README's Python quick start, on the bundled sample articles."""
    text = (SAMPLES / "04_state_department_briefing.txt").read_text(encoding="utf-8")
    records = saidwhat.extract(text, published="2024-02-08")
    assert records and all(text[r["start"]:r["end"]] == r["quote"] for r in records)
    assert {"speaker", "date", "targets", "negated", "quote"} <= set(records[0])

    store = saidwhat.Store(str(tmp_path / "saidwhat.db"))
    report = saidwhat.ingest([str(SAMPLES)], store)
    n_samples = len([p for p in SAMPLES.iterdir() if p.suffix == ".txt"])
    assert report.stored == n_samples and report.statements > 20
    assert store.statements(speaker="Voronova", since="2023-01-01")
    assert store.search("foreign ministers")
    assert store.link_status()["pending"] == 0
    results = list(saidwhat.extract_paths([str(SAMPLES / "04_state_department_briefing.txt")]))
    assert [s.quote for s in results[0].statements] == [r["quote"] for r in records]
    store.close()
