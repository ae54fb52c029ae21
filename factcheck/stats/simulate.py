"""Why a list of re-arrested people cannot give a re-offense rate: the arithmetic.

ICE's Declined Detainer Outcome Report lists people released despite a detainer whom ICE later
learned had been arrested again. If each of ``n`` released people is re-arrested with
probability ``p`` and each re-arrest reaches the list with probability ``q`` (ICE learns of the
decline and includes the case, so ``q`` reflects ICE's selection as well as its awareness), the
listed count is a binomial count thinned twice, which is exactly Binomial(n, p * q). Its whole
distribution depends on ``p`` and ``q`` only through their product, so the list cannot tell a
high re-offense rate with a small share listed from a low one with a large share listed. No
simulation is needed: the module computes the expected count and the exact distribution.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from scipy import stats

from factcheck.base.fmt import fmt_int, fmt_num, fmt_pct


def _check(name: str, p: float) -> None:
    if not 0 <= p <= 1:
        raise ValueError(f"{name} must be a probability, got {p}")


def expected_listed(n_released: float, p_reoffend: float, p_detected: float) -> float:
    """Expected number of people listed: n * p_reoffend * p_detected."""
    _check("p_reoffend", p_reoffend)
    _check("p_detected", p_detected)
    return n_released * p_reoffend * p_detected


def equal_product_cases(
    n_released: float, listed: float, reoffend_shares: Iterable[float]
) -> pd.DataFrame:
    """Scenarios that all produce the same expected list of ``listed`` people.

    For each assumed re-offense share p, the detection share that gives the list is
    listed / (n * p). Columns: p_reoffend, p_detected, expected (the same in every row).
    Raises ValueError when a scenario would need a detection share above 1.
    """
    product = listed / n_released
    rows = []
    for p in reoffend_shares:
        q = product / p
        _check("p_detected", q)
        rows.append(
            {"p_reoffend": p, "p_detected": q, "expected": expected_listed(n_released, p, q)}
        )
    return pd.DataFrame(rows)


def central_range(n_released: int, product: float, level: float = 0.9) -> tuple[int, int]:
    """The central ``level`` range of Binomial(n, product): the same for every scenario."""
    _check("product", product)
    tail = (1 - level) / 2
    dist = stats.binom(n_released, product)
    return int(dist.ppf(tail)), int(dist.ppf(1 - tail))


def cases_display(cases: pd.DataFrame, n_released: int, level: float = 0.9) -> pd.DataFrame:
    """:func:`equal_product_cases` formatted for a table, with the list's central range.

    The range is that of Binomial(n, product), so it is the same in every row: that sameness is
    the point of the table.
    """

    product = float(cases["p_reoffend"].iloc[0] * cases["p_detected"].iloc[0])
    low, high = central_range(n_released, product, level)
    return pd.DataFrame(
        {
            "share re-arrested": [fmt_pct(100 * v, 0) for v in cases["p_reoffend"]],
            "share of re-arrests that reach the list": [
                fmt_pct(100 * v, 1) for v in cases["p_detected"]
            ],
            "people listed: expected": [fmt_num(v, 1) for v in cases["expected"]],
            f"people listed: central {level:.0%} range": f"{fmt_int(low)} to {fmt_int(high)}",
        }
    )
