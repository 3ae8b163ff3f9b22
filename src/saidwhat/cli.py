"""`saidwhat` command line: a thin typer layer over the store, the pipeline and render.

Heavy imports (spaCy, the pipeline, pyarrow) happen inside the commands that need them, so
`saidwhat --help`, `statements`, `search` ... start fast.
Exit codes: 0 ok, 1 nothing found / processing failed, 2 bad arguments.
"""
from __future__ import annotations

import importlib
import json
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .config import Settings
from .models import REASONS

app = typer.Typer(
    name="saidwhat",
    help="Who said what, to whom, when: attributed statements from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _choices(name: str, *values: str) -> type[Enum]:
    return Enum(name, [(v, v) for v in values], type=str)  # type: ignore[return-value]


ListFormat = _choices("ListFormat", "table", "jsonl", "csv")
LineFormat = _choices("LineFormat", "table", "jsonl")
ShowFormat = _choices("ShowFormat", "text", "json")
ExportFormat = _choices("ExportFormat", "jsonl", "csv", "parquet")


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _date(value: Optional[str]) -> Optional[str]:
    if value is not None and not _DATE.match(value):
        raise typer.BadParameter("use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="Database path or SQLAlchemy URL (default: $SAIDWHAT_DB or ./saidwhat.db)",
    show_default=False)]
SpeakerOpt = Annotated[Optional[str], typer.Option(
    help="Substring of speaker, mention or actor id (case-insensitive).")]
ActorOpt = Annotated[Optional[str], typer.Option(help="Exact actor id.")]
TargetOpt = Annotated[Optional[str], typer.Option(help="Target ISO3 code (or target actor id).")]
SinceOpt = Annotated[Optional[str], typer.Option(callback=_date, help="From date (inclusive).")]
UntilOpt = Annotated[Optional[str], typer.Option(callback=_date, help="To date (inclusive).")]
KindOpt = Annotated[Optional[str], typer.Option(help="direct | indirect | mixed")]
NegatedOpt = Annotated[Optional[bool], typer.Option(
    "--negated/--said", help="Only denials/negated statements, or only affirmative ones.",
    show_default=False)]
DocOpt = Annotated[Optional[str], typer.Option(help="Document id, file name or source.")]


# --- helpers -------------------------------------------------------------------------------------

def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _fail(message: str, code: int = 1) -> "typer.Exit":
    _console(stderr=True).print(f"[bold red]error:[/] {_escape(message)}")
    return typer.Exit(code)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(str(text))


@app.callback()
def _root(ctx: typer.Context, db: DbOpt = None) -> None:
    """Who said what, to whom, when: attributed statements from news articles."""
    ctx.obj = {"db": db}


def _db(ctx: typer.Context, db: Optional[str]) -> str:
    root = (ctx.find_root().obj or {}).get("db") if ctx else None
    return db or root or Settings().db


def _store(ctx: typer.Context, db: Optional[str]):
    from .store import Store

    path = _db(ctx, db)
    try:
        return Store(path)
    except Exception as exc:  # bad URL, unwritable folder, not a database ...
        raise _fail(f"cannot open database {path}: {exc}")


def _filters(speaker, actor, target, since, until, kind, negated, doc) -> dict[str, Any]:
    return dict(speaker=speaker, actor=actor, target=target, since=since, until=until, kind=kind,
                negated=negated, doc=doc)


def _print_rows(rows: list[dict], fmt: str, title: str | None = None) -> None:
    from . import render

    if fmt == "jsonl":
        render.write_jsonl(rows, sys.stdout)
    elif fmt == "csv":
        render.write_csv(rows, sys.stdout)
    else:
        render.statements_table(rows, _console(), title=title)


def _settings(db: Optional[str] = None, **kw) -> Settings:
    base = Settings(db=db) if db else Settings()
    return base.with_(**kw)


def _pipeline():
    return importlib.import_module("saidwhat.pipeline")


# --- commands: processing ------------------------------------------------------------------------

def _run_ingest(paths: list[str], store, settings: Settings):
    from . import render

    pipeline = _pipeline()
    with render.progress(_console(stderr=True), "ingesting") as callback:
        return pipeline.ingest(list(paths), store, settings, progress=callback)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs (txt, html, jsonl).")],
    db: DbOpt = None,
    batch_size: Annotated[Optional[int], typer.Option(min=1, help="Documents per transaction.")] = None,
    text_field: Annotated[Optional[str], typer.Option(help="JSONL field: article text.")] = None,
    date_field: Annotated[Optional[str], typer.Option(help="JSONL field: date.")] = None,
    url_field: Annotated[Optional[str], typer.Option(help="JSONL field: URL.")] = None,
    title_field: Annotated[Optional[str], typer.Option(help="JSONL field: title.")] = None,
    outlet_field: Annotated[Optional[str], typer.Option(help="JSONL field: outlet.")] = None,
) -> None:
    """Read articles, extract statements and store them (re-runs are safe)."""
    from . import render

    path = _db(ctx, db)
    settings = _settings(path, batch_size=batch_size, text_field=text_field,
                         date_field=date_field, url_field=url_field, title_field=title_field,
                         outlet_field=outlet_field)
    store = _store(ctx, path)
    try:
        report = _run_ingest(paths, store, settings)
    except Exception as exc:
        raise _fail(f"ingest failed: {type(exc).__name__}: {exc}")
    finally:
        store.close()
    render.ingest_summary(report, _console())
    if nothing_read(report):
        raise _fail("nothing could be read: " + (", ".join(
            f"{e.source} ({e.reason})" for e in getattr(report, "errors", [])[:10]) or "no input"))


def nothing_read(report) -> bool:
    """True when no input could be read at all (every path missing); skipped documents are not
    a failure."""
    errs = getattr(report, "errors", []) or []
    return (not getattr(report, "stored", 0) and not getattr(report, "duplicates", 0)
            and all(e.reason == "not_found" for e in errs))


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, folders or globs (txt, html, jsonl).")],
    format: Annotated[LineFormat, typer.Option("--format", "-f", help="Output format.")] = LineFormat.jsonl,
    text_field: Annotated[Optional[str], typer.Option(help="JSONL field: article text.")] = None,
    date_field: Annotated[Optional[str], typer.Option(help="JSONL field: date.")] = None,
) -> None:
    """Extract statements without a database: JSONL records on stdout, errors on stderr."""
    from . import render

    settings = _settings(text_field=text_field, date_field=date_field)
    err = _console(stderr=True)
    rows: list[dict] = []
    read = 0
    try:
        for item in _pipeline().extract_paths(list(paths), settings):
            error = item if not hasattr(item, "document") else getattr(item, "error", None)
            if error is not None:
                if error.reason != "not_found":
                    read += 1
                err.print(_escape(f"{error.source}\t{error.reason}\t{error.message}"),
                          soft_wrap=True)
                continue
            read += 1
            for st in item.statements:
                if format == LineFormat.jsonl:
                    sys.stdout.write(json.dumps(st.record(), ensure_ascii=False) + "\n")
                else:
                    rows.append(st.to_dict())
    except Exception as exc:
        raise _fail(f"extract failed: {type(exc).__name__}: {exc}")
    if format == LineFormat.table:
        render.statements_table(rows, _console(), show_id=False)
    if not read:
        raise _fail("nothing could be read")


# --- commands: queries ---------------------------------------------------------------------------

@app.command()
def statements(
    ctx: typer.Context,
    db: DbOpt = None,
    speaker: SpeakerOpt = None, actor: ActorOpt = None, target: TargetOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, kind: KindOpt = None,
    negated: NegatedOpt = None, doc: DocOpt = None,
    limit: Annotated[int, typer.Option(min=0, help="Rows to show (0 = all).")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Rows to skip.")] = 0,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """List stored statements, filtered, in date order."""
    with _store(ctx, db) as store:
        rows = store.statements(limit=limit or None, offset=offset,
                                **_filters(speaker, actor, target, since, until, kind, negated, doc))
    _print_rows(rows, format.value)


@app.command()
def show(
    ctx: typer.Context,
    id: Annotated[str, typer.Argument(help="Statement id.")],
    db: DbOpt = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.text,
    context: Annotated[int, typer.Option(min=0, help="Characters of context each side.")] = 300,
) -> None:
    """One statement, highlighted in its document, with all its fields."""
    from . import render

    with _store(ctx, db) as store:
        row = store.statement(id)
    if row is None:
        raise _fail(f"no statement with id {id!r}")
    if format == ShowFormat.json:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=2) + "\n")
    else:
        render.show_statement(row, _console(), chars=context)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words to find in quotes and speakers (word* = prefix).")],
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(min=1, help="Rows to show.")] = 20,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Full-text search over quotes and speakers, best match first."""
    with _store(ctx, db) as store:
        rows = store.search(query, limit=limit)
    _print_rows(rows, format.value)


@app.command()
def timeline(
    ctx: typer.Context,
    actor: Annotated[str, typer.Argument(help="Speaker, mention or actor id (substring).")],
    db: DbOpt = None, since: SinceOpt = None, until: UntilOpt = None,
    format: Annotated[LineFormat, typer.Option("--format", "-f")] = LineFormat.table,
) -> None:
    """What one actor said over time: one line per statement, in date order."""
    from . import render

    with _store(ctx, db) as store:
        rows = store.timeline(actor, since=since, until=until)
    if format == LineFormat.jsonl:
        render.write_jsonl(rows, sys.stdout)
    else:
        render.timeline_lines(rows, _console())


@app.command()
def export(
    ctx: typer.Context,
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output file ('-' = stdout).")],
    db: DbOpt = None,
    speaker: SpeakerOpt = None, actor: ActorOpt = None, target: TargetOpt = None,
    since: SinceOpt = None, until: UntilOpt = None, kind: KindOpt = None,
    negated: NegatedOpt = None, doc: DocOpt = None,
) -> None:
    """Export statements (all, or filtered) to JSONL, CSV or Parquet."""
    from . import render

    if format == ExportFormat.parquet and output == "-":
        raise typer.BadParameter("parquet needs a file", param_hint="--output")
    if output != "-":
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    with _store(ctx, db) as store:
        rows = store.iter_statements(
            **_filters(speaker, actor, target, since, until, kind, negated, doc))
        try:
            n = render.export(rows, format.value, output)
        except OSError as exc:
            raise _fail(f"cannot write {output}: {exc}")
    if output != "-":
        _console(stderr=True).print(f"wrote {n} statements to {_escape(output)}")


@app.command()
def errors(
    ctx: typer.Context,
    db: DbOpt = None,
    reason: Annotated[Optional[str], typer.Option(help="Only this reason: " + ", ".join(REASONS))] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Documents that were skipped or failed, and why."""
    from . import render

    if reason is not None and reason not in REASONS:
        raise typer.BadParameter(f"one of {', '.join(REASONS)}", param_hint="--reason")
    with _store(ctx, db) as store:
        rows = store.errors(reason)
    if format == ListFormat.jsonl:
        render.write_jsonl(rows, sys.stdout)
    elif format == ListFormat.csv:
        render.write_csv(rows, sys.stdout,
                         columns=["reason", "source", "count", "first_seen", "last_seen",
                                  "doc_id", "message"])
    else:
        render.errors_table(rows, _console())


@app.command()
def stats(ctx: typer.Context, db: DbOpt = None,
          json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts: documents, statements by kind, negated, top speakers, errors."""
    from . import render

    with _store(ctx, db) as store:
        data = store.stats()
    if json_:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        render.stats_summary(data, _console())


# --- demo and eval -------------------------------------------------------------------------------

def sample_files(folder: Path) -> list[str]:
    """The article files of the samples folder (its README is not an article)."""
    return [str(p) for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith((".", "README"))]


def samples_dir() -> Path | None:
    """The bundled sample articles: package data first, else data/samples at the repo root."""
    from importlib.resources import files

    candidates = []
    try:
        candidates.append(Path(str(files("saidwhat") / "data" / "samples")))
    except Exception:  # pragma: no cover
        pass
    candidates.append(Path(__file__).resolve().parents[2] / "data" / "samples")
    for c in candidates:
        if c.is_dir() and any(p.is_file() for p in c.rglob("*")):
            return c
    return None


@app.command()
def demo(ctx: typer.Context, db: DbOpt = None) -> None:
    """Ingest the bundled sample articles and show what was found."""
    from . import render

    folder = samples_dir()
    if folder is None:
        raise _fail("no sample articles found (expected data/samples/)")
    path = _db(ctx, db)
    console = _console()
    console.print(f"[bold]saidwhat demo[/]: ingesting {_escape(str(folder))} into {_escape(path)}")
    with _store(ctx, path) as store:
        try:
            report = _run_ingest(sample_files(folder), store, _settings(path))
        except Exception as exc:
            raise _fail(f"ingest failed: {type(exc).__name__}: {exc}")
        render.ingest_summary(report, console)
        console.print()
        render.stats_summary(store.stats(), console)
        negated = store.statements(negated=True, limit=5)
        if negated:
            console.print()
            render.statements_table(negated, console, title="negated (NOT SAID)")
        console.print()
        examples = render.pick_examples(store.statements(limit=500, order="confidence"))
        render.statements_table(examples, console, title="some statements")
    console.print("\nnext: [bold]saidwhat show ID[/], [bold]saidwhat search WORDS[/], "
                  "[bold]saidwhat timeline NAME[/], [bold]saidwhat export -f csv -o out.csv[/]")


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Gold JSONL file.")],
    docs: Annotated[Optional[Path], typer.Option(exists=True, file_okay=False,
                                                 help="Folder with the gold documents.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score extraction against a gold JSONL file."""
    try:
        from .eval.statements import evaluate, format_report
    except ImportError as exc:
        raise _fail(f"evaluation is not available: {exc}")
    try:
        result = evaluate(str(gold), str(docs) if docs else None, Settings())
    except Exception as exc:
        raise _fail(f"eval failed: {type(exc).__name__}: {exc}")
    if json_:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(format_report(result).rstrip("\n") + "\n")


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
