"""Number and list formatting shared by every layer: the one way the book writes a count, a
decimal, a percentage, millions, an ordinal and a list of names ("a, b and c").

The lowest layer of the package: it imports nothing from ``factcheck``, so data, statistics,
ledger and book modules can all format text the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


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


def fmt_int(value: float) -> str:
    """Whole number with thousands separators: 1234.4 -> '1,234'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{round(value):,}"


def fmt_num(value: float, digits: int = 1) -> str:
    """Number with a fixed count of decimals and thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def fmt_pct(value: float, digits: int = 1, signed: bool = False) -> str:
    """Percentage (value already in percent): 12.345 -> '12.3%'; signed adds '+' to gains."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed else ""
    return f"{value:{sign},.{digits}f}%"


def fmt_millions(value: float, digits: int = 1) -> str:
    """Count in millions: 22_345_678 -> '22.3 million'."""
    return f"{value / 1e6:,.{digits}f} million"


def ordinal(n: int) -> str:
    """English ordinal: 1 -> '1st', 2 -> '2nd', 11 -> '11th', 91 -> '91st', 112 -> '112th'."""
    n = int(n)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
