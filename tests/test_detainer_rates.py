"""Small detainer arithmetic."""

import pytest

from factcheck.stats import detainer_rates


def test_share_and_weekly_pace():
    assert detainer_rates.share_pct(206, 3083) == pytest.approx(100 * 206 / 3083)
    assert detainer_rates.at_weekly_pace(206) == 206 * 13
    assert detainer_rates.at_weekly_pace(10, weeks=4) == 40
    with pytest.raises(ValueError):
        detainer_rates.share_pct(1, 0)
    with pytest.raises(ValueError):
        detainer_rates.at_weekly_pace(1, weeks=0)


def test_years_in():
    assert detainer_rates.years_in("State prisoners released in 2012 arrested within 3 years") == 3
    assert detainer_rates.years_in("arrested within 1 year") == 1
    with pytest.raises(ValueError):
        detainer_rates.years_in("arrested in their first year")
