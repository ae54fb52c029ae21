"""How a reported ratio of offending rates moves under corrections, in both directions.

A ratio of rates, group A against group B, is (count A / population A) / (count B / population B).
Each correction below multiplies or divides it by one factor, so its effect can be shown without
knowing the underlying counts. None of the factors is an estimate of a real value: they show how
far a ratio reported without its counting rules can move, and in which direction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from factcheck.data import loaders
from factcheck.data.registry import PROJECT_ROOT


def adjusted_ratio(
    reported: float,
    counts_per_person: float = 1.0,
    population_factor: float = 1.0,
    status_found_share: float = 1.0,
) -> float:
    """A reported ratio of rates after up to three corrections.

    ``counts_per_person``: charges per defendant in group A relative to group B; counting
    people instead of charges divides the ratio by it (above 1 lowers, below 1 raises).
    ``population_factor``: group A's true population relative to the estimate used; a larger
    denominator divides the ratio by it (above 1 lowers, below 1 raises).
    ``status_found_share``: the share of group A's offenders whose status the records identify
    (at most 1); the others are counted in group B or as unknown, so group A's count is too low
    by that share and the ratio rises when it is corrected. Moving them out of group B would
    lower B's rate a little as well, raising the ratio further; that second step is left out, so
    the rise shown is a lower bound.
    """
    if counts_per_person <= 0 or population_factor <= 0:
        raise ValueError("factors must be positive")
    if not 0 < status_found_share <= 1:
        raise ValueError("status_found_share must be in (0, 1]")
    return reported / counts_per_person / population_factor / status_found_share


@dataclass(frozen=True)
class Adjustment:
    """One correction, with the illustrative range of its factor."""

    label: str
    parameter: str
    low: float
    high: float


# Illustrative ranges, not estimates: each spans "no correction" (factor 1) and a plausible
# error in one direction or both.
ADJUSTMENTS: tuple[Adjustment, ...] = (
    Adjustment("charges per defendant, group A relative to group B", "counts_per_person", 0.5, 2.0),
    Adjustment(
        "group A's population, true relative to the estimate", "population_factor", 0.75, 1.5
    ),
    Adjustment(
        "share of group A's offenders whose status the records identify",
        "status_found_share",
        0.5,
        1.0,
    ),
)


def sensitivity(reported: float, adjustments: Iterable[Adjustment] = ADJUSTMENTS) -> pd.DataFrame:
    """The ratio at each end of each adjustment's range, one row per adjustment.

    Columns: label, parameter, low, high (the factor's range), at_low, at_high (the ratio at each
    end), lowest and highest (the ratio's range), lowers and raises (whether some value in the
    range moves the ratio below or above ``reported``).
    """
    rows = []
    for adj in adjustments:
        at_low = adjusted_ratio(reported, **{adj.parameter: adj.low})
        at_high = adjusted_ratio(reported, **{adj.parameter: adj.high})
        rows.append(
            {
                "label": adj.label,
                "parameter": adj.parameter,
                "low": adj.low,
                "high": adj.high,
                "at_low": at_low,
                "at_high": at_high,
                "lowest": min(at_low, at_high),
                "highest": max(at_low, at_high),
                "lowers": min(at_low, at_high) < reported,
                "raises": max(at_low, at_high) > reported,
            }
        )
    return pd.DataFrame(rows)


STUDIES = PROJECT_ROOT / "data" / "texas_status_studies.csv"


def study_ratios(path=STUDIES, published=None) -> pd.DataFrame:
    """Published ratios by immigration status, one row per line of the studies CSV.

    Each ratio is a published figure, or one divided by another (``denominator_figure``), shown
    with the row's prefix ("over ") and number of decimals. Columns: source (the study),
    measure, value (number), shown (text). ``published`` looks up a figure id (default:
    :func:`factcheck.data.loaders.published`).
    """
    if published is None:
        published = loaders.published
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    needed = {
        "study",
        "measure",
        "numerator_figure",
        "denominator_figure",
        "prefix",
        "digits",
        "source",
    }
    if (
        set(table.columns) != needed
        or (table[["study", "measure", "numerator_figure", "source"]] == "").any().any()
    ):
        raise ValueError(f"{path}: columns must be {sorted(needed)}, with no empty key fields")
    values = [
        published(num) / (published(den) if den else 1.0)
        for num, den in zip(table["numerator_figure"], table["denominator_figure"], strict=True)
    ]
    shown = [
        f"{prefix}{value:,.{int(digits)}f}"
        for prefix, value, digits in zip(table["prefix"], values, table["digits"], strict=True)
    ]
    return pd.DataFrame(
        {"source": table["study"], "measure": table["measure"], "value": values, "shown": shown}
    )
