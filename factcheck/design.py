"""A comparison design for the end of 287(g) in Mecklenburg and Wake: difference in differences
and an event study on the Real-Time Crime Index's monthly counts, with placebo-in-space
inference.

Design
------
Treated units: Charlotte-Mecklenburg PD ("Charlotte, NC") and Raleigh PD ("Raleigh, NC"), each
analysed on its own. Post period: from January 2019 (the sheriffs ended 287(g) in December 2018).
Main window: January 2018 to February 2020 (before COVID-19); sensitivity window: to December
2021. Comparison agencies come from stated rules (:func:`comparison_set`), never from a list:

- ``"size"``: every other agency of the index, nationwide aggregates excluded, whose 2018
  violent total (all twelve months reported) lies within a factor ``factor`` (default 2) of
  the treated unit's own 2018 violent total;
- ``"nc"``: every other North Carolina agency in the index.

Both sets keep only agencies with every month of the outcome reported in the window (a month
recorded as zero by an agency whose median month has 20 or more violent offenses counts as not
reported, as in :func:`factcheck.counts.mask_implausible_zeros`) and with at least one offense
before and after January 2019 (otherwise the model has no finite estimate).

Model: ``y_it ~ Poisson(exp(a_i + d_t + beta * D_it))``, agency effects ``a_i``, one effect
``d_t`` per calendar month of the window, ``D_it`` = 1 for the treated unit from January 2019.
``exp(beta) - 1`` is the proportional change of the treated unit's counts after January 2019
beyond the comparison agencies' common month-by-month movement. The fit is maximum likelihood
by iterative proportional fitting (:func:`fe_poisson`; each parameter is a 0/1 column, so
cyclic rescaling to match its margin converges to the Poisson MLE); with one treated unit the
estimates also have a closed form, a log ratio of ratios of totals (:func:`block_estimates`),
which the placebo runs use (a few milliseconds for all of them). The event study replaces
``D`` by one indicator per quarter relative to January 2019 (reference: October to December
2018).

Inference: model-based quasi-Poisson standard errors (Pearson dispersion; they ignore serial
correlation and are a lower bound), and, as the main inference, placebo in space: the same
estimate for every comparison agency as if it had been treated (the real treated units left
out), the rank of the treated estimate among them and the two-sided placebo p-value
``(1 + #{|placebo| >= |treated|}) / (1 + J)``. The placebo interval (Conley and Taber's idea)
is ``[beta - q_hi, beta - q_lo]`` with ``q`` the placebo estimates' quantiles; it needs at least
19 placebos and is missing otherwise. The pre-period check fits the same model to the twelve
months of 2018 alone with a placebo start in July 2018.

Limits
------
One pre-year (the index starts in January 2018), so trends before 2018 cannot be checked and
the pre-period test has little power. Two treated units, each its own experiment: the placebo
p-value cannot go below ``1 / (1 + J)``; with the four other North Carolina agencies it cannot
go below 0.2. A policy bundle: 287(g) ended in December 2018, both sheriffs stopped honouring
ICE detainers at about the same time, and North Carolina agencies switched to NIBRS reporting
on 1 January 2019, the first post month; the design cannot separate them. The comparison
agencies' own policies are not recorded in the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .counts import mask_implausible_zeros
from .loaders import VIOLENT

TREATED = ("Charlotte, NC", "Raleigh, NC")
OFFENSES = ["violent", *VIOLENT]
START = pd.Timestamp("2018-01-01")
POST = pd.Timestamp("2019-01-01")
MAIN_END = pd.Timestamp("2020-02-01")
SENSITIVITY_END = pd.Timestamp("2021-12-01")
PRE_PLACEBO = pd.Timestamp("2018-07-01")
AGGREGATE_STATE = "Nationwide"
MIN_PLACEBOS_FOR_INTERVAL = 19
RATIO_TICKS = [0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5]  # for a narrow range of ratios
RATIO_TICKS_WIDE = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]


# ---------------------------------------------------------------------------- data
def clean_monthly(monthly: pd.DataFrame) -> pd.DataFrame:
    """``rtci_monthly`` without the nationwide aggregate rows, implausible zero months missing."""
    data = monthly[monthly["state_abbr"] != AGGREGATE_STATE]
    masked, _ = mask_implausible_zeros(data, "agency", [*VIOLENT, "violent"], "violent")
    return masked


def panel(
    monthly: pd.DataFrame, offense: str, start=START, end=MAIN_END, post=POST
) -> pd.DataFrame:
    """Agency-by-month counts of ``offense`` (rows agencies, columns months ``start``-``end``).

    ``monthly`` as from :func:`clean_monthly`. Only agencies with every month reported and at
    least one offense both before and from ``post`` are kept.
    """
    data = monthly[(monthly["date"] >= start) & (monthly["date"] <= end)]
    wide = data.pivot(index="agency", columns="date", values=offense)
    months = pd.date_range(start, end, freq="MS")
    wide = wide.reindex(columns=months).dropna()
    before = wide.loc[:, wide.columns < post].sum(axis=1)
    after = wide.loc[:, wide.columns >= post].sum(axis=1)
    return wide[(before > 0) & (after > 0)]


def size_2018(monthly: pd.DataFrame, by: str = "violent") -> pd.Series:
    """Each agency's 2018 total of ``by``, for agencies with all twelve months reported."""
    year = monthly[monthly["date"].dt.year == 2018]
    grouped = year.groupby("agency")[by]
    sums, months = grouped.sum(), grouped.count()
    return sums[months == 12]


def comparison_set(
    monthly: pd.DataFrame,
    rule: str,
    unit: str,
    offense: str = "violent",
    end=MAIN_END,
    treated: Sequence[str] = TREATED,
    factor: float = 2.0,
    state: str = "NC",
) -> pd.DataFrame:
    """The comparison agencies for treated ``unit`` under a stated ``rule``.

    ``monthly`` as from :func:`clean_monthly`. Common to both rules: not a treated unit, not a
    nationwide aggregate, every month of ``offense`` reported from January 2018 to ``end``, at
    least one offense before and after January 2019 (:func:`panel`).

    - ``"size"``: 2018 violent total (twelve months reported) between ``size / factor`` and
      ``size * factor``, where ``size`` is ``unit``'s own 2018 violent total;
    - ``"nc"``: ``state_abbr == state`` (every other North Carolina agency of the index).

    Returns agency, state_abbr and size_2018 (violent), sorted by agency.
    """
    wide = panel(monthly, offense, end=end)
    sizes = size_2018(monthly)
    states = monthly.groupby("agency")["state_abbr"].first()
    candidates = pd.DataFrame({"agency": wide.index})
    candidates = candidates[~candidates["agency"].isin(treated)]
    candidates["state_abbr"] = candidates["agency"].map(states)
    candidates["size_2018"] = candidates["agency"].map(sizes)
    if rule == "size":
        own = sizes[unit]
        keep = candidates["size_2018"].between(own / factor, own * factor)
    elif rule == "nc":
        keep = candidates["state_abbr"] == state
    else:
        raise ValueError(f"unknown rule {rule!r}: use 'size' or 'nc'")
    return candidates[keep].sort_values("agency").reset_index(drop=True)


# ---------------------------------------------------------------------------- estimator
@dataclass
class FEFit:
    """A two-way fixed-effects Poisson fit (see :func:`fe_poisson`)."""

    beta: np.ndarray  # one coefficient per indicator
    se: np.ndarray  # quasi-Poisson standard errors (NaN when not computed)
    mu: np.ndarray  # fitted means
    phi: float  # Pearson dispersion
    iterations: int


def fe_poisson(
    y: np.ndarray,
    masks: Sequence[np.ndarray],
    tol: float = 1e-9,
    max_iter: int = 5000,
    se: bool = True,
) -> FEFit:
    """Poisson MLE of ``log mu_it = a_i + d_t + sum_k beta_k * masks[k]_it`` by cyclic IPF.

    ``y``: units by periods, no missing cells, every row and column total positive. ``masks``:
    boolean arrays of the same shape, the 0/1 regressors. Each sweep rescales the fitted means
    to match, in turn, each mask's total, each row's total and each column's total (the
    sufficient statistics); at convergence they all match, which are the Poisson likelihood
    equations. Stops when every margin matches within relative ``tol``. A mask whose cells hold
    no event has no finite coefficient: its beta is ``-inf`` (standard error missing) and its
    cells are fitted as zero, which is the limit of the likelihood. With ``se``, standard
    errors from the inverse Fisher information scaled by the Pearson dispersion
    ``sum((y - mu)**2 / mu) / (n - p)``.
    """
    y = np.asarray(y, dtype=float)
    n_units, n_periods = y.shape
    masks = [np.asarray(m, dtype=bool) for m in masks]
    targets = np.array([y[m].sum() for m in masks])
    empty = [m for m, t in zip(masks, targets, strict=True) if t <= 0]
    active = [k for k, t in enumerate(targets) if t > 0]
    valid = ~np.any(empty, axis=0) if empty else np.ones(y.shape, dtype=bool)
    rows, cols = y.sum(axis=1), y.sum(axis=0)
    if (rows <= 0).any() or (cols <= 0).any():
        raise ValueError("every unit and period needs a positive total")
    if not active and masks:
        raise ValueError("no indicator covers any event")
    mu = np.outer(rows, cols) / y.sum() * valid
    beta = np.where(targets > 0, 0.0, -np.inf)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (reported)
        for k in active:
            m = masks[k]
            ratio = targets[k] / mu[m].sum()
            beta[k] += np.log(ratio)
            mu[m] *= ratio
        mu *= (rows / mu.sum(axis=1))[:, None]
        col_ratio = cols / mu.sum(axis=0)
        mu *= col_ratio[None, :]
        worst = max(
            np.max(np.abs(col_ratio - 1)),
            np.max(np.abs(mu.sum(axis=1) / rows - 1)),
            max((abs(mu[masks[k]].sum() / targets[k] - 1) for k in active), default=0),
        )
        if worst < tol:
            break
    else:
        raise RuntimeError("fixed-effects Poisson did not converge")
    n_params = n_units + n_periods - 1 + len(active)
    fitted = valid & (mu > 0)
    phi = float(np.sum((y[fitted] - mu[fitted]) ** 2 / mu[fitted]) / max(1, valid.sum() - n_params))
    errors = np.full(len(masks), np.nan)
    if se and active:
        cov = _beta_covariance(mu, [masks[k] for k in active])
        errors[active] = np.sqrt(phi * np.diag(cov))
    return FEFit(beta=beta, se=errors, mu=mu, phi=phi, iterations=iterations)


def _beta_covariance(mu: np.ndarray, masks: Sequence[np.ndarray]) -> np.ndarray:
    """The indicators' block of the inverse Fisher information of the two-way Poisson model."""
    n_units, n_periods = mu.shape
    k = len(masks)
    size = n_units + n_periods - 1 + k  # the first period's effect is the reference
    info = np.zeros((size, size))
    units = np.arange(n_units)
    periods = n_units + np.arange(n_periods - 1)
    info[units, units] = mu.sum(axis=1)
    info[periods, periods] = mu.sum(axis=0)[1:]
    info[np.ix_(units, periods)] = mu[:, 1:]
    for j, m in enumerate(masks):
        col = n_units + n_periods - 1 + j
        weighted = np.where(m, mu, 0.0)
        info[units, col] = weighted.sum(axis=1)
        info[periods, col] = weighted.sum(axis=0)[1:]
        for i, other in enumerate(masks):
            info[n_units + n_periods - 1 + i, col] = mu[m & other].sum()
    info = np.triu(info) + np.triu(info, 1).T
    cov = np.linalg.inv(info)
    return cov[-k:, -k:]


# ---------------------------------------------------------------------------- designs
def relative_quarter(months: pd.DatetimeIndex, post=POST) -> np.ndarray:
    """Quarter of each month relative to ``post`` (0 = its first three months, -1 the three
    before)."""
    offset = (months.year - post.year) * 12 + (months.month - post.month)
    return np.floor_divide(np.asarray(offset), 3)


def did(wide: pd.DataFrame, unit: str, controls: Sequence[str], post=POST, se=True) -> FEFit:
    """Difference in differences: one coefficient for ``unit`` from ``post`` on."""
    data = wide.loc[[unit, *[c for c in controls if c != unit]]]
    mask = np.zeros(data.shape, dtype=bool)
    mask[0, data.columns >= post] = True
    return fe_poisson(data.to_numpy(), [mask], se=se)


def event_study(
    wide: pd.DataFrame, unit: str, controls: Sequence[str], post=POST, reference: int = -1, se=True
) -> tuple[np.ndarray, FEFit]:
    """Event study: one coefficient for ``unit`` per quarter relative to ``post``.

    Returns the quarters (the ``reference`` quarter left out) and the fit (``beta`` in the
    order of the quarters). When ``unit`` has no event in the reference quarter the
    coefficients are not finite: they are returned as missing (``fit`` is then None).
    """
    data = wide.loc[[unit, *[c for c in controls if c != unit]]]
    quarter = relative_quarter(data.columns, post)
    periods = np.array([q for q in np.unique(quarter) if q != reference])
    if data.iloc[0, quarter == reference].sum() <= 0:
        return periods, None
    masks = []
    for q in periods:
        mask = np.zeros(data.shape, dtype=bool)
        mask[0, quarter == q] = True
        masks.append(mask)
    return periods, fe_poisson(data.to_numpy(), masks, se=se)


def placebo_summary(estimate: float, placebos: np.ndarray, level: float = 0.95) -> dict:
    """Rank and p-value of ``estimate`` among placebo estimates, and the placebo interval.

    ``rank``: 1 + the number of placebos with a larger absolute value (1 = most extreme).
    ``p``: two-sided, ``(1 + #{|placebo| >= |estimate|}) / (1 + J)``; ``p_rise``: one-sided
    for a rise, ``(1 + #{placebo >= estimate}) / (1 + J)``. ``low``/``high``: ``estimate``
    minus the placebo quantiles (missing with fewer than 19 placebos). A placebo that is not
    finite (an agency with no event in the period) is left out.
    """
    placebos = np.asarray(placebos, dtype=float)
    placebos = placebos[np.isfinite(placebos)]
    j = len(placebos)
    at_least = int(np.sum(np.abs(placebos) >= abs(estimate)))
    tail = (1 - level) / 2
    enough = j >= MIN_PLACEBOS_FOR_INTERVAL
    q_low, q_high = np.quantile(placebos, [tail, 1 - tail]) if enough else (np.nan, np.nan)
    return {
        "placebos": j,
        "rank": 1 + int(np.sum(np.abs(placebos) > abs(estimate))),
        "p": (1 + at_least) / (1 + j),
        "p_rise": (1 + int(np.sum(placebos >= estimate))) / (1 + j),
        "low": estimate - q_high,
        "high": estimate - q_low,
    }


def block_estimates(
    wide: pd.DataFrame, unit: str, controls: Sequence[str], groups, reference
) -> np.ndarray:
    """The closed form of the one-treated-unit fixed-effects Poisson estimates.

    With one treated unit, a complete panel, and one indicator for each group of the treated
    unit's months except the ``reference`` group (the groups partitioning its row), the Poisson
    MLE of the indicator for group ``g`` is the log ratio of ratios of totals

        beta_g = log(Y_unit,g / Y_controls,g) - log(Y_unit,ref / Y_controls,ref),

    because within each group of months the fitted table is the independence fit, which meets
    every margin (the controls enter only through their month totals). ``groups``: one label
    per month (0/1 for before/after in the DiD, the relative quarter in the event study).
    Returns one value per non-reference group, in sorted order (``-inf`` or NaN where a group
    or the reference holds no event). :func:`fe_poisson` gives the same numbers (tested) and
    the standard errors.
    """
    groups = np.asarray(groups)
    labels = [g for g in np.unique(groups) if g != reference]
    own = wide.loc[unit].to_numpy(dtype=float)
    rest = wide.loc[[c for c in controls if c != unit]].to_numpy(dtype=float).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = np.log(own[groups == reference].sum() / rest[groups == reference].sum())
        return np.array(
            [np.log(own[groups == g].sum() / rest[groups == g].sum()) - ref for g in labels]
        )


def placebo_estimates(
    wide: pd.DataFrame, controls: Sequence[str], post=POST, event: bool = False
) -> np.ndarray:
    """The DiD (or event-study) estimate for every control as if treated, from the others.

    Uses the closed form of :func:`block_estimates`, vectorised over the controls. Returns one
    value per control (DiD) or a controls-by-quarters array (event study; quarters as in
    :func:`event_study`), ``-inf``/NaN where an agency has no event in a quarter or in the
    reference quarter.
    """
    data = wide.loc[list(controls)].to_numpy(dtype=float)
    if event:
        groups, reference = relative_quarter(wide.columns, post), -1
    else:
        groups, reference = (wide.columns >= post).astype(int), 0
    labels = [g for g in np.unique(groups) if g != reference]
    sums = np.column_stack([data[:, groups == g].sum(axis=1) for g in [reference, *labels]])
    rest = sums.sum(axis=0)[None, :] - sums
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(sums / rest)
        out = logs[:, 1:] - logs[:, [0]]
    return out if event else out[:, 0]


def design_data(
    monthly: pd.DataFrame, unit: str, offense: str, rule: str, end=MAIN_END, **rule_args
) -> tuple[pd.DataFrame, list[str]]:
    """The panel of ``offense`` to ``end`` (:func:`panel`) and ``unit``'s comparison agencies
    under ``rule`` (:func:`comparison_set`)."""
    controls = list(comparison_set(monthly, rule, unit, offense, end, **rule_args)["agency"])
    return panel(monthly, offense, end=end), controls


def estimate(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    level: float = 0.95,
    **rule_args,
) -> dict:
    """The DiD estimate for ``unit`` with its model and placebo inference, and the pre-check.

    ``monthly`` from :func:`clean_monthly`. Returns unit, offense, rule, end, controls (J),
    beta, pct (``100 * (exp(beta) - 1)``), se, model_low/model_high (quasi-Poisson interval
    for pct), the :func:`placebo_summary` fields (low/high turned into pct as placebo_low /
    placebo_high) and the pre-period check on 2018 alone with a placebo start in July 2018:
    pre_pct, pre_p, pre_rank.
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    fit = did(wide, unit, controls)
    beta, se = float(fit.beta[0]), float(fit.se[0])
    z = stats.norm.ppf(0.5 + level / 2)
    summary = placebo_summary(beta, placebo_estimates(wide, controls), level)
    pre = pre_check(monthly, unit, controls, offense)

    def pct(x):
        return 100 * (np.exp(x) - 1)

    return {
        "unit": unit,
        "offense": offense,
        "rule": rule,
        "end": pd.Timestamp(end).strftime("%Y-%m"),
        "controls": len(controls),
        "beta": beta,
        "pct": pct(beta),
        "se": se,
        "model_low": pct(beta - z * se),
        "model_high": pct(beta + z * se),
        "rank": summary["rank"],
        "p": summary["p"],
        "p_rise": summary["p_rise"],
        "placebo_low": pct(summary["low"]),
        "placebo_high": pct(summary["high"]),
        "pre_pct": pre["pct"],
        "pre_p": pre["p"],
        "pre_rank": pre["rank"],
    }


def pre_check(
    monthly: pd.DataFrame,
    unit: str,
    controls: Sequence[str],
    offense: str = "violent",
    placebo_post=PRE_PLACEBO,
) -> dict:
    """The DiD on the twelve months of 2018 alone, as if treatment began at ``placebo_post``.

    A real pre-trend or a level shift in 2018 shows up as an estimate that is extreme among the
    comparison agencies' own (placebo) estimates. Returns beta, pct, and the
    :func:`placebo_summary` fields (rank, p, ...); ``flag`` is True when ``p < 0.05``.
    """
    wide = panel(monthly, offense, START, pd.Timestamp("2018-12-01"), post=placebo_post)
    controls = [c for c in controls if c in wide.index]
    fit = did(wide, unit, controls, placebo_post, se=False)
    beta = float(fit.beta[0])
    summary = placebo_summary(beta, placebo_estimates(wide, controls, placebo_post))
    return {"beta": beta, "pct": 100 * (np.exp(beta) - 1), **summary, "flag": summary["p"] < 0.05}


def event_table(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    level: float = 0.95,
    **rule_args,
) -> pd.DataFrame:
    """Event-study coefficients for ``unit`` by quarter relative to January 2019.

    One row per quarter (the reference quarter, October-December 2018, included as 0): quarter,
    start (first month), pct (``100 * (exp(beta) - 1)``), model_low/model_high (quasi-Poisson),
    placebo_low/placebo_high (the treated coefficient minus the placebo quantiles, as
    percentages), band_low/band_high (the middle ``level`` range of the placebo agencies' own
    coefficients, as percentages: what comparison agencies showed without treatment), and
    ``p`` (two-sided placebo p-value per quarter).
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    quarters, fit = event_study(wide, unit, controls)
    if fit is None:
        raise ValueError(f"{unit} has no {offense} in the reference quarter")
    placebos = placebo_estimates(wide, controls, event=True)
    z = stats.norm.ppf(0.5 + level / 2)
    tail = (1 - level) / 2
    rows = []
    for k, q in enumerate(quarters):
        beta, se = fit.beta[k], fit.se[k]
        summary = placebo_summary(beta, placebos[:, k], level)
        finite = placebos[:, k][np.isfinite(placebos[:, k])]
        band = np.quantile(finite, [tail, 1 - tail])
        rows.append(
            {
                "quarter": int(q),
                "beta": beta,
                "model_low": beta - z * se,
                "model_high": beta + z * se,
                "placebo_low": summary["low"],
                "placebo_high": summary["high"],
                "band_low": band[0],
                "band_high": band[1],
                "p": summary["p"],
            }
        )
    rows.append({"quarter": -1, "beta": 0.0, "p": np.nan})
    out = pd.DataFrame(rows).sort_values("quarter").reset_index(drop=True)
    for column in [c for c in out.columns if c not in ("quarter", "p")]:
        out[column] = 100 * (np.exp(out[column]) - 1)
    out = out.rename(columns={"beta": "pct"})
    out.insert(1, "start", [POST + pd.DateOffset(months=3 * q) for q in out["quarter"]])
    return out.assign(unit=unit, offense=offense, rule=rule, controls=len(controls))


def lead_check(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    **rule_args,
) -> dict:
    """Joint check of the event study's leads (the quarters of 2018 before the reference).

    Statistic: the sum of the squared lead coefficients (log scale), for ``unit`` and for every
    comparison agency as if treated. Returns ``statistic``, ``placebos``, ``rank`` (1 = largest)
    and ``p`` = (1 + #{placebo statistic >= unit's}) / (1 + J); placebos without finite leads
    are left out. A small ``p`` means 2018 already moved unlike the comparison agencies.
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    quarters, fit = event_study(wide, unit, controls, se=False)
    leads = quarters < -1
    own = float(np.sum(fit.beta[leads] ** 2))
    placebo = np.sum(placebo_estimates(wide, controls, event=True)[:, leads] ** 2, axis=1)
    placebo = placebo[np.isfinite(placebo)]
    return {
        "statistic": own,
        "placebos": len(placebo),
        "rank": 1 + int(np.sum(placebo > own)),
        "p": (1 + int(np.sum(placebo >= own))) / (1 + len(placebo)),
    }


def run(
    monthly: pd.DataFrame,
    units: Sequence[str] = TREATED,
    offenses: Sequence[str] = OFFENSES,
    rules: Sequence[str] = ("size", "nc"),
    ends: Sequence = (MAIN_END, SENSITIVITY_END),
) -> pd.DataFrame:
    """:func:`estimate` for every unit, offense, comparison rule and window: one row each."""
    rows = [
        estimate(monthly, unit, offense, rule, end)
        for unit in units
        for offense in offenses
        for rule in rules
        for end in ends
    ]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- figure
def event_figure(tables: Sequence[pd.DataFrame], labels: Sequence[str] | None = None):
    """Event-study figure: each treated unit's quarterly coefficients with model (quasi-Poisson)
    intervals, over a grey band: the middle 95% of the first unit's comparison agencies' own
    placebo coefficients (what agencies without the change showed).

    ``tables``: outputs of :func:`event_table` (same offense and window). Returns the
    matplotlib figure (not shown, not closed). Colours from ``style.PALETTE``; the vertical
    line marks January 2019 with :func:`factcheck.style.mark_event`.
    """
    import matplotlib.pyplot as plt

    from .style import PALETTE, mark_event

    colours = [PALETTE["ended"], PALETTE["highlight"], PALETTE["kept"], PALETTE["never"]]
    labels = list(labels) if labels is not None else [t["unit"].iloc[0] for t in tables]
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    def ratio(pct):
        return 1 + pct / 100

    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    first = tables[0]
    ax.fill_between(
        first["quarter"],
        ratio(first["band_low"].fillna(0)),
        ratio(first["band_high"].fillna(0)),
        color="#DDDDDD",
        label=f"{labels[0]}'s comparison agencies, middle 95%",
    )
    offsets = np.linspace(-0.12, 0.12, len(tables)) if len(tables) > 1 else [0.0]
    for table, label, colour, offset in zip(tables, labels, colours, offsets, strict=False):
        lower = ratio(table["pct"]) - ratio(table["model_low"].fillna(table["pct"]))
        upper = ratio(table["model_high"].fillna(table["pct"])) - ratio(table["pct"])
        ax.errorbar(
            table["quarter"] + offset,
            ratio(table["pct"]),
            yerr=[lower, upper],
            fmt="o",
            color=colour,
            capsize=2,
            markersize=4,
            label=label,
        )
    ax.axhline(1, color="#333333", linewidth=0.8)
    ax.set_yscale("log")  # ratios: a halving and a doubling are the same distance from 0%
    low, high = ax.get_ylim()
    ax.yaxis.set_major_locator(FixedLocator(RATIO_TICKS if high / low < 3 else RATIO_TICKS_WIDE))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda r, _: f"{(r - 1) * 100:+.0f}%"))
    mark_event(ax, -0.5, "January 2019")
    ticks = first["quarter"].to_numpy()
    ax.set_xticks(ticks, [f"{s.year} Q{(s.month - 1) // 3 + 1}" for s in first["start"]])
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    offense = str(first["offense"].iloc[0]).replace("_", " ")
    ax.set_ylabel(f"{offense}, % vs Oct-Dec 2018,\nbeyond comparison agencies")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3)
    return fig
