from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


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
