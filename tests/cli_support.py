"""Shared by the CLI tests (test_cli.py: the query commands over a store of hand-made records;
test_cli_run.py: the commands that run the pipeline, faked but for the end-to-end tests)."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saidwhat.models import DocResult, Document, content_id

WIDE = {"COLUMNS": "200"}

TEXT_A = ('MOSCOW, March 4. Russian Foreign Ministry spokeswoman Maria Zakharova said on Monday that '
          '"the sanctions are illegal [bold]and will fail". She denied that Moscow had moved '
          'troops to the border.')
TEXT_B = ('WASHINGTON, March 5. Antony Blinken told reporters that Russia must pay for the '
          'sanctions violations.')


@pytest.fixture
def make_results(statement_at):
    """make_results() -> fresh DocResults of the hand-made documents and statements."""
    _st = statement_at

    def make() -> list[DocResult]:
        a = Document(id=content_id(TEXT_A), source="/c/a.txt", text=TEXT_A, title="Zakharova",
                     published="2024-03-04", outlet="TASS")
        b = Document(id=content_id(TEXT_B), source="/c/b.txt", text=TEXT_B, published="2024-03-05")
        m = TEXT_A.index("Maria Zakharova")
        c = TEXT_A.index("said")
        return [
            DocResult(a, [
                _st(a, "the sanctions are illegal [bold]and will fail", kind="direct", cue="say",
                    cue_text="said", cue_start=c, cue_end=c + 4, speaker="Maria Zakharova",
                    speaker_mention="Maria Zakharova", speaker_start=m, speaker_end=m + 15,
                    actor_id="maria_zakharova", country="RUS", date="2024-03-04",
                    date_basis="weekday", targets=["USA", "GBR"], confidence=0.9),
                _st(a, "Moscow had moved troops to the border", kind="indirect", cue="deny",
                    cue_text="denied", speaker="Maria Zakharova", speaker_mention="She",
                    actor_id="maria_zakharova", country="RUS", date="2024-03-04", negated=True),
            ]),
            DocResult(b, [
                _st(b, "Russia must pay for the sanctions violations", kind="indirect", cue="tell",
                    cue_text="told", speaker="Antony Blinken", speaker_mention="Antony Blinken",
                    actor_id="antony_blinken", country="USA", date="2024-03-05", targets=["RUS"]),
            ]),
        ]

    return make


@pytest.fixture
def runner():
    return CliRunner()



def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
