"""Chapter figures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from factcheck.book import charts
from factcheck.stats import rates, ratios


def test_roster_counts_plots_each_capture():
    counts = pd.DataFrame(
        {"capture_date": pd.to_datetime(["2016-12-01", "2017-02-01"]), "agencies": [30, 36]}
    )
    fig = charts.roster_counts(counts, pd.Timestamp("2017-01-20"))
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == [30, 36]


def test_agencies_per_year_bars():
    fig = charts.agencies_per_year(pd.Series({2015: 3, 2016: 5}))
    assert [p.get_height() for p in fig.axes[0].patches] == [3, 5]


def test_ratio_sensitivity_draws_both_directions():
    table = ratios.sensitivity(4.0)
    fig = charts.ratio_sensitivity(4.0, table)
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert set(labels) == {"lowers the ratio", "raises the ratio"}
    # every bar starts or ends at the reported value
    for patch in ax.patches:
        x0, x1 = patch.get_x(), patch.get_x() + patch.get_width()
        assert 4.0 in (round(x0, 9), round(x1, 9))


def test_change_intervals_one_series_per_department():
    tab = rates.change_table(
        pd.Series({"murder": 50, "violent": 500}), pd.Series({"murder": 80, "violent": 520})
    )
    fig = charts.change_intervals(
        {"A": tab, "B": tab},
        {"A": "red", "B": "blue"},
        {"murder": "murder", "violent": "violent (total)"},
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["A", "B"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["murder", "violent (total)"]
    plt.close(fig)


def test_change_histogram_marks_and_clips():
    fig = charts.change_histogram(pd.Series([-100.0, 0.0, 5.0]), {"X": (3.0, "red")})
    ax = fig.axes[0]
    assert sum(p.get_height() for p in ax.patches) == 3  # the -100 is clipped, not dropped
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["X"]
    plt.close(fig)


def test_rate_trends_and_county_boxes():
    series = pd.DataFrame(
        {"place": ["NC", "NC"], "year": [2018, 2019], "rate": [1.0, 2.0]}
    ).set_index(["place", "year"])
    fig = charts.rate_trends(series, {"NC": ("North Carolina", "green")})
    assert len(fig.axes[0].lines) == 1
    plt.close(fig)
    table = pd.DataFrame(
        {
            "fips": ["1", "2", "3"],
            "year": [2015] * 3,
            "rate": [1.0, 2.0, 3.0],
            "group": ["never", "never", "ended"],
        }
    )
    fig = charts.county_boxes([(table, "panel")], {"3": "ended"})
    assert fig.axes[0].get_title() == "panel"
    plt.close(fig)


def test_two_bases_marks_each_event():
    annual = pd.DataFrame({"year": [2017, 2018], "violent": [10, 12]})
    monthly = pd.DataFrame(
        {
            "agency": ["A", "A"],
            "date": pd.to_datetime(["2018-01-01", "2019-01-01"]),
            "violent": [1, 2],
        }
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2018-12-01", "2019-01-01"]),
            "label": ["ended", "switch"],
            "kind": ["policy", "reporting"],
        }
    )
    fig = charts.two_bases(annual, monthly, {"A": ("A city", "red")}, events)
    right = fig.axes[1]
    assert [t.get_text() for t in right.texts] == ["ended", "switch"]
    assert len(right.lines) == 3  # the series and one line per event
    plt.close(fig)
