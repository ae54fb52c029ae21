"""Aggregating crime counts honestly: completeness, county totals, changes and base rates.

Nothing here imputes. A year's total is reported with the number of months behind it, a
county total exists only when every agency of the county reported every month, and a change
between two counts comes with an exact interval.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from .rates import count_change, overdispersed_change


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


def annual_from_monthly(
    monthly: pd.DataFrame, by: str, date: str, values: Sequence[str]
) -> pd.DataFrame:
    """Sum monthly counts to calendar years, with ``months``: how many months had data.

    A month whose values are all missing does not count as reported; a year with no reported
    month has missing totals, not zeros.
    """
    data = monthly.assign(year=pd.to_datetime(monthly[date]).dt.year)
    reported = data[list(values)].notna().any(axis=1)
    grouped = data.groupby([by, "year"])
    out = grouped[list(values)].sum(min_count=1)
    out["months"] = reported.groupby([data[by], data["year"]]).sum().astype(int)
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
    label, from :func:`factcheck.rates.dispersion`), also od_low, od_high and beyond_ordinary:
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


def count_columns(first: str, labels, columns: dict) -> pd.DataFrame:
    """A display table: ``first`` column of ``labels``, then one formatted column per entry of
    ``columns`` (heading -> Series indexed like ``labels`` keys)."""
    from .report import fmt_int

    keys = list(labels)
    out = pd.DataFrame({first: [labels[k] if isinstance(labels, dict) else k for k in keys]})
    for heading, series in columns.items():
        out[heading] = [fmt_int(series.loc[k]) for k in keys]
    return out


def format_rise_frequency(freq: pd.DataFrame) -> pd.DataFrame:
    """:func:`rise_frequency` as display strings: years, agencies and the two shares in percent."""
    from .report import fmt_int, fmt_pct

    return pd.DataFrame(
        {
            "years": freq["from"].astype(str) + " to " + freq["to"].astype(str),
            "agencies": freq["units"].map(fmt_int),
            "violent crime rose": (100 * freq["total_rose"]).map(lambda v: fmt_pct(v, 0)),
            "all four categories rose": (100 * freq["all_rose"]).map(lambda v: fmt_pct(v, 0)),
        }
    )
