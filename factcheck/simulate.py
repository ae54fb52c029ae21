"""Seeded simulations that show how a list of cases arises, whatever the policy.

ICE's Declined Detainer Outcome Report lists people released despite a detainer whom ICE
later learned had been arrested again. Its count is the product of three things: how many
people were released, how many of them were re-arrested in the window, and how many of those
re-arrests ICE came to know about. The report observes only the product, so the same list can
arise from very different re-offense rates.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def listed_cases(
    n_released: int, p_reoffend: float, p_detected: float, reps: int, seed: int
) -> np.ndarray:
    """Simulate ``reps`` lists: how many released people are re-arrested and then noticed.

    Each released person is re-arrested with probability ``p_reoffend``; each re-arrest is
    noticed (and so listed) with probability ``p_detected``. Returns the listed count of each
    replicate. The generator is seeded, so results are reproducible.
    """
    for name, p in [("p_reoffend", p_reoffend), ("p_detected", p_detected)]:
        if not 0 <= p <= 1:
            raise ValueError(f"{name} must be a probability, got {p}")
    rng = np.random.default_rng(seed)
    reoffended = rng.binomial(n_released, p_reoffend, size=reps)
    return rng.binomial(reoffended, p_detected)


def scenarios(
    n_released: int,
    pairs: Iterable[tuple[float, float]],
    reps: int = 10_000,
    seed: int = 2018,
    level: float = 0.9,
) -> pd.DataFrame:
    """Listed counts under several (re-offense, detection) scenarios, one row each.

    Columns: p_reoffend, p_detected, expected (n * p_reoffend * p_detected), mean, low and high
    (the central ``level`` range of the simulated counts). Each scenario gets its own seed
    derived from ``seed``, so adding a scenario does not change the others.
    """
    rows = []
    tail = (1 - level) / 2
    for i, (p_reoffend, p_detected) in enumerate(pairs):
        draws = listed_cases(n_released, p_reoffend, p_detected, reps, seed + i)
        rows.append(
            {
                "p_reoffend": p_reoffend,
                "p_detected": p_detected,
                "expected": n_released * p_reoffend * p_detected,
                "mean": draws.mean(),
                "low": float(np.quantile(draws, tail)),
                "high": float(np.quantile(draws, 1 - tail)),
            }
        )
    return pd.DataFrame(rows)
