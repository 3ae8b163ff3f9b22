"""Statements per ISO week as a stacked bar chart: the geometry here, the SVG in
``templates/_chart.html`` (rendered server-side; no JavaScript, nothing fetched)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

MAX_WEEKS = 520          # the latest ten years of weeks; older ones are summarised in a note
MIN_WEEKS = 26           # a shorter record is shown in the 26 weeks up to its last statement
FIT_WEEKS = 120          # up to this many weeks the chart fits the page width, else it scrolls
RIGHT = 40
HEIGHT = 140             # plot height in SVG units
BAR = 10
GAP = 2
LEFT, BOTTOM, TOP = 34, 22, 8
SERIES_CLASSES = 8       # CSS classes s0..s7


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def weekly(rows: Iterable[tuple[str, str, int]]) -> dict:
    """[(ISO date, series value, count)] -> {weeks: [{week, start, counts{series: n}, total}],
    series: [names by total, descending], dropped: statements in weeks before the window}."""
    per: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    for day, value, n in rows:
        per[week_start(dt.date.fromisoformat(day))][value] += n
        totals[value] += n
    if not per:
        return {"weeks": [], "series": [], "dropped": 0}
    first, last = min(per), max(per)
    first = max(first, last - dt.timedelta(weeks=MAX_WEEKS - 1))
    first = min(first, last - dt.timedelta(weeks=MIN_WEEKS - 1))
    dropped = sum(sum(c.values()) for w, c in per.items() if w < first)
    weeks, w = [], first
    while w <= last:
        counts = dict(per.get(w, {}))
        weeks.append({"week": iso_week(w), "start": w.isoformat(), "counts": counts,
                      "total": sum(counts.values())})
        w += dt.timedelta(weeks=1)
    series = sorted(totals, key=lambda k: (-totals[k], k))
    return {"weeks": weeks, "series": series, "dropped": dropped}


def nice_max(n: int) -> int:
    for mag in (1, 10, 100, 1000, 10000, 100000):
        for step in (1, 2, 5):
            if step * mag >= n:
                return step * mag
    return n


def geometry(data: dict) -> dict:
    """Rectangles, axis ticks and legend for the template; all numbers, no markup."""
    weeks, series = data["weeks"], data["series"]
    ymax = nice_max(max((w["total"] for w in weeks), default=1) or 1)
    width = LEFT + len(weeks) * (BAR + GAP) + GAP + RIGHT
    scale = HEIGHT / ymax
    bars = []
    for i, w in enumerate(weeks):
        x, y = LEFT + GAP + i * (BAR + GAP), TOP + HEIGHT
        for j, name in enumerate(series):
            n = w["counts"].get(name, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            bars.append({"x": x, "y": round(y, 2), "w": BAR, "h": round(h, 2),
                         "cls": f"s{j % SERIES_CLASSES}",
                         "title": f"{w['week']} (from {w['start']}): {name} {n}"})
    every = max(1, len(weeks) // 6)
    xticks = [{"x": LEFT + GAP + i * (BAR + GAP), "label": w["start"]}
              for i, w in enumerate(weeks) if i % every == 0]
    yticks = [{"y": TOP + HEIGHT - v * scale, "label": v} for v in sorted({0, ymax // 2, ymax})]
    legend = [{"name": s, "cls": f"s{j % SERIES_CLASSES}"} for j, s in enumerate(series)]
    return {"width": width, "height": TOP + HEIGHT + BOTTOM, "left": LEFT, "top": TOP,
            "plot_bottom": TOP + HEIGHT, "bars": bars, "xticks": xticks, "yticks": yticks,
            "legend": legend, "fit": len(weeks) <= FIT_WEEKS}
