"""Aggregating crime counts honestly: completeness, months into years, county totals.

Nothing here imputes. A year's total is reported with the number of months behind it, a
county total exists only when every agency of the county reported every month. (Changes between
counts, with their intervals, are :mod:`factcheck.stats.rates`.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from scipy.stats import poisson

from factcheck.base.fmt import fmt_int


def mask_implausible_zeros(
    monthly: pd.DataFrame, by: str, values: Sequence[str], total: str, typical: float = 20
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat a month with ``total == 0`` as missing when the agency typically records more.

    FBI monthly files record a month an agency did not report as zeros. For an agency whose
    median month (over months with any offense) has at least ``typical`` offenses, a month with
    none is a reporting gap, not a count: its ``values`` are set to missing. Returns the masked
    frame and the masked rows (agency and date), so the gaps can be shown.
    """
    positive = monthly[monthly[total] > 0]
    median = positive.groupby(by)[total].median()
    busy = monthly[by].map(median).fillna(0) >= typical
    gap = busy & (monthly[total] == 0)
    masked = monthly.copy()
    masked.loc[gap, list(values)] = pd.NA
    return masked, monthly.loc[gap]


UNREPORTED_SHARE = 0.25  # a near-empty month holds fewer than this share of the typical month
UNREPORTED_CHANCE = 0.001  # ... and a Poisson count at the typical level falls that low this rarely


def mask_unreported_months(
    monthly: pd.DataFrame,
    by: str,
    values: Sequence[str],
    offenses: str,
    card: str = "card",
    share: float = UNREPORTED_SHARE,
    chance: float = UNREPORTED_CHANCE,
    window: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Months of an FBI Return A file that were not reported, set to missing, with the reason.

    The FBI's monthly files mark a month an agency did not report in two ways: a blank row, and
    a row of zeros (or almost zeros) that still carries a "normal return" card. A month is
    treated as not reported when it is

    - ``blank``: the row has no counts;
    - ``no card``: the row has counts but no card (``card`` missing);
    - ``zero`` or ``near empty``: its ``offenses`` (violent and property index offenses) are
      none, or fewer than ``share`` of the agency's typical month, *and* so few that a Poisson
      count at the typical level would fall that low with probability below ``chance``
      (``share=0`` treats only months of no offenses as not reported). The typical month is
      the median of the agency's months with any offense in the same calendar year and
      ``window`` years either side. The first condition keeps a large agency's ordinary dips;
      the second keeps a small agency's quiet months (a town that averages four offenses a
      month can record none).

    Returns the frame with ``values`` set to missing in those months, and the masked rows
    (``by``, ``date``, ``reason``, ``offenses``, ``typical``), so every gap can be shown.
    Nothing is filled in.
    """

    data = monthly.reset_index(drop=True)
    year = pd.to_datetime(data["date"]).dt.year
    has_counts = data[list(values)].notna().any(axis=1)
    reason = pd.Series(pd.NA, index=data.index, dtype="object")
    reason[~has_counts] = "blank"
    reason[has_counts & data[card].isna()] = "no card"
    usable = reason.isna() & (data[offenses] > 0)
    typical = pd.Series(float("nan"), index=data.index)
    for unit, rows in data.groupby(by).groups.items():
        unit_years = year[rows]
        for y in unit_years.unique():
            near = usable & (data[by] == unit) & year.between(y - window, y + window)
            typical[rows[unit_years == y]] = data.loc[near, offenses].median()
    count = data[offenses]
    few = (count == 0) | (count < share * typical)
    low = few & (poisson.cdf(count.fillna(0), typical.fillna(0)) < chance)
    flagged = reason.isna() & has_counts & typical.notna() & low
    reason[flagged] = "near empty"
    reason[flagged & (count == 0)] = "zero"
    masked = data.copy()
    masked.loc[reason.notna(), list(values)] = pd.NA
    gaps = data.loc[reason.notna(), [by, "date", offenses]].assign(
        reason=reason[reason.notna()], typical=typical[reason.notna()]
    )
    return masked, gaps.reset_index(drop=True)


def annual_from_monthly(
    monthly: pd.DataFrame,
    by: str | Sequence[str],
    date: str,
    values: Sequence[str],
    months_of: str | None = None,
    partial_missing: bool = False,
) -> pd.DataFrame:
    """Sum monthly counts to calendar years, with ``months``: how many months had data.

    The one place where months become years (the index's annual table, the ordinary-variation
    counts, the size of an agency and the FBI monthly files all call it). ``by``: a column or
    a list of columns identifying the unit. A month whose values are all missing does not
    count as reported (``months_of``: only that column decides); a year with no reported month
    has missing totals, not zeros. With ``partial_missing``, a value's yearly total is missing
    when the value is missing in a month that counts as reported (a partial sum would
    understate it).
    """
    keys = [by] if isinstance(by, str) else list(by)
    data = monthly.assign(year=pd.to_datetime(monthly[date]).dt.year)
    if months_of is None:
        reported = data[list(values)].notna().any(axis=1)
    else:
        reported = data[months_of].notna()
    grouped = data.groupby([*keys, "year"])
    out = grouped[list(values)].sum(min_count=1)
    out["months"] = reported.groupby([data[k] for k in [*keys, "year"]]).sum().astype(int)
    if partial_missing:
        present = grouped[list(values)].count()
        for value in values:
            out.loc[present[value] < out["months"], value] = pd.NA
    return out.reset_index()


def county_total(
    annual: pd.DataFrame,
    agencies: Iterable[str],
    by: str,
    values: Sequence[str],
    months_required: int = 12,
) -> pd.DataFrame:
    """Sum agencies into a county total per year, only when all of them are complete.

    Returns one row per year present in ``annual`` with the summed ``values`` (missing when any
    agency lacks ``months_required`` months or is absent that year), ``complete`` and
    ``missing``: the agencies that stopped the sum, with their month counts.
    """
    agencies = list(agencies)
    rows = []
    for year, group in annual.groupby("year"):
        months = group.set_index(by)["months"].reindex(agencies).fillna(0).astype(int)
        short = months[months < months_required]
        complete = short.empty
        totals = group[group[by].isin(agencies)][list(values)].sum() if complete else None
        row = {
            "year": year,
            "complete": complete,
            "missing": ", ".join(f"{a} ({m} months)" for a, m in short.items()),
        }
        for value in values:
            row[value] = totals[value] if complete else pd.NA
        rows.append(row)
    return pd.DataFrame(rows)


def count_columns(first: str, labels, columns: dict) -> pd.DataFrame:
    """A display table: ``first`` column of ``labels``, then one formatted column per entry of
    ``columns`` (heading -> Series indexed like ``labels`` keys)."""

    keys = list(labels)
    out = pd.DataFrame({first: [labels[k] if isinstance(labels, dict) else k for k in keys]})
    for heading, series in columns.items():
        out[heading] = [fmt_int(series.loc[k]) for k in keys]
    return out


def lowest_in_year(
    frame: pd.DataFrame, by: str, value: str, year: int, first: int
) -> tuple[int, int]:
    """A base rate for "record lows": of the units with ``value`` for every year from ``first``
    to ``year``, how many had their lowest in ``year`` (a tie counts as lowest).

    ``frame`` has columns ``by``, year and ``value``. Returns (units, units lowest in year).
    """
    window = frame[frame["year"].between(first, year)].pivot(index=by, columns="year", values=value)
    window = window.reindex(columns=range(first, year + 1)).dropna()
    lowest = window[year] <= window.min(axis=1)
    return len(window), int(lowest.sum())
