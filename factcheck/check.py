"""Check a claim that crime changed in one place after one date: one call, one result.

:func:`check` runs the book's methods on any agency of the Real-Time Crime Index and any policy
date, and returns a :class:`CheckResult`: the change from the year before to the year after
with its exact interval, the ordinary-variation verdict (:func:`factcheck.stats.variation.assess`),
the comparison design's estimate with its placebo rank and p-value and its pre-period and lead
checks (:mod:`factcheck.stats.design`), the comparison set with its rule and every candidate named,
in or out with its reason, and the warnings a reader needs before trusting any of it.

This module uses only the data-access and statistics layers; the command line
(``python -m factcheck check``) is :mod:`factcheck.cli`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from factcheck.data import loaders, policies
from factcheck.data.loaders import VIOLENT
from factcheck.stats import design, variation
from factcheck.stats.comparison import IN, ComparisonRule
from factcheck.stats.rates import count_change

OFFENSES = ("violent", *VIOLENT)
PRE_MONTHS = 12  # default pre window: the twelve months before the policy date
POST_MONTHS = 14  # default post window: the book's (January 2019 to February 2020)
COVID = pd.Timestamp("2020-03-01")  # a default window that starts before it ends before it
MIN_PLACEBOS = 19  # with fewer, a two-sided placebo test at 5% can never reject


class UnknownAgencyError(ValueError):
    """The agency is not in the index; ``suggestions`` holds the nearest names."""

    def __init__(self, agency: str, suggestions: list[str]):
        self.agency, self.suggestions = agency, suggestions
        hint = f" Did you mean: {'; '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{agency!r} is not an agency of the Real-Time Crime Index.{hint}")


@dataclass
class Member:
    """One candidate comparison agency: in or out of the set, and why."""

    agency: str
    state: str
    size: float | None
    reason: str  # "in", or why it is left out

    @property
    def included(self) -> bool:
        return self.reason == IN


@dataclass
class CheckResult:
    """What :func:`check` found. Every number is as computed; the warnings say what limits it.

    ``change``: before_year, after_year, before, after, pct and its exact 95% interval
    (low, high; conditional binomial test of two Poisson counts), or None when a year is
    incomplete. ``ordinary``: the ordinary-variation verdict (beyond, p, z, percentile,
    expected_pct: the comparison agencies' common change, low/high: the range ordinary
    variation allows, alpha, local_pairs), or None. ``design``: the difference-in-differences
    estimate (pct, low/high: the placebo interval, p: studentised two-sided placebo p-value,
    rank among 1 + placebos, coverage, pre_p, lead_p), or None. ``comparison``: every
    candidate with its reason. ``warnings``: plain sentences.
    """

    agency: str
    offense: str
    since: str
    start: str
    end: str
    size_year: int
    rule: str
    change: dict | None
    ordinary: dict | None
    design: dict | None
    comparison: list[Member] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def members(self) -> list[str]:
        """The comparison agencies (names)."""
        return [m.agency for m in self.comparison if m.included]

    def to_dict(self) -> dict:
        """Plain data (JSON-ready: NaN becomes None)."""

        def clean(value):
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [clean(v) for v in value]
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, float) and not np.isfinite(value):
                return None
            return value

        out = asdict(self)
        out["members"] = self.members
        return clean(out)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def headline(self) -> str:
        """The finding in one sentence."""
        parts = []
        if self.change:
            c = self.change
            parts.append(
                f"{self.offense.replace('_', ' ')} in {self.agency} went from {c['before']:,} "
                f"in {c['before_year']} to {c['after']:,} in {c['after_year']} "
                f"({c['pct']:+.1f}%)"
            )
        if self.ordinary:
            word = "beyond" if self.ordinary["beyond"] else "within"
            parts.append(f"{word} ordinary variation (p {self.ordinary['p']:.2f})")
        if self.design:
            d = self.design
            parts.append(
                f"against {d['controls']} comparison agencies the change from {self.since} is "
                f"{d['pct']:+.1f}% (placebo rank {d['rank']} of {d['placebos'] + 1}, "
                f"p {d['p']:.2f})"
            )
        return "; ".join(parts) + "." if parts else f"No result for {self.agency}."

    def to_markdown(self) -> str:
        """A short report: the finding, the numbers, the warnings, the comparison set."""
        lines = [f"# {self.agency}: {self.offense.replace('_', ' ')} since {self.since}", ""]
        lines += [self.headline(), ""]
        if self.warnings:
            lines += ["## Warnings", ""] + [f"- {w}" for w in self.warnings] + [""]
        if self.change:
            c = self.change
            lines += [
                "## Change",
                "",
                f"- {c['before_year']}: {c['before']:,}; {c['after_year']}: {c['after']:,}; "
                f"change {c['pct']:+.1f}% (95% interval {c['low']:+.1f}% to {c['high']:+.1f}%)",
            ]
        if self.ordinary:
            o = self.ordinary
            lines += [
                f"- ordinary variation: comparison agencies changed {o['expected_pct']:+.1f}%; "
                f"for an agency of this size ordinary variation spans {o['low']:+.1f}% to "
                f"{o['high']:+.1f}% around the change; p {o['p']:.3f} (two-sided)",
            ]
        lines.append("")
        if self.design:
            d = self.design
            lines += [
                "## Comparison design",
                "",
                f"- window {self.start} to {self.end}, policy date {self.since}",
                f"- estimate {d['pct']:+.1f}% beyond the comparison agencies; placebo interval "
                f"{_fmt(d['low'])} to {_fmt(d['high'])}; rank {d['rank']} of "
                f"{d['placebos'] + 1}; p {d['p']:.3f} (two-sided, studentised)",
                f"- pre-period check p {d['pre_p']:.3f}; lead check p {d['lead_p']:.3f}",
                "",
            ]
        lines += ["## Comparison set", "", f"Rule: {self.rule}.", ""]
        lines += [f"- {m.agency}" for m in self.comparison if m.included] or ["- (none)"]
        out = [
            m for m in self.comparison if not m.included and m.reason != "outside the size window"
        ]
        if out:
            lines += ["", "Left out (other than by size or state):", ""]
            lines += [f"- {m.agency}: {m.reason}" for m in out]
        return "\n".join(lines) + "\n"


def _fmt(pct) -> str:
    return "n/a" if pct is None or not np.isfinite(pct) else f"{pct:+.1f}%"


def _month(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return pd.Timestamp(year=stamp.year, month=stamp.month, day=1)


def resolve_agency(agency: str, names) -> str:
    """``agency`` as the index names it (case and spacing forgiven), or
    :class:`UnknownAgencyError` with the nearest names (difflib)."""
    names = sorted(set(names))
    if agency in names:
        return agency
    folded = {" ".join(n.lower().split()): n for n in names}
    key = " ".join(agency.lower().split())
    if key in folded:
        return folded[key]
    close = difflib.get_close_matches(key, list(folded), n=5, cutoff=0.6)
    starts = [n for k, n in folded.items() if k.startswith(key.split(",")[0].strip())]
    suggestions = list(dict.fromkeys([folded[c] for c in close] + starts))[:5]
    raise UnknownAgencyError(agency, suggestions)


def check(
    agency: str,
    since="2019-01",
    offense: str = "violent",
    start=None,
    end=None,
    size_year: int | None = None,
    rule: ComparisonRule | str = "size",
    alpha: float = design.ALPHA,
    monthly: pd.DataFrame | None = None,
    n_draws: int = variation.DRAWS,
) -> CheckResult:
    """Check whether ``offense`` in ``agency`` changed after the policy date ``since``.

    - ``agency``: as the Real-Time Crime Index names it, e.g. ``"Durham, NC"`` (an unknown
      name raises :class:`UnknownAgencyError` with suggestions);
    - ``since``: the first month after the change (``"2019-01"`` for a change in December
      2018);
    - ``offense``: ``violent`` (the total) or one of murder, rape, robbery, aggravated_assault;
    - ``start``/``end``: the design's window (default: the twelve months before ``since``,
      not before the index starts, and fourteen months from ``since``, not beyond the index's
      last month, nor beyond February 2020 when ``since`` is before the pandemic);
    - ``size_year``: the calendar year whose count measures size (default: the year ``start``
      falls in);
    - ``rule``: the comparison rule (a :class:`~factcheck.stats.comparison.ComparisonRule`,
      ``"size"``, factor 2, by default, or ``"nc"``, North Carolina's agencies; the command
      line's ``--rule state`` is ``ComparisonRule("state")``, the unit's own state);
    - ``monthly``: the index's months (default: :func:`factcheck.data.loaders.rtci_monthly`).

    The ordinary-variation test compares the calendar year before the year boundary nearest
    ``since`` with the year after (:func:`factcheck.stats.variation.assess`, agencies with a
    recorded policy change in the two years left out). With the defaults for Charlotte or
    Raleigh and ``since="2019-01"`` every number is the book's.
    """
    if offense not in OFFENSES:
        raise ValueError(f"offense must be one of {', '.join(OFFENSES)}, not {offense!r}")
    if monthly is None:
        monthly = loaders.rtci_monthly()
    clean = loaders.clean_monthly(monthly)
    agency = resolve_agency(agency, clean["agency"])
    since = _month(since)
    first, last = clean["date"].min(), clean["date"].max()
    start = (
        _month(start) if start is not None else max(first, since - pd.DateOffset(months=PRE_MONTHS))
    )
    if end is None:
        end = min(last, since + pd.DateOffset(months=POST_MONTHS - 1))
        if since < COVID:
            end = min(end, COVID - pd.DateOffset(months=1))
    end = _month(end)
    size_year = int(size_year if size_year is not None else start.year)
    rule = ComparisonRule.named(rule)
    warnings: list[str] = []
    if not start < since <= end:
        raise ValueError(
            f"the policy date {since:%Y-%m} must fall after {start:%Y-%m} and by {end:%Y-%m}"
        )

    # the unit's own months: missing or implausible zero months
    own = clean[(clean["agency"] == agency) & clean["date"].between(start, end)]
    months = pd.date_range(start, end, freq="MS")
    missing = months.difference(pd.DatetimeIndex(own.loc[own[offense].notna(), "date"]))
    if len(missing):
        shown = ", ".join(f"{m:%Y-%m}" for m in missing[:6]) + (" ..." if len(missing) > 6 else "")
        warnings.append(
            f"Incomplete months: {agency} has no usable {offense} count for {len(missing)} "
            f"month(s) of the window ({shown}); the comparison design needs every month."
        )

    # the recorded policy change, if any
    table = policies.agency_changes()
    recorded = table[table["agency"] == agency]
    if recorded.empty:
        warnings.append(
            f"No policy change of {agency} is recorded in the sourced table; the date "
            f"{since:%Y-%m} is the claim's, not checked here."
        )
    if policies.states_covered() != set(clean["state_abbr"].unique()):
        covered = ", ".join(sorted(policies.states_covered()))
        warnings.append(
            f"Policy changes are recorded only for {covered}: comparison agencies elsewhere "
            "may have changed policy too, which would bias the estimate toward zero."
        )

    # the change from year to year and the ordinary-variation verdict
    year = (since + pd.DateOffset(months=6)).year - 1  # the year boundary nearest since
    boundary = pd.Timestamp(year=year + 1, month=1, day=1)
    gap = (since.year - boundary.year) * 12 + since.month - boundary.month
    if gap:
        warnings.append(
            f"The years compared are calendar years {year} and {year + 1}: {abs(gap)} "
            f"month(s) {'before' if gap > 0 else 'after'} the policy date fall in "
            f"{year + 1 if gap > 0 else year}."
        )
    change = ordinary = None
    annual = variation.annual_counts(clean, offense)
    counts = annual[annual["agency"] == agency].set_index("year")["count"]
    if {year, year + 1} <= set(counts.index):
        before, after = int(counts[year]), int(counts[year + 1])
        exact = count_change(before, after)
        change = {
            "before_year": year,
            "after_year": year + 1,
            "before": before,
            "after": after,
            "pct": float(exact.pct),
            "low": float((exact.lower - 1) * 100),
            "high": float((exact.upper - 1) * 100),
        }
        if before > 0 and after > 0:
            changed = policies.changed_agencies(f"{year}-01-01", f"{year + 1}-12-31")
            row = variation.assess(
                clean,
                agency,
                year=year,
                offenses=[offense],
                exclude=sorted(changed - {agency}),
                n_draws=n_draws,
            ).loc[offense]
            p = float(2 * stats.norm.sf(abs(row["z"])))
            ordinary = {
                "beyond": bool(row["beyond"]),
                "p": p,
                "z": float(row["z"]),
                "percentile": float(row["percentile"]),
                "expected_pct": float(row["expected_pct"]),
                "low": float(row["low"]),
                "high": float(row["high"]),
                "alpha": float(row["alpha"]),
                "local_pairs": int(row["local_pairs"]),
                "neighbours_agree": bool(row["agree"]),
            }
            if not ordinary["neighbours_agree"]:
                warnings.append(
                    "Checks disagree: the ordinary-variation model and the empirical spread of "
                    "the agencies nearest in size give different verdicts."
                )
    else:
        warnings.append(
            f"Incomplete months: {agency} lacks a complete {year} or {year + 1} of {offense}; "
            "no year-to-year change or ordinary-variation verdict."
        )

    # the comparison design
    try:
        members = design.comparison_members(
            clean, rule, agency, offense, end, treated=(), start=start, post=since,
            size_year=size_year,
        )  # fmt: skip
    except ValueError as err:  # no complete size year: the size rule cannot be applied
        warnings.append(f"No comparison set: {err}; pass another size year or the state rule.")
        members = pd.DataFrame(columns=["agency", "state_abbr", "size", "reason"])
    comparison = [
        Member(r.agency, r.state_abbr, None if pd.isna(r.size) else float(r.size), r.reason)
        for r in members.itertuples(index=False)
    ]
    controls = [m.agency for m in comparison if m.included]
    left_changed = [m.agency for m in comparison if m.reason.startswith("policy change")]
    if left_changed:
        warnings.append(
            "Policy changes among the candidates: "
            + ", ".join(left_changed)
            + " changed policy in the window and are left out of the comparison set."
        )
    result_design = None
    wide = design.panel(clean, offense, start=start, end=end, post=since)
    if agency not in wide.index:
        warnings.append(
            f"No comparison design: {agency} lacks a month of {offense} in the window, or has "
            "none before or after the date."
        )
    elif len(controls) < 2:
        warnings.append(f"Too few comparison agencies ({len(controls)}): no comparison design.")
    else:
        args = {"start": start, "post": since, "size_year": size_year, "treated": ()}
        est = design.estimate(clean, agency, offense, rule, end, alpha, **args)
        try:
            lead = design.lead_check(clean, agency, offense, rule, end, **args)
            lead_p = lead["p"]
        except (ValueError, TypeError):
            lead_p = np.nan
            warnings.append("No lead check: the unit has no event in the reference quarter.")
        result_design = {
            "controls": est["controls"],
            "pct": est["pct"],
            "low": est["placebo_low"],
            "high": est["placebo_high"],
            "p": est["p"],
            "rank": est["rank"],
            "placebos": est["placebos"],
            "coverage": est["coverage"],
            "p_raw": est["p_raw"],
            "pre_p": est["pre_p"],
            "pre_pct": est["pre_pct"],
            "lead_p": lead_p,
        }
        if est["placebos"] < MIN_PLACEBOS:
            warnings.append(
                f"Too few comparison agencies: with {est['placebos']} placebos the smallest "
                f"possible p-value is {1 / (1 + est['placebos']):.2f}, so the test cannot reject "
                f"at {alpha:g}."
            )
        if est["pre_p"] < alpha:
            warnings.append(
                f"Pre-period check failed (p {est['pre_p']:.3f}): before the date the unit already "
                "moved unlike its comparison agencies; the design is not credible."
            )
        if np.isfinite(lead_p) and lead_p < alpha:
            warnings.append(
                f"Lead check failed (p {lead_p:.3f}): the quarters before the date already "
                "differ from the comparison agencies; the design is not credible."
            )
        if ordinary is not None and ordinary["beyond"] != (est["p"] <= alpha):
            warnings.append(
                "Checks disagree: the ordinary-variation test and the comparison design give "
                "different verdicts."
            )
    return CheckResult(
        agency=agency,
        offense=offense,
        since=f"{since:%Y-%m}",
        start=f"{start:%Y-%m}",
        end=f"{end:%Y-%m}",
        size_year=size_year,
        rule=rule.describe(offense, size_year),
        change=change,
        ordinary=ordinary,
        design=result_design,
        comparison=comparison,
        warnings=warnings,
    )
