"""Size-scaled ordinary variation: the NB2 dispersion estimator, bands, the flag, RTM."""

import numpy as np
import pandas as pd
import pytest

from factcheck.base import fmt
from factcheck.stats import variation


def nb_pairs(alpha, n=3000, seed=1, trend=1.0, low=20, high=5000):
    """Pairs of NB2 counts (Poisson-gamma) with agency means spread log-uniformly."""
    rng = np.random.default_rng(seed)
    mu = np.exp(rng.uniform(np.log(low), np.log(high), n))

    def draw(mean):
        if alpha == 0:
            return rng.poisson(mean)
        return rng.poisson(mean * rng.gamma(1 / alpha, alpha, n))

    return pd.DataFrame(
        {
            "agency": [f"a{i}" for i in range(n)],
            "year": 2018,
            "before": draw(mu),
            "after": draw(mu * trend),
        }
    )


@pytest.mark.parametrize("alpha", [0.005, 0.02, 0.1])
def test_nb_alpha_recovers_planted_dispersion(alpha):
    pairs = nb_pairs(alpha, seed=int(alpha * 1000))
    estimate = variation.nb_alpha(pairs["before"], pairs["after"])
    assert estimate == pytest.approx(alpha, rel=0.15)


def test_nb_alpha_with_a_common_trend():
    pairs = nb_pairs(0.02, trend=1.3, seed=7)
    g = variation.pair_trend(pairs)
    assert g[0] == pytest.approx(1.3, rel=0.02)
    assert variation.nb_alpha(pairs["before"], pairs["after"], g) == pytest.approx(0.02, rel=0.15)


def test_poisson_data_give_alpha_near_zero():
    pairs = nb_pairs(0.0, seed=3)
    assert variation.nb_alpha(pairs["before"], pairs["after"]) < 0.001


def test_nb_alpha_refuses_empty_input():
    with pytest.raises(ValueError):
        variation.nb_alpha([0, 0, 0], [0, 0, 0])
    with pytest.raises(ValueError):
        variation.nb_alpha([5], [6])


def test_size_bands_recover_a_dispersion_that_changes_with_size():
    small = nb_pairs(0.05, n=2000, low=20, high=200, seed=11)
    large = nb_pairs(0.005, n=2000, low=1000, high=10000, seed=12)
    pairs = pd.concat([small, large], ignore_index=True)
    bands = variation.alpha_by_band(pairs, edges=[0, 500, np.inf])
    by = bands.set_index("band")
    assert by.loc["1", "alpha"] == pytest.approx(0.05, rel=0.2)
    assert by.loc["2", "alpha"] == pytest.approx(0.005, rel=0.2)
    assert by.loc["1", "pairs"] == 2000 and by.loc["all", "pairs"] == 4000
    assert variation.band_of(3000, bands)["band"] == "2"
    quantile = variation.alpha_by_band(pairs, n_bands=4)
    assert quantile[quantile["band"] != "all"]["pairs"].between(990, 1010).all()  # ties


def test_flag_for_planted_huge_and_ordinary_changes():
    huge = variation.ordinary_change(4000, 6000, alpha=0.005)
    assert huge.beyond and huge.z > 3.5 and huge.percentile > 99.9
    ordinary = variation.ordinary_change(4000, 4200, alpha=0.005)
    assert not ordinary.beyond
    # Without the dispersion the same +5% on 4,000 would be beyond Poisson chance.
    assert variation.ordinary_change(4000, 4200, alpha=0.0).beyond
    # The year's common change is taken out: +30% in a year when everyone rose 30% is ordinary.
    assert not variation.ordinary_change(1000, 1300, alpha=0.005, trend=1.3).beyond
    low, high = ordinary.low, ordinary.high
    assert low < ordinary.pct < high
    with pytest.raises(ValueError):
        variation.ordinary_change(0, 5, alpha=0.01)


def test_flag_calibration_on_simulated_pairs():
    pairs = nb_pairs(0.01, n=4000, seed=5, low=50)
    flagged = [
        variation.ordinary_change(b, a, 0.01).beyond
        for b, a in zip(pairs["before"], pairs["after"], strict=True)
    ]
    assert np.mean(flagged) == pytest.approx(0.05, abs=0.02)


def test_neighbour_check_agrees_with_the_model_on_nb_data():
    pairs = nb_pairs(0.01, n=3000, seed=8)
    near = variation.neighbours(pairs, 2000, k=40)
    assert len(near) == 40
    assert near["before"].between(1000, 4000).all()
    check = variation.neighbour_check(pairs, 2000, 2600, alpha=0.01, k=200)
    assert check["empirical_sd"] == pytest.approx(check["model_sd"], rel=0.15)
    assert check["empirical_percentile"] > 97.5


def monthly_panel(n=60, seed=2, end="2019-12-01"):
    """A tiny RTCI-like monthly file: agencies with stable means, one aggregate row, one gap."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2018-01-01", end, freq="MS")
    rows = []
    for i in range(n):
        mu = np.exp(rng.uniform(np.log(5), np.log(200)))
        for d in dates:
            counts = {o: rng.poisson(mu / (4 if o != "murder" else 40)) for o in variation.VIOLENT}
            rows.append({"agency": f"A{i}, XX", "state_abbr": "XX", "date": d, **counts})
    rows += [
        {
            "agency": "Big, NC",
            "state_abbr": "NC",
            "date": d,
            "murder": 5 if d.year == 2018 else 20,
            "rape": 30,
            "robbery": 100,
            "aggravated_assault": 200,
        }
        for d in dates
    ]
    rows += [
        {
            "agency": "All, Nationwide",
            "state_abbr": "Nationwide",
            "date": d,
            "murder": 1000,
            "rape": 1,
            "robbery": 1,
            "aggravated_assault": 1,
        }
        for d in dates
    ]
    out = pd.DataFrame(rows)
    out["violent"] = out[variation.VIOLENT].sum(axis=1).astype(float)
    out.loc[(out["agency"] == "A0, XX") & (out["date"] == "2019-03-01"), "robbery"] = np.nan
    return out


def test_annual_counts_drop_aggregates_and_incomplete_years():
    annual = variation.annual_counts(monthly_panel(), "robbery")
    assert "All, Nationwide" not in set(annual["agency"])
    a0 = annual[annual["agency"] == "A0, XX"]
    assert list(a0["year"]) == [2018], "a year with a missing month is left out"
    pairs = variation.year_pairs(annual, exclude=["Big, NC"])
    assert "A0, XX" not in set(pairs["agency"]) and "Big, NC" not in set(pairs["agency"])


def test_assess_flags_the_planted_rise():
    table = variation.assess(monthly_panel(), "Big, NC", exclude=(), k=20)
    assert table.loc["murder", "beyond"] and table.loc["murder", "neighbour_beyond"]
    assert not table.loc["rape", "beyond"]
    assert table.loc["murder", "before"] == 60 and table.loc["murder", "after"] == 240


def test_regression_to_the_mean_slope_on_noise_and_on_persistent_levels():
    rng = np.random.default_rng(4)
    years = range(2015, 2022)
    noise = pd.DataFrame(
        [
            {"agency": f"n{i}", "year": y, "count": rng.poisson(50)}
            for i in range(400)
            for y in years
        ]
    )
    # Pure noise around a stable level: a deviation is undone. With a prior mean of k noisy years
    # the slope is -k / (k + 1): -2/3 for k = 2.
    slope = variation.rtm_slope(variation.rtm_panel(noise, prior=2, exclude=()))["slope"]
    assert slope == pytest.approx(-2 / 3, abs=0.1)
    # Random walks: deviations persist, no regression to the mean.
    walk = []
    for i in range(400):
        level = 200.0
        for y in years:
            level *= np.exp(rng.normal(0, 0.2))
            walk.append({"agency": f"w{i}", "year": y, "count": rng.poisson(level)})
    slope = variation.rtm_slope(variation.rtm_panel(pd.DataFrame(walk), prior=2, exclude=()))
    assert slope["slope"] > -0.2


def test_rtm_expected_cannot_explain_a_rise_beyond_the_prior_mean():
    out = variation.rtm_expected([60, 70], last=50, slope=-1.0)
    assert out["expected"] == pytest.approx(65)
    assert out["full_reversion"] == pytest.approx(65)
    half = variation.rtm_expected([60, 70], last=50, slope=-0.5)
    assert 50 < half["expected"] < 65
    # After a high year, regression to the mean predicts a fall.
    assert variation.rtm_expected([60, 70], last=100, slope=-0.5)["expected"] < 100


def test_rtm_check_on_the_synthetic_panel():
    monthly = monthly_panel(end="2021-12-01")
    series = pd.Series({2014: 100, 2015: 90, 2016: 80, 2017: 80, 2018: 60})
    out = variation.rtm_check(monthly, "Big, NC", "murder", series, factor=100, exclude=())
    assert out["level"] == 80 and out["before"] == 60 and out["after"] == 240
    # The slope is negative, so a low 2018 predicts a rise, but at most back to the prior mean.
    assert 60 <= out["expected_after"] <= out["full_reversion_after"] == pytest.approx(80)
    assert 0 <= out["share_explained"] < 0.15
    assert out["long_mean"] == 82 and out["after_vs_long_mean"] > 100
    assert out["years"] == [2020], "the slope's windows (2018-2021) are named"


def size_varying_pairs(n=3000, seed=21):
    """Pairs whose NB2 dispersion falls with size: alpha = 0.03 * (mu / 100) ** -0.5."""
    rng = np.random.default_rng(seed)
    mu = np.exp(rng.uniform(np.log(20), np.log(20000), n))
    alpha = 0.03 * (mu / 100) ** -0.5
    before = rng.poisson(mu * rng.gamma(1 / alpha, alpha))
    after = rng.poisson(mu * rng.gamma(1 / alpha, alpha))
    frame = pd.DataFrame({"agency": [f"a{i}" for i in range(n)], "year": 2018})
    return frame.assign(before=before, after=after)


def test_local_alpha_recovers_a_dispersion_that_varies_with_size():
    pairs = size_varying_pairs()
    for size in (300, 5000):
        truth = 0.03 * (size / 100) ** -0.5
        near = variation.local_pairs(pairs, size, factor=3)
        assert near["before"].between(size / 3, size * 3).all() and len(near) >= 30
        local = variation.nb_alpha(near["before"], near["after"])
        assert local == pytest.approx(truth, rel=0.25)
    top = variation.alpha_by_band(pairs).set_index("band").loc["3", "alpha"]
    near = variation.local_pairs(pairs, 15000, factor=3)
    truth = 0.03 * 150**-0.5
    local = variation.nb_alpha(near["before"], near["after"])
    assert abs(local - truth) < abs(top - truth), "the band alpha is not the top unit's alpha"
    few = variation.local_pairs(pairs.head(40), 5000, factor=1.01, min_pairs=30, k=25)
    assert len(few) == 25, "too few pairs in the window: the nearest k instead"


def test_alpha_draws_match_the_estimator_sampling_error():
    rng = np.random.default_rng(31)
    mu = np.exp(rng.uniform(np.log(500), np.log(5000), 60))
    alpha = 0.006

    def sample():
        shock = rng.gamma(1 / alpha, alpha, (2, 60))
        return rng.poisson(mu * shock[0]), rng.poisson(mu * shock[1])

    estimates = [variation.nb_alpha(*sample()) for _ in range(300)]
    b, a = sample()
    draws = variation.alpha_draws(b, a, variation.nb_alpha(b, a), n=300, seed=2)
    assert np.std(draws) == pytest.approx(np.std(estimates), rel=0.35)


def test_ordinary_change_carries_alpha_uncertainty_consistently():
    fixed = variation.ordinary_change(60, 110, 0.006)
    same = variation.ordinary_change(60, 110, 0.006, draws=np.full(50, 0.006))
    assert same.z == pytest.approx(fixed.z, rel=1e-6) and same.low == pytest.approx(fixed.low)
    spread = variation.ordinary_change(60, 110, 0.006, draws=np.linspace(0, 0.03, 200))
    assert abs(spread.z) < abs(fixed.z) and spread.high - spread.low > fixed.high - fixed.low
    for after in range(70, 130, 3):
        out = variation.ordinary_change(60, after, 0.006, draws=np.linspace(0, 0.03, 200))
        assert out.beyond == (not out.low < out.expected_pct < out.high)


def test_family_line_counts_the_tests_and_applies_holm():
    tables = [variation.assess(monthly_panel(), "Big, NC", exclude=(), k=20, n_draws=50)]
    line = variation.family_line(tables)
    assert line["tests"] == 5 and line["expected"] == pytest.approx(0.25)
    assert line["beyond"] >= line["holm_beyond"] >= 1  # the planted murder rise survives
    assert (line["p_holm"] >= 2 * variation.stats.norm.sf(tables[0]["z"].abs().max())).all()


def test_nb_alpha_rows_equals_the_estimator_row_by_row():
    rng = np.random.default_rng(41)
    mu = np.exp(rng.uniform(np.log(5), np.log(500), 40))
    shock = rng.gamma(1 / 0.02, 0.02, (2, 30, 40))
    before, after = rng.poisson(mu * shock[0]), rng.poisson(1.1 * mu * shock[1])
    before[0], after[0] = 0, 0  # a sample with no events: missing, not an error
    rows = variation.nb_alpha_rows(before, after, 1.1)
    assert np.isnan(rows[0])
    for i in range(1, 30):
        assert rows[i] == pytest.approx(variation.nb_alpha(before[i], after[i], 1.1), abs=1e-12)
    assert len(variation.alpha_draws(mu[:10], mu[:10], 0.0, n=50)) == 50  # Poisson replicates


def test_family_line_alternatives_one_sided_and_per_unit():
    a = pd.DataFrame({"z": [2.7, 0.3, -0.5]}, index=["murder", "rape", "violent"])
    b = pd.DataFrame({"z": [1.0, -2.0, 0.2]}, index=["murder", "rape", "violent"])
    sf = variation.stats.norm.sf
    two = variation.family_line([a, b])
    assert two["p_holm"][(0, "murder")] == pytest.approx(6 * 2 * sf(2.7))
    rise = variation.family_line([a, b], sided="rise")
    assert rise["p_holm"][(0, "murder")] == pytest.approx(6 * sf(2.7))
    assert rise["p"][(1, "rape")] == pytest.approx(sf(-2.0)), "a fall is no evidence of a rise"
    per = variation.family_line([a, b], per_unit=True)
    assert per["p_holm"][(0, "murder")] == pytest.approx(3 * 2 * sf(2.7))
    with pytest.raises(ValueError):
        variation.family_line([a], sided="left")


def test_printed_adjusted_p_does_not_move_with_the_bootstrap_seed():
    """The real data: with the default number of draws, two seeds print the same adjusted
    p-value for the book's smallest one (Charlotte's murders), and its Monte Carlo error is
    far below the printed precision."""
    from factcheck.data import loaders

    monthly = loaders.rtci_monthly()
    printed, errors = set(), []
    for seed in (0, 1):
        tables = [variation.assess(monthly, a, seed=seed) for a in variation.TREATED]
        line = variation.family_line(tables)
        printed.add(fmt.fmt_num(float(line["p_holm"].min()), 2))
        errors.append(line["tests"] * tables[0].loc["murder", "p_mc_se"])
    assert len(printed) == 1, printed
    assert max(errors) < 0.001


def test_with_agency_appends_an_outside_agency_in_the_index_format():
    index = pd.DataFrame(
        {
            "agency": ["A, TX"],
            "agency_name": ["A"],
            "state_abbr": ["TX"],
            "date": pd.to_datetime(["2018-01-01"]),
            "violent": [3.0],
        }
    )
    fbi = pd.DataFrame(
        {
            "ori": ["MD0120"],
            "date": pd.to_datetime(["2018-01-01"]),
            "violent": [5.0],
            "property": [9.0],
        }
    )
    out = variation.with_agency(index, fbi, "Harford County SO, MD", "MD")
    assert list(out.columns) == list(index.columns)
    assert out.iloc[-1].to_dict()["agency_name"] == "Harford County SO"
    assert out["violent"].tolist() == [3.0, 5.0]
    with pytest.raises(ValueError):
        variation.with_agency(out, fbi, "Harford County SO, MD", "MD")
    with pytest.raises(ValueError):
        variation.with_agency(index, fbi.drop(columns="violent"), "B, MD", "MD")
