"""The store: documents, statements and ingest errors in SQLite (or PostgreSQL).

    store = Store("saidwhat.db", linking=store_linking())  # a path or a SQLAlchemy URL; migrates
    store.add_results(results)            # one transaction, upsert by id; links the new statements
    store.statements(speaker="spokesperson", target="USA", since="2024-03-01")
    store.search("sanctions")
    Store.read_only("saidwhat.db")        # for serving: the database must exist; no writes

All SQL lives in this package, one module per concept: ``schema`` (tables), ``db`` (engine,
pragmas, migrations, read-only connections), ``upsert`` and ``writes``, ``queries`` (statements,
documents, errors, figures), ``search`` (a filtered, paginated search), ``actors`` (an actor's
record), ``related`` (reports of the same words), ``clusters`` / ``cluster_reads`` (linking, written
and read). Records go in as dataclasses or dicts and come out as plain dicts with
``models.Statement.to_dict()`` keys.

The store imports no stage: the linking it runs when it writes comes in as an object with the
methods of ``linking.Linking`` (``saidwhat.link.store_linking()`` gives it).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from saidwhat.store import actors as ac
from saidwhat.store import cluster_reads as cr
from saidwhat.store import clusters as cl
from saidwhat.store import queries as q
from saidwhat.store import related as rel
from saidwhat.store import search as se
from saidwhat.store.db import (
    UnusableDatabase,
    check_readable,
    current_revision,
    is_sqlite,
    make_engine,
    make_read_only,
    migrate,
    missing_file,
)
from saidwhat.store.linking import Linking, LinkOptions
from saidwhat.store.schema import FTS_TABLE
from saidwhat.store.search import SearchPage
from saidwhat.store.writes import write_errors, write_results

__all__ = ["Store", "LinkOptions", "Linking", "SearchPage", "UnusableDatabase"]


class Store:
    """One database. Safe to open many times (migrations are idempotent); write from one process."""

    def __init__(self, db: str, *, migrate_on_open: bool = True, link: bool = True,
                 link_options: LinkOptions | None = None, linking: Linking | None = None) -> None:
        """``linking``: the linking hooks (``saidwhat.link.store_linking()``); without them
        nothing is linked and written statements stay pending. ``link``: link every written batch
        (near-duplicate documents, statement clusters) in its transaction; off, statements stay
        pending until ``link()``."""
        self.link_on_write = link
        self.link_options = link_options or LinkOptions()
        self.linking = linking
        self._open(db)
        if migrate_on_open:
            migrate(self.engine)

    def _open(self, db: str, read_only: bool = False) -> None:
        self.db = db
        self.engine = make_engine(db, read_only=read_only)
        self.dialect = self.engine.dialect.name

    @classmethod
    def read_only(cls, db: str, *, any_revision: bool = False) -> Store:
        """A Store that only reads (the read commands, serving). Nothing is created or migrated:
        the database must exist (``FileNotFoundError`` otherwise, and no file or folder is made)
        and be saidwhat's at this schema revision (``UnusableDatabase`` otherwise: not a database,
        another application's, or older: ``saidwhat db upgrade`` migrates it). A SQLite file is
        opened through a ``mode=ro`` URI (``immutable`` in a read-only folder) and its journal
        mode is left alone; connections are read-only (``PRAGMA query_only``; READ ONLY
        transactions on PostgreSQL). ``any_revision``: open whatever database is there, unchecked
        (to read its revision)."""
        path = missing_file(db)
        if path is not None:
            raise FileNotFoundError(f"no database at {path} (run `saidwhat ingest` first)")
        store = cls(db, migrate_on_open=False)  # its engine has not connected yet
        store.close()
        store._open(db, read_only=True)
        label = db if store.dialect == "sqlite" else repr(store)
        try:
            if not any_revision:
                check_readable(store.engine, label)
        except BaseException:
            store.close()
            raise
        make_read_only(store.engine)
        return store

    # -- plumbing ---------------------------------------------------------------------------------
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    def _write(self):
        """A write transaction (BEGIN IMMEDIATE on SQLite)."""
        return self.engine.connect().execution_options(sqlite_begin="IMMEDIATE")

    def snapshot(self) -> sa.Connection:
        """A read connection whose queries all see one snapshot (REPEATABLE READ on PostgreSQL;
        SQLite's read transaction already is one), for reads made of several queries:
        ``with store.snapshot() as conn: ...``."""
        conn = self.engine.connect()
        if self.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        return conn

    # -- writes -----------------------------------------------------------------------------------
    def add_results(self, results: Iterable[Any]) -> dict[str, Any]:
        """Write documents and their statements in ONE transaction. Re-adding a document replaces
        its statements. Results carrying an ``error`` are recorded as errors, not stored. Then, in
        the same transaction, the new documents are checked for near duplicates and the pending
        statements are linked into clusters (unless the store was opened with ``link=False`` or
        without ``linking``)."""
        results = list(results)
        if not results:
            return {"documents": 0, "statements": 0, "errors": 0, "new_ids": []}
        linking = self.linking
        with self._write() as conn, conn.begin():
            counts = write_results(conn, results, linking)
            if linking is not None and self.link_on_write and counts["documents"]:
                docs = {}
                for r in results:
                    if getattr(r, "error", None) is None:
                        d = r.document
                        get = d.get if isinstance(d, dict) else lambda k, d=d: getattr(d, k, None)
                        docs[get("id")] = {k: get(k) for k in ("id", "text", "published")}
                        # LSH bands computed where the document was processed (a Dask worker)
                        docs[get("id")]["bands"] = getattr(r, "dedup_bands", None)
                counts["near_duplicates"] = cl.mark_near_duplicates(
                    conn, list(docs.values()), linking, self.link_options.dedup_threshold)
                counts.update(cl.link_pending(conn, linking, self.link_options))
            return counts

    # -- linking (issue 6) ------------------------------------------------------------------------
    def link(self, rebuild: bool = False, batch: int = 500) -> dict[str, int]:
        """Link what is pending: documents with no near-duplicate check yet, statements with no
        cluster. ``rebuild``: forget every link first and link the whole database again (same
        result as linking batch by batch). Needs the store's ``linking``."""
        linking = self.linking
        if linking is None:
            raise RuntimeError("this Store was opened without linking: "
                               "open it with linking=saidwhat.link.store_linking()")
        totals = {"near_duplicates": 0, "linked": 0, "merged": 0, "clusters": 0}
        with self._write() as conn, conn.begin():
            if rebuild:
                cl.reset(conn)
            after = ""
            while docs := cl.undeduplicated(conn, after, batch):
                totals["near_duplicates"] += cl.mark_near_duplicates(
                    conn, docs, linking, self.link_options.dedup_threshold)
                after = docs[-1]["id"]
            for k, v in cl.link_pending(conn, linking, self.link_options).items():
                totals[k] += v
            totals.update(cr.link_counts(conn))
        return totals

    def cluster(self, key: str, limit: int | None = None) -> dict[str, Any] | None:
        """One cluster (by its id or a member statement's id): its ``clusters`` row, ``outlets``
        and ``reports`` (statement records with their document's title, outlet, published, url,
        language, near_dup_of, and ``first``), first report first; ``limit``: at most that many
        reports. None when neither a cluster nor a linked statement has that id."""
        with self.snapshot() as conn:
            return cr.get_cluster(conn, key, limit)

    def same_words(self, statement: dict[str, Any],
                   limit: int = rel.MAX_REPORTS) -> list[dict[str, Any]]:
        """Statements of other documents whose normalised quote equals ``statement``'s or contains
        it (``match`` says which), by published date; the reports of an utterance that linking
        left alone (see ``related``)."""
        with self.engine.connect() as conn:
            return rel.same_words(conn, statement, limit)

    def clusters(self, actor: str | None = None, since: str | None = None, until: str | None = None,
                 event: str | None = None, min_reports: int = 1, limit: int | None = 100,
                 offset: int = 0) -> list[dict[str, Any]]:
        """Clusters, one per utterance, in date order (see ``clusters.list_clusters``)."""
        with self.engine.connect() as conn:
            return cr.list_clusters(conn, actor=actor, since=since, until=until, event=event,
                                    min_reports=min_reports, limit=limit, offset=offset)

    def utterances(self, actor: str, since: str | None = None, until: str | None = None,
                   event: str | None = None) -> list[dict[str, Any]]:
        """An actor's timeline: one row per utterance (cluster) in date order: date, event type,
        targets, canonical text, number of reports, first outlet. Statements not linked yet
        (pending) are shown as utterances of their own."""
        with self.snapshot() as conn:
            rows = cr.list_clusters(conn, actor=actor, since=since, until=until, event=event)
            pending = q.select_statements(self.dialect, speaker=actor, since=since, until=until,
                                          event=event, limit=None)
            pending = pending.where(q.S.c.cluster_id.is_(None)).add_columns(
                q.D.c.outlet, q.D.c.published)
            extra = [cr.pending_utterance(q.row_to_statement(r)) for r in conn.execute(pending)]
        if extra:
            rows = sorted(rows + extra, key=lambda r: (
                r.get("date") is None, r.get("date") or "", r.get("first_published") or "",
                r.get("first_doc") or "", r.get("first_start") or 0, r["id"]))
        return rows

    def link_status(self) -> dict[str, int]:
        with self.snapshot() as conn:
            return cr.link_counts(conn)

    def add_errors(self, errors: Iterable[Any]) -> int:
        """Record ingest errors; a repeated (source, reason) bumps count and last_seen."""
        errors = list(errors)
        if not errors:
            return 0
        with self._write() as conn, conn.begin():
            return write_errors(conn, errors)

    def revision(self) -> str | None:
        """The schema revision the database is at (None: not migrated)."""
        with self.engine.connect() as conn:
            return current_revision(conn)

    def rebuild_fts(self) -> None:
        """Rebuild the full-text index from the statements table (SQLite; e.g. after VACUUM)."""
        if is_sqlite(self.engine):
            with self._write() as conn, conn.begin():
                conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

    # -- reads ------------------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return set()
        with self.engine.connect() as conn:
            return q.existing_ids(conn, ids)

    def statements(self, speaker: str | None = None, actor: str | None = None,
                   target: str | None = None, since: str | None = None, until: str | None = None,
                   kind: str | None = None, negated: bool | None = None, doc: str | None = None,
                   limit: int | None = 100, offset: int = 0, order: str = "date",
                   country: str | None = None, event: str | None = None,
                   source: str | None = None) -> list[dict[str, Any]]:
        """Statements matching all given filters.

        speaker: case-insensitive substring of speaker, speaker_mention or actor_id;
        actor: actor_id (case-insensitive, exact); target: an ISO3 in targets or an actor id in
        target_actors; since/until: inclusive bounds on the statement date (YYYY[-MM[-DD]]);
        doc: document id, file name or source; order: date | -date | confidence | doc;
        event: PLOVER event type; source: the speaker's ISO3 country or actor id.
        """
        sel = q.select_statements(self.dialect, speaker=speaker, actor=actor, target=target,
                                  since=since, until=until, kind=kind, negated=negated, doc=doc,
                                  country=country, event=event, source=source, limit=limit,
                                  offset=offset, order=order)
        with self.engine.connect() as conn:
            return [q.row_to_statement(r) for r in conn.execute(sel)]

    def iter_statements(self, batch: int = 1000, **filters) -> Iterator[dict[str, Any]]:
        """Stream statements (same filters as ``statements``; no limit by default)."""
        filters.setdefault("limit", None)
        sel = q.select_statements(self.dialect, **filters)
        with self.engine.connect() as conn:
            yield from q.stream(conn, sel, batch)

    def count_statements(self, **filters) -> int:
        sel = q.select_statements(self.dialect, limit=None, **filters).subquery()
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(sel)).scalar() or 0

    def statement(self, statement_id: str) -> dict[str, Any] | None:
        """One statement plus its document's text, title, source, published, outlet, url."""
        with self.engine.connect() as conn:
            return q.get_statement(conn, statement_id)

    def search(self, query: str, limit: int = 50,
               candidates: int | None = q.SEARCH_CANDIDATES) -> list[dict[str, Any]]:
        """Full-text search over quote, speaker and mention: FTS5 + bm25 on SQLite, a tsvector
        column with a GIN index ranked by ts_rank on PostgreSQL. Every term is quoted, so no user
        input is query syntax; terms are ANDed; ``word*`` is a prefix. Rows carry a ``score``
        (lower is better on both backends). A query with more than ``candidates`` matches is
        ranked among that many of them (the most recent on SQLite); ``None`` ranks all."""
        if not query or not query.strip():
            return []
        with self.engine.connect() as conn:
            return q.search(conn, query, limit, candidates)

    def search_page(self, q: str | None = None, *, speaker: str | None = None,
                    target: str | None = None, event_type: str | None = None,
                    since: str | None = None, until: str | None = None, outlet: str | None = None,
                    language: str | None = None, kind: str | None = None,
                    negated: bool | None = None, sort: str = "-date", limit: int = 20,
                    offset: int = 0) -> SearchPage:
        """One page of a filtered full-text search (the web's search): ``SearchPage(statements,
        total, capped)``, the total counted up to ``search.COUNT_CAP``. ``q``: words, all must
        occur (``word*`` a prefix; optional); ``speaker``: a substring of speaker, mention or
        actor id; ``target``: an ISO3 or target actor id; ``since``/``until``: inclusive dates;
        ``outlet``/``language``: the document's; ``sort``: ``-date`` (newest first, undated
        last), ``date`` or ``relevance`` (with ``q``). Rows carry the document's title, outlet,
        language and published (and ``score`` by relevance)."""
        filters = se.Filters(q=q, speaker=speaker, target=target, event_type=event_type,
                             since=since, until=until, outlet=outlet, language=language,
                             kind=kind, negated=negated, sort=sort)
        with self.engine.connect() as conn:
            return se.search_page(conn, filters, limit, offset)

    def timeline(self, actor: str, since: str | None = None,
                 until: str | None = None) -> list[dict[str, Any]]:
        """Statements whose speaker/mention/actor id matches ``actor``, by date then doc order."""
        return self.statements(speaker=actor, since=since, until=until, limit=None, order="date")

    def errors(self, reason: str | None = None, limit: int | None = None,
               offset: int = 0) -> list[dict[str, Any]]:
        """Recorded ingest errors, the most recently seen first (``reason``: only those)."""
        with self.engine.connect() as conn:
            return q.list_errors(conn, reason, limit, offset)

    def count_errors(self, reason: str | None = None) -> int:
        with self.engine.connect() as conn:
            return q.count_errors(conn, reason)

    def stats(self, top: int = 10, actors: int = 0) -> dict[str, Any]:
        """{documents, statements, negated, by_kind, top_speakers [(name, n)], errors, dates} in
        one snapshot; ``top=0`` leaves out the top speakers (a full scan); ``actors``: also the
        ``top_actors`` of that many actors."""
        with self.snapshot() as conn:
            stats = q.get_stats(conn, top=top)
            if actors:
                stats["top_actors"] = ac.top_actors(conn, actors)
            return stats

    def facets(self) -> dict[str, list[str]]:
        """Values to filter by: {outlets, languages, kinds, event_types}."""
        with self.engine.connect() as conn:
            return q.facets(conn)

    def latest(self, n: int = 10) -> list[dict[str, Any]]:
        """The ``n`` newest dated statements, with their document's title and outlet."""
        with self.engine.connect() as conn:
            return q.latest(conn, n)

    # -- actors -----------------------------------------------------------------------------------
    def top_actors(self, n: int = 12) -> list[dict[str, Any]]:
        """The actors with most statements: {actor_id, name, actor_type, statements}."""
        with self.engine.connect() as conn:
            return ac.top_actors(conn, n)

    def actor(self, actor_id: str) -> dict[str, Any] | None:
        """An actor's profile: names, aliases (mentions as written), type, country, sector,
        statement and document counts, date range, top targets. None: no statement by it."""
        with self.engine.connect() as conn:
            return ac.actor_profile(conn, actor_id)

    def actor_days(self, actor_id: str) -> tuple[str, list[tuple[str, str, int]]]:
        """(series, [(ISO date, value, count)]): an actor's statements per day by event type (when
        its statements carry one) else by kind."""
        with self.engine.connect() as conn:
            return ac.actor_days(conn, actor_id)

    def actor_statements(self, actor_id: str, limit: int = 20,
                         offset: int = 0) -> list[dict[str, Any]]:
        """An actor's statements, newest first, with their document's title and outlet."""
        with self.engine.connect() as conn:
            return ac.actor_statements(conn, actor_id, limit, offset)

    def documents(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Document metadata (no text) with ``chars`` and ``statements`` counts."""
        with self.engine.connect() as conn:
            return q.list_documents(conn, limit, offset)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return q.get_document(conn, doc_id)

    def document_statements(self, doc_id: str) -> list[dict[str, Any]]:
        """The statements of one document (by its id), in text order."""
        with self.engine.connect() as conn:
            return q.document_statements(conn, doc_id)
