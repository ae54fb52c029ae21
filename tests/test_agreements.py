"""Agreement timelines on small known inputs."""

import pandas as pd
import pytest

from factcheck.data import agreements
from factcheck.data.registry import SchemaMismatchError

NAMES = pd.DataFrame(
    {
        "find": [" Sheriff's Office", "City of Durham Police Department"],
        "replace": [" SO", "Durham PD"],
        "source": ["test", "test"],
    }
)


def test_short_name_applies_each_abbreviation():
    assert agreements.short_name("Wake County Sheriff's Office", NAMES) == "Wake County SO"
    assert agreements.short_name("City of Durham Police Department", NAMES) == "Durham PD"
    assert agreements.short_name("Raleigh PD", NAMES) == "Raleigh PD"


def test_committed_short_names_have_sources():
    table = agreements.short_names()
    assert len(table) >= 2
    assert table["source"].str.strip().ne("").all()


def test_short_names_reject_a_row_without_source(tmp_path):
    bad = tmp_path / "names.csv"
    bad.write_text("find,replace,source\n Sheriff's Office, SO,\n")
    with pytest.raises(SchemaMismatchError, match="source"):
        agreements.short_names(bad)


def _inputs():
    ts = pd.Timestamp
    ag = pd.DataFrame(
        {
            "agency": [
                "A Sheriff's Office",
                "B Sheriff's Office",
                "C Sheriff's Office",
                "D Sheriff's Office",
                "E Sheriff's Office",
            ],
            "first_signed_best": [
                ts("2006-01-01"),
                ts("2007-01-01"),
                ts("2008-01-01"),
                ts("2009-01-01"),
                ts("2010-01-01"),
            ],
            "active_to": [ts("2012-06-30"), ts("2018-12-31"), pd.NaT, pd.NaT, pd.NaT],
            "terminated": [True, True, False, False, False],
        }
    )
    flags = pd.DataFrame(
        {"agency": ["D Sheriff's Office", "D Sheriff's Office"], "year": [2010, 2015]}
    )
    listed = pd.DataFrame(
        {
            "law enforcement agency": ["A Sheriff's Office", "C Sheriff's Office"],
            "signed": [ts("2019-05-01"), ts("2008-01-01")],
        }
    )
    return ag, flags, listed, ts("2025-05-16")


def test_segments_cover_each_case():
    seg = agreements.agreement_segments(*_inputs(), names=NAMES).set_index(["agency", "how"])
    # ended, then rejoined: two segments, the second from the later signing
    assert seg.loc[("A SO", "ended"), "end"] == pd.Timestamp("2012-06-30")
    assert seg.loc[("A SO", "in force"), "start"] == pd.Timestamp("2019-05-01")
    assert seg.loc[("B SO", "ended"), "end"] == pd.Timestamp("2018-12-31")
    assert seg.loc[("C SO", "in force"), "end"] == pd.Timestamp("2025-05-16")
    # not terminated, not listed: ends with the last flagged year
    assert seg.loc[("D SO", "ended"), "end"] == pd.Timestamp("2015-12-31")
    assert pd.isna(seg.loc[("E SO", "end not recorded"), "end"])
    assert len(seg) == 6


def test_order_latest_start_first():
    seg = agreements.agreement_segments(*_inputs(), names=NAMES)
    assert agreements.agency_order(seg) == ["E SO", "D SO", "C SO", "B SO", "A SO"]


def test_colour_key_and_years():
    assert agreements.segment_colour_key("Wake County SO", "ended", ("Wake",)) == "ended"
    assert agreements.segment_colour_key("Gaston County SO", "in force", ("Wake",)) == "kept"
    assert agreements.segment_colour_key("Gaston County SO", "ended", ("Wake",)) == "never"
    assert agreements.years_between("2000-01-01", "2010-01-01") == pytest.approx(10, abs=0.01)
