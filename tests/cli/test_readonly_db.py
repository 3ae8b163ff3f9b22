"""Read commands and `serve` open the database read-only: nothing created, migrated or changed;
a missing, foreign, damaged or older database is a short error with exit 1 (issue 37, 2 and 6)."""
from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.store import Store
from saidwhat.store.db import make_engine, migrate

READS = [["stats"], ["statements"], ["search", "x"], ["errors"], ["clusters"], ["db", "current"]]


def run(args, db):
    res = CliRunner().invoke(app, [*args, "--db", str(db)])
    text = res.output + (res.stderr if res.stderr_bytes is not None else "")
    return res, " ".join(text.split())


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_short_error(res, text):
    assert res.exit_code == 1, text
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in text and "SELECT" not in text and "[SQL" not in text, text


@pytest.mark.parametrize("args", [*READS, ["serve"]])
def test_missing_database_creates_nothing(tmp_path, args):
    db = tmp_path / "no" / "such" / "x.db"
    res, text = run(args, db)
    if args != ["db", "current"]:
        assert_short_error(res, text)
    assert res.exit_code == 1 and not (tmp_path / "no").exists()


@pytest.mark.parametrize("args", [*READS[:5], ["serve"]])
def test_foreign_sqlite_file_is_left_byte_for_byte(tmp_path, args):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (a TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    before = sha(db)
    res, text = run(args, db)
    assert_short_error(res, text)
    assert "not a saidwhat database" in text
    assert sha(db) == before and sorted(os.listdir(tmp_path)) == ["other.db"]


def test_older_revision_asks_for_db_upgrade(tmp_path):
    db = tmp_path / "old.db"
    engine = make_engine(str(db))
    migrate(engine, "0004")
    engine.dispose()
    res, text = run(["stats"], db)
    assert_short_error(res, text)
    assert "saidwhat db upgrade" in text
    assert run(["db", "upgrade"], db)[0].exit_code == 0
    assert run(["stats"], db)[0].exit_code == 0


@pytest.mark.parametrize("args", [*READS, ["serve"]])
def test_random_bytes_are_a_short_error(tmp_path, args):
    db = tmp_path / "x.db"
    db.write_bytes(os.urandom(8192))
    before = sha(db)
    res, text = run(args, db)
    assert_short_error(res, text)
    assert sha(db) == before


@pytest.mark.parametrize("args", [*READS[:5], ["serve"]])
def test_truncated_database_is_a_short_error(tmp_path, args):
    db = tmp_path / "t.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    os.truncate(db, os.path.getsize(db) // 2)
    res, text = run(args, db)
    assert_short_error(res, text)


def test_reads_leave_a_current_database_unswitched(tmp_path):
    db = tmp_path / "s.db"
    Store(str(db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
    before = sha(db)
    for args in READS:
        assert run(args, db)[0].exit_code == 0, args
    assert sha(db) == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_database_in_read_only_folder_is_read(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    Store(str(folder / "s.db")).close()
    folder.chmod(0o555)
    try:
        assert run(["stats"], folder / "s.db")[0].exit_code == 0
        Store.read_only(str(folder / "s.db")).close()
    finally:
        folder.chmod(0o755)


def test_sql_errors_carry_no_parameters(tmp_path):
    from saidwhat.store.db import describe_error

    engine = make_engine(str(tmp_path / "p.db"))
    with pytest.raises(Exception) as info, engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO nowhere VALUES (?)", ("secret document text",))
    assert "secret document text" not in str(info.value)
    assert describe_error(info.value) == "OperationalError: no such table: nowhere"
