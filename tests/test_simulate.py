"""The declined-detainer simulation: seeded, unbiased, and blind to the re-offense rate."""

import numpy as np
import pytest

from factcheck import rates, simulate


def test_listed_cases_is_seeded_and_unbiased():
    a = simulate.listed_cases(2700, 0.4, 0.014, reps=5000, seed=7)
    b = simulate.listed_cases(2700, 0.4, 0.014, reps=5000, seed=7)
    np.testing.assert_array_equal(a, b)
    assert a.mean() == pytest.approx(2700 * 0.4 * 0.014, rel=0.03)
    assert (a >= 0).all()
    with pytest.raises(ValueError):
        simulate.listed_cases(10, 1.5, 0.1, reps=1, seed=1)


def test_scenarios_with_equal_products_give_the_same_lists():
    table = simulate.scenarios(2700, [(0.4, 0.014), (0.056, 0.1), (0.014, 0.4)], reps=20000)
    assert table["expected"].round(6).nunique() == 1  # same product p_reoffend * p_detected
    # The lists are statistically indistinguishable although re-offense rates differ 28-fold.
    assert table["mean"].max() - table["mean"].min() < 0.3
    assert (table["low"] < table["expected"]).all() and (table["expected"] < table["high"]).all()
    first = simulate.scenarios(2700, [(0.4, 0.014)], reps=1000)
    more = simulate.scenarios(2700, [(0.4, 0.014), (0.1, 0.1)], reps=1000)
    assert first.iloc[0].equals(more.iloc[0])  # adding a scenario leaves the others unchanged


def test_rate_ratio_and_adjustments():
    assert rates.rate_ratio(40, 1000, 10, 1000) == pytest.approx(4.0)
    assert rates.rate_ratio(4, 100, 10, 1000) == pytest.approx(4.0)
    assert rates.adjusted_ratio(4.0, counts_per_person=2.0) == pytest.approx(2.0)
    assert rates.adjusted_ratio(4.0, 2.0, 1.25) == pytest.approx(1.6)
    with pytest.raises(ValueError):
        rates.rate_ratio(1, 0, 1, 1)
    with pytest.raises(ValueError):
        rates.adjusted_ratio(4.0, 0)
