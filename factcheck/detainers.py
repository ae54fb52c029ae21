"""Detainers, identifications and transfers: tables and the arithmetic the verdicts rest on.

Three different counts appear in the articles and must not be confused: 287(g)
*identifications* (ICE's FOIA counts by program and fiscal year), *detainers* lodged by ICE with
a jail (requests to hold a person), and *transfers* of people from a jail to ICE custody. A
detainer that a jail declines is still a detainer lodged, so a published count of declined
detainers is a floor under the detainers ICE lodged with that jail over the same months.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .report import fmt_int


def foia_rows(foia: pd.DataFrame, counties: list[str]) -> pd.DataFrame:
    """Rows of ICE's FOIA identifications for agencies naming one of ``counties``.

    ``foia`` as :func:`factcheck.loaders.nc_identified_removed`; rows with no identification
    figure (no agreement that year) are dropped. A ``county`` column holds the first word of
    the agency name.
    """
    pattern = "|".join(re.escape(c) for c in counties)
    rows = foia[foia["agency"].str.contains(pattern)].dropna(subset=["identified_287g"])
    return rows.assign(county=rows["agency"].str.split().str[0])


def foia_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The FOIA rows formatted for display: county, FY label, identified, removed."""
    return pd.DataFrame(
        {
            "county": rows["county"],
            "year": rows["fiscal_year"].map(lambda y: f"FY{y}"),
            "identified": rows["identified_287g"].map(fmt_int),
            "removed": rows["removed_287g"].map(fmt_int),
        }
    )


def county_series(rows: pd.DataFrame, county: str, column: str = "identified_287g") -> pd.Series:
    """One county's FOIA figure by fiscal year."""
    return rows[rows["county"] == county].set_index("fiscal_year")[column]


def per_month(count: float, months: float) -> float:
    """Average per month of a count over a number of months."""
    if months <= 0:
        raise ValueError("months must be positive")
    return count / months


def months_between(start, end) -> int:
    """Whole calendar months from the month of ``start`` to the month of ``end``."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return (end.year - start.year) * 12 + end.month - start.month


def below_floor(claimed: float, floor: float) -> bool:
    """True when a claimed count is below a documented minimum for the same jail and months.

    Declined detainers are a floor under detainers lodged: a claimed count of detainers lodged
    that is below the count declined cannot be right.
    """
    return claimed < floor


def floor_lodged_after(declined: float, held_before: float) -> float:
    """A floor under the detainers lodged after a date, from the detainers declined since.

    ``declined`` counts detainers a jail declined in a window after the date; some of them may
    have been lodged before it, on people already held then (at most ``held_before``, the
    people held on such detainers at the date). What is left after taking those away is a floor
    on detainers lodged after the date; it cannot go below zero.
    """
    if declined < 0 or held_before < 0:
        raise ValueError("counts must not be negative")
    return max(declined - held_before, 0.0)


def fall_factor(before: float, after: float) -> float:
    """How many times smaller ``after`` is than ``before`` (2.0 = halved)."""
    if after <= 0:
        raise ValueError("after must be positive")
    return before / after


def release_bound(released: float, first_year_share: float, rise: float) -> dict[str, float]:
    """How much of a one-year rise in offences people released instead of transferred could
    explain, at a published first-year re-arrest rate (a plausibility bound, not an estimate).

    ``released`` people, who would otherwise have been handed to ICE, are released evenly over
    one calendar year; each is arrested again within a year of release with probability
    ``first_year_share`` (the share of a released cohort arrested at least once in its first
    year), at a constant hazard ``h = -ln(1 - first_year_share)``. A person released at time
    ``t`` (in years) is then arrested before the year ends with probability
    ``1 - exp(-h (1 - t))``; averaged over the year that is ``1 - first_year_share / h``.

    Returns ``arrested`` (expected people arrested again within the year), ``per_arrested``
    (offences of the ``rise`` each of them would have to account for) and
    ``first_half_share`` (the share of those arrests falling in the year's first half: releases
    accumulate, so an effect builds through the year instead of appearing as a step).
    """
    if released <= 0:
        raise ValueError("released must be positive")
    if not 0 < first_year_share < 1:
        raise ValueError("first_year_share must be between 0 and 1")
    if rise < 0:
        raise ValueError("rise must not be negative")
    h = -math.log1p(-first_year_share)

    def cumulative(t: float) -> float:  # expected arrests by time t per person released a year
        return t - (1 - math.exp(-h * t)) / h

    arrested = released * cumulative(1.0)
    return {
        "arrested": arrested,
        "per_arrested": rise / arrested,
        "first_half_share": cumulative(0.5) / cumulative(1.0),
    }


def first_half_share_of_change(before: pd.Series, after: pd.Series) -> float:
    """The share of a year-on-year change (``after`` minus ``before``, monthly counts for
    months 1-12 of each year) that falls in January to June."""
    months = list(range(1, 13))
    if sorted(before.index) != months or sorted(after.index) != months:
        raise ValueError("both years need all twelve months, indexed 1-12")
    change = after - before
    if change.sum() == 0:
        raise ValueError("no change over the year")
    return float(change.loc[1:6].sum() / change.sum())
