"""Rules that choose comparison sets: every set is the output of a stated rule (complete
years, same state, size window, exclusions), never a hand-made list, and :func:`membership`
checks each unit's stated reason for being in or out against the sets themselves.

The design's own comparison set (:func:`factcheck.stats.design.comparison_set`) applies the
same kinds of rule to the monthly index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd


def complete_in_years(
    annual: pd.DataFrame, years: Sequence[int], columns: Sequence[str] = (), by: str = "agency"
) -> list[str]:
    """Rule: every unit with a complete record in each of ``years``: twelve months, and a
    value (not missing) in each of ``columns``.

    ``annual`` has one row per unit and year with ``months``; units are returned sorted.
    """
    has_values = annual[list(columns)].notna().all(axis=1)
    full = annual[annual["year"].isin(years) & (annual["months"] == 12) & has_values]
    n_years = full.groupby(by)["year"].nunique()
    return sorted(n_years[n_years == len(set(years))].index)


def in_state(monthly: pd.DataFrame, state: str, by: str = "agency") -> list[str]:
    """Rule: every unit whose ``state_abbr`` is ``state`` (sorted)."""
    return sorted(monthly.loc[monthly["state_abbr"] == state, by].unique())


def comparison_agencies(
    annual: pd.DataFrame,
    years: Sequence[int],
    columns: Sequence[str],
    exclude: Iterable[str],
    within: Iterable[str] | None = None,
    by: str = "agency",
) -> list[str]:
    """Rule: complete in every one of ``years`` for every one of ``columns``
    (:func:`complete_in_years`), not in ``exclude``, and (if given) in ``within``."""
    chosen = set(complete_in_years(annual, years, columns, by)) - set(exclude)
    if within is not None:
        chosen &= set(within)
    return sorted(chosen)


def membership(
    units: Sequence[str],
    sets: Mapping[str, Iterable[str]],
    reasons: Sequence[tuple[str, Iterable[str] | Mapping[str, Iterable[str]]]],
) -> pd.DataFrame:
    """Why each of ``units`` is in or out of each comparison set, checked against the sets.

    ``sets``: label -> the members as computed by the set's own rule. ``reasons``: the rules'
    exclusions in order, each (reason, the units it applies to), where the units are one
    collection for every set or a mapping label -> collection for some sets. A unit outside a
    set is given the first reason that applies to it there. Returns one row per unit and one
    column per set: ``"in"`` or the reason. Raises ``ValueError`` when the two disagree: a
    member to which a reason applies, or a non-member that no reason explains.
    """
    table = pd.DataFrame(index=list(units), columns=list(sets), dtype=object)
    for label, members in sets.items():
        members = set(members)
        for unit in units:
            found = [
                reason
                for reason, applies in reasons
                if unit in (applies.get(label, ()) if isinstance(applies, Mapping) else applies)
            ]
            if unit in members and found:
                raise ValueError(f"{unit} is in {label!r} although {found[0]!r}")
            if unit not in members and not found:
                raise ValueError(f"{unit} is out of {label!r} for no stated reason")
            table.loc[unit, label] = found[0] if found else "in"
    return table


def outside_window(sizes: pd.Series, unit: str, factor: float, units: Iterable[str]) -> list[str]:
    """Those of ``units`` whose size is not within a factor ``factor`` of ``unit``'s own
    (``sizes``: unit -> size; a unit without a size is outside)."""
    own = sizes[unit]
    return [u for u in units if not own / factor <= sizes.get(u, float("nan")) <= own * factor]
