"""287(g) programs: agreement counts, rosters, yearly participation flags and population covered.

The functions here take frames from :mod:`factcheck.data.loaders` (or the published figures) and
return plain numbers, sets or small frames, so that the chapters only glue and show them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from factcheck.base.fmt import fmt_int, fmt_millions
from factcheck.data import loaders


# ---------------------------------------------------------------------------- agreement counts
@dataclass(frozen=True)
class AgreementCount:
    """ICE's count of 287(g) agreements by model at one monthly report."""

    jail: int
    warrant_service: int
    when: str

    @property
    def total(self) -> int:
        """All agreements, both models."""
        return self.jail + self.warrant_service

    def describe(self) -> str:
        """'152 agreements (77 jail, 75 warrant service), November 2020'."""
        return (
            f"{self.total:,} agreements ({self.jail:,} jail, "
            f"{self.warrant_service:,} warrant service), {self.when}"
        )


def month_label(month: str) -> str:
    """'2020_11' -> 'November 2020'."""
    year, number = (int(part) for part in month.split("_"))
    return pd.Timestamp(year, number, 1).strftime("%B %Y")


def published_agreements(month: str) -> AgreementCount:
    """ICE's monthly 287(g) report for ``month`` ('2020_08'), from the published figures."""
    return AgreementCount(
        jail=int(loaders.published(f"ice_jem_agreements_{month}")),
        warrant_service=int(loaders.published(f"ice_wso_agreements_{month}")),
        when=month_label(month),
    )


# Official counts of the program (DHS inspector general, GAO, ICE releases): glue suffix ->
# published figure id (data/published_figures.csv).


def growth_factor(later: float, earlier: float) -> float:
    """How many times larger ``later`` is than ``earlier``."""
    if earlier <= 0:
        raise ValueError("the earlier count must be positive")
    return later / earlier


# ---------------------------------------------------------------------------- yearly flags
def flag_keys(flags: pd.DataFrame) -> pd.Series:
    """A readable unique key per flagged agency: 'Harris County (Texas)'."""
    return flags["agency"] + " (" + flags["state"].str.title() + ")"


def agencies_per_year(flags: pd.DataFrame) -> pd.Series:
    """Number of distinct agencies flagged as taking part in each year."""
    return flags.groupby("year")["agency"].nunique()


@dataclass(frozen=True)
class RosterChange:
    """Agencies flagged in one year and not the other."""

    added: frozenset[str]
    lost: frozenset[str]

    def added_in(self, state: str) -> int:
        """Agencies added in one state (title case, e.g. 'Texas')."""
        return sum(key.endswith(f"({state})") for key in self.added)


def roster_change(flags: pd.DataFrame, before: int, after: int) -> RosterChange:
    """Which agencies joined and which left between two flag years."""
    keys = flags.assign(key=flag_keys(flags))
    first = set(keys.loc[keys["year"] == before, "key"])
    second = set(keys.loc[keys["year"] == after, "key"])
    return RosterChange(frozenset(second - first), frozenset(first - second))


def last_year_flagged(flags: pd.DataFrame, keys: Iterable[str]) -> dict[str, int]:
    """The last year each agency (by :func:`flag_keys` key) was flagged."""
    last = flags.assign(key=flag_keys(flags)).groupby("key")["year"].max()
    return {key: int(last[key]) for key in keys}


def agency_flags(flags: pd.DataFrame, pattern: str, state: str | None = None) -> pd.DataFrame:
    """Flag rows of agencies whose name matches the regular expression ``pattern``."""
    rows = flags[flags["agency"].str.contains(pattern, regex=True)]
    return rows if state is None else rows[rows["state"] == state.upper()]


def flagged_years(flags: pd.DataFrame) -> list[int]:
    """Sorted years flagged; raises ValueError if the run has a gap (flags must be unbroken)."""
    years = sorted(int(y) for y in flags["year"].unique())
    if not years:
        raise ValueError("no flags")
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(f"gap in the flagged years {years}")
    return years


def year_spans(flags: pd.DataFrame) -> pd.DataFrame:
    """First and last year flagged, per agency (columns min, max)."""
    return flags.groupby("agency")["year"].agg(["min", "max"])


def last_flags_with_notes(flags: pd.DataFrame) -> str:
    """'<agency>: last flagged <year>, note "<note>"' for each agency, joined by '; '."""
    return "; ".join(
        f'{agency}: last flagged {group["year"].max()}, note "{group["NOTES"].iloc[0]}"'
        for agency, group in flags.groupby("agency")
    )


# ---------------------------------------------------------------------------- population covered
def population_covered(joined: pd.DataFrame, population: pd.Series, capture, year: int) -> float:
    """Residents of the distinct counties matched to a roster capture, in ``year``.

    ``joined`` is :func:`factcheck.data.loaders.roster_counties`; ``population`` a Series indexed by
    (fips, year). Agencies with no county (city police, state prisons) add nothing, and a county
    with two agencies is counted once.
    """
    rows = joined[joined["capture_date"] == pd.Timestamp(capture)].dropna(subset=["fips"])
    return float(sum(population[(fips, year)] for fips in rows["fips"].unique()))


def coverage_by_capture(joined: pd.DataFrame, population: pd.Series, year: int) -> pd.DataFrame:
    """Agencies, counties and residents covered at each capture (one row per capture)."""
    rows = []
    for capture in sorted(joined["capture_date"].unique()):
        at = joined[joined["capture_date"] == capture]
        rows.append(
            {
                "capture": pd.Timestamp(capture),
                "agencies": at["agency"].nunique(),
                "counties": at["fips"].dropna().nunique(),
                "residents": population_covered(joined, population, capture, year),
            }
        )
    return pd.DataFrame(rows)


def not_counted(joined: pd.DataFrame, capture) -> str:
    """Agencies on a capture with no county population, with the reason, joined by '; '."""
    rows = joined[(joined["capture_date"] == pd.Timestamp(capture)) & joined["fips"].isna()]
    return "; ".join(
        f"{agency} ({basis.removesuffix(' (not counted)')})"
        for agency, basis in zip(rows["agency"], rows["basis"], strict=True)
    )


def signed_after(snapshot: pd.DataFrame, capture, date) -> pd.DataFrame:
    """Agreements on a capture whose signing date is after ``date``."""
    at = snapshot[snapshot["capture_date"] == pd.Timestamp(capture)]
    return at[at["date_signed"] > pd.Timestamp(date)]


def crosswalk_fips(agency: str, crosswalk=loaders.CROSSWALK) -> list[str]:
    """County FIPS codes the committed crosswalk assigns to an agency (e.g. a regional jail)."""
    table = pd.read_csv(crosswalk, dtype=str, keep_default_na=False)
    match = table[table["agency"] == agency]
    if match.empty:
        raise KeyError(f"{agency!r} is not in {crosswalk}")
    return [code for code in match["county_fips"].iloc[0].split(";") if code]


# ---------------------------------------------------------------------------- consistency checks
def per_year_vs_total(per_year: float, total: float, years: float) -> tuple[float, float]:
    """Two published figures for one period, each restated in the other's terms.

    Returns (``per_year`` times ``years``, ``total`` divided by ``years``).
    """
    if years <= 0:
        raise ValueError("the period must be positive")
    return per_year * years, total / years


def first_match(frame: pd.DataFrame, column: str, prefix: str) -> pd.Series:
    """The first row whose ``column`` starts with ``prefix``; KeyError if none."""
    rows = frame[frame[column].str.startswith(prefix)]
    if rows.empty:
        raise KeyError(f"no row with {column} starting {prefix!r}")
    return rows.iloc[0]


def words_to_number(text: str) -> float:
    """'3½' -> 3.5, '13' -> 13: a number as an article writes it, for arithmetic on quotes."""
    match = re.fullmatch(r"(\d+)(½)?", text.strip())
    if not match:
        raise ValueError(f"not a number as written: {text!r}")
    return int(match.group(1)) + (0.5 if match.group(2) else 0.0)


def coverage_display(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """:func:`coverage_by_capture` (indexed by capture) formatted for a Markdown table."""

    out = table.reset_index()
    return pd.DataFrame(
        {
            "capture": out["capture"].dt.strftime("%Y-%m-%d"),
            "agencies": out["agencies"],
            "counties": out["counties"],
            f"residents (1 July {year})": out["residents"].map(fmt_millions),
        }
    )


OFFENSE_CATEGORIES = loaders.PROJECT_ROOT / "data" / "ice_287g_offense_categories.csv"


def offense_categories(path=OFFENSE_CATEGORIES) -> pd.DataFrame:
    """The conviction categories ICE reports for 287(g) encounters, one row per ledger claim.

    Columns: claim_id, category, fy2019_figure_id and fy2020_figure_id (rows of the published
    figures: ICE's FY2019 statement as quoted by Tom Homan, and ICE's FY2020 statement on its
    287(g) page), source. Every row must have all five; a missing value raises ValueError.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = ["claim_id", "category", "fy2019_figure_id", "fy2020_figure_id", "source"]
    if list(table.columns) != expected:
        raise ValueError(f"{path}: columns {list(table.columns)}, expected {expected}")
    if (table.map(str.strip) == "").any().any():
        raise ValueError(f"{path}: empty cells")
    return table


def offense_counts(
    categories: pd.DataFrame, claimed: dict[str, float], published=None
) -> pd.DataFrame:
    """FY2019 (ICE, quoted by Tom Homan), FY2020 (ICE's 287(g) page) and FY2020 (the article)
    counts by category, formatted for a table.

    ``claimed`` maps each claim id to the article's value (from the ledger); ``published`` gives
    a published figure's value by id (default: the published figures; a stand-in in tests).
    """

    published = published or loaders.published

    def column(ids: pd.Series) -> list[str]:
        return [fmt_int(published(f)) for f in ids]

    return pd.DataFrame(
        {
            "conviction category": categories["category"],
            "FY2019 (ICE, quoted by Tom Homan; people encountered)": column(
                categories["fy2019_figure_id"]
            ),
            "FY2020 (ICE's 287(g) page; people encountered)": column(
                categories["fy2020_figure_id"]
            ),
            "FY2020 (the article)": [fmt_int(claimed[c]) for c in categories["claim_id"]],
        }
    )


def offense_mismatches(
    categories: pd.DataFrame, claimed: dict[str, float], published=None
) -> dict[str, tuple[float, float]]:
    """Claims whose article figure differs from ICE's published FY2020 figure for the category:
    claim id -> (the article's value, ICE's value); empty when every figure is ICE's own.

    ``claimed`` and ``published`` as in :func:`offense_counts`.
    """
    published = published or loaders.published
    out = {}
    for cid, fig in zip(categories["claim_id"], categories["fy2020_figure_id"], strict=True):
        article, ice = float(claimed[cid]), float(published(fig))
        if article != ice:
            out[cid] = (article, ice)
    return out


def population_ranks(population: pd.DataFrame, year: int, fips: Iterable[str]) -> dict[str, int]:
    """Rank by population (1 = most populous) among all counties in ``year``, for some counties.

    ``population`` has columns fips, year, population
    (:func:`factcheck.data.loaders.county_population`).
    """
    that_year = population[population["year"] == year].drop_duplicates("fips").set_index("fips")
    ranks = that_year["population"].rank(ascending=False, method="min").astype(int)
    return {code: int(ranks[code]) for code in fips}


def spans_text(flags: pd.DataFrame) -> str:
    """'<agency> (<first>-<last>)' for each agency in ``flags``, joined by '; '."""
    return "; ".join(f"{a} ({r['min']}-{r['max']})" for a, r in year_spans(flags).iterrows())


def span_in_quote(quote: str) -> float:
    """The period an article's words give, in years: 'over the past 3½ years, ...' -> 3.5."""
    match = re.search(r"past (\d+½?) years", quote)
    if not match:
        raise ValueError(f"no 'past N years' in {quote!r}")
    return words_to_number(match.group(1))


def capture_texts(counts: pd.DataFrame, after: pd.Series, event: pd.Timestamp) -> dict[str, str]:
    """Texts for the prose on the roster captures either side of ``event`` (the inauguration).

    ``counts`` is one row per capture (capture_date, agencies, states, support_types), oldest
    first; ``after`` is the first capture on or after ``event``. Keys: capture-{after,before,
    last} (ISO dates), agencies-{after,before,last}, n-captures, days-after (days from the event
    to the capture after it), states-after and models (the support types, in lower case).
    """

    before = counts[counts["capture_date"] < event].iloc[-1]
    texts = {}
    for label, row in [("after", after), ("before", before), ("last", counts.iloc[-1])]:
        texts[f"capture-{label}"] = f"{row['capture_date']:%Y-%m-%d}"
        texts[f"agencies-{label}"] = fmt_int(row["agencies"])
    return texts | {
        "n-captures": fmt_int(len(counts)),
        "days-after": fmt_int((after["capture_date"] - event).days),
        "states-after": fmt_int(after["states"]),
        "models": after["support_types"].lower(),
    }
