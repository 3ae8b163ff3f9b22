"""saidwhat: who said what, to whom, when - and who reported it.

The library API (docs/python-api.md)::

    import saidwhat
    saidwhat.extract(text, published="2024-02-08")     # statements of one text, no database
    saidwhat.extract_paths(["articles/"])              # DocResult / IngestError per source
    store = saidwhat.Store("saidwhat.db")              # a path or a SQLAlchemy URL
    saidwhat.ingest(["articles/"], store)              # read, extract, store: an IngestReport
    store.statements(speaker="Blinken", since="2024-01-01")
    saidwhat.create_app("saidwhat.db")                 # the web UI and JSON API (FastAPI)

The names are looked up lazily (PEP 562: the module ``__getattr__`` below imports the module that
defines a name when the name is first used), so that ``import saidwhat`` stays cheap: the CLI
imports it for ``saidwhat --help``, and a program that only reads a store never loads spaCy, Dask or
FastAPI. Nothing is cached here, so a name is always what its module holds. No subpackage shares a
name with the API (the reading stage is ``saidwhat.sources``, not ``ingest``): importing a
subpackage sets it as an attribute of this package, which would hide a lazy name of the same name.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_API = {
    "extract": "saidwhat.api",
    "extract_paths": "saidwhat.runners",
    "ingest": "saidwhat.api",
    "Store": "saidwhat.linked",
    "IngestReport": "saidwhat.runners",
    "Statement": "saidwhat.models",
    "Document": "saidwhat.models",
    "Settings": "saidwhat.config",
    "create_app": "saidwhat.web.app",
}

__all__ = ["extract", "extract_paths", "ingest", "Store", "IngestReport", "Statement", "Document",
           "Settings", "create_app", "__version__"]

if TYPE_CHECKING:  # for type checkers and editors; at run time the names come from __getattr__
    from saidwhat.api import extract, ingest
    from saidwhat.config import Settings
    from saidwhat.linked import Store
    from saidwhat.models import Document, Statement
    from saidwhat.runners import IngestReport, extract_paths
    from saidwhat.web.app import create_app


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'saidwhat' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
