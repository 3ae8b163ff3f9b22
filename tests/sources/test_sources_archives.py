"""Real news sources (issue 37): WARC archives (gzipped or not), RSS/Atom feeds and standard input
go straight in, with outlet, URL and date from the record; a bad record is reported and the rest
goes in; re-running adds nothing. Every archive is made here from the project's own demo texts."""
from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import pytest

from saidwhat.config import Settings
from saidwhat.models import Document, IngestError
from saidwhat.sources import iter_sources

warcio = pytest.importorskip("warcio")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SETTINGS = Settings(languages=[])


def _paragraphs() -> list[str]:
    """The English demo articles' paragraphs (their ` date ` headers dropped)."""
    out = []
    for path in sorted(SAMPLES.glob("0[1-6]_*.txt")):
        text = path.read_text(encoding="utf-8")
        out += [p.strip() for p in text.split("\n\n") if len(p.split()) > 12 and not p.startswith(" date")]
    return out


def _page(i: int, paras: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<html><head><title>Report {i}</title><meta property=\"og:site_name\" content=\"Demo Ledger\">"
            f"</head><body><article><h1>Report {i}</h1>{body}</article></body></html>").encode()


def write_warc(path: Path, n: int, gz: bool = True, extra: bool = True) -> None:
    """``n`` HTML responses (each a different pair of demo paragraphs, numbered), plus a request and
    a non-HTML response that are not articles."""
    paras = _paragraphs()
    with path.open("wb") as out:
        w = WARCWriter(out, gzip=gz)
        for i in range(n):
            pick = [f"({i}) " + paras[i % len(paras)], paras[(i * 7 + 3) % len(paras)]]
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(
                f"https://www.demo-ledger.example/news/{i}", "response", payload=io.BytesIO(_page(i, pick)),
                http_headers=hh, warc_headers_dict={"WARC-Date": f"2024-03-{1 + i % 28:02d}T10:00:00Z"}))
            if extra and i == 0:
                w.write_record(w.create_warc_record("https://www.demo-ledger.example/news/0", "request",
                                                    payload=io.BytesIO(b"GET /news/0 HTTP/1.1\r\n\r\n")))
                js = StatusAndHeaders("200 OK", [("Content-Type", "application/javascript")], protocol="HTTP/1.1")
                w.write_record(w.create_warc_record("https://www.demo-ledger.example/app.js", "response",
                                                    payload=io.BytesIO(b"var x = 1;"), http_headers=js))


def _split(items):
    return ([i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, IngestError)])


def test_a_warc_of_1000_articles_gives_1000_documents_with_outlet_url_and_date(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, 1000)
    docs, errors = _split(list(iter_sources([str(path)], SETTINGS)))
    assert errors == []
    assert len(docs) == 1000
    # sources count response records: the script's response after the first article is #2
    assert docs[0].source == f"{path}#1" and docs[5].source == f"{path}#7"
    assert docs[5].url == "https://www.demo-ledger.example/news/5" and docs[5].outlet == "Demo Ledger"
    assert docs[5].title == "Report 5" and docs[5].text.startswith("Report 5\n\n(5) ")
    assert (docs[5].published, docs[5].date_basis) == ("2024-03-06", "warc")
    assert len({d.url for d in docs}) == 1000


@pytest.mark.parametrize("gz", [True, False])
def test_a_truncated_warc_stores_the_rest_and_records_the_bad_record(tmp_path, gz):
    whole = tmp_path / ("whole.warc.gz" if gz else "whole.warc")
    write_warc(whole, 6, gz=gz, extra=False)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(data[: len(data) - len(data) // 12])  # into the last record
    docs, errors = _split(list(iter_sources([str(cut)], SETTINGS)))
    assert [d.url.rsplit("/", 1)[1] for d in docs] == ["0", "1", "2", "3", "4"]
    assert [(e.source, e.reason) for e in errors] == [(f"{cut}#6", "bad_record")]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Demo Wire</title><link>https://wire.example.net/</link><description>demo</description>
<item><title>First</title><link>https://wire.example.net/a/1</link><pubDate>Tue, 05 Mar 2024 09:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>{p0}</p><p>{p1}</p>]]></content:encoded></item>
<item><title>Second</title><link>https://wire.example.net/a/2</link><pubDate>Wed, 06 Mar 2024 23:30:00 -0200</pubDate>
<description>{p2}</description></item>
<item><title>Empty</title><link>https://wire.example.net/a/3</link></item>
</channel></rss>"""


def _rss() -> str:
    p = _paragraphs()
    return RSS.format(p0=p[0], p1=p[1], p2=p[2].replace("&", "&amp;").replace("<", "&lt;"))


@pytest.mark.parametrize("name", ["feed.rss", "feed.xml"])
def test_an_rss_feed_gives_its_entries_with_outlet_url_date_and_title(tmp_path, name):
    path = tmp_path / name
    path.write_text(_rss(), encoding="utf-8")
    docs, errors = _split(list(iter_sources([str(path)], SETTINGS)))
    assert [(d.source, d.title, d.url, d.outlet, d.published, d.date_basis) for d in docs] == [
        (f"{path}#1", "First", "https://wire.example.net/a/1", "Demo Wire", "2024-03-05", "feed"),
        (f"{path}#2", "Second", "https://wire.example.net/a/2", "Demo Wire", "2024-03-07", "feed")]  # UTC
    assert _paragraphs()[1][:40] in docs[0].text
    assert [(e.source, e.reason) for e in errors] == [(f"{path}#3", "no_article_text")]


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


@pytest.mark.parametrize("kind", ["warc.gz", "warc", "rss", "jsonl", "txt"])
def test_standard_input_is_read_in_the_format_it_is_in(tmp_path, monkeypatch, kind):
    if kind.startswith("warc"):
        write_warc(tmp_path / f"in.{kind}", 3, gz=kind == "warc.gz", extra=False)
        data, want = (tmp_path / f"in.{kind}").read_bytes(), ["-#1", "-#2", "-#3"]
    elif kind == "rss":
        data, want = _rss().encode(), ["-#1", "-#2"]
    elif kind == "jsonl":
        data, want = b'{"text": "%s", "date": "2024-03-05"}\n' % _paragraphs()[0].encode(), ["-#L1"]
    else:
        data, want = _paragraphs()[0].encode(), ["-"]
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    docs, _ = _split(list(iter_sources(["-"], SETTINGS)))
    assert [d.source for d in docs] == want


@pytest.mark.slow
def test_ingest_of_archives_is_safe_to_rerun(tmp_path):
    warc, feed, db = tmp_path / "crawl.warc.gz", tmp_path / "feed.rss", tmp_path / "s.db"
    write_warc(warc, 8)
    feed.write_text(_rss(), encoding="utf-8")
    cmd = [sys.executable, "-m", "saidwhat.cli", "ingest", str(warc), str(feed), "--db", str(db)]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "stored 10" in first.stdout, first.stdout
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert "stored 0" in again.stdout and "duplicates 10" in again.stdout, again.stdout
    assert gzip.open(warc).read(5) == b"WARC/"
