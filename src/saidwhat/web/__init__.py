"""The web UI and JSON API (``saidwhat serve``): FastAPI, server-rendered Jinja2 pages, one JSON twin
under ``/api/…`` for every page. Read-only, and it never imports spaCy or the pipeline.

    from saidwhat.web import create_app
    app = create_app("saidwhat.db")      # an ASGI app; `saidwhat serve` runs it with uvicorn

- ``params``: request parameters, their limits and validation (bad input -> 4xx, never 500);
- ``related``: other reports of the same utterance and the reports of one cluster, as shown;
- ``highlight`` / ``chart``: article text cut into highlighted segments; the weekly bar chart;
- ``views``: the data of each page (the JSON twin is exactly this data);
- ``routes`` / ``app``: the FastAPI routes, error pages, security headers, static files.

Every read goes through a public method of ``saidwhat.store.Store`` (opened with
``Store.read_only``): the web runs no SQL and imports no SQLAlchemy.
"""
from __future__ import annotations

from saidwhat.web.app import create_app

__all__ = ["create_app"]
