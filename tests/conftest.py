from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# The tests of the stages after extraction (speakers, dates, targets, events, linking, the store, the
# CLI and the web) read the statements of the rules extractor, whose output is exact and quick; the
# default extractor (the attribution tagger and the statement filter) is tested where it is named:
# tests/nlp/test_statement_filter.py, tests/tagger/, and the accuracy and regression gates of tests/eval
# (which name every extractor). SAIDWHAT_EXTRACTOR=accurate runs the whole suite on the default one.
os.environ.setdefault("SAIDWHAT_EXTRACTOR", "rules")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus" / "seeds").is_dir():
        pytest.skip(f"shared sample corpus not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def nlp():
    from saidwhat.pipeline import load_nlp
    return load_nlp()


@pytest.fixture(scope="session")
def link_corpus():
    """The linking corpus through the real pipeline, once for test_link_store and test_link_cli
    (link_support.run_corpus)."""
    from link_support import run_corpus
    return run_corpus()


@pytest.fixture(scope="session")
def extract(nlp):
    """extract(text, published) -> list of statement records."""
    from saidwhat.api import extract as _extract
    return _extract


@pytest.fixture(scope="session")
def statement_at():
    """statement_at(doc, quote, **fields) -> a Statement of ``doc`` whose start/end locate the
    first occurrence of ``quote`` in ``doc.text`` (``doc`` and ``doc_id`` filled in)."""
    from saidwhat.models import Statement

    def build(doc, quote: str, **fields) -> Statement:
        start = doc.text.index(quote)
        return Statement(doc=doc.name, doc_id=doc.id, quote=quote, start=start,
                         end=start + len(quote), **fields)

    return build


# --- what is missing: skip here, fail in CI (issue 38) -------------------------------------------
# `make test` (CI) installs or starts every prerequisite of the suite: the PostgreSQL server (`make pg`),
# Chromium (`make browser`), torch (`make train-deps`), and ../shared is laid beside the checkout. So a
# test that finds one missing skips with the reason on a developer's machine but FAILS under CI=true:
# there a skip would hide a broken set-up behind a green run.

def in_ci() -> bool:
    """True when CI is set to something other than "", 0, false or no (CI runs with CI=true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> NoReturn:
    """The one rule for a missing prerequisite: pytest.skip(reason) locally, pytest.fail under CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: `make test` should have provided it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_required() -> Path:
    """../shared with PolNeAR dev, PLOVER dev and the sample gold, for the accuracy and regression
    gates: skips where it is absent, fails under CI (where it is always laid beside the checkout)."""
    need = [SHARED / "corpus" / "seeds", SHARED / "gold" / "seeds.statements.jsonl",
            SHARED / "polnear" / "dev.jsonl", SHARED / "plover" / "dev.jsonl"]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        skip_or_fail(f"shared evaluation data not found: {', '.join(missing)}")
    return SHARED


_MODULE_MARKS = {"test_postgres": "pg", "test_web_pg": "pg", "test_web_browser": "browser"}


def pytest_collection_modifyitems(config, items) -> None:
    """Markers by what a test needs (registered in pyproject.toml): ``pg`` and ``browser`` by module,
    ``shared`` for every test that reads ../shared through a fixture; ``slow`` is set by hand."""
    for item in items:
        mark = _MODULE_MARKS.get(getattr(getattr(item, "module", None), "__name__", ""))
        if mark:
            item.add_marker(mark)
        if {"shared", "shared_required"} & set(getattr(item, "fixturenames", ())):
            item.add_marker("shared")
