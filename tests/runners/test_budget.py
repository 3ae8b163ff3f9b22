"""The per-document time budget (``Settings.doc_timeout``, ``runners.Budget``): a document whose
stages overrun is stopped (the process doing the work is killed, not left running), recorded as
``timeout``, and the others of its batch are stored; re-running adds nothing.

The slow document is deterministic: a stage of the real pipeline (``pipeline.statements_of``) is
replaced by one that, for the document holding ``STALL``, writes the id of the process running it
and sleeps far past the budget (without the budget the ingest would wait out the sleep and store
the document: the assertions fail). The child process is forked from this one, so it runs the
replaced stage."""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from saidwhat import pipeline, runners
from saidwhat.config import Settings
from saidwhat.linked import Store
from saidwhat.models import Document, content_id

BUDGET = 3.0  # seconds: far above what the two small articles take, far below the stall
STALL_S = 40.0

ARTICLES = {
    "a.txt": 'Russian Foreign Ministry spokeswoman Maria Zakharova said on Monday that "the talks '
             'will go on".',
    "stall.txt": 'STALL. Antony Blinken told reporters that "the deal is done".',
    "b.txt": 'Antony Blinken told reporters on Tuesday that Russia "must withdraw its troops".',
}


@pytest.fixture
def stalling(monkeypatch, tmp_path):
    """Replace ``statements_of`` by one that stalls on the STALL document; the path where the
    stalled process writes its pid."""
    real = pipeline.statements_of
    pid_file = tmp_path / "stalled.pid"

    def statements_of(doc, document, settings=None):
        if "STALL" in document.text:
            pid_file.write_text(str(os.getpid()))
            time.sleep(STALL_S)  # stands for C code that no exception interrupts
        return real(doc, document, settings)

    monkeypatch.setattr(pipeline, "statements_of", statements_of)
    return pid_file


@pytest.fixture
def files(tmp_path) -> list[str]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in ARTICLES]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_an_overrunning_document_is_stopped_and_recorded(stalling, files, tmp_path):
    settings = Settings(doc_timeout=BUDGET, batch_size=3)  # the three in one batch
    db = str(tmp_path / "t.db")
    with Store(db) as store:
        report = runners.ingest(files, store, settings)
        assert report.stored == 2 and report.statements >= 2
        assert report.skipped == {"timeout": 1}
        [err] = report.errors
        assert err.reason == "timeout" and err.source.endswith("stall.txt")
        assert err.doc_id == content_id(ARTICLES["stall.txt"]) and "3 s" in err.message
        assert [e["reason"] for e in store.errors("timeout")] == ["timeout"]
        names = {d["name"] for d in store.documents(limit=None)}
        assert names == {"a.txt", "b.txt"}
    # the work ran in another process, which is gone: stopped, not left running
    pid = int(stalling.read_text())
    assert pid != os.getpid() and _gone(pid)
    # re-running is safe: the stored ones are duplicates, the timeout is recorded once
    stalling.unlink()
    with Store(db) as store:
        again = runners.ingest(files, store, settings)
        assert (again.stored, again.duplicates, again.skipped.get("timeout")) == (0, 2, 1)
        assert len(store.errors("timeout")) == 1 and store.stats()["documents"] == 2


def test_extract_paths_keeps_order_and_reports_the_timeout(stalling, files):
    out = list(runners.extract_paths(files, Settings(doc_timeout=BUDGET)))
    kinds = [getattr(x, "reason", None) or x.document.name for x in out]
    assert kinds == ["a.txt", "timeout", "b.txt"]
    assert out[0].statements and out[2].statements


def test_the_child_is_reused_until_a_timeout(files):
    """The normal case forks once per run, whatever the number of batches; the statements equal
    those of one process."""
    from saidwhat.sources import iter_sources

    docs = [d for d in iter_sources(files[:1] + files[2:], Settings())]
    settings = Settings(doc_timeout=BUDGET)
    with runners.Budget(settings) as budget:
        first = budget.process(docs[:1])
        second = budget.process(docs[1:])
        assert budget.forks == 1 and budget.pid is not None
    assert budget.pid is None
    local = list(pipeline.process(docs, settings))
    assert [r.statements for r in first + second] == [r.statements for r in local]
    assert all(r.document.text == d.text for r, d in zip(first + second, docs))


def test_warm_up_runs_the_stages_once_here_before_a_fork(monkeypatch, files):
    """What the stages load on first use is loaded in this process once, so every child forked
    from it (a fresh one after each timeout too) starts with it."""
    calls = []
    real = pipeline.statements_of
    monkeypatch.setattr(pipeline, "statements_of",
                        lambda doc, document, settings=None: calls.append((os.getpid(), document.source))
                        or real(doc, document, settings))
    monkeypatch.setattr(runners, "_WARM", set())
    from saidwhat.sources import iter_sources

    settings = Settings(doc_timeout=BUDGET)
    docs = list(iter_sources(files[:1], settings))
    with runners.Budget(settings) as budget:
        budget.process(docs)
        budget.process(docs)
    assert calls == [(os.getpid(), "<warm-up>")]  # the documents themselves ran in the child


def test_no_budget_runs_in_this_process(monkeypatch, stalling):
    seen = []
    monkeypatch.setattr(pipeline, "statements_of", lambda doc, document, settings=None: seen.append(os.getpid()) or [])
    text = 'Antony Blinken said "yes".'
    doc = Document(id=content_id(text), source="x.txt", text=text)
    with runners.Budget(Settings(doc_timeout=0)) as budget:
        [r] = budget.process([doc])
        assert r.error is None and budget.forks == 0
    assert seen == [os.getpid()]


def test_a_child_that_dies_costs_only_its_document(monkeypatch, files):
    """A crash in C (here: the process kills itself) is recorded as an extraction_error of that
    document; the others of the batch are stored."""
    real = pipeline.statements_of

    def statements_of(doc, document, settings=None):
        if "STALL" in document.text:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(doc, document, settings)

    monkeypatch.setattr(pipeline, "statements_of", statements_of)
    out = list(runners.extract_paths(files, Settings(doc_timeout=BUDGET)))
    assert [getattr(x, "reason", None) or x.document.name for x in out] == \
        ["a.txt", "extraction_error", "b.txt"]
    assert "died" in out[1].message and "signal 9" in out[1].message


def test_an_exception_of_the_stages_is_raised_as_in_one_process(monkeypatch, files):
    def boom(*a, **k):
        raise RuntimeError("model not found")

    monkeypatch.setattr(runners, "process", boom)
    with pytest.raises(RuntimeError, match="model not found"):
        list(runners.extract_paths(files, Settings(doc_timeout=BUDGET)))


def test_doc_timeout_setting_from_the_environment(monkeypatch):
    assert Settings().doc_timeout == 60.0
    monkeypatch.setenv("SAIDWHAT_DOC_TIMEOUT", "2.5")
    assert Settings().doc_timeout == 2.5
    monkeypatch.setenv("SAIDWHAT_DOC_TIMEOUT", "0")
    assert Settings().doc_timeout == 0
    for bad in ("-1", "soon", "inf"):
        monkeypatch.setenv("SAIDWHAT_DOC_TIMEOUT", bad)
        with pytest.raises(ValueError, match="SAIDWHAT_DOC_TIMEOUT"):
            Settings()


def test_cli_ingest_extract_and_errors_show_the_timeout(stalling, files, tmp_path):
    from typer.testing import CliRunner

    from saidwhat.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    res = runner.invoke(app, ["ingest", *files, "--db", db, "--doc-timeout", str(BUDGET)],
                        env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "stored 2" in res.stdout and "timeout 1" in res.stdout
    res = runner.invoke(app, ["errors", "--db", db, "--reason", "timeout"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "timeout" in res.stdout
    res = runner.invoke(app, ["errors", "--db", db, "-f", "jsonl"])
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert [(Path(r["source"]).name, r["reason"]) for r in rows] == [("stall.txt", "timeout")]
    assert rows[0]["message"].startswith("stopped after 3 s")
    res = runner.invoke(app, ["extract", *files, "--doc-timeout", str(BUDGET)])
    assert res.exit_code == 0
    [line] = [x for x in res.stderr.splitlines() if x.strip()]
    assert "stall.txt" in line and "timeout" in line and "Zakharova" in res.stdout
    assert Path(db).exists()


def test_a_dask_task_keeps_the_budget(stalling, files):
    """``process_chunk`` (what a Dask worker runs) goes through this thread's ``worker_budget``:
    the overrunning document comes back as timeout, the others with statements and LSH bands."""
    from saidwhat.sources import iter_sources

    settings = Settings(doc_timeout=BUDGET)
    docs = list(iter_sources(files, settings, language=False))  # detection deferred to the task
    try:
        out = runners.process_chunk(docs, settings, True)
    finally:
        runners.worker_budget(settings).close()
    assert [r.error.reason if r.error else r.document.name for r in out] == ["a.txt", "timeout", "b.txt"]
    assert all(r.statements and r.dedup_bands and r.document.language == "en"
               for r in (out[0], out[2]))
    assert _gone(int(stalling.read_text()))


def _install_stall_on_worker(stall_s: float) -> None:
    """Run on each Dask worker (``client.run``): the STALL document stalls there."""
    real = pipeline.statements_of

    def statements_of(doc, document, settings=None):
        if "STALL" in document.text:
            time.sleep(stall_s)
        return real(doc, document, settings)

    pipeline.statements_of = statements_of


@pytest.mark.slow
def test_timeout_on_dask_workers(files, tmp_path):
    """On Dask the budget holds on the workers (each forks its child): the stage is replaced there
    by ``client.run``; the overrunning document is recorded as timeout, the others stored."""
    pytest.importorskip("distributed")
    import sys

    import cloudpickle

    from saidwhat.runners import DaskRunner

    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)  # the workers cannot import this test module
    try:
        with DaskRunner(workers=1, settings=Settings(doc_timeout=BUDGET)) as dask_runner:
            dask_runner.client.run(_install_stall_on_worker, STALL_S)
            with Store(str(tmp_path / "d.db")) as store:
                report = dask_runner.ingest(files, store, chunk_size=3)
                assert report.stored == 2 and report.skipped == {"timeout": 1}
                assert [e["reason"] for e in store.errors("timeout")] == ["timeout"]
                assert {d["name"] for d in store.documents(limit=None)} == {"a.txt", "b.txt"}
    finally:
        cloudpickle.unregister_pickle_by_value(module)
