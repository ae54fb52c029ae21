"""Aggregation with completeness checks, county totals, changes and base rates."""

import pandas as pd
import pytest

from factcheck import counts

CATS = ["murder", "robbery"]


def monthly_frame():
    dates = pd.date_range("2018-01-01", periods=24, freq="MS")
    rows = []
    for d in dates:
        rows.append({"agency": "big", "date": d, "murder": 1, "robbery": 29, "violent": 30})
        rows.append({"agency": "small", "date": d, "murder": 0, "robbery": 1, "violent": 1})
    frame = pd.DataFrame(rows)
    # big: March 2018 recorded as zeros (a gap); small: a genuine zero month in 2019.
    frame.loc[(frame.agency == "big") & (frame.date == "2018-03-01"), CATS + ["violent"]] = 0
    frame.loc[(frame.agency == "small") & (frame.date == "2019-05-01"), CATS + ["violent"]] = 0
    # small: no data at all for December 2019.
    frame.loc[(frame.agency == "small") & (frame.date == "2019-12-01"), CATS + ["violent"]] = None
    return frame


def test_mask_implausible_zeros_only_for_busy_agencies():
    masked, gaps = counts.mask_implausible_zeros(
        monthly_frame(), "agency", CATS + ["violent"], "violent", typical=20
    )
    assert gaps[["agency", "date"]].astype(str).values.tolist() == [["big", "2018-03-01"]]
    big_march = masked[(masked.agency == "big") & (masked.date == "2018-03-01")]
    assert big_march["violent"].isna().all()
    small_may = masked[(masked.agency == "small") & (masked.date == "2019-05-01")]
    assert small_may["violent"].tolist() == [0]


def test_annual_from_monthly_counts_reported_months():
    masked, _ = counts.mask_implausible_zeros(
        monthly_frame(), "agency", CATS + ["violent"], "violent"
    )
    annual = counts.annual_from_monthly(masked, "agency", "date", CATS + ["violent"])
    table = annual.set_index(["agency", "year"])
    assert table.loc[("big", 2018), "months"] == 11
    assert table.loc[("big", 2018), "violent"] == 330
    assert table.loc[("big", 2019), "months"] == 12
    assert table.loc[("small", 2019), "months"] == 11  # the zero month counts, the NA does not
    assert table.loc[("small", 2019), "violent"] == 10


def test_county_total_refuses_incomplete_years():
    masked, _ = counts.mask_implausible_zeros(
        monthly_frame(), "agency", CATS + ["violent"], "violent"
    )
    annual = counts.annual_from_monthly(masked, "agency", "date", CATS + ["violent"])
    total = counts.county_total(annual, ["big", "small"], "agency", ["violent"]).set_index("year")
    assert not total.loc[2018, "complete"] and pd.isna(total.loc[2018, "violent"])
    assert total.loc[2018, "missing"] == "big (11 months)"
    assert total.loc[2019, "missing"] == "small (11 months)"
    only_big = counts.county_total(annual, ["big"], "agency", ["violent"]).set_index("year")
    assert only_big.loc[2019, "violent"] == 360
    absent = counts.county_total(annual, ["big", "ghost"], "agency", ["violent"])
    assert absent["missing"].str.contains("ghost \\(0 months\\)").all()


def test_change_table():
    before = pd.Series({"murder": 57, "violent": 4439})
    after = pd.Series({"murder": 102, "violent": 4921})
    table = counts.change_table(before, after)
    assert table.loc["murder", "pct"] == pytest.approx(78.95, abs=0.01)
    assert table.loc["murder", "significant"]
    assert table.loc["murder", "low"] > 0
    assert table.loc["violent", "low"] < table.loc["violent", "pct"] < table.loc["violent", "high"]


def test_rises_and_rise_frequency():
    annual = pd.DataFrame(
        {
            "agency": ["a", "a", "a", "b", "b", "b", "c", "c"],
            "year": [2018, 2019, 2020, 2018, 2019, 2020, 2018, 2019],
            "murder": [1, 2, 2, 5, 6, 7, 3, 1],
            "robbery": [10, 12, 11, 5, 4, 9, 3, 4],
            "violent": [11, 14, 13, 10, 10, 16, 6, 5],
        }
    )
    table = counts.rises(annual, "agency", CATS, "violent", 2018, 2019)
    assert table["violent_rose"].to_dict() == {"a": True, "b": False, "c": False}
    assert table["all_rose"].to_dict() == {"a": True, "b": False, "c": False}
    assert table.loc["a", "pct"] == pytest.approx(100 * 3 / 11)
    freq = counts.rise_frequency(annual, "agency", CATS, "violent").set_index("to")
    assert freq.loc[2019, "units"] == 3 and freq.loc[2019, "total_rose"] == pytest.approx(1 / 3)
    assert freq.loc[2020, "units"] == 2  # c has no 2020
    assert freq.loc[2020, "total_rose"] == pytest.approx(0.5)
    assert freq.loc[2020, "all_rose"] == pytest.approx(0.5)  # b: murder and robbery both rose


def test_change_table_with_dispersion():
    before = pd.Series({"murder": 57, "aggravated_assault": 2366})
    after = pd.Series({"murder": 102, "aggravated_assault": 2579})
    table = counts.change_table(
        before, after, dispersion=pd.Series({"murder": 1.8, "aggravated_assault": 3.8})
    )
    assert table.loc["aggravated_assault", "significant"]  # beyond Poisson chance
    assert not table.loc["aggravated_assault", "beyond_ordinary"]  # not beyond ordinary variation
    assert table.loc["murder", "beyond_ordinary"]
    assert table.loc["murder", "od_low"] < table.loc["murder", "low"]
