"""The exception the ingest helpers raise for one bad input; turned into an IngestError."""
from __future__ import annotations


class Reject(Exception):
    """A document (or record) that cannot be ingested, with a reason from models.REASONS."""

    def __init__(self, reason: str, message: str, doc_id: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.doc_id = doc_id
