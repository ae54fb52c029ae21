"""The 287(g) chapters' glued texts (factcheck.book.wording), on small hand-made inputs."""

import pandas as pd
import pytest

from factcheck.book import wording
from factcheck.data import programs

JOINED = pd.DataFrame(
    {
        "capture_date": pd.to_datetime(["2017-01-29"] * 4 + ["2017-03-05"] * 3),
        "agency": ["A County", "Harris County", "B Jail", "City PD", "A County", "B Jail", "C PD"],
        "fips": ["001", "002", "003", None, "001", "003", None],
        "basis": ["named", "named", "jail", "city police (not counted)", "named", "jail", "x"],
    }
)
POP = pd.Series(
    {
        ("001", 2016): 1_000_000.0,
        ("002", 2016): 4_000_000.0,
        ("003", 2016): 500_000.0,
        ("001", 2017): 1_100_000.0,
        ("002", 2017): 4_100_000.0,
        ("003", 2017): 500_000.0,
    }
)


def test_coverage_texts_and_the_fall_one_county_explains():
    coverage, texts = wording.coverage_texts(
        JOINED, POP, "2017-01-29", "2017-03-05", "^Harris", "002"
    )
    assert coverage.loc["2017-03-05", "residents"] == 1_500_000
    assert texts == {
        "pop-2017": "5.5 million",
        "pop-2017-alt": "5.7 million",
        "n-counties": "3",
        "not-counted": "City PD (city police)",
        "harris-drop": "4.0 million",  # Harris County left
    }
    with pytest.raises(ValueError):  # the county named cannot account for a 4 million fall
        wording.coverage_texts(JOINED, POP, "2017-01-29", "2017-03-05", "^Harris", "003")
    with pytest.raises(ValueError):  # A County is still on the later capture
        wording.coverage_texts(JOINED, POP, "2017-01-29", "2017-03-05", "^A County", "002")


def test_agreements_2020_texts_by_hand():
    jul = programs.AgreementCount(60, 40, "July 2020")
    aug = programs.AgreementCount(70, 80, "August 2020")
    texts = wording.agreements_2020_texts(jul, aug, 1234, roster=30, claimed=150)
    assert texts == {
        "jem-2020": "70",
        "wso-2020": "80",
        "all-2020": "150",
        "crs-2020": "1,234",
        "wso-share": "40%",
        "jem-growth": "2.0",
        "claimed-growth": "5.0",
    }


FLAGS = pd.DataFrame(
    [
        ("TEXAS", "Harris County", 2016, "ended"),
        ("TEXAS", "Lubbock County", 2019, ""),
        ("TEXAS", "Potter County", 2019, ""),
        ("TEXAS", "Potter County", 2016, ""),
        ("VIRGINIA", "PW Jail", 2014, "ended 2020"),
        ("VIRGINIA", "PW Jail", 2015, "ended 2020"),
        ("VIRGINIA", "PW Jail", 2016, "ended 2020"),
        ("VIRGINIA", "PW Police", 2015, ""),
        ("FLORIDA", "Collier County", 2019, ""),
        ("FLORIDA", "Orange County", 2016, ""),
    ],
    columns=["state", "agency", "year", "NOTES"],
)


def test_roster_change_texts_and_rebuilt_value():
    named = ["Harris County (Texas)", "Orange County (Florida)"]
    change, texts = wording.roster_change_texts(FLAGS, named, 2016, 2019, "Texas")
    assert texts == {
        "added": "2",
        "lost": "3",
        "added-tx": "1",
        "lost-list": "Harris County (Texas); Orange County (Florida); PW Jail (Virginia)",
        "named-last": "Harris County (Texas): 2016; Orange County (Florida): 2016",
    }
    assert wording.roster_change_rebuilt(change, "Texas", 2016, 2019) == (
        "2 added, 3 lost nationally; 1 added in Texas (2016 to 2019 flags)"
    )
    with pytest.raises(ValueError):  # Potter County was flagged both years
        wording.roster_change_texts(FLAGS, ["Potter County (Texas)"], 2016, 2019, "Texas")


def test_county_rank_summary_by_hand():
    population = pd.DataFrame(
        {
            "fips": ["001", "002", "003", "004", "001"],
            "year": [2019, 2019, 2019, 2019, 2018],
            "population": [10, 40, 30, 20, 99],
        }
    )
    texts, rebuilt = wording.county_rank_summary(population, {"Big": "002", "Small": "001"}, 2019)
    assert texts == {"big-ranks": "Big: 1; Small: 4", "n-counties-2019": "4"}
    assert rebuilt == "ranks 1, 4 of 4 counties (2019)"


def test_jail_years_texts_by_hand():
    years, texts = wording.jail_years_texts(FLAGS, "^PW", "PW Jail", 2020)
    assert years == [2014, 2015, 2016]
    assert texts == {
        "pw-others": "PW Police (2015-2015)",
        "pw-first": "2014",
        "pw-last": "2016",
        "pw-note": "ended 2020",
        "pw-span": "6",
    }
    gap = FLAGS[FLAGS["year"] != 2015]
    with pytest.raises(ValueError):  # a gap in the jail's run
        wording.jail_years_texts(gap, "^PW", "PW Jail", 2020)


def test_news_figures_spread_over_the_period():
    figures = {
        "pw_flagged_since_2017": 2100.0,
        "pw_flagged_homicide": 7.0,
        "pw_flagged_sex_assault": 40.0,
        "pw_flagged_dwi": 900.0,
        "pw_deputies_trained_since_2007": 120.0,
        "pw_deported_fy2018_2020": 300.0,
    }
    news = wording.news_figures(700, 3.5, published=figures.__getitem__)
    assert news == {
        "since_2017": 2100,
        "homicide": 7,
        "sex_assault": 40,
        "dwi": 900,
        "per_year": 600,  # 2,100 over 3.5 years
        "trained": 120,
        "deported": 300,
    }


def test_agreement_texts_by_hand():
    agreements = pd.DataFrame(
        {
            "law enforcement agency": ["Hale County SO", "Harford County Sheriff's Office"],
            "signed": pd.to_datetime(["2019-01-01", "2020-06-23"]),
        }
    )
    wapo = pd.DataFrame({"County": ["Hale County", "Harford County"], "Sheriff": ["X", "Y Z"]})
    flags = pd.DataFrame({"agency": ["Harford County", "Harford County"], "year": [2018, 2017]})
    texts = wording.agreement_texts(agreements, flags, wapo, "Harford County", "^Harford")
    assert texts == {
        "harford-signed": "2020-06-23",
        "harford-first": "2017",
        "harford-sheriff": "Y Z",
    }


def test_state_rate_texts_by_hand():
    estimates = pd.DataFrame(
        {
            "state_abbr": ["MD"] * 5 + ["VA"],
            "year": [2015, 2016, 2017, 2018, 2019, 2019],
            "violent": [500, 300, 400, 350, 200, 1],
            "population": [100_000] * 6,
        }
    )
    texts = wording.state_rate_texts(estimates, "MD", 2018)
    assert texts == {
        "md-first": "2015",
        "md-2018-rank": "the second-lowest",
        "md-low-year": "2016",
        "md-2018": "350.0",
        "md-2019": "200.0",
    }
    with pytest.raises(ValueError):  # 2017 is not followed by the lowest year
        wording.state_rate_texts(estimates, "MD", 2017)


def test_record_low_and_program_scale_as_stated():
    low = {
        "so-next-lower": 1.0,
        "so-gap-after": 1.0,
        "us-violent-rose-next": 1.0,
        "has-dc": 1.0,
        "state-lowest": 1.0,
        "states-low": 30,
        "states-n": 51,
    }
    assert wording.record_low_as_stated(low)
    assert not wording.record_low_as_stated(low | {"states-low": 25})  # not more than half
    assert not wording.record_low_as_stated(low | {"has-dc": 0.0})
    scale = {"arrests": 50.0, "fall": 80.0, "earlier-fall": 10.0, "agree": 1.0, "beyond": 0.0}
    assert wording.program_scale_as_stated(scale)
    assert not wording.program_scale_as_stated(scale | {"arrests": 90.0})
    assert not wording.program_scale_as_stated(scale | {"beyond": 1.0})
    assert not wording.program_scale_as_stated(scale | {"earlier-fall": 80.0})


def test_claims_restated_reads_the_claims():
    jail = "Prince William-Manassas Regional Adult Detention Center"
    pop = pd.Series({("51153", 2019): 400_000, ("51683", 2019): 90_000, ("51685", 2019): 10_000})
    ledger = {
        "per": {"claimed_value": 700},
        "people": {"claimed_value": 2500, "quote": "over the past 3½ years, 2,500 people"},
        "p1": {"claimed_value": 1000},
        "p2": {"claimed_value": 954},
    }
    per_year, span, texts = wording.claims_restated(
        ledger.__getitem__, "per", "people", ("p1", "p2"), pop, jail
    )
    assert (per_year, span) == (700, 3.5)
    assert texts["pw-parts"] == "1,954" and texts["pw-per-year"] == "714"
    assert texts["pw-rate"] == "140"
