"""287(g) agreement timelines: when each agreement ran, as segments to draw or measure.

An agreement is drawn from its first signing to its end. The end comes from the agreement
records when they mark it terminated, from ICE's list of a later date when the agency is still
listed, or from the last year the Washington Post flags it; otherwise it is not recorded. An
agency that ended one agreement and is listed again later gets a second segment from the later
signing date, so the gap between them is not drawn as participation.
"""

from __future__ import annotations

import pandas as pd

from factcheck.data.registry import PROJECT_ROOT, SchemaMismatchError

SHORT_NAMES = PROJECT_ROOT / "data" / "agency_short_names.csv"
SEGMENT_COLUMNS = ["agency", "start", "end", "how"]


def short_names(path=SHORT_NAMES) -> pd.DataFrame:
    """Label abbreviations (``find`` -> ``replace``), each with a ``source``; applied in order."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ["find", "replace", "source"] if c not in table.columns]
    if missing:
        raise SchemaMismatchError(f"{path}: missing columns {missing}")
    if (table["find"] == "").any() or (table["source"].str.strip() == "").any():
        raise SchemaMismatchError(f"{path}: every row needs a find text and a source")
    return table


def short_name(agency: str, table: pd.DataFrame | None = None) -> str:
    """An agency's label for a figure: each abbreviation of ``table`` applied in turn."""
    table = short_names() if table is None else table
    for find, replace in zip(table["find"], table["replace"], strict=True):
        agency = agency.replace(find, replace)
    return agency


def agreement_segments(
    agreements: pd.DataFrame,
    flags: pd.DataFrame,
    listed: pd.DataFrame,
    list_date: pd.Timestamp,
    names: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per known period of an agreement: agency label, start, end and how it stands.

    ``agreements``: one row per agency with ``agency``, ``first_signed_best``, ``active_to`` and
    ``terminated`` (as :func:`factcheck.data.loaders.nc_agreements`). ``flags``: yearly
    participation flags with ``agency`` and ``year`` (as
    :func:`factcheck.data.loaders.wapo_flags`). ``listed``: agencies on ICE's list of
    ``list_date``, with ``law enforcement agency`` and ``signed``.
    ``how`` is "ended", "in force" (listed on ``list_date``) or "end not recorded" (end NaT).
    """
    names = short_names() if names is None else names
    signed_now = listed.set_index("law enforcement agency")["signed"]
    rows = []
    for r in agreements.itertuples():
        label = short_name(r.agency, names)
        years = flags.loc[flags["agency"] == r.agency, "year"]
        still = r.agency in signed_now.index
        if r.terminated:
            rows.append((label, r.first_signed_best, r.active_to, "ended"))
            if still:  # rejoined later: the current agreement runs from its own signing
                rows.append((label, signed_now[r.agency], list_date, "in force"))
        elif still:
            rows.append((label, r.first_signed_best, list_date, "in force"))
        elif len(years):
            last = pd.Timestamp(int(years.max()), 12, 31)
            rows.append((label, r.first_signed_best, last, "ended"))
        else:
            rows.append((label, r.first_signed_best, pd.NaT, "end not recorded"))
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


def agency_order(segments: pd.DataFrame) -> list[str]:
    """Agencies by their earliest start, latest first (the top row of a chart is the last)."""
    return segments.groupby("agency")["start"].min().sort_values(ascending=False).index.tolist()


def segment_colour_key(agency: str, how: str, highlight: tuple[str, ...]) -> str:
    """Palette key: "ended" for a highlighted agency, "kept" if in force, else "never"."""
    if any(name in agency for name in highlight):
        return "ended"
    return "kept" if how == "in force" else "never"


def years_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Elapsed years from ``start`` to ``end`` (days / 365.25)."""
    return (pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25
