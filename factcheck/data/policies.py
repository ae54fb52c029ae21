"""Which agencies' sheriffs changed 287(g) or ICE detainer policy, and when: data, not code.

This module owns the sourced table ``data/policy_changes.csv`` (one row per county checked:
state, county, the index's agencies in it, the change, its date and its source) and the sets
the statistics draw from it: the agencies that changed policy in a window (left out of every
comparison set, since they received part of a treatment) and the agencies whose sheriff ended
287(g) (the book's own cases). Nothing about a particular agency or date is written here; a new
case is a new row of the table, with its source.
"""

from __future__ import annotations

import pandas as pd

from factcheck.data.registry import PROJECT_ROOT

POLICY_CHANGES = PROJECT_ROOT / "data" / "policy_changes.csv"
POLICY_COLUMNS = [
    "state",
    "county",
    "agencies",
    "change",
    "date",
    "date_kind",
    "source_type",
    "source",
    "url",
    "note",
]
POLICY_KINDS = {"ended_287g", "stopped_detainers", "ended_287g_and_detainers", "none"}
ENDED_287G = ("ended_287g", "ended_287g_and_detainers")  # the changes that end an agreement
SOURCE_TYPES = {"official", "news"}
# How a change's date is known: "on" it, or "by" it (the latest date the sources allow: the
# change came on or before it).
DATE_KINDS = {"on", "by"}
# The window in which the book's cases are defined: the sheriffs elected in November 2018.
BOOK_WINDOW = ("2018-01-01", "2018-12-31")


def policy_changes(path=POLICY_CHANGES) -> pd.DataFrame:
    """The sourced table of sheriffs' 287(g) and detainer policy changes, checked.

    One row per county checked: state (two-letter), county, agencies (the index's agency names
    in that county, separated by ``;``, empty when none is in the index), change
    (``ended_287g``, ``stopped_detainers``, ``ended_287g_and_detainers`` or ``none``), date
    (ISO date of the change, empty exactly when change is ``none``), date_kind (``on``: the
    date of the change; ``by``: the latest date the sources allow; empty with no date),
    source_type (``official`` or ``news``), source, url, note. Raises ``ValueError`` naming
    the county when a row breaks these rules or has no source. Returns the table with
    ``date`` as timestamps and ``agencies`` as lists.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns) != POLICY_COLUMNS:
        raise ValueError(f"{path}: columns must be {POLICY_COLUMNS}")
    for row in table.itertuples(index=False):
        problems = []
        if len(row.state) != 2 or not row.state.isupper():
            problems.append(f"state {row.state!r} is not a two-letter abbreviation")
        if row.change not in POLICY_KINDS:
            problems.append(f"change {row.change!r} not one of {sorted(POLICY_KINDS)}")
        if (row.change == "none") != (row.date == ""):
            problems.append("a date is required exactly when there was a change")
        dated = row.date != ""
        if row.date_kind not in (DATE_KINDS if dated else {""}):
            problems.append(f"date_kind {row.date_kind!r}: 'on' or 'by' with a date, empty without")
        if row.source_type not in SOURCE_TYPES:
            problems.append(f"source_type {row.source_type!r} not one of {sorted(SOURCE_TYPES)}")
        if not row.source.strip() or not row.url.startswith("http"):
            problems.append("source and url are required")
        if problems:
            raise ValueError(f"{path}: {row.county}: " + "; ".join(problems))
    return table.assign(
        date=pd.to_datetime(table["date"].replace("", None), format="%Y-%m-%d"),
        agencies=[[a.strip() for a in cell.split(";") if a.strip()] for cell in table["agencies"]],
    )


def agency_changes(path=POLICY_CHANGES) -> pd.DataFrame:
    """The table one row per agency: agency, state, county, change, date, source (counties
    with no agency in the index drop out)."""
    table = policy_changes(path).explode("agencies").dropna(subset=["agencies"])
    table = table.rename(columns={"agencies": "agency"})
    return table[["agency", "state", "county", "change", "date", "source"]].reset_index(drop=True)


def changed_agencies(start, end, path=POLICY_CHANGES, kinds=None) -> set[str]:
    """Agencies of the index in a county whose sheriff changed 287(g) or detainer policy from
    ``start`` to ``end`` (both inclusive); ``kinds``: only these changes (default: any)."""
    table = policy_changes(path)
    within = table["date"].between(pd.Timestamp(start), pd.Timestamp(end))
    if kinds is not None:
        within &= table["change"].isin(list(kinds))
    return {agency for agencies in table.loc[within, "agencies"] for agency in agencies}


def ended_287g(start=BOOK_WINDOW[0], end=BOOK_WINDOW[1], path=POLICY_CHANGES) -> tuple[str, ...]:
    """The agencies whose sheriff ended a 287(g) agreement from ``start`` to ``end`` (sorted).

    With the defaults these are the book's own cases: the departments of the two counties whose
    newly elected sheriffs ended 287(g) in December 2018.
    """
    return tuple(sorted(changed_agencies(start, end, path, kinds=ENDED_287G)))


def states_covered(path=POLICY_CHANGES) -> set[str]:
    """The states whose sheriffs' policies the table records (elsewhere nothing is known)."""
    return set(policy_changes(path)["state"])
