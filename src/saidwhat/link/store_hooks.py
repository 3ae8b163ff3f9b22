"""The linking the store runs when it writes: this package's rules behind the hooks the store
declares (``saidwhat.store.linking.Linking``), so that the store never imports a stage.

    from saidwhat.link import store_linking
    store = Store("saidwhat.db", linking=store_linking())   # links every written batch

The class matches the store's protocol by its methods; it imports nothing from the store (a Dask
worker that imports ``saidwhat.link`` loads no SQL)."""
from __future__ import annotations

from saidwhat.link import dedup
from saidwhat.link.cluster import Linker, cluster_summary, day_of, speaker_keys

METHODS = ("tokens",)


class StoreLinking:
    """Blocking keys and days, the clustering of a linking run, cluster summaries and near-duplicate
    bands, as ``saidwhat.link`` computes them. Holds no state: one object serves every store."""

    def block_keys(self, statement: dict) -> list[str]:
        return speaker_keys(statement)

    def block_day(self, date: str | None, published: str | None) -> int | None:
        return day_of(date, published)

    def clusterer(self, options) -> Linker:
        """A ``Linker`` with the settings of ``options`` (a ``saidwhat.store.LinkOptions``)."""
        if options.method not in METHODS:
            raise ValueError(f"unknown linking method {options.method!r} ({', '.join(METHODS)})")
        return Linker(options.window_days, options.min_overlap, options.fragment_overlap,
                      cross_days=options.cross_days, cross_min=options.cross_min)

    def summary(self, members: list[dict]) -> dict:
        return cluster_summary(members)

    def document_bands(self, text: str) -> list[str]:
        return dedup.document_bands(text)

    def shingles(self, text: str) -> set[str]:
        return dedup.shingles(text)

    def jaccard(self, a: set[str], b: set[str]) -> float:
        return dedup.jaccard(a, b)


_LINKING = StoreLinking()


def store_linking() -> StoreLinking:
    """The linking hooks to hand to a writing store: ``Store(db, linking=store_linking())``."""
    return _LINKING


__all__ = ["StoreLinking", "store_linking"]
