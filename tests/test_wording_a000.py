"""The a000 chapters' glue builders (issue 17) on known inputs, and their checks seen to fail."""

from types import SimpleNamespace

import pandas as pd
import pytest

from factcheck.book import wording


class Ledger:
    def __init__(self, values):
        self.values = values

    def claim(self, claim_id):
        return {"claimed_value": self.values[claim_id]}


def test_wake_detainer_figures_on_known_inputs():
    ledger = Ledger({"a000-12": 300, "a000-14": 1200, "a000-15": 2400, "a000-16": 40})
    published = {
        "wake_detainers_declined_2019_2020": 1100,
        "wake_detainers_declined_window_months": 20,
        "irli_wake_transfers_2018": 1500,
        "irli_wake_transfers_2019": 90,
        "wake_detainers_not_honored_dec2018": 100,
    }.__getitem__
    texts, values = wording.wake_detainer_figures(ledger, published)
    # floor 1,100 - 100 = 1,000 over 20 months = 50 a month, against 2,400 / 12 = 200 a month
    assert values["wake-floor"] == 1000
    assert values["wake-floor-per-month"] == 50 and values["wake-fy2018-per-month"] == 200
    assert values["wake-fall"] == 4 and values["wake-fall-share"] == 0.75
    assert values["meck-fall-share"] == 0.75 and values["meck-fy2018"] == 1200
    assert texts["wake-fy2018"] == "2,400" and texts["wake-floor"] == "1,000"
    assert texts["wake-fall"] == "4.0" and texts["wake-fall-share"] == "75%"
    assert texts["wake-transfers-2018"] == "1,500" and texts["wake-not-honoured"] == "100"
    assert "meck-fy2018" not in texts


def test_agency_year_texts():
    annual = pd.DataFrame(
        {
            "agency": ["Raleigh PD", "Raleigh PD", "Durham PD"],
            "year": [2018, 2019, 2018],
            "violent": [1234, 2000, 5],
            "months": [9, 12, 12],
        }
    )
    texts = wording.agency_year_texts(annual, "Raleigh PD", 2018, "r")
    assert texts == {"r": "1,234", "r-months": "9", "r-gaps": "3"}


def test_homicide_reconciliation_and_its_check():
    table, texts = wording.homicide_reconciliation((57, 107), (57, 100), 56)
    assert table.shape == (2, 4)
    assert texts == {"2018": "57", "2019": "107", "pct": "+87.7%", "gap": "7", "2018-first": "56"}
    with pytest.raises(ValueError):
        wording.homicide_reconciliation((58, 107), (57, 100), 56)  # disagree on 2018
    with pytest.raises(ValueError):
        wording.homicide_reconciliation((57, 99), (57, 100), 56)  # records higher in 2019


def did_rows(**changes):
    """Two units, two offenses each, two windows; unit A's murder alone below 0.05."""
    rows = []
    for end, late in (("2019-12", False), ("2021-12", True)):
        for unit, offense, p, rank in [
            ("A", "murder", 0.03, 1),
            ("A", "robbery", 0.2, 3),
            ("A", "rape", 0.6, 9),
            ("B", "murder", 0.5, 8),
        ]:
            rows.append(
                {
                    "rule": "size",
                    "end": end,
                    "unit": unit,
                    "offense": offense,
                    "p": p,
                    "p_raw": 0.1,
                    "rank": rank,
                    "p_holm": min(4 * p, 1),
                    "pre_p": 0.4,
                    "pct": 10.0 if late else 20.0,
                    "controls": 39,
                }
            )
    rows.append(dict(rows[0], rule="nc", p=0.001))  # another rule: not judged here
    did = pd.DataFrame(rows)
    for column, (mask, value) in changes.items():
        did.loc[mask(did), column] = value
    return did


def test_did_findings_hold_and_fail():
    main, problems = wording.did_findings(did_rows(), "A", ["murder", "robbery"])
    assert problems == []
    assert main.loc[("A", "murder"), "controls"] == 39 and len(main) == 4
    first_main = lambda d: (d["unit"] == "A") & (d["offense"] == "murder") & (d["end"] == "2019-12")  # noqa: E731
    _, problems = wording.did_findings(
        did_rows(p_raw=(first_main, 0.01)), "A", ["murder", "robbery"]
    )
    assert problems == ["none below alpha raw"]
    _, problems = wording.did_findings(did_rows(pre_p=(first_main, 0.04)), "A", ["murder"])
    assert problems == ["no 2018 check at or below alpha"]
    late_robbery = lambda d: (d["offense"] == "robbery") & (d["end"] == "2021-12")  # noqa: E731
    _, problems = wording.did_findings(
        did_rows(pct=(late_robbery, 30.0)), "A", ["murder", "robbery"]
    )
    assert problems == ["['murder', 'robbery'] smaller late"]
    _, problems = wording.did_findings(did_rows(controls=(first_main, 3)), "A", ["murder"])
    assert problems == []  # the largest count of controls sets the floor
    _, problems = wording.did_findings(
        did_rows(controls=(lambda d: d["p"] > 0, 99)), "A", ["murder"]
    )
    assert problems == ["placebo floor above Bonferroni"]  # 1/100 < 0.05/4
    _, problems = wording.did_findings(did_rows(), "A", ["robbery", "murder"])
    assert "only ('A', 'robbery') at or below alpha" in problems


def test_urban_county_rates_reads_both_editions(monkeypatch):
    early = pd.DataFrame(
        {
            "year": [2015],
            "fips": ["37119"],
            "violent_crime_rate": [5.0],
            "crime_rate_quality": ["ok"],
        }
    )
    late = pd.DataFrame(
        {
            "year": [2021],
            "fips": ["37119"],
            "rate_crime_violent": [7.0],
            "rate_crime_violent_quality": ["ok"],
        }
    )
    tables = {"urban_county_crime_2015_2017": early, "urban_county_crime_2021_2023": late}
    monkeypatch.setattr(wording, "registry", SimpleNamespace(load=tables.__getitem__))
    seen = []
    monkeypatch.setattr(
        wording, "county_rates", lambda t, r, q, g, e: seen.append((r, q, g, e)) or t
    )
    out = wording.urban_county_rates({"37119": "ended"}, {"37119"})
    assert [label for _, label in out] == ["UCR-based (2015, 2017)", "NIBRS-based (2021-2023)"]
    assert out[0][0] is early and out[1][0] is late
    assert seen[0][:2] == ("violent_crime_rate", "crime_rate_quality")
    assert seen[1][:2] == ("rate_crime_violent", "rate_crime_violent_quality")
    assert seen[0][2:] == ({"37119": "ended"}, {"37119"})
