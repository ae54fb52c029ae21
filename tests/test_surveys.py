"""Pew readings of views of ICE: texts for the chapter and the checks behind its prose."""

import pytest

from factcheck.data import surveys


def fake(values):
    return lambda key: values[key]


FIGURES = {
    "pew_ice_unfavorable_2018": 47,
    "pew_ice_unfavorable_2019": 54,
    "pew_agencies_asked_2018": 9,
    "pew_agencies_asked_2019": 16,
}


def test_months_between_counts_calendar_months():
    assert surveys.months_between("2019-09-16", "2020-07-15") == 10
    assert surveys.months_between("2019-09-30", "2019-10-01") == 1
    assert surveys.months_between("2020-01-01", "2020-01-31") == 0
    with pytest.raises(ValueError):
        surveys.months_between("2020-01-01", "2019-12-31")


def test_pew_ice_texts_by_hand():
    texts = surveys.pew_ice_texts(fake(FIGURES))
    assert texts["2018"] == "47%" and texts["2019"] == "54%"
    assert texts["agencies-2018"] == "9" and texts["agencies-2019"] == "16"
    assert texts["gap-months"] == "10"


@pytest.mark.parametrize(
    "change",
    [{"pew_ice_unfavorable_2019": 47}, {"pew_agencies_asked_2018": 16}],
)
def test_pew_ice_texts_refuse_figures_that_contradict_the_prose(change):
    with pytest.raises(ValueError):
        surveys.pew_ice_texts(fake({**FIGURES, **change}))
