"""The one ingest engine: read the sources, leave out what is stored, run the per-document
stages, write the results. Two executors run the stages; one piece of bookkeeping does the rest.

    from saidwhat.runners import ingest
    ingest(paths, store, settings)                                  # in this process
    ingest(paths, store, settings, workers=2)                       # a LocalCluster of 2 processes
    ingest(paths, store, settings, scheduler="tcp://host:8786")     # an existing Dask cluster

``Bookkeeping`` is the same for both executors: it reads the sources (counting what was seen and
recording what could not be read), leaves out documents already stored or already on their way
(content-hash ids) as duplicates, records every error, counts the report, and hands the results to
the one writer (``_Writer``: this process, in transactions of ``settings.batch_size`` documents,
each written and linked by ``store.add_results``; errors are upserted by ``store.add_errors``).

The executors differ only in where ``pipeline.process`` runs:

- in this process (``_in_process``): a batch of ``settings.batch_size`` documents is read,
  processed and written (its results in one transaction, then its errors) before the next;
- on Dask (``DaskRunner.ingest``): the client reads the sources (so workers need no access to the
  files) and ships chunks of ``chunk_size`` new documents to the workers, which run everything that
  is a pure function of a document (``process_chunk``): language detection (when every language is
  accepted; with a language filter the client detects while reading, so that what is rejected, and
  what counts as a duplicate, is decided as in one process), the per-document stages with a spaCy
  model loaded once per worker by a worker plugin, and the document's near-duplicate LSH bands,
  which the store uses as given. At most ``max_in_flight`` chunks are out at a time, so memory
  stays flat whatever the corpus size. Results stream back as they complete; the writer, in a
  thread of its own, stores them while the client thread goes on reading, submitting and
  collecting, so the workers never wait for a commit.

A run that is killed loses only what was not committed; the next run skips what was (statement ids
are content hashes too, so write order does not matter and a Dask run equals a run in one process).
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from saidwhat.config import Settings
from saidwhat.models import DocResult, Document, IngestError
from saidwhat.pipeline import load_nlp, nlp_args, process, route
from saidwhat.sources import assign_language, iter_sources

Progress = Callable[[int, int | None], None]  # (documents seen, total or None)


@dataclass
class IngestReport:
    """What one ingest did: sources seen, documents stored, duplicates, skipped sources by reason
    (duplicates included), statements stored, the errors recorded, stored documents per language."""
    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    statements: int = 0
    errors: list[IngestError] = field(default_factory=list)
    languages: dict[str, int] = field(default_factory=dict)      # stored documents per language
    not_extracted: dict[str, int] = field(default_factory=dict)  # stored, language has no extractor


DEFAULT_CHUNK = 8  # documents per task: ~0.5 s of parsing; small enough that no worker idles long at the end
IN_FLIGHT_PER_WORKER = 2  # chunks out per worker by default: one running, one waiting
PLUGIN_NAME = "saidwhat-nlp"
# Dask settings of the LocalCluster started by ``workers=N`` (client, scheduler, nannies and
# workers share the machine's cores, so background work is kept down; measured on the scale bench):
# * no statistical profiler on the workers: it walks the task thread's stack every 10 ms, ~5 % of
#   a worker's CPU with spaCy's deep stacks, for a dashboard profile;
# * glibc's own (dynamic) malloc trim threshold in the workers instead of the nannies' 64 KiB
#   (``MALLOC_TRIM_THRESHOLD_``, which hands freed memory back to the OS at once): with spaCy's
#   allocations that made 5x the page faults and ~12 % more CPU for the same parse;
# * the event-loop health tick every 500 ms instead of 20 ms (Dask's own tests use 500 ms) and the
#   system monitor (psutil reads of /proc for the dashboard) every 2 s instead of 0.5 s.
# Memory limits and the memory monitor are left as they are. An existing cluster
# (``scheduler=``) keeps its own settings.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
}

# Per worker process: the loaded pipelines (by pipeline.nlp_args) and how many times a model was loaded.
_NLP: dict[tuple, Any] = {}
_LOADS: Counter[str] = Counter()


def ingest(paths: Iterable[str] | str, store, settings: Settings | None = None, *,
           workers: int | None = None, scheduler: str | None = None,
           chunk_size: int = DEFAULT_CHUNK, max_in_flight: int | None = None,
           progress: Progress | None = None) -> IngestReport:
    """Ingest ``paths`` (files, folders, globs) into ``store`` (a ``Store``): in this process unless
    ``workers`` (a local cluster of that many worker processes) or ``scheduler`` (the address of a
    running Dask scheduler) is given. ``progress(seen, None)`` is called after each write."""
    settings = settings or Settings()
    if not workers and not scheduler:
        return Bookkeeping(store, settings, progress).run(lambda book: _in_process(book, paths))
    with DaskRunner(workers=workers, scheduler=scheduler, settings=settings) as runner:
        return runner.ingest(paths, store, chunk_size=chunk_size, max_in_flight=max_in_flight,
                             progress=progress)


# --- the bookkeeping ------------------------------------------------------------------------------

class Bookkeeping:
    """What an ingest does around the per-document stages, the same for both executors: read,
    leave out duplicates, record errors, count, hand results to the writer in batches."""

    def __init__(self, store, settings: Settings, progress: Progress | None = None, *,
                 threaded: bool = False) -> None:
        self.store, self.settings, self.progress = store, settings, progress
        self.report = IngestReport()
        self.skipped: Counter[str] = Counter()
        self.errors: list[IngestError] = []   # recorded, not written yet
        self.results: list[DocResult] = []    # extracted, not written yet
        self.pending: set[str] = set()        # ids on their way: sent or waiting to be written
        self.draining = False  # nothing left to send: results go to an idle writer at once
        self.writer = _Writer(store, self.report, self.skipped, self.pending, threaded=threaded)

    def read(self, paths: Iterable[str] | str, *, language: bool = True) -> Iterator[Document]:
        """The documents of ``paths``; what cannot be read is recorded. ``language=False``: the
        executor detects languages later (see ``iter_sources``)."""
        for item in iter_sources(paths, self.settings, language=language):
            self.report.seen += 1
            if isinstance(item, IngestError):
                self.errors.append(item)
            else:
                yield item

    def new(self, docs: list[Document]) -> list[Document]:
        """The documents to process: neither stored nor on their way (now on their way); the others
        are recorded as duplicates."""
        if not docs:
            return []
        # pending before the database: an id leaves ``pending`` only after its commit
        queued = {d.id for d in docs if d.id in self.pending}
        stored = self.store.existing_ids([d.id for d in docs])
        out = []
        for d in docs:
            if d.id in stored or d.id in queued:
                self.errors.append(IngestError(d.source, "duplicate", "already in the database", d.id))
            else:
                self.pending.add(d.id)
                out.append(d)
        return out

    def extracted(self, results: Iterable[DocResult]) -> None:
        """Results back from the stages: the failed ones are recorded, the others wait to be written."""
        for r in results:
            if r.error is not None:
                self.pending.discard(r.document.id)
                self.errors.append(r.error)
            else:
                self.results.append(r)

    def failed(self, docs: list[Document], message: str) -> None:
        """Documents whose stages could not run at all (a lost worker): recorded."""
        for d in docs:
            self.pending.discard(d.id)
            self.errors.append(IngestError(d.source, "extraction_error", message, d.id))

    def commit(self, force: bool = False) -> None:
        """Hand full batches to the writer (``force``: everything); when draining, whatever has come
        back whenever the writer is idle, so that the last transaction, written after the last
        result while the workers have nothing left to do, is small."""
        size = self.settings.batch_size
        while self.results and (force or len(self.results) >= size
                                or (self.draining and self.writer.idle())):
            batch = self.results[:size]
            del self.results[:size]
            self.writer.put(batch, [])  # one transaction
        if self.errors and (force or len(self.errors) >= size):
            self.writer.put([], self.errors[:])
            self.errors.clear()
        if self.progress:
            self.progress(self.report.seen, None)

    def run(self, execute: Callable[[Bookkeeping], None]) -> IngestReport:
        """Run an executor over this bookkeeping, write what is left and return the report. On a
        failure, what was handed to the writer but not written yet is dropped, and the failure
        raised (what was committed stays: the next run skips it)."""
        ok = False
        try:
            execute(self)
            self.commit(force=True)
            ok = True
        finally:
            self.writer.close(discard=not ok)  # waits for the batches handed over; raises its failure
        self.report.skipped = dict(self.skipped)
        self.report.duplicates = self.skipped.get("duplicate", 0)
        return self.report


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _in_process(book: Bookkeeping, paths: Iterable[str] | str) -> None:
    """The in-process executor: each batch read, processed and written before the next is read."""
    for batch in _batches(book.read(paths), book.settings.batch_size):
        book.extracted(process(book.new(batch), book.settings))
        book.commit(force=True)


def record_errors(store, errors: list[IngestError], report: IngestReport, skipped: Counter) -> None:
    """Store a batch's skipped/failed documents (upserted: re-runs add no rows) and count them."""
    if not errors:
        return
    store.add_errors(errors)
    for e in errors:
        skipped[e.reason] += 1
    report.errors.extend(errors)
    errors.clear()


def count_languages(results: list[DocResult], report: IngestReport) -> None:
    """Info counts: stored documents per language, and those stored without extraction (a language
    with no extractor is not an error: the document is kept, with its language)."""
    for r in results:
        lang = r.document.language or "unknown"
        report.languages[lang] = report.languages.get(lang, 0) + 1
        if route(r.document) == "none":
            report.not_extracted[lang] = report.not_extracted.get(lang, 0) + 1


# --- on the workers ------------------------------------------------------------------------------

def worker_nlp(settings: Settings):
    """The spaCy pipeline of this worker process for ``settings.model`` (loaded on first use;
    normally already loaded by the plugin when the worker joined)."""
    key = nlp_args(settings)
    nlp = _NLP.get(key)
    if nlp is None:
        nlp = _NLP[key] = load_nlp(settings)
        _LOADS[settings.model] += 1
    return nlp


def process_chunk(docs: list[Document], settings: Settings, language: bool = False) -> list[DocResult]:
    """The per-document stages over one chunk, with this worker's model (a Dask task): language
    detection first when the client deferred it (``language``), then ``pipeline.process``, then
    the document's near-duplicate LSH bands (``DocResult.dedup_bands``, used by the store as
    given). The results go back without the documents' text (the client has it: ``_with_text``
    puts it back), so a result is a few plain dataclasses of statements, never a spaCy object."""
    from saidwhat.link.dedup import document_bands  # defers datasketch (MinHash)

    out: list[DocResult] = []
    todo = docs
    if language:
        todo = []
        for d in docs:
            rejected = assign_language(d, settings)
            if rejected is None:
                todo.append(d)
            else:
                out.append(DocResult(document=d, error=rejected))
    for r in process(todo, settings, nlp=worker_nlp(settings)):
        if r.error is None:
            r.dedup_bands = document_bands(r.document.text)
        out.append(r)
    return [_without_text(r) for r in out]


def _without_text(r: DocResult) -> DocResult:
    r.document = replace(r.document, text="")
    return r


def _with_text(r: DocResult, sent: dict[str, Document]) -> DocResult:
    doc = sent.get(r.document.id)
    if doc is not None and not r.document.text:
        r.document = replace(r.document, text=doc.text)
    return r


def model_loads() -> dict[str, int]:
    """How many times this process loaded each model (run on the workers by the tests)."""
    return dict(_LOADS)


def _plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class NlpPlugin(WorkerPlugin):
        """Loads the spaCy model once per worker, when the worker starts or joins."""

        idempotent = True  # registering it again (a second ingest) does not reload the model

        def __init__(self, settings: Settings) -> None:
            self.settings = settings

        def setup(self, worker) -> None:  # noqa: ANN001
            worker_nlp(self.settings)

    return NlpPlugin


def nlp_plugin(settings: Settings):
    return _plugin_class()(settings)


# --- on the client -------------------------------------------------------------------------------

class DaskRunner:
    """A Dask client (and the LocalCluster it started, if any) with the model plugin registered."""

    def __init__(self, *, workers: int | None = None, scheduler: str | None = None,
                 settings: Settings | None = None, silence_logs: int = logging.ERROR) -> None:
        from distributed import Client, LocalCluster

        if workers and scheduler:
            raise ValueError("give workers (a local cluster) or scheduler (an existing one), not both")
        self.settings = settings or Settings()
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
        else:
            import dask

            with dask.config.set(LOCAL_CLUSTER_CONFIG):  # the nannies hand it to their workers
                self.cluster = LocalCluster(n_workers=int(workers or 1), threads_per_worker=1,
                                            processes=True, dashboard_address=":0",
                                            silence_logs=silence_logs)
                self.client = Client(self.cluster)
        try:
            self.client.register_plugin(nlp_plugin(self.settings), name=PLUGIN_NAME)
        except Exception:
            self.close()
            raise

    @property
    def n_workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def model_loads(self) -> dict[str, dict[str, int]]:
        """{worker address: {model: times loaded}}."""
        return self.client.run(model_loads)

    def ingest(self, paths: Iterable[str] | str, store, *, chunk_size: int = DEFAULT_CHUNK,
               max_in_flight: int | None = None, progress: Progress | None = None) -> IngestReport:
        """Ingest ``paths`` into ``store`` on this cluster (the Dask executor of ``ingest``)."""
        book = Bookkeeping(store, self.settings, progress, threaded=_can_write_in_thread(store))
        return book.run(lambda book: self._execute(book, paths, max(1, int(chunk_size)),
                                                   max_in_flight or IN_FLIGHT_PER_WORKER * self.n_workers))

    def _execute(self, book: Bookkeeping, paths: Iterable[str] | str, chunk_size: int,
                 max_in_flight: int) -> None:
        """Chunks of new documents out to the workers, at most ``max_in_flight`` at a time; their
        results to the bookkeeping as they complete."""
        from distributed import as_completed  # defers dask

        settings = self.settings
        self.peak_in_flight = 0  # the most chunks out at once in this run (bounded)
        # every language accepted: detection rejects nothing, so it runs on the workers
        defer_language = not settings.languages
        futures = as_completed()
        in_flight: dict[Any, list[Document]] = {}  # future -> the documents it was sent

        def collect(future) -> None:
            docs = in_flight.pop(future)
            try:
                results = future.result()
            except Exception as exc:  # a lost worker, a task that cannot run: recorded
                book.failed(docs, f"dask task failed: {type(exc).__name__}: {exc}")
            else:
                sent = {d.id: d for d in docs}
                book.extracted(_with_text(r, sent) for r in results)
                future.release()
            book.commit()

        for batch in _batches(book.read(paths, language=not defer_language), chunk_size):
            chunk = book.new(batch)
            while len(in_flight) >= max_in_flight:  # bounded: memory stays flat
                collect(next(futures))
            if chunk:
                fut = self.client.submit(process_chunk, chunk, settings, defer_language, pure=False)
                in_flight[fut] = chunk
                futures.add(fut)
                self.peak_in_flight = max(self.peak_in_flight, len(in_flight))
        book.draining = True
        for fut in futures:
            collect(fut)


def _can_write_in_thread(store) -> bool:
    """Whether the writer may run in a thread of its own: not for an in-memory SQLite database
    (each thread's connection would see a database of its own) nor a store without an engine."""
    engine = getattr(store, "engine", None)
    if engine is None:
        return False
    url = engine.url
    return not (url.get_backend_name() == "sqlite"
                and (url.database in (None, "", ":memory:") or "mode=memory" in str(url)))


class _Writer:
    """The one writer of an ingest. Batches go to ``store.add_results`` (one transaction each,
    written and linked) and errors to ``record_errors``, in order; the report is counted as they
    are written. ``threaded`` (the Dask executor): in a thread of its own, so that the client goes
    on reading, submitting and collecting while a batch is written and the workers are not left
    idle during a commit; at most one batch waits while one is being written (``put`` blocks:
    memory stays flat); a failed write stops the writing, and ``put`` and ``close`` raise it.
    Otherwise it writes in the caller's thread."""

    def __init__(self, store, report: IngestReport, skipped: Counter, pending: set[str], *,
                 threaded: bool = True) -> None:
        self.store, self.report, self.skipped, self.pending = store, report, skipped, pending
        self.failure: BaseException | None = None
        self.discard = False
        self.lock = threading.Lock()
        self.unfinished = 0  # items handed over and not yet written
        self.queue: Any = queue.Queue(maxsize=1) if threaded else None
        self.thread = None
        if threaded:
            self.thread = threading.Thread(target=self._run, name="saidwhat-writer", daemon=True)
            self.thread.start()

    def put(self, results: list[DocResult], errors: list[IngestError]) -> None:
        self._raise()
        if self.thread is None:
            self._write(results, errors)
        else:
            with self.lock:
                self.unfinished += 1
            self.queue.put((results, errors))

    def idle(self) -> bool:
        """A writer thread with nothing being written and nothing waiting."""
        return self.thread is not None and self.unfinished == 0

    def close(self, discard: bool = False) -> None:
        """Wait for what was handed over (``discard``: only the batch being written) and stop."""
        if self.thread is not None:
            self.discard = discard
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if not discard:
            self._raise()

    def _raise(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.failure is None and not self.discard:
                try:
                    self._write(*item)
                except BaseException as exc:  # handed to the client thread by put/close
                    self.failure = exc
            with self.lock:
                self.unfinished -= 1

    def _write(self, results: list[DocResult], errors: list[IngestError]) -> None:
        report = self.report
        if results:
            self.store.add_results(results)  # one transaction
            report.stored += len(results)
            report.statements += sum(len(r.statements) for r in results)
            count_languages(results, report)
            self.pending.difference_update(r.document.id for r in results)
        if errors:
            record_errors(self.store, errors, report, self.skipped)


__all__ = ["ingest", "IngestReport", "Bookkeeping", "DaskRunner", "process_chunk", "nlp_plugin",
           "worker_nlp", "model_loads", "record_errors", "count_languages"]
