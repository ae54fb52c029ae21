"""Ranks from the lowest, in words."""

import pandas as pd
import pytest

from factcheck.stats import trends


def test_rank_from_lowest_and_phrase():
    series = pd.Series({2015: 5.0, 2016: 3.0, 2017: 4.0, 2018: 2.0, 2019: 2.5, 2020: 1.0})
    assert trends.rank_from_lowest(series, 2019, upto=2019) == 2
    assert trends.rank_from_lowest(series, 2019) == 3
    assert trends.rank_phrase(1) == "the lowest"
    assert trends.rank_phrase(2) == "the second-lowest"
    assert trends.rank_phrase(7) == "number 7 from the bottom"
    with pytest.raises(KeyError):
        trends.rank_from_lowest(series, 2020, upto=2019)
    with pytest.raises(ValueError):
        trends.rank_phrase(0)


def test_violent_rate():
    est = pd.DataFrame(
        {
            "state_abbr": ["MD", "MD", "VA"],
            "year": [2019, 2018, 2019],
            "violent": [500, 600, 1],
            "population": [1_000_000, 1_000_000, 10],
        }
    )
    rate = trends.violent_rate(est, "MD")
    assert rate.index.tolist() == [2018, 2019]
    assert rate.tolist() == pytest.approx([60.0, 50.0])
    with pytest.raises(KeyError):
        trends.violent_rate(est, "XX")
