"""Runners: the same ingest in this process or on a Dask cluster.

    from saidwhat.runners import ingest
    ingest(paths, store, settings)                                  # one process (pipeline.ingest)
    ingest(paths, store, settings, workers=2)                       # a LocalCluster of 2 processes
    ingest(paths, store, settings, scheduler="tcp://host:8786")     # an existing Dask cluster

On Dask the client reads the sources (so workers need no access to the files), drops documents
already stored (content-hash ids), and ships chunks of ``chunk_size`` documents to the workers,
which run the pure per-document stages (``pipeline.process``) with a spaCy model loaded once per
worker by a worker plugin. At most ``max_in_flight`` chunks are out at a time, so memory stays flat
whatever the corpus size. Results stream back as they complete and the client, the only writer,
stores them in transactions of ``settings.batch_size`` documents. A run that is killed loses only
what was not committed; the next run skips what was (statement ids are content hashes too, so write
order does not matter and the result equals a single-process run).
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from collections.abc import Callable, Iterable
from typing import Any

from .config import Settings
from .models import Document, DocResult, IngestError
from .pipeline import IngestReport, record_errors

DEFAULT_CHUNK = 8  # documents per task: ~0.5 s of parsing; small enough that no worker idles long at the end
PLUGIN_NAME = "saidwhat-nlp"

# Per worker process: the loaded models (by model name) and how many times one was loaded.
_NLP: dict[str, Any] = {}
_LOADS: Counter[str] = Counter()


def ingest(paths: Iterable[str], store, settings: Settings | None = None, *,
           workers: int | None = None, scheduler: str | None = None,
           chunk_size: int = DEFAULT_CHUNK, max_in_flight: int | None = None,
           progress: Callable[[int, int | None], None] | None = None) -> IngestReport:
    """Ingest ``paths`` into ``store``: in this process unless ``workers`` (a local cluster of that
    many worker processes) or ``scheduler`` (the address of a running Dask scheduler) is given."""
    settings = settings or Settings()
    if not workers and not scheduler:
        from .pipeline import ingest as local_ingest
        return local_ingest(paths, store, settings, progress=progress)
    with DaskRunner(workers=workers, scheduler=scheduler, settings=settings) as runner:
        return runner.ingest(paths, store, chunk_size=chunk_size, max_in_flight=max_in_flight,
                             progress=progress)


# --- on the workers ------------------------------------------------------------------------------

def worker_nlp(settings: Settings):
    """The spaCy pipeline of this worker process for ``settings.model`` (loaded on first use;
    normally already loaded by the plugin when the worker joined)."""
    key = f"{settings.model}:{settings.scope}"
    nlp = _NLP.get(key)
    if nlp is None:
        from .pipeline import load_nlp
        nlp = _NLP[key] = load_nlp(settings)
        _LOADS[settings.model] += 1
    return nlp


def process_chunk(docs: list[Document], settings: Settings) -> list[DocResult]:
    """The per-document stages over one chunk, with this worker's model (a Dask task). The
    results go back without the documents' text (the client has it: ``_with_text`` puts it
    back), so a result is a few plain dataclasses of statements, never a spaCy object."""
    from .pipeline import process
    return [_without_text(r) for r in process(docs, settings, nlp=worker_nlp(settings))]


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

    def __enter__(self) -> "DaskRunner":
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

        from .ingest import iter_sources

        settings = self.settings
        self.peak_in_flight = 0  # the most chunks out at once in this run (bounded)
        chunk_size = max(1, int(chunk_size))
        max_in_flight = max_in_flight or 2 * self.n_workers
        report = IngestReport()
        skipped: Counter[str] = Counter()
        errors: list[IngestError] = []
        to_write: list[DocResult] = []
        pending: set[str] = set()   # ids submitted or waiting to be written (not yet committed)
        reading: list[Document] = []
        futures = as_completed()
        in_flight: dict[Any, list[Document]] = {}  # future -> the documents it was sent

        def commit(force: bool = False) -> None:
            while to_write and (force or len(to_write) >= settings.batch_size):
                batch = to_write[:settings.batch_size]
                del to_write[:settings.batch_size]
                store.add_results(batch)  # one transaction
                report.stored += len(batch)
                report.statements += sum(len(r.statements) for r in batch)
                pending.difference_update(r.document.id for r in batch)
            if errors and (force or len(errors) >= settings.batch_size):
                record_errors(store, errors, report, skipped)
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
            stored = store.existing_ids([d.id for d in reading])
            chunk = []
            for d in reading:
                if d.id in stored or d.id in pending:
                    errors.append(IngestError(d.source, "duplicate", "already in the database",
                                              d.id))
                else:
                    pending.add(d.id)
                    chunk.append(d)
            reading.clear()
            while len(in_flight) >= max_in_flight:  # bounded: memory stays flat
                collect(next(futures))
            if chunk:
                fut = self.client.submit(process_chunk, chunk, settings, pure=False)
                in_flight[fut] = chunk
                futures.add(fut)
                self.peak_in_flight = max(self.peak_in_flight, len(in_flight))

        for item in iter_sources(list(paths), settings):
            report.seen += 1
            if isinstance(item, IngestError):
                errors.append(item)
            else:
                reading.append(item)
                if len(reading) >= chunk_size:
                    submit()
        submit()
        for fut in futures:
            collect(fut)
        commit(force=True)
        report.skipped = dict(skipped)
        report.duplicates = skipped.get("duplicate", 0)
        return report


__all__ = ["ingest", "DaskRunner", "process_chunk", "nlp_plugin", "worker_nlp", "model_loads"]
