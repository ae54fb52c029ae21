"""The stated rule behind a comparison set: one object for every set the statistics draw.

A comparison set is never a list: it is what a :class:`ComparisonRule` selects from the data.
The rule says which agencies are alike enough to stand for what the unit would have done
without the change (same size within a factor, or same state), and whether agencies whose
sheriffs changed policy in the window are left out. The design's sets
(:func:`factcheck.design.comparison_set`) and the ordinary-variation size window
(:func:`factcheck.variation.local_pairs`) both use it; :meth:`ComparisonRule.reasons` gives
every candidate's reason for being in or out, so every member can be named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KINDS = ("size", "state")
IN = "in"


@dataclass(frozen=True)
class ComparisonRule:
    """A rule choosing comparison agencies.

    - ``kind="size"``: agencies whose size (a year's count of ``size_by``, twelve months
      reported) lies within a factor ``factor`` of the unit's own, both inclusive;
    - ``kind="state"``: agencies of ``state`` (the unit's own state when ``state`` is None).

    ``size_by``: ``"violent"`` (the total) or ``"offense"`` (the offense studied).
    ``exclude_changed``: leave out agencies in a county whose sheriff changed 287(g) or
    detainer policy in the window (the sourced table of :mod:`factcheck.policies`).
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
        """For candidates (``sizes`` and ``states`` indexed by agency): ``"in"`` or why not."""
        if self.kind == "size":
            low, high = self.window(unit_size)
            size = sizes.astype(float)
            out = np.where(
                size.isna(),
                "no complete size year",
                np.where(size.between(low, high), IN, "outside the size window"),
            )
        else:
            state = self.state or unit_state
            out = np.where(states == state, IN, "another state")
        return pd.Series(out, index=sizes.index, dtype=object)

    def describe(self, offense: str = "violent", size_year: int | None = None) -> str:
        """The rule in one sentence."""
        if self.kind == "size":
            year = f" in {size_year}" if size_year is not None else ""
            text = (
                f"every agency of the index whose {self.size_column(offense).replace('_', ' ')}"
                f" total{year} (twelve months reported) is within a factor "
                f"{self.factor:g} of the unit's own"
            )
        else:
            text = f"every agency of the index in {self.state or 'the unit’s own state'}"
        text += (
            ", with every month of the window reported and at least one offense before and after"
        )
        if self.exclude_changed:
            text += (
                ", leaving out agencies whose sheriffs changed 287(g) or detainer policy in the"
                " window (sourced table)"
            )
        return text
