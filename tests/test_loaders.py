"""Tidy loaders: shapes, definitions and cross-checks against independent files."""

import pandas as pd
import pytest

from factcheck.data import loaders, registry
from factcheck.data.registry import SchemaMismatchError


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
    # One source per agency: a monthly file, when there is one, for every year.
    monthly = table[table["source"] == "FBI monthly file"].index.get_level_values("ori")
    assert set(monthly) == {
        r
        for r in roster["ori"]
        if r not in {"NC06001", "NC06008", "NC09215", "NC09216", "NC09217", "NC09235"}
    }
    assert not table.loc[list(set(monthly))].query("source != 'FBI monthly file'").shape[0]
    assert table.loc[("NC09200", 2014), "source"] == "FBI monthly file"  # Wake sheriff
    # Raleigh 2018: eleven zero months are gaps, one month of data.
    assert table.loc[("NC09201", 2018), "months"] == 1
    # Cornelius 2017-2019 are blank in the source: no month reported, no count.
    assert table.loc[("NC06004", 2018), "months"] == 0
    assert pd.isna(table.loc[("NC06004", 2018), "violent"])
    # The 2017 file does not record months (agencies with no monthly file).
    assert pd.isna(table.loc[("NC09217", 2017), "months"])
    row = table.loc[("NC06001", 2015)]
    assert row["violent"] == row[loaders.VIOLENT].sum()


def test_full_files_sum_four_offenses_without_manslaughter():
    cary = loaders.kaplan_full_monthly(["kaplan_full_cary"]).set_index("date")
    raw = registry.load("kaplan_full_cary").set_index("ym")
    # April 2021: the source's violent total (13) counts 2 manslaughters; the FBI's does not.
    assert raw.loc["2021-04", "actual_index_violent"] == 13
    assert cary.loc["2021-04-01", "violent"] == 11
    assert (cary["violent"] == cary[loaders.VIOLENT].sum(axis=1)).all()
    blank = loaders.kaplan_full_monthly(["kaplan_full_cornelius"]).set_index("date")
    assert blank.loc["2018-06-01", loaders.VIOLENT].isna().all()  # blank stays missing


def test_full_files_agree_with_the_fbi_tables_where_the_year_is_complete():
    """Where a monthly file has twelve reported months, its sums equal the FBI's own tables."""
    roster = loaders.county_agencies({"NC060": "Mecklenburg", "NC092": "Wake"})
    annual, _ = loaders.kaplan_annual()
    full = annual[annual["months"] == 12].set_index(["ori", "year"])
    by_name = roster.set_index("name")["ori"]
    compared = 0
    for year in (2014, 2015):
        table = registry.load(f"cius_table8_nc_{year}").rename(columns=loaders.CIUS_COLUMNS)
        table["ori"] = table["City"].astype(str).str.lower().map(by_name)
        for row in table.dropna(subset=["ori"]).itertuples():
            if (row.ori, year) in full.index:
                assert full.loc[(row.ori, year), "violent"] == row.violent, (row.ori, year)
                compared += 1
    ucr = registry.load("ucr_agencies_2017").set_index("ori")
    for (ori, _year), row in full.loc[(slice(None), 2017), :].iterrows():
        assert row["murder"] == ucr.loc[ori, "actual_murder"], ori
        assert row["aggravated_assault"] == ucr.loc[ori, "actual_assault_aggravated"], ori
        assert row["rape"] == ucr.loc[ori, "actual_rape_total"], ori
        assert row["robbery"] == ucr.loc[ori, "actual_robbery_total"], ori
        compared += 1
    assert compared > 30


def test_full_files_agree_with_the_old_extracts_except_documented_revisions():
    """The partial extracts were transcribed from older versions of the same files: the four
    violent offenses agree month by month, except the revisions the provenance notes list."""
    pairs = {
        "kaplan_huntersville_monthly": "kaplan_full_huntersville",
        "kaplan_pineville_monthly": "kaplan_full_pineville",
        "kaplan_garner_monthly": "kaplan_full_garner",
        "kaplan_cornelius_monthly": "kaplan_full_cornelius",
        "kaplan_matthews_monthly": "kaplan_full_matthews",
    }
    for old, new in pairs.items():
        a = loaders.kaplan_monthly([old]).set_index("date")[loaders.VIOLENT]
        b = loaders.kaplan_full_monthly([new]).set_index("date")[loaders.VIOLENT].loc[a.index]
        both = a.notna().all(axis=1) & b.notna().all(axis=1)
        assert both.sum() >= 20 and (a[both] == b[both]).all().all(), old
    # Wake SO 2019: the extract held every month twice; the complete file equals the second row.
    raw = registry.load("kaplan_wake_so_monthly")
    second = raw[(raw["dup"] == 2)].set_index("ym")
    full = registry.load("kaplan_full_wake_so").set_index("ym").loc[second.index]
    assert (full["actual_murder"] == second["murder"]).all()
    assert (full["actual_assault_aggravated"] == second["agg"]).all()


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
    annual, gaps = loaders.kaplan_annual(["kaplan_full_raleigh"])
    assert set(gaps["agency"]) == {"Raleigh PD"}
    assert (gaps["reason"] == "blank").sum() == 48  # 2014-2017 blank in the source
    zero = gaps[gaps["reason"] == "zero"]
    assert len(zero) == 11 and (zero["date"].dt.year == 2018).all()
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


def test_cius_listed_names_whole_year_reporters():
    roster = loaders.county_agencies({"NC060": "Mecklenburg", "NC092": "Wake"})
    listed = loaders.cius_listed(roster, 2015)
    assert {"NC06001", "NC09200", "NC09203"} <= set(listed)  # CMPD, Wake sheriff, Cary
    assert "NC09202" not in listed and "NC09201" not in listed  # Apex, Raleigh: not in 2015
