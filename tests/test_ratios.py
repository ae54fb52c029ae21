"""Corrections to a ratio of rates move it in both directions, by known amounts."""

import pytest

from factcheck.stats import ratios


def rate_ratio(count_a: float, pop_a: float, count_b: float, pop_b: float) -> float:
    """Ratio of two rates, written out for the planted examples."""
    return (count_a / pop_a) / (count_b / pop_b)


def test_adjusted_ratio_lowers_and_raises():
    assert ratios.adjusted_ratio(4.0) == 4.0
    assert ratios.adjusted_ratio(4.0, counts_per_person=2.0) == pytest.approx(2.0)
    assert ratios.adjusted_ratio(4.0, counts_per_person=0.5) == pytest.approx(8.0)
    assert ratios.adjusted_ratio(4.0, population_factor=1.25) == pytest.approx(3.2)
    assert ratios.adjusted_ratio(4.0, population_factor=0.8) == pytest.approx(5.0)
    # Only half of group A's offenders identified: the corrected ratio doubles.
    assert ratios.adjusted_ratio(4.0, status_found_share=0.5) == pytest.approx(8.0)
    assert ratios.adjusted_ratio(4.0, 2.0, 1.25) == pytest.approx(1.6)
    for bad in [{"counts_per_person": 0}, {"population_factor": -1}, {"status_found_share": 1.5}]:
        with pytest.raises(ValueError):
            ratios.adjusted_ratio(4.0, **bad)


def test_adjusted_ratio_matches_recount_of_planted_data():
    # Group A: 100 people, 8 offenders with 2 charges each, population estimated at 1,000 but
    # really 1,250. Group B: 10 offenders, 1 charge each, population 10,000.
    reported = rate_ratio(8 * 2, 1000, 10, 10_000)
    true_people = rate_ratio(8, 1250, 10, 10_000)
    assert ratios.adjusted_ratio(reported, 2.0, 1.25) == pytest.approx(true_people)
    # Status recorded for only 4 of A's 8 offenders (the rest sit in an unknown group).
    seen = rate_ratio(4, 1250, 10, 10_000)
    assert ratios.adjusted_ratio(seen, status_found_share=0.5) == pytest.approx(true_people)


def test_sensitivity_shows_both_directions():
    table = ratios.sensitivity(4.0)
    assert list(table["parameter"]) == [a.parameter for a in ratios.ADJUSTMENTS]
    assert table["lowers"].any() and table["raises"].any()
    charges = table.set_index("parameter").loc["counts_per_person"]
    assert charges["lowest"] == pytest.approx(2.0) and charges["highest"] == pytest.approx(8.0)
    status = table.set_index("parameter").loc["status_found_share"]
    assert not status["lowers"] and status["raises"]
    assert (table["lowest"] <= 4.0).all() and (table["highest"] >= 4.0).all()


def test_study_ratios_divides_and_formats(tmp_path):
    path = tmp_path / "studies.csv"
    path.write_text(
        "study,measure,numerator_figure,denominator_figure,prefix,digits,source\n"
        "A,m1,x,,over ,0,s\n"
        "B,m2,y,z,,2,s\n"
    )
    figures = {"x": 2.0, "y": 3.9, "z": 3.0}
    table = ratios.study_ratios(path, published=figures.__getitem__)
    assert table["value"].tolist() == pytest.approx([2.0, 1.3])
    assert table["shown"].tolist() == ["over 2", "1.30"]
    bad = tmp_path / "bad.csv"
    bad.write_text("study,measure\nA,m\n")
    with pytest.raises(ValueError):
        ratios.study_ratios(bad, published=figures.__getitem__)


def test_committed_study_table_is_complete():
    table = ratios.study_ratios()
    assert len(table) >= 5 and table["value"].gt(0).all()
