"""The library API's functions that join layers, which ``saidwhat/__init__.py`` hands out by name
(see docs/python-api.md):

- ``ingest``: the ingest engine (``saidwhat.runners``) into a ``Store`` (``saidwhat.linked``: the
  store with linking wired in) or a database path or URL;
- ``extract``: one article text through the per-document stages, no database.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

from saidwhat import pipeline, runners
from saidwhat.config import Settings
from saidwhat.linked import Store
from saidwhat.models import Document, content_id
from saidwhat.runners import IngestReport, Progress


def ingest(paths: Iterable[str] | str, store: Store | str | os.PathLike, settings: Settings | None = None,
           *, workers: int | None = None, scheduler: str | None = None,
           chunk_size: int = runners.DEFAULT_CHUNK, max_in_flight: int | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Read, extract and store ``paths`` (files, folders, globs of txt, html, jsonl) into ``store``
    (a ``Store``, or a database path or URL, opened and closed here). In this process by default;
    ``workers=N`` on a local Dask cluster of N worker processes, ``scheduler="tcp://..."`` on a
    running one. ``progress(seen, None)`` is called after each write. Safe to re-run: what is
    stored already is skipped as a duplicate."""
    if isinstance(store, (str, os.PathLike)):
        with Store(os.fspath(store)) as opened:
            return ingest(paths, opened, settings, workers=workers, scheduler=scheduler,
                          chunk_size=chunk_size, max_in_flight=max_in_flight, progress=progress)
    return runners.ingest(paths, store, settings, workers=workers, scheduler=scheduler,
                          chunk_size=chunk_size, max_in_flight=max_in_flight, progress=progress)


def extract(text: str, published: str | None = None, doc: str = "<text>",
            settings: Settings | None = None) -> list[dict]:
    """The statements of one article text, as JSONL-shaped records (no database). ``published``
    (YYYY-MM-DD) is the publication date that "on Thursday" and "yesterday" are resolved against;
    ``doc`` names the text in the records."""
    d = Document(id=content_id(text), source=doc, text=text, published=published,
                 date_basis="given" if published else None)
    out = []
    for r in pipeline.process([d], settings or Settings()):
        if r.error is not None:
            raise RuntimeError(r.error.message)
        out.extend(s.record() for s in r.statements)
    return out


__all__ = ["ingest", "extract"]
