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

Each executor runs ``pipeline.process`` through a ``Budget``: with ``settings.doc_timeout`` seconds
(60 by default), in a child process forked from the one that holds the loaded model (this process,
or the Dask worker), which lives as long as the run (on Dask: as long as the worker thread) and is
killed, and forked again, only when a document overruns: spaCy's tokenizer and parser are C code
that no exception or signal handler of this process can interrupt, but a process can be killed.
A document that overruns on its own is recorded as ``timeout``; the others go on.

A run that is killed loses only what was not committed; the next run skips what was (statement ids
are content hashes too, so write order does not matter and a Dask run equals a run in one process).
"""
from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.connection import Connection, Pipe
from typing import Any

from saidwhat import pipeline
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
    """The in-process executor: each batch read, processed (within the documents' time budget)
    and written before the next is read."""
    with Budget(book.settings) as budget:
        for batch in _batches(book.read(paths), book.settings.batch_size):
            book.extracted(budget.process(book.new(batch)))
            book.commit(force=True)


def extract_paths(paths: Iterable[str] | str, settings: Settings | None = None) -> Iterator[DocResult | IngestError]:
    """Read, then the per-document stages (within the documents' time budget), no database: a
    DocResult per document and an IngestError per source that was skipped or failed, in input
    order (documents are processed a batch of ``settings.batch_size`` at a time; a skipped source
    ends a batch early, to keep the order)."""
    settings = settings or Settings()
    with Budget(settings) as budget:
        pending: list[Document] = []
        for item in iter_sources(paths, settings):  # files, folders, globs; one path or many
            if isinstance(item, IngestError):
                yield from _drain(budget, pending)
                yield item
            else:
                pending.append(item)
                if len(pending) >= settings.batch_size:
                    yield from _drain(budget, pending)
        yield from _drain(budget, pending)


def _drain(budget: Budget, pending: list[Document]) -> Iterator[DocResult | IngestError]:
    if pending:
        for r in budget.process(pending):
            yield r.error if r.error is not None else r
        pending.clear()


# --- the per-document time budget -----------------------------------------------------------------

_CONNECTIONS: weakref.WeakSet[Connection] = weakref.WeakSet()  # this process's ends of its children's pipes


class Budget:
    """``pipeline.process`` with ``settings.doc_timeout`` seconds per document.

    The documents go to a child process forked from this one (so it has this process's loaded
    model, lexicons and code: nothing is loaded per document or per batch), which runs
    ``pipeline.process`` and sends each result back as it is done. A result that does not come
    within the budget of the one before (or of the batch's start) stops the child: it is killed
    (the work in C really stops) and the documents of the batch that have no result yet are run
    again one at a time in a fresh child, each with a budget of its own, so that the one that
    overruns on its own is recorded as ``timeout`` and none of the others is lost. (``process``
    parses up to 16 documents together, so such a group has one budget for its first result: a
    group slower than that, 16 articles in more than 60 s by default, costs the time spent on it
    and is run again one by one; a document is recorded as ``timeout`` only on its own.) A child that
    dies (a crash in C, the kernel's OOM killer) is handled alike, its document recorded as an
    extraction_error. An exception raised by ``process`` itself is raised here, as in one process.

    The child lives until ``close`` (or a timeout), so the per-batch cost is one pickle of the
    documents and of their results (the text is not sent back). ``doc_timeout`` 0, or a platform
    without ``fork``: ``pipeline.process`` in this process, no budget. ``nlp`` (Dask workers): a
    callable returning the loaded model, passed to ``process``; else ``process`` loads it, and it
    is loaded here, before the fork, when the batch has English to parse (``route``), and warmed
    up (``warm_up``), so that a fresh child starts with everything loaded."""

    def __init__(self, settings: Settings, nlp: Callable[[], Any] | None = None) -> None:
        self.settings, self.nlp = settings, nlp
        self.seconds = float(settings.doc_timeout or 0)
        self.pid: int | None = None
        self.conn: Connection | None = None
        self.forks = 0  # children started (the first, and one after each timeout or death)

    def __enter__(self) -> Budget:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def enabled(self) -> bool:
        return self.seconds > 0 and hasattr(os, "fork")

    def process(self, docs: list[Document]) -> list[DocResult]:
        """A DocResult per document, in order (a document stopped by the budget: its error)."""
        if not docs:
            return []
        if not self.enabled:
            return list(self._run(docs))
        return self._budgeted(list(docs))

    def _run(self, docs: list[Document]) -> Iterator[DocResult]:
        if self.nlp is not None:
            return process(docs, self.settings, nlp=self.nlp())
        return process(docs, self.settings)

    def _budgeted(self, docs: list[Document]) -> list[DocResult]:
        out: list[DocResult] = []
        sent = {d.id: d for d in docs}
        stopped = self._send(docs)
        while stopped is None:
            if not self.conn.poll(self.seconds):
                stopped = "timeout"
                break
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                stopped = "died"
                break
            if kind == "raise":  # process itself raised: as in one process
                raise value
            if kind == "done":
                break
            out.append(_with_text(value, sent))  # in order: process yields one per document
        if stopped is not None:
            status = self._stop()
            rest = docs[len(out):]
            if len(rest) == 1:
                out.append(DocResult(document=rest[0], error=self._error(rest[0], stopped, status)))
            else:  # which one overran is not known: each again, on its own
                for d in rest:
                    out.extend(self._budgeted([d]))
        elif len(out) < len(docs):  # process gave fewer results than documents (never expected)
            out.extend(DocResult(document=d, error=IngestError(
                d.source, "extraction_error", "no result from the per-document stages", d.id))
                for d in docs[len(out):])
        return out

    def _error(self, d: Document, stopped: str, status: int | None) -> IngestError:
        if stopped == "timeout":
            return IngestError(d.source, "timeout", f"stopped after {self.seconds:g} s, the time budget "
                               "of a document (--doc-timeout, SAIDWHAT_DOC_TIMEOUT)", d.id)
        how = (f"killed by signal {os.WTERMSIG(status)}" if status is not None and os.WIFSIGNALED(status)
               else "exited")
        return IngestError(d.source, "extraction_error", f"the process extracting it died ({how})", d.id)

    def _send(self, docs: list[Document]) -> str | None:
        """Hand ``docs`` to the child (started first if there is none); "died" if it cannot take them."""
        if self.pid is None:
            self._fork(docs)
        try:
            self.conn.send(docs)
        except (OSError, ValueError):  # it died since the last batch: a fresh one, once
            self._stop()
            self._fork(docs)
            try:
                self.conn.send(docs)
            except (OSError, ValueError):
                return "died"
        return None

    def _fork(self, docs: list[Document]) -> None:
        try:  # loaded and warmed up here, shared with every child
            if self.nlp is not None:
                warm_up(self.settings, self.nlp())
            elif any(route(d) == "en" for d in docs):
                # cached by nlp.setup.load: the child's process() finds it
                warm_up(self.settings, load_nlp(self.settings))
        except Exception as exc:  # a model that cannot load: the child's process() meets it and
            logging.getLogger(__name__).debug("model not loaded before the fork: %s", exc)  # raises it
        ours, theirs = Pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve batches until this process closes its end
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which kills us
                for other in list(_CONNECTIONS):  # other children's pipes: theirs to close
                    other.close()
                ours.close()
                self._serve(theirs)
                code = 0
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        theirs.close()
        self.pid, self.conn = pid, ours
        _CONNECTIONS.add(ours)
        self.forks += 1

    def _serve(self, conn: Connection) -> None:
        while True:
            try:
                docs = conn.recv()
            except (EOFError, OSError):
                return
            try:
                for r in self._run(docs):
                    conn.send(("result", _without_text(r)))
                conn.send(("done", None))
            except Exception as exc:
                conn.send(("raise", _picklable(exc)))

    def _stop(self) -> int | None:
        """Kill the child (if any) and reap it: its exit status."""
        status = None
        if self.conn is not None:
            _CONNECTIONS.discard(self.conn)
            self.conn.close()
            self.conn = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:
                pass
            self.pid = None
        return status

    def close(self) -> None:
        """Stop the child (idle between batches: nothing is lost)."""
        self._stop()


_WARM: set[tuple] = set()  # the pipelines (pipeline.nlp_args) warmed up in this process
_WARM_UP_TEXT = ('WASHINGTON, March 4 (Demo) - Secretary of State Antony Blinken said on Monday that Russia '
                 '"must withdraw its troops" from Ukraine. The Kremlin spokesman told reporters that Moscow '
                 'would not negotiate.')


def warm_up(settings: Settings, nlp) -> None:
    """Run the real per-document stages once on a short English article in this process, before a
    child is forked from it: what they load on first use (the event coder, the actor index, the
    tagger's weights, ...) is then loaded once here and shared by every child, instead of being
    loaded again by each child (the first document of a fresh child would otherwise pay it, a
    second or more, out of its time budget). A failure here is left to the child's ``process``,
    which meets and reports it."""
    key = nlp_args(settings)
    if key in _WARM:
        return
    _WARM.add(key)
    text = _WARM_UP_TEXT
    doc = Document(id="warm-up", source="<warm-up>", text=text, published="2024-03-04", language="en")
    try:
        list(pipeline.process([doc], settings, nlp=nlp))  # the real stages, whatever ``process`` is here
    except Exception as exc:  # reported by the child, on a real document
        logging.getLogger(__name__).debug("warm-up failed: %s", exc)


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


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
    detection first when the client deferred it (``language``), then ``pipeline.process`` within
    the documents' time budget (``worker_budget``: in a child of this worker, a document that
    overruns comes back as ``timeout``), then the document's near-duplicate LSH bands (``DocResult.dedup_bands``, used by the store as
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
    for r in worker_budget(settings).process(todo):
        if r.error is None:
            r.dedup_bands = document_bands(r.document.text)
        out.append(r)
    return [_without_text(r) for r in out]


_BUDGETS = threading.local()  # per worker thread: {settings: Budget}, its child forked once


def worker_budget(settings: Settings) -> Budget:
    """This worker thread's ``Budget`` for ``settings`` (a child per thread: tasks on several
    threads of one worker never share a pipe), with the worker's model."""
    budgets = getattr(_BUDGETS, "by_settings", None)
    if budgets is None:
        budgets = _BUDGETS.by_settings = {}
    budget = budgets.get(settings)
    if budget is None:
        for old in budgets.values():  # another run's settings: its child is not needed now
            old.close()
        budgets.clear()
        budget = budgets[settings] = Budget(settings, nlp=lambda: worker_nlp(settings))
    return budget


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
            counts = self.store.add_results(results)  # one transaction
            new = set(counts.get("new_ids", [r.document.id for r in results]))
            added = [r for r in results if r.document.id in new]
            report.stored += len(added)
            report.statements += sum(len(r.statements) for r in added)
            count_languages(added, report)
            # stored by another ingest into the same database since this one looked: its duplicates
            if len(added) < len(results):
                self.skipped["duplicate"] = self.skipped.get("duplicate", 0) + len(results) - len(added)
            self.pending.difference_update(r.document.id for r in results)
        if errors:
            record_errors(self.store, errors, report, self.skipped)


__all__ = ["ingest", "extract_paths", "IngestReport", "Bookkeeping", "Budget", "DaskRunner",
           "process_chunk", "nlp_plugin", "worker_nlp", "worker_budget", "model_loads", "record_errors",
           "count_languages"]
