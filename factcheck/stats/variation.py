"""Ordinary year-to-year variation in crime counts, scaled to the size of the agency.

A pooled quasi-Poisson factor (``rates.dispersion``) assumes that the variance of a year-to-year
change grows in proportion to the count. Across police agencies it grows faster, close to the
square of the count: a large city's crime moves by a few per cent a year for reasons that have
nothing to do with Poisson chance. The negative binomial (NB2) model captures this:

    Var(Y) = mu + alpha * mu**2,

so that the log-ratio of two years' counts has variance close to ``1/mu1 + 1/mu2 + 2*alpha``.
For small counts the Poisson terms dominate; for large ones the constant ``2*alpha`` does.

What the model is, exactly
--------------------------
For one agency and offense, the counts of two consecutive years are independent, with means
``mu`` and ``g * mu``: ``mu`` is the agency's own level and ``g`` the common change of that year
across the comparison agencies (the national trend). Each is Poisson with a mean multiplied by
an independent gamma shock of mean 1 and variance ``alpha`` (hence NB2). ``alpha`` is estimated
from the comparison agencies by :func:`nb_alpha` (method of moments, written out there). Alpha
falls with size, so the main estimate is local: the agencies within a factor 3 of the unit's own
count (:func:`local_pairs`); the size band's alpha (:func:`alpha_by_band`) and the pooled one are
sensitivities. Alpha's sampling error (parametric bootstrap, :func:`alpha_draws`) is carried into
the z-score (:func:`ordinary_change`), and the result is checked against the empirical spread of
the changes of the agencies nearest in size (:func:`neighbour_check`). The test is two-sided: a
change is "beyond ordinary variation" when it lies outside the central 95% either way. Ten such
tests are run (five offenses, two units): :func:`family_line` states how many, how many would
be beyond by chance, and how many survive Holm's adjustment.

Limits
------
The model treats the two years as exchangeable apart from the common trend ``g``; agencies with
real local trends add to ``alpha`` (which makes the test more conservative, not less). One year
pair (2018 to 2019) gives about three hundred agencies, fewer for the largest sizes: the size
band of the largest departments rests on a few dozen agencies. Percentiles use the normal
approximation on the log scale, which is poor for counts below about 10.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq

from factcheck.data.counts import annual_from_monthly
from factcheck.data.loaders import RTCI_AGGREGATE, VIOLENT
from factcheck.data.policies import changed_agencies
from factcheck.stats.comparison import ComparisonRule
from factcheck.stats.design import TREATED, holm

OFFENSES = [*VIOLENT, "violent"]
AGGREGATE_STATE = RTCI_AGGREGATE  # RTCI rows that are sums of agencies, not agencies


# ---------------------------------------------------------------------------- data
def annual_counts(monthly: pd.DataFrame, offense: str) -> pd.DataFrame:
    """Agency-years with all twelve months of ``offense`` reported, summed.

    ``monthly`` is :func:`factcheck.data.loaders.rtci_monthly`. The index's nationwide aggregate
    rows (``state_abbr == "Nationwide"``) are dropped: they are sums of agencies, not agencies. A
    year with any month of ``offense`` missing is left out (nothing is imputed), so the set of
    agencies can differ between offenses. Columns: agency, state_abbr, year, count.
    """
    data = monthly[monthly["state_abbr"] != AGGREGATE_STATE]
    out = annual_from_monthly(data, ["agency", "state_abbr"], "date", [offense])
    out = out.rename(columns={offense: "count"})
    out = out[out["months"] == 12].drop(columns="months")
    return out.reset_index(drop=True)


def year_pairs(
    annual: pd.DataFrame, years: Iterable[int] | None = None, exclude: Sequence[str] = ()
) -> pd.DataFrame:
    """Consecutive complete years of each agency: columns agency, year (the earlier), before, after.

    ``years``: the earlier years to keep (default: all). ``exclude``: agencies left out (the
    units being judged are never part of their own yardstick).
    """
    data = annual[~annual["agency"].isin(exclude)].sort_values(["agency", "year"])
    nxt = data.groupby("agency")[["year", "count"]].shift(-1)
    pairs = data.assign(next_year=nxt["year"], after=nxt["count"])
    pairs = pairs[pairs["next_year"] == pairs["year"] + 1]
    if years is not None:
        pairs = pairs[pairs["year"].isin(list(years))]
    pairs = pairs.rename(columns={"count": "before"})
    return pairs[["agency", "year", "before", "after"]].reset_index(drop=True)


def year_trend(pairs: pd.DataFrame) -> pd.Series:
    """Common change of each year pair: total of ``after`` over total of ``before`` (by year)."""
    sums = pairs.groupby("year")[["before", "after"]].sum()
    return sums["after"] / sums["before"]


# ---------------------------------------------------------------------------- estimator
def nb_alpha(before, after, trend=1.0, iterations: int = 20) -> float:
    """Method-of-moments NB2 dispersion from pairs of counts, exactly as computed here.

    For pair i with counts ``b_i`` (year 1) and ``a_i`` (year 2) and common trend ``g_i``
    (``trend``, a scalar or one value per pair), under the model of the module docstring:

    - ``D_i = a_i - g_i * b_i`` has mean 0 and ``E[D_i**2] = g_i*(1+g_i)*mu_i
      + 2*alpha*g_i**2*mu_i**2``;
    - ``m_i = (b_i + a_i/g_i) / 2`` is unbiased for ``mu_i``, and ``b_i * a_i`` is unbiased for
      ``g_i * mu_i**2`` (the two years are independent).

    Hence, for any weights ``w_i``, the moment equation gives the weighted ratio estimator

        alpha = sum(w_i * (D_i**2 - g_i*(1+g_i)*m_i)) / sum(w_i * 2 * g_i * b_i * a_i),

    truncated at 0 (a negative value means no variation beyond Poisson). The weights are
    ``w_i = 1 / (1 + alpha * m_i)**2``, the inverse of the relative variance of pair i's term,
    iterated from ``alpha = 0`` (equal weights: the plain ratio of sums) ``iterations`` times.
    Without them the largest agencies (weight about ``mu_i**2``) would fix alpha alone; with
    them every large agency counts about equally and small ones less (their changes are mostly
    Poisson noise).
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    g = np.broadcast_to(np.asarray(trend, dtype=float), b.shape)
    if len(b) < 3:
        raise ValueError("too few pairs to estimate a dispersion")
    excess = (a - g * b) ** 2 - g * (1 + g) * (b + a / g) / 2
    scale = 2 * g * b * a
    m = (b + a / g) / 2
    if np.sum(scale) <= 0:
        raise ValueError("no pair has events in both years")
    alpha = 0.0
    for _ in range(iterations):
        w = 1 / (1 + alpha * m) ** 2
        new = max(0.0, float(np.sum(w * excess) / np.sum(w * scale)))
        if abs(new - alpha) <= 1e-12 + 1e-9 * alpha:
            return new
        alpha = new
    return alpha


def pair_trend(pairs: pd.DataFrame) -> np.ndarray:
    """The common trend of each pair's year (:func:`year_trend`), aligned with the rows."""
    return pairs["year"].map(year_trend(pairs)).to_numpy(dtype=float)


def band_edges(size: pd.Series, n_bands: int) -> np.ndarray:
    """Edges of ``n_bands`` size bands holding equal numbers of agencies (quantiles of ``size``);
    the outer edges are 0 and infinity so every size falls in a band."""
    inner = np.quantile(np.asarray(size, dtype=float), np.linspace(0, 1, n_bands + 1)[1:-1])
    return np.concatenate([[0.0], inner, [np.inf]])


def alpha_by_band(pairs: pd.DataFrame, n_bands: int = 3, edges=None) -> pd.DataFrame:
    """NB2 dispersion pooled and by size band, where size is the earlier year's count.

    Bands: ``edges`` if given (lower edge inclusive), otherwise ``n_bands`` bands with equal
    numbers of pairs (:func:`band_edges`). Each pair's trend is its year's common change
    (:func:`year_trend`, computed on all ``pairs``). Returns one row per band plus a row
    ``band == "all"``: band, low, high, pairs, agencies, alpha, and ``phi_at_median``: the
    quasi-Poisson factor the band's alpha implies at its median size (1 + alpha * size, for
    comparison with ``rates.dispersion``).
    """
    g = pair_trend(pairs)
    edges = band_edges(pairs["before"], n_bands) if edges is None else np.asarray(edges, float)
    rows = []
    labels = [(f"{i + 1}", edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    for label, low, high in [*labels, ("all", 0.0, np.inf)]:
        keep = ((pairs["before"] >= low) & (pairs["before"] < high)).to_numpy()
        part = pairs[keep]
        try:
            alpha = nb_alpha(part["before"], part["after"], g[keep])
        except ValueError:  # fewer than three pairs, or no pair with events in both years
            alpha = np.nan
        median = float(part["before"].median()) if keep.any() else np.nan
        rows.append(
            {
                "band": label,
                "low": low,
                "high": high,
                "pairs": int(keep.sum()),
                "agencies": part["agency"].nunique(),
                "alpha": alpha,
                "phi_at_median": 1 + alpha * median,
            }
        )
    return pd.DataFrame(rows)


def band_of(size: float, bands: pd.DataFrame) -> pd.Series:
    """The row of :func:`alpha_by_band` whose band holds ``size``."""
    table = bands[bands["band"] != "all"]
    hit = table[(table["low"] <= size) & (size < table["high"])]
    return hit.iloc[0]


def local_pairs(
    pairs: pd.DataFrame, size: float, factor: float = 3.0, min_pairs: int = 30, k: int = 50
) -> pd.DataFrame:
    """The pairs around a unit's own size, where its dispersion is estimated.

    Rule: every pair whose earlier count lies within a factor ``factor`` of ``size``
    (``size / factor <= before <= size * factor``); when that gives fewer than ``min_pairs``,
    the ``k`` pairs nearest ``size`` in log size instead (:func:`neighbours`). Alpha keeps
    falling with size inside the equal-count bands, so a band's alpha is not the alpha of a
    unit at the top of its band.
    """
    window = pairs[pairs["before"].between(*ComparisonRule("size", factor).window(size))]
    return window if len(window) >= min_pairs else neighbours(pairs, size, k)


def nb_alpha_rows(before, after, trend=1.0, iterations: int = 20) -> np.ndarray:
    """:func:`nb_alpha` for many samples at once: one estimate per row of ``before``/``after``.

    ``before`` and ``after`` are arrays of shape (samples, pairs), ``trend`` broadcasts to
    them. Each row gets exactly the estimate :func:`nb_alpha` gives it (the same weights,
    iterations and stopping rule, tested); a row with no pair positive in both years is
    missing (NaN) instead of an error.
    """
    b = np.atleast_2d(np.asarray(before, dtype=float))
    a = np.atleast_2d(np.asarray(after, dtype=float))
    g = np.broadcast_to(np.asarray(trend, dtype=float), b.shape)
    excess = (a - g * b) ** 2 - g * (1 + g) * (b + a / g) / 2
    scale = 2 * g * b * a
    m = (b + a / g) / 2
    alpha = np.zeros(len(b))
    done = np.sum(scale, axis=1) <= 0
    for _ in range(iterations):
        w = 1 / (1 + alpha[:, None] * m) ** 2
        with np.errstate(divide="ignore", invalid="ignore"):
            new = np.maximum(0.0, np.sum(w * excess, axis=1) / np.sum(w * scale, axis=1))
        converged = np.abs(new - alpha) <= 1e-12 + 1e-9 * alpha
        alpha = np.where(done, alpha, new)
        done |= converged
        if done.all():
            break
    alpha[np.sum(scale, axis=1) <= 0] = np.nan
    return alpha


_DRAW_CACHE: dict[tuple, np.ndarray] = {}
DRAWS = 20_000  # bootstrap draws of alpha: enough that the printed p-values do not move (tested)


def alpha_draws(
    before, after, alpha: float, trend=1.0, n: int = DRAWS, seed: int = 0, block: int = 2_000
) -> np.ndarray:
    """Parametric bootstrap of :func:`nb_alpha`: its sampling distribution around ``alpha``.

    Each of ``n`` replicates redraws every pair from the fitted model (means ``m_i = (b_i +
    a_i/g_i) / 2`` and ``g_i * m_i``, NB2 dispersion ``alpha``; Poisson when ``alpha`` is 0)
    and re-estimates alpha with the same estimator (:func:`nb_alpha_rows`, ``block``
    replicates at a time). The spread of the draws is alpha's sampling error, which
    :func:`ordinary_change` carries into the z-score. Replicates with no pair positive in both
    years are dropped.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    g = np.broadcast_to(np.asarray(trend, dtype=float), b.shape)
    key = (b.tobytes(), a.tobytes(), np.ascontiguousarray(g).tobytes(), alpha, n, seed, block)
    if key in _DRAW_CACHE:  # the same inputs give the same draws; sensitivity runs repeat them
        return _DRAW_CACHE[key].copy()
    m = (b + a / g) / 2
    rng = np.random.default_rng(seed)

    def draw(mean, rows):
        shape = (rows, len(mean))
        shock = rng.gamma(1 / alpha, alpha, shape) if alpha > 0 else np.ones(shape)
        return rng.poisson(mean[None, :] * shock)

    parts = []
    for start in range(0, n, block):
        rows = min(block, n - start)
        parts.append(nb_alpha_rows(draw(m, rows), draw(g * m, rows), g))
    draws = np.concatenate(parts) if parts else np.empty(0)
    if len(_DRAW_CACHE) >= 256:
        _DRAW_CACHE.clear()
    _DRAW_CACHE[key] = draws[np.isfinite(draws)]
    return _DRAW_CACHE[key].copy()


def tail_error(before: int, after: int, trend: float, draws) -> float:
    """Monte Carlo standard error of the two-sided tail probability that
    :func:`ordinary_change` computes from ``draws`` (the mean over the draws of each normal's
    tail): the standard deviation of the per-draw tails over the square root of their number."""
    sds = np.sqrt(1 / before + 1 / after + 2 * np.asarray(draws, dtype=float))
    deviation = abs(float(np.log(after / before) - np.log(trend)))
    tails = 2 * stats.norm.sf(deviation / sds)
    return float(np.std(tails, ddof=1) / np.sqrt(len(tails)))


# ---------------------------------------------------------------------------- one change
@dataclass(frozen=True)
class OrdinaryChange:
    """A change judged against NB2 ordinary variation (see :func:`ordinary_change`)."""

    before: int
    after: int
    pct: float  # percentage change, after vs before
    expected_pct: float  # the common change of the year (trend), in per cent
    alpha: float
    sd: float  # standard deviation of the log-ratio under ordinary variation
    z: float
    percentile: float  # of the change among ordinary changes of this size, 0-100
    low: float  # interval for the percentage change under ordinary variation
    high: float
    beyond: bool  # "beyond ordinary variation" at the given level (two-sided)


def ordinary_change(
    before: int,
    after: int,
    alpha: float,
    trend: float = 1.0,
    level: float = 0.95,
    draws=None,
) -> OrdinaryChange:
    """Judge the change ``before -> after`` against NB2 ordinary variation of dispersion ``alpha``.

    With ``draws`` (bootstrap draws of alpha, :func:`alpha_draws`), alpha's sampling error is
    carried into the test: the reference distribution of the log-ratio is the mixture of the
    normal distributions with ``sd_b = sqrt(1/before + 1/after + 2*alpha_b)`` over the draws.
    Then the two-sided tail probability is the mixture's, ``z`` is the normal quantile with the
    same tail probability (signed), ``percentile`` the mixture's distribution function at the
    deviation, ``sd`` the effective standard deviation ``q / z_level`` where ``q`` is the
    mixture's two-sided ``level`` quantile, and ``low``/``high`` the log-ratio plus or minus
    ``q``, so that ``beyond`` holds exactly when the interval excludes ``expected_pct``. Without
    ``draws``, alpha is taken as known (plug-in):

    ``z = (log(after/before) - log(trend)) / sd`` with ``sd = sqrt(1/before + 1/after +
    2*alpha)``: the log-ratio's deviation from the year's common change, in standard
    deviations of ordinary variation (delta method, observed counts for the means).
    ``percentile`` is the normal probability below ``z`` (times 100). ``low``/``high`` is the
    ``level`` interval for the percentage change (it excludes ``expected_pct`` exactly when
    ``beyond``), ``beyond`` is True when ``|z|`` exceeds the
    two-sided normal quantile: the change is larger (or smaller) than ordinary variation of
    agencies of this size, after the year's common change, would produce.
    """
    if before <= 0 or after <= 0:
        raise ValueError("both counts must be positive")
    if alpha < 0 or trend <= 0:
        raise ValueError("alpha must be >= 0 and the trend positive")
    log_ratio = np.log(after / before)
    q = stats.norm.ppf(0.5 + level / 2)
    if draws is None or len(draws) == 0:
        sd = float(np.sqrt(1 / before + 1 / after + 2 * alpha))
        z = float((log_ratio - np.log(trend)) / sd)
        percentile = float(stats.norm.cdf(z) * 100)
        half = q * sd
    else:
        sds = np.sqrt(1 / before + 1 / after + 2 * np.asarray(draws, dtype=float))
        deviation = float(log_ratio - np.log(trend))
        tail = float(np.mean(stats.norm.sf(abs(deviation) / sds)))
        z = float(np.sign(deviation) * stats.norm.isf(tail)) if tail > 0 else np.inf
        percentile = float(np.mean(stats.norm.cdf(deviation / sds)) * 100)
        half = _mixture_quantile(sds, 0.5 + level / 2)
        sd = half / q
    return OrdinaryChange(
        before=int(before),
        after=int(after),
        pct=float((after / before - 1) * 100),
        expected_pct=float((trend - 1) * 100),
        alpha=float(alpha),
        sd=sd,
        z=z,
        percentile=percentile,
        low=float((np.exp(log_ratio - half) - 1) * 100),
        high=float((np.exp(log_ratio + half) - 1) * 100),
        beyond=bool(abs(z) > q),
    )


def _mixture_quantile(sds: np.ndarray, prob: float) -> float:
    """The ``prob`` quantile of an equal-weight mixture of centred normals with SDs ``sds``."""

    def excess(x):
        return float(np.mean(stats.norm.cdf(x / sds))) - prob

    return float(brentq(excess, 0.0, 20 * float(np.max(sds))))


def neighbours(pairs: pd.DataFrame, size: float, k: int = 30) -> pd.DataFrame:
    """The ``k`` pairs whose earlier count is nearest ``size`` on the log scale (ties by order).

    Pairs with a zero count are left out (their log-ratio is undefined).
    """
    positive = pairs[(pairs["before"] > 0) & (pairs["after"] > 0)]
    distance = (np.log(positive["before"]) - np.log(size)).abs()
    return positive.loc[distance.sort_values(kind="stable").index[:k]]


def neighbour_check(
    pairs: pd.DataFrame, before: int, after: int, alpha: float, k: int = 30
) -> dict:
    """Compare the NB2 model with the empirical changes of the ``k`` agencies nearest in size.

    Rule: the ``k`` pairs nearest ``before`` in log size (:func:`neighbours`), each change
    measured as its log-ratio minus the log of its year's common change. Returns:
    ``k``, their size range (``size_low``, ``size_high``), ``empirical_sd`` (standard deviation
    of their adjusted log-ratios), ``robust_sd`` (interquartile range / 1.349), ``model_sd``
    (root mean of the NB2 variance ``1/b + 1/a + 2*alpha`` over the same pairs), and
    ``empirical_percentile``: the share (0-100) of the neighbours whose adjusted change is below
    the target's (ties count half).
    """
    g = pd.Series(pair_trend(pairs), index=pairs.index)
    near = neighbours(pairs, before, k)
    adjusted = np.log(near["after"] / near["before"]) - np.log(g[near.index])
    trend = float(np.exp(np.average(np.log(g[near.index]))))
    target = np.log(after / before) - np.log(trend)
    model_var = 1 / near["before"] + 1 / near["after"] + 2 * alpha
    q1, q3 = np.quantile(adjusted, [0.25, 0.75])
    below = (adjusted < target).sum() + 0.5 * (adjusted == target).sum()
    return {
        "k": len(near),
        "size_low": float(near["before"].min()),
        "size_high": float(near["before"].max()),
        "empirical_sd": float(np.std(adjusted, ddof=1)),
        "robust_sd": float((q3 - q1) / 1.349),
        "model_sd": float(np.sqrt(model_var.mean())),
        "empirical_percentile": float(100 * below / len(near)),
    }


def assess(
    monthly: pd.DataFrame,
    agency: str,
    year: int = 2018,
    offenses: Sequence[str] = OFFENSES,
    exclude: Sequence[str] | None = None,
    n_bands: int = 3,
    k: int = 30,
    level: float = 0.95,
    factor: float = 3.0,
    n_draws: int = DRAWS,
    seed: int = 0,
) -> pd.DataFrame:
    """Each offense's change for ``agency`` from ``year`` to the next, against ordinary variation.

    For every offense: the comparison pairs are all other agencies of the index with both years
    complete (``exclude`` left out, the nationwide aggregates too), ``trend`` their common
    change that year. By default ``exclude`` is the treated units and every agency in a county
    whose sheriff changed 287(g) or detainer policy in the two years
    (:func:`factcheck.data.policies.changed_agencies`): their change is not ordinary variation.
    Main test: ``alpha`` is the NB2 dispersion estimated locally, on the pairs within a factor
    ``factor`` of the agency's own ``year`` count (:func:`local_pairs`), and its
    sampling error (``n_draws`` parametric bootstrap draws, :func:`alpha_draws`) is carried into
    the z-score (:func:`ordinary_change` with ``draws``). One row per offense with the fields of
    :class:`OrdinaryChange` and

    - ``local_low``/``local_high``/``local_pairs``/``local_agencies``: the size window, its
      number of pairs and their agencies;
      ``alpha_se``: the standard deviation of the bootstrap draws; ``p_mc_se``: the Monte Carlo
      standard error of the two-sided p-value (:func:`tail_error`); ``z_plugin``: the z-score
      with the local alpha taken as known;
    - sensitivities: ``band``, ``band_low``/``band_high``, ``band_agencies``, ``alpha_band``,
      ``z_band``, ``beyond_band`` (the alpha of the size band, equal-count thirds by default,
      holding the agency's count), and ``alpha_pooled``, ``z_pooled``, ``beyond_pooled`` (all
      sizes);
    - the :func:`neighbour_check` fields (with the local alpha) and ``neighbour_beyond``
      (empirical percentile outside the central ``level`` share), and ``agree``: the main test
      and the neighbours give the same verdict.
    """
    if exclude is None:
        exclude = [*TREATED, *changed_agencies(f"{year}-01-01", f"{year + 1}-12-31")]
    rows = {}
    for offense in offenses:
        annual = annual_counts(monthly, offense)
        own = annual[annual["agency"] == agency].set_index("year")["count"]
        before, after = own[year], own[year + 1]
        pairs = year_pairs(annual, years=[year], exclude=[*exclude, agency])
        trend = float(year_trend(pairs)[year])
        g = pd.Series(pair_trend(pairs), index=pairs.index)
        near = local_pairs(pairs, before, factor)
        alpha = nb_alpha(near["before"], near["after"], g[near.index])
        draws = alpha_draws(near["before"], near["after"], alpha, g[near.index], n_draws, seed)
        change = ordinary_change(before, after, alpha, trend, level, draws)
        plugin = ordinary_change(before, after, alpha, trend, level)
        bands = alpha_by_band(pairs, n_bands=n_bands)
        band = band_of(before, bands)
        by_band = ordinary_change(before, after, band["alpha"], trend, level)
        pooled_alpha = float(bands.loc[bands["band"] == "all", "alpha"].iloc[0])
        pooled = ordinary_change(before, after, pooled_alpha, trend, level)
        check = neighbour_check(pairs, before, after, alpha, k)
        tail = 50 * (1 - level)
        outside = not tail <= check["empirical_percentile"] <= 100 - tail
        rows[offense] = {
            **asdict(change),
            "local_low": float(near["before"].min()),
            "local_high": float(near["before"].max()),
            "local_pairs": len(near),
            "local_agencies": tuple(sorted(near["agency"])),
            "alpha_se": float(np.std(draws, ddof=1)),
            "p_mc_se": tail_error(before, after, trend, draws),
            "z_plugin": plugin.z,
            "band": band["band"],
            "band_low": band["low"],
            "band_high": band["high"],
            "band_agencies": band["agencies"],
            "alpha_band": by_band.alpha,
            "z_band": by_band.z,
            "beyond_band": by_band.beyond,
            "alpha_pooled": pooled.alpha,
            "z_pooled": pooled.z,
            "beyond_pooled": pooled.beyond,
            **check,
            "neighbour_beyond": outside,
            "agree": outside == change.beyond,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def family_line(
    tables: Sequence[pd.DataFrame],
    level: float = 0.95,
    sided: str = "two",
    per_unit: bool = False,
) -> dict:
    """The multiple-comparisons line for :func:`assess` tables (one per unit): the number of
    tests, how many are beyond ordinary variation, how many would be by chance alone, and how
    many stay beyond after Holm's adjustment of their p-values (``holm_beyond``; ``p_holm`` per
    unit and offense).

    The book's convention is the default: two-sided p-values (``2 * sf(|z|)``), one family of
    every unit's tests. Alternatives, for the sensitivity of the adjusted p-values only:
    ``sided="rise"`` (one-sided for a rise, ``sf(z)``) and ``per_unit`` (Holm within each
    unit's tests). ``p``: the unadjusted p-values.
    """
    rows = pd.concat(list(tables), keys=range(len(tables)))
    z = rows["z"].to_numpy(dtype=float)
    if sided == "two":
        p = 2 * stats.norm.sf(np.abs(z))
    elif sided == "rise":
        p = stats.norm.sf(z)
    else:
        raise ValueError(f"sided must be 'two' or 'rise', not {sided!r}")
    p = pd.Series(p, index=rows.index)
    if per_unit:
        adjusted = pd.concat(
            [pd.Series(holm(part), index=part.index) for _, part in p.groupby(level=0)]
        )
    else:
        adjusted = pd.Series(holm(p.to_numpy()), index=rows.index)
    alpha = 1 - level
    return {
        "tests": len(p),
        "beyond": int((p < alpha).sum()),
        "expected": alpha * len(p),
        "holm_beyond": int((adjusted < alpha).sum()),
        "p": p,
        "p_holm": adjusted.reindex(rows.index),
    }


# ---------------------------------------------------------------------------- regression to mean
def rtm_panel(annual: pd.DataFrame, prior: int = 2, exclude: Sequence[str] = TREATED):
    """Deviation from the prior mean and the next year's move, for every agency and year.

    For year t with complete years t-prior .. t+1: ``level`` = mean of the ``prior`` years
    before t, ``deviation`` = log(count_t / level), ``move`` = log(count_{t+1} / count_t). Only
    windows with every count positive. ``deviation_c`` and ``move_c`` are centred on their
    year's mean across agencies, which removes common (national) changes.
    """
    data = annual[~annual["agency"].isin(exclude)]
    wide = data.pivot(index="agency", columns="year", values="count")
    rows = []
    for t in wide.columns:
        window = [t - j for j in range(prior, 0, -1)] + [t, t + 1]
        if not set(window) <= set(wide.columns):
            continue
        part = wide[window].dropna()
        part = part[(part > 0).all(axis=1)]
        level = part[window[:prior]].mean(axis=1)
        rows.append(
            pd.DataFrame(
                {
                    "agency": part.index,
                    "year": t,
                    "level": level.to_numpy(),
                    "count": part[t].to_numpy(),
                    "deviation": np.log(part[t] / level).to_numpy(),
                    "move": np.log(part[t + 1] / part[t]).to_numpy(),
                }
            )
        )
    if not rows:
        raise ValueError(f"no run of {prior + 2} consecutive years in the data")
    out = pd.concat(rows, ignore_index=True)
    for column in ["deviation", "move"]:
        out[f"{column}_c"] = out[column] - out.groupby("year")[column].transform("mean")
    return out


def rtm_slope(panel: pd.DataFrame, size: float | None = None, factor: float = 2.0) -> dict:
    """Regression to the mean: OLS slope of the next year's move on the deviation (centred).

    A slope of 0 means deviations persist (no regression to the mean). For pure noise around a
    stable level the slope is ``-k/(k+1)`` with ``k`` prior years (the prior mean is itself
    noisy): -2/3 for ``prior=2``; a slope of -1 would mean the deviation is entirely undone.
    With ``size``, only agencies whose prior mean lies within ``factor`` of it are used (RTM
    is weaker for large counts, whose deviations are less noise). Returns slope, its standard
    error, n, the size range used, and ``years``: the years t whose windows (t-prior .. t+1)
    the slope rests on. State them: with the index starting in 2018 and two prior years, the
    first usable t is 2020, so the slope comes from the years of the COVID-era murder surge and
    its reversal, not from the 2018-2019 transition it is applied to.
    """
    data = panel
    if size is not None:
        data = panel[(panel["level"] >= size / factor) & (panel["level"] <= size * factor)]
    if len(data) < 5:
        raise ValueError("too few agency-years for a regression-to-the-mean slope")
    x, y = data["deviation_c"].to_numpy(), data["move_c"].to_numpy()
    x = x - x.mean()
    y = y - y.mean()
    slope = float(np.sum(x * y) / np.sum(x * x))
    resid = y - slope * x
    se = float(np.sqrt(np.sum(resid**2) / (len(x) - 2) / np.sum(x * x)))
    return {
        "slope": slope,
        "se": se,
        "n": len(data),
        "size_low": float(data["level"].min()),
        "size_high": float(data["level"].max()),
        "years": sorted(int(y) for y in data["year"].unique()),
    }


def rtm_expected(prior_counts: Sequence[float], last: float, slope: float) -> dict:
    """What regression to the mean predicts for the year after ``last``.

    ``deviation = log(last / mean(prior_counts))``; the expected next count is
    ``last * exp(slope * deviation)``. With ``slope = -1`` (the most regression possible) it is
    the prior mean itself, so a next count above the prior mean after a low year, or any rise
    after a high year, is not explained by regression to the mean. Returns level (prior
    mean), deviation, expected, and full_reversion (the prior mean, the upper bound).
    """
    level = float(np.mean(prior_counts))
    deviation = float(np.log(last / level))
    return {
        "level": level,
        "deviation": deviation,
        "expected": float(last * np.exp(slope * deviation)),
        "full_reversion": level,
    }


def rtm_check(
    monthly: pd.DataFrame,
    agency: str,
    offense: str,
    series: pd.Series,
    year: int = 2018,
    prior: int = 2,
    factor: float = 2.0,
    exclude: Sequence[str] = TREATED,
) -> dict:
    """How much of ``agency``'s rise from ``year`` to the next regression to the mean explains.

    ``series``: the agency's longer annual series of ``offense`` from one source (year -> count,
    e.g. the FBI summary counts of :func:`factcheck.data.loaders.cmpd_fbi_annual`), covering the
    ``prior`` years before ``year`` and ``year`` itself. Steps:

    1. the slope: :func:`rtm_slope` on the index's other agencies (:func:`rtm_panel` with
       ``prior`` years), restricted to prior levels within ``factor`` of the agency's own
       ``year`` count in the index;
    2. the deviation: log of ``series[year]`` over the mean of the ``prior`` years before it
       (one source throughout, so a change of definition between sources does not enter);
    3. the expected ratio ``exp(slope * deviation)`` applied to the index count of ``year``
       gives ``expected_after``; ``full_reversion_after`` applies the largest possible
       regression (back to the prior mean).

    Returns slope, se, n, years (the years whose windows give the slope, :func:`rtm_slope`),
    level (prior mean), deviation, before/after (index counts),
    expected_after, full_reversion_after, share_explained (of the observed change, by the
    estimated slope), long_mean (mean of ``series`` over the five years to ``year``),
    after_vs_long_mean (index count of the next year over it, in per cent: positive means
    the next year was above the longer mean, where regression to the mean cannot lead) and
    source_ratio (index count over ``series`` in ``year``). after_vs_long_mean compares two
    sources, so it means something only where they count alike (source_ratio close to 1, as
    for murder; not for aggravated assault, which the two sources count very differently).
    """
    annual = annual_counts(monthly, offense)
    own = annual[annual["agency"] == agency].set_index("year")["count"]
    before, after = float(own[year]), float(own[year + 1])
    slope = rtm_slope(rtm_panel(annual, prior, exclude), size=before, factor=factor)
    prior_counts = series.loc[year - prior : year - 1]
    expected = rtm_expected(prior_counts, float(series[year]), slope["slope"])
    ratio = expected["expected"] / float(series[year])
    long_mean = float(series.loc[year - 4 : year].mean())
    return {
        **slope,
        "level": expected["level"],
        "deviation": expected["deviation"],
        "before": before,
        "after": after,
        "expected_after": before * ratio,
        "full_reversion_after": before * expected["level"] / float(series[year]),
        "share_explained": (before * ratio - before) / (after - before)
        if after != before
        else np.nan,
        "long_mean": long_mean,
        "after_vs_long_mean": (after / long_mean - 1) * 100,
        "source_ratio": before / float(series[year]),
    }


def with_agency(
    monthly: pd.DataFrame, extra: pd.DataFrame, agency: str, state: str
) -> pd.DataFrame:
    """The index's months (``monthly``, :func:`factcheck.data.loaders.rtci_monthly`) with one more
    agency's months appended, so that :func:`assess` can judge an agency outside the index
    against the index's agencies.

    ``extra`` holds the agency's months in the FBI's monthly format
    (:func:`factcheck.data.loaders.kaplan_full_monthly`: date and the violent categories); it is
    labelled ``agency`` (as "<name>, <state>") in ``state``. Its columns are cut to the index's.
    """
    if agency in set(monthly["agency"]):
        raise ValueError(f"{agency} is already in the index")
    name = agency.rsplit(", ", 1)[0]
    added = extra.assign(agency=agency, agency_name=name, state_abbr=state)
    missing = [c for c in monthly.columns if c not in added.columns]
    if missing:
        raise ValueError(f"the added months lack the index's columns {missing}")
    return pd.concat([monthly, added[list(monthly.columns)]], ignore_index=True)
