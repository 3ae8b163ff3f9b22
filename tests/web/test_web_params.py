"""What docs/web-api.md promises of request parameters: control and bidi-override (format) characters
are stripped from them before they reach a query (saidwhat.web.params.clean_text, used by every text,
date and choice parameter), and a path identifier carrying them names nothing (404). Through the app
(the JSON search echoes the parameters it used) and on the function itself; the database is
test_web's hand-made one."""
from __future__ import annotations

import warnings
from urllib.parse import quote, urlencode

import pytest

pytest.importorskip("fastapi")
with warnings.catch_warnings():  # starlette's note about httpx2; httpx is what it supports today
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

import test_web  # noqa: E402

# C0/C1 controls (Cc) and format characters (Cf): the bidi embeddings, overrides and isolates, the
# directional marks, zero-width space/joiners, the BOM, soft hyphen
CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
        "\u200e", "\u200f", "\u061c"]
INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\u00ad"]
STRIPPED = CONTROL + BIDI + INVISIBLE


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from saidwhat.web import create_app

    db = test_web.fill(str(tmp_path_factory.mktemp("params") / "web.db"))
    with TestClient(create_app(db)) as c:
        yield c


def sprinkle(word: str, chars: str) -> str:
    """``word`` with ``chars`` before, inside and after it."""
    half = len(word) // 2
    return chars + word[:half] + chars + word[half:] + chars


@pytest.mark.parametrize("ch", STRIPPED, ids=lambda c: f"U+{ord(c):04X}")
def test_clean_text_strips_control_and_format_characters(ch):
    from saidwhat.web.params import clean_text

    assert clean_text(sprinkle("Zakharova", ch)) == "Zakharova"
    assert clean_text(f"Maria{ch} Zakharova") == "Maria Zakharova"
    assert clean_text(ch * 3) is None  # nothing left: no filter at all


def test_search_parameters_reach_the_query_stripped(client):
    """Every text parameter of /api/search arrives without its control and bidi characters: the echoed
    query is the clean one and finds what the clean words find."""
    junk = "\u202e\x00\u2066\u200f\x1b"
    clean = {"q": "lachin", "speaker": "zakharova", "outlet": "Wire <b>A</b>", "target": "AZE", "kind": "direct",
             "since": "2023-09", "until": "2023-09", "negated": "false", "language": "en"}
    want = client.get("/api/search", params=clean).json()
    assert [s["id"] for s in want["statements"]], "the clean query should find the Lachin quote"
    dirty = {k: sprinkle(v, junk) for k, v in clean.items()}
    # the short fields' length caps (10, 8) count the raw value: one character three times there
    dirty.update(since=sprinkle("2023-09", "\u202e"), until=sprinkle("2023-09", "\x00"),
                 kind=sprinkle("direct", "\u2066"), negated=sprinkle("false", "\x1b"))
    r = client.get("/api/search?" + urlencode(dirty))  # percent-encoded: the server decodes them back
    assert r.status_code == 200, r.text[:300]
    got = r.json()
    assert got["query"] == want["query"]
    for value in got["query"].values():
        assert not set(value) & set(STRIPPED), got["query"]
    assert [s["id"] for s in got["statements"]] == [s["id"] for s in want["statements"]]


def test_html_search_page_does_not_echo_bidi_overrides(client):
    """The HTML page puts the parameters back into its form and links: stripped there too."""
    html = client.get("/search", params={"q": "lach\u202ein", "speaker": "\u2067Zakharova\u2069"}).text
    assert "\u202e" not in html and "\u2067" not in html and "\u2069" not in html
    assert "lachin" in html


@pytest.mark.parametrize("ch", ["\x00", "\u202e", "\u2066"], ids=lambda c: f"U+{ord(c):04X}")
def test_an_identifier_with_such_characters_names_nothing(client, ch):
    sid = client.get("/api/search", params={"q": "lachin"}).json()["statements"][0]["id"]
    assert client.get(f"/api/statements/{sid}").status_code == 200
    assert client.get(f"/api/statements/{quote(sid + ch)}").status_code == 404
    assert client.get(f"/api/statements/{quote(ch + sid)}").status_code == 404
