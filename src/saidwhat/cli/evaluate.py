"""`saidwhat eval`: score the extractor against gold annotations.

`eval` is a group with two subcommands, ``statements`` (the hand-made statements gold) and
``polnear`` (PolNeAR documents). A first argument that names no subcommand is read as the
statements gold file, so ``saidwhat eval GOLD.jsonl`` keeps meaning ``saidwhat eval statements
GOLD.jsonl``.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from saidwhat.cli.code import plover
from saidwhat.cli.common import JsonOpt, fail, write_json
from saidwhat.config import Settings
from saidwhat.eval import polnear as polnear_eval
from saidwhat.eval import statements as statements_eval

DEFAULT_COMMAND = "statements"


class DefaultCommandGroup(TyperGroup):
    """A group that runs its default subcommand when the first argument names none (and is not
    --help): `eval GOLD.jsonl ...` is `eval statements GOLD.jsonl ...`."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(cls=DefaultCommandGroup, add_completion=False,
                       pretty_exceptions_enable=False)


EVAL_HELP = (
    "Score extraction against gold annotations.\n\n"
    "saidwhat eval GOLD.jsonl [--docs DIR] [--json]: the statements gold "
    "(same as saidwhat eval statements GOLD.jsonl ...).\n\n"
    "saidwhat eval polnear FILE.jsonl [--docs N] [--json] [--pred-out PRED.jsonl]: "
    "PolNeAR documents (source, cue and content spans).\n\n"
    "saidwhat eval links GOLD.jsonl [--docs DIR] [--db PATH] [--json]: pairwise precision/recall/F1 "
    "of same-utterance links (statement clusters).\n\n"
    "A first argument that is not a subcommand name is read as the statements gold file "
    "(write ./polnear for a gold file named polnear)."
)


@eval_app.callback(help=EVAL_HELP, short_help="Score extraction against gold annotations "
                   "(statements gold, or PolNeAR).")
def _eval_group() -> None:
    pass


@eval_app.command(DEFAULT_COMMAND)
def statements(
    gold: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Gold JSONL file.")],
    docs: Annotated[Path | None, typer.Option(exists=True, file_okay=False,
                                                 help="Folder with the gold documents.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Score extraction against a statements gold JSONL file (metrics of shared/eval/score.py)."""
    try:
        result = statements_eval.evaluate(str(gold), str(docs) if docs else None, Settings())
    except Exception as exc:
        raise fail(f"eval failed: {type(exc).__name__}: {exc}")
    if json_:
        write_json(result)
    else:
        sys.stdout.write(statements_eval.format_report(result).rstrip("\n") + "\n")


@eval_app.command("polnear")
def polnear(
    file: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False,
        help="PolNeAR JSONL, one document per line (e.g. ../shared/polnear/dev.jsonl).")],
    docs: Annotated[int | None, typer.Option(
        "--docs", min=1, help="Run and score only the first N documents.")] = None,
    heldout: Annotated[bool, typer.Option(
        "--heldout", help="Only the tenth of FILE that the training scripts hold out by default (seed "
                          "0): with PolNeAR train, the articles the cue detector and span chooser never "
                          "saw (warns when the tagger's weights were trained on them).")] = False,
    json_: JsonOpt = False,
    pred_out: Annotated[Path | None, typer.Option(
        "--pred-out", dir_okay=False,
        help="Also write the predictions as JSONL in the PRED format of "
             "../shared/eval/polnear_score.py.")] = None,
    scope: Annotated[str, typer.Option(
        "--scope", help="attributions (PolNeAR's scope: speech, beliefs, intentions, perceptions; "
                        "uses the learned cue detector) or statements (speech only, saidwhat's default).")]
        = "attributions",
    tagger: Annotated[bool | None, typer.Option(
        "--tagger/--no-tagger", help="In the attributions scope, use the fine-tuned attribution tagger "
                                     "(default; SAIDWHAT_TAGGER=0 turns it off) or the rules with the "
                                     "learned cue detector and span chooser.")] = None,
    tagger_base: Annotated[str | None, typer.Option(
        "--tagger-base", help="Which packaged tagger: mpnet (accurate; the default when its base is "
                              "installed) or minilm (fast); SAIDWHAT_TAGGER_BASE.")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Leave out the tagger's attributions whose content it gives less than this chance of "
             "being exactly right (default 0: none); SAIDWHAT_TAGGER_MIN_CONFIDENCE.")] = None,
) -> None:
    """Extract PolNeAR documents; score content, source and cue (shared/eval/polnear_score.py)."""
    if scope not in ("attributions", "statements"):
        raise typer.BadParameter("--scope must be 'attributions' or 'statements'")
    if tagger_base is not None and tagger_base.lower() not in ("mpnet", "minilm"):
        raise typer.BadParameter("--tagger-base must be 'mpnet' or 'minilm'")
    try:
        settings = Settings().with_(scope=scope, tagger=tagger, tagger_base=tagger_base and tagger_base.lower(),
                                    tagger_min_confidence=min_confidence)
        result = polnear_eval.evaluate_polnear(file, settings, max_docs=docs,
                                  pred_out=pred_out, heldout=heldout)
    except Exception as exc:  # unreadable file, a record without text, no model ...
        raise fail(f"eval polnear failed: {type(exc).__name__}: {exc}")
    if json_:
        write_json(result)
    else:
        sys.stdout.write(polnear_eval.format_polnear(result) + "\n")


@eval_app.command("links")
def links(
    gold: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False,
        help="Gold JSONL: one line per annotated statement, {\"doc\": FILE NAME, \"quote\": TEXT, "
             "\"cluster\": LABEL} or {\"statement_id\": ID, \"cluster\": LABEL}.")],
    docs: Annotated[list[Path] | None, typer.Option(
        "--docs", exists=True, file_okay=False,
        help="Folder with the gold's documents (repeatable; default: the gold file's folder).")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Score this database's clusters instead of ingesting the documents.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Pairwise precision/recall/F1 of same-utterance links (statement clusters) against a gold.

    Gold format (JSONL; '#' lines are comments): each line names a statement, by "statement_id",
    or by "doc" (the document's file name) and "quote" (its words; matched to that document's
    statements by normalised text, else by the most overlapping one, at least half the words), and
    gives it a "cluster" label. Statements with the same label report the same utterance; a label
    used once marks a statement checked to have no other report. Pairs are counted over the
    annotated statements only; a line that matches no statement costs recall.
    """
    from saidwhat.eval.links import evaluate_links, format_scores  # defers datasketch and SQLAlchemy

    try:
        result = evaluate_links(gold, docs or [], db, Settings())
    except Exception as exc:
        raise fail(f"eval links failed: {type(exc).__name__}: {exc}")
    if json_:
        write_json(result)
    else:
        sys.stdout.write(format_scores(result) + "\n")


eval_app.command("plover")(plover)  # event coding (issue 5); the command lives in cli/code.py
