"""Output formatting for the CLI: rich tables and highlighted context. Machine-readable writers
(JSONL, CSV, Parquet, event rows) are the library's, in ``saidwhat.exporting``.

Every cell goes through ``rich.text.Text`` so that article text is never read as rich markup.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

QUOTE_WIDTH = 90
CONTEXT_CHARS = 300

QUOTE_STYLE = "bold black on yellow"
SPEAKER_STYLE = "underline bold cyan"
CUE_STYLE = "underline magenta"
NEGATED = "NOT SAID"


# C0 controls but tab and newline (ESC starts CSI and OSC 8 sequences, CR overwrites), DEL, C1
# controls (0x9b is a one-byte CSI) and the bidi marks, embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def clean(text: object) -> str:
    """Text from articles made safe for a terminal: control characters, escape sequences and
    bidi overrides are shown escaped (ESC as ``\\x1b``, U+202E as ``\\u202e``), never sent raw.
    Every piece of stored text that the tables and ``show`` print goes through this."""
    return _CONTROL.sub(_escaped, "" if text is None else str(text))


def _clean_with_offsets(text: str) -> tuple[str, list[int]]:
    """``clean(text)`` and, for each offset 0..len(text) into ``text``, its offset in the result."""
    out, where, n = [], [], 0
    for ch in text:
        where.append(n)
        piece = clean(ch)
        out.append(piece)
        n += len(piece)
    where.append(n)
    return "".join(out), where


def truncate(text: str | None, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _speaker(row: dict) -> str:
    return clean(row.get("speaker") or row.get("speaker_mention") or row.get("actor_id") or "?")


def _targets(row: dict) -> str:
    return clean(", ".join(row.get("targets") or []))


def _cell(value: Any) -> Text:
    return Text(clean(value))


# --- tables --------------------------------------------------------------------------------------

def statements_table(rows: list[dict], console: Console, title: str | None = None,
                     show_id: bool = True) -> None:
    """date, speaker, kind, cue, targets, quote (truncated); negated rows are marked NOT SAID.

    On consoles narrower than 120 columns the id goes under the date and the kind under the cue.
    """
    wide = console.width >= 120
    table = Table(title=title, header_style="bold", title_justify="left")
    if show_id and wide:
        table.add_column("id", style="dim", no_wrap=True)
    table.add_column("date" if wide or not show_id else "date / id", no_wrap=True)
    table.add_column("speaker", style="cyan", max_width=24 if wide else 16)
    if wide:
        table.add_column("kind", no_wrap=True)
    table.add_column("cue" if wide else "cue / kind", max_width=12)
    table.add_column("targets", max_width=12)
    table.add_column("quote", ratio=1)
    for row in rows:
        quote = Text()
        if row.get("negated"):
            quote.append(NEGATED + " ", style="bold red")
        quote.append(truncate(row.get("quote"), QUOTE_WIDTH if wide else 60))
        date = _cell(row.get("date") or "undated")
        cue = _cell(row.get("cue_text") or row.get("cue"))
        if row.get("event_type"):  # the PLOVER event under the cue
            cue.append("\n" + clean(row["event_type"]), style="bold")
        cells = []
        if wide:
            if show_id:
                cells.append(_cell(row.get("id")))
            cells += [date, _cell(_speaker(row)), _cell(row.get("kind")), cue]
        else:
            if show_id:
                date.append("\n" + clean(row.get("id")), style="dim")
            cue.append(("\n" if cue.plain else "") + clean(row.get("kind")), style="dim")
            cells += [date, _cell(_speaker(row)), cue]
        cells += [_cell(_targets(row)), quote]
        table.add_row(*cells)
    console.print(table)
    if not rows:
        console.print(Text("no statements", style="dim"))


def utterance_lines(rows: list[dict], console: Console) -> None:
    """One line per utterance (cluster): date, speaker, event type, targets, canonical text,
    number of reports and the first outlet."""
    for row in rows:
        line = Text()
        line.append(clean(f"{row.get('date') or '????-??-??':<10}  "), style="bold")
        line.append(_speaker(row), style="cyan")
        line.append(clean(f"  [{row.get('event_type') or '-'}]"), style="dim")
        if row.get("targets"):
            line.append(f"  → {_targets(row)}", style="green")
        if row.get("negated"):
            line.append("  " + NEGATED, style="bold red")
        line.append("  " + truncate(row.get("canonical_text")))
        n = row.get("n_reports") or 1
        line.append(clean(f"  {n} report{'s' if n != 1 else ''}, first {row.get('first_outlet') or '?'}"),
                    style="yellow")
        line.append(clean(f"  ({row.get('id')})"), style="dim")
        console.print(line, overflow="fold")
    if not rows:
        console.print(Text("no statements", style="dim"))


def clusters_table(rows: list[dict], console: Console) -> None:
    """Clusters: id, date, speaker, event, reports/outlets, first outlet, canonical text."""
    table = Table(header_style="bold")
    table.add_column("cluster", style="dim", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("speaker", style="cyan", max_width=22)
    table.add_column("event", max_width=10)
    table.add_column("reports", justify="right")
    table.add_column("first outlet", max_width=18)
    table.add_column("canonical text", ratio=1)
    for row in rows:
        table.add_row(_cell(row.get("id")), _cell(row.get("date")), _cell(_speaker(row)),
                      _cell(row.get("event_type")),
                      _cell(f"{row.get('n_reports')} / {row.get('n_outlets')}"),
                      _cell(row.get("first_outlet")), _cell(truncate(row.get("canonical_text"), 70)))
    console.print(table)
    if not rows:
        console.print(Text("no clusters", style="dim"))


def cluster_reports(cluster: dict, console: Console) -> None:
    """Every report of one utterance side by side: outlet, published, statement date, kind,
    language and the wording each used; the first report marked."""
    head = Text()
    head.append(clean(f"cluster {cluster.get('id')}"), style="bold")
    head.append(clean(f"  {_speaker(cluster)}  {cluster.get('date') or 'undated'}"), style="cyan")
    if cluster.get("event_type"):
        head.append(clean(f"  [{cluster['event_type']}]"), style="dim")
    n = cluster.get("n_reports") or 0
    head.append(f"  {n} report{'s' if n != 1 else ''} in {cluster.get('n_outlets') or 0} outlet(s)")
    console.print(head)
    console.print(Text("canonical: ", style="bold") + Text(clean(cluster.get("canonical_text"))))
    table = Table(header_style="bold")
    table.add_column("", no_wrap=True)
    table.add_column("outlet", max_width=20)
    table.add_column("published", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("lang", no_wrap=True)
    table.add_column("wording", ratio=1)
    table.add_column("statement", style="dim", no_wrap=True)
    for r in cluster.get("reports") or []:
        mark = Text("first", style="bold green") if r.get("first") else Text("")
        if r.get("near_dup_of"):
            mark.append("copy", style="yellow")
        wording = Text()
        if r.get("negated"):
            wording.append(NEGATED + " ", style="bold red")
        wording.append(" ".join(clean(r.get("quote")).split()))
        table.add_row(mark, _cell(r.get("outlet") or r.get("doc")), _cell(r.get("published")),
                      _cell(r.get("date")), _cell(r.get("kind")), _cell(r.get("language")), wording,
                      _cell(r.get("id")))
    console.print(table)


def link_summary(counts: dict, console: Console) -> None:
    line = Text()
    for key in ("linked", "merged", "near_duplicates", "statements", "pending", "clusters",
                "multi_report_clusters"):
        if key in counts:
            line.append(key.replace("_", " ") + " ", style="bold").append(f"{counts[key]}  ")
    console.print(line)


def errors_table(rows: list[dict], console: Console) -> None:
    table = Table(header_style="bold")
    for col in ("reason", "source", "count", "last_seen", "message"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in ("reason", "source", "count", "last_seen",
                                                     "message")))
    console.print(table)
    if not rows:
        console.print(Text("no ingest errors", style="dim"))


def stats_summary(stats: dict, console: Console) -> None:
    """The summary that `saidwhat stats` and `saidwhat demo` print."""
    kinds = ", ".join(f"{k} {n}" for k, n in stats.get("by_kind", {}).items()) or "none"
    lines = Text()
    lines.append("documents   ", style="bold").append(f"{stats.get('documents', 0)}\n")
    lines.append("statements  ", style="bold").append(clean(f"{stats.get('statements', 0)}  ({kinds})") + "\n")
    lines.append("negated     ", style="bold").append(f"{stats.get('negated', 0)}\n")
    dates = stats.get("dates") or [None, None]
    if dates and dates[0]:
        lines.append("dates       ", style="bold").append(clean(f"{dates[0]} … {dates[1]}") + "\n")
    errs = stats.get("errors") or {}
    skipped = ", ".join(f"{r} {n}" for r, n in errs.items()) or "none"
    lines.append("errors      ", style="bold").append(clean(skipped))
    console.print(lines)
    top = stats.get("top_speakers") or []
    if top:
        table = Table(title="top speakers", header_style="bold", title_justify="left")
        table.add_column("speaker", style="cyan")
        table.add_column("statements", justify="right")
        for name, n in top:
            table.add_row(_cell(name), _cell(n))
        console.print(table)


def pick_examples(rows: list[dict], n: int = 8) -> list[dict]:
    """Up to n rows for a showcase: one per speaker first (those with targets, then the most
    confident), shown in date order."""
    rows = sorted(rows, key=lambda r: (not r.get("targets"), -(r.get("confidence") or 0)))
    picked, seen = [], set()
    for row in rows:
        who = row.get("speaker") or row.get("speaker_mention")
        if who not in seen:
            seen.add(who)
            picked.append(row)
    picked += [r for r in rows if r not in picked]
    return sorted(picked[:n], key=lambda r: (r.get("date") or "9999", r.get("doc_id") or "",
                                            r.get("start") or 0))


# --- one statement in its context ----------------------------------------------------------------

def context_text(row: dict, chars: int = CONTEXT_CHARS) -> Text | None:
    """The quote with ``chars`` characters of document text either side; quote highlighted,
    speaker mention and cue underlined when their offsets fall in the window."""
    text = row.get("text")
    start, end = row.get("start"), row.get("end")
    if not text or start is None or end is None or not (0 <= start <= end <= len(text)):
        return None
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    # widen to whole words
    while lo > 0 and not text[lo - 1].isspace() and start - lo < chars + 30:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < chars + 30:
        hi += 1
    body, where = _clean_with_offsets(text[lo:hi])  # offsets move where a character is escaped
    out = Text(("…" if lo > 0 else "") + body + ("…" if hi < len(text) else ""))
    shift = 1 if lo > 0 else 0

    def mark(s, e, style):
        if s is None or e is None or e <= s:
            return
        s, e = max(s, lo), min(e, hi)
        if s < e:
            out.stylize(style, where[s - lo] + shift, where[e - lo] + shift)

    mark(start, end, QUOTE_STYLE)
    mark(row.get("speaker_start"), row.get("speaker_end"), SPEAKER_STYLE)
    mark(row.get("cue_start"), row.get("cue_end"), CUE_STYLE)
    return out


def show_statement(row: dict, console: Console, chars: int = CONTEXT_CHARS) -> None:
    """The statement in its context, then its fields."""
    head = Text()
    head.append(clean(f"statement {row.get('id')}"), style="bold")
    if row.get("negated"):
        head.append("  " + NEGATED, style="bold red")
    console.print(head)
    ctx = context_text(row, chars)
    if ctx is None:
        ctx = Text(clean(row.get("quote")), style=QUOTE_STYLE)
    console.print(ctx, soft_wrap=False)
    console.print()

    date = row.get("date") or "?"
    if row.get("date_basis"):
        date += f" ({row['date_basis']})"
    published = row.get("published") or "?"
    if row.get("published_basis"):
        published += f" ({row['published_basis']})"
    cue = row.get("cue_text") or ""
    if row.get("cue") and row.get("cue") != cue:
        cue = f"{cue} ({row['cue']})" if cue else row["cue"]
    items = [
        ("speaker", row.get("speaker")),
        ("mention", row.get("speaker_mention")),
        ("actor", " ".join(x for x in (row.get("actor_id"), f"[{row['actor_type']}]"
                                        if row.get("actor_type") else None) if x)),
        ("country", " / ".join(x for x in (row.get("country"), row.get("sector")) if x)),
        ("kind", row.get("kind")),
        ("cue", cue),
        ("date", date),
        ("targets", ", ".join(row.get("targets") or [])),
        ("target actors", ", ".join(a for a in row.get("target_actors") or []
                                    if a not in (row.get("targets") or []))),
        ("negated", "yes" if row.get("negated") else "no"),
        ("confidence", f"{row['confidence']:.2f}" if row.get("confidence") is not None else None),
        ("document", row.get("source") or row.get("doc")),
        ("title", row.get("title")),
        ("outlet", row.get("outlet")),
        ("published", published),
        ("url", row.get("url")),
        ("offsets", f"{row.get('start')}–{row.get('end')} in {row.get('doc_id')}"),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in items:
        if value not in (None, ""):
            grid.add_row(Text(key), _cell(value))
    console.print(grid)


def ingest_summary(report: Any, console: Console) -> None:
    """documents seen / stored / duplicates / skipped by reason / statements stored."""
    skipped = dict(getattr(report, "skipped", {}) or {})
    line = Text()
    line.append("documents seen ", style="bold").append(f"{getattr(report, 'seen', 0)}")
    line.append("  stored ", style="bold").append(f"{getattr(report, 'stored', 0)}")
    line.append("  duplicates ", style="bold").append(f"{getattr(report, 'duplicates', 0)}")
    line.append("  statements stored ", style="bold").append(f"{getattr(report, 'statements', 0)}")
    console.print(line)
    if skipped:
        text = ", ".join(f"{reason} {n}" for reason, n in sorted(skipped.items()))
        console.print(Text("skipped: ", style="bold yellow") + Text(text))


@contextmanager
def progress(console: Console, label: str) -> Iterator[Callable[[int, int | None], None]]:
    """A transient progress bar; yields the ``progress(done, total|None)`` callback the
    pipeline calls (total None = indeterminate)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(label), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def callback(done: int, total: int | None = None) -> None:
            bar.update(task, completed=done, total=total)

        yield callback
