"""Detainers, identifications and transfers: tables and the arithmetic the verdicts rest on.

Three different counts appear in the articles and must not be confused: 287(g)
*identifications* (ICE's FOIA counts by program and fiscal year), *detainers* lodged by ICE with
a jail (requests to hold a person), and *transfers* of people from a jail to ICE custody. A
detainer that a jail declines is still a detainer lodged, so a published count of declined
detainers is a floor under the detainers ICE lodged with that jail over the same months.
"""

from __future__ import annotations

import re

import pandas as pd

from factcheck.base.fmt import fmt_int


def foia_rows(foia: pd.DataFrame, counties: list[str]) -> pd.DataFrame:
    """Rows of ICE's FOIA identifications for agencies naming one of ``counties``.

    ``foia`` as :func:`factcheck.data.loaders.nc_identified_removed`; rows with no identification
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


def share_fallen(before: float, after: float) -> float:
    """The share by which a rate fell from ``before`` to ``after`` (0.75 = fell by three quarters).

    Both are rates over the same unit of time (a month, a year); a rise gives a negative share.
    """
    if before <= 0 or after < 0:
        raise ValueError("before must be positive and after not negative")
    return 1 - after / before


def release_bound(released: float, rise: float, *, at_once: bool = True) -> dict[str, float]:
    """The rise in offences over one calendar year expressed per person-year of the people
    released instead of transferred (a plausibility bound on what releases could explain, not an
    estimate of what they did).

    ``at_once=True`` is the assumption most generous to releases as the explanation: all
    ``released`` people are a stock released on 1 January and at large the whole year, so the
    year holds ``released`` person-years. ``at_once=False`` spreads the releases evenly through
    the year, so each person is at large for half of it on average (``released / 2``
    person-years).

    Returns ``person_years`` and ``per_person_year``, the offences of the ``rise`` each released
    person-year would have to account for if releases explained all of it. Nothing here models
    arrests: that rate is compared with a published re-arrest share in the chapter, whose
    caveats (repeat arrests, offences that never lead to an arrest) the chapter states.
    """
    if released <= 0:
        raise ValueError("released must be positive")
    if rise < 0:
        raise ValueError("rise must not be negative")
    person_years = released * (1.0 if at_once else 0.5)
    return {"person_years": person_years, "per_person_year": rise / person_years}
