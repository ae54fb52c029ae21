"""The chapters' words and tables: text builders keyed for glue, and the display tables of
comparison sets, base rates, the ordinary-variation and design results, counting bases, county
rates, record lows and official program counts.

The statistics these show are computed in :mod:`factcheck.stats` (comparison-set rules in
:mod:`factcheck.stats.comparison`); this module only assembles and words them for a chapter.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from factcheck.base import fmt
from factcheck.base.fmt import and_join, fmt_int, fmt_num
from factcheck.book import report
from factcheck.book.report import glue_value
from factcheck.data import detainers, foia, loaders, policies, registry
from factcheck.data.counts import count_columns, lowest_in_year
from factcheck.data.programs import (
    AgreementCount,
    RosterChange,
    agency_flags,
    coverage_by_capture,
    crosswalk_fips,
    first_match,
    flagged_years,
    growth_factor,
    last_year_flagged,
    not_counted,
    per_year_vs_total,
    population_covered,
    population_ranks,
    roster_change,
    span_in_quote,
    spans_text,
)
from factcheck.ledger.rules import within
from factcheck.stats import design, trends, variation
from factcheck.stats.comparison import IN, ComparisonRule, membership
from factcheck.stats.design import ALPHA, comparison_members, family_summary
from factcheck.stats.rates import change_table, per_100k, rises

# ---------------------------------------------------------------------------- agency sets


def policy_texts(table: pd.DataFrame) -> dict[str, str]:
    """Each agency of a sheriffs' policy table (``policies.policy_changes``) with its county's
    change as a short text: 'stopped honouring ICE detainers, December 2018', 'none' ('by May
    2019' when the date is the latest the sources allow); a county with two rows (two changes)
    gets both, joined by '; '."""
    words = {
        "ended_287g": "ended 287(g)",
        "stopped_detainers": "stopped honouring ICE detainers",
        "ended_287g_and_detainers": "ended 287(g) and stopped honouring ICE detainers",
        "none": "none",
    }
    out = {}
    for row in table.itertuples(index=False):
        text = words[row.change]
        if row.change != "none":
            text += f", {'by ' if row.date_kind == 'by' else ''}{row.date:%B %Y}"
        for agency in row.agencies:  # a county with two changes gets both, in table order
            out[agency] = (
                f"{out[agency]}; {text}" if agency in out else f"{row.county} County: {text}"
            )
    return out


def state_table(
    annual: pd.DataFrame,
    monthly: pd.DataFrame,
    sizes: pd.Series,
    state: str,
    sets: Mapping[str, Iterable[str]],
    windows: Mapping[str, tuple[str, float]],
    complete: Sequence[str],
    treated: Sequence[str],
    changed: Sequence[str],
    policy: Mapping[str, str],
    years: tuple[int, int] = (2018, 2019),
    total: str = "violent",
) -> tuple[tuple[pd.DataFrame, pd.DataFrame], pd.Series, dict[str, str]]:
    """Every agency of ``state`` in the index, its change and why it is in or out of each set.

    ``annual``: agency-years with ``total`` and each offense (missing where the index has no
    series); ``sizes``: each agency's size for the size windows; ``sets``: label -> members as
    computed; ``windows``: label -> (unit, factor) for the size-window sets; ``complete``: the
    labels of sets that need every offense. Reasons, in order (:func:`membership`, which checks
    them against the sets): judged (``treated``), policy changed (``changed``), a missing
    offense series (``complete`` sets), outside the size window. Returns two display tables,
    narrow enough for the page (department, ``policy`` text, ``total`` in both years and its
    change; department and one column per set),
    the percentage change of ``total`` by agency, and texts: n, all (names), no-series (the
    agencies missing an offense series), missing (those offenses) and changed-pct (the
    changes of ``changed``).
    """
    agencies = ComparisonRule("state", state=state).among(monthly)
    rows = annual[annual["agency"].isin(agencies) & annual["year"].isin(list(years))]
    counts = rows.pivot(index="agency", columns="year", values=total)
    start, end = years
    pct = 100 * (counts[end] / counts[start] - 1)
    offenses = [c for c in rows.columns if c not in ("agency", "year", "months", total)]
    gaps = sorted(rows.loc[rows[offenses].isna().any(axis=1), "agency"].unique())
    missing = and_join([o.replace("_", " ") for o in offenses if rows[o].isna().any()])
    outside = {
        k: ComparisonRule("size", f).outside(sizes, unit, agencies)
        for k, (unit, f) in windows.items()
    }
    reasons = [
        ("judged", treated),
        ("policy changed", changed),
        (f"no {missing} series", {k: gaps for k in complete}),
        ("outside size window", outside),
    ]
    why = membership(agencies, sets, reasons)
    # A member of a set that does not need every offense still drops out of the comparisons
    # of an offense it has no series for: its "in" says so.
    why.loc[gaps] = why.loc[gaps].replace(IN, f"in (not for {missing}: no series)")
    change = pd.DataFrame(
        {
            "sheriff's policy change": [policy.get(a, "") for a in agencies],
            f"{total}, {start}": counts[start].map(fmt.fmt_int),
            str(end): counts[end].map(fmt.fmt_int),
            "change": pct.map(lambda v: fmt.fmt_pct(v, signed=True)),
        },
        index=agencies,
    )

    def name(a):
        return a.rsplit(",", 1)[0]

    tables = tuple(
        t.rename(index=name).rename_axis("department").reset_index() for t in (change, why)
    )
    texts = {
        "n": fmt.fmt_int(len(agencies)),
        "all": and_join([name(a) for a in agencies]),
        "no-series": and_join([name(a) for a in gaps]),
        "missing": missing,
        "changed-pct": and_join([fmt.fmt_pct(pct[a], signed=True) for a in changed]),
    }
    return tables, pct, texts


def nc_comparison(
    annual: pd.DataFrame,
    monthly: pd.DataFrame,
    base: Iterable[str],
    local: Mapping[str, Iterable[str]],
    local_factor: float,
    treated: Sequence[str],
    changed: Sequence[str],
    state: str = "NC",
) -> tuple[tuple[pd.DataFrame, pd.DataFrame], pd.Series, dict[str, str]]:
    """:func:`state_table` for the book's comparison sets of one state's agencies: the base
    rates' set ``base`` (every offense complete), each treated unit's local window of the
    ordinary-variation model (``local``: unit -> members, within ``local_factor``), and the
    comparison design's size-matched set of each treated unit and its state set
    (``design.comparison_set`` with its default size factor), all for the violent total. The
    texts add design-set: the names in the design's state set of the first treated unit."""

    clean = loaders.clean_monthly(monthly)
    factor = inspect.signature(design.comparison_members).parameters["factor"].default
    sets: dict[str, Iterable[str]] = {"base rates": base}
    windows = {}
    for unit in treated:
        name = unit.rsplit(",", 1)[0]
        sets[f"variation, {name}"] = local[unit]
        windows[f"variation, {name}"] = (unit, local_factor)
    for unit in treated:
        name = unit.rsplit(",", 1)[0]
        sets[f"design, {name}"] = design.comparison_set(clean, "size", unit)["agency"]
        windows[f"design, {name}"] = (unit, factor)
    sets[f"design, {state}"] = design.comparison_set(clean, "nc", treated[0], state=state)["agency"]
    policy = policy_texts(policies.policy_changes())
    sizes = design.size_2018(clean)
    tables, pct, texts = state_table(
        annual, monthly, sizes, state, sets, windows, ["base rates"], treated, changed, policy
    )
    names = [a.rsplit(",", 1)[0] for a in sets[f"design, {state}"]]
    return tables, pct, texts | {"design-set": and_join(names)}


# ---------------------------------------------------------------------------- changes


def crime_change_table(
    annual: pd.DataFrame,
    agency: str,
    columns: Sequence[str],
    start: int,
    end: int,
    level: float = 0.95,
    phi: pd.Series | None = None,
) -> pd.DataFrame:
    """One agency's change table from ``start`` to ``end`` (``counts.change_table``)."""
    table = annual[annual["agency"] == agency].set_index("year")
    return change_table(
        table.loc[start, list(columns)], table.loc[end, list(columns)], level=level, dispersion=phi
    )


def interval_text(row: pd.Series) -> str:
    """'+a% to +b%' for a row of a change table."""
    return f"{fmt.fmt_pct(row['low'], signed=True)} to {fmt.fmt_pct(row['high'], signed=True)}"


def glue_changes(prefix: str | Mapping[str, pd.DataFrame], table: pd.DataFrame | None = None):
    """Glue before, after, pct and the interval of each row as ``{prefix}-{category}-...``;
    ``prefix`` may instead map several prefixes to their tables."""
    if isinstance(prefix, Mapping):
        for key, each in prefix.items():
            glue_changes(key, each)
        return
    for cat, row in table.iterrows():
        key = f"{prefix}-{cat.replace('_', '-')}"
        report.glue_value(f"{key}-2018", row["before"])
        report.glue_value(f"{key}-2019", row["after"])
        report.glue_value(f"{key}-pct", row["pct"], "pct", signed=True)
        report.glue_text(f"{key}-ci", interval_text(row))


# ---------------------------------------------------------------------------- base rates
def base_rates(
    annual: pd.DataFrame,
    categories: Sequence[str],
    total: str,
    start: int,
    end: int,
    treated: Sequence[str],
    comparison: Sequence[str],
) -> dict:
    """How common a rise was among ``comparison`` units, and where ``treated`` units rank.

    Returns ``rises`` (``counts.rises`` for every unit), ``others`` (the comparison rows),
    ``share_rose`` and ``share_all`` (percent of comparison units whose total, or all
    categories, rose), ``n_all`` and ``rank`` (per treated unit: percent of comparison units
    whose change in ``total`` was smaller).
    """
    table = rises(annual, "agency", categories, total, start, end)
    others = table.loc[[a for a in comparison if a in table.index]]
    return {
        "rises": table,
        "others": others,
        "share_rose": 100 * others[f"{total}_rose"].mean(),
        "share_all": 100 * others["all_rose"].mean(),
        "n_all": int(others["all_rose"].sum()),
        "rank": {a: 100 * (others["pct"] < table.loc[a, "pct"]).mean() for a in treated},
    }


# ---------------------------------------------------------------------------- counties
def county_program_groups(
    agreements: pd.DataFrame, flags: pd.DataFrame, last_roster: str, later_year: int
) -> dict[str, str]:
    """Rule for the counties that 'kept' or 'ended' 287(g), from two public records.

    A county is in a group when its agreement was active at the last roster capture
    (``agreements.active_to`` on or after ``last_roster``, not terminated, with a county FIPS).
    It 'kept' the agreement when the Washington Post curation flags it in ``later_year``,
    otherwise it 'ended' it. Returns FIPS -> group.
    """
    active = agreements[
        (agreements["active_to"] >= pd.Timestamp(last_roster))
        & ~agreements["terminated"].astype(bool)
        & agreements["county_fips"].notna()
    ]
    flagged = set(fips_codes(flags.loc[flags["year"] == later_year, "FIPS"]))
    return {f: ("kept" if f in flagged else "ended") for f in fips_codes(active["county_fips"])}


def fips_codes(values: pd.Series) -> list[str]:
    """Five-character county FIPS strings from numbers or strings (missing dropped)."""
    return values.dropna().astype(float).astype(int).astype(str).str.zfill(5).tolist()


def ever_participated(
    flags: pd.DataFrame, agreements: pd.DataFrame, extra: Mapping[str, str]
) -> set[str]:
    """Counties with any 287(g) agreement in either record; ``extra`` fills missing FIPS codes."""
    ever = set(fips_codes(flags["FIPS"])) | set(fips_codes(agreements["county_fips"]))
    named = agreements.loc[agreements["county_fips"].isna(), "agency"]
    missing = [a for a in named if a not in extra]
    if missing:
        raise ValueError(f"agreements without a county FIPS code and no entry in extra: {missing}")
    return ever | {extra[a] for a in named}


def county_rates(
    table: pd.DataFrame,
    rate: str,
    quality: str,
    groups: Mapping[str, str],
    ever: set[str],
    state: str = "37",
) -> pd.DataFrame:
    """Urban Institute county rates of one state with each county's 287(g) group.

    ``group`` is the county's entry in ``groups`` ('kept', 'ended'), else 'other past
    participant' when in ``ever``, else 'never'. Columns renamed to ``rate`` and ``quality``.
    """
    out = table[table["state"] == state].assign(fips=lambda d: d["state"] + d["county"])
    other = out["fips"].map(lambda f: "other past participant" if f in ever else "never")
    out["group"] = out["fips"].map(groups).fillna(other)
    return out.rename(columns={rate: "rate", quality: "quality"})


def percentile_range(table: pd.DataFrame, fips: str) -> str:
    """A county's percentile rank of ``rate`` among all counties, per year, as text.

    '91st' when every year gives the same rank, else '85th to 91st'.
    """
    ranks = table.assign(pct=table.groupby("year")["rate"].rank(pct=True) * 100)
    values = ranks.loc[ranks["fips"] == fips, "pct"]
    low, high = round(values.min()), round(values.max())
    return fmt.ordinal(low) if low == high else f"{fmt.ordinal(low)} to {fmt.ordinal(high)}"


def county_rate_table(
    tables: Sequence[pd.DataFrame], groups: Mapping[str, str], names: Mapping[str, str]
) -> pd.DataFrame:
    """Rate (quality flag) per county in ``groups`` and every year of ``tables``."""
    rows = []
    for fips, group in groups.items():
        row = {"county": names[fips], "287(g)": group}
        for table in tables:
            for year in sorted(table["year"].unique()):
                hit = table[(table["fips"] == fips) & (table["year"] == year)]
                row[str(year)] = (
                    f"{fmt.fmt_int(hit['rate'].iloc[0])} ({int(hit['quality'].iloc[0])})"
                    if len(hit)
                    else ""
                )
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- state trends
def estimate_series(estimates: pd.DataFrame, places: Sequence[str], years: Sequence[int]):
    """FBI estimates for ``places`` (state_abbr) and ``years``, with the violent ``rate``.

    Indexed by (state_abbr, year).
    """
    est = estimates[estimates["year"].isin(years) & estimates["state_abbr"].isin(places)].copy()
    est["rate"] = per_100k(est["violent"], est["population"])
    return est.set_index(["state_abbr", "year"])


def pct_change(series: pd.Series, start, end) -> float:
    """Percentage change of ``series`` from label ``start`` to label ``end``."""
    return 100 * (series.loc[end] / series.loc[start] - 1)


def base_rate_texts(
    base: dict, treated: Mapping[str, str], nc: Sequence[str], total: str = "violent"
) -> dict[str, str]:
    """The figures of :func:`base_rates` as prose text, keyed for glue.

    n-agencies, share-rose, share-all4 (whole percent), n-all4, ``{key}-rank`` for each
    treated unit (``treated`` maps the unit to its key), and for the units ``nc``: nc-others
    (their names without the state), nc-others-rose (how many saw ``total`` rise), nc-others-n.
    """
    out = {
        "n-agencies": fmt.fmt_int(len(base["others"])),
        "share-rose": fmt.fmt_pct(base["share_rose"], 0),
        "share-all4": fmt.fmt_pct(base["share_all"], 0),
        "n-all4": fmt.fmt_int(base["n_all"]),
    }
    out |= {f"{key}-rank": fmt.fmt_pct(base["rank"][u], 0) for u, key in treated.items()}
    return out | {
        "nc-others": ", ".join(a.split(",")[0] for a in nc),
        "nc-others-rose": fmt.fmt_int(base["rises"].loc[list(nc), f"{total}_rose"].sum()),
        "nc-others-n": fmt.fmt_int(len(nc)),
    }


def assessment_texts(
    exact: pd.DataFrame, assessed: pd.DataFrame, labels: Mapping[str, str]
) -> dict[str, str]:
    """Which changes were exceptional, as prose lists keyed for glue.

    beyond: offenses beyond ordinary variation (``variation.assess``); within: beyond chance
    (``exact``, a ``counts.change_table``) but not beyond ordinary variation; disagree: offenses
    where the neighbour check disagrees with the model, and disagree-pct their percentiles.
    """
    rows = [c for c in labels if c in assessed.index]
    va, ex = assessed.loc[rows], exact.loc[rows]
    return {
        "beyond": and_join([labels[c] for c in rows if va.loc[c, "beyond"]]),
        "within": and_join(
            [labels[c] for c in rows if ex.loc[c, "significant"] and not va.loc[c, "beyond"]]
        ),
        "disagree": and_join([labels[c] for c in rows if not va.loc[c, "agree"]]),
        "disagree-pct": ", ".join(
            fmt.fmt_int(v) for v in va.loc[~va["agree"].astype(bool), "empirical_percentile"]
        ),
    }


def frequency_texts(freq: pd.DataFrame, long_freq: pd.DataFrame, unit: str) -> dict[str, str]:
    """Range of the yearly shares of rises across units (``counts.rise_frequency``) and the
    counts of rises in one unit's long series (keys start with ``unit``), as prose text."""
    out = {}
    for key, column in [("freq", "total_rose"), ("all4", "all_rose")]:
        out[f"{key}-min"] = fmt.fmt_pct(100 * freq[column].min(), 0)
        out[f"{key}-max"] = fmt.fmt_pct(100 * freq[column].max(), 0)
    return out | {
        f"{unit}-years": fmt.fmt_int(len(long_freq)),
        f"{unit}-years-rose": fmt.fmt_int(long_freq["total_rose"].sum()),
        f"{unit}-years-all4": fmt.fmt_int(long_freq["all_rose"].sum()),
        f"{unit}-first": str(int(long_freq["from"].min())),
    }


def estimate_texts(series: pd.DataFrame, place: str, start: int, end: int) -> dict[str, str]:
    """One place's FBI estimates as prose: rate in ``start`` and ``end`` (one decimal),
    percentage change of the violent count and of murders, keyed for glue."""
    s = series.loc[place]
    return {
        f"rate-{start}": fmt.fmt_num(s.loc[start, "rate"]),
        f"rate-{end}": fmt.fmt_num(s.loc[end, "rate"]),
        "count-pct": fmt.fmt_pct(pct_change(s["violent"], start, end), signed=True),
        f"murder-{end}": fmt.fmt_pct(pct_change(s["murder"], start, end), signed=True),
    }


def state_without(
    state: pd.Series, parts: Mapping[str, pd.Series], start: int, end: int
) -> pd.DataFrame:
    """A state total with and without some of its parts, and each one's change.

    ``state`` and each of ``parts`` are counts indexed by year. Returns rows for the state, each
    part, and the rest of the state (state minus every part), with columns ``start``, ``end``
    and pct (percentage change).
    """
    rest = state.loc[[start, end]] - sum(p.loc[[start, end]] for p in parts.values())
    series = {"state": state} | dict(parts) | {"rest of state": rest}
    rows = [
        {"series": name, start: s.loc[start], end: s.loc[end], "pct": pct_change(s, start, end)}
        for name, s in series.items()
    ]
    return pd.DataFrame(rows).set_index("series")


def source_comparison(
    values: Mapping[str, tuple[float, float]], start: int, end: int
) -> pd.DataFrame:
    """Two or more sources for the same count, side by side: source, ``start``, ``end``, change.

    ``values`` maps a source label to its (start, end) counts.
    """
    return pd.DataFrame(
        [
            {
                "source": label,
                str(start): fmt.fmt_int(a),
                str(end): fmt.fmt_int(b),
                "change": fmt.fmt_pct(100 * (b / a - 1), signed=True),
            }
            for label, (a, b) in values.items()
        ]
    )


def format_assessment(
    exact: pd.DataFrame,
    assessed: pd.DataFrame,
    department: str,
    labels: Mapping[str, str],
    level: float = 0.95,
) -> pd.DataFrame:
    """One department's changes as display strings: the exact Poisson interval (``exact``, a
    ``counts.change_table``) and the size-scaled ordinary-variation verdict and neighbour
    percentile (``assessed``, from ``variation.assess``), one row per offense of ``labels``."""
    yes_no = {True: "yes", False: "no"}
    rows = [c for c in labels if c in exact.index and c in assessed.index]
    ex, va = exact.loc[rows], assessed.loc[rows]
    return pd.DataFrame(
        {
            "department": department,
            "offense": [labels[c] for c in rows],
            "2018": ex["before"].map(fmt.fmt_int).to_numpy(),
            "2019": ex["after"].map(fmt.fmt_int).to_numpy(),
            "change": ex["pct"].map(lambda v: fmt.fmt_pct(v, signed=True)).to_numpy(),
            f"{fmt.fmt_pct(100 * level, 0)} interval (chance)": [
                interval_text(r) for _, r in ex.iterrows()
            ],
            "beyond chance?": ex["significant"].map(yes_no).to_numpy(),
            "beyond ordinary variation?": va["beyond"].map(yes_no).to_numpy(),
            "percentile among nearest agencies": va["empirical_percentile"]
            .map(lambda v: fmt.fmt_int(v))
            .to_numpy(),
        }
    )


def format_design(
    results: pd.DataFrame, labels: Mapping[str, str], names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Difference-in-differences results (``design.run`` rows) as display strings.

    One row per unit (shown by its entry in ``names``) and offense of the main window, with the
    sensitivity window beside it. The inference is the studentised placebo test, two-sided
    (``design.estimate``): the rank (most extreme first, either direction), its p-value, the
    interval that inverts it with its actual coverage (placebo p-values are discrete), and the
    Holm-adjusted p over the stated family. No model intervals: they ignore serial correlation
    and are too narrow.
    """
    main = results[results["end"] == results["end"].min()].set_index(["unit", "offense"])
    late = results[results["end"] == results["end"].max()].set_index(["unit", "offense"])
    rows = []
    for (unit, offense), r in main.iterrows():
        s = late.loc[(unit, offense)]
        rows.append(
            {
                "department": (names or {}).get(unit, unit),
                "offense": labels[offense],
                "change beyond comparison": fmt.fmt_pct(r["pct"], signed=True),
                "rank (most extreme first)": f"{r['rank']} of {r['controls'] + 1}",
                "p": fmt.fmt_num(r["p"], 2),
                "interval (coverage)": design_interval_text(r, coverage=True),
                "Holm p": fmt.fmt_num(r["p_holm"], 2) if pd.notna(r["p_holm"]) else "",
                "2018 check p": fmt.fmt_num(r["pre_p"], 2),
                "to Dec 2021": f"{fmt.fmt_pct(s['pct'], signed=True)} (p {fmt.fmt_num(s['p'], 2)})",
            }
        )
    return pd.DataFrame(rows)


def design_interval_text(row: Mapping, coverage: bool = False) -> str:
    """The placebo interval of a ``design.estimate`` row as '+26.8% to +184.5%', with
    ``coverage`` followed by its actual coverage level, ' (96.9%)' (empty when there are too
    few comparison agencies for one)."""
    if pd.isna(row["placebo_low"]):
        return ""
    text = (
        f"{fmt.fmt_pct(row['placebo_low'], signed=True)} to "
        f"{fmt.fmt_pct(row['placebo_high'], signed=True)}"
    )
    return f"{text} ({fmt.fmt_pct(100 * row['coverage'])})" if coverage else text


def design_texts(size: pd.DataFrame, nc: pd.DataFrame, keys: Mapping[str, str]) -> dict[str, str]:
    """Prose text of the difference-in-differences results (``design.run`` rows), keyed for glue.

    For each unit (``keys`` maps it to a short key) and offense of the main window of ``size``
    (the size-matched rule): ``{key}-{offense}-pct``, ``-rank`` ('2 of 32', most extreme
    first), ``-p`` (two-sided, the convention), ``-p-rise`` (one-sided for a rise, a
    sensitivity), ``-p-raw`` (two-sided on the raw estimates), ``-min-p`` (the smallest placebo
    p its comparison agencies allow, one over their number plus one), ``-ci`` (the inverted
    interval), ``-coverage`` (its actual coverage level), ``-holm``
    (Holm-adjusted p), and ``-late-pct``
    / ``-late-p`` (the window to December 2021). Also ``nc-j`` and ``nc-min-p`` (the most North
    Carolina comparison agencies of any estimate, and the smallest placebo p-value that number
    allows), ``pre-min-p`` (smallest p of the 2018 check, main window, either rule), ``alpha``
    (the two-sided level), ``coverage-low``/``coverage-high`` (the range of the intervals'
    actual coverage), ``factor`` (size rule), and the family line of
    ``design.family_summary``: ``tests``, ``below``, ``expected`` (exact, two decimals),
    ``min-holm``, and ``holm-first`` (the level Holm's adjustment requires of the smallest
    p-value).
    """

    main_end, late_end = size["end"].min(), size["end"].max()
    main = size[size["end"] == main_end]
    late = size[size["end"] == late_end].set_index(["unit", "offense"])
    out = {}
    for _, r in main.iterrows():
        key = f"{keys[r['unit']]}-{r['offense'].replace('_', '-')}"
        other = late.loc[(r["unit"], r["offense"])]
        out[f"{key}-pct"] = fmt.fmt_pct(r["pct"], signed=True)
        out[f"{key}-rank"] = f"{r['rank']} of {r['controls'] + 1}"
        out[f"{key}-p"] = fmt.fmt_num(r["p"], 2)
        out[f"{key}-p-rise"] = fmt.fmt_num(r["p_rise"], 2)
        out[f"{key}-p-raw"] = fmt.fmt_num(r["p_raw"], 2)
        out[f"{key}-min-p"] = fmt.fmt_num(1 / (r["controls"] + 1), 3)
        out[f"{key}-ci"] = design_interval_text(r)
        out[f"{key}-coverage"] = fmt.fmt_pct(100 * r["coverage"])
        out[f"{key}-holm"] = fmt.fmt_num(r["p_holm"], 2)
        out[f"{key}-late-pct"] = fmt.fmt_pct(other["pct"], signed=True)
        out[f"{key}-late-p"] = fmt.fmt_num(other["p"], 2)
    nc_main = nc[nc["end"] == main_end]
    most = int(nc_main["controls"].max())
    both = pd.concat([main, nc_main])
    factor = inspect.signature(comparison_members).parameters["factor"].default
    family = family_summary(size)
    return out | {
        "nc-j": fmt.fmt_int(most),
        "nc-min-p": fmt.fmt_num(1 / (most + 1), 2),
        "pre-min-p": fmt.fmt_num(both["pre_p"].min(), 2),
        "alpha": fmt.fmt_pct(100 * ALPHA, 0),
        "coverage-low": fmt.fmt_pct(100 * main["coverage"].min()),
        "coverage-high": fmt.fmt_pct(100 * main["coverage"].max()),
        "factor": fmt.fmt_num(factor, 0),
        "tests": fmt.fmt_int(family["tests"]),
        "below": fmt.fmt_int(family["below"]),
        "expected": fmt.fmt_num(family["expected"], 2),
        "min-holm": fmt.fmt_num(family["min_p_holm"], 2),
        "holm-first": fmt.fmt_num(ALPHA / family["tests"], 3),
    }


def break_texts(breaks: Mapping[str, Mapping], keys: Mapping[str, str]) -> dict[str, str]:
    """``design.break_check`` results as prose text keyed for glue: for each unit (``keys``
    maps it to a short key) ``{key}-step``, ``-usual``, ``-break`` (per cent, signed), ``-rank``
    ('5 of 32'), ``-p`` and ``-januaries`` (how many Januaries were measured)."""
    out = {}
    for unit, b in breaks.items():
        key = keys[unit]
        out |= {
            f"{key}-step": fmt.fmt_pct(b["step_pct"], signed=True),
            f"{key}-usual": fmt.fmt_pct(b["usual_pct"], signed=True),
            f"{key}-break": fmt.fmt_pct(b["break_pct"], signed=True),
            f"{key}-rank": f"{b['rank']} of {b['placebos'] + 1}",
            f"{key}-p": fmt.fmt_num(b["p"], 2),
            f"{key}-januaries": fmt.fmt_int(len(b["januaries"])),
        }
    return out


def ordinary_family_texts(family: Mapping) -> dict[str, str]:
    """The multiple-comparisons line of ``variation.family_line`` as prose text keyed for glue:
    tests, beyond, expected (by chance), holm-beyond, and holm-min (the smallest Holm-adjusted
    p, which belongs to the most extreme change)."""
    return {
        "tests": fmt.fmt_int(family["tests"]),
        "beyond": fmt.fmt_int(family["beyond"]),
        "expected": fmt.fmt_num(family["expected"], 1),
        "holm-beyond": fmt.fmt_int(family["holm_beyond"]),
        "holm-min": fmt.fmt_num(float(family["p_holm"].min()), 2),
    }


def local_window_texts(assessed: Mapping[str, pd.DataFrame], factor: float) -> dict[str, str]:
    """The fallback of ``variation.local_pairs`` as glue text (``min-pairs``, ``sens-near-k``),
    after checking that no ``variation.assess`` row used it: every local window lies within
    ``factor`` of the agency's own count. Raises ``AssertionError`` otherwise."""

    for table in assessed.values():
        inside = (table["local_low"] >= table["before"] / factor) & (
            table["local_high"] <= table["before"] * factor
        )
        assert inside.all(), "the local alpha window fell back to the nearest agencies"
    defaults = inspect.signature(variation.local_pairs).parameters
    return {
        "min-pairs": str(defaults["min_pairs"].default),
        "sens-near-k": str(defaults["k"].default),
    }


def rtm_texts(rtm: Mapping[str, float]) -> dict[str, str]:
    """A ``variation.rtm_check`` result as prose text keyed for glue: deviation (per cent
    against the prior mean), slope, expected and full (counts), share (of the rise explained)
    and above (next year's count against the longer mean, per cent), and years (the first and
    last year whose windows give the slope, when ``rtm`` names them)."""

    return {
        "deviation": fmt.fmt_pct(100 * (math.exp(rtm["deviation"]) - 1), signed=True),
        "slope": fmt.fmt_num(rtm["slope"], 2),
        "expected": fmt.fmt_int(rtm["expected_after"]),
        "full": fmt.fmt_int(rtm["full_reversion_after"]),
        "share": fmt.fmt_pct(100 * rtm["share_explained"], 0),
        "above": fmt.fmt_pct(rtm["after_vs_long_mean"], 0),
    } | ({"years": f"{rtm['years'][0]} to {rtm['years'][-1]}"} if rtm.get("years") else {})


# ---------------------------------------------------------------------------- summaries as prose
def counting_bases(
    cmpd_summary: pd.DataFrame,
    cmpd_own: pd.DataFrame,
    raleigh_summary: pd.DataFrame,
    raleigh_nibrs: pd.DataFrame,
    raleigh_own: pd.DataFrame,
    labels: Mapping[str, str],
    year: int = 2018,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The same crimes counted two or three ways, side by side.

    All frames are indexed by year. Returns: CMPD's summary (SRS) counts against its own
    records in ``year`` by offense; Raleigh's violent counts by year in the summary format,
    NIBRS and its own records (years of ``raleigh_summary``); and prose texts: cmpd-agg-fbi-
    and cmpd-agg-own-``year`` (aggravated assault), nibrs-ratio-range (NIBRS over summary
    format, lowest to highest year, over the complete years only: a converted year with fewer
    than half the department's own murders is left out) with nibrs-ratio-years, and
    raleigh-retA- and raleigh-own-murder in the first summary year.
    """

    basis = count_columns(
        "offense",
        dict(labels),
        {
            f"FBI summary (SRS), {year}": cmpd_summary.loc[year],
            f"department records, {year}": cmpd_own.loc[year],
        },
    )
    years = list(raleigh_summary.index)
    gap = count_columns(
        "year",
        {y: y for y in years},
        {
            "FBI summary format (Return A)": raleigh_summary["violent"],
            "NIBRS offenses": raleigh_nibrs["violent"],
            "department records": raleigh_own["violent"],
        },
    )
    # a converted year whose murders fall below half the department's own count is an incomplete
    # conversion (Raleigh's 2019), so the ratio uses the other, complete years only
    complete = [
        y for y in years if raleigh_summary.loc[y, "murder"] >= 0.5 * raleigh_own.loc[y, "murder"]
    ]
    ratio = raleigh_nibrs.loc[complete, "violent"] / raleigh_summary.loc[complete, "violent"]
    first = years[0]
    texts = {
        f"cmpd-agg-fbi-{year}": fmt.fmt_int(cmpd_summary.loc[year, "aggravated_assault"]),
        f"cmpd-agg-own-{year}": fmt.fmt_int(cmpd_own.loc[year, "aggravated_assault"]),
        "nibrs-ratio-range": f"{ratio.min():.2f} to {ratio.max():.2f}",
        "nibrs-ratio-years": f"{complete[0]} to {complete[-1]}" if complete else "",
        f"raleigh-retA-murder-{first}": fmt.fmt_int(raleigh_summary.loc[first, "murder"]),
        f"raleigh-own-murder-{first}": fmt.fmt_int(raleigh_own.loc[first, "murder"]),
    }
    return basis, gap, texts


def growth(values: pd.Series, keys: Mapping[str, str], start: int, end: int) -> dict[str, float]:
    """Percentage change from ``start`` to ``end`` of ``values`` (indexed by (place, year)) for
    each place of ``keys``, keyed by its short key."""
    return {key: pct_change(values.xs(place, level=0), start, end) for place, key in keys.items()}


def state_trend_texts(
    current: pd.DataFrame,
    earlier: pd.DataFrame,
    parts: Mapping[str, pd.Series],
    start: int = 2018,
    end: int = 2019,
) -> dict[str, str]:
    """Prose texts of the FBI's state and national estimates (two editions), keyed for glue.

    ``current``/``earlier``: :func:`estimate_series` of the edition used and of an earlier one,
    both with NC; ``current`` with US for ``start`` to ``end + 1``. Keys: nc-/us- texts of
    :func:`estimate_texts`, us-murder-``end + 1``, nc-2019ed-... for the earlier edition,
    nc-2019ed-count and nc-2020ed-count (NC violent count in ``end`` by edition) and
    nc-rest-pct: the change of NC without ``parts`` (:func:`state_without`).
    """
    out = {f"nc-{k}": v for k, v in estimate_texts(current, "NC", start, end).items()}
    out |= {f"us-{k}": v for k, v in estimate_texts(current, "US", start, end).items()}
    out[f"us-murder-{end + 1}"] = estimate_texts(current, "US", end, end + 1)[f"murder-{end + 1}"]
    out |= {f"nc-2019ed-{k}": v for k, v in estimate_texts(earlier, "NC", start, end).items()}
    out["nc-2019ed-count"] = fmt.fmt_int(earlier.loc[("NC", end), "violent"])
    out["nc-2020ed-count"] = fmt.fmt_int(current.loc[("NC", end), "violent"])
    rest = state_without(current.loc["NC", "violent"], parts, start, end)
    out["nc-rest-pct"] = fmt.fmt_pct(rest.loc["rest of state", "pct"], signed=True)
    return out


def county_rank_texts(
    tables: Mapping[str, pd.DataFrame], names: Mapping[str, str]
) -> dict[str, str]:
    """Percentile ranks of each named county in each period's table (``county_rates``), as
    ``rank-{name}-{period}`` texts, with n-never and n-counties of the first table."""
    first = next(iter(tables.values()))
    out = {
        "n-never": fmt.fmt_int(first.loc[first["group"] == "never", "fips"].nunique()),
        "n-counties": fmt.fmt_int(first["fips"].nunique()),
    }
    for period, table in tables.items():
        for fips, name in names.items():
            out[f"rank-{name.lower()}-{period}"] = percentile_range(table, fips)
    return out


def assessment_sensitivity(
    monthly: pd.DataFrame,
    agencies: Sequence[str],
    offenses: Sequence[str],
    labels: Mapping[str, str],
    base: tuple[float, int],
    settings: Sequence[tuple[float, int]],
    level: float = 0.95,
    assessed: Mapping[str, pd.DataFrame] | None = None,
    runs: dict | None = None,
) -> dict[str, str]:
    """Do the ordinary-variation verdicts depend on the local window or the neighbours?

    Runs ``variation.assess`` for each agency with ``base`` (factor of the local size window
    for alpha, k nearest agencies) and each of ``settings``, in both directions (narrower and
    wider windows, fewer and more neighbours). Returns prose texts: sens-factors and sens-near
    (the other settings tried), sens-model-changes and sens-neighbour-changes (offenses whose
    main or neighbour verdict differs from the base setting for any agency; empty when none
    does), and sens-band-changes (offenses whose verdict with the alpha of equal-count size
    bands, the earlier method, differs from the main one in the base setting). ``assessed``:
    the base setting's tables (``{agency: variation.assess(...)}``) when the caller already has
    them, so they are not computed twice. ``runs``: a dict that receives each setting's tables
    (``runs[setting] = {agency: table}``), for callers that need more than the verdicts.
    """

    def flags(tables):
        out = {}
        for agency, table in tables.items():
            for offense, row in table.iterrows():
                found = (row["beyond"], row["neighbour_beyond"], row["beyond_band"])
                out[(agency, offense)] = tuple(bool(f) for f in found)
        return out

    def verdicts(factor, k):
        tables = {
            agency: variation.assess(
                monthly, agency, offenses=offenses, factor=factor, k=k, level=level
            )
            for agency in agencies
        }
        if runs is not None:
            runs[(factor, k)] = tables
        return flags(tables)

    reference = flags(assessed) if assessed is not None else verdicts(*base)
    model, neighbour = set(), set()
    for setting in settings:
        for key, (beyond, near, _) in verdicts(*setting).items():
            model |= {key[1]} if beyond != reference[key][0] else set()
            neighbour |= {key[1]} if near != reference[key][1] else set()
    band = {key[1] for key, (beyond, _, by_band) in reference.items() if beyond != by_band}
    factors = sorted({f for f, _ in settings} - {base[0]})
    return {
        "sens-factors": and_join([fmt.fmt_num(f, 0) for f in factors]),
        "sens-near": and_join([str(k) for k in sorted({k for _, k in settings} - {base[1]})]),
        "sens-model-changes": and_join([labels[o] for o in offenses if o in model]),
        "sens-neighbour-changes": and_join([labels[o] for o in offenses if o in neighbour]),
        "sens-band-changes": and_join([labels[o] for o in offenses if o in band]),
    }


def chance_range(
    assessed: Mapping[str, pd.DataFrame],
    windows: Mapping[float, Mapping[str, pd.DataFrame]],
    unit: str,
    offense: str,
    level: float = 0.95,
) -> dict[str, float]:
    """How the Holm-adjusted p-value of one test (``unit``, ``offense``) moves with the choices
    the data cannot settle: the book's convention (two-sided, one family of every unit's
    tests, ``assessed``), one-sided for a rise, a family per unit, and each other size window
    for alpha (``windows``: factor -> tables like ``assessed``). Returns label -> adjusted p."""

    units = list(assessed)
    row = (units.index(unit), offense)

    def adjusted(tables, **how):
        return float(variation.family_line(list(tables.values()), level, **how)["p_holm"][row])

    out = {
        "two-sided, one family": adjusted(assessed),
        "one-sided for a rise": adjusted(assessed, sided="rise"),
        "a family per department": adjusted(assessed, per_unit=True),
    }
    return out | {
        f"size window factor {fmt.fmt_num(f, 0)}": adjusted(t) for f, t in windows.items()
    }


def ordinary_variation(
    monthly: pd.DataFrame,
    agencies: Sequence[str],
    offenses: Sequence[str],
    labels: Mapping[str, str],
    base: tuple[float, int],
    settings: Sequence[tuple[float, int]],
    level: float = 0.95,
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Ordinary-variation verdicts for ``agencies`` with their sensitivity and multiplicity
    lines: ``variation.assess`` with ``base`` (local window factor, k nearest), one table per
    agency, and the prose texts of :func:`assessment_sensitivity` (keys ``sens-...``) and of
    :func:`ordinary_family_texts` over all the agencies' tests (keys ``ov-...``).

    For the test with the smallest adjusted p-value the ``ov-`` texts add: holm-low and
    holm-high (its range under :func:`chance_range`, with the settings of ``settings`` that
    change the size window as the window alternatives), holm-largest and holm-lowest (the
    alternatives that give the largest and the smallest), holm-family (a family per unit),
    holm-one-sided (one-sided for a rise), holm-mc (its Monte Carlo error, the number of tests
    times the error of its p-value), alpha-low/-high and alpha-low-factor/-high-factor (the
    range of its offense's dispersion estimate over the windows), and draws, level (of the
    tests) and z (the normal quantile of ``level``)."""

    factor, k = base
    assessed = {
        a: variation.assess(monthly, a, offenses=offenses, factor=factor, k=k, level=level)
        for a in agencies
    }
    line = variation.family_line(list(assessed.values()), level)
    family = ordinary_family_texts(line)
    runs: dict = {}
    texts = assessment_sensitivity(
        monthly, agencies, offenses, labels, base, settings, level, assessed=assessed, runs=runs
    )
    # the smallest adjusted p: its range over the alternatives, its Monte Carlo error, and how
    # the dispersion estimate of its offense moves with the size window
    unit, offense = line["p"].idxmin()
    unit = list(assessed)[unit]
    windows = {f: t for (f, kk), t in runs.items() if kk == k and f != factor}
    spread = chance_range(assessed, windows, unit, offense, level)
    alphas = {factor: assessed[unit].loc[offense, "alpha"]} | {
        f: t[unit].loc[offense, "alpha"] for f, t in windows.items()
    }
    low, high = min(alphas, key=alphas.get), max(alphas, key=alphas.get)
    # the range over sound alternatives: not the rejected one-sided run, nor a window whose
    # dispersion estimate failed (fell to zero)
    failed = {f"size window factor {fmt.fmt_num(f, 0)}" for f in windows if alphas[f] == 0}
    sound = {n: v for n, v in spread.items() if n not in failed | {"one-sided for a rise"}}
    family |= {
        "holm-sound-low": fmt.fmt_num(min(sound.values()), 2),
        "holm-sound-high": fmt.fmt_num(max(sound.values()), 2),
        "holm-sound-lowest": min(sound, key=sound.get),
        "draws": fmt.fmt_int(variation.DRAWS),
        "level": fmt.fmt_pct(100 * (1 - level), 0),
        "z": fmt.fmt_num(float(stats.norm.ppf(0.5 + level / 2)), 2),
        "holm-low": fmt.fmt_num(min(spread.values()), 2),
        "holm-high": fmt.fmt_num(max(spread.values()), 2),
        "holm-largest": max(spread, key=spread.get),
        "holm-lowest": min(spread, key=spread.get),
        "holm-family": fmt.fmt_num(spread["a family per department"], 2),
        "holm-one-sided": fmt.fmt_num(spread["one-sided for a rise"], 2),
        "holm-mc": fmt.fmt_num(line["tests"] * assessed[unit].loc[offense, "p_mc_se"], 4),
        "alpha-low": fmt.fmt_num(alphas[low], 4),
        "alpha-high": fmt.fmt_num(alphas[high], 4),
        "alpha-low-factor": fmt.fmt_num(low, 0),
        "alpha-high-factor": fmt.fmt_num(high, 0),
    }
    return assessed, texts | {f"ov-{key}": text for key, text in family.items()}


OFFICIAL_COUNTS = {
    "oig-2017": "oig_287g_participants_2017_01",
    "oig-2018": "oig_287g_participants_2018_03",
    "gao-2017": "gao_287g_agreements_2017_01",
    "gao-2020": "gao_287g_agreements_2020_09",
    "ice-jul-2020": "ice_287g_agencies_2020_07",
    "ice-jul-jem": "ice_jem_agreements_2020_07",
    "ice-jul-wso": "ice_wso_agreements_2020_07",
    "ice-tx-2017": "ice_texas_new_agreements_2017_07",
    "ice-all-2017": "ice_287g_agreements_2017_07",
}


def official_counts(
    roster: float | None = None, figures=None, glue_prefix: str | None = None
) -> dict[str, float]:
    """The official reports' counts of the program, keyed by :data:`OFFICIAL_COUNTS`.

    With ``roster`` (the agencies on ICE's roster after the January 2017 inauguration), also
    check what the chapters say about the two reports' starting counts: the inspector general's
    count of participating agencies equals the roster's, and GAO's count of agreements is lower
    but within the one tolerance of it. With ``glue_prefix`` ("a004"), glue each count as
    "<prefix>-<key>". ``figures`` is a published-figures table (for tests).
    """

    table = loaders.published_figures() if figures is None else figures
    counts = {key: float(table.loc[fid, "value"]) for key, fid in OFFICIAL_COUNTS.items()}
    if roster is not None:
        oig, gao = counts["oig-2017"], counts["gao-2017"]
        if oig != roster or not (gao < roster and within(gao, roster)):
            raise ValueError(
                f"official counts for January 2017 (inspector general {oig:g}, GAO {gao:g}) no "
                f"longer relate to the roster's {roster:g} as the chapters say"
            )
    if glue_prefix is not None:
        for key, value in counts.items():
            glue_value(f"{glue_prefix}-{key}", value)
    return counts


def figures_restated(
    claimed: dict[str, float], quote: str, population: pd.Series, jail: str, year: int = 2019
) -> tuple[float, dict[str, str]]:
    """An article's per-year and total figures for one jail, restated in each other's terms.

    ``claimed`` maps ``per_year``, ``people`` and ``parts`` (the sum of the category figures) to
    the article's values; ``quote`` gives the period ("over the past 3½ years"); ``population``
    is indexed by (fips, year) and the jail's counties come from the committed crosswalk.
    Returns the period in years and the texts the prose glues, keyed ``span-years``,
    ``claim-per-year``, ``claim-people``, ``pw-implied`` (per year times the period),
    ``pw-per-year`` (the total over the period), ``pw-parts``, ``pw-pop`` (the jail's catchment
    in ``year``) and ``pw-rate`` (per year per 100,000 residents).
    """

    span = span_in_quote(quote)
    implied, yearly = per_year_vs_total(claimed["per_year"], claimed["people"], span)
    catchment = sum(population[(code, year)] for code in crosswalk_fips(jail))
    return span, {
        "span-years": fmt_num(span),
        "claim-per-year": fmt_int(claimed["per_year"]),
        "claim-people": fmt_int(claimed["people"]),
        "pw-implied": fmt_int(implied),
        "pw-per-year": fmt_int(yearly),
        "pw-parts": fmt_int(claimed["parts"]),
        "pw-pop": fmt_int(catchment),
        "pw-rate": fmt_num(per_100k(claimed["per_year"], catchment), 0),
    }


def official_growth_text(counts: dict[str, float]) -> str:
    """The program's growth by the official counts (:func:`official_counts`): the DHS inspector
    general's agencies of January 2017 and ICE's of 8 July 2020, as the ledger records it."""
    first, last = int(counts["oig-2017"]), int(counts["ice-jul-2020"])
    return (
        f"{last - first} more agencies: {first} in January 2017 (DHS inspector general), "
        f"{last} in July 2020 (ICE)"
    )


def agency_year_table(
    annual: pd.DataFrame, labels: Mapping[str, str], population: str = "population"
) -> pd.DataFrame:
    """One agency's counts by year, formatted, with the violent rate where a population exists.

    ``annual`` is indexed by year; ``labels`` maps count columns to their headings.
    """

    out = pd.DataFrame({"year": annual.index})
    for column, label in labels.items():
        out[label] = annual[column].map(fmt.fmt_int).to_numpy()
    rate = per_100k(annual["violent"], annual[population])
    out["violent per 100,000"] = [fmt.fmt_num(v, 0) if pd.notna(v) else "" for v in rate]
    return out


@dataclass
class LowCheck:
    """A "record low" checked against an agency's own series (:func:`record_low_check`)."""

    table: pd.DataFrame  # both agencies' counts by year, formatted ("not reported" for gaps)
    texts: dict[str, str]
    values: dict[str, float]  # the numbers behind the prose's comparisons, for its asserts


def record_low_check(
    keys: Mapping[str, str],
    population: pd.Series,
    county_fips: str,
    state_abbr: str,
    year: int = 2019,
    first: int = 2014,
) -> LowCheck:
    """Where ``year`` stands in the complete monthly series of a sheriff's office and of a
    second agency, with the base rate of lows among the states.

    ``keys`` maps the texts' prefix ("so" for the sheriff's office, first; then the other
    agency) to a registry key of :data:`factcheck.data.loaders.KAPLAN_FULL`. Only years with twelve
    reported months count. ``population`` is the Census county series indexed by (fips, year),
    for the office's share of the county's residents in 2017 (the FBI's 2017 agency file gives
    the office's). Texts: ``{prefix}-{year}-rank`` and ``so-violent-rank`` (rank words),
    ``so-{first|year|year+1}`` (offenses, violent and property together), ``so-years``,
    ``so-share``, ``so-towns`` (the county's other agencies in the 2017 file), ``states-n`` and
    ``states-low`` (jurisdictions of the FBI's state estimates, and those whose crime rate was
    lowest of ``first`` to ``year`` in ``year``). ``values`` hold the comparisons the prose
    states in words (the year after lower, the year after that missing, the state ``state_abbr``
    among the lows, national and the other agency's violent offenses rising the year after).
    """

    annual, _ = loaders.kaplan_annual(list(keys.values()))
    annual = annual[annual["months"] == 12].assign(offenses=lambda f: f["violent"] + f["property"])
    series = {
        prefix: annual[annual["agency"] == loaders.KAPLAN_FULL[key]].set_index("year")
        for prefix, key in keys.items()
    }
    so = series["so"]
    texts = {
        f"{p}-{year}-rank": trends.rank_phrase(trends.rank_from_lowest(s["offenses"], year, year))
        for p, s in series.items()
    }
    texts["so-violent-rank"] = trends.rank_phrase(
        trends.rank_from_lowest(so["violent"], year, year)
    )
    for y in (first, year, year + 1):
        texts[f"so-{y}"] = fmt.fmt_int(so.loc[y, "offenses"])
    texts["so-years"] = fmt.fmt_int(len(so.loc[first:year]))
    ucr = registry.load("ucr_agencies_2017").set_index("ori")
    ori = so["ori"].iloc[0]
    towns = ucr[ucr.index.str.startswith(ori[:5]) & (ucr.index != ori)]["agency_name"]
    texts["so-towns"] = and_join(list(towns.str.title().str.replace(" De ", " de ")))
    share = ucr.loc[ori, "population"] / population[(county_fips, 2017)]
    texts["so-share"] = fmt.fmt_pct(100 * share, 0)
    est = loaders.fbi_estimates().query("state_abbr != 'US'")
    est = est.assign(rate=(est["violent"] + est["property_crime"]) / est["population"])
    n_states, n_low = lowest_in_year(est, "state_abbr", "rate", year, first)
    texts |= {"states-n": fmt.fmt_int(n_states), "states-low": fmt.fmt_int(n_low)}
    us = loaders.fbi_estimates().query("state_abbr == 'US'").set_index("year")["violent"]
    other = [p for p in series if p != "so"][0]
    values = {
        "so-next-lower": float(so.loc[year + 1, "offenses"] < so.loc[year, "offenses"]),
        "so-gap-after": float(year + 2 not in so.index),
        "states-n": n_states,
        "states-low": n_low,
        "us-violent-rose-next": float(us.loc[year + 1] > us.loc[year]),
        "other-violent-rose-next": float(
            series[other].loc[year + 1, "violent"] > series[other].loc[year, "violent"]
        ),
        "has-dc": float("DC" in set(est["state_abbr"])),
        "state-lowest": float(
            lowest_in_year(est[est["state_abbr"] == state_abbr], "state_abbr", "rate", year, first)[
                1
            ]
        ),
    }
    table = pd.DataFrame({"year": range(first, int(annual["year"].max()) + 1)})
    for prefix, frame in series.items():
        label = loaders.KAPLAN_FULL[keys[prefix]]
        for column, what in [("violent", "violent"), ("offenses", "violent and property")]:
            table[f"{label}: {what}"] = [
                fmt.fmt_int(frame.loc[y, column]) if y in frame.index else "not reported"
                for y in table["year"]
            ]
    return LowCheck(table=table, texts=texts, values=values)


def program_scale(
    key: str, agency: str, state: str, landmark: str, aor: str, year: int = 2018
) -> LowCheck:
    """A jail's 287(g) program set beside its sheriff's office's violent offenses.

    ``key`` is the office's complete FBI monthly file (:data:`factcheck.data.loaders.KAPLAN_FULL`),
    ``agency`` its label for the index ("<name>, <state>"), ``landmark`` and ``aor`` the
    pattern and ICE area of the jail's landmark in ICE's FOIA arrest records for FY2016-FY2019
    (:mod:`factcheck.data.foia`). Texts: ``violent-{year-1|year|year+1}``, ``violent-fall`` (from
    ``year`` to the next), ``foia-arrests``, and the change judged against ordinary year-to-year
    variation of the index's agencies (:func:`factcheck.stats.variation.assess`): ``fall-pct``,
    ``fall-ci`` (its interval), ``fall-pairs`` (the agencies of similar size), ``fall-z`` and
    ``fall-percentile`` (its z-score and percentile among ordinary changes of its size) and
    ``fall-z-band`` (the z-score of the size-band test). Values:
    ``arrests``, ``fall``, ``earlier-fall`` (from ``year - 1`` to ``year``) and ``beyond`` and
    ``agree`` (the test's verdict, and whether the nearest agencies agree), ``z-band`` and
    ``beyond-band`` (the size-band test's z-score and verdict).
    """

    monthly = loaders.kaplan_full_monthly([key])
    violent = variation.annual_counts(monthly.assign(state_abbr=state), "violent")
    violent = violent.set_index("year")["count"].astype(int)
    arrests = foia.landmark_total(foia.tallies(foia.ARRESTS_FY2016_2019), landmark, aor)
    index = variation.with_agency(loaders.rtci_monthly(), monthly, agency, state)
    fall = variation.assess(index, agency, year=year, offenses=["violent"]).loc["violent"]
    pct = lambda v: fmt.fmt_pct(v, 1, signed=True)  # noqa: E731
    texts = {f"violent-{y}": fmt.fmt_int(violent[y]) for y in (year - 1, year, year + 1)}
    texts |= {
        "violent-fall": fmt.fmt_int(violent[year] - violent[year + 1]),
        "foia-arrests": fmt.fmt_int(arrests),
        "fall-pct": pct(fall["pct"]),
        "fall-ci": f"{pct(fall['low'])} to {pct(fall['high'])}",
        "fall-pairs": fmt.fmt_int(fall["local_pairs"]),
        "fall-z": fmt.fmt_num(fall["z"], 2),
        "fall-percentile": fmt.fmt_pct(fall["percentile"], 1),
        "fall-z-band": fmt.fmt_num(fall["z_band"], 2),
    }
    values = {
        "arrests": float(arrests),
        "fall": float(violent[year] - violent[year + 1]),
        "earlier-fall": float(violent[year - 1] - violent[year]),
        "beyond": float(fall["beyond"]),
        "agree": float(fall["agree"]),
        "z-band": float(fall["z_band"]),
        "beyond-band": float(fall["beyond_band"]),
    }
    table = violent.rename("violent").reset_index()
    return LowCheck(table, texts, values)


# ---------------------------------------------------------------------------- a000 chapters'
# glue (issue 17: chapters under the code cap): agreements and detainers, the two notes


def wake_detainer_figures(ledger, published) -> tuple[dict[str, str], dict[str, float]]:
    """Wake's detainers before and after December 2018, beside Mecklenburg's, as glue texts.

    ``ledger`` gives claims by id (``.claim(id)["claimed_value"]``: a000-12 and a000-14 are
    Mecklenburg's detainers after and in FY2018, a000-15 and a000-16 Wake's); ``published`` gives
    a published figure's value by id. Wake's lodged detainers after December 2018 have a floor:
    those declined minus those not honoured in December 2018
    (:func:`factcheck.data.detainers.floor_lodged_after`), set per month beside FY2018's.
    Texts (int unless said): ``wake-{fy2018, after, declined, months, transfers-2018,
    transfers-2019, not-honoured, floor, floor-per-month, fy2018-per-month}``, ``wake-fall``
    (the fall factor, one decimal) and ``{wake, meck}-fall-share`` (percent, no decimals; Wake's
    is an upper bound since the floor is a minimum). Values: the same keys, unformatted, and
    ``meck-fy2018``.
    """
    claimed = lambda claim_id: ledger.claim(claim_id)["claimed_value"]  # noqa: E731
    values = {
        "wake-fy2018": claimed("a000-15"),
        "wake-after": claimed("a000-16"),
        "wake-declined": published("wake_detainers_declined_2019_2020"),
        "wake-months": published("wake_detainers_declined_window_months"),
        "wake-transfers-2018": published("irli_wake_transfers_2018"),
        "wake-transfers-2019": published("irli_wake_transfers_2019"),
        "wake-not-honoured": published("wake_detainers_not_honored_dec2018"),
        "meck-fy2018": claimed("a000-14"),
    }
    values["wake-floor"] = detainers.floor_lodged_after(
        values["wake-declined"], values["wake-not-honoured"]
    )
    before = detainers.per_month(values["wake-fy2018"], 12)
    after = detainers.per_month(values["wake-floor"], values["wake-months"])
    values |= {
        "wake-floor-per-month": after,
        "wake-fy2018-per-month": before,
        "wake-fall": detainers.fall_factor(before, after),
        "wake-fall-share": detainers.share_fallen(before, after),
        "meck-fall-share": detainers.share_fallen(values["meck-fy2018"], claimed("a000-12")),
    }
    texts = {k: fmt_int(v) for k, v in values.items() if k.startswith("wake-")}
    texts["wake-fall"] = fmt_num(values["wake-fall"])
    for key in ("wake-fall-share", "meck-fall-share"):
        texts[key] = fmt.fmt_pct(100 * values[key], 0)
    return texts, values


def agency_year_texts(annual: pd.DataFrame, agency: str, year: int, key: str) -> dict[str, str]:
    """One agency's violent offenses in one year of an FBI annual table, with its months.

    ``annual`` has columns agency, year, violent and months (months reported). Texts: ``key``
    (the count), ``{key}-months`` and ``{key}-gaps`` (the months missing from twelve).
    """
    row = annual[(annual["agency"] == agency) & (annual["year"] == year)].iloc[0]
    return {
        key: fmt_int(row["violent"]),
        f"{key}-months": fmt_int(row["months"]),
        f"{key}-gaps": fmt_int(12 - row["months"]),
    }


def homicide_reconciliation(
    news: tuple[float, float], records: tuple[float, float], first_2018: float
) -> tuple[pd.DataFrame, dict[str, str]]:
    """CMPD's homicides in 2018 and 2019 by news year-end totals beside its own crime records.

    ``news`` and ``records`` are (2018, 2019) counts; ``first_2018`` the first reported 2018
    total. Returns the side-by-side table (:func:`source_comparison`) and texts: the news row's
    ``2018``, ``2019`` and ``pct``, ``gap`` (news minus records in 2019) and ``2018-first``.
    Raises ValueError unless what the chapter says holds: the two agree on 2018, the news
    total is higher in 2019, so its rise is the larger.
    """
    if not (news[0] == records[0] and news[1] > records[1]):
        raise ValueError(f"news totals {news} no longer agree on 2018 and exceed {records} in 2019")
    table = source_comparison(
        {
            "CMPD year-end homicide totals (news reports)": news,
            "CMPD records in the Real-Time Crime Index (murder)": records,
        },
        2018,
        2019,
    )
    texts = dict(zip(["2018", "2019", "pct"], table.iloc[0, 1:], strict=True))
    texts |= {"gap": fmt_int(news[1] - records[1]), "2018-first": fmt_int(first_2018)}
    return table, texts


def did_findings(
    did: pd.DataFrame, unit: str, lowest: Sequence[str], alpha: float = ALPHA
) -> tuple[pd.DataFrame, list[str]]:
    """The size-matched design results of the main window, and what the chapter says of them.

    ``did`` holds ``design.run`` rows (rule, end, unit, offense, p, p_raw, rank, p_holm, pre_p,
    pct, controls); the main window is the earliest end, the late one the latest. Returns the
    main window's rows indexed by (unit, offense) and the list of statements that fail (empty
    when all hold): of all tests only ``unit``'s first offense of ``lowest`` is at or below
    ``alpha``, ranked first, and none is on the raw estimates; ``lowest`` are ``unit``'s
    smallest p-values in order; no Holm-adjusted p and no 2018 check is at or below ``alpha``;
    ``unit``'s ``lowest`` estimates are smaller in the late window; and the smallest placebo p
    the comparison agencies allow is above the Bonferroni level of the family.
    """
    size = did[did["rule"] == "size"]
    main, late = (
        size[size["end"] == end].set_index(["unit", "offense"])
        for end in (size["end"].min(), size["end"].max())
    )
    first, lowest = (unit, lowest[0]), list(lowest)
    checks = {
        f"only {first} at or below alpha": main.index[main["p"] <= alpha].tolist() == [first],
        "none below alpha raw": not (main["p_raw"] <= alpha).any(),
        f"{first} ranked first": main.loc[first, "rank"] == 1,
        f"{lowest} the smallest p": main.loc[unit, "p"].nsmallest(len(lowest)).index.tolist()
        == lowest,
        "no Holm p at or below alpha": (main["p_holm"] > alpha).all(),
        "no 2018 check at or below alpha": did["pre_p"].min() > alpha,
        f"{lowest} smaller late": (late.loc[unit, "pct"] < main.loc[unit, "pct"])[lowest].all(),
        "placebo floor above Bonferroni": 1 / (main["controls"].max() + 1) > alpha / len(main),
    }
    return main, [name for name, holds in checks.items() if not holds]


def urban_county_rates(groups: Mapping[str, str], ever: set[str]) -> list[tuple[pd.DataFrame, str]]:
    """The Urban Institute's county violent crime rates, UCR-based (2015, 2017) and NIBRS-based
    (2021-2023), each with its label and each county's 287(g) group (:func:`county_rates`)."""
    editions = [
        ("urban_county_crime_2015_2017", "violent_crime_rate", "crime_rate_quality"),
        ("urban_county_crime_2021_2023", "rate_crime_violent", "rate_crime_violent_quality"),
    ]
    labels = ["UCR-based (2015, 2017)", "NIBRS-based (2021-2023)"]
    return [
        (county_rates(registry.load(key), rate, quality, groups, ever), label)
        for (key, rate, quality), label in zip(editions, labels, strict=True)
    ]


# ------------------------------------------------------------------------ 287(g) program figures
# Texts the 287(g) chapters glue (prefix "a004"): the population a roster capture covers, ICE's
# counts of 2020, agencies that left and joined, one jail's years, the news reports' figures, an
# agreement's date and a state's violent crime rate. Each raises when the prose's words no longer
# hold. (Appended as one block, 2026-12-02.)


def coverage_texts(
    joined: pd.DataFrame,
    population: pd.Series,
    capture,
    drop_capture: str,
    drop_pattern: str,
    drop_fips: str,
    year: int = 2016,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The population a roster capture covers, and the fall at a later capture one county explains.

    ``joined`` and ``population`` are as for :func:`factcheck.data.programs.coverage_by_capture`.
    Returns that table indexed by capture, and texts ``pop-2017`` (residents in ``year`` at
    ``capture``), ``pop-2017-alt`` (in ``year + 1``), ``n-counties``, ``not-counted`` and
    ``harris-drop`` (the fall at ``drop_capture``). Raises ValueError unless the agency matching
    ``drop_pattern`` is off ``drop_capture`` and its county ``drop_fips`` has at least as many
    residents as the fall.
    """

    coverage = coverage_by_capture(joined, population, year).set_index("capture")
    drop = coverage["residents"].diff().loc[drop_capture] * -1
    still_on = agency_flags(joined[joined["capture_date"] == drop_capture], drop_pattern)
    if not still_on.empty or population[(drop_fips, year)] < drop:
        raise ValueError(f"the fall at {drop_capture} is no longer explained by {drop_fips}")
    return coverage, {
        "pop-2017": fmt.fmt_millions(coverage.loc[capture, "residents"]),
        "pop-2017-alt": fmt.fmt_millions(population_covered(joined, population, capture, year + 1)),
        "n-counties": fmt_int(coverage.loc[capture, "counties"]),
        "not-counted": not_counted(joined, capture),
        "harris-drop": fmt.fmt_millions(drop),
    }


def agreements_2020_texts(
    jul: AgreementCount, aug: AgreementCount, crs: float, roster: float, claimed: float
) -> dict[str, str]:
    """ICE's counts of mid-2020 by model, and growth from the roster of January 2017.

    ``jul`` and ``aug`` are ICE's monthly counts, ``crs`` the research service's count of
    September 2020, ``roster`` the agencies on the roster after the inauguration and ``claimed``
    the article's later figure. Keys: ``jem-2020``, ``wso-2020``, ``all-2020``, ``crs-2020``
    (August's counts and the research service's), ``wso-share`` (July's share of the warrant
    service model), ``jem-growth`` (July's jail agreements over the roster) and
    ``claimed-growth`` (the article's figure over the roster).
    """

    return {
        "jem-2020": fmt_int(aug.jail),
        "wso-2020": fmt_int(aug.warrant_service),
        "all-2020": fmt_int(aug.total),
        "crs-2020": fmt_int(crs),
        "wso-share": fmt.fmt_pct(100 * jul.warrant_service / jul.total, digits=0),
        "jem-growth": fmt_num(growth_factor(jul.jail, roster)),
        "claimed-growth": fmt_num(growth_factor(claimed, roster)),
    }


def roster_change_texts(
    flags: pd.DataFrame, named: Sequence[str], before: int, after: int, state: str
) -> tuple[RosterChange, dict[str, str]]:
    """Agencies flagged in ``after`` and not ``before`` and the reverse, with texts.

    ``named`` are :func:`factcheck.data.programs.flag_keys` keys the article says left; raises
    ValueError unless all are among those lost. Keys: ``added``, ``lost``, ``added-tx`` (added in
    ``state``), ``lost-list`` (sorted, '; ') and ``named-last`` (the last year each named one
    was flagged).
    """

    change = roster_change(flags, before, after)
    if not set(named) <= change.lost:
        raise ValueError(f"not all of {list(named)} left between {before} and {after}")
    last = last_year_flagged(flags, named)
    return change, {
        "added": fmt_int(len(change.added)),
        "lost": fmt_int(len(change.lost)),
        "added-tx": fmt_int(change.added_in(state)),
        "lost-list": "; ".join(sorted(change.lost)),
        "named-last": "; ".join(f"{k}: {y}" for k, y in last.items()),
    }


def roster_change_rebuilt(change: RosterChange, state: str, before: int, after: int) -> str:
    """The ledger's rebuilt value for a :class:`RosterChange`: agencies added and lost, and added
    in ``state``."""
    return (
        f"{len(change.added)} added, {len(change.lost)} lost nationally; "
        f"{change.added_in(state)} added in {state} ({before} to {after} flags)"
    )


def county_rank_summary(
    population: pd.DataFrame, counties: Mapping[str, str], year: int
) -> tuple[dict[str, str], str]:
    """Where some counties rank by population in ``year`` among all counties.

    ``population`` has columns fips, year, population; ``counties`` maps a name to its FIPS code.
    Returns texts ``big-ranks`` ('<name>: <rank>', '; ') and ``n-counties-<year>``, and the
    ledger's rebuilt value ('ranks 1, 3 of 3,143 counties (2019)').
    """

    ranks = population_ranks(population, year, counties.values())
    n = population.query("year == @year")["fips"].nunique()
    texts = {
        "big-ranks": "; ".join(f"{name}: {ranks[code]}" for name, code in counties.items()),
        f"n-counties-{year}": fmt_int(n),
    }
    rebuilt = f"ranks {', '.join(str(r) for r in ranks.values())} of {n:,} counties ({year})"
    return texts, rebuilt


def jail_years_texts(
    flags: pd.DataFrame, pattern: str, jail: str, until: int
) -> tuple[list[int], dict[str, str]]:
    """One jail's unbroken run of yearly flags, and the other agencies matching ``pattern``.

    Returns the jail's years and texts ``pw-others`` (the other agencies' spans), ``pw-first``,
    ``pw-last``, ``pw-note`` (the jail's first note) and ``pw-span`` (years from the first to
    ``until``). Raises ValueError if the jail's run has a gap.
    """

    matching = agency_flags(flags, pattern)
    own = matching[matching["agency"] == jail]
    years = flagged_years(own)
    return years, {
        "pw-others": spans_text(matching[matching["agency"] != jail]),
        "pw-first": str(years[0]),
        "pw-last": str(years[-1]),
        "pw-note": str(own["NOTES"].iloc[0]),
        "pw-span": fmt_int(until - years[0]),
    }


NEWS_FIGURES = ("since_2017", "homicide", "sex_assault", "dwi")


def news_figures(per_year: float, span: float, published=None) -> dict[str, int]:
    """News reports' figures for Prince William (published ids ``pw_flagged_<key>`` for
    :data:`NEWS_FIGURES`), with ``per_year``: those since 2017 spread over ``span`` years, and
    ``trained`` and ``deported``. ``published`` looks a figure up by id (for tests)."""

    get = loaders.published if published is None else published
    news = {key: int(get(f"pw_flagged_{key}")) for key in NEWS_FIGURES}
    news["per_year"] = round(per_year_vs_total(per_year, news["since_2017"], span)[1])
    news["trained"] = int(get("pw_deputies_trained_since_2007"))
    news["deported"] = int(get("pw_deported_fy2018_2020"))
    return news


def agreement_texts(
    agreements: pd.DataFrame, flags: pd.DataFrame, wapo: pd.DataFrame, county: str, pattern: str
) -> dict[str, str]:
    """A county's agreement: ``harford-signed`` (its date in ICE's list ``agreements``),
    ``harford-first`` (first year flagged) and ``harford-sheriff`` (the Post's list ``wapo``)."""

    signed = first_match(agreements, "law enforcement agency", county)["signed"]
    return {
        "harford-signed": f"{signed:%Y-%m-%d}",
        "harford-first": str(agency_flags(flags, pattern)["year"].min()),
        "harford-sheriff": first_match(wapo, "County", county)["Sheriff"],
    }


def state_rate_texts(estimates: pd.DataFrame, state: str, year: int) -> dict[str, str]:
    """A state's violent crime rate in ``year`` and the next, and where ``year`` ranks.

    Keys, prefixed by the state in lower case: ``first`` (first year), ``<year>-rank`` (from the
    lowest, up to ``year``), ``low-year`` (lowest up to ``year``), ``<year>`` and ``<year+1>``
    (rates). Raises ValueError unless ``year + 1`` is the lowest of all.
    """

    rate = trends.violent_rate(estimates, state)
    if rate.idxmin() != year + 1:
        raise ValueError(f"{state}'s lowest violent rate is no longer {year + 1}")
    rank = trends.rank_phrase(trends.rank_from_lowest(rate, year, upto=year))
    p = state.lower()
    return {
        f"{p}-first": str(rate.index.min()),
        f"{p}-{year}-rank": rank,
        f"{p}-low-year": str(rate.loc[:year].idxmin()),
        f"{p}-{year}": fmt_num(rate.loc[year]),
        f"{p}-{year + 1}": fmt_num(rate.loc[year + 1]),
    }


def record_low_as_stated(values: Mapping[str, float]) -> bool:
    """Whether :func:`record_low_check`'s values bear out the prose: the office's next year lower
    and the one after missing, national violence rising, the District counted, the state among
    the lows, and more than half of the jurisdictions at their low."""
    keys = ("so-next-lower", "so-gap-after", "us-violent-rose-next", "has-dc", "state-lowest")
    return all(values[k] for k in keys) and values["states-low"] > values["states-n"] / 2


def program_scale_as_stated(values: Mapping[str, float]) -> bool:
    """Whether :func:`program_scale`'s values bear out the prose: ICE's arrests fewer than the
    fall, the earlier fall smaller, and the change within ordinary variation by both tests."""
    smaller = values["arrests"] < values["fall"] and values["earlier-fall"] < values["fall"]
    return bool(smaller and values["agree"] and not values["beyond"])


def claims_restated(
    claim, per_year_id: str, people_id: str, part_ids: Sequence[str], population, jail: str
) -> tuple[float, float, dict[str, str]]:
    """:func:`figures_restated` for the article's claims: ``claim`` looks a claim up by id (the
    ledger's ``claim``); the per-year figure is ``per_year_id``'s, the total ``people_id``'s (its
    quote gives the period) and the parts the sum of ``part_ids``'. Returns the per-year figure,
    the period in years and the texts."""

    per_year = claim(per_year_id)["claimed_value"]
    claimed = {
        "per_year": per_year,
        "people": claim(people_id)["claimed_value"],
        "parts": sum(claim(c)["claimed_value"] for c in part_ids),
    }
    span, texts = figures_restated(claimed, claim(people_id)["quote"], population, jail)
    return per_year, span, texts


def identified_287g_texts(
    counties: Sequence[str] = ("orange", "harris"),
    first: int = 2006,
    last: int = 2013,
    exit_fy: int = 2018,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """People identified through 287(g) a year by each county's sheriff's office, from ICE's
    FOIA-released statistics as the published figures record them (``<county>_287g_identified_
    fy<year>``; a year without a row has no count). A year whose identified count is under a
    tenth of the same row's removals (``<county>_287g_removed_fy<year>``) is garbled and left
    out. The last year's identified counts are unreliable in general (in the release's FY2013
    column many agencies still in the program show far fewer people identified than removed),
    so every range and the returned table stop at the year before it. Returns the table
    (county by fiscal year to ``last - 1``, garbled years empty) and the texts:
    ``<county>-range`` and ``<county>-years`` (the lowest to highest count, and the years they
    span), ``both-low``/``both-high`` (the counties' total a year, a county not yet in the
    program counting none) and ``both-years``, ``<county>-fy<last>`` and
    ``<county>-fy<last>-removed`` (the last year's row as it reads), ``harris-2016`` (the
    sheriff's count for 2016, ``harris_287g_identified_2016``) and ``both-mean-low`` (the
    counties' total over ``first``-``last - 1`` spread over every year to ``exit_fy``, the
    years without a reliable count taken as none: a floor on the yearly average)."""
    table = loaders.published_figures()["value"]
    counts = pd.DataFrame(index=range(first, last + 1), columns=list(counties), dtype=float)
    texts: dict[str, str] = {}
    for county in counties:
        for year in counts.index:
            ident = table.get(f"{county}_287g_identified_fy{year}")
            removed = table.get(f"{county}_287g_removed_fy{year}")
            if ident is None:
                continue
            if year == last:
                texts[f"{county}-fy{year}"] = fmt_int(ident)
                if removed is not None:
                    texts[f"{county}-fy{year}-removed"] = fmt_int(removed)
            if removed is not None and ident < removed / 10:
                continue  # garbled: far fewer identified than removed in the same row
            counts.loc[year, county] = ident
        own = counts.loc[: last - 1, county].dropna()
        texts[f"{county}-range"] = f"{fmt_int(own.min())} to {fmt_int(own.max())}"
        texts[f"{county}-years"] = f"FY{own.index.min()}-FY{own.index.max()}"
    both = counts.loc[: last - 1].dropna(how="all").sum(axis=1)  # years before the last
    texts["both-low"], texts["both-high"] = fmt_int(both.min()), fmt_int(both.max())
    texts["both-years"] = f"FY{both.index.min()}-FY{both.index.max()}"
    texts["harris-2016"] = fmt_int(table["harris_287g_identified_2016"])
    texts["both-mean-low"] = fmt_int(both.sum() / (exit_fy - both.index.min() + 1))
    texts["exit-years"] = f"FY{both.index.min()}-FY{exit_fy}"
    return counts.loc[: last - 1], texts
