"""Issue 37, items 3, 5, 8 and 1: machine formats are never cut silently, article text never
reaches the terminal raw, impossible dates are refused, a long run of quotation marks does not
stall a document."""
from __future__ import annotations

import csv
import io
import time

import pytest

from cli_support import WIDE, _jsonl, runner  # noqa: F401  (fixtures)
from saidwhat import Store
from saidwhat.cli import app
from saidwhat.models import DocResult, Document, IngestError, content_id

EVIL = "\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\u202eevil\x9b31m"


@pytest.fixture
def many(statement_at, tmp_path):
    """60 statements, each quote with the word 'sanctions'."""
    path = str(tmp_path / "many.db")
    results = []
    for i in range(60):
        text = f'Minister {i} said that "sanctions number {i} will fail" on Monday.'
        d = Document(id=content_id(text), source=f"/c/{i}.txt", text=text, published="2024-03-04")
        results.append(DocResult(d, [statement_at(d, f"sanctions number {i} will fail",
                                                  kind="direct", speaker=f"Minister {i}",
                                                  date="2024-03-04")]))
    with Store(path) as s:
        s.add_results(results)
    return path


def test_machine_formats_give_every_row_and_tables_say_what_they_cut(runner, many):  # item 3
    res = runner.invoke(app, ["statements", "--db", many, "-f", "jsonl"])
    assert res.exit_code == 0 and len(_jsonl(res.stdout)) == 60 and "more" not in res.stderr
    res = runner.invoke(app, ["statements", "--db", many, "-f", "csv"])
    assert len(list(csv.DictReader(io.StringIO(res.stdout)))) == 60
    res = runner.invoke(app, ["search", "sanctions", "--db", many, "-f", "jsonl"])
    assert len(_jsonl(res.stdout)) == 60
    res = runner.invoke(app, ["statements", "--db", many], env=WIDE)
    assert res.exit_code == 0 and "10 more: use --limit 0 / --format jsonl" in res.stderr
    res = runner.invoke(app, ["search", "sanctions", "--db", many], env=WIDE)
    assert "40 more: use --limit 0 / --format jsonl" in res.stderr
    res = runner.invoke(app, ["statements", "--db", many, "-f", "jsonl", "--limit", "5"])
    assert len(_jsonl(res.stdout)) == 5 and "55 more" in res.stderr
    res = runner.invoke(app, ["statements", "--db", many, "--limit", "0"], env=WIDE)
    assert "more" not in res.stderr


def test_control_characters_are_escaped_in_terminal_output(runner, statement_at, tmp_path):  # item 5
    text = f'Speaker{EVIL} said "the quote {EVIL} ends" today.'
    d = Document(id=content_id(text), source=f"/c/{EVIL}.txt", text=text, title=f"T{EVIL}",
                 outlet=f"O{EVIL}", published="2024-03-04")
    s = statement_at(d, f"the quote {EVIL} ends", kind="direct", speaker=f"Speaker{EVIL}",
                     speaker_mention=f"Speaker{EVIL}", speaker_start=0,
                     speaker_end=len(f"Speaker{EVIL}"), date="2024-03-04")
    db = str(tmp_path / "evil.db")
    with Store(db) as store:
        store.add_results([DocResult(d, [s])])
        store.add_errors([IngestError(f"/c/{EVIL}", "empty", f"no text {EVIL}")])
    outputs = [runner.invoke(app, args, env=WIDE) for args in (
        ["statements", "--db", db], ["search", "quote", "--db", db], ["show", s.id, "--db", db],
        ["errors", "--db", db])]
    for res in outputs:
        assert res.exit_code == 0, res.output
        for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
            assert raw not in res.stdout
        assert "\\x1b" in res.stdout
    assert "\\u202e" in outputs[2].stdout
    # machine output keeps the text as stored (JSON escapes it)
    res = runner.invoke(app, ["statements", "--db", db, "-f", "jsonl"])
    assert _jsonl(res.stdout)[0]["quote"] == f"the quote {EVIL} ends"


def _no_raw_controls(text: str) -> None:
    for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert raw not in text
    assert "\\x1b" in text


def test_error_messages_escape_file_names_and_article_text(runner, tmp_path, monkeypatch):  # item 5
    """``fail()`` and the error lines of ``extract`` pass file names, sources and document text
    through ``render.clean``: escape sequences are shown, never sent raw."""
    from saidwhat.cli.common import fail

    name = EVIL.replace("/", "_")  # the escape sequences, in a file name
    # fail() itself, with text of an article in its message
    def command_failing() -> None:
        raise fail(f"ingest failed: the quote {EVIL} could not be stored")

    import typer

    one = typer.Typer()
    one.command()(command_failing)
    res = runner.invoke(one, [])
    assert res.exit_code == 1 and "ingest failed" in res.stderr
    _no_raw_controls(res.stderr)
    # a missing database whose name holds escape sequences (read commands: one-line error)
    res = runner.invoke(app, ["stats", "--db", str(tmp_path / f"x{name}.db")])
    assert res.exit_code == 1
    _no_raw_controls(res.stderr)
    # ingest of files that cannot be read: "nothing could be read: <sources>"
    res = runner.invoke(app, ["ingest", str(tmp_path / f"gone{name}.txt"), "--db", str(tmp_path / "i.db")])
    assert res.exit_code == 1 and "nothing could be read" in res.stderr
    _no_raw_controls(res.stderr)
    # extract's error lines: the source (a file name) and the message (here text of the record)
    bad = tmp_path / f"bad{name}.jsonl"
    bad.write_text(f'{{"title": "no text field {EVIL}"}}\n', encoding="utf-8")
    empty = tmp_path / f"empty{name}.txt"
    empty.write_text("", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(bad), str(empty)])
    assert "bad_record" in res.stderr and "empty" in res.stderr
    _no_raw_controls(res.stderr)


@pytest.mark.parametrize("value", ["2023-13-45", "2023-02-30", "2023-00", "last week"])
def test_impossible_dates_are_refused(runner, many, value):  # item 8
    res = runner.invoke(app, ["statements", "--db", many, "--since", value])
    assert res.exit_code == 2
    assert res.stderr.count("\n") == 1 and "not a real date" in res.stderr
    ok = runner.invoke(app, ["statements", "--db", many, "--until", "2024-02-29", "-f", "jsonl"])
    assert ok.exit_code == 0, ok.output


def test_long_run_of_quotation_marks_reaches_spacy_in_short_pieces(extract):  # item 1
    """spaCy's tokenizer takes quadratic time on one long run of punctuation (16,000 ``"``: ~30 s);
    the text it is given has no run longer than the limit, and offsets still hold. (Time is
    not asserted: no timed tests; the 16,000-quote file took 31.8 s before, 6.7 s after.)"""
    from saidwhat.models import Document
    from saidwhat.pipeline import break_runs, parse_text

    text = 'The minister said "ok." ' + '"' * 16000
    broken = break_runs(text)
    assert len(broken) == len(text) and broken[:30] == text[:30]
    assert max(len(p) for p in broken.split()) <= 65
    given = parse_text(Document(id="x", source="q.txt", text=text))
    assert len(given) == len(text)
    assert max(len(p) for p in given.split()) <= 65  # what spaCy is given is broken up too
    records = extract(text)
    for r in records:
        assert text[r["start"]:r["end"]] == r["quote"]
