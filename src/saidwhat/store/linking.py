"""What the store needs from linking, declared here as types so that the store imports no stage.

The store runs linking in the writer's transaction (``Store.add_results``, ``Store.link``), but the
rules (who a statement's speaker is for blocking, when two reports are the same utterance, what a
cluster's canonical text is, the near-duplicate bands of a text) belong to ``saidwhat.link``. The
store calls them through one object handed to it, ``Store(db, linking=...)``, that has the methods of
``Linking`` below; ``saidwhat.link.store_linking()`` returns the one the product uses. A store opened
without it (the web, which only reads) links nothing: what it writes stays pending until a store with
linking runs ``link()``.

``LinkOptions`` are the settings of linking, declared once and passed to ``Linking.clusterer``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class LinkOptions:
    """Settings of linking, declared once. ``method``: how content is compared within a language
    (``tokens``: containment of content words, shared quoted fragments, numbers and names)."""
    method: str = "tokens"
    window_days: int = 3          # statement days compared within this many days
    min_overlap: float = 0.6      # containment of the smaller content-word set
    fragment_overlap: float = 0.3  # ... when a 5-word quoted fragment is shared
    cross_days: int = 1           # other languages: days apart at most
    cross_min: int = 2            # other languages: shared names/numbers at least
    dedup_threshold: float = 0.8  # shingle Jaccard of near-duplicate documents


class Clusterer(Protocol):
    """One linking run's clustering (a ``saidwhat.link.Linker``): statements already clustered are
    seeded as they are, the pending ones are added (compared with what shares their blocks), then
    every statement has a cluster id (the id of its cluster's first report)."""

    def seed(self, statements: list[dict], cluster_of: dict[str, str]) -> None: ...

    def add(self, statements: list[dict]) -> Any: ...

    def cluster_of(self, statement_id: str) -> str: ...


class Linking(Protocol):
    """The linking functions the store calls. Statements are plain dicts of statement columns plus
    their document's ``published``, ``outlet``, ``url``, ``language`` and ``doc`` (the name)."""

    def block_keys(self, statement: dict) -> list[str]:
        """The blocks (speaker keys) a statement is filed under, most specific first; the first is
        the cluster's ``speaker_key``."""
        ...

    def block_day(self, date: str | None, published: str | None) -> int | None:
        """The day a statement is filed under (its date, else its document's; a date ordinal)."""
        ...

    def clusterer(self, options: LinkOptions) -> Clusterer:
        """A fresh clustering for one run, with these settings."""
        ...

    def summary(self, members: list[dict]) -> dict:
        """One cluster's summary from its members: ``id``, ``canonical_text``, ``date``,
        ``n_reports``, ``outlets`` and ``statements`` (member ids, first report first)."""
        ...

    def document_bands(self, text: str) -> list[str]:
        """The near-duplicate (LSH) band keys a document's text is filed under."""
        ...

    def shingles(self, text: str) -> set[str]:
        """The word shingles two texts are compared by."""
        ...

    def jaccard(self, a: set[str], b: set[str]) -> float:
        """The similarity of two shingle sets (a near duplicate: at least ``dedup_threshold``)."""
        ...


__all__ = ["Clusterer", "LinkOptions", "Linking"]
