"""saidwhat: who said what, to whom, when - and who reported it."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["extract", "__version__"]


def extract(text: str, published: str | None = None, doc: str = "<text>") -> list[dict]:
    """Extract attributed statements from one article text.

    ``published`` is the publication date (YYYY-MM-DD) used to resolve "on Thursday", "yesterday".
    Returns JSONL-shaped statement records (see ``saidwhat.models.Statement``).
    """
    from saidwhat.api import extract as _extract
    return _extract(text, published=published, doc=doc)
