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
