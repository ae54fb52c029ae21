"""Tidy tables built from the registry's raw files.

Each function reads raw files only through :func:`factcheck.data.registry.load` (hash- and
schema-checked) and returns a long, documented DataFrame. Nothing here fills gaps: a missing
month or year stays missing, and completeness is reported in a column.
"""

from __future__ import annotations

import re

import pandas as pd

from factcheck.data.counts import (
    annual_from_monthly,
    mask_implausible_zeros,
    mask_unreported_months,
)
from factcheck.data.registry import PROJECT_ROOT, SchemaMismatchError, load

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
    "publisher_type",
]
# Who published a figure. Only "official" rows can make a claim "traced to an official source".
PUBLISHER_TYPES = {
    "official": "a government body's own publication (ICE, DHS, CRS, BJS, a regulation), "
    "including a faithful republication of it",
    "news": "a news report",
    "research": "a university or research centre (a peer-reviewed study, TRAC)",
    "think_tank": "an advocacy or policy organisation's report",
    "secondary": "a report quoting another publisher's figure, not the publisher itself",
}

VIOLENT = ["murder", "rape", "robbery", "aggravated_assault"]
VIOLENT_LABELS = {
    "murder": "murder",
    "rape": "rape",
    "robbery": "robbery",
    "aggravated_assault": "aggravated assault",
    "violent": "violent (total)",
}


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
    unknown = table.loc[~table["publisher_type"].isin(list(PUBLISHER_TYPES)), "figure_id"].tolist()
    if unknown:
        raise SchemaMismatchError(
            f"{path}: rows {unknown} have a publisher_type not in {sorted(PUBLISHER_TYPES)}"
        )
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
    # registry key: agency name. The earlier partial extracts (two to four years each), kept
    # only to cross-check the complete files below, which supersede them.
    "kaplan_raleigh_monthly": "Raleigh PD",
    "kaplan_cary_monthly": "Cary PD",
    "kaplan_wake_so_monthly": "Wake County SO",
    "kaplan_garner_monthly": "Garner PD",
    "kaplan_huntersville_monthly": "Huntersville PD",
    "kaplan_matthews_monthly": "Matthews PD",
    "kaplan_mint_hill_monthly": "Mint Hill PD",
    "kaplan_pineville_monthly": "Pineville PD",
    "kaplan_cornelius_monthly": "Cornelius PD",
    "kaplan_raleigh_monthly_v1559730": "Raleigh PD (later revision)",
}


def kaplan_monthly(keys=None) -> pd.DataFrame:
    """The earlier partial extracts of the FBI monthly files, one row per agency-month.

    Superseded by :func:`kaplan_full_monthly`; kept to check the complete files against them.
    Columns: agency, ori, date, the four violent categories and violent. Months marked NA in
    the source stay missing. Where a month appears twice (Wake County SO, 2019), the first row
    is kept, as the transcription notes direct.
    """
    frames = []
    for key in keys or list(KAPLAN_MONTHLY):
        raw = load(key)
        if "dup" in raw:
            raw = raw[raw["dup"] == 1]
        frame = raw.rename(columns={"agg": "aggravated_assault"})
        frame = frame.assign(agency=KAPLAN_MONTHLY[key], date=pd.to_datetime(frame["ym"]))
        frames.append(frame[["agency", "ori", "date", *VIOLENT, "violent"]])
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["agency", "date"]).reset_index(drop=True)


KAPLAN_FULL = {
    # registry key: agency name. Complete monthly Return A series, 2014-2024 as published
    # (jacobkap/crimedatatool_helper at commit 98b94ba); Apex ends in December 2023.
    "kaplan_full_cornelius": "Cornelius PD",
    "kaplan_full_davidson": "Davidson PD",
    "kaplan_full_huntersville": "Huntersville PD",
    "kaplan_full_matthews": "Matthews PD",
    "kaplan_full_mint_hill": "Mint Hill PD",
    "kaplan_full_pineville": "Pineville PD",
    "kaplan_full_apex": "Apex PD",
    "kaplan_full_cary": "Cary PD",
    "kaplan_full_fuquay_varina": "Fuquay-Varina PD",
    "kaplan_full_garner": "Garner PD",
    "kaplan_full_knightdale": "Knightdale PD",
    "kaplan_full_morrisville": "Morrisville PD",
    "kaplan_full_raleigh": "Raleigh PD",
    "kaplan_full_rolesville": "Rolesville PD",
    "kaplan_full_wake_so": "Wake County SO",
    "kaplan_full_wake_forest": "Wake Forest PD",
    "kaplan_full_wendell": "Wendell PD",
    "kaplan_full_zebulon": "Zebulon PD",
    "kaplan_full_harford_so": "Harford County SO",
    "kaplan_full_prince_william_pd": "Prince William County PD",
}
OUTSIDE_NC = ("kaplan_full_harford_so", "kaplan_full_prince_william_pd")
NC_FULL = [k for k in KAPLAN_FULL if k not in OUTSIDE_NC]
FULL_COLUMNS = {
    "actual_murder": "murder",
    "actual_rape_total": "rape",
    "actual_robbery_total": "robbery",
    "actual_assault_aggravated": "aggravated_assault",
    "actual_index_property": "property",
    "card_actual_type": "card",
}


def kaplan_full_monthly(keys=None) -> pd.DataFrame:
    """The complete monthly FBI Return A series (by default the 18 Mecklenburg and Wake agencies).

    One row per agency-month, 2014 to the file's last month. Columns: agency, ori, date, the
    four violent categories, violent (their sum), property (burglary, theft and motor vehicle
    theft), offenses (violent plus property) and card (the source's card type: "normal return",
    "adjustment", or missing). The source's own violent total also counts manslaughter, which
    the FBI's violent crime leaves out, so violent is the sum of the four categories; a source
    total below that sum raises :class:`SchemaMismatchError`. A month the source leaves blank
    keeps missing counts; nothing is filled in.
    """
    frames = []
    for key in keys or NC_FULL:
        raw = load(key)
        frame = raw.rename(columns=FULL_COLUMNS)
        frame["violent"] = frame[VIOLENT].sum(axis=1, min_count=len(VIOLENT))
        below = raw["actual_index_violent"] < frame["violent"]
        if below.any():
            raise SchemaMismatchError(
                f"{key}: violent total below the sum of its four offenses in "
                f"{raw.loc[below, 'ym'].tolist()}"
            )
        frame["offenses"] = frame["violent"] + frame["property"]
        frame = frame.assign(agency=KAPLAN_FULL[key], date=pd.to_datetime(frame["ym"]))
        columns = ["agency", "ori", "date", *VIOLENT, "violent", "property", "offenses", "card"]
        frames.append(frame[columns])
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["agency", "date"]).reset_index(drop=True)


def county_agencies(prefixes: dict[str, str]) -> pd.DataFrame:
    """Police agencies of NC counties, from the FBI's 2017 agency file, by ORI prefix.

    ``prefixes`` maps an ORI prefix (e.g. ``"NC060"``) to a county name. Cornelius (NC06004)
    and Raleigh (NC09201), which are missing from the 2017 file, are added without population.
    Columns: ori, name (lower case, as the FBI spells it), county, population_2017.
    """
    ucr = load("ucr_agencies_2017")
    roster = ucr[ucr["ori"].str[:5].isin(prefixes)].copy()
    roster["county"] = roster["ori"].str[:5].map(prefixes)
    roster = roster.rename(columns={"agency_name": "name", "population": "population_2017"})
    extra = pd.DataFrame(
        {
            "ori": ["NC06004", "NC09201"],
            "name": ["cornelius", "raleigh"],
            "county": ["Mecklenburg", "Wake"],
        }
    )
    extra = extra[extra["ori"].str[:5].isin(prefixes)]
    roster = pd.concat([roster[["ori", "name", "county", "population_2017"]], extra])
    return roster.reset_index(drop=True)


CIUS_COLUMNS = {
    "Violent crime": "violent",
    "Murder and nonnegligent manslaughter": "murder",
    "Rape (legacy definition)2": "rape",
    "Robbery": "robbery",
    "Aggravated assault": "aggravated_assault",
    "Population": "population",
}


def cius_listed(roster: pd.DataFrame, year: int) -> list[str]:
    """ORIs of ``roster`` that the FBI's Crime in the United States Tables 8 (cities) and 10
    (sheriffs) list for ``year`` (2014 or 2015): the agencies the FBI counted as reporting a
    whole year."""
    cities = load(f"cius_table8_nc_{year}")["City"].astype(str).str.lower()
    sheriffs = load(f"cius_table10_nc_{year}")["County"].astype(str).str.lower()
    names = set(cities) | set(sheriffs)
    return [o for o, n in zip(roster["ori"], roster["name"], strict=True) if n in names]


def fbi_agency_annual(roster: pd.DataFrame, **rule) -> pd.DataFrame:
    """FBI-basis (summary) violent counts by agency and year for the agencies in ``roster``.

    One source per agency, all on the FBI's summary (Return A) basis. The agencies with a
    complete monthly file (:data:`KAPLAN_FULL`) take every year from it, summed over the months
    reported (``months``; blank and unreported months are left out, see :func:`kaplan_annual`),
    and nothing else. The others take, in order of precedence for an agency-year: the FBI's
    Crime in the United States Tables 8 (cities) and 10 (sheriffs) for 2014-2015, which list
    only agencies with twelve months of data; the CMPD annual file (1985-2018); and the FBI's
    2017 agency file, whose months are not recorded (``months`` missing). Columns: ori, year,
    the violent categories, violent, population (where the source gives one), months, source.
    ``rule`` is passed to :func:`kaplan_annual` (sensitivity checks of the near-empty test).
    """
    annual, _ = kaplan_annual(**rule)
    monthly_oris = set(annual["ori"])
    by_name = roster.set_index("name")["ori"]
    sheriffs_of = roster[roster["name"] == roster["county"].str.lower()].set_index("county")["ori"]
    rows = [
        annual[annual["ori"].isin(roster["ori"])]
        .drop(columns=["agency", "property"])
        .assign(source="FBI monthly file")
    ]
    for year in (2014, 2015):
        cities = load(f"cius_table8_nc_{year}").rename(columns=CIUS_COLUMNS)
        cities["ori"] = cities["City"].astype(str).str.lower().map(by_name)
        sheriffs = load(f"cius_table10_nc_{year}").rename(columns=CIUS_COLUMNS)
        sheriffs["ori"] = sheriffs["County"].astype(str).map(sheriffs_of)
        for table, source in [(cities, "CIUS Table 8"), (sheriffs, "CIUS Table 10")]:
            found = table.dropna(subset=["ori"]).assign(year=year, months=12, source=source)
            columns = ["ori", "year", *VIOLENT, "violent", "population", "months", "source"]
            rows.append(found.reindex(columns=columns))  # Table 10 has no population
    cmpd = cmpd_fbi_annual().assign(ori="NC06001", months=12, source="FBI CDE annual (CMPD)")
    rows.append(cmpd[cmpd["ori"].isin(roster["ori"])])
    ucr = load("ucr_agencies_2017").rename(
        columns={
            "actual_murder": "murder",
            "actual_rape_total": "rape",
            "actual_robbery_total": "robbery",
            "actual_assault_aggravated": "aggravated_assault",
        }
    )
    ucr = ucr[ucr["ori"].isin(roster["ori"])].assign(year=2017, source="FBI 2017 agency file")
    ucr["violent"] = ucr[VIOLENT].sum(axis=1)
    rows.append(ucr[["ori", "year", *VIOLENT, "violent", "population", "source"]])
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype(int)
    monthly_file = out["source"] == "FBI monthly file"
    out = out[monthly_file | ~out["ori"].isin(monthly_oris)]  # one source per agency
    out = out.drop_duplicates(["ori", "year"], keep="first")  # the order above is precedence
    return out.sort_values(["ori", "year"]).reset_index(drop=True)


def kaplan_annual(keys=None, **rule) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The complete monthly files summed by year over the months actually reported.

    Months the source marks as not reported (blank rows, rows without a card, and zero or
    near-empty months: :func:`factcheck.data.counts.mask_unreported_months`) are left out and not
    counted. Returns the annual table (agency, ori, year, the violent categories, violent,
    property, months reported) and the masked agency-months with their reason (agency, ori,
    date, reason, offenses, typical), so the gaps can be shown. ``rule`` overrides the
    thresholds of the near-empty test (``share``, ``chance``), for sensitivity checks.
    """

    monthly = kaplan_full_monthly(keys)
    values = [*VIOLENT, "violent", "property"]
    masked, gaps = mask_unreported_months(monthly, "ori", values, "offenses", **rule)
    annual = annual_from_monthly(masked, "ori", "date", values)
    names = monthly.groupby("ori")["agency"].first()
    annual.insert(0, "agency", annual["ori"].map(names))
    gaps.insert(0, "agency", gaps["ori"].map(names))
    return annual, gaps


# ---------------------------------------------------------------------------- RTCI
RTCI_AGGREGATE = "Nationwide"  # state_abbr of the index's rows that sum many agencies


def rtci_monthly() -> pd.DataFrame:
    """Real-Time Crime Index: one row per agency and month, Jan 2018-Jul 2024."""
    raw = load("rtci_by_agency")
    out = raw.rename(columns={"violent_crime": "violent", "agency_abbr": "agency"})
    out["date"] = pd.to_datetime(out["date"])
    return out[["agency", "agency_name", "state_abbr", "date", *VIOLENT, "violent"]]


def rtci_annual(
    complete_only: bool = True, monthly: pd.DataFrame | None = None, aggregates: bool = False
) -> pd.DataFrame:
    """RTCI counts summed by agency and calendar year, with the number of months reported.

    With ``complete_only`` (the default) only agency-years with all twelve months are kept;
    nothing is imputed. A category's yearly total is missing when any month with a violent
    count lacks that category (a partial sum would understate it). The index's nationwide
    aggregate rows (``state_abbr == "Nationwide"``: sums of agencies, not agencies) are left
    out unless ``aggregates``. Pass ``monthly`` (from :func:`rtci_monthly`) to avoid reading
    the file again.
    """
    monthly = (rtci_monthly() if monthly is None else monthly).copy()
    if not aggregates:
        monthly = monthly[monthly["state_abbr"] != RTCI_AGGREGATE]
    values = [*VIOLENT, "violent"]
    out = annual_from_monthly(monthly, "agency", "date", values, "violent", partial_missing=True)
    return out[out["months"] == 12].reset_index(drop=True) if complete_only else out


# ---------------------------------------------------------------------------- 287(g)
def roster_snapshots() -> pd.DataFrame:
    """ICE's 287(g) partner roster as captured on four dates, Dec 2016-Aug 2017."""
    raw = load("ice_roster_snapshots_2017").copy()
    raw["capture_date"] = pd.to_datetime(raw["capture_date"])
    raw["date_signed"] = pd.to_datetime(raw["date_signed"], errors="coerce")
    return raw


def roster_counts() -> pd.DataFrame:
    """Number of agencies and states on each roster capture, and the support types listed."""
    snaps = roster_snapshots()
    return (
        snaps.groupby("capture_date")
        .agg(
            agencies=("agency", "nunique"),
            states=("state", "nunique"),
            support_types=("support_type", lambda s: ", ".join(sorted(set(s)))),
        )
        .reset_index()
    )


def first_capture_on_or_after(date) -> pd.Series:
    """The roster capture nearest after ``date`` (a row of :func:`roster_counts`)."""
    counts = roster_counts()
    later = counts[counts["capture_date"] >= pd.Timestamp(date)]
    if later.empty:
        raise ValueError(f"no roster capture on or after {date}")
    return later.iloc[0]


CROSSWALK = PROJECT_ROOT / "data" / "roster_county_crosswalk.csv"


def roster_counties(snapshots: pd.DataFrame, crosswalk=CROSSWALK) -> pd.DataFrame:
    """Attach county FIPS codes to roster agencies; one row per agency and county.

    An agency named "<Name> County ..." or "<Name> Parish ..." is matched to that county of its
    state in the Census file. Agencies the rule cannot place are looked up in the committed
    crosswalk (``data/roster_county_crosswalk.csv``), which records the basis of each match or
    why the agency is not counted. An agency found in neither raises ``ValueError``: every
    agency is either matched or explicitly listed as not counted.
    """
    census = county_population().drop_duplicates("fips")
    census = census.assign(state_upper=census["state"].str.upper())
    by_name = census.set_index(["state_upper", "county"])["fips"]
    manual = pd.read_csv(crosswalk, dtype=str, keep_default_na=False)
    manual = manual.set_index(["state", "agency"])
    rows = []
    for rec in snapshots[["capture_date", "state", "agency"]].itertuples(index=False):
        key = (rec.state, rec.agency)
        named = re.match(r"^(.+? (?:County|Parish))\b", rec.agency)
        match = named.group(1) if named else None
        if key in manual.index:
            entry = manual.loc[key]
            codes = [c for c in entry["county_fips"].split(";") if c]
            basis = entry["basis"]
        elif match and (rec.state, match) in by_name.index:
            codes, basis = [by_name[(rec.state, match)]], "county named in agency"
        else:
            raise ValueError(f"{rec.agency} ({rec.state}) is neither a county nor in {crosswalk}")
        for code in codes or [None]:
            rows.append({**rec._asdict(), "fips": code, "basis": basis})
    return pd.DataFrame(rows)


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


# ---------------------------------------------------------------------------- lookup tables
DATA = PROJECT_ROOT / "data"
LOOKUPS = {
    # file in data/ -> its columns (the last, basis, says where each entry comes from)
    "agency_display_names.csv": ["fbi_name", "display_name", "basis"],
    "own_record_agencies.csv": ["ori", "rtci_agency", "basis"],
    "county_ori_prefixes.csv": ["county", "fips", "ori_prefix", "basis"],
    "agreement_county_fips.csv": ["agency", "county_fips", "basis"],
    "nibrs_violent_offenses.csv": ["category", "nibrs_column", "basis"],
    "crime_events.csv": ["date", "label", "kind", "basis"],
}


def lookup(name: str, folder=DATA) -> pd.DataFrame:
    """A committed lookup table from ``data/`` (strings only), checked for its columns.

    Every entry must carry a non-empty ``basis``: where it comes from or why it holds.
    A missing column, an empty cell or a duplicated first column raises
    :class:`SchemaMismatchError`.
    """
    path = folder / name
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = LOOKUPS[name]
    if list(table.columns) != columns:
        raise SchemaMismatchError(f"{path}: columns {list(table.columns)}, expected {columns}")
    empty = table.apply(lambda col: col.str.strip() == "").any(axis=1)
    if empty.any():
        raise SchemaMismatchError(f"{path}: empty cells in rows {list(table.index[empty])}")
    key = columns[0]
    if name != "nibrs_violent_offenses.csv" and table[key].duplicated().any():
        raise SchemaMismatchError(f"{path}: duplicate {key} values")
    return table


def agency_display_names() -> dict[str, str]:
    """Readable names for FBI agency names (title-cased) that need tidying."""
    table = lookup("agency_display_names.csv")
    return dict(zip(table["fbi_name"], table["display_name"], strict=True))


def own_record_agencies() -> dict[str, str]:
    """ORI -> Real-Time Crime Index agency name, for agencies whose own records are in the index."""
    table = lookup("own_record_agencies.csv")
    return dict(zip(table["ori"], table["rtci_agency"], strict=True))


def county_ori_prefixes() -> pd.DataFrame:
    """The counties whose agencies are listed by ORI prefix: county, fips, ori_prefix, basis."""
    return lookup("county_ori_prefixes.csv")


def agreement_county_fips() -> dict[str, str]:
    """County FIPS codes for 287(g) agreements that the ICE file lists without one."""
    table = lookup("agreement_county_fips.csv")
    return dict(zip(table["agency"], table["county_fips"], strict=True))


def raleigh_nibrs_annual() -> pd.DataFrame:
    """Raleigh PD's yearly NIBRS offense counts grouped into the four summary categories.

    The grouping (``data/nibrs_violent_offenses.csv``) follows the FBI's definitions; the
    revised rape definition covers three NIBRS sex offenses. Index: year; columns: the four
    categories, violent (their sum) and population.
    """
    raw = load("kaplan_raleigh_nibrs_yearly").set_index("year")
    groups = lookup("nibrs_violent_offenses.csv").groupby("category", sort=False)["nibrs_column"]
    out = pd.DataFrame({cat: raw[list(cols)].sum(axis=1) for cat, cols in groups})[VIOLENT]
    out["violent"] = out[VIOLENT].sum(axis=1)
    out["population"] = raw["population"]
    return out


def raleigh_summary_annual(years=range(2019, 2023)) -> pd.DataFrame:
    """Raleigh PD's FBI summary-format (Return A) counts by year, twelve months each.

    From the complete monthly file (:func:`kaplan_annual`). A year with fewer than twelve
    months raises ``ValueError``.
    """
    annual, _ = kaplan_annual(["kaplan_full_raleigh"])
    out = annual[annual["year"].isin(list(years))].set_index("year")
    if not (out["months"] == 12).all() or len(out) != len(years):
        raise ValueError(f"incomplete Raleigh years: {out.index[out['months'] != 12].tolist()}")
    return out


def crime_events() -> pd.DataFrame:
    """Dates marked on crime series (policy, reporting and context changes), with their basis."""
    table = lookup("crime_events.csv")
    return table.assign(date=pd.to_datetime(table["date"]))


def county_names() -> pd.Series:
    """County name by 5-character FIPS code, without the word "County" ("Mecklenburg")."""
    census = county_population().drop_duplicates("fips").set_index("fips")["county"]
    return census.str.removesuffix(" County")


def clean_monthly(monthly: pd.DataFrame) -> pd.DataFrame:
    """``rtci_monthly`` without the nationwide aggregate rows, implausible zero months missing."""
    data = monthly[monthly["state_abbr"] != RTCI_AGGREGATE]
    masked, _ = mask_implausible_zeros(data, "agency", [*VIOLENT, "violent"], "violent")
    return masked
