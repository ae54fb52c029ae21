"""Detainer arithmetic and the FOIA table on small known inputs."""

import math

import pandas as pd
import pytest

from factcheck.data import detainers


def _foia():
    return pd.DataFrame(
        {
            "agency": ["Mecklenburg County Sheriff's Office"] * 2
            + ["Wake County Sheriff's Office"] * 2
            + ["Gaston County Sheriff's Office"],
            "fiscal_year": [2012, 2013, 2012, 2013, 2013],
            "identified_287g": [2512.0, 626.0, math.nan, 300.0, 50.0],
            "removed_287g": [1000.0, 400.0, math.nan, 120.0, 20.0],
        }
    )


def test_foia_rows_keep_named_counties_with_figures():
    rows = detainers.foia_rows(_foia(), ["Mecklenburg", "Wake"])
    assert rows["county"].tolist() == ["Mecklenburg", "Mecklenburg", "Wake"]
    series = detainers.county_series(rows, "Mecklenburg")
    assert series.max() == 2512 and series.loc[2013] == 626


def test_foia_table_formats():
    table = detainers.foia_table(detainers.foia_rows(_foia(), ["Mecklenburg"]))
    assert table.columns.tolist() == ["county", "year", "identified", "removed"]
    assert table.iloc[0].tolist() == ["Mecklenburg", "FY2012", "2,512", "1,000"]


def test_rates_and_floors():
    assert detainers.per_month(200, 13) == pytest.approx(15.385, abs=1e-3)
    assert detainers.months_between("2019-01-01", "2020-02-14") == 13
    assert detainers.fall_factor(1600, 200) == 8
    with pytest.raises(ValueError):
        detainers.per_month(1, 0)
    with pytest.raises(ValueError):
        detainers.fall_factor(1, 0)


def test_floor_lodged_after_takes_away_detainers_lodged_before():
    # 200 declined in the window, up to 79 of them on people already held at the end: at least 121
    assert detainers.floor_lodged_after(200, 79) == 121
    # more people held before than detainers declined: the floor is zero, never negative
    assert detainers.floor_lodged_after(50, 79) == 0
    with pytest.raises(ValueError):
        detainers.floor_lodged_after(-1, 0)


def test_release_bound_per_person_year_by_hand():
    # a stock of 500 released on 1 January: 500 person-years in the year
    got = detainers.release_bound(500, 482)
    assert got["person_years"] == 500
    assert got["per_person_year"] == pytest.approx(0.964)
    # released evenly through the year: each at large for half of it on average
    even = detainers.release_bound(500, 482, at_once=False)
    assert even["person_years"] == 250
    assert even["per_person_year"] == pytest.approx(2 * got["per_person_year"])
    assert detainers.release_bound(1000, 0)["per_person_year"] == 0


@pytest.mark.parametrize(("released", "rise"), [(0, 1), (-5, 1), (10, -1)])
def test_release_bound_rejects_bad_input(released, rise):
    with pytest.raises(ValueError):
        detainers.release_bound(released, rise)


def test_share_fallen_by_hand():
    import pytest

    from factcheck.data import detainers

    assert detainers.share_fallen(540, 42) == pytest.approx(1 - 42 / 540)
    assert detainers.share_fallen(100, 25) == pytest.approx(0.75)
    assert detainers.share_fallen(10, 20) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        detainers.share_fallen(0, 5)
