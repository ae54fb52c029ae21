"""The sourced table of sheriffs' 287(g) and ICE detainer policy changes
(``data/nc_sheriff_policy_changes.csv``): reading it and checking every row has a kind, a date
exactly when there was a change, and a source.
"""

from __future__ import annotations

import pandas as pd

from factcheck.data.registry import PROJECT_ROOT

POLICY_CHANGES = PROJECT_ROOT / "data" / "nc_sheriff_policy_changes.csv"
POLICY_COLUMNS = ["county", "agencies", "change", "date", "source_type", "source", "url", "note"]
POLICY_KINDS = {"ended_287g", "stopped_detainers", "ended_287g_and_detainers", "none"}
SOURCE_TYPES = {"official", "news"}


def policy_changes(path=POLICY_CHANGES) -> pd.DataFrame:
    """The sourced table of North Carolina sheriffs' 287(g) and detainer policy changes, checked.

    One row per county checked: county, agencies (the index's agency names in that county,
    separated by ``;``, empty when none is in the index), change (``ended_287g``,
    ``stopped_detainers``, ``ended_287g_and_detainers`` or ``none``), date (ISO date of the
    change, empty exactly when change is ``none``), source_type (``official`` or ``news``),
    source, url, note. Raises ``ValueError`` naming the county when a row breaks these rules
    or has no source. Returns the table with ``date`` as timestamps and ``agencies`` as lists.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(table.columns) != POLICY_COLUMNS:
        raise ValueError(f"{path}: columns must be {POLICY_COLUMNS}")
    for row in table.itertuples(index=False):
        problems = []
        if row.change not in POLICY_KINDS:
            problems.append(f"change {row.change!r} not one of {sorted(POLICY_KINDS)}")
        if (row.change == "none") != (row.date == ""):
            problems.append("a date is required exactly when there was a change")
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
