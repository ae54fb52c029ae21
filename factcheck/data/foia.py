"""ICE's own enforcement records by landmark (FOIA), and order-of-magnitude checks against them.

The University of Washington Center for Human Rights (UWCHR) obtained ICE's records of
enforcement encounters and administrative arrests under FOIA and published their totals by
"landmark", a free-text place typed by ICE officers (for example "MECKLENBURG COUNTY JAIL 287G").
The files hold totals over a whole period (FY2016-FY2019, or FY2012 to January 2023), with no
split by year. They cannot confirm a published yearly figure; they can show whether it is of the
same order of magnitude as ICE's own records. Landmarks are free text and many records have
none, so a landmark total is a lower bound for the place it names.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from factcheck.data.registry import load

# Registry keys of the landmark tallies.
ARRESTS_FY2016_2019 = "uwchr_arrests_fy16_19"
ENCOUNTERS_FY2016_2019 = "uwchr_encounters_fy16_19"

# Half an order of magnitude: a figure is "of the same order" as a yearly average when it lies
# within this factor of it, either way.
SAME_ORDER_FACTOR = math.sqrt(10)


def tallies(key: str) -> pd.DataFrame:
    """One landmark tally as a tidy frame: aor ("" for the encounters file), landmark, total.

    Records without a landmark keep an empty landmark, so that they are never matched to a
    place but still count in the file's total.
    """
    raw = load(key)
    landmark = "apprehension_landmark" if "apprehension_landmark" in raw.columns else "landmark"
    return pd.DataFrame(
        {
            "aor": raw["aor"].fillna("").astype(str) if "aor" in raw.columns else "",
            "landmark": raw[landmark].fillna("").astype(str).str.strip(),
            "total": raw["total"].astype(int),
        }
    )


def matching(frame: pd.DataFrame, pattern: str, aor: str | None = None) -> pd.DataFrame:
    """The rows whose landmark matches ``pattern`` (a regular expression, any case), and whose
    area of responsibility is ``aor`` when given; sorted by total, largest first."""
    rows = frame[frame["landmark"].str.contains(pattern, flags=re.IGNORECASE, regex=True)]
    if aor is not None:
        rows = rows[rows["aor"] == aor]
    return rows.sort_values("total", ascending=False).reset_index(drop=True)


def landmark_total(frame: pd.DataFrame, pattern: str, aor: str | None = None) -> int:
    """The records at every landmark matching ``pattern`` (see :func:`matching`)."""
    return int(matching(frame, pattern, aor)["total"].sum())


def fiscal_years_covered(first_fy: int, last_fy: int, ended: str | None = None) -> float:
    """Years from the start of federal fiscal year ``first_fy`` (1 October of the year before)
    to the end of ``last_fy`` (30 September), or to ``ended`` when a program ended earlier."""
    if last_fy < first_fy:
        raise ValueError("last_fy comes before first_fy")
    start = pd.Timestamp(first_fy - 1, 10, 1)
    stop = pd.Timestamp(last_fy, 10, 1)
    if ended is not None:
        stop = min(stop, pd.Timestamp(ended))
    if stop <= start:
        raise ValueError("the program ended before the period began")
    return (stop - start).days / 365.25


@dataclass(frozen=True)
class OrderCheck:
    """A published yearly figure set against the yearly average of a period total."""

    figure: float
    period_total: int
    years: float

    @property
    def per_year(self) -> float:
        """The period total spread evenly over its years."""
        return self.period_total / self.years

    @property
    def ratio(self) -> float:
        """How many times the yearly average the figure is."""
        return self.figure / self.per_year

    @property
    def same_order(self) -> bool:
        """Whether the figure is within half an order of magnitude of the yearly average."""
        return 1 / SAME_ORDER_FACTOR <= self.ratio <= SAME_ORDER_FACTOR


def order_check(figure: float, period_total: int, years: float) -> OrderCheck:
    """Set ``figure`` (a count for one year) against ``period_total`` spread over ``years``."""
    if figure <= 0 or period_total <= 0 or years <= 0:
        raise ValueError("the figure, the period total and the years must be positive")
    return OrderCheck(float(figure), int(period_total), float(years))


def landmark_table(selections) -> pd.DataFrame:
    """The landmarks each selection matched, for display.

    ``selections`` is an iterable of (place, records, frame, pattern, aor) tuples, as passed to
    :func:`matching`; the result has one row per matched landmark: place, records, landmark (as
    ICE's officers typed it, except that the program's name is written in its usual case,
    287(g)) and total (formatted with thousands separators).
    """
    parts = []
    for place, records, frame, pattern, aor in selections:
        found = matching(frame, pattern, aor)
        parts.append(
            pd.DataFrame(
                {
                    "place": place,
                    "records": records,
                    "landmark": found["landmark"].str.replace("287(G)", "287(g)", regex=False),
                    "total": found["total"].map("{:,}".format),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


# One rule for both North Carolina counties: encounters at every landmark naming the county and
# its 287(g) program (the jail's 287(g) unit, or the program's general area), arrests at every
# landmark naming the county in ICE's Atlanta area, the 287(g) jail or not. ICE's officers may log
# a 287(g) case under a generic landmark ("MECKLENBURG COUNTY, NC"; see the provenance note), so
# the arrests include those. key -> (place, records, tally's registry key, landmark pattern, ICE
# area of responsibility for arrests, None for encounters, whose file has no area).
NC_COUNTIES: dict[str, str] = {"meck": "Mecklenburg", "wake": "Wake"}


def county_selections(counties: dict[str, str]) -> dict[str, tuple[str, str, str, str, str | None]]:
    """The same two selections for each county: ``<key>-enc`` (its 287(g) landmarks) and
    ``<key>-arr`` (every landmark naming it, in ICE's Atlanta area)."""
    out: dict[str, tuple[str, str, str, str, str | None]] = {}
    for key, place in counties.items():
        name = re.escape(place.upper())
        out[f"{key}-enc"] = (place, "encounters", ENCOUNTERS_FY2016_2019, rf"\b{name}\b.*287", None)
        out[f"{key}-arr"] = (place, "arrests", ARRESTS_FY2016_2019, rf"\b{name}\b", "ATL")
    return out


NC_SELECTIONS = county_selections(NC_COUNTIES)


def selection_totals(selections=None) -> tuple[dict[str, int], list[tuple]]:
    """Records at each selection's landmarks, and the selections with their frames (for
    :func:`landmark_table`).

    ``selections`` maps a key to (place, records, registry key, pattern, aor), as
    :data:`NC_SELECTIONS` (the default). When ``"wake-arr"`` is among them, ``"wake-arr-wide"``
    adds the widest reading of Wake's arrests: the non-specific Raleigh-Durham landmark and
    every arrest in ICE's Atlanta area with no landmark at all.
    """
    selections = NC_SELECTIONS if selections is None else selections
    frames = {key: tallies(key) for key in {sel[2] for sel in selections.values()}}
    resolved = {
        key: (place, records, frames[tally], pattern, aor)
        for key, (place, records, tally, pattern, aor) in selections.items()
    }
    totals = {key: landmark_total(*sel[2:]) for key, sel in resolved.items()}
    if "wake-arr" in totals:
        arr = frames[selections["wake-arr"][2]]
        rdu = landmark_total(arr, r"^RDU GENERAL AREA, NON-SPECIFIC$", aor="ATL")
        no_landmark = int(arr.loc[(arr["aor"] == "ATL") & (arr["landmark"] == ""), "total"].sum())
        totals["wake-arr-wide"] = totals["wake-arr"] + rdu + no_landmark
    return totals, list(resolved.values())


def yearly_averages(
    totals: dict[str, int], whole: float, ran: dict[str, float]
) -> dict[str, float]:
    """Each period total spread over the years: ``<key>-low`` over the whole period (``whole``
    years), ``<key>-high`` over the years the place's program ran (``ran``, keyed by the part of
    the key before its first hyphen, as "meck" in "meck-arr"), so the higher average for a
    program that ended early."""
    if whole <= 0 or any(years <= 0 for years in ran.values()):
        raise ValueError("the years must be positive")
    out: dict[str, float] = {}
    for key, total in totals.items():
        out[f"{key}-low"] = total / whole
        out[f"{key}-high"] = total / ran[key.split("-")[0]]
    return out
