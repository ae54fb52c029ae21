"""National surveys of opinion about ICE, as published figures (Pew Research Center).

The chapter on article 004 reads the trend in the share of adults with an unfavourable view of
ICE from the Pew Research Center's surveys of views of federal agencies, and says how far those
readings can carry the article's "growing anti-ICE sentiment".
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from factcheck.base import fmt

YEARS = (2018, 2019)
# The last day of fieldwork of the 2019 survey, and the date of the article 004 excerpt checked.
LAST_FIELDWORK = "2019-09-16"
EXCERPT_DATE = "2020-07-15"


def months_between(start: str, end: str) -> int:
    """Whole calendar months from the month of ``start`` to the month of ``end`` (ISO dates)."""
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if last < first:
        raise ValueError("end is before start")
    return (last.year - first.year) * 12 + last.month - first.month


def pew_ice_texts(published: Callable[[str], float]) -> dict[str, str]:
    """The texts the chapter glues: the unfavourable share in each year (``"2018"``,
    ``"2019"``), the number of agencies each survey asked about (``"agencies-2018"``, ...) and
    the months from the last reading to the excerpt (``"gap-months"``).

    Raises ``ValueError`` when the published figures no longer say what the prose says: that
    the unfavourable share rose, and that the earlier survey asked about fewer agencies.
    """
    share = {y: published(f"pew_ice_unfavorable_{y}") for y in YEARS}
    agencies = {y: int(published(f"pew_agencies_asked_{y}")) for y in YEARS}
    if not share[YEARS[1]] > share[YEARS[0]]:
        raise ValueError("the unfavourable share did not rise")
    if not agencies[YEARS[0]] < agencies[YEARS[1]]:
        raise ValueError("the earlier survey did not ask about fewer agencies")
    texts = {str(y): fmt.fmt_pct(share[y], 0) for y in YEARS}
    texts |= {f"agencies-{y}": fmt.fmt_int(agencies[y]) for y in YEARS}
    texts["gap-months"] = fmt.fmt_int(months_between(LAST_FIELDWORK, EXCERPT_DATE))
    return texts
