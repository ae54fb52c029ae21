"""Comparison sets and base rates: against what is a change judged?

Every comparison set here is computed by a stated rule from the data, never hand-picked:
the agencies with complete records for both years, those of one state, the counties that kept
or ended an agreement. Base rates say how common a rise is among them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd
from scipy import stats

from . import report
from .counts import change_table, rises
from .rates import per_100k


# ---------------------------------------------------------------------------- agency sets
def complete_in_years(
    annual: pd.DataFrame, years: Sequence[int], columns: Sequence[str] = (), by: str = "agency"
) -> list[str]:
    """Rule: every unit with a complete record in each of ``years``: twelve months, and a
    value (not missing) in each of ``columns``.

    ``annual`` has one row per unit and year with ``months``; units are returned sorted.
    """
    has_values = annual[list(columns)].notna().all(axis=1)
    full = annual[annual["year"].isin(years) & (annual["months"] == 12) & has_values]
    n_years = full.groupby(by)["year"].nunique()
    return sorted(n_years[n_years == len(set(years))].index)


def in_state(monthly: pd.DataFrame, state: str, by: str = "agency") -> list[str]:
    """Rule: every unit whose ``state_abbr`` is ``state`` (sorted)."""
    return sorted(monthly.loc[monthly["state_abbr"] == state, by].unique())


def comparison_agencies(
    annual: pd.DataFrame,
    years: Sequence[int],
    columns: Sequence[str],
    exclude: Iterable[str],
    within: Iterable[str] | None = None,
    by: str = "agency",
) -> list[str]:
    """Rule: complete in every one of ``years`` for every one of ``columns``
    (:func:`complete_in_years`), not in ``exclude``, and (if given) in ``within``."""
    chosen = set(complete_in_years(annual, years, columns, by)) - set(exclude)
    if within is not None:
        chosen &= set(within)
    return sorted(chosen)


def membership(
    units: Sequence[str],
    sets: Mapping[str, Iterable[str]],
    reasons: Sequence[tuple[str, Iterable[str] | Mapping[str, Iterable[str]]]],
) -> pd.DataFrame:
    """Why each of ``units`` is in or out of each comparison set, checked against the sets.

    ``sets``: label -> the members as computed by the set's own rule. ``reasons``: the rules'
    exclusions in order, each (reason, the units it applies to), where the units are one
    collection for every set or a mapping label -> collection for some sets. A unit outside a
    set is given the first reason that applies to it there. Returns one row per unit and one
    column per set: ``"in"`` or the reason. Raises ``ValueError`` when the two disagree: a
    member to which a reason applies, or a non-member that no reason explains.
    """
    table = pd.DataFrame(index=list(units), columns=list(sets), dtype=object)
    for label, members in sets.items():
        members = set(members)
        for unit in units:
            found = [
                reason
                for reason, applies in reasons
                if unit in (applies.get(label, ()) if isinstance(applies, Mapping) else applies)
            ]
            if unit in members and found:
                raise ValueError(f"{unit} is in {label!r} although {found[0]!r}")
            if unit not in members and not found:
                raise ValueError(f"{unit} is out of {label!r} for no stated reason")
            table.loc[unit, label] = found[0] if found else "in"
    return table


def outside_window(sizes: pd.Series, unit: str, factor: float, units: Iterable[str]) -> list[str]:
    """Those of ``units`` whose size is not within a factor ``factor`` of ``unit``'s own
    (``sizes``: unit -> size; a unit without a size is outside)."""
    own = sizes[unit]
    return [u for u in units if not own / factor <= sizes.get(u, float("nan")) <= own * factor]


def policy_texts(table: pd.DataFrame) -> dict[str, str]:
    """Each agency of a sheriffs' policy table (``design.policy_changes``) with its county's
    change as a short text: 'stopped honouring ICE detainers, December 2018', 'none'."""
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
            text += f", {row.date:%B %Y}"
        out |= {agency: f"{row.county} County: {text}" for agency in row.agencies}
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
    agencies = in_state(monthly, state)
    rows = annual[annual["agency"].isin(agencies) & annual["year"].isin(list(years))]
    counts = rows.pivot(index="agency", columns="year", values=total)
    start, end = years
    pct = 100 * (counts[end] / counts[start] - 1)
    offenses = [c for c in rows.columns if c not in ("agency", "year", "months", total)]
    gaps = sorted(rows.loc[rows[offenses].isna().any(axis=1), "agency"].unique())
    missing = and_join([o.replace("_", " ") for o in offenses if rows[o].isna().any()])
    outside = {k: outside_window(sizes, unit, f, agencies) for k, (unit, f) in windows.items()}
    reasons = [
        ("judged", treated),
        ("policy changed", changed),
        (f"no {missing} series", {k: gaps for k in complete}),
        ("outside size window", outside),
    ]
    why = membership(agencies, sets, reasons)
    change = pd.DataFrame(
        {
            "sheriff's policy change": [policy.get(a, "") for a in agencies],
            f"{total}, {start}": counts[start].map(report.fmt_int),
            str(end): counts[end].map(report.fmt_int),
            "change": pct.map(lambda v: report.fmt_pct(v, signed=True)),
        },
        index=agencies,
    )

    def name(a):
        return a.rsplit(",", 1)[0]

    tables = tuple(
        t.rename(index=name).rename_axis("department").reset_index() for t in (change, why)
    )
    texts = {
        "n": report.fmt_int(len(agencies)),
        "all": and_join([name(a) for a in agencies]),
        "no-series": and_join([name(a) for a in gaps]),
        "missing": missing,
        "changed-pct": and_join([report.fmt_pct(pct[a], signed=True) for a in changed]),
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
    import inspect

    from . import design

    clean = design.clean_monthly(monthly)
    factor = inspect.signature(design.comparison_set).parameters["factor"].default
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
    policy = policy_texts(design.policy_changes())
    sizes = design.size_2018(clean)
    tables, pct, texts = state_table(
        annual, monthly, sizes, state, sets, windows, ["base rates"], treated, changed, policy
    )
    names = [a.rsplit(",", 1)[0] for a in sets[f"design, {state}"]]
    return tables, pct, texts | {"design-set": and_join(names)}


# ---------------------------------------------------------------------------- changes


def agency_changes(
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
    return (
        f"{report.fmt_pct(row['low'], signed=True)} to {report.fmt_pct(row['high'], signed=True)}"
    )


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
    return (
        report.ordinal(low) if low == high else f"{report.ordinal(low)} to {report.ordinal(high)}"
    )


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
                    f"{report.fmt_int(hit['rate'].iloc[0])} ({int(hit['quality'].iloc[0])})"
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
        "n-agencies": report.fmt_int(len(base["others"])),
        "share-rose": report.fmt_pct(base["share_rose"], 0),
        "share-all4": report.fmt_pct(base["share_all"], 0),
        "n-all4": report.fmt_int(base["n_all"]),
    }
    out |= {f"{key}-rank": report.fmt_pct(base["rank"][u], 0) for u, key in treated.items()}
    return out | {
        "nc-others": ", ".join(a.split(",")[0] for a in nc),
        "nc-others-rose": report.fmt_int(base["rises"].loc[list(nc), f"{total}_rose"].sum()),
        "nc-others-n": report.fmt_int(len(nc)),
    }


def and_join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return (
        items[0]
        if len(items) == 1
        else ", ".join(items[:-1]) + " and " + items[-1]
        if items
        else ""
    )


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
            report.fmt_int(v) for v in va.loc[~va["agree"].astype(bool), "empirical_percentile"]
        ),
    }


def frequency_texts(freq: pd.DataFrame, long_freq: pd.DataFrame, unit: str) -> dict[str, str]:
    """Range of the yearly shares of rises across units (``counts.rise_frequency``) and the
    counts of rises in one unit's long series (keys start with ``unit``), as prose text."""
    out = {}
    for key, column in [("freq", "total_rose"), ("all4", "all_rose")]:
        out[f"{key}-min"] = report.fmt_pct(100 * freq[column].min(), 0)
        out[f"{key}-max"] = report.fmt_pct(100 * freq[column].max(), 0)
    return out | {
        f"{unit}-years": report.fmt_int(len(long_freq)),
        f"{unit}-years-rose": report.fmt_int(long_freq["total_rose"].sum()),
        f"{unit}-years-all4": report.fmt_int(long_freq["all_rose"].sum()),
        f"{unit}-first": str(int(long_freq["from"].min())),
    }


def estimate_texts(series: pd.DataFrame, place: str, start: int, end: int) -> dict[str, str]:
    """One place's FBI estimates as prose: rate in ``start`` and ``end`` (one decimal),
    percentage change of the violent count and of murders, keyed for glue."""
    s = series.loc[place]
    return {
        f"rate-{start}": report.fmt_num(s.loc[start, "rate"]),
        f"rate-{end}": report.fmt_num(s.loc[end, "rate"]),
        "count-pct": report.fmt_pct(pct_change(s["violent"], start, end), signed=True),
        f"murder-{end}": report.fmt_pct(pct_change(s["murder"], start, end), signed=True),
    }


def edition_table(
    editions: Mapping[str, pd.DataFrame], place: str, years: Sequence[int], columns: Sequence[str]
) -> pd.DataFrame:
    """The same estimates from several editions side by side: one row per edition and year.

    ``editions`` maps an edition label to ``loaders.fbi_estimates(edition)``. Columns: edition,
    year and ``columns`` (formatted), so a revision between editions is visible.
    """
    rows = []
    for label, est in editions.items():
        part = est[(est["state_abbr"] == place) & est["year"].isin(list(years))].set_index("year")
        for year in years:
            rows.append(
                {"edition": label, "year": year}
                | {c: report.fmt_int(part.loc[year, c]) for c in columns}
            )
    return pd.DataFrame(rows)


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
                str(start): report.fmt_int(a),
                str(end): report.fmt_int(b),
                "change": report.fmt_pct(100 * (b / a - 1), signed=True),
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
            "2018": ex["before"].map(report.fmt_int).to_numpy(),
            "2019": ex["after"].map(report.fmt_int).to_numpy(),
            "change": ex["pct"].map(lambda v: report.fmt_pct(v, signed=True)).to_numpy(),
            f"{report.fmt_pct(100 * level, 0)} interval (chance)": [
                interval_text(r) for _, r in ex.iterrows()
            ],
            "beyond chance?": ex["significant"].map(yes_no).to_numpy(),
            "beyond ordinary variation?": va["beyond"].map(yes_no).to_numpy(),
            "percentile among nearest agencies": va["empirical_percentile"]
            .map(lambda v: report.fmt_int(v))
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
                "change beyond comparison": report.fmt_pct(r["pct"], signed=True),
                "rank (most extreme first)": f"{r['rank']} of {r['controls'] + 1}",
                "p": report.fmt_num(r["p"], 2),
                "interval (coverage)": design_interval_text(r, coverage=True),
                "Holm p": report.fmt_num(r["p_holm"], 2) if pd.notna(r["p_holm"]) else "",
                "2018 check p": report.fmt_num(r["pre_p"], 2),
                "to Dec 2021": f"{report.fmt_pct(s['pct'], signed=True)} "
                f"(p {report.fmt_num(s['p'], 2)})",
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
        f"{report.fmt_pct(row['placebo_low'], signed=True)} to "
        f"{report.fmt_pct(row['placebo_high'], signed=True)}"
    )
    return f"{text} ({report.fmt_pct(100 * row['coverage'])})" if coverage else text


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
    import inspect

    from .design import ALPHA, comparison_set, family_summary

    main_end, late_end = size["end"].min(), size["end"].max()
    main = size[size["end"] == main_end]
    late = size[size["end"] == late_end].set_index(["unit", "offense"])
    out = {}
    for _, r in main.iterrows():
        key = f"{keys[r['unit']]}-{r['offense'].replace('_', '-')}"
        other = late.loc[(r["unit"], r["offense"])]
        out[f"{key}-pct"] = report.fmt_pct(r["pct"], signed=True)
        out[f"{key}-rank"] = f"{r['rank']} of {r['controls'] + 1}"
        out[f"{key}-p"] = report.fmt_num(r["p"], 2)
        out[f"{key}-p-rise"] = report.fmt_num(r["p_rise"], 2)
        out[f"{key}-p-raw"] = report.fmt_num(r["p_raw"], 2)
        out[f"{key}-min-p"] = report.fmt_num(1 / (r["controls"] + 1), 3)
        out[f"{key}-ci"] = design_interval_text(r)
        out[f"{key}-coverage"] = report.fmt_pct(100 * r["coverage"])
        out[f"{key}-holm"] = report.fmt_num(r["p_holm"], 2)
        out[f"{key}-late-pct"] = report.fmt_pct(other["pct"], signed=True)
        out[f"{key}-late-p"] = report.fmt_num(other["p"], 2)
    nc_main = nc[nc["end"] == main_end]
    most = int(nc_main["controls"].max())
    both = pd.concat([main, nc_main])
    factor = inspect.signature(comparison_set).parameters["factor"].default
    family = family_summary(size)
    return out | {
        "nc-j": report.fmt_int(most),
        "nc-min-p": report.fmt_num(1 / (most + 1), 2),
        "pre-min-p": report.fmt_num(both["pre_p"].min(), 2),
        "alpha": report.fmt_pct(100 * ALPHA, 0),
        "coverage-low": report.fmt_pct(100 * main["coverage"].min()),
        "coverage-high": report.fmt_pct(100 * main["coverage"].max()),
        "factor": report.fmt_num(factor, 0),
        "tests": report.fmt_int(family["tests"]),
        "below": report.fmt_int(family["below"]),
        "expected": report.fmt_num(family["expected"], 2),
        "min-holm": report.fmt_num(family["min_p_holm"], 2),
        "holm-first": report.fmt_num(ALPHA / family["tests"], 3),
    }


def break_texts(breaks: Mapping[str, Mapping], keys: Mapping[str, str]) -> dict[str, str]:
    """``design.break_check`` results as prose text keyed for glue: for each unit (``keys``
    maps it to a short key) ``{key}-step``, ``-usual``, ``-break`` (per cent, signed), ``-rank``
    ('5 of 32'), ``-p`` and ``-januaries`` (how many Januaries were measured)."""
    out = {}
    for unit, b in breaks.items():
        key = keys[unit]
        out |= {
            f"{key}-step": report.fmt_pct(b["step_pct"], signed=True),
            f"{key}-usual": report.fmt_pct(b["usual_pct"], signed=True),
            f"{key}-break": report.fmt_pct(b["break_pct"], signed=True),
            f"{key}-rank": f"{b['rank']} of {b['placebos'] + 1}",
            f"{key}-p": report.fmt_num(b["p"], 2),
            f"{key}-januaries": report.fmt_int(len(b["januaries"])),
        }
    return out


def ordinary_family_texts(family: Mapping) -> dict[str, str]:
    """The multiple-comparisons line of ``variation.family_line`` as prose text keyed for glue:
    tests, beyond, expected (by chance), holm-beyond, and holm-min (the smallest Holm-adjusted
    p, which belongs to the most extreme change)."""
    return {
        "tests": report.fmt_int(family["tests"]),
        "beyond": report.fmt_int(family["beyond"]),
        "expected": report.fmt_num(family["expected"], 1),
        "holm-beyond": report.fmt_int(family["holm_beyond"]),
        "holm-min": report.fmt_num(float(family["p_holm"].min()), 2),
    }


def local_window_texts(assessed: Mapping[str, pd.DataFrame], factor: float) -> dict[str, str]:
    """The fallback of ``variation.local_pairs`` as glue text (``min-pairs``, ``sens-near-k``),
    after checking that no ``variation.assess`` row used it: every local window lies within
    ``factor`` of the agency's own count. Raises ``AssertionError`` otherwise."""
    import inspect

    from . import variation

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
    import math

    return {
        "deviation": report.fmt_pct(100 * (math.exp(rtm["deviation"]) - 1), signed=True),
        "slope": report.fmt_num(rtm["slope"], 2),
        "expected": report.fmt_int(rtm["expected_after"]),
        "full": report.fmt_int(rtm["full_reversion_after"]),
        "share": report.fmt_pct(100 * rtm["share_explained"], 0),
        "above": report.fmt_pct(rtm["after_vs_long_mean"], 0),
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
    from .counts import count_columns

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
        f"cmpd-agg-fbi-{year}": report.fmt_int(cmpd_summary.loc[year, "aggravated_assault"]),
        f"cmpd-agg-own-{year}": report.fmt_int(cmpd_own.loc[year, "aggravated_assault"]),
        "nibrs-ratio-range": f"{ratio.min():.2f} to {ratio.max():.2f}",
        "nibrs-ratio-years": f"{complete[0]} to {complete[-1]}" if complete else "",
        f"raleigh-retA-murder-{first}": report.fmt_int(raleigh_summary.loc[first, "murder"]),
        f"raleigh-own-murder-{first}": report.fmt_int(raleigh_own.loc[first, "murder"]),
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
    out["nc-2019ed-count"] = report.fmt_int(earlier.loc[("NC", end), "violent"])
    out["nc-2020ed-count"] = report.fmt_int(current.loc[("NC", end), "violent"])
    rest = state_without(current.loc["NC", "violent"], parts, start, end)
    out["nc-rest-pct"] = report.fmt_pct(rest.loc["rest of state", "pct"], signed=True)
    return out


def county_rank_texts(
    tables: Mapping[str, pd.DataFrame], names: Mapping[str, str]
) -> dict[str, str]:
    """Percentile ranks of each named county in each period's table (``county_rates``), as
    ``rank-{name}-{period}`` texts, with n-never and n-counties of the first table."""
    first = next(iter(tables.values()))
    out = {
        "n-never": report.fmt_int(first.loc[first["group"] == "never", "fips"].nunique()),
        "n-counties": report.fmt_int(first["fips"].nunique()),
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
    from . import variation

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
        "sens-factors": and_join([report.fmt_num(f, 0) for f in factors]),
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
    from . import variation

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
        f"size window factor {report.fmt_num(f, 0)}": adjusted(t) for f, t in windows.items()
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
    from . import variation

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
    failed = {f"size window factor {report.fmt_num(f, 0)}" for f in windows if alphas[f] == 0}
    sound = {n: v for n, v in spread.items() if n not in failed | {"one-sided for a rise"}}
    family |= {
        "holm-sound-low": report.fmt_num(min(sound.values()), 2),
        "holm-sound-high": report.fmt_num(max(sound.values()), 2),
        "holm-sound-lowest": min(sound, key=sound.get),
        "draws": report.fmt_int(variation.DRAWS),
        "level": report.fmt_pct(100 * (1 - level), 0),
        "z": report.fmt_num(float(stats.norm.ppf(0.5 + level / 2)), 2),
        "holm-low": report.fmt_num(min(spread.values()), 2),
        "holm-high": report.fmt_num(max(spread.values()), 2),
        "holm-largest": max(spread, key=spread.get),
        "holm-lowest": min(spread, key=spread.get),
        "holm-family": report.fmt_num(spread["a family per department"], 2),
        "holm-one-sided": report.fmt_num(spread["one-sided for a rise"], 2),
        "holm-mc": report.fmt_num(line["tests"] * assessed[unit].loc[offense, "p_mc_se"], 4),
        "alpha-low": report.fmt_num(alphas[low], 4),
        "alpha-high": report.fmt_num(alphas[high], 4),
        "alpha-low-factor": report.fmt_num(low, 0),
        "alpha-high-factor": report.fmt_num(high, 0),
    }
    return assessed, texts | {f"ov-{key}": text for key, text in family.items()}
