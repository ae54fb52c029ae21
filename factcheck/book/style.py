"""One plot style for every chapter, and markers for the dates that matter."""

from __future__ import annotations

from pathlib import Path

# No backend is forced here: in a chapter the kernel's inline backend must stay active, because
# it registers the PNG formatter that glue uses to store a figure. (With the Agg backend a
# glued figure holds only the text "<Figure size ...>".)
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import seaborn as sns

from factcheck.book.palette import PALETTE, STATUS_COLOURS, STATUS_TEXT  # noqa: F401 (re-exported)
from factcheck.data.registry import PROJECT_ROOT

FIGURES = PROJECT_ROOT / "figures"


def set_style() -> None:
    """Apply the book's plot style (call once at the top of a chapter)."""
    sns.set_theme(context="notebook", style="whitegrid", font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.figsize": (7.5, 4.0),
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def mark_event(
    ax, x, label: str, colour: str = "#555555", linestyle: str = "--", height: float = 1.0
) -> None:
    """Draw a vertical line with a label near the top, e.g. a policy date or a reporting change.

    ``height`` (a fraction of the axes) staggers the labels of events close together.
    """
    ax.axvline(x, color=colour, linestyle=linestyle, linewidth=1)
    ax.annotate(
        label,
        xy=(x, height),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        va="top",
        fontsize=8,
        color=colour,
    )


def date_axis(ax) -> None:
    """Readable date ticks on the x axis (concise labels, no overlap)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def save_figure(fig, name: str) -> Path:
    """Save ``fig`` as ``figures/<name>.png`` (for reuse outside the book) and return the path."""
    FIGURES.mkdir(exist_ok=True)
    path = FIGURES / f"{name}.png"
    fig.savefig(path)
    return path
