"""The exception the ingest helpers raise for one bad input; turned into an IngestError."""
from __future__ import annotations

from saidwhat.models import IngestError


class Reject(Exception):
    """A document (or record) that cannot be ingested, with a reason from models.REASONS."""

    def __init__(self, reason: str, message: str, doc_id: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.doc_id = doc_id


def as_error(source: str, exc: BaseException, reason: str = "extraction_error") -> IngestError:
    """The IngestError of one bad input: a Reject's own reason and message, else ``reason`` with the
    exception's class and message."""
    if isinstance(exc, Reject):
        return IngestError(source, exc.reason, exc.message, exc.doc_id)
    return IngestError(source, reason, f"{type(exc).__name__}: {exc}")
