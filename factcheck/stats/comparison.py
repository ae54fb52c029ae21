"""The stated rule behind a comparison set: one object, :class:`ComparisonRule`, for every set.

A comparison set is never a hand-made list: it is what a :class:`ComparisonRule` selects from
the data. The rule says which agencies are alike enough to stand for what the unit would have
done without the change (every agency, the same state, or the same size within a factor), and
whether agencies whose sheriffs changed policy in the window are left out. Every set the book
draws comes from it: the design's sets (:func:`factcheck.stats.design.comparison_members`,
through :meth:`ComparisonRule.reasons`), the ordinary-variation size window
(:func:`factcheck.stats.variation.local_pairs`, through :meth:`ComparisonRule.window`), the
annual sets of the article chapters (:meth:`ComparisonRule.members`) and the North Carolina
membership table (:meth:`ComparisonRule.outside`). :func:`membership` checks each unit's
stated reason for being in or out against the sets themselves, so every member can be named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("size", "state", "all")
IN = "in"


def _by_agency(states: pd.Series | pd.DataFrame | None) -> pd.Series | None:
    """``states`` as a Series agency -> state (a frame with agency and state_abbr columns)."""
    if states is None or isinstance(states, pd.Series):
        return states
    return states.groupby("agency")["state_abbr"].first()


@dataclass(frozen=True)
class ComparisonRule:
    """A rule choosing comparison agencies.

    - ``kind="size"``: agencies whose size (a year's count of ``size_by``, twelve months
      reported) lies within a factor ``factor`` of the unit's own, both inclusive;
    - ``kind="state"``: agencies of ``state`` (the unit's own state when ``state`` is None);
    - ``kind="all"``: every agency (nationwide).

    ``size_by``: ``"violent"`` (the total) or ``"offense"`` (the offense studied).
    ``exclude_changed``: leave out agencies in a county whose sheriff changed 287(g) or
    detainer policy in the window (the sourced table of :mod:`factcheck.data.policies`).
    """

    kind: str = "size"
    factor: float = 2.0
    state: str | None = None
    size_by: str = "violent"
    exclude_changed: bool = True

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown rule {self.kind!r}: use one of {KINDS}")
        if not self.factor > 1:
            raise ValueError(f"factor must be above 1, not {self.factor}")

    @classmethod
    def named(cls, rule, **args) -> ComparisonRule:
        """``rule`` as a rule object: a :class:`ComparisonRule` as it is, ``"size"`` or
        ``"nc"`` (the book's two names; ``"nc"`` is ``kind="state"`` with ``state``, default
        ``"NC"``) with the other settings from ``args``."""
        if isinstance(rule, ComparisonRule):
            return rule
        if rule == "nc":
            args.setdefault("state", "NC")
            return cls("state", **args)
        if rule == "size":
            return cls("size", **args)
        raise ValueError(f"unknown rule {rule!r}: use 'size' or 'nc'")

    def size_column(self, offense: str) -> str:
        """The offense whose count measures size."""
        return offense if self.size_by == "offense" else self.size_by

    def window(self, size: float) -> tuple[float, float]:
        """The size window around ``size``: ``(size / factor, size * factor)``."""
        return size / self.factor, size * self.factor

    def reasons(
        self, sizes: pd.Series, states: pd.Series, unit_size: float, unit_state: str
    ) -> pd.Series:
        """For candidates (``sizes`` and ``states`` indexed by agency): ``"in"`` or why not
        (``"no complete size year"``, ``"outside the size window"``, ``"another state"``)."""
        if self.kind == "size":
            low, high = self.window(unit_size)
            size = sizes.astype(float)
            out = np.where(
                size.isna(),
                "no complete size year",
                np.where(size.between(low, high), IN, "outside the size window"),
            )
        elif self.kind == "state":
            state = self.state or unit_state
            out = np.where(states.reindex(sizes.index) == state, IN, "another state")
        else:
            out = np.full(len(sizes), IN, dtype=object)
        return pd.Series(out, index=sizes.index, dtype=object)

    def outside(self, sizes: pd.Series, unit: str, units: Iterable[str]) -> list[str]:
        """Those of ``units`` the size window around ``unit`` leaves out (``sizes``: unit ->
        size; a unit without a size is outside)."""
        units = list(units)
        size = pd.Series([sizes.get(u, np.nan) for u in units], index=units, dtype=float)
        why = self.reasons(size, pd.Series(dtype=object), sizes[unit], "")
        return [u for u in units if why[u] != IN]

    def among(self, frame: pd.DataFrame, by: str = "agency") -> list[str]:
        """The units of ``frame`` (with ``state_abbr``) that the rule's state condition keeps
        (every unit for the size and all rules), sorted."""
        if self.kind != "state":
            return sorted(frame[by].unique())
        return sorted(frame.loc[frame["state_abbr"] == self.state, by].unique())

    def members(
        self,
        annual: pd.DataFrame,
        years: Sequence[int],
        columns: Sequence[str] = (),
        exclude: Iterable[str] = (),
        states: pd.Series | pd.DataFrame | None = None,
        unit: str | None = None,
        sizes: pd.Series | None = None,
        by: str = "agency",
    ) -> list[str]:
        """The comparison set from annual records: every unit complete in each of ``years``
        (twelve months, and a value in each of ``columns``: :func:`complete_in_years`), not in
        ``exclude``, and kept by the rule (``states``: agency -> state, or a frame with agency
        and state_abbr, for the state rule; ``unit`` and ``sizes`` for the size rule). Sorted."""
        chosen = sorted(set(complete_in_years(annual, years, columns, by)) - set(exclude))
        if self.kind == "all":
            return chosen
        states = _by_agency(states)
        size = (sizes if sizes is not None else pd.Series(dtype=float)).reindex(chosen)
        state = (states if states is not None else pd.Series(dtype=object)).reindex(chosen)
        if self.kind == "state" and states is None:
            raise ValueError("the state rule needs each agency's state")
        unit_size = sizes[unit] if self.kind == "size" else np.nan
        why = self.reasons(size, state, unit_size, "" if unit is None else state.get(unit, ""))
        return [u for u in chosen if why[u] == IN]

    def describe(self, offense: str = "violent", size_year: int | None = None) -> str:
        """The rule in one sentence."""
        if self.kind == "size":
            year = f" in {size_year}" if size_year is not None else ""
            text = (
                f"every agency of the index whose {self.size_column(offense).replace('_', ' ')}"
                f" total{year} (twelve months reported) is within a factor "
                f"{self.factor:g} of the unit's own"
            )
        elif self.kind == "state":
            text = f"every agency of the index in {self.state or 'the unit’s own state'}"
        else:
            text = "every agency of the index"
        text += (
            ", with every month of the window reported and at least one offense before and after"
        )
        if self.exclude_changed:
            text += (
                ", leaving out agencies whose sheriffs changed 287(g) or detainer policy in the"
                " window (sourced table)"
            )
        return text


def complete_in_years(
    annual: pd.DataFrame, years: Sequence[int], columns: Sequence[str] = (), by: str = "agency"
) -> list[str]:
    """Every unit with a complete record in each of ``years``: twelve months, and a value (not
    missing) in each of ``columns`` (the completeness every :class:`ComparisonRule` requires).

    ``annual`` has one row per unit and year with ``months``; units are returned sorted.
    """
    has_values = annual[list(columns)].notna().all(axis=1)
    full = annual[annual["year"].isin(years) & (annual["months"] == 12) & has_values]
    n_years = full.groupby(by)["year"].nunique()
    return sorted(n_years[n_years == len(set(years))].index)


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
            table.loc[unit, label] = found[0] if found else IN
    return table
