"""Tidy loaders: shapes, definitions and cross-checks against independent files."""

import pandas as pd
import pytest

from factcheck import loaders, registry
from factcheck.registry import SchemaMismatchError


def test_federal_fiscal_year():
    assert loaders.federal_fiscal_year(pd.Timestamp("2018-09-30")) == 2018
    assert loaders.federal_fiscal_year(pd.Timestamp("2018-10-01")) == 2019
    series = loaders.federal_fiscal_year(pd.Series(["2018-12-04", "2019-09-30", "2019-10-01"]))
    assert series.tolist() == [2019, 2019, 2020]
    assert loaders.fiscal_year_bounds(2019) == (
        pd.Timestamp("2018-10-01"),
        pd.Timestamp("2019-09-30"),
    )


def test_published_figures_require_sources(tmp_path):
    table = loaders.published_figures()
    assert table.loc["detainer_max_hold_hours", "value"] == 48
    bad = tmp_path / "bad.csv"
    text = loaders.PUBLISHED_FIGURES.read_text().splitlines()
    header, row = text[0], text[1]
    bad.write_text(header + "\n" + row.replace(",2026-11-23,", ",,") + "\n")
    with pytest.raises(SchemaMismatchError, match="no retrieved"):
        loaders.published_figures(bad)


def test_cmpd_rape_derivation_matches_fbi_table8():
    """CMPD's file has no rape column; violent minus the other three must equal Table 8."""
    cmpd = loaders.cmpd_fbi_annual().set_index("year")
    for year, key in [(2014, "cius_table8_nc_2014"), (2015, "cius_table8_nc_2015")]:
        table = registry.load(key)
        row = table[table["City"].astype(str).str.startswith("Charlotte-Mecklenburg")]
        assert len(row) == 1, f"{key}: Charlotte-Mecklenburg row"
        legacy = int(row["Rape (legacy definition)2"].iloc[0])
        assert cmpd.loc[year, "rape"] == legacy


def test_county_population_two_vintages():
    pop = loaders.county_population()
    meck = pop[pop["fips"] == "37119"].set_index("year")
    assert list(meck.index) == list(range(2010, 2023))
    assert set(meck["vintage"]) == {2019, 2022}
    assert (meck["population"] > 900_000).all()
    assert pop["fips"].str.len().eq(5).all()


def test_rtci_annual_keeps_only_complete_years():
    full = loaders.rtci_annual(complete_only=False)
    complete = loaders.rtci_annual()
    assert (complete["months"] == 12).all()
    assert len(full) > len(complete)  # 2024 is partial (January to July)
    row = complete[(complete["agency"] == "Charlotte, NC") & (complete["year"] == 2018)].iloc[0]
    assert row["violent"] == row[loaders.VIOLENT].sum()
    assert not complete["agency"].str.contains("Nationwide").any()  # aggregates are not agencies
    with_aggregates = loaders.rtci_annual(aggregates=True)
    assert with_aggregates["agency"].str.contains("Nationwide").any()


def test_rtci_annual_leaves_partial_categories_missing():
    months = pd.date_range("2018-01-01", periods=12, freq="MS")
    monthly = pd.DataFrame(
        {
            "agency": "A",
            "agency_name": "A",
            "state_abbr": "XX",
            "date": months,
            "murder": 1.0,
            "rape": 1.0,
            "robbery": 1.0,
            "aggravated_assault": 1.0,
            "violent": 4.0,
        }
    )
    monthly.loc[3, "rape"] = None
    row = loaders.rtci_annual(monthly=monthly).iloc[0]
    assert row["months"] == 12 and row["murder"] == 12 and pd.isna(row["rape"])


def test_roster_counts_and_fbi_estimates():
    counts = loaders.roster_counts().set_index("capture_date")
    assert counts.loc["2017-01-29", "agencies"] == 36
    est = loaders.fbi_estimates()
    us = est[(est["state_abbr"] == "US") & (est["year"] == 2019)]
    assert len(us) == 1
    nc = est[(est["state_abbr"] == "NC") & (est["year"] == 2018)].iloc[0]
    assert nc["violent"] == nc[["murder", "rape", "robbery", "aggravated_assault"]].sum()


def test_wapo_flags_and_nc_tables():
    flags = loaders.wapo_flags(2019)
    assert flags["year"].between(2005, 2019).all()
    assert loaders.nc_agreements()["state"].eq("NORTH CAROLINA").all()
    removals = loaders.nc_identified_removed()
    assert removals["fiscal_year"].between(2006, 2013).all()


def test_kaplan_monthly_keeps_first_of_duplicate_months():
    wake = loaders.kaplan_monthly(["kaplan_wake_so_monthly"])
    assert not wake.duplicated(["agency", "date"]).any()
    raw = registry.load("kaplan_wake_so_monthly")
    assert raw["ym"].duplicated().any(), "the source has duplicated 2019 months"


def test_fbi_agency_annual_sources_and_months():
    roster = loaders.county_agencies({"NC060": "Mecklenburg", "NC092": "Wake"})
    assert {"NC06004", "NC09201"} <= set(roster["ori"])  # added: missing from the 2017 file
    table = loaders.fbi_agency_annual(roster).set_index(["ori", "year"])
    assert not table.index.duplicated().any()
    # Precedence: CMPD 2014 from the FBI's published table, 2016 from the CMPD file.
    assert table.loc[("NC06001", 2014), "source"] == "CIUS Table 8"
    assert table.loc[("NC06001", 2016), "source"] == "FBI CDE annual (CMPD)"
    assert table.loc[("NC09200", 2014), "source"] == "CIUS Table 10"  # Wake sheriff
    # Raleigh 2018: eleven zero months are gaps, one month of data.
    assert table.loc[("NC09201", 2018), "months"] == 1
    # The 2017 file does not record months.
    assert pd.isna(table.loc[("NC09202", 2017), "months"])
    row = table.loc[("NC06001", 2015)]
    assert row["violent"] == row[loaders.VIOLENT].sum()


def test_roster_counties_matches_every_agency_or_lists_it(tmp_path):
    snaps = loaders.roster_snapshots()
    joined = loaders.roster_counties(snaps)
    assert set(joined["agency"]) == set(snaps["agency"])  # nothing dropped silently
    jan = joined[joined["capture_date"] == "2017-01-29"]
    assert jan["fips"].dropna().nunique() == 34
    assert set(jan.loc[jan["fips"].isna(), "basis"]) == {
        "city police (not counted)",
        "state prisons (not counted)",
    }
    # A regional jail maps to three county equivalents; a misspelling is corrected.
    pw = joined[joined["agency"].str.startswith("Prince William")]
    assert set(pw["fips"]) == {"51153", "51683", "51685"}
    hartford = joined["agency"] == "Hartford County Sheriff's Office"
    assert set(joined.loc[hartford, "fips"]) == {"24025"}
    odd = snaps.head(1).assign(agency="Nowhere Police Department")
    with pytest.raises(ValueError, match="neither a county nor in"):
        loaders.roster_counties(odd)


def test_first_capture_on_or_after():
    jan = loaders.first_capture_on_or_after("2017-01-20")
    assert jan["capture_date"] == pd.Timestamp("2017-01-29")
    assert jan["agencies"] == 36 and jan["support_types"] == "Jail Enforcement"
    assert loaders.first_capture_on_or_after("2017-01-29")["capture_date"] == jan["capture_date"]
    with pytest.raises(ValueError, match="no roster capture"):
        loaders.first_capture_on_or_after("2030-01-01")


def test_kaplan_annual_reports_masked_gaps():
    annual, gaps = loaders.kaplan_annual(["kaplan_raleigh_monthly"])
    assert set(gaps["agency"]) == {"Raleigh PD"} and len(gaps) == 11
    row = annual[(annual["ori"] == "NC09201") & (annual["year"] == 2018)].iloc[0]
    assert row["agency"] == "Raleigh PD" and row["months"] == 1


def test_lookup_tables_have_a_basis_for_every_entry(tmp_path):
    for name in loaders.LOOKUPS:
        table = loaders.lookup(name)
        assert len(table) > 0 and table["basis"].str.len().gt(20).all(), name
    bad = tmp_path / "own_record_agencies.csv"
    bad.write_text('ori,rtci_agency,basis\nNC06001,"Charlotte, NC",\n')
    with pytest.raises(SchemaMismatchError, match="empty cells"):
        loaders.lookup("own_record_agencies.csv", folder=tmp_path)


def test_lookup_entries_match_the_files_they_describe():
    """Each lookup entry names something that exists in the registry's files."""
    names = set(loaders.agency_display_names())
    ucr = registry.load("ucr_agencies_2017")
    assert names <= set(ucr["agency_name"].str.title())
    own = loaders.rtci_monthly()
    assert set(loaders.own_record_agencies().values()) <= set(own["agency"])
    agreements = loaders.nc_agreements()
    missing = set(agreements.loc[agreements["county_fips"].isna(), "agency"])
    assert set(loaders.agreement_county_fips()) == missing
    pop = loaders.county_population().drop_duplicates("fips").set_index("fips")["county"]
    for agency, fips in loaders.agreement_county_fips().items():
        assert agency.startswith(pop[fips].removesuffix(" County")), agency
    prefixes = loaders.county_ori_prefixes()
    for row in prefixes.itertuples():
        assert pop[row.fips] == f"{row.county} County"
        assert (ucr["ori"].str[:5] == row.ori_prefix).any()
    raw = registry.load("kaplan_raleigh_nibrs_yearly")
    assert set(loaders.lookup("nibrs_violent_offenses.csv")["nibrs_column"]) <= set(raw.columns)


def test_cmpd_rape_derivation_matches_2017_agency_file():
    cmpd = loaders.cmpd_fbi_annual().set_index("year")
    ucr = registry.load("ucr_agencies_2017")
    assert cmpd.loc[2017, "rape"] == ucr.loc[ucr["ori"] == "NC06001", "actual_rape_total"].iloc[0]


def test_raleigh_summary_and_nibrs_years():
    summary = loaders.raleigh_summary_annual()
    assert list(summary.index) == [2019, 2020, 2021, 2022] and (summary["months"] == 12).all()
    nibrs = loaders.raleigh_nibrs_annual()
    assert (nibrs["violent"] == nibrs[loaders.VIOLENT].sum(axis=1)).all()
    assert set(summary.index) <= set(nibrs.index)


def test_county_names():
    names = loaders.county_names()
    assert names["37119"] == "Mecklenburg" and names["37183"] == "Wake"
