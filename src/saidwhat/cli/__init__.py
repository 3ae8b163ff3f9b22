"""`saidwhat` command line: a thin typer layer over the store, the pipeline and render.

- ``common``: option types, console/error helpers, database and settings plumbing;
- ``run``: ingest, extract, demo (the commands that run the extractor);
- ``query``: statements, show, search, timeline, export, errors, stats (reading the store);
- ``evaluate``: the ``eval`` group (statements gold, PolNeAR, links);
- ``link``: link, cluster, clusters (same-utterance clusters, near-duplicate documents).

Heavy imports (spaCy, the pipeline, SQLAlchemy, pyarrow) happen inside the commands that need them,
so `saidwhat --help`, `statements`, `search` ... start fast.
Exit codes: 0 ok, 1 nothing found / processing failed, 2 bad arguments.
"""
from __future__ import annotations

import typer

from saidwhat.cli import query, run
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
__import__("saidwhat.cli.code", fromlist=["register"]).register(app)  # code, actors (issue 5)
app.command()(__import__(f"{__name__}.serve", fromlist=["serve"]).serve)  # saidwhat serve (web UI)
app.add_typer(db_app, name="db")
for _command in __import__(f"{__name__}.link", fromlist=["COMMANDS"]).COMMANDS:  # issue 6
    app.command()(_command)


def main() -> None:
    app()
