"""KPI plots as static SVG, drawn by matplotlib: cumulative value against the target's pace, and
clicks and redemptions by language and by placement.

The same numbers always give the same bytes: a fixed svg.hashsalt for element ids, no date in
the metadata, text kept as text (no font subsetting that could vary). A rerun equals a cold run.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from itertools import accumulate
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a GUI backend: plots are drawn in servers and workers

from matplotlib import dates, rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from jointcampaign.metrics.summary import BY_LANGUAGE, BY_PLACEMENT, KpiReport, KpiStatus

STYLE: dict[Any, Any] = {
    "svg.hashsalt": "jointcampaign",
    "svg.fonttype": "none",
    "date.epoch": "1970-01-01T00:00:00",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# rc_context sets matplotlib's global rcParams: two threads plotting at once (two partners' bundles,
# the portal serving two pages) would each restore the defaults under the other, whose SVG then gets
# random ids and path-drawn text. One plot at a time keeps every plot's bytes fixed.
_PLOTTING = threading.RLock()
VALUE_COLOUR, TARGET_COLOUR = "#1f5f8b", "#b5482e"
SERIES_COLOURS = ("#4c8c4a", "#c28a1e")  # clicks, redemptions


def _day_number(day: dt.date) -> float:
    """matplotlib's date axis counts days since date.epoch (set in STYLE)."""
    return float((day - dt.date(1970, 1, 1)).days)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def cumulative_svg(kpi: KpiStatus, start: dt.date, end: dt.date, today: dt.date) -> str:
    """The running total up to today as steps, and the straight line from 0 at start to the target at end."""
    days = [dt.date.fromisoformat(day) for day, _ in kpi.daily]
    totals = list(accumulate(count for _, count in kpi.daily))
    last = min(max(today, start), end)
    steps_x = [_day_number(day) for day in (start, *days, last)]
    pace_x = [_day_number(start), _day_number(end)]
    with _PLOTTING, rc_context(STYLE):
        figure = Figure(figsize=(6, 2.8))
        axes = figure.add_subplot()
        axes.xaxis_date()
        axes.step(steps_x, [0, *totals, totals[-1] if totals else 0], where="post",
                  color=VALUE_COLOUR, linewidth=2, label="so far")  # fmt: skip
        axes.plot(pace_x, [0, kpi.target], linestyle="--", color=TARGET_COLOUR, label="pace to target")
        axes.axhline(kpi.target, color=TARGET_COLOUR, linewidth=0.8, alpha=0.5)
        axes.set_title(kpi.metric, loc="left")
        axes.set_ylabel("cumulative")
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", frameon=False)
        locator = dates.AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        figure.tight_layout()
        return _svg(figure)


def bars_svg(title: str, series: dict[str, dict[str, int]]) -> str:
    """Grouped bars: one group per label (language or placement), one bar per series (clicks, redemptions)."""
    labels = sorted({label for counts in series.values() for label in counts}) or ["none yet"]
    width = 0.8 / max(len(series), 1)
    with _PLOTTING, rc_context(STYLE):
        figure = Figure(figsize=(6, 2.4))
        axes = figure.add_subplot()
        for number, (name, counts) in enumerate(series.items()):
            offset = (number - (len(series) - 1) / 2) * width
            axes.bar([i + offset for i in range(len(labels))], [counts.get(label, 0) for label in labels],
                     width=width, color=SERIES_COLOURS[number % len(SERIES_COLOURS)], label=name)  # fmt: skip
        axes.set_xticks(range(len(labels)), labels)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no half ticks
        axes.set_title(title, loc="left")
        axes.set_ylabel("count")
        axes.legend(loc="lower right", bbox_to_anchor=(1, 1), ncols=2, frameon=False)  # beside the title, off the bars
        figure.tight_layout()
        return _svg(figure)


def plot_svg(report: KpiReport, file_name: str) -> str | None:
    """One of `report.plot_files()`, drawn; None for a name the report has no plot for."""
    if file_name not in dict(report.plot_files()):
        return None
    return report_plots(report, only=file_name)[file_name]


def report_plots(report: KpiReport, only: str | None = None) -> dict[str, str]:
    """File name -> SVG for one (partner's) report: a line chart per measured KPI, clicks and redemptions
    by language and by placement (over the KPIs the report holds, so a partner sees only what it may)."""
    charts = {f"kpi-{kpi.index + 1}.svg": kpi for kpi in report.kpis}
    plots: dict[str, str] = {}
    for file_name, description in report.plot_files():
        if only is not None and file_name != only:
            continue
        if file_name == BY_LANGUAGE:
            plots[file_name] = bars_svg(description, report.breakdown("language"))
        elif file_name == BY_PLACEMENT:
            plots[file_name] = bars_svg(description, report.breakdown("placement"))
        else:
            plots[file_name] = cumulative_svg(charts[file_name], report.start, report.end, report.today)
    return plots
