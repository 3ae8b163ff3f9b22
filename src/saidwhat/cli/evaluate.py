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
from saidwhat.config import EXTRACTORS, Settings
from saidwhat.eval import polnear as polnear_eval
from saidwhat.eval import statements as statements_eval
from saidwhat.eval import targets as targets_eval

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
    "saidwhat eval links-polnear [GOLD_DIR] [--polnear DIR] [--split tune|lockbox|all] [--db PATH] [--json]: "
    "same-utterance links on real multi-outlet reporting (the PolNeAR links gold).\n\n"
    "saidwhat eval targets [GOLD.jsonl] [--polnear DEV.jsonl] [--split tune|lockbox|all] [--json]: "
    "statement targets, speakers and dates against the PolNeAR target gold.\n\n"
    "A first argument that is not a subcommand name is read as the statements gold file "
    "(write ./polnear for a gold file named polnear)."
)


# the part of a real-news gold to score (gold/polnear_targets, gold/polnear_links)
SplitOpt = Annotated[str, typer.Option(
    "--split", help="tune (default: what a change may be tuned on), lockbox (scored once, at the end "
                    "of a change) or all.")]


def _check_split(split: str, splits: tuple[str, ...]) -> None:
    if split not in splits:
        raise typer.BadParameter("--split must be " + ", ".join(f"'{x}'" for x in splits[:-1]) + f" or '{splits[-1]}'")


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
    extractor: Annotated[str | None, typer.Option(
        "--extractor", help="accurate (the attribution tagger on MPNet), fast (on MiniLM) or rules (in "
                            "the attributions scope: the learned cue detector and span chooser); "
                            "SAIDWHAT_EXTRACTOR, default fast.")] = None,
    min_confidence: Annotated[float | None, typer.Option(
        "--min-confidence", min=0.0, max=1.0,
        help="Leave out the tagger's attributions whose content it gives less than this chance of "
             "being exactly right (default 0: none); SAIDWHAT_TAGGER_MIN_CONFIDENCE.")] = None,
) -> None:
    """Extract PolNeAR documents; score content, source and cue (shared/eval/polnear_score.py)."""
    if scope not in ("attributions", "statements"):
        raise typer.BadParameter("--scope must be 'attributions' or 'statements'")
    if extractor is not None and extractor.lower() not in EXTRACTORS:
        raise typer.BadParameter(f"--extractor must be one of {', '.join(EXTRACTORS)}")
    try:
        settings = Settings().with_(scope=scope, extractor=extractor and extractor.lower(),
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



@eval_app.command("links-polnear")
def links_polnear(
    gold: Annotated[Path, typer.Argument(
        file_okay=False, help="Gold folder with pairs.jsonl and clusters.jsonl (ids and offsets into "
                              "PolNeAR; default gold/polnear_links).")] = Path("gold/polnear_links"),
    polnear_dir: Annotated[Path, typer.Option(
        "--polnear", help="PolNeAR JSONL file, or a folder of them (train.jsonl, dev.jsonl), holding the "
                          "gold's articles.")] = Path("../shared/polnear"),
    split: SplitOpt = "tune",
    db: Annotated[str | None, typer.Option(
        "--db", help="Keep the ingested store here (a path that does not exist yet), or score this "
                     "existing store's clusters without ingesting.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Pairwise precision/recall/F1 of same-utterance links on real reporting: the split's PolNeAR
    articles are ingested with their outlets and publication dates (linking as ingest does), gold units
    are matched to statements by content (token F1 >= 0.5), and links are scored over the judged pairs
    and over all pairs among the matched units of the gold clusters (gold/polnear_links/README.md)."""
    from saidwhat.eval.links_polnear import SPLITS, evaluate_links_polnear, format_scores

    _check_split(split, SPLITS)
    for path in (gold / "pairs.jsonl", gold / "clusters.jsonl"):
        if not path.is_file():
            raise fail(f"eval links-polnear: no such file: {path}")
    if not polnear_dir.exists():
        raise fail(f"eval links-polnear: no such file or folder: {polnear_dir}")
    try:
        result = evaluate_links_polnear(gold, polnear_dir, split, db, Settings())
    except Exception as exc:
        raise fail(f"eval links-polnear failed: {type(exc).__name__}: {exc}")
    if json_:
        write_json(result)
    else:
        sys.stdout.write(format_scores(result) + "\n")


eval_app.command("plover")(plover)  # event coding (issue 5); the command lives in cli/code.py


@eval_app.command("targets")
def targets(
    gold: Annotated[Path, typer.Argument(
        dir_okay=False, help="Target gold JSONL (ids and offsets into PolNeAR dev; "
                             "default gold/polnear_targets/targets.jsonl).")] = targets_eval.DEFAULT_GOLD,
    polnear_file: Annotated[Path, typer.Option(
        "--polnear", dir_okay=False, help="PolNeAR dev JSONL holding the gold's articles.")]
        = targets_eval.DEFAULT_POLNEAR,
    split: SplitOpt = "tune",
    scope: Annotated[str | None, typer.Option(
        "--scope", help="statements (saidwhat's default) or attributions (PolNeAR's scope, with the "
                        "attribution tagger): which extractor finds the statements.")] = None,
    json_: JsonOpt = False,
) -> None:
    """Score statement targets (whom a statement calls on, accuses, criticizes ...), speakers and dates
    against the PolNeAR target gold: target-set accuracy and target-item P/R/F1 over the attributions
    that a statement matches (token F1 >= 0.5, one to one)."""
    _check_split(split, targets_eval.SPLITS)
    if scope not in (None, "attributions", "statements"):
        raise typer.BadParameter("--scope must be 'attributions' or 'statements'")
    for path in (gold, polnear_file):
        if not path.is_file():
            raise fail(f"eval targets: no such file: {path}")
    try:
        settings = Settings() if scope is None else Settings().with_(scope=scope)
        result = targets_eval.evaluate_targets(gold, polnear_file, settings, split=split)
    except Exception as exc:
        raise fail(f"eval targets failed: {type(exc).__name__}: {exc}")
    if json_:
        write_json(result)
    else:
        sys.stdout.write(targets_eval.format_targets(result) + "\n")
