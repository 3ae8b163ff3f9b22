"""Crash safety: an ingest killed with SIGKILL part-way and started again ends with every document
stored exactly once and the same statements as a clean run; readers work while it writes.

A real subprocess (``python -m saidwhat.cli ingest``) is killed as soon as its first batch is
committed; on SQLite and, when a server is available, on PostgreSQL.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saidwhat.store import Store

N_DOCS = 40
SPEAKERS = [("Maria", "Zakharova", "Russian Foreign Ministry spokeswoman"),
            ("Antony", "Blinken", "U.S. Secretary of State"),
            ("Wang", "Wenbin", "Chinese Foreign Ministry spokesman"),
            ("Jeyhun", "Bayramov", "Azerbaijani Foreign Minister"),
            ("Ararat", "Mirzoyan", "Armenian Foreign Minister")]
TOPICS = ["the transit routes", "the peace talks", "the border commission", "the grain deal",
          "the energy corridor", "the sanctions package", "the humanitarian convoy"]


def article(i: int) -> str:
    first, last, role = SPEAKERS[i % len(SPEAKERS)]
    topic = TOPICS[i % len(TOPICS)]
    day = 1 + i % 27
    paras = [
        f" date 2023-05-{day:02d} ",
        f"{role} {first} {last} said on Monday that {topic} would be discussed again in round "
        f"{i}, adding that no decision had been taken.",
        f"“We are ready to continue the dialogue on {topic}, and we expect concrete steps from "
        f"our partners within {i + 2} days,” {last} told reporters.",
        f"{last} denied that the delegation had left the meeting early and called on both sides "
        f"to refrain from statements that could damage the process number {i}.",
        f"According to {last}, the next meeting will take place in {['Geneva', 'Vienna', 'Moscow', 'Brussels'][i % 4]} "
        "at the level of deputy ministers.",
        f"“There is no alternative to negotiations,” {last} said, “and the {i}th round will show "
        "whether the other side is serious.”",
    ]
    return "\n\n".join(paras * 2) + "\n"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash_corpus")
    for i in range(N_DOCS):
        (folder / f"a{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def _ingest_cmd(corpus: Path, db: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "saidwhat.cli", "ingest", str(corpus), "--db", db,
            "--batch-size", "2", *extra]


def _env() -> dict:
    return dict(os.environ, COLUMNS="200", PYTHONUNBUFFERED="1")


def _doc_count(db: str) -> int:
    try:
        with Store(db, migrate_on_open=False) as s:
            return s.stats()["documents"]
    except Exception:  # not created yet
        return 0


def _snapshot(db: str) -> dict[str, set[str]]:
    with Store(db) as s:
        out: dict[str, set[str]] = {d["id"]: set() for d in s.documents()}
        for r in s.iter_statements():
            out[r["doc_id"]].add(r["id"])
        return out


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory) -> dict[str, set[str]]:
    db = str(tmp_path_factory.mktemp("clean") / "clean.db")
    r = subprocess.run(_ingest_cmd(corpus, db), capture_output=True, text=True, timeout=300,
                       env=_env())
    assert r.returncode == 0, r.stderr[-2000:]
    snap = _snapshot(db)
    assert len(snap) == N_DOCS and sum(map(len, snap.values())) >= 2 * N_DOCS
    return snap


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "crash.db")
        return
    import pg_support

    dsn, reason = pg_support.ensure_server()
    if not dsn:
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    name, url = pg_support.new_schema(dsn, "crash")
    yield url
    pg_support.drop_schema(dsn, name)


@pytest.mark.slow
def test_sigkill_then_resume_stores_everything_once(corpus, clean_run, db):
    proc = subprocess.Popen(_ingest_cmd(corpus, db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env())
    deadline = time.monotonic() + 120
    at_kill = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            at_kill = _doc_count(db)
            if at_kill >= 2:  # the first batch is committed
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the ingest finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:  # pragma: no cover
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = _snapshot(db)
    assert 2 <= len(partial) < N_DOCS, "killed part-way"
    # committed batches are whole: every stored document has exactly its clean-run statements
    for doc_id, ids in partial.items():
        assert ids == clean_run[doc_id]

    # resume, with readers working while it writes
    proc = subprocess.Popen(_ingest_cmd(corpus, db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    readers = [subprocess.run([sys.executable, "-m", "saidwhat.cli", cmd, "--db", db, *args],
                              capture_output=True, text=True, timeout=120, env=_env())
               for cmd, args in (("statements", ["--format", "jsonl", "--limit", "5"]),
                                 ("search", ["negotiations", "--format", "jsonl"]),
                                 ("stats", ["--json"]))]
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    for r in readers:
        assert r.returncode == 0, r.stderr[-1000:]
    assert readers[0].stdout.strip()  # the committed statements were readable
    assert f"duplicates {len(partial)}" in out

    final = _snapshot(db)
    assert final == clean_run  # every document once, the same statements
    with Store(db) as s:
        st = s.stats()
        assert st["documents"] == N_DOCS
        assert st["statements"] == sum(map(len, clean_run.values()))
        assert len(s.existing_ids(clean_run)) == N_DOCS


@pytest.mark.slow
def test_sigkill_dask_ingest_then_resume(corpus, clean_run, tmp_path):
    """The same with ``--workers 1``: the client (its writer thread in the middle of a batch or
    not), the nanny and the worker are killed together (SIGKILL to the process group) after the
    first commit; the resumed Dask run stores the rest once, with the clean run's statements."""
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    db = str(tmp_path / "crash_dask.db")
    dask = ("--workers", "1", "--chunk-size", "1")
    proc = subprocess.Popen(_ingest_cmd(corpus, db, *dask), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(), start_new_session=True)
    deadline = time.monotonic() + 180
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if _doc_count(db) >= 2:  # the first batch is committed
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the ingest finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the client and every process it started
        proc.wait(timeout=30)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = _snapshot(db)
    assert 2 <= len(partial) < N_DOCS, "killed part-way"
    for doc_id, ids in partial.items():  # committed batches are whole
        assert ids == clean_run[doc_id]

    r = subprocess.run(_ingest_cmd(corpus, db, *dask), capture_output=True, text=True,
                       timeout=300, env=_env())
    assert r.returncode == 0, r.stderr[-2000:]
    assert f"duplicates {len(partial)}" in r.stdout
    assert _snapshot(db) == clean_run
