"""Aggregation with completeness checks, county totals, changes and base rates."""

import pandas as pd
import pytest

from factcheck.data import counts
from factcheck.stats import rates

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
    table = rates.change_table(before, after)
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
    table = rates.rises(annual, "agency", CATS, "violent", 2018, 2019)
    assert table["violent_rose"].to_dict() == {"a": True, "b": False, "c": False}
    assert table["all_rose"].to_dict() == {"a": True, "b": False, "c": False}
    assert table.loc["a", "pct"] == pytest.approx(100 * 3 / 11)
    freq = rates.rise_frequency(annual, "agency", CATS, "violent").set_index("to")
    assert freq.loc[2019, "units"] == 3 and freq.loc[2019, "total_rose"] == pytest.approx(1 / 3)
    assert freq.loc[2020, "units"] == 2  # c has no 2020
    assert freq.loc[2020, "total_rose"] == pytest.approx(0.5)
    assert freq.loc[2020, "all_rose"] == pytest.approx(0.5)  # b: murder and robbery both rose


def test_change_table_with_dispersion():
    before = pd.Series({"murder": 57, "aggravated_assault": 2366})
    after = pd.Series({"murder": 102, "aggravated_assault": 2579})
    table = rates.change_table(
        before, after, dispersion=pd.Series({"murder": 1.8, "aggravated_assault": 3.8})
    )
    assert table.loc["aggravated_assault", "significant"]  # beyond Poisson chance
    assert not table.loc["aggravated_assault", "beyond_ordinary"]  # not beyond ordinary variation
    assert table.loc["murder", "beyond_ordinary"]
    assert table.loc["murder", "od_low"] < table.loc["murder", "low"]


def return_a_frame():
    """Three years of a busy agency (about 40 offenses a month), a tiny one (about 4) and a
    large one (about 1,000), with faults injected the way FBI monthly files carry them."""
    dates = pd.date_range("2017-01-01", periods=36, freq="MS")
    rows = []
    for i, d in enumerate(dates):
        card = "normal return"
        rows.append({"ori": "busy", "date": d, "violent": 5, "property": 35 + i % 5, "card": card})
        rows.append({"ori": "tiny", "date": d, "violent": 0, "property": 4, "card": card})
        rows.append({"ori": "large", "date": d, "violent": 200, "property": 800, "card": card})
    frame = pd.DataFrame(rows)

    def at(ori, date):
        return (frame["ori"] == ori) & (frame["date"] == date)

    frame.loc[at("busy", "2018-10-01"), ["violent", "property"]] = 0  # zeros, normal return
    frame.loc[at("busy", "2018-03-01"), ["violent", "property"]] = [0, 1]  # almost empty
    frame.loc[at("busy", "2018-06-01"), ["violent", "property"]] = [2, 18]  # an ordinary dip
    frame.loc[at("busy", "2019-02-01"), ["violent", "property", "card"]] = None  # blank row
    frame.loc[at("busy", "2019-04-01"), "card"] = None  # counts but no card
    frame.loc[at("tiny", "2018-05-01"), ["violent", "property"]] = 0  # a quiet month, by chance
    frame.loc[at("large", "2018-07-01"), ["violent", "property"]] = [150, 550]  # 70%: a dip
    frame["offenses"] = frame["violent"] + frame["property"]
    return frame


def test_mask_unreported_months_finds_injected_faults_and_keeps_real_quiet_months():
    masked, gaps = counts.mask_unreported_months(
        return_a_frame(), "ori", ["violent", "property"], "offenses"
    )
    found = {(r.ori, f"{r.date:%Y-%m}"): r.reason for r in gaps.itertuples()}
    assert found == {
        ("busy", "2018-10"): "zero",
        ("busy", "2018-03"): "near empty",
        ("busy", "2019-02"): "blank",
        ("busy", "2019-04"): "no card",
    }
    annual = counts.annual_from_monthly(masked, "ori", "date", ["violent", "property"])
    table = annual.set_index(["ori", "year"])
    assert table.loc[("busy", 2018), "months"] == 10  # zero and near-empty months left out
    assert table.loc[("busy", 2019), "months"] == 10  # blank and card-less months left out
    assert table.loc[("busy", 2018), "violent"] == 5 * 9 + 2  # nothing filled in
    assert table.loc[("tiny", 2018), "months"] == 12  # its zero month is a count
    assert table.loc[("large", 2018), "months"] == 12  # a large agency's dip is a count


def test_mask_unreported_months_thresholds():
    frame = return_a_frame()
    values = ["violent", "property"]
    _, zero_only = counts.mask_unreported_months(frame, "ori", values, "offenses", share=0)
    assert set(zero_only["reason"]) == {"zero", "blank", "no card"}  # the 1-offense month kept
    _, half = counts.mask_unreported_months(frame, "ori", values, "offenses", share=0.5)
    dip = half[(half["ori"] == "busy") & (half["date"] == "2018-06-01")]
    assert len(dip) == 1  # a month at half the typical level is dropped at share 0.5


def test_lowest_in_year():
    frame = pd.DataFrame(
        {
            "unit": ["a"] * 3 + ["b"] * 3 + ["c"] * 2,
            "year": [2017, 2018, 2019] * 2 + [2018, 2019],
            "rate": [3, 2, 1, 1, 2, 1, 5, 4],
        }
    )
    # a: lowest in 2019; b: ties its 2017 low (counts); c lacks 2017 (left out)
    assert counts.lowest_in_year(frame, "unit", "rate", 2019, 2017) == (2, 2)
    assert counts.lowest_in_year(frame, "unit", "rate", 2018, 2017) == (2, 1)  # a only
