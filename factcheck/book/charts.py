"""Chapter figures: each builds one chart in the book's style.

The 287(g) and ratio charts glue, save and close their figure themselves (``key``/``name``) and
return it so tests can inspect it. The crime charts (changes with intervals, base-rate
histograms, trends, county rates, series on two counting bases) return an open figure, which
the chapter passes to :func:`publish`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from factcheck.base import fmt
from factcheck.book import style
from factcheck.book.style import PALETTE, mark_event
from factcheck.data.agreements import agency_order, segment_colour_key


class Published:
    """A figure already glued and saved: it behaves as the figure (``.axes``, ``.savefig`` ...)
    but shows nothing when a chapter cell ends with it, so no chart is printed twice (once as
    the cell's output, once where the prose places it)."""

    def __init__(self, figure):
        self.figure = figure

    def __getattr__(self, name):
        return getattr(self.figure, name)

    def _ipython_display_(self) -> None:
        pass


def publish(fig, key: str | None, name: str | None):
    """Glue ``fig`` under ``key`` (when given), save it as ``name`` (when given), close it.
    Returns it wrapped so that a cell ending with this call shows nothing (:class:`Published`)."""
    if key:
        from myst_nb import glue

        glue(key, fig, display=False)
    if name:
        style.save_figure(fig, name)
    plt.close(fig)
    return Published(fig)


def roster_counts(counts: pd.DataFrame, event, key=None, name=None):
    """Agencies on each roster capture, labelled, with a dashed line at ``event``."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.plot(counts["capture_date"], counts["agencies"], marker="o", color=style.PALETTE["kept"])
    for _, row in counts.iterrows():
        ax.annotate(
            fmt.fmt_int(row["agencies"]),
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
    """Range of a ratio under each adjustment (rows of :func:`factcheck.stats.ratios.sensitivity`).

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
                fmt.fmt_num(row.lowest, 1) + "\u00d7",
                (row.lowest, yi),
                textcoords="offset points",
                xytext=(-4, 0),
                ha="right",
                va="center",
                fontsize=8,
            )
        if row.highest > reported:
            ax.annotate(
                fmt.fmt_num(row.highest, 1) + "\u00d7",
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
    ax.set_xticks(ticks, [f"{fmt.fmt_int(t)}\u00d7" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(0.8, 12)
    ax.set_yticks(
        y, [f"{row.label}\n(factor {row.low:g} to {row.high:g})" for row in table.itertuples()]
    )
    ax.set_xlabel("ratio of rates after the adjustment (times; each step doubles)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.legend(unique.values(), unique.keys(), frameon=False, fontsize=8, loc="lower left")
    ax.grid(axis="y", visible=False)
    return publish(fig, key, name)


# How each kind of event is drawn: colour, line style, label height (staggered).
EVENT_STYLE = {
    "policy": ("#555555", "--", 1.0),
    "reporting": ("#0072B2", ":", 0.08),
    "context": ("#888888", ":", 1.0),
}


def change_intervals(
    changes: Mapping[str, pd.DataFrame],
    colours: Mapping[str, str],
    labels: Mapping[str, str],
    level: float = 0.95,
):
    """Dot-and-interval chart: one row per offense, one dot per department (key of ``changes``).

    Each table is a ``counts.change_table``; ``labels`` maps its index to row names.
    """
    rows = list(labels)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    offsets = dict(zip(changes, np.linspace(-0.27, 0.27, len(changes)), strict=True))
    for name, table in changes.items():
        tab = table.loc[rows]
        y = np.arange(len(rows)) + offsets[name]
        err = [tab["pct"] - tab["low"], tab["high"] - tab["pct"]]
        ax.errorbar(
            tab["pct"],
            y,
            xerr=err,
            fmt="o",
            color=colours[name],
            label=name,
            capsize=2,
            markersize=4,
        )
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(np.arange(len(rows)), [labels[c] for c in rows])
    ax.invert_yaxis()
    ax.set_xlabel(f"change from 2018 to 2019, % ({fmt.fmt_pct(100 * level, 0)} interval)")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return fig


def change_histogram(
    pct: pd.Series, marks: Mapping[str, tuple[float, str]], clip: float = 60, xlabel: str = ""
):
    """Histogram of percentage changes (clipped at ±``clip``) with a line per marked unit.

    ``marks`` maps a legend label to (value, colour).
    """
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.hist(pct.clip(-clip, clip), bins=np.arange(-clip, clip + 2.5, 2.5), color="#BBBBBB")
    for label, (value, colour) in marks.items():
        ax.axvline(value, color=colour, linewidth=2, label=label)
    ax.set_xlabel(xlabel or f"change, % (clipped at ±{clip:g})")
    ax.set_ylabel("agencies")
    ax.legend(frameon=False, fontsize=8)
    return fig


def rate_trends(series: pd.DataFrame, lines: Mapping[str, tuple[str, str]], shade=(2018, 2019)):
    """Violent crime rate by year for each place; ``lines`` maps a place key to (label, colour).

    ``series`` is indexed by (place, year) with a ``rate`` column; ``shade`` marks a year pair.
    """
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    for place, (label, colour) in lines.items():
        s = series.loc[place]
        ax.plot(s.index, s["rate"], marker="o", color=colour, label=label)
    ax.axvspan(*shade, color="#EEEEEE", zorder=0)
    ax.set_ylabel("violent offenses per 100,000")
    ax.set_xlabel("year")
    ax.set_ylim(0, 1.1 * series["rate"].max())  # room above the highest point
    ax.legend(frameon=False, loc="lower right")
    return fig


def county_boxes(panels: Sequence[tuple[pd.DataFrame, str]], groups: Mapping[str, str]):
    """Box plots of the 'never' counties' rates per year, with a dot per county in ``groups``.

    ``panels``: (table from ``compare.county_rates``, title); ``groups``: FIPS -> kept/ended.
    """
    widths = [t["year"].nunique() for t, _ in panels]
    fig, axes = plt.subplots(
        1, len(panels), figsize=(7.8, 3.8), gridspec_kw={"width_ratios": widths}
    )
    for ax, (table, title) in zip(np.atleast_1d(axes), panels, strict=True):
        never = table[table["group"] == "never"]
        years = sorted(table["year"].unique())
        for i, year in enumerate(years):
            vals = never.loc[never["year"] == year, "rate"].dropna()
            ax.boxplot(
                vals,
                positions=[i],
                widths=0.5,
                showfliers=False,
                medianprops={"color": style.PALETTE["never"]},
            )
            for fips, group in groups.items():
                row = table[(table["fips"] == fips) & (table["year"] == year)]
                if len(row):
                    ax.scatter(
                        i + (0.12 if group == "ended" else -0.12),
                        row["rate"],
                        color=style.PALETTE[group],
                        zorder=3,
                        s=22,
                    )
        ax.set_xticks(range(len(years)), [str(y) for y in years])
        ax.set_title(title, fontsize=9)
        ax.set_ylim(0, None)
    np.atleast_1d(axes)[0].set_ylabel("violent crime per 100,000")
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=style.PALETTE[g], label=lab)
        for g, lab in [("ended", "ended 287(g) in 2018"), ("kept", "kept 287(g)")]
    ]
    fig.legend(
        handles=handles,
        frameon=False,
        fontsize=8,
        loc="lower center",
        ncol=2,
        bbox_to_anchor=(0.5, -0.04),
    )
    fig.subplots_adjust(bottom=0.18)
    return fig


def two_bases(
    annual: pd.DataFrame,
    monthly: pd.DataFrame,
    lines: Mapping[str, tuple[str, str]],
    events: pd.DataFrame,
):
    """Left: one agency's yearly summary (SRS) counts; right: monthly own-record counts.

    ``annual``: year, violent; ``monthly``: agency, date, violent; ``lines``: agency ->
    (label, colour); ``events``: date, label and kind (policy, reporting or context; see
    ``loaders.crime_events``), marked on the right.
    The two panels count differently and are not joined.
    """
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(8.0, 3.6), gridspec_kw={"width_ratios": [2, 3]}
    )
    left.plot(
        annual["year"], annual["violent"], marker="o", markersize=3, color=style.PALETTE["ended"]
    )
    left.set_title("CMPD, FBI summary (SRS) counts", fontsize=9)
    left.set_ylabel("violent offenses per year")
    left.set_ylim(0, None)
    for agency, (label, colour) in lines.items():
        part = monthly[monthly["agency"] == agency]
        right.plot(part["date"], part["violent"], color=colour, label=label)
    for event in events.itertuples():
        colour, linestyle, height = EVENT_STYLE[event.kind]
        style.mark_event(
            right, event.date, event.label, colour=colour, linestyle=linestyle, height=height
        )
    right.set_title("departments' own records (RTCI), monthly", fontsize=9)
    right.set_ylabel("violent offenses per month")
    right.set_ylim(0, None)
    style.date_axis(right)
    right.legend(frameon=False, fontsize=8, loc="center left")
    fig.tight_layout()
    return fig


RATIO_TICKS = [0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5]  # for a narrow range of ratios


RATIO_TICKS_WIDE = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]


def event_figure(tables: Sequence[pd.DataFrame], labels: Sequence[str] | None = None):
    """Event-study figure: each treated unit's quarterly coefficients (points, no model error
    bars: the quasi-Poisson intervals are too narrow to be read as inference) over a grey band:
    the middle 95% of the first unit's comparison agencies' own placebo coefficients (what
    agencies without the change showed), which is the inference.

    ``tables``: outputs of :func:`event_table` (same offense and window). Returns the
    matplotlib figure (not shown, not closed). Colours from ``style.PALETTE``; the vertical
    line marks January 2019 with :func:`factcheck.book.style.mark_event`.
    """
    import matplotlib.pyplot as plt

    colours = [PALETTE["ended"], PALETTE["highlight"], PALETTE["kept"], PALETTE["never"]]
    labels = list(labels) if labels is not None else [t["unit"].iloc[0] for t in tables]
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    def ratio(pct):
        return 1 + pct / 100

    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    first = tables[0]
    ax.fill_between(
        first["quarter"],
        ratio(first["band_low"].fillna(0)),
        ratio(first["band_high"].fillna(0)),
        color="#DDDDDD",
        label=f"{labels[0]}'s comparison agencies, middle 95%",
    )
    offsets = np.linspace(-0.12, 0.12, len(tables)) if len(tables) > 1 else [0.0]
    for table, label, colour, offset in zip(tables, labels, colours, offsets, strict=False):
        ax.plot(
            table["quarter"] + offset,
            ratio(table["pct"]),
            "o",
            color=colour,
            markersize=5,
            label=label,
        )
    ax.axhline(1, color="#333333", linewidth=0.8)
    ax.set_yscale("log")  # ratios: a halving and a doubling are the same distance from 0%
    low, high = ax.get_ylim()
    ax.yaxis.set_major_locator(FixedLocator(RATIO_TICKS if high / low < 3 else RATIO_TICKS_WIDE))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda r, _: f"{(r - 1) * 100:+.0f}%"))
    mark_event(ax, -0.5, "January 2019")
    ticks = first["quarter"].to_numpy()
    ax.set_xticks(ticks, [f"{s.year} Q{(s.month - 1) // 3 + 1}" for s in first["start"]])
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    offense = str(first["offense"].iloc[0]).replace("_", " ")
    ax.set_ylabel(f"{offense}, % vs Oct-Dec 2018,\nbeyond comparison agencies")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    return fig


def timeline_figure(segments: pd.DataFrame, highlight: tuple[str, ...], event=None, event_label=""):
    """A horizontal bar per segment on one row per agency; returns the Matplotlib figure.

    Highlighted agencies are drawn in the "ended" colour, other agreements in force in "kept",
    the rest in "never"; a segment with no recorded end is drawn as its start point only.
    """
    import matplotlib.pyplot as plt

    order = agency_order(segments)
    row_of = {agency: i for i, agency in enumerate(order)}
    fig, ax = plt.subplots(figsize=(7.8, 3.9))
    for r in segments.itertuples():
        colour = style.PALETTE[segment_colour_key(r.agency, r.how, highlight)]
        y = row_of[r.agency]
        if pd.notna(r.end):
            ax.plot([r.start, r.end], [y, y], color=colour, linewidth=5, solid_capstyle="butt")
        ax.plot(r.start, y, "o", color=colour, markersize=4)
    ax.set_yticks(range(len(order)), order, fontsize=8)
    if event is not None:
        style.mark_event(ax, pd.Timestamp(event), event_label)
    style.date_axis(ax)
    return fig
