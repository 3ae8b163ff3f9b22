"""Python API over the pipeline (no database)."""
from __future__ import annotations

from saidwhat.config import Settings
from saidwhat.models import Document, content_id


def extract(text: str, published: str | None = None, doc: str = "<text>",
            settings: Settings | None = None) -> list[dict]:
    """Attributed statements in one article text, as JSONL-shaped records."""
    from saidwhat.pipeline import process
    d = Document(id=content_id(text), source=doc, text=text, published=published,
                 date_basis="given" if published else None)
    out = []
    for r in process([d], settings or Settings()):
        if r.error is not None:
            raise RuntimeError(r.error.message)
        out.extend(s.record() for s in r.statements)
    return out
