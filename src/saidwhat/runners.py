"""Runners: the same ingest in this process or on a Dask cluster.

    from saidwhat.runners import ingest
    ingest(paths, store, settings)                                  # one process (pipeline.ingest)
    ingest(paths, store, settings, workers=2)                       # a LocalCluster of 2 processes
    ingest(paths, store, settings, scheduler="tcp://host:8786")     # an existing Dask cluster

On Dask the client reads the sources (so workers need no access to the files), drops documents
already stored (content-hash ids), and ships chunks of ``chunk_size`` documents to the workers,
which run everything that is a pure function of a document (``process_chunk``): language
detection (when every language is accepted; with a language filter the client detects while
reading, so that what is rejected, and what counts as a duplicate, is decided as in one process),
the per-document stages (``pipeline.process``) with a spaCy model loaded once per worker by a
worker plugin, and the document's near-duplicate LSH bands, which the store uses as given. At most
``max_in_flight`` chunks are out at a time, so memory stays flat whatever the corpus size. Results
stream back as they complete; the client's writer thread, the only writer, stores them in
transactions of ``settings.batch_size`` documents while the client thread goes on reading,
submitting and collecting, so the workers never wait for a commit. A run that is killed loses only
what was not committed; the next run skips what was (statement ids are content hashes too, so write
order does not matter and the result equals a single-process run).
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from saidwhat.config import Settings
from saidwhat.models import DocResult, Document, IngestError
from saidwhat.pipeline import IngestReport, count_languages, record_errors

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


def ingest(paths: Iterable[str], store, settings: Settings | None = None, *,
           workers: int | None = None, scheduler: str | None = None,
           chunk_size: int = DEFAULT_CHUNK, max_in_flight: int | None = None,
           progress: Callable[[int, int | None], None] | None = None) -> IngestReport:
    """Ingest ``paths`` into ``store``: in this process unless ``workers`` (a local cluster of that
    many worker processes) or ``scheduler`` (the address of a running Dask scheduler) is given."""
    settings = settings or Settings()
    if not workers and not scheduler:
        from saidwhat.pipeline import ingest as local_ingest
        return local_ingest(paths, store, settings, progress=progress)
    with DaskRunner(workers=workers, scheduler=scheduler, settings=settings) as runner:
        return runner.ingest(paths, store, chunk_size=chunk_size, max_in_flight=max_in_flight,
                             progress=progress)


# --- on the workers ------------------------------------------------------------------------------

def worker_nlp(settings: Settings):
    """The spaCy pipeline of this worker process for ``settings.model`` (loaded on first use;
    normally already loaded by the plugin when the worker joined)."""
    from saidwhat.pipeline import load_nlp, nlp_args
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
    from saidwhat.link.dedup import document_bands
    from saidwhat.pipeline import process
    from saidwhat.sources import assign_language

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

    def ingest(self, paths: Iterable[str], store, *, chunk_size: int = DEFAULT_CHUNK,
               max_in_flight: int | None = None,
               progress: Callable[[int, int | None], None] | None = None) -> IngestReport:
        from distributed import as_completed

        from saidwhat.sources import iter_sources

        settings = self.settings
        self.peak_in_flight = 0  # the most chunks out at once in this run (bounded)
        chunk_size = max(1, int(chunk_size))
        max_in_flight = max_in_flight or IN_FLIGHT_PER_WORKER * self.n_workers
        # every language accepted: detection rejects nothing, so it runs on the workers
        defer_language = not settings.languages
        report = IngestReport()
        skipped: Counter[str] = Counter()
        errors: list[IngestError] = []
        to_write: list[DocResult] = []
        pending: set[str] = set()   # ids submitted or waiting to be written (not yet committed)
        reading: list[Document] = []
        futures = as_completed()
        in_flight: dict[Any, list[Document]] = {}  # future -> the documents it was sent
        writer = _Writer(store, report, skipped, pending, threaded=_can_write_in_thread(store))

        draining = False  # every chunk submitted: results are handed to an idle writer at once

        def commit(force: bool = False) -> None:
            # full batches; at the end, whatever has come back whenever the writer is idle, so
            # that the last transaction, written after the last result while the workers have
            # nothing left to do, is small
            while to_write and (force or len(to_write) >= settings.batch_size
                                or (draining and writer.idle())):
                batch = to_write[:settings.batch_size]
                del to_write[:settings.batch_size]
                writer.put(batch, [])  # one transaction, in the writer thread
            if errors and (force or len(errors) >= settings.batch_size):
                writer.put([], errors[:])
                errors.clear()
            if progress:
                progress(report.seen, None)

        def collect(future) -> None:
            docs = in_flight.pop(future)
            try:
                results = future.result()
            except Exception as exc:  # a lost worker, a task that cannot run: recorded
                for d in docs:
                    pending.discard(d.id)
                    errors.append(IngestError(d.source, "extraction_error",
                                              f"dask task failed: {type(exc).__name__}: {exc}",
                                              d.id))
                commit()
                return
            sent = {d.id: d for d in docs}
            for r in results:
                r = _with_text(r, sent)
                if r.error is not None:
                    pending.discard(r.document.id)
                    errors.append(r.error)
                else:
                    to_write.append(r)
            future.release()
            commit()

        def submit() -> None:
            if not reading:
                return
            # pending before the database: an id leaves ``pending`` only after its commit
            queued = {d.id for d in reading if d.id in pending}
            stored = store.existing_ids([d.id for d in reading])
            chunk = []
            for d in reading:
                if d.id in stored or d.id in queued:
                    errors.append(IngestError(d.source, "duplicate", "already in the database",
                                              d.id))
                else:
                    pending.add(d.id)
                    chunk.append(d)
            reading.clear()
            while len(in_flight) >= max_in_flight:  # bounded: memory stays flat
                collect(next(futures))
            if chunk:
                fut = self.client.submit(process_chunk, chunk, settings, defer_language, pure=False)
                in_flight[fut] = chunk
                futures.add(fut)
                self.peak_in_flight = max(self.peak_in_flight, len(in_flight))

        ok = False
        try:
            for item in iter_sources(list(paths), settings, language=not defer_language):
                report.seen += 1
                if isinstance(item, IngestError):
                    errors.append(item)
                else:
                    reading.append(item)
                    if len(reading) >= chunk_size:
                        submit()
            submit()
            draining = True
            for fut in futures:
                collect(fut)
            commit(force=True)
            ok = True
        finally:
            writer.close(discard=not ok)  # waits for the batches handed over; raises its failure
        report.skipped = dict(skipped)
        report.duplicates = skipped.get("duplicate", 0)
        return report


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
    """The one writer of a Dask ingest. Batches go to ``store.add_results`` (one transaction each,
    written and linked) and errors to ``record_errors``, in order, in a thread of its own: the
    client goes on reading, submitting and collecting while a batch is written, so the workers
    are not left idle during a commit. At most one batch waits while one is being written
    (``put`` blocks: memory stays flat). A failed write stops the writing; ``put`` and ``close``
    raise it. ``threaded=False`` writes in the caller's thread."""

    def __init__(self, store, report: IngestReport, skipped: Counter, pending: set[str], *,
                 threaded: bool = True) -> None:
        import queue
        import threading

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


__all__ = ["ingest", "DaskRunner", "process_chunk", "nlp_plugin", "worker_nlp", "model_loads"]
