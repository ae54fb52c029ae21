"""Agency coverage and completeness: which agencies of a county the public files hold, and for
how many months, and whether a county total can be built at all.

A county's crime is the sum of every police agency in it. These functions list the agencies,
count the months each source holds for each year, and try to build county totals only from
agencies with twelve months, saying which agency stopped each attempt. Nothing is imputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from . import report
from .counts import county_total


def display_name(name: str, county: str, fixes: Mapping[str, str]) -> str:
    """An agency's name for tables, from the FBI's lower-case name.

    The county's own name is its sheriff's office; ``fixes`` maps title-cased FBI names to
    readable ones (``loaders.agency_display_names()``); other names are title-cased.
    """
    if name == county.lower():
        return f"{county} County Sheriff's Office"
    return fixes.get(name.title(), name.title())


def months_reported(table: pd.DataFrame, key: str, year: int, by: str = "agency") -> int:
    """Months reported by one agency in one year (0 when absent or not recorded)."""
    row = table[(table[by] == key) & (table["year"] == year)]
    if row.empty or pd.isna(row["months"].iloc[0]):
        return 0
    return int(row["months"].iloc[0])


def coverage_table(
    agencies: pd.DataFrame,
    own_annual: pd.DataFrame,
    fbi_annual: pd.DataFrame,
    own_names: Mapping[str, str],
    fixes: Mapping[str, str],
    years: Sequence[int] = (2018, 2019),
) -> pd.DataFrame:
    """Months of each year held for every agency: in its own records (RTCI) and in FBI format.

    ``agencies``: ori, name, county, population_2017 (``loaders.county_agencies``);
    ``own_annual``: agency, year, months (RTCI, incomplete years kept); ``fbi_annual``: ori,
    year, months; ``own_names``: ORI -> RTCI agency. One row per agency, by county and size.
    """
    rows = []
    ordered = agencies.sort_values(["county", "population_2017"], ascending=[True, False])
    for r in ordered.itertuples():
        own = own_names.get(r.ori)
        pop = r.population_2017
        row = {
            "county": r.county,
            "agency": display_name(r.name, r.county, fixes),
            "population (2017 FBI file)": report.fmt_int(pop) if pop > 0 else "",
        }
        for year in years:
            row[f"own records {year}"] = months_reported(own_annual, own, year) if own else 0
        for year in years:
            row[f"FBI format {year}"] = months_reported(fbi_annual, r.ori, year, by="ori")
        rows.append(row)
    return pd.DataFrame(rows)


def complete_on_one_basis(coverage: pd.DataFrame, years: Sequence[int] = (2018, 2019)) -> list[str]:
    """Agencies of a :func:`coverage_table` with twelve months of every year on a single basis."""
    keep = pd.Series(False, index=coverage.index)
    for basis in ("own records", "FBI format"):
        keep |= (coverage[[f"{basis} {y}" for y in years]] == 12).all(axis=1)
    return coverage.loc[keep, "agency"].tolist()


def county_total_attempts(
    fbi_annual: pd.DataFrame, agencies: pd.DataFrame, fixes: Mapping[str, str]
) -> pd.DataFrame:
    """Try to build each county's violent-crime total for every year of ``fbi_annual``.

    A total is built only when every agency of the county has twelve months that year
    (:func:`factcheck.counts.county_total`). Each row names the agencies that stopped it,
    marking those whose months the source does not record. Columns: county, year, agencies
    with 12 months, county total, missing or incomplete, n_complete.
    """
    known = fbi_annual.assign(months=fbi_annual["months"].fillna(0))
    names = {
        o: display_name(n, c, fixes)
        for o, n, c in zip(agencies["ori"], agencies["name"], agencies["county"], strict=True)
    }
    rows = []
    for county, group in agencies.groupby("county"):
        total = county_total(known, group["ori"], "ori", ["violent"])
        for row in total.itertuples():
            year = known[(known["year"] == row.year) & known["ori"].isin(group["ori"])]
            have = year.loc[year["months"] == 12, "ori"]
            short = group.loc[~group["ori"].isin(have), "ori"]
            unknown = set(
                fbi_annual.loc[
                    (fbi_annual["year"] == row.year) & fbi_annual["months"].isna(), "ori"
                ]
            )
            rows.append(
                {
                    "county": county,
                    "year": row.year,
                    "agencies with 12 months": f"{len(have)} of {len(group)}",
                    "county total": report.fmt_int(row.violent) if row.complete else "not built",
                    "missing or incomplete": ", ".join(
                        names[o] + (" (months not recorded)" if o in unknown else "") for o in short
                    ),
                    "n_complete": len(have),
                }
            )
    return pd.DataFrame(rows)


def agency_year_table(
    annual: pd.DataFrame, labels: Mapping[str, str], population: str = "population"
) -> pd.DataFrame:
    """One agency's counts by year, formatted, with the violent rate where a population exists.

    ``annual`` is indexed by year; ``labels`` maps count columns to their headings.
    """
    from .rates import per_100k

    out = pd.DataFrame({"year": annual.index})
    for column, label in labels.items():
        out[label] = annual[column].map(report.fmt_int).to_numpy()
    rate = per_100k(annual["violent"], annual[population])
    out["violent per 100,000"] = [report.fmt_num(v, 0) if pd.notna(v) else "" for v in rate]
    return out


def remainder_bound(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    judged: str,
    change: Mapping[str, float],
    last_year: int = 2018,
) -> pd.DataFrame:
    """The county bounding rule: could the agencies without data reverse a department's change?

    ``judged`` is the ORI of the department with both years of data; ``change`` maps each
    offense to its change from one year to the next (after minus before). The other agencies of
    the judged department's county have no counts for both years, so the largest change they
    could produce the other way is bounded by their whole annual count: each agency's latest
    full year up to ``last_year`` (twelve months, or a source that does not record months and
    publishes annual totals), summed. An agency with no full year on file leaves the bound
    unknown. A county direction is ``settled`` when the change is larger in size than that bound.
    Columns: offense, change, bound (the other agencies' last-known count), agencies (how many),
    years (the range of the years used), unknown (agencies with no full year), settled.
    """
    county = agencies.loc[agencies["ori"] == judged, "county"].iloc[0]
    others = agencies.loc[(agencies["county"] == county) & (agencies["ori"] != judged), "ori"]
    full = fbi_annual[
        fbi_annual["ori"].isin(others)
        & (fbi_annual["year"] <= last_year)
        & (fbi_annual["months"].isna() | (fbi_annual["months"] == 12))
    ]
    latest = full.sort_values("year").groupby("ori").tail(1)
    unknown = sorted(set(others) - set(latest["ori"]))
    rows = []
    for offense, value in change.items():
        bound = float(latest[offense].sum())
        rows.append(
            {
                "offense": offense,
                "change": value,
                "bound": bound,
                "agencies": len(latest),
                "years": f"{latest['year'].min()}-{latest['year'].max()}" if len(latest) else "",
                "unknown": ", ".join(unknown),
                "settled": not unknown and abs(value) > bound,
            }
        )
    return pd.DataFrame(rows)


def format_bound(bounds: Mapping[str, pd.DataFrame], labels: Mapping[str, str]) -> pd.DataFrame:
    """:func:`remainder_bound` tables (``bounds`` maps a department's name to one) for display."""
    rows = []
    for name, table in bounds.items():
        for r in table.itertuples():
            rows.append(
                {
                    "department": name,
                    "offense": labels.get(r.offense, r.offense),
                    "change in its records": f"{round(r.change):+,}",
                    "other agencies' last full-year count": report.fmt_int(r.bound),
                    "county direction settled": "yes" if r.settled else "no",
                }
            )
    return pd.DataFrame(rows)


def bound_problems(
    bounds: Mapping[str, pd.DataFrame],
    statuses: Mapping[str, str],
    judged: Mapping[str, tuple[str, str]],
) -> list[str]:
    """Claims whose status breaks the county bounding rule of :func:`remainder_bound`.

    ``judged`` maps a claim id to the (department, offense) whose bound decides it; a claim must
    be ``not_obtained`` exactly when that bound does not settle the county's direction.
    """
    problems = []
    for cid, (department, offense) in judged.items():
        settled = bool(bounds[department].set_index("offense").loc[offense, "settled"])
        if (statuses[cid] == "not_obtained") == settled:
            problems.append(
                f"{cid}: status {statuses[cid]} but the county direction is "
                f"{'settled' if settled else 'not settled'} by the bounding rule"
            )
    return problems


def bound_texts(bounds: Mapping[str, pd.DataFrame], keys: Mapping[str, str]) -> dict[str, str]:
    """Glue text for :func:`remainder_bound` tables: ``{key}-{offense}-change`` (size of the
    department's change) and ``{key}-{offense}-bound`` (the other agencies' count)."""
    out = {}
    for name, table in bounds.items():
        for r in table.itertuples():
            stem = f"{keys[name]}-{r.offense.replace('_', '-')}"
            out[f"{stem}-change"] = report.fmt_int(abs(r.change))
            out[f"{stem}-bound"] = report.fmt_int(r.bound)
    return out
