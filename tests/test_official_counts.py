"""The official reports' counts of the 287(g) program and the check against the roster."""

import pandas as pd
import pytest

from factcheck.book import wording


def _figures(oig=36, gao=35):
    values = {fid: 1.0 for fid in wording.OFFICIAL_COUNTS.values()}
    values.update({"oig_287g_participants_2017_01": oig, "gao_287g_agreements_2017_01": gao})
    return pd.DataFrame({"value": values})


def test_counts_are_keyed_for_glue():
    counts = wording.official_counts(figures=_figures())
    assert set(counts) == set(wording.OFFICIAL_COUNTS)
    assert counts["oig-2017"] == 36 and counts["gao-2017"] == 35


def test_roster_check_by_hand():
    assert wording.official_counts(36, figures=_figures())["gao-2017"] == 35
    with pytest.raises(ValueError, match="inspector general"):
        wording.official_counts(37, figures=_figures())  # OIG no longer equals the roster
    with pytest.raises(ValueError):
        wording.official_counts(36, figures=_figures(gao=36))  # GAO no longer lower
    with pytest.raises(ValueError):
        wording.official_counts(36, figures=_figures(gao=30))  # outside the tolerance


def test_the_published_counts():
    counts = wording.official_counts(36)
    assert counts["ice-jul-2020"] == 139 and counts["gao-2020"] == 150
    assert counts["ice-tx-2017"] == 18 and counts["ice-all-2017"] == 60


def test_official_growth_text_gives_the_change_and_both_counts():
    text = wording.official_growth_text({"oig-2017": 36.0, "ice-jul-2020": 139.0})
    assert (
        text
        == "103 more agencies: 36 in January 2017 (DHS inspector general), 139 in July 2020 (ICE)"
    )
