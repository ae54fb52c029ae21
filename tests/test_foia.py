"""ICE landmark tallies (FOIA) and the order-of-magnitude check, on small hand-checked inputs."""

import math

import pandas as pd
import pytest

from factcheck.data import foia


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


def test_selection_totals_adds_the_wide_reading_of_wake_arrests(monkeypatch):
    arrests = pd.DataFrame(
        {
            "aor": ["ATL", "ATL", "ATL", "ATL", "WAS"],
            "landmark": ["WAKE COUNTY, NC", "RDU GENERAL AREA, NON-SPECIFIC", "", "RALEIGH", ""],
            "total": [40, 7, 100, 3, 1000],
        }
    )
    encounters = pd.DataFrame({"aor": "", "landmark": ["WAKE CO JAIL 287(G)"], "total": [9]})
    frames = {"arr": arrests, "enc": encounters}
    monkeypatch.setattr(foia, "tallies", lambda key: frames[key])
    selections = {
        "wake-enc": ("Wake", "encounters", "enc", r"WAKE.*287", None),
        "wake-arr": ("Wake", "arrests", "arr", r"\bWAKE\b", "ATL"),
    }
    totals, resolved = foia.selection_totals(selections)
    # the landmark total, plus the Raleigh-Durham landmark and the Atlanta rows with none
    assert totals == {"wake-enc": 9, "wake-arr": 40, "wake-arr-wide": 147}
    assert [sel[:2] for sel in resolved] == [("Wake", "encounters"), ("Wake", "arrests")]
    assert resolved[1][2] is arrests
    # without a Wake arrests selection there is no wide reading
    totals, _ = foia.selection_totals({"wake-enc": selections["wake-enc"]})
    assert totals == {"wake-enc": 9}


def test_one_rule_for_both_counties():
    # the same two selections for each county: 287(g) landmarks for encounters, every landmark
    # naming the county (the generic one included) for arrests in ICE's Atlanta area
    sel = foia.NC_SELECTIONS
    assert set(sel) == {"meck-enc", "meck-arr", "wake-enc", "wake-arr"}
    for key in ("meck", "wake"):
        assert sel[f"{key}-enc"][1:3] == ("encounters", foia.ENCOUNTERS_FY2016_2019)
        assert sel[f"{key}-arr"][1:] == (
            "arrests",
            foia.ARRESTS_FY2016_2019,
            sel[f"{key}-arr"][3],
            "ATL",
        )
    frame = _tally()
    meck_arr = sel["meck-arr"]
    # the generic landmark counts as well as the 287(g) jail's; the WAS row does not
    assert foia.landmark_total(frame, meck_arr[3], meck_arr[4]) == 801 + 6 + 1604
    assert foia.landmark_total(frame, sel["wake-arr"][3], "ATL") == 55
    assert foia.landmark_total(frame, sel["meck-enc"][3]) == 801 + 6 + 1


def test_nc_selections_on_the_mirror_include_the_generic_landmark():
    totals, resolved = foia.selection_totals()
    arrests = foia.tallies(foia.ARRESTS_FY2016_2019)
    # the provenance note's hand counts: 807 at the 287(g) jail, 1,604 generic, 21 at the jail
    assert totals["meck-arr"] >= 807 + 1604 + 21
    assert totals["meck-arr"] == foia.landmark_total(arrests, r"\bMECKLENBURG\b", aor="ATL")
    table = foia.landmark_table(resolved)
    assert "MECKLENBURG COUNTY, NC" in table["landmark"].tolist()


def test_yearly_averages_by_hand():
    out = foia.yearly_averages({"meck-arr": 800, "wake-enc": 40}, 4.0, {"meck": 3.2, "wake": 2.0})
    assert out == {
        "meck-arr-low": 200.0,
        "meck-arr-high": 250.0,
        "wake-enc-low": 10.0,
        "wake-enc-high": 20.0,
    }
    with pytest.raises(ValueError):
        foia.yearly_averages({"meck-arr": 1}, 0, {"meck": 1.0})
