"""Chapter figures for the 287(g) and ratio chapters: each builds, glues and saves one chart.

Each function returns the matplotlib figure (already closed) so tests can inspect it; in a
chapter it is glued under ``key`` for a ``{glue:figure}`` directive and saved as
``figures/<name>.png``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from . import report, style


def publish(fig, key: str | None, name: str | None):
    """Glue ``fig`` under ``key`` (when given), save it as ``name`` (when given), close it."""
    if key:
        from myst_nb import glue

        glue(key, fig, display=False)
    if name:
        style.save_figure(fig, name)
    plt.close(fig)
    return fig


def roster_counts(counts: pd.DataFrame, event, key=None, name=None):
    """Agencies on each roster capture, labelled, with a dashed line at ``event``."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.plot(counts["capture_date"], counts["agencies"], marker="o", color=style.PALETTE["kept"])
    for _, row in counts.iterrows():
        ax.annotate(
            report.fmt_int(row["agencies"]),
            (row["capture_date"], row["agencies"]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=8,
        )
    style.mark_event(ax, event, "Inauguration")
    ax.set_ylabel("agencies on ICE's roster")
    ax.set_xlabel("date of web-archive capture")
    ax.set_ylim(0, counts["agencies"].max() * 1.25)
    style.date_axis(ax)
    return publish(fig, key, name)


def agencies_per_year(per_year: pd.Series, key=None, name=None):
    """Bar chart of agencies flagged as taking part in each year."""
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    ax.bar(per_year.index, per_year.values, color=style.PALETTE["kept"])
    ax.set_xlabel("year")
    ax.set_ylabel("agencies flagged as taking part")
    ax.set_xticks(per_year.index[::2])
    return publish(fig, key, name)


def ratio_sensitivity(reported: float, table: pd.DataFrame, key=None, name=None):
    """Range of a ratio under each adjustment (rows of :func:`factcheck.ratios.sensitivity`).

    Each bar runs from the ratio at one end of the adjustment's range to the other, on a log
    scale, so that halving and doubling look alike; the reported value and parity are marked.
    """
    fig, ax = plt.subplots(figsize=(7.0, 0.9 + 0.75 * len(table)))
    y = np.arange(len(table))[::-1]
    for yi, row in zip(y, table.itertuples(), strict=True):
        if row.lowest < reported:
            ax.barh(
                yi,
                reported - row.lowest,
                left=row.lowest,
                color=style.PALETTE["kept"],
                height=0.5,
                label="lowers the ratio",
            )
        if row.highest > reported:
            ax.barh(
                yi,
                row.highest - reported,
                left=reported,
                color=style.PALETTE["ended"],
                height=0.5,
                label="raises the ratio",
            )
        if row.lowest < reported:
            ax.annotate(
                report.fmt_num(row.lowest, 1),
                (row.lowest, yi),
                textcoords="offset points",
                xytext=(-4, 0),
                ha="right",
                va="center",
                fontsize=8,
            )
        if row.highest > reported:
            ax.annotate(
                report.fmt_num(row.highest, 1),
                (row.highest, yi),
                textcoords="offset points",
                xytext=(4, 0),
                ha="left",
                va="center",
                fontsize=8,
            )
    ax.axvline(reported, color=style.PALETTE["national"], linewidth=1)
    ax.axvline(1, color="#888888", linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ticks = [1, 2, 4, 8]
    ax.set_xticks(ticks, [report.fmt_int(t) for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(0.8, 12)
    ax.set_yticks(
        y, [f"{row.label}\n(factor {row.low:g} to {row.high:g})" for row in table.itertuples()]
    )
    ax.set_xlabel("ratio of rates after the adjustment (log scale)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), frameon=False, fontsize=8, loc="lower left")
    ax.grid(axis="y", visible=False)
    return publish(fig, key, name)
