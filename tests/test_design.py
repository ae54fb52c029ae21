"""The comparison design on a synthetic monthly panel with planted effects."""

import matplotlib

matplotlib.use("Agg")  # tests only; chapters keep the inline backend

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from factcheck.book import charts
from factcheck.data import loaders, policies  # noqa: E402
from factcheck.stats import design

MONTHS = pd.date_range("2018-01-01", "2021-12-01", freq="MS")


def synthetic(effect=1.0, pretrend=0.0, seed=0, n=40):
    """An RTCI-like monthly file: common month effects, agencies of many sizes, mild gamma
    noise; Charlotte's counts multiplied by ``effect`` from January 2019 and, in 2018, by a
    linear trend from ``1 - pretrend`` (January) to ``1 + pretrend`` (December)."""
    rng = np.random.default_rng(seed)
    season = np.exp(0.15 * np.sin(2 * np.pi * (MONTHS.month - 1) / 12) + rng.normal(0, 0.05, 48))
    units = {"Charlotte, NC": ("NC", 400.0), "Raleigh, NC": ("NC", 150.0)}
    for i in range(4):
        units[f"Town{i}, NC"] = ("NC", float(rng.uniform(60, 300)))
    for i in range(n):
        units[f"City{i}, XX"] = ("XX", float(np.exp(rng.uniform(np.log(100), np.log(1000)))))
    rows = []
    for agency, (state, level) in units.items():
        mean = level * season * rng.gamma(200, 1 / 200, 48)
        if agency == "Charlotte, NC":
            mean = mean * np.where(MONTHS >= design.POST, effect, 1.0)
            ramp = np.ones(48)
            ramp[:12] = np.linspace(1 - pretrend, 1 + pretrend, 12)
            mean = mean * ramp
        counts = {
            "murder": rng.poisson(mean / 50),
            "rape": rng.poisson(mean / 10),
            "robbery": rng.poisson(mean / 3),
            "aggravated_assault": rng.poisson(mean / 2),
        }
        frame = pd.DataFrame({"agency": agency, "state_abbr": state, "date": MONTHS, **counts})
        rows.append(frame)
    rows.append(
        pd.DataFrame(
            {"agency": "All, Nationwide", "state_abbr": "Nationwide", "date": MONTHS, "murder": 9}
            | {c: 9 for c in ["rape", "robbery", "aggravated_assault"]}
        )
    )
    out = pd.concat(rows, ignore_index=True)
    for column in design.VIOLENT:
        out[column] = out[column].astype(float)
    out["violent"] = out[design.VIOLENT].sum(axis=1)
    out.loc[(out["agency"] == "City0, XX") & (out["date"] == "2019-05-01"), "violent"] = np.nan
    return loaders.clean_monthly(out)


def test_fe_poisson_matches_a_glm_with_dummies():
    import statsmodels.api as sm  # a test dependency (pyproject's test extra): never skipped

    rng = np.random.default_rng(3)
    y = rng.poisson(np.outer(rng.uniform(5, 50, 6), rng.uniform(0.5, 2, 8))).astype(float)
    a = np.zeros_like(y, dtype=bool)
    a[0, 4:] = True
    b = np.zeros_like(y, dtype=bool)
    b[:2, 6:] = True
    fit = design.fe_poisson(y, [a, b])
    units, periods = np.indices(y.shape)
    x = np.column_stack(
        [np.ones(y.size)]
        + [(units.ravel() == i).astype(float) for i in range(1, 6)]
        + [(periods.ravel() == t).astype(float) for t in range(1, 8)]
        + [a.ravel().astype(float), b.ravel().astype(float)]
    )
    glm = sm.GLM(y.ravel(), x, family=sm.families.Poisson()).fit(scale="X2")
    assert fit.beta == pytest.approx(glm.params[-2:], abs=1e-6)
    assert fit.se == pytest.approx(glm.bse[-2:], rel=1e-4)


def test_fe_poisson_refuses_inestimable_input():
    y = np.array([[0.0, 0.0], [3.0, 4.0]])
    with pytest.raises(ValueError):
        design.fe_poisson(y, [])
    y = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])
    empty = np.array([[False, True, False], [False, False, False]])
    with pytest.raises(ValueError):
        design.fe_poisson(y, [empty])
    other = np.array([[False, False, True], [False, False, False]])
    fit = design.fe_poisson(y, [empty, other])
    assert fit.beta[0] == -np.inf and np.isnan(fit.se[0])
    assert np.isfinite(fit.beta[1]) and fit.mu[0, 1] == 0


def rule_holds(monthly, table, rule, unit, factor=2.0):
    """Recompute the rule from the raw file, independently of comparison_set."""
    months = pd.date_range(design.START, design.MAIN_END, freq="MS")
    expected = set()
    for agency, group in monthly.groupby("agency"):
        changed = policies.changed_agencies(design.START, design.MAIN_END)
        if agency in {*design.TREATED, *changed} or group["state_abbr"].iloc[0] == "Nationwide":
            continue
        window = group.set_index("date")["violent"].reindex(months)
        if window.isna().any() or window[: design.POST].sum() == 0:
            continue
        y2018 = group[group["date"].dt.year == 2018]["violent"]
        if rule == "size":
            own = monthly[(monthly["agency"] == unit) & (monthly["date"].dt.year == 2018)]
            size = own["violent"].sum()
            if y2018.count() == 12 and size / factor <= y2018.sum() <= size * factor:
                expected.add(agency)
        elif group["state_abbr"].iloc[0] == "NC":
            expected.add(agency)
    return set(table["agency"]) == expected


@pytest.mark.parametrize("rule", ["size", "nc"])
@pytest.mark.parametrize("unit", design.TREATED)
def test_comparison_sets_follow_their_rule(rule, unit):
    monthly = synthetic()
    table = design.comparison_set(monthly, rule, unit)
    assert rule_holds(monthly, table, rule, unit)
    assert not set(table["agency"]) & set(design.TREATED)
    assert "All, Nationwide" not in set(table["agency"])
    assert "City0, XX" not in set(table["agency"]), "an incomplete agency is left out"
    if rule == "nc":
        assert (table["state_abbr"] == "NC").all() and len(table) == 4


def test_no_agency_is_in_its_own_comparison_set_synthetic():
    """An agency outside the treated pair is still never among its own placebos."""
    monthly = synthetic()
    for unit in ["Town0, NC", "City3, XX"]:
        for rule in ["size", "nc"]:
            table = design.comparison_set(monthly, rule, unit)
            assert unit not in set(table["agency"])
    out = design.estimate(monthly, "City3, XX", "violent", "size")
    assert out["controls"] == len(design.comparison_set(monthly, "size", "City3, XX"))


@pytest.fixture(scope="module")
def real_monthly():
    from factcheck.data import loaders

    return loaders.clean_monthly(loaders.rtci_monthly())


def test_no_agency_of_the_index_is_in_its_own_comparison_set(real_monthly):
    """Every agency of the index, under both rules: the unit is never its own placebo (a unit
    outside the book's own cases once was, which made J one too large)."""
    sizes = design.size_2018(real_monthly)
    agencies = sorted(real_monthly["agency"].unique())
    assert len(agencies) > 250
    for unit in agencies:
        for rule in ["size", "nc"] if unit.endswith(", NC") else ["size"]:
            if rule == "size" and unit not in sizes.index:
                continue  # no complete 2018: no size to match
            table = design.comparison_set(real_monthly, rule, unit)
            assert unit not in set(table["agency"]), (unit, rule)
    houston = design.estimate(real_monthly, "Houston, TX")  # read 'rank 1 of 7' with the bug
    assert houston["controls"] == houston["placebos"] == 5
    assert houston["rank_rise"] == 2 and houston["p_rise"] == pytest.approx(1 / 3)


def test_policy_table_is_sourced_and_names_the_known_changes():
    table = policies.policy_changes()
    assert table["url"].str.startswith("http").all() and table["source"].str.len().gt(0).all()
    assert (table["change"] == "none").eq(table["date"].isna()).all()
    changed = policies.changed_agencies(design.START, design.MAIN_END)
    assert {"Charlotte, NC", "Raleigh, NC", "Durham, NC", "Asheville, NC"} <= changed
    assert not {"Greensboro, NC", "Fayetteville, NC"} & changed
    assert "Asheville, NC" not in policies.changed_agencies(design.START, "2019-01-31")


def test_policy_table_rejects_a_row_without_source_or_date(tmp_path):
    good = policies.policy_changes.__defaults__[0].read_text()
    header, first, *_ = good.splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\n" + first.replace("2018-12-05", "") + "\n")
    with pytest.raises(ValueError, match="Mecklenburg"):
        policies.policy_changes(bad)
    bad.write_text(header + "\n" + first.replace("https://", "see ") + "\n")
    with pytest.raises(ValueError, match="source and url"):
        policies.policy_changes(bad)
    bad.write_text(header + "\n" + first.replace("2018-12-05,on", "2018-12-05,around") + "\n")
    with pytest.raises(ValueError, match="date_kind"):
        policies.policy_changes(bad)


@pytest.mark.parametrize("rule", ["size", "nc"])
def test_comparison_sets_leave_out_counties_whose_sheriff_changed_policy(rule):
    monthly = synthetic()
    durham = monthly[monthly["agency"] == "Town0, NC"].assign(agency="Durham, NC")
    monthly = pd.concat([monthly, durham], ignore_index=True)
    unit = "Raleigh, NC"
    clean = design.comparison_set(monthly, rule, unit)
    dirty = design.comparison_set(monthly, rule, unit, exclude_changed=False)
    assert "Durham, NC" not in set(clean["agency"])
    assert set(dirty["agency"]) - set(clean["agency"]) == {"Durham, NC"}


def test_did_recovers_a_planted_effect_and_placebos_are_near_zero():
    monthly = synthetic(effect=1.3, seed=1)
    out = design.estimate(monthly, "Charlotte, NC", "violent", "size")
    assert out["pct"] == pytest.approx(30, abs=4)
    assert "model_low" not in out and out["placebo_sd"] < 0.1
    assert out["rank"] == 1 and out["p"] == pytest.approx(1 / (1 + out["controls"]))
    assert out["p_raw"] == pytest.approx(1 / (1 + out["controls"])) and out["placebo_low"] > 0
    assert out["placebo_low"] < 30 < out["placebo_high"]
    assert not out["pre_p"] < 0.05
    wide = design.panel(monthly, "violent")
    controls = list(design.comparison_set(monthly, "size", "Charlotte, NC")["agency"])
    placebos = design.placebo_estimates(wide, controls)
    assert abs(np.mean(placebos)) < 0.02 and np.max(np.abs(placebos)) < 0.12
    untreated = design.estimate(monthly, "Raleigh, NC", "violent", "size")
    assert abs(untreated["pct"]) < 6 and untreated["p"] > 0.1
    assert untreated["placebo_low"] < 0 < untreated["placebo_high"]


def test_pre_check_flags_a_planted_pretrend():
    flat = synthetic(effect=1.0, pretrend=0.0, seed=2)
    trended = synthetic(effect=1.0, pretrend=0.2, seed=2)
    controls = list(design.comparison_set(flat, "size", "Charlotte, NC")["agency"])
    assert not design.pre_check(flat, "Charlotte, NC", controls)["flag"]
    check = design.pre_check(trended, "Charlotte, NC", controls)
    assert check["flag"] and check["rank"] == 1 and check["pct"] > 10


def test_event_table_shows_the_effect_after_and_not_before():
    monthly = synthetic(effect=1.3, seed=4)
    table = design.event_table(monthly, "Charlotte, NC")
    before = table[table["quarter"] < -1]
    after = table[table["quarter"] >= 0]
    assert list(table["quarter"]) == [-4, -3, -2, -1, 0, 1, 2, 3, 4]
    assert table.loc[table["quarter"] == -1, "pct"].iloc[0] == 0
    assert before["pct"].abs().max() < 8
    assert after["pct"].between(15, 45).all()
    logs = np.log1p(table["pct"] / 100)
    jump = logs[table["quarter"] >= 0].mean() - logs[table["quarter"] < 0].mean()
    assert jump == pytest.approx(np.log(1.3), abs=0.06)
    assert (after["band_low"] < 0).all() and (after["band_high"] > 0).all()
    assert table["start"].iloc[0] == pd.Timestamp("2018-01-01")
    assert not any(c.startswith("model") for c in table.columns), "no model intervals"


def test_relative_quarter():
    months = pd.date_range("2018-10-01", "2019-04-01", freq="MS")
    assert list(design.relative_quarter(months)) == [-1, -1, -1, 0, 0, 0, 1]


def test_event_figure_returns_a_figure():
    monthly = synthetic(effect=1.3, seed=5)
    tables = [design.event_table(monthly, unit) for unit in design.TREATED]
    fig = charts.event_figure(tables, ["Charlotte-Mecklenburg", "Raleigh"])
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 1 and fig.axes[0].get_ylabel()
    plt.close(fig)


def test_run_has_one_row_per_combination():
    monthly = synthetic(effect=1.3, seed=6)
    out = design.run(monthly, offenses=["violent", "robbery"], ends=[design.MAIN_END])
    assert len(out) == 2 * 2 * 2
    assert set(out["rule"]) == {"size", "nc"}
    nc = out[out["rule"] == "nc"]
    assert nc["placebo_low"].isna().all(), "four placebos are too few for an interval"
    assert list(out.loc[out["family"] != "sensitivity", "offense"]) == ["violent", "robbery"] * 2
    assert out.loc[out["family"] == "sensitivity", "p_holm"].isna().all()
    family = out[out["family"] != "sensitivity"]
    assert (family["p_holm"] >= family["p"]).all()
    summary = design.family_summary(out)
    j = family["placebos"].to_numpy()
    exact = np.sum(np.floor(0.05 * (1 + j)) / (1 + j))
    assert summary["tests"] == 4 and summary["expected"] == pytest.approx(exact)
    assert summary["expected"] < 0.05 * 4, "discrete placebo p-values pass less often than 5%"


def test_holm_adjustment_on_a_known_family():
    adjusted = design.holm([0.01, 0.04, 0.03, 0.2, np.nan])
    assert adjusted[:4] == pytest.approx([0.04, 0.09, 0.09, 0.2])
    assert np.isnan(adjusted[4])


@pytest.mark.parametrize("seed", range(5))
def test_placebo_p_value_and_interval_never_disagree(seed):
    rng = np.random.default_rng(seed)
    placebos = rng.normal(0, 0.1, 31)
    scales = rng.uniform(0.5, 2, 31)
    rejected = 0
    for estimate in np.linspace(-0.4, 0.4, 81):
        for scale, each in [(1.0, 1.0), (0.7, scales)]:
            out = design.placebo_summary(estimate, placebos, scale, each)
            excludes_zero = out["low"] > 0 or out["high"] < 0
            assert excludes_zero == (out["p_two"] <= design.ALPHA)
            rejected += excludes_zero
    assert 0 < rejected < 2 * 81, "the check must see both outcomes"
    few = design.placebo_summary(1.0, placebos[:10])
    assert np.isnan(few["low"]) and np.isnan(few["coverage"])
    assert few["p_two"] == pytest.approx(1 / 11) and few["size"] == 0


@pytest.mark.parametrize(("placebos", "coverage"), [(39, 1 - 2 / 40), (31, 1 - 1 / 32)])
def test_placebo_interval_covers_the_truth_at_its_stated_level(placebos, coverage):
    """Placebo p-values are discrete: the interval's level is 1 - floor(0.05 (1 + J)) / (1 + J),
    not 95%; the stated level is the one the interval achieves."""
    rng = np.random.default_rng(11)
    hits = []
    for _ in range(3000):
        draws = rng.normal(0, 0.1, placebos + 1)
        out = design.placebo_summary(0.2 + draws[0], draws[1:])
        assert out["coverage"] == pytest.approx(coverage)
        hits.append(out["low"] <= 0.2 <= out["high"])
    assert np.mean(hits) == pytest.approx(coverage, abs=0.012)


def test_expected_placebo_passes_are_exact_for_discrete_p_values():
    """With J placebos, P(p <= 0.05) = floor(0.05 (1 + J)) / (1 + J): 1/32 for J = 31."""
    table = pd.DataFrame(
        {"family": ["primary", "secondary", "sensitivity"], "placebos": [31, 50, 31]}
        | {"p": [0.03, 0.5, 0.01], "p_holm": [0.06, 0.5, np.nan]}
    )
    summary = design.family_summary(table)
    assert summary["expected"] == pytest.approx(1 / 32 + 2 / 51)
    assert summary["tests"] == 2 and summary["below"] == 1
    rng = np.random.default_rng(5)
    passes = [
        design.placebo_summary(x[0], x[1:])["p_two"] <= design.ALPHA
        for x in rng.normal(size=(4000, 32))
    ]
    assert np.mean(passes) == pytest.approx(1 / 32, abs=0.008)


def test_studentising_recovers_the_extra_variance_and_fixes_the_size():
    rng = np.random.default_rng(12)
    poisson = np.exp(rng.uniform(np.log(0.002), np.log(0.2), 2000))
    extra = 0.004
    placebos = rng.normal(0, np.sqrt(poisson + extra))
    scale, scales, fitted = design.studentise(placebos, 0.001, poisson)
    assert fitted == pytest.approx(extra, rel=0.25)
    assert scales == pytest.approx(np.sqrt(poisson + fitted))
    # a large treated unit (small variance) with no effect: the raw rank almost never rejects,
    # the studentised one at about the nominal rate
    raw = student = 0
    for _ in range(300):
        own = rng.normal(0, np.sqrt(0.001 + extra))
        sample = rng.choice(len(placebos), 39, replace=False)
        raw += design.placebo_summary(own, placebos[sample])["p_rise"] <= 0.05
        student += (
            design.placebo_summary(own, placebos[sample], scale, scales[sample])["p_rise"] <= 0.05
        )
    assert raw / 300 < 0.02 and 0.02 < student / 300 < 0.09


def test_closed_form_equals_the_ipf_fit_and_the_placebo_loop():
    monthly = synthetic(effect=1.2, seed=7)
    wide = design.panel(monthly, "robbery")
    controls = list(design.comparison_set(monthly, "size", "Charlotte, NC", "robbery")["agency"])
    fit = design.did(wide, "Charlotte, NC", controls)
    # The closed form with the unit among the "controls": its own estimate against the rest.
    closed = design.placebo_estimates(wide, ["Charlotte, NC", *controls])
    assert closed[0] == pytest.approx(fit.beta[0], abs=1e-7)
    quarters, event = design.event_study(wide, "Charlotte, NC", controls)
    closed = design.placebo_estimates(wide, ["Charlotte, NC", *controls], event=True)
    assert closed[0] == pytest.approx(event.beta, abs=1e-6)
    for i in (0, 5):
        others = [c for c in controls if c != controls[i]]
        loop = design.did(wide, controls[i], others, se=False).beta[0]
        assert design.placebo_estimates(wide, controls)[i] == pytest.approx(loop, abs=1e-7)
    placebos = design.placebo_estimates(wide, controls, event=True)
    for i in (0, 5):
        others = [c for c in controls if c != controls[i]]
        loop = design.event_study(wide, controls[i], others, se=False)[1].beta
        assert placebos[i] == pytest.approx(loop, abs=1e-6)


def test_lead_check_flags_a_planted_pretrend():
    flat = design.lead_check(synthetic(pretrend=0.0, seed=2), "Charlotte, NC")
    trended = design.lead_check(synthetic(pretrend=0.25, seed=2), "Charlotte, NC")
    assert flat["p"] > 0.05
    assert trended["rank"] == 1 and trended["p"] < 0.05


def test_break_check_finds_a_planted_january_step_and_not_its_absence():
    stepped = design.break_check(synthetic(effect=1.3, seed=8), "Charlotte, NC")
    assert 15 < stepped["break_pct"] < 80  # planted +30%; one-month steps are noisy (gamma noise)
    assert stepped["rank"] == 1 and stepped["p"] == pytest.approx(1 / (1 + stepped["placebos"]))
    assert set(stepped["januaries"]) == {2019, 2020, 2021}
    flat = design.break_check(synthetic(effect=1.0, seed=8), "Charlotte, NC")
    assert abs(flat["break_pct"]) < 8 and flat["p"] > 0.1
    steps = design.month_steps(
        synthetic(seed=8), "Charlotte, NC", ["Town0, NC"], "violent", design.POST
    )
    assert list(steps.index) == ["Charlotte, NC", "Town0, NC"] and np.isnan(steps.iloc[1])


def test_size_set_matched_on_the_offense_follows_its_rule():
    monthly = synthetic(effect=1.3, seed=9)
    own = design.size_2018(monthly, "robbery")["Charlotte, NC"]
    matched = design.comparison_set(monthly, "size", "Charlotte, NC", "robbery", size_by="offense")
    assert matched["size_2018"].between(own / 2, own * 2).all()
