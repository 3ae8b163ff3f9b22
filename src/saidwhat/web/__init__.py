"""The web UI and JSON API (``saidwhat serve``): FastAPI, server-rendered Jinja2 pages, one JSON twin
under ``/api/…`` for every page. Read-only, and it never imports spaCy or the pipeline.

    from saidwhat.web import create_app
    app = create_app("saidwhat.db")      # an ASGI app; `saidwhat serve` runs it with uvicorn

- ``params``: request parameters, their limits and validation (bad input -> 4xx, never 500);
- ``reads``: read-only SQL the Store does not offer yet (filtered full-text pages, counts, facets);
- ``related``: other reports of the same utterance, clusters, actor profiles and weekly counts;
- ``highlight`` / ``chart``: article text cut into highlighted segments; the weekly bar chart;
- ``views``: the data of each page (the JSON twin is exactly this data);
- ``routes`` / ``app``: the FastAPI routes, error pages, security headers, static files.
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(db: str, **kw):
    from saidwhat.web.app import create_app as _create_app

    return _create_app(db, **kw)
