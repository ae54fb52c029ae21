"""Agency coverage and completeness: which agencies of a county the public files hold, and for
how many months, and whether a county total can be built at all.

A county's crime is the sum of every police agency in it. These functions list the agencies,
count the months each source holds for each year, and try to build county totals only from
agencies with twelve months, saying which agency stopped each attempt. Nothing is imputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from factcheck.base import fmt
from factcheck.base.fmt import and_join
from factcheck.data import counts, loaders
from factcheck.data.counts import county_total


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
    notes: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Months of each year held for every agency: in its own records (RTCI) and in FBI format.

    ``agencies``: ori, name, county, population_2017 (``loaders.county_agencies``);
    ``own_annual``: agency, year, months (RTCI, incomplete years kept); ``fbi_annual``: ori,
    year, months; ``own_names``: ORI -> RTCI agency; ``notes`` (optional): ORI -> why months
    are missing (:func:`gap_notes`), shown in a last column. One row per agency, by county and
    size.
    """
    rows = []
    ordered = agencies.sort_values(["county", "population_2017"], ascending=[True, False])
    for r in ordered.itertuples():
        own = own_names.get(r.ori)
        pop = r.population_2017
        row = {
            "county": r.county,
            "agency": display_name(r.name, r.county, fixes),
            "population (2017 FBI file)": fmt.fmt_int(pop) if pop > 0 else "",
        }
        for year in years:
            row[f"own records {year}"] = months_reported(own_annual, own, year) if own else 0
        for year in years:
            row[f"FBI format {year}"] = months_reported(fbi_annual, r.ori, year, by="ori")
        if notes is not None:
            row["why FBI-format months are missing"] = notes.get(r.ori, "")
        rows.append(row)
    return pd.DataFrame(rows)


GAP_WORDS = {
    "blank": "blank in the source",
    "no card": "no card",
    "zero": "recorded as zero",
    "near empty": "almost empty",
}


def gap_notes(
    gaps: pd.DataFrame, fbi_annual: pd.DataFrame, agencies: pd.DataFrame, years: Sequence[int]
) -> dict[str, str]:
    """Why FBI-format months of ``years`` are missing, by ORI, for a coverage table's last column.

    ``gaps`` are the masked months of :func:`factcheck.data.loaders.kaplan_annual` (ori, date,
    reason); an agency with no row from a monthly file in ``fbi_annual`` is marked as having
    none. Months are named when there are at most three of one kind in a year.
    """
    gaps = gaps.assign(year=pd.to_datetime(gaps["date"]).dt.year)
    monthly = set(fbi_annual.loc[fbi_annual["source"] == "FBI monthly file", "ori"])
    out = {}
    for ori in agencies["ori"]:
        parts = []
        if ori not in monthly:
            parts.append("no monthly file here")
        mine = gaps[(gaps["ori"] == ori) & gaps["year"].isin(list(years))]
        for (year, reason), rows in mine.groupby(["year", "reason"], sort=True):
            dates = pd.to_datetime(rows["date"]).sort_values()
            when = (
                ", ".join(f"{d:%b}" for d in dates) if len(dates) <= 3 else f"{len(dates)} months"
            )
            parts.append(f"{year}: {when} {GAP_WORDS[reason]}")
        out[ori] = "; ".join(parts)
    return out


def complete_on_one_basis(coverage: pd.DataFrame, years: Sequence[int] = (2018, 2019)) -> list[str]:
    """Agencies of a :func:`coverage_table` with twelve months of every year on a single basis."""
    keep = pd.Series(False, index=coverage.index)
    for basis in ("own records", "FBI format"):
        keep |= (coverage[[f"{basis} {y}" for y in years]] == 12).all(axis=1)
    return coverage.loc[keep, "agency"].tolist()


def county_total_attempts(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    fixes: Mapping[str, str],
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """Try to build each county's violent-crime total for every year of ``fbi_annual``.

    ``exclude`` lists ORIs left out of the county (the departments judged on their own records),
    so the total is that of the county's other agencies. A total is built only when every
    agency counted has twelve months that year (:func:`factcheck.data.counts.county_total`). Each
    row names the agencies that stopped it, marking those whose months the source does not record.
    Columns: county, year, agencies with 12 months, total, missing or incomplete, n_complete.
    """
    known = fbi_annual.assign(months=fbi_annual["months"].fillna(0))
    names = agency_names(agencies, fixes)
    counted = agencies[~agencies["ori"].isin(list(exclude))]
    rows = []
    for county, group in counted.groupby("county"):
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
                    "total": fmt.fmt_int(row.violent) if row.complete else "not built",
                    "missing or incomplete": ", ".join(
                        names[o] + (" (months not recorded)" if o in unknown else "") for o in short
                    ),
                    "n_complete": len(have),
                }
            )
    return pd.DataFrame(rows)


def matched_totals(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    fixes: Mapping[str, str],
    exclude: Sequence[str],
    before: int = 2018,
    after: int = 2019,
    offenses: Sequence[str] = ("violent",),
) -> pd.DataFrame:
    """Like-for-like totals of each county's other agencies: those with twelve months of both
    years, summed for each year, and the agencies left out. ``exclude`` lists the departments
    judged on their own records. Columns: county, agencies (names of those summed), n, then
    ``{offense} {year}`` for both years, and left out (names)."""
    complete = fbi_annual[fbi_annual["months"] == 12].set_index(["ori", "year"])
    on_file = set(complete.index)
    name = agency_names(agencies, fixes)
    rows = []
    for county, group in agencies[~agencies["ori"].isin(list(exclude))].groupby("county"):
        group = group.sort_values("population_2017", ascending=False)
        both = [o for o in group["ori"] if {(o, before), (o, after)} <= on_file]
        row = {"county": county, "agencies": ", ".join(name[o] for o in both), "n": len(both)}
        for offense in offenses:
            for year in (before, after):
                row[f"{offense} {year}"] = float(
                    sum(complete.loc[(o, year), offense] for o in both)
                )
        row["left out"] = ", ".join(name[o] for o in group["ori"] if o not in both)
        rows.append(row)
    return pd.DataFrame(rows)


def completeness_grid(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    fixes: Mapping[str, str],
    years: Sequence[int],
) -> pd.DataFrame:
    """Months on file for every agency and year on the FBI's summary basis.

    A cell is the number of months reported ("12" is a complete year), "year" when the source
    gives an annual total without recording months (the FBI's tables, which the bounding rule
    counts as a full year), and "0" when nothing is on file. One row per agency, by county and
    size; columns county, agency, then one per year.
    """
    table = fbi_annual.set_index(["ori", "year"])
    rows = []
    ordered = agencies.sort_values(["county", "population_2017"], ascending=[True, False])
    for r in ordered.itertuples():
        row = {"county": r.county, "agency": display_name(r.name, r.county, fixes)}
        for year in years:
            if (r.ori, year) not in table.index:
                row[str(year)] = "0"
            else:
                months = table.loc[(r.ori, year), "months"]
                row[str(year)] = "year" if pd.isna(months) else fmt.fmt_int(months)
        rows.append(row)
    return pd.DataFrame(rows)


def remainder_bound(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    judged: str,
    change: Mapping[str, float],
    last_year: int = 2018,
) -> pd.DataFrame:
    """The county bounding rule: could the agencies without data reverse the county's change?

    ``judged`` is the ORI of the department judged on its own records; ``change`` maps each
    offense to its change from ``last_year`` to the next year (after minus before). The other
    agencies of its county fall in two groups. Those with twelve months of both years in
    ``fbi_annual`` are agencies with data: their own changes are added to the department's
    (each change is measured within one agency's own series, so changes on different counting
    bases can be added, though the counts cannot). For the rest, the change the other way they
    could produce is capped by the largest full-year count of that offense each has on file, in
    any year (twelve months, or a source that does not record months and publishes annual
    totals), summed. The cap rests on one stated assumption: neither compared year exceeded the
    largest full year on file, so a fall is at most that count (from it to none) and a rise at
    most that count too (from none to it); the same cap therefore serves a claimed rise and a
    claimed fall. An agency with no full year on file leaves the cap unknown. A county direction
    is ``settled`` when the combined change is larger in size than that cap, and ``direction``
    is then its sign.
    Columns: offense, change (the department's), others_change and with_data (the change and
    number of the agencies with data), others_before (their count in ``last_year``), combined,
    bound (the cap: the other agencies' largest full-year counts), agencies (how many are
    bounded), years (the range of the years used), unknown (agencies with no full year),
    settled, direction ("rise", "fall" or "").
    """
    county = agencies.loc[agencies["ori"] == judged, "county"].iloc[0]
    others = agencies.loc[(agencies["county"] == county) & (agencies["ori"] != judged), "ori"]
    mine = fbi_annual[fbi_annual["ori"].isin(others)]
    complete = mine[mine["months"] == 12].set_index(["ori", "year"])
    both = [o for o in others if {(o, last_year), (o, last_year + 1)} <= set(complete.index)]
    full = mine[~mine["ori"].isin(both) & (mine["months"].isna() | (mine["months"] == 12))]
    # each agency's largest full year on file, offense by offense: the cap
    latest = full.groupby("ori")[list(change.keys())].max()
    unknown = sorted(set(others) - set(both) - set(latest.index))
    rows = []
    for offense, value in change.items():
        moved = sum(
            float(complete.loc[(o, last_year + 1), offense] - complete.loc[(o, last_year), offense])
            for o in both
        )
        combined = value + moved
        before = sum(float(complete.loc[(o, last_year), offense]) for o in both)
        bound = float(latest[offense].sum())  # the cap
        settled = not unknown and abs(combined) > bound
        rows.append(
            {
                "offense": offense,
                "change": value,
                "others_change": moved,
                "with_data": len(both),
                "others_before": before,
                "combined": combined,
                "bound": bound,
                "agencies": len(latest),
                "years": f"{full['year'].min()}-{full['year'].max()}" if len(full) else "",
                "unknown": ", ".join(unknown),
                "settled": settled,
                "direction": ("rise" if combined > 0 else "fall") if settled else "",
            }
        )
    return pd.DataFrame(rows)


def size_range(row: Mapping[str, float], before: float) -> tuple[float, float]:
    """The range of a county's percentage change that the county rule's assumption allows.

    ``row`` is a row of :func:`remainder_bound` and ``before`` the department's own count in the
    earlier year. Under the rule's assumption the agencies without data changed by at most the
    cap either way, and their earlier count lay between none and the cap, so the county's change
    lies between ``combined - bound`` and ``combined + bound`` on an earlier-year total between
    the known counts and the known counts plus the cap. The total adds the department's own
    count to the other agencies' FBI-format counts, so the percentages are approximate.
    Returns (lowest, highest) in percent.
    """
    known = before + row["others_before"]
    low = (row["combined"] - row["bound"]) / (known + row["bound"])
    high = (row["combined"] + row["bound"]) / known
    return 100 * low, 100 * high


def size_texts(bounds: pd.DataFrame, before: float, offense: str = "violent") -> dict[str, str]:
    """The range :func:`size_range` gives for ``offense`` of one department's rows of
    :func:`remainder_bound` (``bounds``), as texts: min and max (the county's change in
    offenses), base-low and base-high (its earlier-year total), low and high (per cent)."""
    row = bounds.set_index("offense").loc[offense]
    low, high = size_range(row, before)
    known = before + row["others_before"]
    return {
        "min": signed(row["combined"] - row["bound"]),
        "max": signed(row["combined"] + row["bound"]),
        "base-low": fmt.fmt_int(known),
        "base-high": fmt.fmt_int(known + row["bound"]),
        "low": fmt.fmt_pct(low, 0),
        "high": fmt.fmt_pct(high, 0),
    }


# The cap column: the agencies without complete data, each by its largest full year on file.
CAP_HEADING = "cap: agencies without complete data, summed largest full-year count"


def signed(value: float) -> str:
    """A whole change with its sign ("+7", "-31"), and "0" for no change."""
    return f"{round(value):+,}" if round(value) else "0"


def format_bound(bounds: Mapping[str, pd.DataFrame], labels: Mapping[str, str]) -> pd.DataFrame:
    """:func:`remainder_bound` tables (``bounds`` maps a department's name to one) for display."""
    rows = []
    for name, table in bounds.items():
        for r in table.itertuples():
            rows.append(
                {
                    "department": name,
                    "offense": labels.get(r.offense, r.offense),
                    "change in its records": signed(r.change),
                    "change in the other agencies with both years": signed(r.others_change),
                    "combined change": signed(r.combined),
                    CAP_HEADING: fmt.fmt_int(r.bound),
                    "county direction settled": "yes" if r.settled else "no",
                }
            )
    return pd.DataFrame(rows)


def claim_settled(
    bounds: Mapping[str, pd.DataFrame],
    department: str,
    offenses: str | Sequence[str],
    claimed: str = "rise",
) -> bool:
    """Whether the county rule settles a claim about one offense, or about several at once
    (:func:`bound_problems`): every offense settled, or one settled against the ``claimed``
    direction."""
    parts = [offenses] if isinstance(offenses, str) else list(offenses)
    table = bounds[department].set_index("offense").loc[parts]
    done = table["settled"].astype(bool)
    if done.all():
        return True
    return len(parts) > 1 and bool((done & (table["direction"] != claimed)).any())


def bound_problems(
    bounds: Mapping[str, pd.DataFrame],
    statuses: Mapping[str, str],
    judged: Mapping[str, tuple],
) -> list[str]:
    """Claims whose status breaks the county bounding rule of :func:`remainder_bound`.

    ``judged`` maps a claim id to the (department, offense) whose bound decides it, or, for one
    claim about several offenses, to (department, (offense, ...)) with an optional third item,
    the claimed direction ("rise" unless given). A claim about several offenses is settled when
    every offense is, or when one is settled the other way (the claim then fails whatever the
    rest do); as in the rule for several parts, one unsettled offense leaves it unsettled
    otherwise. A claim must be ``not_obtained`` exactly when its bounds do not settle it.
    """
    problems = []
    for cid, how in judged.items():
        settled = claim_settled(bounds, *how)
        if (statuses[cid] == "not_obtained") == settled:
            problems.append(
                f"{cid}: status {statuses[cid]} but the county direction is "
                f"{'settled' if settled else 'not settled'} by the bounding rule"
            )
    return problems


def bound_texts(bounds: Mapping[str, pd.DataFrame], keys: Mapping[str, str]) -> dict[str, str]:
    """Glue text for :func:`remainder_bound` tables: ``{key}-{offense}-change`` (size of the
    department's change), ``-others`` (the agencies with data, signed), ``-combined`` (size of
    the combined change) and ``-bound`` (the other agencies' count); ``{key}-with-data`` and
    ``{key}-bounded`` (how many agencies are in each group)."""
    out = {}
    for name, table in bounds.items():
        first = table.iloc[0]
        out[f"{keys[name]}-with-data"] = fmt.fmt_int(first["with_data"])
        out[f"{keys[name]}-bounded"] = fmt.fmt_int(first["agencies"])
        for r in table.itertuples():
            stem = f"{keys[name]}-{r.offense.replace('_', '-')}"
            out[f"{stem}-change"] = fmt.fmt_int(abs(r.change))
            out[f"{stem}-others"] = signed(r.others_change)
            out[f"{stem}-combined"] = fmt.fmt_int(abs(r.combined))
            out[f"{stem}-bound"] = fmt.fmt_int(r.bound)
    return out


def agency_names(agencies: pd.DataFrame, fixes: Mapping[str, str]) -> dict[str, str]:
    """Display name of every agency of a roster, by ORI (:func:`display_name`)."""
    return {
        o: display_name(n, c, fixes)
        for o, n, c in zip(agencies["ori"], agencies["name"], agencies["county"], strict=True)
    }


def coverage_texts(
    fbi_annual: pd.DataFrame,
    gaps: pd.DataFrame,
    agencies: pd.DataFrame,
    fixes: Mapping[str, str],
    notes: Mapping[str, str],
) -> dict[str, str]:
    """Glue text for the coverage section: ``n-full`` (agencies with a monthly file), ``no-file``
    (those without one, the CMPD annual file aside), ``gaps-{reason}`` (masked agency-months by
    reason), ``unrep-share`` and ``unrep-chance`` (the near-empty test's thresholds) and
    ``stricter`` (agency-years the FBI's 2014-2015 tables list as whole years that hold a month
    the rule sets aside)."""

    names = agency_names(agencies, fixes)
    monthly = fbi_annual[fbi_annual["source"] == "FBI monthly file"]
    stricter = [
        f"{names[o]} {y}"
        for y in (2014, 2015)
        for o in loaders.cius_listed(agencies, y)
        if o in set(monthly["ori"]) and months_reported(fbi_annual, o, y, by="ori") != 12
    ]
    reasons = gaps["reason"].value_counts()
    no_file = [names[o] for o in agencies["ori"] if notes.get(o, "").startswith("no monthly file")]
    return {
        "n-full": fmt.fmt_int(monthly["ori"].nunique()),
        "no-file": and_join(no_file),
        "stricter": and_join(stricter),
        **{
            f"gaps-{r.replace(' ', '-')}": fmt.fmt_int(reasons.get(r, 0))
            for r in ("blank", "no card", "zero", "near empty")
        },
        "unrep-share": fmt.fmt_pct(100 * counts.UNREPORTED_SHARE, 0),
        "unrep-chance": f"1 in {round(1 / counts.UNREPORTED_CHANCE):,}",
    }


def matched_texts(matched: pd.DataFrame, keys: Mapping[str, str]) -> dict[str, str]:
    """Glue text for :func:`matched_totals` (violent): ``{key}-n``, ``-2018``/``-2019`` (the
    years' columns), ``-in`` and ``-out`` (the agencies summed and left out)."""

    out = {}
    for _, row in matched.iterrows():
        key = keys[row["county"]]
        out[f"{key}-n"] = fmt.fmt_int(row["n"])
        for column in row.index:
            if column.startswith("violent "):
                out[f"{key}-{column.removeprefix('violent ')}"] = fmt.fmt_int(row[column])
        for name, column in (("in", "agencies"), ("out", "left out")):
            out[f"{key}-{name}"] = and_join(row[column].split(", ")) if row[column] else ""
    return out


def county_bounds(
    fbi_annual: pd.DataFrame,
    agencies: pd.DataFrame,
    departments: Mapping[str, tuple[str, Mapping[str, float]]],
) -> dict[str, pd.DataFrame]:
    """:func:`remainder_bound` for each department: ``departments`` maps its name to its ORI and
    its changes by offense."""
    return {
        name: remainder_bound(fbi_annual, agencies, ori, change)
        for name, (ori, change) in departments.items()
    }


SENSITIVITY_SHARES = (0.0, 0.5)  # near-empty thresholds tried against the main one


def bound_sensitivity(
    bounds: Mapping[str, pd.DataFrame],
    agencies: pd.DataFrame,
    departments: Mapping[str, tuple[str, Mapping[str, float]]],
    judged: Mapping[str, tuple],
    shares: Sequence[float] = SENSITIVITY_SHARES,
    first_year: int = 2014,
) -> list[float]:
    """The thresholds of the near-empty test (``share``) at which the county rule would settle a
    different set of the ``judged`` claims than ``bounds`` do; an empty list when none does. The
    caps use the years from ``first_year`` on, as the chapter's do."""

    def settled(table: Mapping[str, pd.DataFrame]) -> dict[str, bool]:
        return {cid: claim_settled(table, *how) for cid, how in judged.items()}

    base = settled(bounds)
    moved = []
    for share in shares:
        annual = loaders.fbi_agency_annual(agencies, share=share).query("year >= @first_year")
        if settled(county_bounds(annual, agencies, departments)) != base:
            moved.append(share)
    return moved


def unknown_text(table: pd.DataFrame, names: Mapping[str, str]) -> str:
    """Words for the agencies of a :func:`remainder_bound` table with no full year on file."""

    unknown = [o for o in str(table.iloc[0]["unknown"]).split(", ") if o]
    if not unknown:
        return "every one of them has a full year on file"
    verb = "has" if len(unknown) == 1 else "have"
    return f"and {and_join([names[o] for o in unknown])} {verb} no full year on file at all"


@dataclass
class CountyCoverage:
    """The county coverage section's tables and glue texts (:func:`county_coverage`)."""

    table: pd.DataFrame  # months of the compared years per agency and basis, with the gaps' reasons
    grid: pd.DataFrame  # months on file per agency and year
    attempts: pd.DataFrame  # county totals of the agencies other than the judged departments
    matched: pd.DataFrame  # like-for-like totals of the other agencies with both years
    texts: dict[str, str]
    words: list[str]


def county_coverage(
    agencies: pd.DataFrame,
    fbi_annual: pd.DataFrame,
    gaps: pd.DataFrame,
    own_annual: pd.DataFrame,
    own_names: Mapping[str, str],
    fixes: Mapping[str, str],
    judged: Sequence[str],
    years: Sequence[int] = (2018, 2019),
    grid_years: Sequence[int] = tuple(range(2014, 2025)),
) -> CountyCoverage:
    """Everything the county coverage section shows, built from the FBI-basis annual counts
    (:func:`factcheck.data.loaders.fbi_agency_annual`), the masked months (``gaps``) and the
    agencies' own records. ``judged`` lists the ORIs of the departments judged on their own
    records, left out of the totals. Texts (prefix them with the chapter's): ``n-{county}``
    (first four letters), ``both-years``, :func:`coverage_texts`, ``meck-best-years`` (the years
    in which Mecklenburg's other agencies come closest to a total), ``matched-...``
    (:func:`matched_texts`), ``wake-gap-month`` (Wake's most frequent unreported month of the
    compared years) and ``bound-alt-share`` (the other near-empty threshold tried)."""

    first, last = years
    notes = gap_notes(gaps, fbi_annual, agencies, years)
    for ori in judged:
        if notes.get(ori, "").startswith("no monthly file"):
            notes[ori] = f"no FBI-format counts after {first} here"
    table = coverage_table(agencies, own_annual, fbi_annual, own_names, fixes, years, notes)
    attempts = county_total_attempts(
        fbi_annual[fbi_annual["year"].isin(list(grid_years))], agencies, fixes, exclude=judged
    )
    meck = attempts[attempts["county"] == "Mecklenburg"]
    best = meck[meck["n_complete"] == meck["n_complete"].max()]
    matched = matched_totals(fbi_annual, agencies, fixes, judged, first, last)
    wake = agencies.loc[agencies["county"] == "Wake", "ori"]
    shown = gaps[gaps["ori"].isin(wake) & pd.to_datetime(gaps["date"]).dt.year.isin(list(years))]
    month = pd.to_datetime(shown.loc[shown["reason"] != "blank", "date"]).value_counts().idxmax()
    texts = {
        **{f"n-{c[:4].lower()}": fmt.fmt_int(n) for c, n in table["county"].value_counts().items()},
        "both-years": ", ".join(complete_on_one_basis(table, years)),
        **coverage_texts(fbi_annual, gaps, agencies, fixes, notes),
        "meck-best-years": and_join([str(y) for y in best["year"]]),
        "meck-best-missing": str(best["missing or incomplete"].iloc[0]),
        **{
            f"matched-{k}": v
            for k, v in matched_texts(matched, {"Mecklenburg": "meck", "Wake": "wake"}).items()
        },
        "wake-gap-month": f"{month:%B %Y}",
        "bound-alt-share": fmt.fmt_pct(100 * max(SENSITIVITY_SHARES), 0),
    }
    words = ["both-years", "no-file", "stricter"] + [
        f"matched-{c}-{w}" for c in ("meck", "wake") for w in ("in", "out")
    ]
    return CountyCoverage(
        table=table,
        grid=completeness_grid(fbi_annual, agencies, fixes, grid_years),
        attempts=attempts,
        matched=matched,
        texts=texts,
        words=words,
    )
