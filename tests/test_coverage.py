"""Agency coverage: display names, months per source, and county totals that refuse to guess."""

import pandas as pd
import pytest

from factcheck.book import wording
from factcheck.data import coverage

FIXES = {"Univ Of Nc: Charlotte": "UNC Charlotte (campus police)"}


def roster():
    return pd.DataFrame(
        {
            "ori": ["X01", "X02", "X03"],
            "name": ["bigtown", "univ of nc: charlotte", "mecklenburg"],
            "county": ["Mecklenburg"] * 3,
            "population_2017": [1000, 0, 500],
        }
    )


def fbi():
    return pd.DataFrame(
        {
            "ori": ["X01", "X02", "X03", "X01", "X02", "X03"],
            "year": [2018, 2018, 2018, 2019, 2019, 2019],
            "violent": [10, 1, 5, 12, 2, 6],
            "months": [12, 12, 12, 12, None, 11],
        }
    )


def test_display_name_sheriff_fix_and_title_case():
    assert (
        coverage.display_name("mecklenburg", "Mecklenburg", FIXES)
        == "Mecklenburg County Sheriff's Office"
    )
    assert (
        coverage.display_name("univ of nc: charlotte", "Mecklenburg", FIXES)
        == "UNC Charlotte (campus police)"
    )
    assert coverage.display_name("cary", "Wake", FIXES) == "Cary"


def test_months_reported_missing_is_zero():
    table = fbi()
    assert coverage.months_reported(table, "X01", 2019, by="ori") == 12
    assert coverage.months_reported(table, "X02", 2019, by="ori") == 0  # not recorded
    assert coverage.months_reported(table, "X09", 2019, by="ori") == 0  # absent


def test_coverage_table_and_single_basis_rule():
    own = pd.DataFrame({"agency": ["Bigtown", "Bigtown"], "year": [2018, 2019], "months": [12, 12]})
    cov = coverage.coverage_table(roster(), own, fbi(), {"X01": "Bigtown"}, FIXES)
    assert cov["agency"].tolist() == [
        "Bigtown",
        "Mecklenburg County Sheriff's Office",
        "UNC Charlotte (campus police)",
    ]  # largest first
    assert cov.loc[0, "own records 2019"] == 12 and cov.loc[1, "FBI format 2019"] == 11
    assert cov.loc[2, "population (2017 FBI file)"] == ""
    # Only Bigtown has twelve months of both years on one basis.
    assert coverage.complete_on_one_basis(cov) == ["Bigtown"]


def test_county_total_attempts_name_who_stopped_the_sum():
    attempts = coverage.county_total_attempts(fbi(), roster(), FIXES).set_index("year")
    assert attempts.loc[2018, "total"] == "16"
    assert attempts.loc[2018, "n_complete"] == 3
    assert attempts.loc[2019, "total"] == "not built"
    missing = attempts.loc[2019, "missing or incomplete"]
    unc = "UNC Charlotte (campus police) (months not recorded)"
    assert missing == f"{unc}, Mecklenburg County Sheriff's Office"
    # Leaving out the judged department: the other agencies' total.
    others = coverage.county_total_attempts(fbi(), roster(), FIXES, exclude=["X01"])
    assert others.set_index("year").loc[2018, "total"] == "6"
    assert others.set_index("year").loc[2018, "agencies with 12 months"] == "2 of 2"


def test_completeness_grid_and_matched_totals():
    grid = coverage.completeness_grid(fbi(), roster(), FIXES, [2018, 2019, 2020])
    row = grid.set_index("agency").loc["UNC Charlotte (campus police)"]
    assert row[["2018", "2019", "2020"]].tolist() == ["12", "year", "0"]
    assert grid.set_index("agency").loc["Mecklenburg County Sheriff's Office", "2019"] == "11"
    matched = coverage.matched_totals(fbi(), roster(), FIXES, exclude=["X02"]).iloc[0]
    # Only Bigtown has twelve months of both years; the sheriff (11 in 2019) is left out.
    assert matched["n"] == 1 and matched["agencies"] == "Bigtown"
    assert matched["violent 2018"] == 10 and matched["violent 2019"] == 12
    assert matched["left out"] == "Mecklenburg County Sheriff's Office"


def test_gap_notes_name_months_and_missing_files():
    gaps = pd.DataFrame(
        {
            "ori": ["X03", "X01", "X01", "X01", "X01"],
            "date": pd.to_datetime(
                ["2019-10-01", "2018-01-01", "2018-02-01", "2018-03-01", "2018-04-01"]
            ),
            "reason": ["zero", "blank", "blank", "blank", "blank"],
        }
    )
    annual = fbi().assign(source="FBI monthly file")
    annual.loc[annual["ori"] == "X02", "source"] = "FBI 2017 agency file"
    notes = coverage.gap_notes(gaps, annual, roster(), [2018, 2019])
    assert notes["X03"] == "2019: Oct recorded as zero"
    assert notes["X01"].endswith("2018: 4 months blank in the source")
    assert notes["X02"] == "no monthly file here"


def test_agency_year_table_rate_only_with_population():
    annual = pd.DataFrame({"violent": [100, 120], "population": [50_000, None]}, index=[2017, 2018])
    table = wording.agency_year_table(annual, {"violent": "violent (total)"})
    assert table["violent per 100,000"].tolist() == ["200", ""]
    assert table["violent (total)"].tolist() == ["100", "120"]


def test_remainder_bound_caps_by_the_largest_full_year_and_flags_unknown_agencies():
    roster = pd.DataFrame({"ori": ["A", "B", "C", "D"], "county": ["X", "X", "X", "Y"]})
    fbi = pd.DataFrame(
        {
            "ori": ["B", "B", "B", "B", "C", "C", "D"],
            "year": [2016, 2018, 2019, 2023, 2017, 2018, 2018],
            "murder": [9, 3, 50, 11, 2, 40, 100],
            "months": [12, 12, 11, 12, None, 6, 12],  # B 2019 partial; C: 2017 file, 2018 partial
        }
    )
    out = coverage.remainder_bound(fbi, roster, "A", {"murder": 14}).iloc[0]
    # B's largest full year (11, in 2023, after the compared years) and C's 2017 (2): the
    # latest year before the change (B's 2018: 3) would not bound a year it did not observe
    assert out["bound"] == 13 and out["agencies"] == 2 and out["settled"]
    assert out["with_data"] == 0 and out["combined"] == 14 and out["direction"] == "rise"
    assert out["years"] == "2016-2023" and out["unknown"] == ""
    assert not coverage.remainder_bound(fbi, roster, "A", {"murder": 6}).iloc[0]["settled"]
    assert not coverage.remainder_bound(fbi, roster, "A", {"murder": -13}).iloc[0]["settled"]
    # a claimed fall has the same cap: a rise from none to the largest full year on file
    fall = coverage.remainder_bound(fbi, roster, "A", {"murder": -14}).iloc[0]
    assert fall["settled"] and fall["direction"] == "fall"
    roster_e = pd.concat([roster, pd.DataFrame({"ori": ["E"], "county": ["X"]})])
    out_e = coverage.remainder_bound(fbi, roster_e, "A", {"murder": 600}).iloc[0]
    assert out_e["unknown"] == "E" and not out_e["settled"]  # an agency with no full year: no cap


def test_remainder_bound_takes_each_offense_largest_year_separately():
    roster = pd.DataFrame({"ori": ["A", "C"], "county": ["X", "X"]})
    # Cornelius-like: an early small year and larger later years (rapes 2 in 2015, 11 in 2023)
    fbi = pd.DataFrame(
        {
            "ori": ["C"] * 3,
            "year": [2015, 2020, 2023],
            "rape": [2, 4, 11],
            "robbery": [9, 3, 5],
            "months": [12] * 3,
        }
    )
    out = coverage.remainder_bound(fbi, roster, "A", {"rape": 7, "robbery": 10}).set_index(
        "offense"
    )
    assert out.loc["rape", "bound"] == 11 and not out.loc["rape", "settled"]
    assert out.loc["robbery", "bound"] == 9 and out.loc["robbery", "settled"]


def test_remainder_bound_adds_the_change_of_agencies_with_both_years():
    """An agency with twelve months of both years is an agency with data: its own change is
    added to the department's instead of its whole count bounding the county's change."""
    roster = pd.DataFrame({"ori": ["A", "B", "C"], "county": ["X"] * 3})
    fbi = pd.DataFrame(
        {
            "ori": ["B", "B", "C", "C"],
            "year": [2018, 2019, 2015, 2019],
            "rape": [30, 22, 2, 9],
            "months": [12, 12, 12, 12],
        }
    )
    out = coverage.remainder_bound(fbi, roster, "A", {"rape": 7}).iloc[0]
    # Before: B's whole count (30) + C's (2) would bound a rise of 7: not settled.
    # Written rule: B's change (-8) joins A's (+7): combined -1, against C's largest year, 9.
    assert out["with_data"] == 1 and out["others_change"] == -8 and out["combined"] == -1
    assert out["bound"] == 9 and out["agencies"] == 1 and not out["settled"]
    up = coverage.remainder_bound(fbi, roster, "A", {"rape": 18}).iloc[0]
    assert up["combined"] == 10 and up["settled"] and up["direction"] == "rise"
    # The size the rule allows: a change of 10 +- 9 on a 2018 total of 100 + 30 (+ up to 9).
    assert up["others_before"] == 30
    assert coverage.size_range(up, 100) == pytest.approx((100 * 1 / 139, 100 * 19 / 130))
    rows = coverage.remainder_bound(fbi, roster, "A", {"rape": 18})
    texts = coverage.size_texts(rows, 100, "rape")
    assert texts == {
        "min": "+1", "max": "+19", "base-low": "130", "base-high": "139", "low": "1%", "high": "15%"
    }  # fmt: skip


def test_format_bound_signs_and_labels():
    table = pd.DataFrame(
        {
            "offense": ["murder"],
            "change": [-7.0],
            "others_change": [2.0],
            "combined": [-5.0],
            "bound": [25.0],
            "settled": [False],
        }
    )
    out = coverage.format_bound({"Dept": table}, {"murder": "Murder"}).iloc[0]
    assert out["change in its records"] == "-7" and out["offense"] == "Murder"
    assert out["change in the other agencies with both years"] == "+2"
    assert out["combined change"] == "-5" and coverage.signed(0.2) == "0"
    assert out["county direction settled"] == "no"


def test_bound_problems_and_texts():
    bounds = {
        "D": pd.DataFrame(
            {
                "offense": ["murder", "rape"],
                "change": [45.0, -7.0],
                "others_change": [1.0, 3.0],
                "with_data": [5, 5],
                "combined": [46.0, -4.0],
                "bound": [8.0, 26.0],
                "agencies": [2, 2],
                "settled": [True, False],
            }
        )
    }
    judged = {"c1": ("D", "murder"), "c2": ("D", "rape")}
    assert coverage.bound_problems(bounds, {"c1": "accurate", "c2": "not_obtained"}, judged) == []
    wrong = coverage.bound_problems(bounds, {"c1": "not_obtained", "c2": "needs_context"}, judged)
    assert len(wrong) == 2 and wrong[0].startswith("c1:") and "not settled" in wrong[1]
    texts = coverage.bound_texts(bounds, {"D": "d"})
    assert texts["d-rape-change"] == "7" and texts["d-murder-bound"] == "8"
    assert texts["d-rape-others"] == "+3" and texts["d-rape-combined"] == "4"
    assert texts["d-with-data"] == "5" and texts["d-bounded"] == "2"


def test_bound_problems_for_one_claim_about_several_offenses():
    """One claim about several offenses (a rise in every category) is settled only when every
    offense is, or when one is settled the other way; one unsettled offense leaves it open."""
    bounds = {
        "D": pd.DataFrame(
            {
                "offense": ["murder", "rape", "robbery"],
                "settled": [True, False, True],
                "direction": ["rise", "", "fall"],
            }
        )
    }
    every = {"c": ("D", ("murder", "rape"))}
    assert coverage.bound_problems(bounds, {"c": "not_obtained"}, every) == []
    wrong = coverage.bound_problems(bounds, {"c": "accurate"}, every)
    assert len(wrong) == 1 and "not settled" in wrong[0]
    assert coverage.bound_problems(bounds, {"c": "not_obtained"}, {"c": ("D", ("murder",))}) != []
    against = {"c": ("D", ("murder", "rape", "robbery"))}  # robbery fell: the claim fails
    assert coverage.bound_problems(bounds, {"c": "contradicted"}, against) == []
    assert coverage.bound_problems(bounds, {"c": "not_obtained"}, against) != []
    falls = {"c": ("D", ("rape", "robbery"), "fall")}  # a claimed fall: robbery agrees
    assert coverage.bound_problems(bounds, {"c": "not_obtained"}, falls) == []


def test_unknown_and_matched_texts():
    table = pd.DataFrame({"unknown": ["X03"]})
    names = {"X03": "Zebulon"}
    assert coverage.unknown_text(table, names) == "and Zebulon has no full year on file at all"
    assert coverage.unknown_text(pd.DataFrame({"unknown": [""]}), names).startswith("every one")
    matched = coverage.matched_totals(fbi(), roster(), FIXES, exclude=["X02"])
    texts = coverage.matched_texts(matched, {"Mecklenburg": "meck"})
    assert texts == {
        "meck-n": "1",
        "meck-2018": "10",
        "meck-2019": "12",
        "meck-in": "Bigtown",
        "meck-out": "Mecklenburg County Sheriff's Office",
    }


def test_county_coverage_on_the_complete_files():
    """The section's texts on the mirror: the gaps named are those of the public files."""
    from factcheck.data import loaders

    prefixes = loaders.county_ori_prefixes()
    agencies = loaders.county_agencies(
        dict(zip(prefixes["ori_prefix"], prefixes["county"], strict=True))
    )
    fbi_all = loaders.fbi_agency_annual(agencies).query("year >= 2014")
    _, gaps = loaders.kaplan_annual()
    own = loaders.rtci_annual(complete_only=False)
    county = coverage.county_coverage(
        agencies,
        fbi_all,
        gaps,
        own,
        loaders.own_record_agencies(),
        loaders.agency_display_names(),
        ["NC06001", "NC09201"],
    )
    texts = county.texts
    assert texts["n-full"] == "18" and texts["wake-gap-month"] == "October 2018"
    assert texts["meck-best-missing"] == "UNC Charlotte (campus police)"
    assert "Zebulon 2014" in texts["stricter"] and "Holly Springs" in texts["no-file"]
    assert (county.attempts["total"] == "not built").all()
    row = county.table.set_index("agency").loc["Cornelius"]
    assert row["FBI format 2018"] == 0 and "blank in the source" in row.iloc[-1]


def test_record_low_check_on_the_harford_series():
    from factcheck.data import loaders

    pop = loaders.county_population().set_index(["fips", "year"])["population"]
    keys = {"so": "kaplan_full_harford_so", "pw": "kaplan_full_prince_william_pd"}
    low = wording.record_low_check(keys, pop, "24025", "MD")
    assert low.texts["so-2019-rank"] == "the lowest" and low.texts["so-years"] == "6"
    assert low.texts["so-towns"] == "Aberdeen, Bel Air and Havre de Grace"
    assert low.values["so-gap-after"] == 1  # 2021 is blank in the source
    row_2021 = low.table.set_index("year").loc[2021]
    assert row_2021.iloc[0] == "not reported" and row_2021.iloc[2] != "not reported"


def test_program_scale_sets_the_jail_arrests_beside_the_offices_violent_offenses():

    scale = wording.program_scale(
        "kaplan_full_harford_so",
        "Harford County SO, MD",
        "MD",
        r"^HARFORD COUNTY DETENTION CENTER$",
        "BAL",
    )
    assert set(scale.texts) == {
        "violent-2017",
        "violent-2018",
        "violent-2019",
        "violent-fall",
        "foia-arrests",
        "fall-pct",
        "fall-ci",
        "fall-pairs",
        "fall-z",
        "fall-percentile",
        "fall-z-band",
    }
    v = scale.values
    table = scale.table.set_index("year")["violent"]
    assert v["fall"] == table[2018] - table[2019] and v["earlier-fall"] == table[2017] - table[2018]
    assert v["arrests"] > 0 and v["beyond"] in (0.0, 1.0)
    assert scale.texts["fall-pct"].startswith("-")
