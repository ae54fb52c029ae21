"""Rates per 100,000, and changes between counts with their intervals (tables of changes, rises).

Crime counts are small for some offenses (murder in a mid-sized city is tens a year), so a
change from one year to the next is read against its sampling noise: the exact conditional
(binomial) interval for the ratio of two Poisson counts, or a wider one when the counts are
overdispersed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from factcheck.base.fmt import fmt_int, fmt_pct

PER = 100_000


def per_100k(count, population):
    """Rate per 100,000 residents. Works on scalars, arrays and Series.

    A population that is missing or not positive gives NaN rather than a misleading number.
    """
    pop = (
        pd.to_numeric(population, errors="coerce")
        if isinstance(population, pd.Series)
        else population
    )
    pop = np.where(np.asarray(pop, dtype=float) > 0, pop, np.nan)
    result = np.asarray(count, dtype=float) / pop * PER
    if isinstance(count, pd.Series):
        return pd.Series(result, index=count.index, name=count.name)
    return float(result) if np.ndim(result) == 0 else result


@dataclass(frozen=True)
class Change:
    """A change between two counts with an exact interval for their ratio."""

    before: int
    after: int
    ratio: float
    lower: float
    upper: float

    @property
    def pct(self) -> float:
        """Percentage change, after vs before."""
        return (self.ratio - 1.0) * 100.0

    @property
    def significant(self) -> bool:
        """True when the interval for the ratio excludes 1 (no change)."""
        return self.lower > 1.0 or self.upper < 1.0


def count_change(before: int, after: int, level: float = 0.95) -> Change:
    """Ratio after/before of two Poisson counts with an exact conditional interval.

    Given the total n = before + after, ``after`` is binomial with p = r / (1 + r), where r is
    the ratio of the two means; a Clopper-Pearson interval for p maps to one for r.
    """
    if before < 0 or after < 0:
        raise ValueError("counts cannot be negative")
    if before == 0:
        raise ValueError("the ratio is undefined when the earlier count is zero")
    n = before + after
    alpha = 1.0 - level
    p_low = 0.0 if after == 0 else stats.beta.ppf(alpha / 2, after, n - after + 1)
    p_high = stats.beta.ppf(1 - alpha / 2, after + 1, n - after) if after < n else 1.0
    lower = p_low / (1 - p_low)
    upper = np.inf if p_high >= 1 else p_high / (1 - p_high)
    return Change(before, after, after / before, float(lower), float(upper))


def dispersion(before, after, min_total: int = 10) -> float:
    """Robust overdispersion of year-to-year changes across units (1 = pure Poisson noise).

    For each unit, z = (after - before) / sqrt(after + before) has variance 1 if the two counts
    differ only by Poisson chance. Across many units, real local changes add to it. The median of
    z squared divided by the median of a chi-square with one degree of freedom estimates the
    factor by which ordinary year-to-year variation exceeds Poisson noise, without letting a few
    extreme units dominate. Units with fewer than ``min_total`` events in the two years together
    are left out.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    keep = (a + b) >= min_total
    if keep.sum() < 10:
        raise ValueError("too few units to estimate dispersion")
    z2 = (a[keep] - b[keep]) ** 2 / (a[keep] + b[keep])
    return float(np.median(z2) / stats.chi2.ppf(0.5, 1))


def overdispersed_change(before: int, after: int, phi: float, level: float = 0.95) -> Change:
    """Ratio after/before with a quasi-Poisson interval: log-ratio variance phi * (1/b + 1/a).

    With ``phi`` from :func:`dispersion`, the interval asks whether a change is beyond the
    ordinary year-to-year variation of comparable units, not just beyond Poisson chance.
    """
    if before <= 0 or after <= 0:
        raise ValueError("both counts must be positive")
    ratio = after / before
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(phi * (1 / before + 1 / after))
    return Change(before, after, ratio, float(ratio * np.exp(-half)), float(ratio * np.exp(half)))


def change_table(
    before: pd.Series,
    after: pd.Series,
    level: float = 0.95,
    dispersion: pd.Series | None = None,
) -> pd.DataFrame:
    """Change from ``before`` to ``after`` for each index label, with an exact interval.

    Columns: before, after, pct (percentage change), low and high (the interval for the
    percentage change, from the exact conditional test on the ratio of two Poisson counts),
    and significant (the interval excludes no change). With ``dispersion`` (a factor per
    label, from :func:`factcheck.stats.rates.dispersion`), also od_low, od_high and beyond_ordinary:
    the quasi-Poisson interval, which asks whether the change exceeds ordinary year-to-year
    variation.
    """
    rows = {}
    for label in before.index:
        b, a = int(before[label]), int(after[label])
        change = count_change(b, a, level=level)
        row = {
            "before": b,
            "after": a,
            "pct": change.pct,
            "low": (change.lower - 1) * 100,
            "high": (change.upper - 1) * 100,
            "significant": change.significant,
        }
        if dispersion is not None:
            wide = overdispersed_change(b, a, float(dispersion[label]), level=level)
            row |= {
                "od_low": (wide.lower - 1) * 100,
                "od_high": (wide.upper - 1) * 100,
                "beyond_ordinary": wide.significant,
            }
        rows[label] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def rises(
    annual: pd.DataFrame, by: str, categories: Sequence[str], total: str, start: int, end: int
) -> pd.DataFrame:
    """For each unit with both years, whether ``total`` and each category rose from start to end.

    Adds ``all_rose`` (every category rose) and ``pct`` (percentage change of ``total``).
    A tie is not a rise.
    """
    wide = annual[annual["year"].isin([start, end])].pivot(
        index=by, columns="year", values=[*categories, total]
    )
    wide = wide.dropna()
    out = pd.DataFrame(index=wide.index)
    for name in [*categories, total]:
        out[f"{name}_rose"] = wide[(name, end)] > wide[(name, start)]
    out["all_rose"] = out[[f"{c}_rose" for c in categories]].all(axis=1)
    out["pct"] = (wide[(total, end)] / wide[(total, start)] - 1) * 100
    return out


def rise_frequency(
    annual: pd.DataFrame, by: str, categories: Sequence[str], total: str
) -> pd.DataFrame:
    """For every pair of consecutive years, the share of units whose total rose and whose
    categories all rose together. One row per later year, plus the number of units."""
    years = sorted(annual["year"].unique())
    rows = []
    for start, end in zip(years[:-1], years[1:], strict=True):
        if end != start + 1:
            continue
        table = rises(annual, by, categories, total, start, end)
        rows.append(
            {
                "from": start,
                "to": end,
                "units": len(table),
                "total_rose": table[f"{total}_rose"].mean(),
                "all_rose": table["all_rose"].mean(),
            }
        )
    return pd.DataFrame(rows)


def format_rise_frequency(freq: pd.DataFrame) -> pd.DataFrame:
    """:func:`rise_frequency` as display strings: years, agencies and the two shares in percent."""

    return pd.DataFrame(
        {
            "years": freq["from"].astype(str) + " to " + freq["to"].astype(str),
            "agencies": freq["units"].map(fmt_int),
            "violent crime rose": (100 * freq["total_rose"]).map(lambda v: fmt_pct(v, 0)),
            "all four categories rose": (100 * freq["all_rose"]).map(lambda v: fmt_pct(v, 0)),
        }
    )
