"""Chapter figures draw what they are given."""

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from factcheck import charts, ratios  # noqa: E402


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
