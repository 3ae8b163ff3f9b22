"""`saidwhat` command line: a thin typer shell over the library API (``saidwhat.Store``,
``saidwhat.ingest``, ``saidwhat.extract_paths``, ``saidwhat.create_app``): each command parses its
arguments, calls the library and renders what comes back (``render``: tables and highlighted text).

- ``common``: option types, console/error helpers, database and settings plumbing;
- ``run``: ingest, extract, demo (the commands that run the extractor);
- ``query``: statements, show, search, timeline, export, errors, stats (reading the store);
- ``evaluate``: the ``eval`` group (statements gold, PolNeAR, links, PLOVER);
- ``code``: code (PLOVER/CAMEO event coding) and the ``actors`` group;
- ``link``: link, cluster, clusters (same-utterance clusters, near-duplicate documents);
- ``serve``: the web UI; ``db``: the ``db`` group (migrations).

The library's names load their modules on first use, and the few imports left inside commands defer
a heavy library (spaCy, numpy, datasketch, SQLAlchemy, uvicorn), so `saidwhat --help`,
`statements`, `search` ... start fast.
Exit codes: 0 ok, 1 nothing found / processing failed, 2 bad arguments.
"""
from __future__ import annotations

import typer

from saidwhat.cli import code, link, query, run, serve
from saidwhat.cli.common import DbOpt
from saidwhat.cli.db import db_app
from saidwhat.cli.evaluate import eval_app
from saidwhat.cli.run import nothing_read, sample_files, samples_dir

__all__ = ["app", "main", "nothing_read", "sample_files", "samples_dir"]

app = typer.Typer(
    name="saidwhat",
    help="Who said what, to whom, when: attributed statements from news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(ctx: typer.Context, db: DbOpt = None) -> None:
    """Who said what, to whom, when: attributed statements from news articles."""
    ctx.obj = {"db": db}


for _command in (run.ingest, run.extract, *query.COMMANDS, run.demo):
    app.command()(_command)
app.add_typer(eval_app, name="eval")
code.register(app)  # code, actors
app.command()(serve.serve)
app.add_typer(db_app, name="db")
for _command in link.COMMANDS:
    app.command()(_command)


def main() -> None:
    app()
