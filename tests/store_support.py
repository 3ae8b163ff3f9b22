"""Shared by the store tests (test_store.py: writes and concurrency; test_store_schema.py: migrations
and pragmas; test_store_queries.py: filters, full-text search, stats): hand-made records and a store
holding them."""
from __future__ import annotations

import pytest

from saidwhat.models import DocResult, Document, content_id
from saidwhat.store import Store

# --- hand-made records ---------------------------------------------------------------------------

TEXT_A = ('MOSCOW, March 4. Russian Foreign Ministry spokeswoman Maria Zakharova said on Monday that '
          '"the sanctions are illegal and will fail". She denied that Moscow had moved troops '
          'to the Ukrainian border.')
TEXT_B = ('WASHINGTON, March 5. Secretary of State Antony Blinken told reporters that Russia must '
          'pay for the sanctions sanctions sanctions violations. The spokesperson later said '
          '"we will answer".')
TEXT_C = ('BEIJING, Feb 28. Wang Wenbin said the United States should stop interfering. '
          'Ümit Özdağ sagte, die Lage sei ernst.')


def _span(text: str, s: str) -> dict:
    i = text.index(s)
    return {"start": i, "end": i + len(s)}


@pytest.fixture
def make_results(statement_at):
    """make_results() -> fresh DocResults of the hand-made documents and statements."""
    _st = statement_at

    def make() -> list[DocResult]:
        a = Document(id=content_id(TEXT_A), source="/corpus/tass/a.txt", text=TEXT_A,
                     title="Zakharova on sanctions", published="2024-03-04", date_basis="header",
                     outlet="TASS", language="en")
        b = Document(id=content_id(TEXT_B), source="/corpus/b.jsonl#3", text=TEXT_B,
                     title="Blinken", published="2024-03-05", format="jsonl", url="https://x/b")
        c = Document(id=content_id(TEXT_C), source="/corpus/c.html", text=TEXT_C,
                     published="2024-02-28", format="html")
        cue = _span(TEXT_A, "said")
        mention = _span(TEXT_A, "Maria Zakharova")
        a1 = _st(a, "the sanctions are illegal and will fail", kind="direct", cue="say",
                 cue_text="said", cue_start=cue["start"], cue_end=cue["end"],
                 speaker="Maria Zakharova", speaker_mention="Maria Zakharova",
                 speaker_start=mention["start"], speaker_end=mention["end"],
                 actor_id="maria_zakharova", actor_type="person", country="RUS", sector="MFA",
                 date="2024-03-04", date_basis="weekday", targets=["USA", "GBR"], confidence=0.9)
        a2 = _st(a, "Moscow had moved troops to the Ukrainian border", kind="indirect", cue="deny",
                 cue_text="denied", speaker="Maria Zakharova", speaker_mention="She",
                 actor_id="maria_zakharova", country="RUS", date="2024-03-04", targets=["UKR"],
                 negated=True, confidence=0.7)
        b1 = _st(b, "Russia must pay for the sanctions sanctions sanctions violations",
                 kind="indirect", cue="tell", cue_text="told", speaker="Antony Blinken",
                 speaker_mention="Antony Blinken", actor_id="antony_blinken", country="USA",
                 date="2024-03-05", targets=["RUS"], target_actors=["vladimir_putin"],
                 confidence=0.8)
        b2 = _st(b, "we will answer", kind="direct", cue="say", cue_text="said",
                 speaker="Maria Zakharova", speaker_mention="The spokesperson",
                 actor_id="maria_zakharova", country="RUS", date="2024-03-06", confidence=0.6)
        c1 = _st(c, "the United States should stop interfering", kind="indirect", cue="say",
                 speaker="Wang Wenbin", speaker_mention="Wang Wenbin", actor_id="wang_wenbin",
                 country="CHN", date="2024-02-28", targets=["USA"], confidence=0.85)
        c2 = _st(c, "die Lage sei ernst", kind="indirect", cue="sagen", speaker="Ümit Özdağ",
                 speaker_mention="Ümit Özdağ", actor_id="umit_ozdag", country="TUR", date=None,
                 confidence=0.3)
        return [DocResult(a, [a1, a2]), DocResult(b, [b1, b2]), DocResult(c, [c1, c2])]

    return make


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "nested" / "dir" / "test.db")


@pytest.fixture
def store(make_results, db_path):
    s = Store(db_path)
    s.add_results(make_results())
    yield s
    s.close()


def _ids(rows):
    return [r["id"] for r in rows]


def _quotes(rows):
    return {r["quote"] for r in rows}


def _fts_ok(store: Store) -> None:
    with store.engine.begin() as conn:  # raises if the index is out of sync with statements
        conn.exec_driver_sql("INSERT INTO statements_fts(statements_fts, rank) "
                             "VALUES ('integrity-check', 1)")
