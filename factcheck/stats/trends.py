"""Where one year stands in a series: ranks from the lowest, in words."""

from __future__ import annotations

import pandas as pd

from factcheck.stats.rates import per_100k

_WORDS = {1: "the lowest", 2: "the second-lowest", 3: "the third-lowest"}


def rank_from_lowest(series: pd.Series, year: int, upto: int | None = None) -> int:
    """Rank of ``year``'s value among the years up to ``upto`` (1 = lowest; ties share the best)."""
    window = series.loc[:upto] if upto is not None else series
    if year not in window.index:
        raise KeyError(f"{year} is not in the series up to {upto}")
    return int(window.rank(method="min").loc[year])


def rank_phrase(rank: int) -> str:
    """1 -> 'the lowest', 2 -> 'the second-lowest', 7 -> 'number 7 from the bottom'."""
    if rank < 1:
        raise ValueError("ranks start at 1")
    return _WORDS.get(rank, f"number {rank} from the bottom")


def violent_rate(estimates: pd.DataFrame, state_abbr: str) -> pd.Series:
    """A state's violent crime rate per 100,000 residents by year, from the FBI's estimates.

    ``estimates`` has columns state_abbr, year, violent and population
    (:func:`factcheck.data.loaders.fbi_estimates`).
    """

    rows = estimates[estimates["state_abbr"] == state_abbr].set_index("year").sort_index()
    if rows.empty:
        raise KeyError(f"no estimates for {state_abbr}")
    return per_100k(rows["violent"], rows["population"])
