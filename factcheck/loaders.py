"""Tidy tables built from the registry's raw files.

Each function reads raw files only through :func:`factcheck.registry.load` (hash- and
schema-checked) and returns a long, documented DataFrame. Nothing here fills gaps: a missing
month or year stays missing, and completeness is reported in a column.
"""

from __future__ import annotations

import pandas as pd

from .registry import PROJECT_ROOT, SchemaMismatchError, load

PUBLISHED_FIGURES = PROJECT_ROOT / "data" / "published_figures.csv"
PUBLISHED_COLUMNS = [
    "figure_id",
    "value",
    "unit",
    "description",
    "source",
    "url",
    "table_page",
    "retrieved",
]

VIOLENT = ["murder", "rape", "robbery", "aggravated_assault"]


# ---------------------------------------------------------------------------- dates
def federal_fiscal_year(dates):
    """US federal fiscal year of each date: FY2019 runs from 2018-10-01 to 2019-09-30."""
    stamp = pd.to_datetime(dates)
    if isinstance(stamp, pd.Timestamp):
        return stamp.year + (1 if stamp.month >= 10 else 0)
    stamp = pd.Series(stamp)
    return stamp.dt.year + (stamp.dt.month >= 10).astype(int)


def fiscal_year_bounds(fiscal_year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a federal fiscal year."""
    return pd.Timestamp(fiscal_year - 1, 10, 1), pd.Timestamp(fiscal_year, 9, 30)


# ---------------------------------------------------------------------------- published text
def published_figures(path=PUBLISHED_FIGURES) -> pd.DataFrame:
    """Figures that exist only in published text, committed with their sources.

    Every row must carry a source, a URL, a table or page reference and a retrieval date;
    a missing field raises :class:`SchemaMismatchError`.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in PUBLISHED_COLUMNS if c not in table.columns]
    if missing:
        raise SchemaMismatchError(f"{path}: missing columns {missing}")
    for column in PUBLISHED_COLUMNS:
        empty = table.loc[table[column].str.strip() == "", "figure_id"].tolist()
        if empty:
            raise SchemaMismatchError(f"{path}: rows {empty} have no {column}")
    if table["figure_id"].duplicated().any():
        raise SchemaMismatchError(f"{path}: duplicate figure_id values")
    table["value"] = pd.to_numeric(table["value"])
    return table.set_index("figure_id")


def published(figure_id: str) -> float:
    """One published figure's value, by id."""
    return published_figures().loc[figure_id, "value"]


# ---------------------------------------------------------------------------- population
def county_population() -> pd.DataFrame:
    """County resident population by year, 2010-2022.

    Columns: fips (5 characters), state, county, year, population, vintage. Years 2010-2019
    come from Vintage 2019 and 2020-2022 from Vintage 2022; the two vintages use different
    bases (2010 vs 2020 census), so a step between 2019 and 2020 can be an artefact.
    """
    frames = []
    for key, years, vintage in [
        ("census_county_pop_2010_2019", range(2010, 2020), 2019),
        ("census_county_pop_2020_2022", range(2020, 2023), 2022),
    ]:
        raw = load(key)
        raw = raw[raw["SUMLEV"] == 50]
        long = raw.melt(
            id_vars=["STATE", "COUNTY", "STNAME", "CTYNAME"],
            value_vars=[f"POPESTIMATE{y}" for y in years],
            var_name="year",
            value_name="population",
        )
        long["year"] = long["year"].str.removeprefix("POPESTIMATE").astype(int)
        long["vintage"] = vintage
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    # One of the copies stores the codes without leading zeros ("1" for Alabama): pad them.
    state = out.pop("STATE").astype(str).str.zfill(2)
    county = out.pop("COUNTY").astype(str).str.zfill(3)
    out.insert(0, "fips", state + county)
    return out.rename(columns={"STNAME": "state", "CTYNAME": "county"})


# ---------------------------------------------------------------------------- FBI
def fbi_estimates(edition: int = 2020) -> pd.DataFrame:
    """FBI national and state estimates, one row per place and year.

    ``state_abbr`` is "US" for the national row. ``rape`` is the revised definition where the
    FBI gives it (2013 on) and the legacy definition before; ``rape_definition`` says which.
    """
    raw = load(f"fbi_estimates_{edition}_edition").copy()
    raw["state_abbr"] = raw["state_abbr"].fillna("US").replace("", "US")
    raw["rape"] = raw["rape_revised"].fillna(raw["rape_legacy"])
    raw["rape_definition"] = raw["rape_revised"].notna().map({True: "revised", False: "legacy"})
    return raw.rename(columns={"homicide": "murder", "violent_crime": "violent"})


def cmpd_fbi_annual() -> pd.DataFrame:
    """Charlotte-Mecklenburg PD, FBI summary (SRS) counts by year, 1985-2018.

    The source has no rape column; ``rape`` is derived as violent minus murder, robbery and
    aggravated assault (checked against FBI Table 8 in the chapter that uses it).
    """
    raw = load("cmpd_fbi_annual")
    out = pd.DataFrame(
        {
            "year": raw["year"],
            "violent": raw["violent_crime_actual"],
            "murder": raw["homicide_actual"],
            "robbery": raw["robbery_actual"],
            "aggravated_assault": raw["aggravated_assault_actual"],
            "property": raw["property_crime_actual"],
        }
    )
    out["rape"] = out["violent"] - out["murder"] - out["robbery"] - out["aggravated_assault"]
    return out


KAPLAN_MONTHLY = {
    # registry key: agency name (FBI summary-format monthly counts, Return A)
    "kaplan_raleigh_monthly": "Raleigh PD",
    "kaplan_cary_monthly": "Cary PD",
    "kaplan_wake_so_monthly": "Wake County SO",
    "kaplan_garner_monthly": "Garner PD",
    "kaplan_huntersville_monthly": "Huntersville PD",
    "kaplan_matthews_monthly": "Matthews PD",
    "kaplan_mint_hill_monthly": "Mint Hill PD",
    "kaplan_pineville_monthly": "Pineville PD",
    "kaplan_cornelius_monthly": "Cornelius PD",
    # A later revision of Raleigh's file (May 2020-2022): loaded only when asked for by key.
    "kaplan_raleigh_monthly_v1559730": "Raleigh PD (later revision)",
}
DEFAULT_KAPLAN = [k for k in KAPLAN_MONTHLY if not k.endswith("_v1559730")]


def kaplan_monthly(keys=None) -> pd.DataFrame:
    """FBI summary-format (Return A) monthly counts for NC agencies, one row per agency-month.

    Columns: agency, ori, date, the four violent categories and violent. Months marked NA in
    the source stay missing. Where a month appears twice (Wake County SO, 2019), the first row
    is kept, as the transcription notes direct.
    """
    frames = []
    for key in keys or DEFAULT_KAPLAN:
        raw = load(key)
        if "dup" in raw:
            raw = raw[raw["dup"] == 1]
        frame = raw.rename(columns={"agg": "aggravated_assault"})
        frame = frame.assign(agency=KAPLAN_MONTHLY[key], date=pd.to_datetime(frame["ym"]))
        frames.append(frame[["agency", "ori", "date", *VIOLENT, "violent"]])
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["agency", "date"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- RTCI
def rtci_monthly() -> pd.DataFrame:
    """Real-Time Crime Index: one row per agency and month, Jan 2018-Jul 2024."""
    raw = load("rtci_by_agency")
    out = raw.rename(columns={"violent_crime": "violent", "agency_abbr": "agency"})
    out["date"] = pd.to_datetime(out["date"])
    return out[["agency", "agency_name", "state_abbr", "date", *VIOLENT, "violent"]]


def rtci_annual(complete_only: bool = True) -> pd.DataFrame:
    """RTCI counts summed by agency and calendar year, with the number of months reported.

    With ``complete_only`` (the default) only agency-years with all twelve months are kept;
    nothing is imputed.
    """
    monthly = rtci_monthly()
    monthly["year"] = monthly["date"].dt.year
    grouped = monthly.groupby(["agency", "year"])
    out = grouped[[*VIOLENT, "violent"]].sum(min_count=1)
    out["months"] = grouped["violent"].count()
    out = out.reset_index()
    return out[out["months"] == 12].reset_index(drop=True) if complete_only else out


# ---------------------------------------------------------------------------- 287(g)
def roster_snapshots() -> pd.DataFrame:
    """ICE's 287(g) partner roster as captured on four dates, Dec 2016-Aug 2017."""
    raw = load("ice_roster_snapshots_2017").copy()
    raw["capture_date"] = pd.to_datetime(raw["capture_date"])
    raw["date_signed"] = pd.to_datetime(raw["date_signed"], errors="coerce")
    return raw


def roster_counts() -> pd.DataFrame:
    """Number of agencies on each roster capture."""
    snaps = roster_snapshots()
    return (
        snaps.groupby("capture_date")
        .agg(agencies=("agency", "nunique"), states=("state", "nunique"))
        .reset_index()
    )


def wapo_flags(edition: int = 2019) -> pd.DataFrame:
    """Washington Post curation of 287(g) agencies, long: one row per agency and flagged year.

    A flag means the agency took part at some point in that year (annual, not point-in-time).
    """
    raw = load(f"wapo_287g_{edition}")
    years = [c for c in raw.columns if str(c).startswith("y20")]
    raw = raw.assign(state=raw["State"].str.upper().str.strip(), agency=raw["County"].str.strip())
    long = raw.melt(
        id_vars=["state", "agency", "FIPS", "NOTES"],
        value_vars=years,
        var_name="year",
        value_name="flag",
    )
    long["year"] = long["year"].str.removeprefix("y").astype(int)
    long = long[long["flag"].astype(str).str.strip().str.upper() == "X"]
    return long.drop(columns="flag").reset_index(drop=True)


def nc_agreements() -> pd.DataFrame:
    """North Carolina 287(g) agreements before 2018, with best-guess start and end dates."""
    raw = load("ice_287g_nc_best_guess").copy()
    for column in ["first_signed_best", "latest_signed", "active_from", "active_to"]:
        raw[column] = pd.to_datetime(raw[column], errors="coerce")
    return raw


def nc_identified_removed() -> pd.DataFrame:
    """People identified and removed through 287(g) by NC agency and federal fiscal year.

    These are 287(g) identifications and removals from an ICE FOIA release, not I-247
    detainers. Missing cells stay missing (the agency had no agreement, or no figure).
    """
    return load("ice_287g_nc_removals").drop(columns="source")


def agencies_2025() -> pd.DataFrame:
    """Agreements listed by ICE on 16 May 2025 (survivors only)."""
    raw = load("ice_287g_agencies_2025").copy()
    raw["SIGNED"] = pd.to_datetime(raw["SIGNED"], errors="coerce")
    return raw.rename(columns=str.lower)
