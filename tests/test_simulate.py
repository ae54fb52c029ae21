"""The declined-detainer arithmetic: a binomial count thinned twice is Binomial(n, p*q)."""

import numpy as np
import pytest
from scipy import stats

from factcheck.stats import simulate


def listed_distribution(n_released: int, p_reoffend: float, p_detected: float) -> np.ndarray:
    """Exact probabilities of listing 0..n people, summed over the re-arrested count:
    P(listed = k) = sum over m of Binom(m; n, p) * Binom(k; m, q), written out in full (not via
    the identity the module relies on) so that the identity can be checked against it."""
    m = np.arange(n_released + 1)
    reoffended = stats.binom.pmf(m, n_released, p_reoffend)
    listed = stats.binom.pmf(m[:, None], m[None, :], p_detected)  # [k, m]
    return listed @ reoffended


def test_thinning_identity_holds_exactly():
    n, p, q = 30, 0.4, 0.25
    two_step = listed_distribution(n, p, q)
    assert two_step.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(two_step, stats.binom.pmf(np.arange(n + 1), n, p * q), atol=1e-12)


def test_equal_products_give_identical_distributions():
    n = 40
    a = listed_distribution(n, 0.8, 0.05)
    b = listed_distribution(n, 0.05, 0.8)
    np.testing.assert_allclose(a, b, atol=1e-12)  # 16-fold different re-offense rates
    c = listed_distribution(n, 0.8, 0.1)  # a different product does differ
    assert np.abs(a - c).max() > 0.01


def test_equal_product_cases_and_range():
    cases = simulate.equal_product_cases(2700, 15, [0.4, 0.1, 0.02])
    assert cases["expected"].to_numpy() == pytest.approx([15, 15, 15])
    assert cases["p_detected"].to_numpy() == pytest.approx(
        [15 / 2700 / p for p in (0.4, 0.1, 0.02)]
    )
    with pytest.raises(ValueError):
        simulate.equal_product_cases(100, 15, [0.05])  # would need detection above 1
    low, high = simulate.central_range(2700, 15 / 2700)
    assert low < 15 < high
    assert simulate.expected_listed(100, 0.5, 0.2) == pytest.approx(10)
    with pytest.raises(ValueError):
        simulate.expected_listed(10, 1.5, 0.1)


def test_cases_display_has_one_range_for_all_rows():
    cases = simulate.equal_product_cases(2700, 15, [0.4, 0.1])
    shown = simulate.cases_display(cases, 2700)
    assert shown["share re-arrested"].tolist() == ["40%", "10%"]
    assert shown["people listed: central 90% range"].nunique() == 1
    assert "share of re-arrests that reach the list" in shown.columns
