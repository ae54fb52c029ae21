"""Comparison sets come from stated rules; base rates and county groups on known inputs."""

import pandas as pd
import pytest

from factcheck.base import fmt
from factcheck.book import wording
from factcheck.data import loaders, policies
from factcheck.stats import comparison

CATS = ["murder", "robbery"]


def annual():
    rows = []
    # name, months 2018, months 2019, robbery 2019 missing?, counts 2018 -> 2019 (murder, robbery)
    spec = {
        "A, NC": (12, 12, False, (10, 100), (20, 90)),
        "B, NC": (12, 12, True, (10, 100), (11, 110)),  # robbery missing in 2019
        "C, VA": (12, 11, False, (10, 100), (11, 110)),  # 2019 incomplete
        "D, VA": (12, 12, False, (10, 100), (12, 120)),
        "E, NC": (12, 12, False, (10, 100), (9, 95)),
    }
    for name, (m18, m19, gap, c18, c19) in spec.items():
        rows.append(
            {"agency": name, "year": 2018, "months": m18, "murder": c18[0], "robbery": c18[1]}
        )
        rows.append(
            {
                "agency": name,
                "year": 2019,
                "months": m19,
                "murder": c19[0],
                "robbery": None if gap else c19[1],
            }
        )
    frame = pd.DataFrame(rows)
    frame["violent"] = frame["murder"] + frame["robbery"].fillna(0)
    return frame


def test_comparison_set_follows_the_rule():
    table = annual()
    monthly = pd.DataFrame({"agency": table["agency"], "state_abbr": table["agency"].str[-2:]})
    chosen = comparison.ComparisonRule("all").members(table, [2018, 2019], CATS, ["A, NC"])
    assert chosen == ["D, VA", "E, NC"]
    # The rule, checked directly: twelve months and every value in both years, not excluded.
    for agency in chosen:
        rows = table[table["agency"] == agency]
        assert (rows["months"] == 12).all() and rows[CATS].notna().all().all()
    nc_rule = comparison.ComparisonRule("state", state="NC")
    nc = nc_rule.members(table, [2018, 2019], CATS, ["A, NC"], monthly)
    assert nc == ["E, NC"]
    assert nc_rule.among(monthly) == ["A, NC", "B, NC", "E, NC"]
    with pytest.raises(ValueError, match="state"):
        nc_rule.members(table, [2018, 2019], CATS)
    # The size rule on the same records: within a factor 2 of A's 2018 total, both ends included.
    sizes = table[table["year"] == 2018].set_index("agency")["violent"]
    size_rule = comparison.ComparisonRule("size", 2)
    low, high = size_rule.window(sizes["A, NC"])
    expected = [a for a in ["D, VA", "E, NC"] if low <= sizes[a] <= high]
    assert size_rule.members(table, [2018, 2019], CATS, ["A, NC"], unit="A, NC", sizes=sizes) == (
        expected
    )
    assert comparison.complete_in_years(table, [2018, 2019]) == ["A, NC", "B, NC", "D, VA", "E, NC"]


def test_base_rates_and_rank():
    table = annual()
    base = wording.base_rates(table, CATS, "violent", 2018, 2019, ["A, NC"], ["D, VA", "E, NC"])
    assert base["share_rose"] == 50  # D rose, E fell
    assert base["share_all"] == 50 and base["n_all"] == 1
    # A: 110 -> 110 (0%); D +20%, E -5.5%: A's change is larger than one of two.
    assert base["rank"]["A, NC"] == 50


def test_crime_change_table_and_format():
    table = annual()
    tab = wording.crime_change_table(table, "A, NC", ["murder", "robbery"], 2018, 2019)
    assert tab.loc["murder", "pct"] == pytest.approx(100)
    assessed = pd.DataFrame(
        {"beyond": [True, False], "empirical_percentile": [99.6, 40.0]}, index=["murder", "robbery"]
    )
    shown = wording.format_assessment(
        tab, assessed, "A", {"murder": "murder", "robbery": "robbery"}
    )
    assert shown["change"].tolist() == ["+100.0%", "-10.0%"]
    assert shown["beyond ordinary variation?"].tolist() == ["yes", "no"]
    assert shown["percentile among nearest agencies"].tolist() == ["100", "40"]
    assert wording.interval_text(tab.loc["murder"]) == "-10.6% to +378.5%"


def test_county_program_groups_rule():
    agreements = pd.DataFrame(
        {
            "agency": ["Kept SO", "Ended SO", "Old SO", "No fips SO"],
            "county_fips": [37025.0, 37119.0, 37001.0, None],
            "active_to": pd.to_datetime(["2017-08-01", "2017-08-01", "2013-09-30", "2017-08-01"]),
            "terminated": [False, False, True, False],
        }
    )
    flags = pd.DataFrame({"FIPS": [37025.0, 37001.0], "year": [2019, 2012]})
    groups = wording.county_program_groups(agreements, flags, "2017-08-01", 2019)
    assert groups == {"37025": "kept", "37119": "ended"}
    ever = wording.ever_participated(flags, agreements, {"No fips SO": "37063"})
    assert ever == {"37025", "37119", "37001", "37063"}
    with pytest.raises(ValueError, match="No fips SO"):
        wording.ever_participated(flags, agreements, {})


def test_county_rates_groups_ranks_and_table():
    raw = pd.DataFrame(
        {
            "state": ["37"] * 4 + ["51"],
            "county": ["025", "119", "001", "003", "001"],
            "year": [2015] * 5,
            "r": [100.0, 400.0, 300.0, 200.0, 999.0],
            "q": [1, 2, 1, 1, 1],
        }
    )
    table = wording.county_rates(raw, "r", "q", {"37025": "kept", "37119": "ended"}, {"37001"})
    assert table.set_index("fips")["group"].to_dict() == {
        "37025": "kept",
        "37119": "ended",
        "37001": "other past participant",
        "37003": "never",
    }
    assert wording.percentile_range(table, "37119") == "100th"
    assert wording.percentile_range(table, "37025") == "25th"
    shown = wording.county_rate_table([table], {"37119": "ended"}, {"37119": "Mecklenburg"})
    assert shown.to_dict("records") == [
        {"county": "Mecklenburg", "287(g)": "ended", "2015": "400 (2)"}
    ]


def test_estimate_series_and_pct_change():
    est = pd.DataFrame(
        {
            "state_abbr": ["NC", "NC", "US"],
            "year": [2018, 2019, 2018],
            "violent": [100, 110, 1000],
            "population": [100_000, 100_000, 1_000_000],
        }
    )
    series = wording.estimate_series(est, ["NC"], [2018, 2019])
    assert series.loc[("NC", 2019), "rate"] == 110
    assert wording.pct_change(series.loc["NC", "violent"], 2018, 2019) == pytest.approx(10)


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (91, "91st"),
        (92, "92nd"),
        (100, "100th"),
        (111, "111th"),
    ],
)
def test_ordinal(n, text):
    assert fmt.ordinal(n) == text


def test_prose_texts():
    table = annual()
    base = wording.base_rates(table, CATS, "violent", 2018, 2019, ["A, NC"], ["D, VA", "E, NC"])
    texts = wording.base_rate_texts(base, {"A, NC": "a"}, ["E, NC"])
    assert texts == {
        "n-agencies": "2",
        "share-rose": "50%",
        "share-all4": "50%",
        "n-all4": "1",
        "a-rank": "50%",
        "nc-others": "E",
        "nc-others-rose": "0",
        "nc-others-n": "1",
    }
    freq = pd.DataFrame(
        {
            "from": [2018, 2019],
            "to": [2019, 2020],
            "units": [5, 5],
            "total_rose": [0.4, 0.6],
            "all_rose": [0.1, 0.2],
        }
    )
    texts = wording.frequency_texts(freq, freq, "x")
    assert texts["freq-min"] == "40%" and texts["all4-max"] == "20%"
    assert texts["x-years"] == "2" and texts["x-first"] == "2018"
    est = pd.DataFrame(
        {
            "state_abbr": ["NC", "NC"],
            "year": [2018, 2019],
            "violent": [100, 110],
            "murder": [10, 5],
            "population": [100_000, 100_000],
        }
    )
    texts = wording.estimate_texts(
        wording.estimate_series(est, ["NC"], [2018, 2019]), "NC", 2018, 2019
    )
    assert texts == {
        "rate-2018": "100.0",
        "rate-2019": "110.0",
        "count-pct": "+10.0%",
        "murder-2019": "-50.0%",
    }


def test_state_without_its_parts():
    state = pd.Series({2018: 1000, 2019: 1100})
    parts = {"city": pd.Series({2018: 200, 2019: 300})}
    table = wording.state_without(state, parts, 2018, 2019)
    assert table.loc["rest of state", 2019] == 800
    assert table.loc["rest of state", "pct"] == pytest.approx(0)
    assert table.loc["city", "pct"] == pytest.approx(50)
    assert table.loc["state", "pct"] == pytest.approx(10)


def test_source_comparison():
    table = wording.source_comparison({"own": (57, 107), "index": (57, 102)}, 2018, 2019)
    assert table.to_dict("records")[0] == {
        "source": "own",
        "2018": "57",
        "2019": "107",
        "change": "+87.7%",
    }
    assert table["change"].tolist()[1] == "+78.9%"


def design_rows():
    rows = []
    for end, shift in [("2020-02", 0), ("2021-12", -5)]:
        for unit in ["Charlotte, NC", "Raleigh, NC"]:
            rows.append(
                {
                    "unit": unit,
                    "offense": "violent",
                    "rule": "size",
                    "end": end,
                    "controls": 31,
                    "pct": 11.3 + shift,
                    "placebo_low": -5.9,
                    "placebo_high": 53.9,
                    "rank": 8,
                    "placebos": 31,
                    "coverage": 1 - 1 / 32,
                    "p": 0.25,
                    "p_rise": 0.125,
                    "p_raw": 0.0625,
                    "pre_p": 0.31,
                    "family": "primary" if end == "2020-02" else "sensitivity",
                    "p_holm": 0.5 if end == "2020-02" else float("nan"),
                }
            )
    size = pd.DataFrame(rows)
    nc = size.assign(rule="nc", controls=4, pre_p=0.07)
    return size, nc


def test_design_texts_and_table():
    size, nc = design_rows()
    texts = wording.design_texts(size, nc, {"Charlotte, NC": "cmpd", "Raleigh, NC": "raleigh"})
    assert texts["cmpd-violent-pct"] == "+11.3%" and texts["cmpd-violent-rank"] == "8 of 32"
    assert texts["nc-j"] == "4" and texts["nc-min-p"] == "0.20"
    assert texts["pre-min-p"] == "0.07" and texts["alpha"] == "5%" and texts["factor"] == "2"
    assert texts["cmpd-violent-ci"] == "-5.9% to +53.9%" and texts["cmpd-violent-holm"] == "0.50"
    assert texts["cmpd-violent-late-pct"] == "+6.3%" and texts["coverage-low"] == "96.9%"
    assert texts["cmpd-violent-coverage"] == "96.9%" and texts["coverage-high"] == "96.9%"
    # two tests with 31 placebos each: 1/32 + 1/32 passes expected by chance, not 0.05 * 2
    assert texts["tests"] == "2" and texts["below"] == "0" and texts["expected"] == "0.06"
    assert texts["cmpd-violent-p-rise"] == "0.12" and texts["cmpd-violent-min-p"] == "0.031"
    assert texts["holm-first"] == "0.025"  # 0.05 over two tests
    assert texts["cmpd-violent-p-raw"] == "0.06"
    table = wording.format_design(size, {"violent": "violent (total)"}, {"Charlotte, NC": "CMPD"})
    assert table["department"].tolist() == ["CMPD", "Raleigh, NC"]
    assert table.loc[0, "to Dec 2021"] == "+6.3% (p 0.25)"
    assert table.loc[0, "rank (most extreme first)"] == "8 of 32"
    assert table.loc[0, "interval (coverage)"] == "-5.9% to +53.9% (96.9%)"
    assert table.loc[0, "Holm p"] == "0.50"
    assert not any(c.startswith("model") for c in table.columns)


def test_break_and_family_texts():
    brk = {
        "Charlotte, NC": {
            "step_pct": 8.3,
            "usual_pct": -11.9,
            "break_pct": 23.0,
            "rank": 5,
            "placebos": 31,
            "p": 0.156,
            "januaries": {2019: 8.3, 2020: -10.5},
        }
    }
    texts = wording.break_texts(brk, {"Charlotte, NC": "cmpd"})
    assert texts["cmpd-break"] == "+23.0%" and texts["cmpd-rank"] == "5 of 32"
    assert texts["cmpd-p"] == "0.16" and texts["cmpd-januaries"] == "2"
    family = {
        "tests": 10,
        "beyond": 1,
        "expected": 0.5,
        "holm_beyond": 0,
        "p_holm": pd.Series([0.078, 1.0]),
    }
    assert wording.ordinary_family_texts(family) == {
        "tests": "10",
        "beyond": "1",
        "expected": "0.5",
        "holm-beyond": "0",
        "holm-min": "0.08",
    }


def test_rtm_texts():
    rtm = {
        "deviation": -0.26,
        "slope": -0.42,
        "expected_after": 63.6,
        "full_reversion_after": 73.9,
        "share_explained": 0.147,
        "after_vs_long_mean": 59.4,
    }
    texts = wording.rtm_texts(rtm)
    assert texts == {
        "deviation": "-22.9%",
        "slope": "-0.42",
        "expected": "64",
        "full": "74",
        "share": "15%",
        "above": "59%",
    }


def test_and_join():
    assert fmt.and_join([]) == ""
    assert fmt.and_join(["a"]) == "a"
    assert fmt.and_join(["a", "b", "c"]) == "a, b and c"


def test_assessment_sensitivity_reports_changed_verdicts(monkeypatch):
    from factcheck.stats import variation

    def fake_assess(monthly, agency, offenses, factor, k, level):
        # murder's neighbour verdict flips with more neighbours; the model never changes;
        # the band alpha (the earlier method) would call the total beyond
        return pd.DataFrame(
            {
                "beyond": [True, False],
                "neighbour_beyond": [k < 50, False],
                "beyond_band": [True, True],
            },
            index=["murder", "violent"],
        )

    monkeypatch.setattr(variation, "assess", fake_assess)
    texts = wording.assessment_sensitivity(
        None,
        ["A"],
        ["murder", "violent"],
        {"murder": "murder", "violent": "violent"},
        (3, 30),
        [(2, 30), (4, 30), (3, 15), (3, 50)],
    )
    assert texts == {
        "sens-factors": "2 and 4",
        "sens-near": "15 and 50",
        "sens-model-changes": "",
        "sens-neighbour-changes": "murder",
        "sens-band-changes": "violent",
    }


def test_ordinary_variation_bundles_verdicts_sensitivity_and_family(monkeypatch):
    from factcheck.stats import variation

    z_murder = {2: 3.2, 3: 2.7, 4: 2.6}  # the planted murder test moves with the window
    alpha_murder = {2: 0.0, 3: 0.0095, 4: 0.0088}

    def fake_assess(monthly, agency, offenses, factor, k, level):
        return pd.DataFrame(
            {
                "beyond": [agency == "A", False],
                "neighbour_beyond": [agency == "A", False],
                "beyond_band": [agency == "A", False],
                "z": [z_murder[factor] if agency == "A" else 0.5, 0.5],
                "alpha": [alpha_murder[factor], 0.005],
                "p_mc_se": [0.0001, 0.001],
            },
            index=["murder", "violent"],
        )

    monkeypatch.setattr(variation, "assess", fake_assess)
    assessed, texts = wording.ordinary_variation(
        None,
        ["A", "B"],
        ["murder", "violent"],
        {"murder": "murder", "violent": "violent"},
        (3, 30),
        [(2, 30), (4, 30), (3, 50)],
    )
    assert set(assessed) == {"A", "B"} and texts["sens-model-changes"] == ""
    assert texts["ov-tests"] == "4" and texts["ov-beyond"] == "1" and texts["ov-expected"] == "0.2"
    # Holm over 4 two-sided tests: 4 * 2 * sf(2.7) = 0.028; one-sided or a family per unit
    # halve it (0.014); the factor-2 window gives 4 * 2 * sf(3.2) = 0.0055, factor 4 0.037
    assert texts["ov-holm-min"] == "0.03"
    assert texts["ov-holm-low"] == "0.01" and texts["ov-holm-high"] == "0.04"
    assert texts["ov-holm-largest"] == "size window factor 4"
    assert texts["ov-holm-lowest"] == "size window factor 2"  # the zero-dispersion window
    assert texts["ov-holm-family"] == "0.01" and texts["ov-holm-one-sided"] == "0.01"
    assert texts["ov-holm-mc"] == "0.0004"  # 4 tests times the p-value's Monte Carlo error
    assert texts["ov-alpha-low"] == "0.0000" and texts["ov-alpha-low-factor"] == "2"
    assert texts["ov-alpha-high"] == "0.0095" and texts["ov-alpha-high-factor"] == "3"
    spread = wording.chance_range(
        assessed, {2: {a: fake_assess(None, a, None, 2, 30, 0.95) for a in "AB"}}, "A", "murder"
    )
    assert spread["one-sided for a rise"] == pytest.approx(spread["a family per department"])
    assert spread["two-sided, one family"] == pytest.approx(8 * variation.stats.norm.sf(2.7))


def test_ordinary_variation_assesses_the_base_setting_once(monkeypatch):
    from factcheck.stats import variation

    calls = []

    def fake_assess(monthly, agency, offenses, factor, k, level):
        calls.append((agency, factor, k))
        return pd.DataFrame(
            {
                "beyond": [False],
                "neighbour_beyond": [False],
                "beyond_band": [False],
                "z": [0.1],
                "alpha": [0.01],
                "p_mc_se": [0.001],
            },
            index=["violent"],
        )

    monkeypatch.setattr(variation, "assess", fake_assess)
    wording.ordinary_variation(
        None, ["A", "B"], ["violent"], {"violent": "violent"}, (3, 30), [(2, 30), (3, 50)]
    )
    assert len(calls) == 2 * 3 and calls.count(("A", 3, 30)) == 1


def test_local_window_texts_checks_the_window():
    ok = {"A": pd.DataFrame({"before": [100.0], "local_low": [40.0], "local_high": [250.0]})}
    texts = wording.local_window_texts(ok, 3)
    assert texts == {"min-pairs": "30", "sens-near-k": "50"}
    bad = {"A": pd.DataFrame({"before": [100.0], "local_low": [20.0], "local_high": [250.0]})}
    try:
        wording.local_window_texts(bad, 3)
    except AssertionError:
        pass
    else:
        raise AssertionError("a window outside the factor passed")


def test_membership_names_the_reason_and_checks_it_against_the_set():
    sets = {"all": ["C", "D"], "big": ["C"]}
    reasons = [("judged", ["A"]), ("policy changed", ["B"]), ("too small", {"big": ["D"]})]
    table = comparison.membership(["A", "B", "C", "D"], sets, reasons)
    assert table.loc["A"].tolist() == ["judged", "judged"]
    assert table.loc["B", "big"] == "policy changed" and table.loc["C"].tolist() == ["in", "in"]
    assert table.loc["D"].tolist() == ["in", "too small"]
    with pytest.raises(ValueError, match="no stated reason"):
        comparison.membership(["C"], {"all": []}, reasons)
    with pytest.raises(ValueError, match="although"):
        comparison.membership(["A"], {"all": ["A"]}, reasons)


def test_outside_window_and_policy_texts():
    sizes = pd.Series({"U": 100.0, "A": 49.0, "B": 50.0, "C": 200.0, "D": 201.0})
    rule = comparison.ComparisonRule("size", 2)
    assert rule.outside(sizes, "U", ["A", "B", "C", "D", "E"]) == ["A", "D", "E"]

    texts = wording.policy_texts(policies.policy_changes())
    assert texts["Durham, NC"] == "Durham County: stopped honouring ICE detainers, December 2018"
    assert texts["Greensboro, NC"] == "Guilford County: none"
    assert texts["Charlotte, NC"] == (  # two rows of one county: both changes, in order
        "Mecklenburg County: ended 287(g), December 2018; "
        "stopped honouring ICE detainers, by May 2019"
    )


def test_state_table_names_every_agency_and_why():
    annual = pd.DataFrame(
        {
            "agency": ["T, NC", "T, NC", "C, NC", "C, NC", "G, NC", "G, NC", "F, NC", "F, NC"],
            "year": [2018, 2019] * 4,
            "murder": [10, 20, 5, 6, 4, 5, 3, 3],
            "rape": [5, 6, 2, 2, 3, 3, None, None],
            "violent": [100, 120, 50, 52, 60, 90, 70, 71],
        }
    )
    monthly = annual.assign(state_abbr="NC")
    sizes = pd.Series({"T, NC": 100.0, "C, NC": 50.0, "G, NC": 60.0, "F, NC": 70.0})
    sets = {"all offenses": ["G, NC"], "size": ["F, NC"]}
    (changes, table), pct, texts = wording.state_table(
        annual, monthly, sizes, "NC", sets, {"size": ("T, NC", 1.5)}, ["all offenses"],
        ["T, NC"], ["C, NC"], {"G, NC": "none"},
    )  # fmt: skip
    assert table["department"].tolist() == ["C", "F", "G", "T"] == changes["department"].tolist()
    assert table["all offenses"].tolist() == ["policy changed", "no rape series", "in", "judged"]
    # F is in the size set for the total but has no rape series: its "in" says so
    assert table["size"].tolist() == [
        "policy changed", "in (not for rape: no series)", "outside size window", "judged"
    ]  # fmt: skip
    assert (
        changes.loc[2, "change"] == "+50.0%" and changes.loc[2, "sheriff's policy change"] == "none"
    )
    assert pct["G, NC"] == pytest.approx(50) and texts["n"] == "4" and texts["no-series"] == "F"
    assert texts["changed-pct"] == "+4.0%" and texts["missing"] == "rape"
    with pytest.raises(ValueError):  # a set that its stated reasons do not explain
        wording.state_table(
            annual, monthly, sizes, "NC", {"size": []}, {"size": ("T, NC", 1.5)}, [],
            ["T, NC"], ["C, NC"], {},
        )  # fmt: skip


def test_nc_comparison_on_the_index_names_all_six_and_every_reason():
    """The real index: every North Carolina agency is named, each with a reason when out."""
    from factcheck.stats import design

    monthly = loaders.rtci_monthly()
    annual = loaders.rtci_annual(complete_only=False, monthly=monthly)
    treated, changed = ["Charlotte, NC", "Raleigh, NC"], ["Asheville, NC", "Durham, NC"]
    local = {
        "Charlotte, NC": ["Greensboro, NC"],
        "Raleigh, NC": ["Fayetteville, NC", "Greensboro, NC"],
    }
    (_, table), pct, texts = wording.nc_comparison(
        annual, monthly, ["Greensboro, NC"], local, 3, treated, changed
    )
    assert texts["n"] == "6" and len(table) == 6 and (pct > 0).all()
    assert texts["design-set"] == "Fayetteville and Greensboro"
    row = table.set_index("department")
    assert row.loc["Fayetteville", "base rates"] == "no rape series"
    assert row.loc["Fayetteville", "design, NC"] == "in (not for rape: no series)"
    assert row.loc["Greensboro", "design, NC"] == "in"
    assert set(
        design.comparison_set(loaders.clean_monthly(monthly), "nc", "Charlotte, NC")["agency"]
    ) == {
        "Fayetteville, NC",
        "Greensboro, NC",
    }


def test_counting_bases_ratio_leaves_out_an_incomplete_conversion():
    """A converted summary year with fewer than half the department's own murders (Raleigh's
    2019) is an incomplete conversion: the NIBRS/summary ratio uses the complete years only."""
    cols = ["murder", "rape", "robbery", "aggravated_assault", "violent"]
    cmpd = pd.DataFrame([[1, 1, 1, 1, 4]], index=[2018], columns=cols)
    summary = pd.DataFrame(
        [[5, 1, 1, 1, 100], [20, 1, 1, 1, 200], [20, 1, 1, 1, 400]],
        index=[2019, 2020, 2021],
        columns=cols,
    )
    nibrs = pd.DataFrame({"violent": [99, 160, 300]}, index=[2019, 2020, 2021])
    own = pd.DataFrame({"murder": [30, 22, 21], "violent": [1, 1, 1]}, index=[2019, 2020, 2021])
    labels = dict(zip(cols, cols, strict=True))
    _, _, texts = wording.counting_bases(cmpd, cmpd, summary, nibrs, own, labels)
    assert (
        texts["nibrs-ratio-range"] == "0.75 to 0.80"
        and texts["nibrs-ratio-years"] == "2020 to 2021"
    )
