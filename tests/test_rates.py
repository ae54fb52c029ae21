"""Rates, exact Poisson intervals and year-over-year changes, on hand-checked inputs."""

import math

import numpy as np
import pandas as pd
import pytest

from factcheck.stats import rates


def test_per_100k_scalar_and_series():
    assert rates.per_100k(50, 1_000_000) == pytest.approx(5.0)
    counts = pd.Series([10, 20], index=["a", "b"])
    pops = pd.Series([200_000, 0], index=["a", "b"])
    out = rates.per_100k(counts, pops)
    assert out["a"] == pytest.approx(5.0)
    assert math.isnan(out["b"]), "a zero population must give NaN, not inf"


def test_count_change_equal_counts_not_significant():
    change = rates.count_change(100, 100)
    assert change.ratio == 1.0 and change.pct == 0.0
    assert change.lower < 1.0 < change.upper
    assert not change.significant


def test_count_change_doubling_is_significant_and_interval_is_exact():
    change = rates.count_change(50, 100)
    assert change.pct == pytest.approx(100.0)
    assert change.significant
    # Conditional binomial: after ~ Bin(150, r/(1+r)); check against the beta quantiles.
    from scipy import stats

    p_low = stats.beta.ppf(0.025, 100, 51)
    assert change.lower == pytest.approx(p_low / (1 - p_low))


def test_count_change_small_counts_are_noisy():
    # Murders 59 -> 72 (+22%) is within noise at 95%.
    change = rates.count_change(59, 72)
    assert change.pct == pytest.approx(22.03, abs=0.01)
    assert not change.significant
    with pytest.raises(ValueError):
        rates.count_change(0, 5)


def test_dispersion_is_one_for_pure_poisson_noise():
    rng = np.random.default_rng(20181201)
    means = rng.uniform(20, 500, size=4000)
    before, after = rng.poisson(means), rng.poisson(means)
    assert rates.dispersion(before, after) == pytest.approx(1.0, abs=0.1)
    # Real changes on top of the noise raise it.
    shifted = rng.poisson(means * rng.lognormal(0, 0.2, size=means.size))
    assert rates.dispersion(before, shifted) > 2
    with pytest.raises(ValueError):
        rates.dispersion([1, 2], [3, 4])


def test_overdispersed_change_widens_the_log_interval():
    base = rates.overdispersed_change(100, 150, phi=1.0)
    wide = rates.overdispersed_change(100, 150, phi=4.0)
    assert base.ratio == wide.ratio == 1.5
    # phi = 4 doubles the half-width on the log scale.
    assert np.log(wide.upper / wide.ratio) == pytest.approx(2 * np.log(base.upper / base.ratio))
    # With phi = 1 and large counts it agrees with the exact interval.
    exact = rates.count_change(1000, 1100)
    approx = rates.overdispersed_change(1000, 1100, phi=1.0)
    assert approx.lower == pytest.approx(exact.lower, abs=0.005)
    assert approx.upper == pytest.approx(exact.upper, abs=0.005)
    with pytest.raises(ValueError):
        rates.overdispersed_change(0, 5, phi=1.0)
