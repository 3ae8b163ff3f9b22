"""Hostile but fair inputs to the reading stage (issue 37): nothing under an input is skipped
without a record, deeply nested HTML keeps its text, bad dates in JSONL are reported, and CSV cells
never start a spreadsheet formula."""
from __future__ import annotations

import csv
import io
import json
import os

import pytest

from saidwhat.config import Settings
from saidwhat.models import Document, IngestError
from saidwhat.sources import iter_sources

TEXT = 'The minister said on Monday that "talks will go on" with the neighbours.'


def test_an_unreadable_subfolder_is_reported_and_the_rest_read(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(TEXT, encoding="utf-8")
    locked = tmp_path / "a" / "locked"
    locked.mkdir()
    (locked / "two.txt").write_text(TEXT + " Again.", encoding="utf-8")
    real = os.scandir

    def scandir(path="."):  # the tests run as root, for whom chmod 000 hides nothing
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(iter_sources([str(tmp_path / "a")], Settings(languages=[])))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert [os.path.basename(d.source) for d in docs] == ["one.txt"]
    assert [(e.source, e.reason) for e in errors] == [(str(locked), "extraction_error")]
    assert "Permission denied" in errors[0].message


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize("depth", [400, 5000])
def test_html_nested_past_the_parsers_depth_keeps_its_text(tmp_path, depth):
    body = "<p>The minister said on Monday that the talks would go on with the neighbours.</p>" * 3
    page = tmp_path / "deep.html"
    page.write_text("<html><head><title>Deep</title></head><body>" + "<div>" * depth + body
                    + "</div>" * depth + "</body></html>", encoding="utf-8")
    [item] = list(iter_sources([str(page)], Settings(languages=[])))
    assert isinstance(item, Document), item
    assert item.text.count("the talks would go on") == 3


def test_jsonl_dates_that_cannot_be_publication_dates_are_warned_about(tmp_path, caplog):
    lines = [{"text": f"The minister said on Monday that talks number {i} would go on.", "date": d}
             for i, d in enumerate(["2023-13-45", "yesterday", "0001-01-01", "9999-01-01", "2023-02-01"])]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with caplog.at_level("WARNING", logger="saidwhat.sources.jsonl"):
        docs = list(iter_sources([str(path)], Settings(languages=[])))
    assert [d.published for d in docs] == [None, None, None, None, "2023-02-01"]
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 4
    assert all("not a possible publication date" in w for w in warned)
    assert '"2023-13-45"' in warned[0] and '"9999-01-01"' in warned[3]


def test_csv_cells_never_start_a_formula():
    from saidwhat.exporting import write_csv

    rows = [{"quote": "=HYPERLINK(\"http://x\")", "speaker": "@cmd", "cue": "+1", "doc": "-2+3",
             "confidence": -0.5, "targets": ["=A1", "RUS"], "negated": False}]
    out = io.StringIO()
    write_csv(rows, out, columns=list(rows[0]))
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row == {"quote": "'=HYPERLINK(\"http://x\")", "speaker": "'@cmd", "cue": "'+1", "doc": "'-2+3",
                   "confidence": "-0.5", "targets": "'=A1;RUS", "negated": "false"}
