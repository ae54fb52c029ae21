"""ICE landmark tallies (FOIA) and the order-of-magnitude check, on small hand-checked inputs."""

import math

import pandas as pd
import pytest

from factcheck import foia


def _tally():
    return pd.DataFrame(
        {
            "aor": ["ATL", "ATL", "ATL", "WAS", "ATL", "ATL"],
            "landmark": [
                "MECKLENBURG COUNTY JAIL 287G",
                "Mecklenburg County Jail 287G",
                "MECKLENBURG COUNTY, NC",
                "MECKLENBURG COUNTY JAIL 287G",
                "WAKE COUNTY JAIL 287(G)",
                "",
            ],
            "total": [801, 6, 1604, 1, 55, 845],
        }
    )


def test_landmark_total_matches_any_case_and_filters_the_area():
    frame = _tally()
    assert foia.landmark_total(frame, r"MECKLENBURG COUNTY JAIL 287G", aor="ATL") == 807
    assert foia.landmark_total(frame, r"MECKLENBURG COUNTY JAIL 287G") == 808
    assert foia.landmark_total(frame, r"^MECKLENBURG") == 2412
    assert foia.landmark_total(frame, r"287\(?G\)?", aor="ATL") == 862
    assert foia.landmark_total(frame, "wake") == 55
    assert foia.matching(frame, "mecklenburg", aor="ATL")["total"].tolist() == [1604, 801, 6]


def test_fiscal_years_covered():
    assert foia.fiscal_years_covered(2016, 2019) == pytest.approx(1461 / 365.25)
    # FY2016 starts 2015-10-01; 2018-12-05 is 1,161 days later
    assert foia.fiscal_years_covered(2016, 2019, ended="2018-12-05") == pytest.approx(1161 / 365.25)
    # an end after the period changes nothing
    assert foia.fiscal_years_covered(2016, 2019, ended="2020-06-30") == pytest.approx(4.0, abs=0.01)
    with pytest.raises(ValueError):
        foia.fiscal_years_covered(2019, 2016)
    with pytest.raises(ValueError):
        foia.fiscal_years_covered(2016, 2019, ended="2015-06-30")


def test_order_check_by_hand():
    check = foia.order_check(1185, 3930, 4)
    assert check.per_year == pytest.approx(982.5)
    assert check.ratio == pytest.approx(1185 / 982.5)
    assert check.same_order
    # three times the average is within half an order of magnitude (sqrt 10 = 3.16) ...
    assert foia.order_check(300, 400, 4).same_order
    # ... four times, or a quarter, is not
    assert not foia.order_check(400, 400, 4).same_order
    assert not foia.order_check(25, 400, 4).same_order
    assert foia.SAME_ORDER_FACTOR == pytest.approx(math.sqrt(10))
    with pytest.raises(ValueError):
        foia.order_check(0, 400, 4)


def test_tallies_read_through_the_registry():
    arrests = foia.tallies(foia.ARRESTS_FY2016_2019)
    encounters = foia.tallies(foia.ENCOUNTERS_FY2016_2019)
    assert arrests.columns.tolist() == ["aor", "landmark", "total"]
    assert (encounters["aor"] == "").all()
    # the provenance note's hand counts
    assert foia.landmark_total(arrests, r"^MECKLENBURG COUNTY JAIL 287G$", aor="ATL") == 807
    assert foia.landmark_total(encounters, r"^MECKLENBURG COUNTY JAIL 287G$") == 3466
    assert foia.landmark_total(encounters, r"^WAKE COUNTY JAIL 287\(G\)$") == 5798


def test_landmark_table_lists_each_match():
    frame = _tally()
    table = foia.landmark_table(
        [
            ("Mecklenburg", "arrests", frame, "MECKLENBURG COUNTY JAIL 287G", "ATL"),
            ("Wake", "arrests", frame, "wake", None),
        ]
    )
    assert table.columns.tolist() == ["place", "records", "landmark", "total"]
    assert table["total"].tolist() == ["801", "6", "55"]
    assert table["place"].tolist() == ["Mecklenburg", "Mecklenburg", "Wake"]
    shown = foia.landmark_table([("Wake", "arrests", frame, "wake", None)])["landmark"]
    assert shown.tolist() == ["WAKE COUNTY JAIL 287(g)"]


def test_county_selections_and_totals_by_hand():
    enc = _tally()
    arr = pd.DataFrame(
        {
            "aor": ["ATL", "ATL", "ATL", "ATL", "WAS"],
            "landmark": [
                "MECKLENBURG COUNTY JAIL 287G",
                "WAKE COUNTY JAIL",
                "RDU GENERAL AREA, NON-SPECIFIC",
                "",
                "WAKE COUNTY JAIL",
            ],
            "total": [10, 20, 3, 40, 500],
        }
    )
    selections = foia.county_selections(enc, arr)
    assert (
        selections["meck-arr"][:2] == ("Mecklenburg", "arrests")
        and selections["meck-arr"][2] is arr
    )
    assert selections["wake-enc"][2] is enc and selections["wake-enc"][4] is None
    totals = foia.county_totals(selections, arr)
    assert totals == {
        "meck-enc": 808,  # any area: the WAS row counts too
        "meck-arr": 10,
        "wake-enc": 55,
        "wake-arr": 20,
        "wake-arr-wide": 63,
    }


def test_program_spans():
    spans = foia.program_spans(2016, 2019, {"Wake": "2018-12-03"})
    assert spans["four"] == pytest.approx(foia.fiscal_years_covered(2016, 2019))
    assert spans["Wake"] == pytest.approx(foia.fiscal_years_covered(2016, 2019, ended="2018-12-03"))
    assert set(spans) == {"four", "Wake"}
