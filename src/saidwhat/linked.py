"""The library's ``Store`` (``saidwhat.Store``): the store package's ``Store`` with the linking of
``saidwhat.link`` wired in. The store imports no stage; it calls the hooks it is handed
(``saidwhat.store.linking.Linking``), and this is where the product hands them over, so that every
batch it writes is linked in its transaction (near-duplicate documents, same-utterance clusters).

A module of its own, importing nothing but the store, so that a program (or a CLI command) that
only reads a store loads neither the stages nor the engine.
"""
from __future__ import annotations

from typing import Any

from saidwhat import store as _store


class _Linking:
    """``saidwhat.link.store_linking()``, imported when the store first links: the link package
    loads datasketch (MinHash LSH) and numpy, which a Store that only reads never needs."""

    def __getattr__(self, name: str) -> Any:
        from saidwhat.link import store_linking  # defers datasketch and numpy

        value = getattr(store_linking(), name)
        setattr(self, name, value)  # looked up once per hook
        return value


class Store(_store.Store):
    """One database, SQLite or PostgreSQL (a path or a SQLAlchemy URL), migrated to the head
    revision on open; every batch written with ``add_results`` is linked in its transaction
    (``link=False``: left pending until ``link()``). Write from one process; read from many."""

    def __init__(self, db: str, *, migrate_on_open: bool = True, link: bool = True,
                 link_options: _store.LinkOptions | None = None) -> None:
        super().__init__(db, migrate_on_open=migrate_on_open, link=link, link_options=link_options,
                         linking=_Linking())


__all__ = ["Store"]
