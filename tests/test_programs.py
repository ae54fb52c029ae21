"""287(g) program helpers on small hand-made rosters and flags."""

import pandas as pd
import pytest

from factcheck.book import wording
from factcheck.data import programs


def flags_frame(rows):
    return pd.DataFrame(rows, columns=["state", "agency", "year", "NOTES"])


FLAGS = flags_frame(
    [
        ("TEXAS", "Harris County", 2016, "ended"),
        ("TEXAS", "Harris County", 2017, "ended"),
        ("TEXAS", "Lubbock County", 2019, ""),
        ("TEXAS", "Potter County", 2019, ""),
        ("TEXAS", "Potter County", 2016, ""),
        ("VIRGINIA", "Prince William Jail", 2016, "ended 2020"),
        ("VIRGINIA", "Prince William Jail", 2017, "ended 2020"),
        ("VIRGINIA", "Prince William Jail", 2018, "ended 2020"),
        ("FLORIDA", "Collier County", 2019, ""),
    ]
)


def test_agreement_count_total_and_text():
    count = programs.AgreementCount(77, 75, "November 2020")
    assert count.total == 152
    assert count.describe() == "152 agreements (77 jail, 75 warrant service), November 2020"
    assert programs.month_label("2020_08") == "August 2020"
    assert programs.growth_factor(77, 36) == pytest.approx(77 / 36)
    with pytest.raises(ValueError):
        programs.growth_factor(1, 0)


def test_agencies_per_year_counts_distinct_agencies():
    per_year = programs.agencies_per_year(FLAGS)
    assert per_year.to_dict() == {2016: 3, 2017: 2, 2018: 1, 2019: 3}


def test_roster_change_sets_and_state_count():
    change = programs.roster_change(FLAGS, 2016, 2019)
    assert change.added == {"Lubbock County (Texas)", "Collier County (Florida)"}
    assert change.lost == {"Harris County (Texas)", "Prince William Jail (Virginia)"}
    assert change.added_in("Texas") == 1
    last = programs.last_year_flagged(FLAGS, ["Harris County (Texas)"])
    assert last == {"Harris County (Texas)": 2017}


def test_flagged_years_rejects_gaps():
    pw = programs.agency_flags(FLAGS, "Prince William", state="virginia")
    assert programs.flagged_years(pw) == [2016, 2017, 2018]
    with pytest.raises(ValueError):
        programs.flagged_years(programs.agency_flags(FLAGS, "Potter"))
    assert programs.year_spans(pw).loc["Prince William Jail"].tolist() == [2016, 2018]
    text = programs.last_flags_with_notes(programs.agency_flags(FLAGS, "Harris"))
    assert text == 'Harris County: last flagged 2017, note "ended"'


JOINED = pd.DataFrame(
    {
        "capture_date": pd.to_datetime(["2017-01-29"] * 4 + ["2017-03-05"] * 2),
        "agency": ["A County", "B Jail", "B Jail", "City PD", "A County", "City PD"],
        "fips": ["001", "002", "003", None, "001", None],
        "basis": [
            "county named in agency",
            "regional jail",
            "regional jail",
            "city police (not counted)",
            "county named in agency",
            "city police (not counted)",
        ],
    }
)
POP = pd.Series(
    {
        ("001", 2016): 100.0,
        ("002", 2016): 20.0,
        ("003", 2016): 3.0,
        ("001", 2017): 110.0,
        ("002", 2017): 21.0,
        ("003", 2017): 3.0,
    }
)


def test_population_covered_counts_each_county_once_and_skips_cities():
    assert programs.population_covered(JOINED, POP, "2017-01-29", 2016) == 123
    assert programs.population_covered(JOINED, POP, "2017-01-29", 2017) == 134
    table = programs.coverage_by_capture(JOINED, POP, 2016)
    assert table["agencies"].tolist() == [3, 2]
    assert table["counties"].tolist() == [3, 1]
    assert table["residents"].tolist() == [123, 100]
    assert programs.not_counted(JOINED, "2017-01-29") == "City PD (city police)"


def test_signed_after_and_crosswalk():
    snap = pd.DataFrame(
        {
            "capture_date": pd.to_datetime(["2017-01-29", "2017-01-29"]),
            "date_signed": pd.to_datetime(["2016-05-01", "2017-01-25"]),
        }
    )
    assert len(programs.signed_after(snap, "2017-01-29", "2017-01-20")) == 1
    assert programs.crosswalk_fips("Prince William-Manassas Regional Adult Detention Center") == [
        "51153",
        "51683",
        "51685",
    ]
    with pytest.raises(KeyError):
        programs.crosswalk_fips("No Such Agency")


def test_per_year_vs_total_and_quoted_numbers():
    assert programs.per_year_vs_total(700, 2500, 3.5) == (
        pytest.approx(2450),
        pytest.approx(2500 / 3.5),
    )
    with pytest.raises(ValueError):
        programs.per_year_vs_total(1, 1, 0)
    assert programs.words_to_number("3½") == 3.5
    assert programs.words_to_number("13") == 13
    frame = pd.DataFrame({"name": ["Wake County", "Harford County"]})
    assert programs.first_match(frame, "name", "Harford")["name"] == "Harford County"
    with pytest.raises(KeyError):
        programs.first_match(frame, "name", "Orange")


def test_population_ranks():
    pop = pd.DataFrame(
        {
            "fips": ["a", "b", "c", "a"],
            "year": [2019, 2019, 2019, 2018],
            "population": [10, 30, 20, 99],
        }
    )
    assert programs.population_ranks(pop, 2019, ["a", "b"]) == {"a": 3, "b": 1}


def test_spans_text():
    assert (
        programs.spans_text(programs.agency_flags(FLAGS, "Harris")) == "Harris County (2016-2017)"
    )


def test_committed_offense_categories_resolve(tmp_path):
    from factcheck.data import loaders
    from factcheck.ledger import claims

    table = programs.offense_categories()
    book = claims.ledger()
    figures = loaders.published_figures()
    assert table["source"].str.len().gt(0).all()
    for cid, f19, f20 in zip(
        table["claim_id"], table["fy2019_figure_id"], table["fy2020_figure_id"], strict=True
    ):
        assert book.claim(cid)["article"] == "001"
        assert f19 in figures.index and f20 in figures.index
        # FY2020 is ICE's own page (official); FY2019 is ICE as quoted by Tom Homan (secondary)
        assert figures.loc[f20, "publisher_type"] == "official"
        assert figures.loc[f19, "publisher_type"] == "secondary"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "claim_id,category,fy2019_figure_id,fy2020_figure_id,source\na001-04,drugs,x,y,\n"
    )
    with pytest.raises(ValueError):
        programs.offense_categories(bad)
    old = tmp_path / "old.csv"  # the layout without the FY2020 column is refused
    old.write_text("claim_id,category,fy2019_figure_id,source\na001-04,drugs,x,s\n")
    with pytest.raises(ValueError):
        programs.offense_categories(old)


OFFENSES = pd.DataFrame(
    {
        "claim_id": ["c1", "c2"],
        "category": ["assault", "homicide"],
        "fy2019_figure_id": ["a19", "h19"],
        "fy2020_figure_id": ["a20", "h20"],
        "source": ["s", "s"],
    }
)
FIGURES = {"a19": 775, "h19": 21, "a20": 920, "h20": 37}


def test_offense_counts_shows_ice_fy2019_ice_fy2020_and_the_article():
    table = programs.offense_counts(OFFENSES, {"c1": 920, "c2": 38}, FIGURES.__getitem__)
    assert list(table.iloc[:, 0]) == ["assault", "homicide"]
    assert list(table.iloc[:, 1]) == ["775", "21"]
    assert list(table.iloc[:, 2]) == ["920", "37"]
    assert list(table.iloc[:, 3]) == ["920", "38"]
    assert "ICE" in table.columns[2] and "article" in table.columns[3]


def test_offense_mismatches_reports_a_planted_difference():
    assert programs.offense_mismatches(OFFENSES, {"c1": 920, "c2": 37}, FIGURES.__getitem__) == {}
    planted = programs.offense_mismatches(OFFENSES, {"c1": 920, "c2": 38}, FIGURES.__getitem__)
    assert planted == {"c2": (38.0, 37.0)}


def test_committed_article_offense_counts_are_ices_fy2020_figures():
    from factcheck.ledger import claims

    table = programs.offense_categories()
    book = claims.ledger()
    claimed = {c: book.claim(c)["claimed_value"] for c in table["claim_id"]}
    assert programs.offense_mismatches(table, claimed) == {}
    claimed["a001-09"] += 1  # a planted mismatch is reported
    assert set(programs.offense_mismatches(table, claimed)) == {"a001-09"}


def test_span_in_quote():
    assert programs.span_in_quote("over the past 3½ years, flagged more than") == 3.5
    assert programs.span_in_quote("in the past 2 years") == 2
    with pytest.raises(ValueError):
        programs.span_in_quote("since 2017")


def test_figures_restated_on_small_inputs():
    jail = "Prince William-Manassas Regional Adult Detention Center"
    pop = pd.Series({("51153", 2019): 400_000, ("51683", 2019): 90_000, ("51685", 2019): 10_000})
    span, texts = wording.figures_restated(
        {"per_year": 700, "people": 2500, "parts": 1954}, "over the past 3½ years", pop, jail
    )
    assert span == 3.5
    assert texts == {
        "span-years": "3.5",
        "claim-per-year": "700",
        "claim-people": "2,500",
        "pw-implied": "2,450",  # 700 a year for 3.5 years
        "pw-per-year": "714",  # 2,500 over 3.5 years
        "pw-parts": "1,954",
        "pw-pop": "500,000",
        "pw-rate": "140",  # 700 per 500,000 residents
    }
    with pytest.raises(ValueError):
        wording.figures_restated({"per_year": 1, "people": 1, "parts": 1}, "since 2017", pop, jail)


def test_capture_texts_by_hand():
    counts = pd.DataFrame(
        {
            "capture_date": pd.to_datetime(
                ["2016-12-01", "2017-01-10", "2017-02-01", "2020-06-01"]
            ),
            "agencies": [30, 32, 36, 1500],
            "states": [15, 16, 17, 25],
            "support_types": ["Jail Enforcement Model"] * 4,
        }
    )
    after = counts.iloc[2]
    texts = programs.capture_texts(counts, after, pd.Timestamp("2017-01-20"))
    assert texts == {
        "capture-after": "2017-02-01",
        "agencies-after": "36",
        "capture-before": "2017-01-10",
        "agencies-before": "32",
        "capture-last": "2020-06-01",
        "agencies-last": "1,500",
        "n-captures": "4",
        "days-after": "12",
        "states-after": "17",
        "models": "jail enforcement model",
    }
