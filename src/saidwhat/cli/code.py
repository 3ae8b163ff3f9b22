"""`saidwhat code` (PLOVER/CAMEO event coding of JSONL sentences or statements), `saidwhat actors`
(the actor dictionary) and `saidwhat eval plover` (registered on the eval group in evaluate.py)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from saidwhat.cli.common import DbOpt, JsonOpt, console, escape, fail, open_reader_if_any, write_json
from saidwhat.eval.plover import format_report, score

actors_app = typer.Typer(help="The actor dictionary: list, show, add aliases, merge.", no_args_is_help=True,
                         add_completion=False, pretty_exceptions_enable=False)


def _read_jsonl(src: str) -> list[dict]:
    f = sys.stdin if src == "-" else open(src, encoding="utf-8")
    rows = []
    try:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as exc:
                raise fail(f"{src}:{n}: not JSON ({exc})", 2)
            if not isinstance(d, dict) or not isinstance(d.get("text", d.get("quote")), str):
                raise fail(f"{src}:{n}: needs a \"text\" field", 2)
            rows.append(d)
    finally:
        if f is not sys.stdin:
            f.close()
    return rows


def code_records(rows: list[dict], abstain: bool = True) -> list[dict]:
    """JSONL records in ({"id", "text"} + optional cue, negated, source, targets) -> coded records."""
    from saidwhat.code import code_many  # defers numpy
    from saidwhat.code.actors import source_and_targets  # defers numpy and rapidfuzz
    from saidwhat.code.features import featurize, nlp  # defers spaCy

    texts = [r.get("text", r.get("quote")) for r in rows]
    cues = [r.get("cue") for r in rows]
    # parsed and featurized once, for the coder and the actors
    parsed = [featurize(d, c) for d, c in zip(nlp().pipe(texts, batch_size=64), cues)]
    events = code_many(texts, cues, [bool(r.get("negated")) for r in rows], parsed=parsed, abstain=abstain)
    out = []
    for r, ev, p in zip(rows, events, parsed):
        src, _ids, codes = source_and_targets(r.get("text", ""), p.subject, p.objects,
                                              r.get("actor_id") or r.get("source"))
        target = r.get("targets") or codes
        out.append({"id": r.get("id"), "event_type": ev.event_type, "mode": ev.mode, "cameo": ev.cameo,
                    "source": src, "target": target, "confidence": ev.confidence, "reason": ev.reason})
    return out


def code(file: Annotated[str, typer.Argument(help="JSONL file ({\"id\", \"text\"} a line), or - for stdin.")] = "-",
         every: Annotated[bool, typer.Option("--every", help="Give every non-negated sentence one of the 16 types "
                                             "(by default a plain statement that names no act gets none).")] = False,
         ) -> None:
    """Code sentences or statements as PLOVER events (type, mode, CAMEO, source, target); JSONL out.

    Optional input fields: cue (reporting-verb lemma), negated (no event is coded), source (actor id),
    targets (kept as given)."""
    if file != "-" and not Path(file).is_file():
        raise fail(f"no such file: {file}", 2)
    rows = _read_jsonl(file)
    for rec in code_records(rows, abstain=not every):
        sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")


def plover(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="PLOVER JSONL ({id, text, event_type, mode}), e.g. ../shared/plover/dev.jsonl")],
    json_: JsonOpt = False,
    cv: Annotated[int | None, typer.Option("--cv", min=2, help="K-fold cross-validation: retrain on the "
                                              "other folds (+ the coder's training sentences) and score each held-out "
                                              "fold (the file is then training data).")] = None,
    pred_out: Annotated[Path | None, typer.Option("--pred-out", dir_okay=False,
                                                     help="Write the predictions as JSONL.")] = None,
) -> None:
    """Score event coding: accuracy, macro-F1, per-type P/R/F1, mode accuracy (../shared/eval/plover_score.py metrics)."""
    from saidwhat.train.coder import cross_validate, load_jsonl, text_hash  # defers numpy and spaCy

    gold = load_jsonl(file)
    if not gold:
        raise fail(f"no sentences in {file}")
    if cv:
        preds = cross_validate(gold, cv)
        title = f"{cv}-fold cross-validation (the model is retrained per fold)"
    else:
        from saidwhat.code import code_many  # defers numpy
        from saidwhat.code.coder import model  # defers numpy

        evs = code_many([g["text"] for g in gold], abstain=False)   # every PLOVER item holds an event
        preds = [{"id": g["id"], "event_type": e.event_type, "mode": e.mode, "cameo": e.cameo} for g, e in zip(gold, evs)]
        seen = set(model().meta.get("trained_hashes", []))
        n_seen = sum(text_hash(g["text"]) in seen for g in gold)
        title = "shipped model" + (f" (WARNING: {n_seen} of {len(gold)} sentences were in its training data; "
                                   "use --cv K for honest figures)" if n_seen else
                                   " (held out: none of these sentences is in its training data)")
    if pred_out:
        with open(pred_out, "w", encoding="utf-8") as f:
            for p in preds:
                f.write(json.dumps(p) + "\n")
    res = score(gold, preds)
    if json_:
        write_json({"setting": title, **res})
    else:
        sys.stdout.write(format_report(res, title) + "\n")


def _index():
    from saidwhat.actors import ActorIndex  # defers rapidfuzz

    return ActorIndex.load()


@actors_app.command("list")
def actors_list(
    query: Annotated[str | None, typer.Argument(help="Substring of id, name or alias.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="person | organization | country")] = None,
    country: Annotated[str | None, typer.Option(help="ISO3")] = None,
    json_: JsonOpt = False,
) -> None:
    """List actors of the dictionary (shipped + user files)."""
    ix = _index()
    rows = ix.search(query) if query else list(ix)
    rows = [a for a in rows if (not type_ or a.type == type_) and (not country or a.country == country.upper())]
    if json_:
        write_json([a.to_dict() for a in rows])
        return
    t = Table("id", "name", "type", "country", "sector", "aliases")
    for a in rows:
        t.add_row(escape(a.id), escape(a.name), a.type, a.country or "", a.sector or "", escape("; ".join(a.aliases[:4])))
    console().print(t)


@actors_app.command("show")
def actors_show(ctx: typer.Context, actor_id: Annotated[str, typer.Argument(help="Actor id or any name.")],
                db: DbOpt = None, json_: JsonOpt = False) -> None:
    """One actor with aliases, roles and its statement counts (as speaker and as target) in the database."""
    from saidwhat.actors import Actor  # defers rapidfuzz

    ix = _index()
    a = ix.get(actor_id) or ix.resolve(actor_id)
    store = open_reader_if_any(ctx, db)
    if a is None and store is not None:
        # an automatic actor (an unknown speaker the resolve stage named): known from its statements
        try:
            rows = store.statements(actor=actor_id, limit=1)
        except Exception:
            rows = []
        if rows:
            r = rows[0]
            a = Actor(id=r["actor_id"], name=r.get("speaker") or r["actor_id"], type=r.get("actor_type") or "",
                      country=r.get("country"), sector=r.get("sector"), origin="auto")
    if a is None:
        raise fail(f"unknown actor: {actor_id}")
    counts = {}
    try:
        if store is not None:
            counts = {"as_speaker": store.count_statements(actor=a.id),
                      "as_target": store.count_statements(target=a.id if a.type != "country" else a.country)}
    except Exception:
        counts = {}
    d = {**a.to_dict(), "statements": counts}
    if json_:
        write_json(d)
        return
    c = console()
    c.print(f"[bold]{escape(a.name)}[/]  {escape(a.id)}  ({a.type}{', ' + a.country if a.country else ''}"
            f"{', ' + a.sector if a.sector else ''}{', automatic' if a.origin == 'auto' else ''})")
    if a.aliases:
        c.print("aliases: " + escape("; ".join(a.aliases)))
    if a.metonyms:
        c.print("metonyms: " + escape("; ".join(a.metonyms)))
    for r in a.roles:
        c.print("role: " + escape(str(r)))
    if counts:
        c.print(f"statements: {counts['as_speaker']} as speaker, {counts['as_target']} as target")


@actors_app.command("add-alias")
def actors_add_alias(actor_id: str, alias: str) -> None:
    """Add an alias (persisted to $SAIDWHAT_ACTORS or ~/.config/saidwhat/actors/aliases.tsv)."""
    ix = _index()
    try:
        a = ix.add_alias(actor_id, alias)
    except KeyError:
        raise fail(f"unknown actor: {actor_id}")
    console().print(f"{escape(alias)} -> {escape(a.id)}")


@actors_app.command("merge")
def actors_merge(actor_id: str, other: str) -> None:
    """Merge OTHER into ACTOR_ID (persisted to merges.tsv in the user folder)."""
    ix = _index()
    try:
        a = ix.merge(actor_id, other)
    except KeyError as exc:
        raise fail(f"unknown actor: {exc.args[0]}")
    console().print(f"{escape(other)} merged into {escape(a.id)}")


def register(app: typer.Typer) -> None:
    app.command("code")(code)
    app.add_typer(actors_app, name="actors")
