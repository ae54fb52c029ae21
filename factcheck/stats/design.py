"""A comparison design for the end of 287(g) in Mecklenburg and Wake: difference in differences
and an event study on the Real-Time Crime Index's monthly counts, with placebo-in-space
inference.

Design
------
Every function takes the unit, the offense, the window (``start``, ``end``), the policy date
(``post``, the first month after the change) and the size-matching year (``size_year``) as
arguments; the defaults are the book's case. Treated units: the agencies whose sheriffs ended
287(g) in 2018 in the sourced table ``data/policy_changes.csv`` (:mod:`factcheck.data.policies`):
Charlotte-Mecklenburg PD ("Charlotte, NC") and Raleigh PD ("Raleigh, NC"), each analysed on its
own. Post period: from January 2019 (the sheriffs ended 287(g) in December 2018). Main window:
January 2018 to February 2020 (before COVID-19); sensitivity window: to December 2021.
Comparison agencies come from stated rules (:func:`comparison_set`, a
:class:`~factcheck.stats.comparison.ComparisonRule`), never from a list:

- ``"size"``: every other agency of the index, nationwide aggregates excluded, whose 2018
  violent total (all twelve months reported) lies within a factor ``factor`` (default 2) of
  the treated unit's own 2018 violent total;
- ``"nc"``: every other North Carolina agency in the index.

Both sets leave out every agency in a county whose sheriff changed 287(g) or ICE detainer policy
between January 2018 and the end of the window (:func:`changed_agencies`, from the sourced table
``data/policy_changes.csv``): such an agency received part of the treatment. Both
sets keep only agencies with every month of the outcome reported in the window (a month
recorded as zero by an agency whose median month has 20 or more violent offenses counts as not
reported, as in :func:`factcheck.data.counts.mask_implausible_zeros`) and with at least one offense
before and after January 2019 (otherwise the model has no finite estimate).

Model: ``y_it ~ Poisson(exp(a_i + d_t + beta * D_it))``, agency effects ``a_i``, one effect
``d_t`` per calendar month of the window, ``D_it`` = 1 for the treated unit from January 2019.
``exp(beta) - 1`` is the proportional change of the treated unit's counts after January 2019
beyond the comparison agencies' common month-by-month movement. The fit is maximum likelihood
by iterative proportional fitting (:func:`fe_poisson`; each parameter is a 0/1 column, so
cyclic rescaling to match its margin converges to the Poisson MLE); with one treated unit the
estimates also have a closed form, a log ratio of ratios of totals (:func:`placebo_estimates`),
which the placebo runs use (a few milliseconds for all of them). The event study replaces
``D`` by one indicator per quarter relative to January 2019 (reference: October to December
2018).

Inference: placebo in space only. The model's quasi-Poisson standard errors (Pearson dispersion
of monthly cells) ignore serial correlation and agency-specific drift; on the real panel they are
less than half the spread of the placebo estimates, so they are not reported as inference
(:func:`fe_poisson` still computes them, tested against a GLM). Placebo in space: the same
estimate for every comparison agency as if it had been treated (the real treated units and the
unit itself left out). The test is two-sided at ``ALPHA`` = 0.05, the convention of the book's
first analysis and of every other test in it (a rise and a fall are judged alike); a one-sided
test for a rise was adopted for a while after that first analysis and is now reported only as a
sensitivity. The interval inverts the two-sided test, so the two never disagree, and its
actual coverage is stated, since placebo p-values are discrete (:func:`placebo_summary`). The
estimates are studentised before ranking (:func:`studentise`, the idea of Ferman and Pinto,
2019): comparison agencies smaller than the treated unit give noisier placebos. Raw ranks are a
sensitivity. The family of tests is the one the methods chapter states (:func:`run`; it was
not fixed before the first analysis): the violent total and the four offenses for each
department, Holm-adjusted p-values reported (:func:`family_summary`).
The pre-period check fits the same model to the twelve months of 2018 alone with a placebo
start in July 2018; like the joint lead test it has little power, so a pass means "no evidence
of a pre-trend, with low power", not that trends were parallel. :func:`break_check` looks for a
one-month step at January 2019, when the NIBRS switch would put one.

Limits
------
One pre-year (the index starts in January 2018), so trends before 2018 cannot be checked and
the pre-period test has little power. Two treated units, each its own experiment: the placebo
p-value cannot go below ``1 / (1 + J)``. Of the four other North Carolina agencies in the index,
two (Durham and Asheville) are in counties whose sheriffs also stopped honouring ICE detainers
(December 2018 and February 2019) and are left out; with the two that remain the p-value cannot
go below 1/3 (1/2 for rape: Fayetteville has no rape series), so the North Carolina set is
descriptive only. A policy bundle: 287(g) ended in
December 2018, both sheriffs stopped honouring ICE detainers at about the same time, and North
Carolina agencies switched to NIBRS reporting on 1 January 2019, the first post month; the
design cannot separate them. The comparison agencies' own policies are not recorded in the
index (outside North Carolina, changes like these would bias the estimate toward zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from factcheck.data.counts import annual_from_monthly
from factcheck.data.loaders import RTCI_AGGREGATE, VIOLENT
from factcheck.data.policies import changed_agencies, ended_287g
from factcheck.stats.comparison import IN, ComparisonRule

TREATED = ended_287g()  # from the sourced table: Charlotte, NC and Raleigh, NC
OFFENSES = ["violent", *VIOLENT]
START = pd.Timestamp("2018-01-01")
POST = pd.Timestamp("2019-01-01")
MAIN_END = pd.Timestamp("2020-02-01")
SENSITIVITY_END = pd.Timestamp("2021-12-01")
PRE_PLACEBO = pd.Timestamp("2018-07-01")
SIZE_YEAR = 2018  # the year whose count measures size
AGGREGATE_STATE = RTCI_AGGREGATE
ALPHA = 0.05  # level of the two-sided placebo test, the book's one convention (placebo_summary)


# ---------------------------------------------------------------------------- data


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


def size_2018(monthly: pd.DataFrame, by: str = "violent", year: int = SIZE_YEAR) -> pd.Series:
    """Each agency's ``year`` total of ``by``, for agencies with all twelve months reported."""
    annual = annual_from_monthly(monthly[monthly["date"].dt.year == year], "agency", "date", [by])
    complete = annual[annual["months"] == 12]
    return complete.set_index("agency")[by].rename_axis("agency")


def comparison_set(
    monthly: pd.DataFrame,
    rule: str | ComparisonRule,
    unit: str,
    offense: str = "violent",
    end=MAIN_END,
    **options,
) -> pd.DataFrame:
    """The comparison agencies for treated ``unit`` under a stated ``rule``: the members of
    :func:`comparison_members` (whose ``options`` it takes: ``treated``, ``factor``, ``state``,
    ``exclude_changed``, ``size_by``, ``start``, ``post``, ``size_year``) with reason "in".

    ``monthly`` as from :func:`clean_monthly`. Common to both rules: not ``unit`` itself and not
    a treated unit (a unit is never among its own placebos), not a nationwide aggregate, every
    month of ``offense`` reported from ``start`` to ``end``, at least one offense before and
    from ``post`` (:func:`panel`), and (``exclude_changed``)
    not in a county whose sheriff changed 287(g) or detainer policy from ``start`` to ``end``
    (:func:`changed_agencies`; ``exclude_changed=False`` gives the contaminated set, for a
    sensitivity check only).

    - ``"size"``: ``size_year`` violent total (twelve months reported) between ``size /
      factor`` and ``size * factor``, where ``size`` is ``unit``'s own ``size_year`` violent
      total (``size_by="offense"``: the total of ``offense`` itself, a robustness check);
    - ``"nc"``: ``state_abbr == state`` (every other North Carolina agency of the index);
    - a :class:`~factcheck.stats.comparison.ComparisonRule`: that rule (``factor``, ``state``,
      ``exclude_changed`` and ``size_by`` are then the rule's own).

    Returns agency, state_abbr and size_2018 (the size in ``size_year``), sorted by agency.
    :func:`comparison_members` gives every candidate with its reason.
    """
    table = comparison_members(monthly, rule, unit, offense, end, **options)
    chosen = table[table["reason"] == IN].rename(columns={"size": "size_2018"})
    return chosen[["agency", "state_abbr", "size_2018"]].reset_index(drop=True)


def comparison_members(
    monthly: pd.DataFrame,
    rule: str | ComparisonRule,
    unit: str,
    offense: str = "violent",
    end=MAIN_END,
    treated: Sequence[str] = TREATED,
    factor: float = 2.0,
    state: str = "NC",
    exclude_changed: bool = True,
    size_by: str = "violent",
    start=START,
    post=POST,
    size_year: int = SIZE_YEAR,
) -> pd.DataFrame:
    """Every agency of ``monthly`` as a candidate for ``unit``'s comparison set (the rules are
    set out in :func:`comparison_set`): agency, state_abbr, size (in ``size_year``) and reason:
    ``"in"``, or the first of ``"the unit itself"``, ``"a treated unit"``, ``"policy change
    in the window"``, ``"months missing in the window"`` (or no offense before or after
    ``post``), and the rule's own (``"outside the size window"``, ``"no complete size
    year"``, ``"another state"``). Sorted by agency."""
    args = {"factor": factor, "size_by": size_by, "exclude_changed": exclude_changed}
    rule = ComparisonRule.named(rule, **args, **({"state": state} if rule == "nc" else {}))
    wide = panel(monthly, offense, start=start, end=end, post=post)
    sizes = size_2018(monthly, rule.size_column(offense), year=size_year)
    states = monthly.groupby("agency")["state_abbr"].first()
    states = states[states != AGGREGATE_STATE].sort_index()
    table = pd.DataFrame({"agency": states.index, "state_abbr": states.to_numpy()})
    table["size"] = table["agency"].map(sizes)
    changed = changed_agencies(start, end) if rule.exclude_changed else set()
    if rule.kind == "size" and unit not in sizes.index:
        raise ValueError(f"{unit} has no complete {size_year} to measure its size")
    by_rule = rule.reasons(
        table.set_index("agency")["size"],
        table.set_index("agency")["state_abbr"],
        sizes.get(unit, np.nan),
        states.get(unit, ""),
    ).to_numpy()
    agency = table["agency"]
    table["reason"] = np.select(
        [
            agency == unit,
            agency.isin(list(treated)),
            agency.isin(changed),
            ~agency.isin(wide.index),
        ],
        [
            "the unit itself",
            "a treated unit",
            "policy change in the window",
            "months missing in the window",
        ],
        default=by_rule,
    )
    return table


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


def placebo_summary(
    estimate: float,
    placebos: np.ndarray,
    scale: float = 1.0,
    placebo_scales=1.0,
    alpha: float = ALPHA,
) -> dict:
    """Placebo-in-space test and interval for ``estimate``, consistent by construction.

    Statistic: ``t = estimate / scale`` and, for each placebo, ``t_j = placebo_j / scale_j``
    (``scale = 1`` everywhere: the raw estimates; see :func:`studentise` for the studentised
    version). A placebo that is not finite (an agency with no event in a period) is left out;
    ``J`` placebos remain.

    - ``p_two = (1 + #{|t_j| >= |t|}) / (1 + J)`` and ``rank`` (1 = most extreme ``|t|``): the
      two-sided test, the book's one convention (a rise and a fall are judged alike at level
      ``alpha``).
    - ``p_rise = (1 + #{t_j >= t}) / (1 + J)`` and ``rank_rise`` (1 = the largest rise), and
      ``p_fall``: the one-sided tests, reported as sensitivities only.
    - ``low``/``high``: the interval for the effect (log scale) obtained by inverting the
      two-sided test at level ``alpha``: ``estimate -/+ scale * T`` with ``T`` the ``(m+1)``-th
      largest ``|t_j|`` and ``m = floor(alpha * (1 + J)) - 1``. So the interval excludes 0
      exactly when ``p_two <= alpha``. Missing when ``m < 0`` (too few placebos for the test
      ever to reject: ``J < 1/alpha - 1``).
    - ``size``: the exact probability that ``p_two <= alpha`` when the unit is exchangeable
      with its placebos (no effect), ``floor(alpha * (1 + J)) / (1 + J)``: placebo p-values
      are discrete, so it is at most ``alpha``, and ``coverage = 1 - size`` is the interval's
      actual coverage level (missing with the interval).
    """
    placebos = np.asarray(placebos, dtype=float)
    scales = np.broadcast_to(np.asarray(placebo_scales, dtype=float), placebos.shape)
    keep = np.isfinite(placebos) & np.isfinite(scales)
    t_j = placebos[keep] / scales[keep]
    t = estimate / scale
    j = len(t_j)
    rejections = int(np.floor(alpha * (1 + j) + 1e-9))
    m = rejections - 1
    extreme = np.sort(np.abs(t_j))[::-1]
    if m >= 0 and j > m:
        low, high = estimate - scale * extreme[m], estimate + scale * extreme[m]
        coverage = 1 - rejections / (1 + j)
    else:
        low = high = coverage = np.nan
    return {
        "placebos": j,
        "rank": 1 + int(np.sum(np.abs(t_j) > abs(t))),
        "rank_rise": 1 + int(np.sum(t_j > t)),
        "p_rise": (1 + int(np.sum(t_j >= t))) / (1 + j),
        "p_fall": (1 + int(np.sum(t_j <= t))) / (1 + j),
        "p_two": (1 + int(np.sum(np.abs(t_j) >= abs(t)))) / (1 + j),
        "low": low,
        "high": high,
        "size": rejections / (1 + j),
        "coverage": coverage,
    }


def poisson_variances(
    wide: pd.DataFrame, unit: str, controls: Sequence[str], post=POST
) -> tuple[float, np.ndarray]:
    """Poisson part of the variance of the DiD estimate, for ``unit`` and for each placebo.

    The estimate is ``log(Y_unit,post / Y_rest,post) - log(Y_unit,pre / Y_rest,pre)``; with
    Poisson totals its variance is about the sum of the reciprocals of the four totals. Returns
    (the value for ``unit`` against all ``controls``, one value per control against the
    others). Infinite where a total is zero.
    """
    after = np.asarray(wide.columns >= post)
    rows = wide.loc[list(controls)].to_numpy(dtype=float)
    pre, postsum = rows[:, ~after].sum(axis=1), rows[:, after].sum(axis=1)
    own = wide.loc[unit].to_numpy(dtype=float)
    with np.errstate(divide="ignore"):
        treated = 1 / own[~after].sum() + 1 / own[after].sum() + 1 / pre.sum() + 1 / postsum.sum()
        each = 1 / pre + 1 / postsum + 1 / (pre.sum() - pre) + 1 / (postsum.sum() - postsum)
    return float(treated), each


def studentise(placebos: np.ndarray, variance: float, placebo_variances: np.ndarray) -> tuple:
    """Scales that studentise the placebo test (the idea of Ferman and Pinto, 2019).

    Comparison agencies smaller than the treated unit give noisier placebo estimates, so a rank
    among raw estimates is a test at the wrong size. The variance of each estimate is modelled as
    its Poisson part (:func:`poisson_variances`) plus a common extra term ``c`` (variation beyond
    Poisson, the same for every agency), estimated from the placebos by weighted moments,
    ``c = max(0, sum(w * (placebo**2 - v)) / sum(w))`` with ``v`` the Poisson part and
    ``w = 1 / (v + c)**2``, iterated from ``c = 0``. Returns (scale of the treated estimate,
    scales of the placebos), the square roots of ``poisson_variance + c``, and ``c``.
    """
    placebos = np.asarray(placebos, dtype=float)
    keep = np.isfinite(placebos) & np.isfinite(placebo_variances)
    square, poisson = placebos[keep] ** 2, np.asarray(placebo_variances)[keep]
    extra = 0.0
    for _ in range(50 if keep.any() else 0):  # weight: inverse variance of each squared placebo
        weight = 1 / (poisson + extra) ** 2
        new = max(0.0, float(np.sum(weight * (square - poisson)) / np.sum(weight)))
        if abs(new - extra) <= 1e-12 + 1e-9 * extra:
            break
        extra = new
    return np.sqrt(variance + extra), np.sqrt(np.asarray(placebo_variances) + extra), extra


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of a family of p-values (missing values stay missing)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(np.isfinite(p))
    order = idx[np.argsort(p[idx], kind="stable")]
    n = len(order)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (n - k) * p[i]))
        out[i] = running
    return out


def placebo_estimates(
    wide: pd.DataFrame, controls: Sequence[str], post=POST, event: bool = False
) -> np.ndarray:
    """The DiD (or event-study) estimate for every control as if treated, from the others.

    With one treated unit, a complete panel, and one indicator for each group of the treated
    unit's months except the reference group, the Poisson MLE of group ``g``'s indicator is the
    log ratio of ratios of totals, ``log(Y_unit,g / Y_rest,g) - log(Y_unit,ref / Y_rest,ref)``
    (within each group the fitted table is the independence fit, which meets every margin);
    :func:`fe_poisson` gives the same numbers (tested). This closed form, vectorised over the
    controls, takes a few milliseconds for all of them. Returns one
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
    """The panel of ``offense`` from ``start`` to ``end`` (:func:`panel`) and ``unit``'s
    comparison agencies under ``rule`` (:func:`comparison_set`; ``rule_args`` may set
    ``start``, ``post`` and ``size_year`` too)."""
    controls = list(comparison_set(monthly, rule, unit, offense, end, **rule_args)["agency"])
    window = {k: rule_args[k] for k in ("start", "post") if k in rule_args}
    return panel(monthly, offense, end=end, **window), controls


def estimate(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    alpha: float = ALPHA,
    **rule_args,
) -> dict:
    """The DiD estimate for ``unit`` with its placebo inference and the pre-period check.

    ``monthly`` from :func:`clean_monthly`. Main test (the one the verdicts use): the
    studentised placebo test (:func:`studentise`), two-sided at level ``alpha`` (the book's one
    convention, that of the first analysis), with the interval that inverts it
    (:func:`placebo_summary`). Returns unit,
    offense, rule, end, controls (J), beta, pct (``100 * (exp(beta) - 1)``), placebo_sd
    (standard deviation of the raw placebo estimates, log scale), extra_var (the common
    variance beyond Poisson, ``c``), and

    - ``p`` (studentised, two-sided), ``rank`` (1 = the most extreme among the unit and its J
      placebos, either direction), ``placebos`` (J with a finite estimate), ``size`` (the
      exact chance that ``p <= alpha`` with no effect) and ``coverage`` (of the interval),
      ``placebo_low``/``placebo_high`` (per cent; the inverted interval: it excludes 0 exactly
      when ``p <= alpha``);
    - sensitivities: ``p_rise``/``rank_rise`` (one-sided for a rise) and ``p_fall``; the same
      on the raw estimates: ``p_raw`` (two-sided), ``rank_raw``, ``p_rise_raw``,
      ``raw_low``/``raw_high``;
    - ``pre_pct``, ``pre_p`` (two-sided: a pre-trend in either direction matters), ``pre_rank``:
      the pre-period check on the months before ``post`` alone with a placebo start half way
      (2018 and July 2018 by default, :func:`pre_check`).

    ``rule_args`` (passed to :func:`comparison_set`) may also set the window ``start``, the
    policy date ``post`` and the ``size_year``; the defaults are the book's.
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    start, post = rule_args.get("start", START), rule_args.get("post", POST)
    beta = float(did(wide, unit, controls, post, se=False).beta[0])
    placebos = placebo_estimates(wide, controls, post)
    variance, placebo_variances = poisson_variances(wide, unit, controls, post)
    scale, scales, extra = studentise(placebos, variance, placebo_variances)
    main = placebo_summary(beta, placebos, scale, scales, alpha)
    raw = placebo_summary(beta, placebos, alpha=alpha)
    pre = pre_check(monthly, unit, controls, offense, start=start, post=post)
    finite = placebos[np.isfinite(placebos)]
    return {
        "unit": unit,
        "offense": offense,
        "rule": rule,
        "end": pd.Timestamp(end).strftime("%Y-%m"),
        "controls": len(controls),
        "beta": beta,
        "pct": _pct(beta),
        "placebo_sd": float(np.std(finite, ddof=1)) if len(finite) > 1 else np.nan,
        "extra_var": extra,
        "p": main["p_two"],
        "rank": main["rank"],
        "placebos": main["placebos"],
        "size": main["size"],
        "coverage": main["coverage"],
        "p_rise": main["p_rise"],
        "rank_rise": main["rank_rise"],
        "p_fall": main["p_fall"],
        "placebo_low": _pct(main["low"]),
        "placebo_high": _pct(main["high"]),
        "p_raw": raw["p_two"],
        "rank_raw": raw["rank"],
        "p_rise_raw": raw["p_rise"],
        "raw_low": _pct(raw["low"]),
        "raw_high": _pct(raw["high"]),
        "pre_pct": pre["pct"],
        "pre_p": pre["p"],
        "pre_rank": pre["rank"],
    }


def _pct(log_ratio: float) -> float:
    """A log ratio as a percentage change."""
    return float(100 * (np.exp(log_ratio) - 1))


def pre_check(
    monthly: pd.DataFrame,
    unit: str,
    controls: Sequence[str],
    offense: str = "violent",
    placebo_post=None,
    start=START,
    post=POST,
) -> dict:
    """The DiD on the months from ``start`` to the month before ``post`` alone (the twelve
    months of 2018 by default), as if treatment began at ``placebo_post`` (default: half way,
    July 2018 by default).

    A real pre-trend or a level shift in 2018 shows up as an estimate that is extreme among the
    comparison agencies' own (placebo) estimates, in either direction. Returns beta, pct, the
    :func:`placebo_summary` fields on the raw estimates (rank = two-sided rank), ``p`` (=
    ``p_two``: two-sided, since a pre-trend either way matters) and ``flag`` (``p < 0.05``).
    """
    start, post = pd.Timestamp(start), pd.Timestamp(post)
    months = (post.year - start.year) * 12 + post.month - start.month
    if placebo_post is None:
        placebo_post = start + pd.DateOffset(months=months // 2)
    wide = panel(monthly, offense, start, post - pd.DateOffset(months=1), post=placebo_post)
    controls = [c for c in controls if c in wide.index]
    fit = did(wide, unit, controls, placebo_post, se=False)
    beta = float(fit.beta[0])
    summary = placebo_summary(beta, placebo_estimates(wide, controls, placebo_post))
    return {
        "beta": beta,
        "pct": _pct(beta),
        **summary,
        "p": summary["p_two"],
        "flag": summary["p_two"] < 0.05,
    }


def event_table(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    level: float = 0.95,
    **rule_args,
) -> pd.DataFrame:
    """Event-study coefficients for ``unit`` by quarter relative to ``post`` (January 2019 by
    default; ``rule_args`` may set ``start``, ``post`` and ``size_year``).

    One row per quarter (the reference quarter, the three months before ``post``, included as
    0): quarter,
    start (first month), pct (``100 * (exp(beta) - 1)``), placebo_low/placebo_high (the
    interval that inverts the two-sided raw placebo test, :func:`placebo_summary`, as
    percentages), band_low/band_high (the middle ``level`` range of the placebo agencies' own
    coefficients, as percentages: what comparison agencies showed without treatment), and
    ``p_rise`` (one-sided raw placebo p-value for a rise, per quarter; descriptive: nine
    quarters are nine tests).
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    post = pd.Timestamp(rule_args.get("post", POST))
    quarters, fit = event_study(wide, unit, controls, post, se=False)
    if fit is None:
        raise ValueError(f"{unit} has no {offense} in the reference quarter")
    placebos = placebo_estimates(wide, controls, post, event=True)
    tail = (1 - level) / 2
    rows = []
    for k, q in enumerate(quarters):
        beta = fit.beta[k]
        summary = placebo_summary(beta, placebos[:, k])
        finite = placebos[:, k][np.isfinite(placebos[:, k])]
        band = np.quantile(finite, [tail, 1 - tail])
        rows.append(
            {
                "quarter": int(q),
                "beta": beta,
                "placebo_low": summary["low"],
                "placebo_high": summary["high"],
                "band_low": band[0],
                "band_high": band[1],
                "p_rise": summary["p_rise"],
            }
        )
    rows.append({"quarter": -1, "beta": 0.0, "p_rise": np.nan})
    out = pd.DataFrame(rows).sort_values("quarter").reset_index(drop=True)
    for column in [c for c in out.columns if c not in ("quarter", "p_rise")]:
        out[column] = 100 * (np.exp(out[column]) - 1)
    out = out.rename(columns={"beta": "pct"})
    out.insert(1, "start", [post + pd.DateOffset(months=3 * q) for q in out["quarter"]])
    return out.assign(unit=unit, offense=offense, rule=rule, controls=len(controls))


def month_steps(
    monthly: pd.DataFrame, unit: str, controls: Sequence[str], offense: str, month
) -> pd.Series:
    """One-month steps into ``month`` of ``unit`` and of each control, relative to the controls.

    Step of an agency = ``log(Y_month / Y_prev) - log(R_month / R_prev)`` with ``prev`` the
    month before and ``R`` the sum of the ``controls`` that report both months, leaving out the
    agency itself. Returns a Series indexed by agency (``unit`` first); ``nan`` where a count
    is zero or missing.
    """
    month = pd.Timestamp(month)
    prev = month - pd.DateOffset(months=1)
    data = monthly[monthly["date"].isin([prev, month])]
    wide = data.pivot(index="agency", columns="date", values=offense).reindex(columns=[prev, month])
    rows = wide.reindex([c for c in controls if c != unit]).dropna()
    own = wide.reindex([unit]).to_numpy(dtype=float)
    counts = np.vstack([own, rows.to_numpy(dtype=float)])
    rest = rows.to_numpy(dtype=float).sum(axis=0)[None, :] - np.vstack([np.zeros((1, 2)), rows])
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.log(counts[:, 1] / counts[:, 0]) - np.log(rest[:, 1] / rest[:, 0])
    steps[~np.isfinite(steps)] = np.nan
    return pd.Series(steps, index=[unit, *rows.index])


def break_check(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    month=POST,
    **rule_args,
) -> dict:
    """Is there a one-month break at ``month`` (January 2019) in ``unit``'s series?

    The NIBRS switch on 1 January 2019 would put a step into a series between December and
    January if it changed what is counted. Each agency's step into January of every year the
    index covers is measured against the comparison agencies (:func:`month_steps`); an
    agency's ``break`` is its step into ``month`` minus the mean of its steps into the other
    Januaries (its own usual December-to-January movement relative to the others). The unit's
    break is ranked among the comparison agencies' breaks (two-sided, a break either way
    matters): ``rank``, ``p``, ``placebos``. Returns also ``step_pct`` (the raw step in per
    cent), ``usual_pct`` (the unit's mean step into the other Januaries, per cent),
    ``break_pct``, ``januaries`` (year -> the unit's step, per cent) and ``step_rank``/``step_p``
    (the raw step ranked among the comparison agencies' steps into ``month``).

    What it can show: whether a one-month step at ``month``, beyond the unit's usual January
    movement, stands out among agencies that did not switch that month; a counting change at
    the switch would produce one. What it cannot: separate a step caused by the switch from an
    immediate effect of the policy change (both fall on the same month), or detect a change that
    builds up gradually. The index's counting rules are not documented, and no FBI-basis series
    for the unit is in the registry after 2018, so the two bases cannot be compared directly.
    """
    controls = list(comparison_set(monthly, rule, unit, offense, end, **rule_args)["agency"])
    month = pd.Timestamp(month)
    years = range(monthly["date"].min().year + 1, monthly["date"].max().year + 1)
    steps = pd.DataFrame(
        {
            y: month_steps(monthly, unit, controls, offense, f"{y}-{month.month:02d}-01")
            for y in years
        }
    )
    this = steps[month.year]
    usual = steps.drop(columns=month.year).mean(axis=1)
    breaks = this - usual
    own, others = breaks.iloc[0], breaks.iloc[1:].dropna().to_numpy()
    raw = this.iloc[1:].dropna().to_numpy()
    return {
        "unit": unit,
        "offense": offense,
        "step_pct": _pct(this.iloc[0]),
        "usual_pct": _pct(usual.iloc[0]),
        "break_pct": _pct(own),
        "placebos": len(others),
        "rank": 1 + int(np.sum(np.abs(others) > abs(own))),
        "p": (1 + int(np.sum(np.abs(others) >= abs(own)))) / (1 + len(others)),
        "step_rank": 1 + int(np.sum(np.abs(raw) > abs(this.iloc[0]))),
        "step_p": (1 + int(np.sum(np.abs(raw) >= abs(this.iloc[0])))) / (1 + len(raw)),
        "januaries": {int(y): _pct(v) for y, v in steps.iloc[0].items()},
    }


def lead_check(
    monthly: pd.DataFrame,
    unit: str,
    offense: str = "violent",
    rule: str = "size",
    end=MAIN_END,
    **rule_args,
) -> dict:
    """Joint check of the event study's leads (the quarters before the reference quarter: those
    of 2018 by default; ``rule_args`` may set ``start``, ``post`` and ``size_year``).

    Statistic: the sum of the squared lead coefficients (log scale), for ``unit`` and for every
    comparison agency as if treated. Returns ``statistic``, ``placebos``, ``rank`` (1 = largest)
    and ``p`` = (1 + #{placebo statistic >= unit's}) / (1 + J); placebos without finite leads
    are left out. A small ``p`` means 2018 already moved unlike the comparison agencies. Three
    leads against one reference quarter give this check little power: a large ``p`` is "no
    evidence of a pre-trend, with low power", never evidence that trends were parallel.
    """
    wide, controls = design_data(monthly, unit, offense, rule, end, **rule_args)
    post = pd.Timestamp(rule_args.get("post", POST))
    quarters, fit = event_study(wide, unit, controls, post, se=False)
    if fit is None:
        raise ValueError(f"{unit} has no {offense} in the reference quarter")
    leads = quarters < -1
    own = float(np.sum(fit.beta[leads] ** 2))
    placebo = np.sum(placebo_estimates(wide, controls, post, event=True)[:, leads] ** 2, axis=1)
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
    """:func:`estimate` for every unit, offense, comparison rule and window: one row each.

    The family of tests (as the methods chapter states it, not fixed before the first analysis):
    the size-matched set in the main window, every unit and offense (10 tests with the
    defaults), all two-sided; the violent total is the primary outcome
    (``family == "primary"``), each offense secondary (``"secondary"``); other rows are
    sensitivities (``"sensitivity"``, not in the family). ``p_holm``: Holm-adjusted ``p``
    over the family (missing outside it).
    """
    rows = [
        estimate(monthly, unit, offense, rule, end)
        for unit in units
        for offense in offenses
        for rule in rules
        for end in ends
    ]
    out = pd.DataFrame(rows)
    main = (out["rule"] == "size") & (out["end"] == pd.Timestamp(MAIN_END).strftime("%Y-%m"))
    out["family"] = np.where(
        main, np.where(out["offense"] == "violent", "primary", "secondary"), "sensitivity"
    )
    out["p_holm"] = np.nan
    out.loc[main, "p_holm"] = holm(out.loc[main, "p"])
    return out


def family_summary(table: pd.DataFrame, alpha: float = ALPHA) -> dict:
    """The multiple-comparisons line for a :func:`run` table: over its family of tests, how
    many there are (``tests``), how many have ``p <= alpha`` (``below``), how many would be
    expected to by chance alone (``expected``), the smallest ``p`` and the smallest
    Holm-adjusted ``p``, and how many survive Holm (``holm_below``).

    Placebo p-values are discrete: with ``J`` placebos a test has ``p <= alpha`` by chance with
    probability ``floor(alpha * (1 + J)) / (1 + J)``, not ``alpha``; ``expected`` is the sum of
    these over the family (exact under exchangeability)."""
    family = table[table["family"] != "sensitivity"]
    j = family["placebos"].to_numpy(dtype=float)
    return {
        "tests": len(family),
        "below": int((family["p"] <= alpha).sum()),
        "expected": float(np.sum(np.floor(alpha * (1 + j) + 1e-9) / (1 + j))),
        "min_p": float(family["p"].min()),
        "min_p_holm": float(family["p_holm"].min()),
        "holm_below": int((family["p_holm"] <= alpha).sum()),
    }


# ---------------------------------------------------------------------------- figure
