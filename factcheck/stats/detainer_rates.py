"""Detainer arithmetic for lists of declined detainers: shares and scale-ups, stated openly.

(Detainer counts and their sources live in :mod:`factcheck.data.detainers`; this module holds only
the small computations the declined-detainer chapter makes with them.)
"""

from __future__ import annotations

import re

WEEKS_PER_QUARTER = 13


def share_pct(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole``."""
    if whole <= 0:
        raise ValueError("the whole must be positive")
    return 100 * part / whole


def at_weekly_pace(weekly: float, weeks: int = WEEKS_PER_QUARTER) -> float:
    """A weekly count run for ``weeks`` weeks: an assumption for scale, not a count."""
    if weeks <= 0:
        raise ValueError("weeks must be positive")
    return weekly * weeks


def years_in(text: str) -> int:
    """The follow-up period stated in a figure's description: '... arrested within 3 years' -> 3."""

    match = re.search(r"within (\d+) years?", text)
    if not match:
        raise ValueError(f"no 'within N years' in {text!r}")
    return int(match.group(1))
