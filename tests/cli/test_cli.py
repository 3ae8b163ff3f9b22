"""The CLI's query commands (statements, show, search, timeline, export, errors, stats) over a store
filled with hand-made records, help and argument errors; test_cli_run.py has the commands that run the
pipeline."""
from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from cli_support import TEXT_A, WIDE, _jsonl, make_results, runner  # noqa: F401  (fixtures)
from saidwhat import Store  # the library's Store: links what it writes
from saidwhat.cli import app
from saidwhat.models import IngestError, Statement

COMMANDS = ["ingest", "extract", "statements", "show", "search", "timeline", "export", "errors",
            "stats", "demo", "eval"]


@pytest.fixture
def db(make_results, tmp_path):
    path = str(tmp_path / "cli.db")
    with Store(path) as s:
        s.add_results(make_results())
        s.add_errors([IngestError("/c/empty.txt", "empty", "no text"),
                      IngestError("/c/missing", "not_found", "no such file")])
    return path


def _ids(db):
    with Store(db) as s:
        return {r["speaker_mention"]: r["id"] for r in s.statements(limit=None)}



# --- help and argument errors --------------------------------------------------------------------

def test_root_help(runner):
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    for name in COMMANDS:
        assert name in res.output


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(runner, command):
    res = runner.invoke(app, [command, "--help"])
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


def test_help_does_not_import_spacy_or_other_heavy_modules():
    """The CLI starts without the heavy third-party modules (the pipeline module itself is light: it
    defers spaCy, numpy and rapidfuzz to the functions that run the stages)."""
    import subprocess

    heavy = ["spacy", "thinc", "numpy", "torch", "sqlalchemy", "pyarrow", "dask", "fastapi", "trafilatura",
             "datasketch", "rapidfuzz"]
    code = f"import sys; from saidwhat.cli import app; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [
    ["statements", "--since", "last week"],
    ["statements", "--until", "2024/03/01"],
    ["statements", "--format", "xml"],
    ["statements", "--limit", "-1"],
    ["export", "--format", "xlsx", "-o", "x"],
    ["export", "--format", "csv"],              # -o missing
    ["export", "--format", "parquet", "-o", "-"],
    ["errors", "--reason", "bogus"],
    ["show"],                                   # id missing
    ["nosuchcommand"],
])
def test_bad_arguments_exit_2(runner, db, args):
    res = runner.invoke(app, [*args, "--db", db] if args[0] != "nosuchcommand" else args)
    assert res.exit_code == 2, res.output


# --- queries -------------------------------------------------------------------------------------

def test_statements_table(runner, db):
    res = runner.invoke(app, ["statements", "--db", db], env=WIDE)
    assert res.exit_code == 0, res.output
    assert "Maria Zakharova" in res.stdout and "Antony Blinken" in res.stdout
    assert "NOT SAID" in res.stdout
    assert "[bold]and will fail" in res.stdout  # article text is never read as rich markup
    assert "USA, GBR" in res.stdout


def test_statements_table_narrow(runner, db):
    res = runner.invoke(app, ["statements", "--db", db], env={"COLUMNS": "80"})
    assert res.exit_code == 0
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    assert all(i[:8] in res.stdout for i in _ids(db).values())


def test_statements_jsonl_and_filters(runner, db):
    res = runner.invoke(app, ["statements", "--db", db, "--format", "jsonl"])
    rows = _jsonl(res.stdout)
    assert len(rows) == 3
    assert list(rows[0]) == list(Statement("d", "i", "direct", "q", 0, 1).to_dict())

    def q(*args):
        r = runner.invoke(app, ["statements", "--db", db, "-f", "jsonl", *args])
        assert r.exit_code == 0, r.output
        return _jsonl(r.stdout)

    assert {r["speaker"] for r in q("--speaker", "ZAKH")} == {"Maria Zakharova"}
    assert len(q("--actor", "antony_blinken")) == 1
    assert len(q("--target", "usa")) == 1
    assert len(q("--since", "2024-03-05")) == 1
    assert len(q("--until", "2024-03-04")) == 2
    assert len(q("--kind", "indirect")) == 2
    assert [r["negated"] for r in q("--negated")] == [True]
    assert len(q("--said")) == 2
    assert len(q("--doc", "b.txt")) == 1
    assert len(q("--limit", "1", "--offset", "2")) == 1
    assert q("--speaker", "nobody") == []


def test_statements_csv(runner, db):
    res = runner.invoke(app, ["statements", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(rows) == 3
    z = next(r for r in rows if r["targets"])
    assert z["targets"] == "USA;GBR" and z["negated"] == "false"


def test_global_db_option_and_env(runner, db, monkeypatch):
    res = runner.invoke(app, ["--db", db, "statements", "-f", "jsonl"])
    assert len(_jsonl(res.stdout)) == 3
    monkeypatch.setenv("SAIDWHAT_DB", db)
    res = runner.invoke(app, ["stats", "--json"])
    assert json.loads(res.stdout)["statements"] == 3


def test_show(runner, db):
    sid = _ids(db)["Maria Zakharova"]
    res = runner.invoke(app, ["show", sid, "--db", db], env=WIDE)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "the sanctions are illegal [bold]and will fail" in out
    assert "Russian Foreign Ministry spokeswoman" in out  # context before
    assert "troops to the border" in out                 # context after
    for value in ("maria_zakharova", "RUS", "2024-03-04 (weekday)", "USA, GBR", "0.90", "/c/a.txt",
                  "TASS", "said (say)"):
        assert value in out, value


def test_show_highlights_quote_mention_and_cue(make_results):
    from rich.console import Console

    from saidwhat.cli import render

    res = make_results()[0]
    row = {**res.statements[0].to_dict(), "text": res.document.text}
    console = Console(record=True, width=200, color_system="truecolor", force_terminal=True)
    render.show_statement(row, console)
    ctx = render.context_text(row)
    styles = {ctx.plain[s.start:s.end]: str(s.style) for s in ctx.spans}
    assert styles["the sanctions are illegal [bold]and will fail"] == render.QUOTE_STYLE
    assert styles["Maria Zakharova"] == render.SPEAKER_STYLE
    assert styles["said"] == render.CUE_STYLE


def test_show_json_and_unknown_id(runner, db):
    sid = _ids(db)["She"]
    res = runner.invoke(app, ["show", sid, "--db", db, "--format", "json"])
    data = json.loads(res.stdout)
    assert data["negated"] is True and data["text"] == TEXT_A
    res = runner.invoke(app, ["show", "doesnotexist", "--db", db])
    assert res.exit_code == 1
    assert "no statement" in res.stderr


def test_search(runner, db):
    res = runner.invoke(app, ["search", "sanctions", "--db", db, "-f", "jsonl"])
    assert res.exit_code == 0
    rows = _jsonl(res.stdout)
    assert {r["speaker"] for r in rows} == {"Maria Zakharova", "Antony Blinken"}
    assert "score" in rows[0]
    res = runner.invoke(app, ["search", "sanctions", "--db", db, "--limit", "1", "-f", "jsonl"])
    assert len(_jsonl(res.stdout)) == 1
    for nasty in ['"', "'; DROP TABLE statements; --", "NEAR(", "*", "Zaxarova 𝔷 \u202e"]:
        res = runner.invoke(app, ["search", nasty, "--db", db])
        assert res.exit_code == 0, (nasty, res.output)
    res = runner.invoke(app, ["stats", "--db", db, "--json"])
    assert json.loads(res.stdout)["statements"] == 3


def test_timeline(runner, db):
    res = runner.invoke(app, ["timeline", "zakharova", "--db", db], env=WIDE)
    assert res.exit_code == 0
    lines = [line for line in res.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith("2024-03-04") and "Maria Zakharova" in lines[0]
    assert "NOT SAID" in lines[1]
    res = runner.invoke(app, ["timeline", "a", "--db", db, "-f", "jsonl", "--since", "2024-03-05"])
    assert [r["speaker"] for r in _jsonl(res.stdout)] == ["Antony Blinken"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export(runner, db, tmp_path, fmt):
    out = tmp_path / "out" / f"statements.{fmt}"
    res = runner.invoke(app, ["export", "--format", fmt, "-o", str(out), "--db", db])
    assert res.exit_code == 0, res.output
    assert "wrote 3 statements" in res.stderr
    if fmt == "jsonl":
        rows = _jsonl(out.read_text(encoding="utf-8"))
        assert {tuple(r["targets"]) for r in rows} == {("USA", "GBR"), (), ("RUS",)}
    elif fmt == "csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert {r["targets"] for r in rows} == {"USA;GBR", "", "RUS"}
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        assert table.num_rows == 3
        rows = table.to_pylist()
        assert {tuple(r["targets"]) for r in rows} == {("USA", "GBR"), (), ("RUS",)}
        assert {r["negated"] for r in rows} == {True, False}
        assert str(table.schema.field("start").type) == "int64"
    assert {r["speaker"] for r in rows} == {"Maria Zakharova", "Antony Blinken"}


def test_export_filtered_and_stdout(runner, db, tmp_path):
    res = runner.invoke(app, ["export", "-f", "jsonl", "-o", "-", "--db", db, "--speaker",
                              "blinken"])
    assert [r["speaker"] for r in _jsonl(res.stdout)] == ["Antony Blinken"]
    out = tmp_path / "empty.parquet"
    res = runner.invoke(app, ["export", "-f", "parquet", "-o", str(out), "--db", db,
                              "--speaker", "nobody"])
    import pyarrow.parquet as pq

    assert res.exit_code == 0 and pq.read_table(out).num_rows == 0


def test_parquet_streams_in_batches(tmp_path):
    import pyarrow.parquet as pq

    from saidwhat import exporting

    rows = (dict(Statement("d", "x", "direct", f"q{i}", i, i + 1).to_dict()) for i in range(25))
    n = exporting.write_parquet(rows, tmp_path / "b.parquet", batch_size=10)
    meta = pq.ParquetFile(tmp_path / "b.parquet").metadata
    assert n == 25 and meta.num_rows == 25 and meta.num_row_groups == 3


def test_errors(runner, db):
    res = runner.invoke(app, ["errors", "--db", db], env=WIDE)
    assert res.exit_code == 0 and "/c/empty.txt" in res.stdout and "not_found" in res.stdout
    res = runner.invoke(app, ["errors", "--db", db, "--reason", "empty", "-f", "jsonl"])
    rows = _jsonl(res.stdout)
    assert [(r["source"], r["count"]) for r in rows] == [("/c/empty.txt", 1)]
    res = runner.invoke(app, ["errors", "--db", db, "-f", "csv"])
    assert len(list(csv.DictReader(io.StringIO(res.stdout)))) == 2


def test_stats(runner, db):
    res = runner.invoke(app, ["stats", "--db", db], env=WIDE)
    assert res.exit_code == 0
    assert "documents   2" in res.stdout and "statements  3" in res.stdout
    assert "negated     1" in res.stdout and "Maria Zakharova" in res.stdout
    data = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)
    assert data["by_kind"] == {"direct": 1, "indirect": 2}
    assert data["top_speakers"][0] == ["Maria Zakharova", 2]


def test_bad_database_exits_1(runner, tmp_path):
    bad = tmp_path / "not_a_db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    res = runner.invoke(app, ["stats", "--db", str(bad)])
    assert res.exit_code == 1 and "cannot open database" in res.stderr
