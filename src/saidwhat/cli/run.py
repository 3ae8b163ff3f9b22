"""Commands that run the extractor: ingest, extract, demo (``saidwhat.ingest`` and
``saidwhat.extract_paths``; the stages, and spaCy, load only when one of them runs)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

import saidwhat
from saidwhat.cli import render
from saidwhat.cli.common import DbOpt, LineFormat, console, escape, fail, open_store, resolve_db, settings_for
from saidwhat.config import Settings

PathsArg = Annotated[list[str], typer.Argument(help="Files, folders or globs (txt, html, jsonl).")]
TextFieldOpt = Annotated[str | None, typer.Option(help="JSONL field: article text.")]
DateFieldOpt = Annotated[str | None, typer.Option(help="JSONL field: date.")]
DocTimeoutOpt = Annotated[float | None, typer.Option(
    min=0, help="Seconds one document may take in the extraction before it is stopped and recorded "
                "as timeout; 0: no limit (default: $SAIDWHAT_DOC_TIMEOUT or 60).", show_default=False)]
ExtractorOpt = Annotated[str | None, typer.Option(
    "--extractor", help="What finds the statements: fast (the attribution tagger on MiniLM and the "
                        "statement filter), accurate (the same on MPNet, about 3x the cost) or rules "
                        "(no encoder, quickest); default: $SAIDWHAT_EXTRACTOR or fast.",
    show_default=False)]


def check_extractor(extractor: str | None) -> str | None:
    from saidwhat.config import EXTRACTORS
    if extractor is not None and extractor.lower() not in EXTRACTORS:
        raise typer.BadParameter(f"must be one of {', '.join(EXTRACTORS)}, not {extractor!r}",
                                 param_hint="--extractor")
    return extractor and extractor.lower()


def run_ingest(paths: list[str], store: saidwhat.Store, settings: Settings,
               workers: int | None = None, scheduler: str | None = None,
               chunk_size: int | None = None):
    """``saidwhat.ingest`` with a progress bar on stderr."""
    options = {"chunk_size": chunk_size} if chunk_size else {}  # else the library's default
    with render.progress(console(stderr=True), "ingesting") as callback:
        return saidwhat.ingest(list(paths), store, settings, workers=workers, scheduler=scheduler,
                               progress=callback, **options)


def nothing_read(report) -> bool:
    """True when no input could be read at all (every path missing); skipped documents are not
    a failure."""
    errs = getattr(report, "errors", []) or []
    return (not getattr(report, "stored", 0) and not getattr(report, "duplicates", 0)
            and all(e.reason == "not_found" for e in errs))


def ingest(
    ctx: typer.Context,
    paths: PathsArg,
    db: DbOpt = None,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Documents per transaction.")] = None,
    text_field: TextFieldOpt = None,
    date_field: DateFieldOpt = None,
    url_field: Annotated[str | None, typer.Option(help="JSONL field: URL.")] = None,
    title_field: Annotated[str | None, typer.Option(help="JSONL field: title.")] = None,
    outlet_field: Annotated[str | None, typer.Option(help="JSONL field: outlet.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Run the extraction on a local Dask cluster of N worker processes.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run the extraction on an existing Dask cluster (scheduler address, "
             "e.g. tcp://host:8786).")] = None,
    chunk_size: Annotated[int | None, typer.Option(
        min=1, help="Documents per Dask task (with --workers/--scheduler; default 8).")] = None,
    doc_timeout: DocTimeoutOpt = None,
    extractor: ExtractorOpt = None,
) -> None:
    """Read articles, extract statements and store them (re-runs are safe; a killed run resumes
    where its last committed batch ended)."""
    if workers and scheduler:
        raise typer.BadParameter("give --workers or --scheduler, not both", param_hint="--workers")

    path = resolve_db(ctx, db)
    settings = settings_for(path, batch_size=batch_size, text_field=text_field,
                            date_field=date_field, url_field=url_field, title_field=title_field,
                            outlet_field=outlet_field, doc_timeout=doc_timeout,
                            extractor=check_extractor(extractor))
    store = open_store(ctx, path)
    try:
        report = run_ingest(paths, store, settings, workers=workers, scheduler=scheduler,
                            chunk_size=chunk_size)
    except Exception as exc:
        from saidwhat.store.db import describe_error  # defers SQLAlchemy

        raise fail(f"ingest failed: {describe_error(exc)}")
    finally:
        store.close()
    render.ingest_summary(report, console())
    if nothing_read(report):
        raise fail("nothing could be read: " + (", ".join(
            f"{e.source} ({e.reason})" for e in getattr(report, "errors", [])[:10]) or "no input"))


def extract(
    paths: PathsArg,
    format: Annotated[LineFormat, typer.Option("--format", "-f", help="Output format.")] = LineFormat.jsonl,
    text_field: TextFieldOpt = None,
    date_field: DateFieldOpt = None,
    doc_timeout: DocTimeoutOpt = None,
    extractor: ExtractorOpt = None,
) -> None:
    """Extract statements without a database: JSONL records on stdout, errors on stderr."""
    settings = settings_for(text_field=text_field, date_field=date_field, doc_timeout=doc_timeout,
                            extractor=check_extractor(extractor))
    err = console(stderr=True)
    rows: list[dict] = []
    read = 0
    try:
        for item in saidwhat.extract_paths(list(paths), settings):
            error = item if not hasattr(item, "document") else getattr(item, "error", None)
            if error is not None:
                if error.reason != "not_found":
                    read += 1
                err.print(escape(f"{error.source}\t{error.reason}\t{error.message}"),
                          soft_wrap=True)
                continue
            read += 1
            for st in item.statements:
                if format == LineFormat.jsonl:
                    sys.stdout.write(json.dumps(st.record(), ensure_ascii=False) + "\n")
                else:
                    rows.append(st.to_dict())
    except Exception as exc:
        raise fail(f"extract failed: {type(exc).__name__}: {exc}")
    if format == LineFormat.table:
        render.statements_table(rows, console(), show_id=False)
    if not read:
        raise fail("nothing could be read")


def sample_files(folder: Path) -> list[str]:
    """The article files of the samples folder (its README is not an article)."""
    return [str(p) for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith((".", "README"))]


def samples_dir() -> Path | None:
    """The bundled sample articles: package data first, else data/samples at the repo root."""
    from importlib.resources import files  # stdlib, only for the demo (~1 % of `saidwhat --help`)

    candidates = []
    try:
        candidates.append(Path(str(files("saidwhat") / "data" / "samples")))
    except Exception:  # pragma: no cover
        pass
    candidates.append(Path(__file__).resolve().parents[3] / "data" / "samples")
    for c in candidates:
        if c.is_dir() and any(p.is_file() for p in c.rglob("*")):
            return c
    return None


def demo(ctx: typer.Context, db: DbOpt = None) -> None:
    """Ingest the bundled sample articles and show what was found."""
    folder = samples_dir()
    if folder is None:
        raise fail("no sample articles found (expected data/samples/)")
    path = resolve_db(ctx, db)
    out = console()
    out.print(f"[bold]saidwhat demo[/]: ingesting {escape(str(folder))} into {escape(path)}")
    with open_store(ctx, path) as store:
        try:
            report = run_ingest(sample_files(folder), store, settings_for(path))
        except Exception as exc:
            from saidwhat.store.db import describe_error  # defers SQLAlchemy

            raise fail(f"ingest failed: {describe_error(exc)}")
        render.ingest_summary(report, out)
        out.print()
        render.stats_summary(store.stats(), out)
        negated = store.statements(negated=True, limit=5)
        if negated:
            out.print()
            render.statements_table(negated, out, title="negated (NOT SAID)")
        out.print()
        examples = render.pick_examples(store.statements(limit=500, order="confidence"))
        render.statements_table(examples, out, title="some statements")
    out.print("\nnext: [bold]saidwhat show ID[/], [bold]saidwhat search WORDS[/], "
              "[bold]saidwhat timeline NAME[/], [bold]saidwhat export -f csv -o out.csv[/]")
