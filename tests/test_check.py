"""check(): planted effects on a synthetic panel, the real index for several agencies and dates,
its warnings, name suggestions, the command, and the installed package outside the checkout."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import factcheck.check as checking
from factcheck.check import UnknownAgencyError, check
from factcheck.cli import main, parser
from factcheck.data import loaders, registry
from factcheck.stats import design, variation

from .conftest import ROOT

MONTHS = pd.date_range("2018-01-01", "2021-12-01", freq="MS")
DRAWS = 2_000  # bootstrap draws for the ordinary-variation test: enough for a verdict here


def synthetic(effect=1.0, since="2019-06-01", pretrend=0.0, seed=1, n=60):
    """An index-like monthly file: common month effects, agencies of many sizes, mild gamma
    noise. "Target, XX" has its counts multiplied by ``effect`` from ``since`` and, in the
    twelve months before ``since``, by a linear trend from ``1 - pretrend`` to ``1 +
    pretrend``."""
    rng = np.random.default_rng(seed)
    since = pd.Timestamp(since)
    season = np.exp(0.15 * np.sin(2 * np.pi * (MONTHS.month - 1) / 12) + rng.normal(0, 0.05, 48))
    units = {"Target, XX": 300.0}
    units |= {
        f"City{i}, XX": float(np.exp(rng.uniform(np.log(100), np.log(900)))) for i in range(n)
    }
    rows = []
    for agency, level in units.items():
        mean = level * season * rng.gamma(400, 1 / 400, 48)
        if agency == "Target, XX":
            mean = mean * np.where(MONTHS >= since, effect, 1.0)
            pre = (MONTHS >= since - pd.DateOffset(months=12)) & (MONTHS < since)
            ramp = np.ones(48)
            ramp[pre] = np.linspace(1 - pretrend, 1 + pretrend, pre.sum())
            mean = mean * ramp
        counts = {
            "murder": rng.poisson(mean / 50),
            "rape": rng.poisson(mean / 10),
            "robbery": rng.poisson(mean / 3),
            "aggravated_assault": rng.poisson(mean / 2),
        }
        rows.append(pd.DataFrame({"agency": agency, "state_abbr": "XX", "date": MONTHS, **counts}))
    out = pd.concat(rows, ignore_index=True)
    for column in loaders.VIOLENT:
        out[column] = out[column].astype(float)
    out["violent"] = out[loaders.VIOLENT].sum(axis=1)
    return out


@pytest.mark.parametrize("since", ["2019-06", "2020-01"])
def test_a_planted_effect_is_recovered_and_a_null_is_not_flagged(since):
    planted = check("Target, XX", since=since, monthly=synthetic(1.5, since), n_draws=DRAWS)
    d = planted.design
    assert d["low"] < 50 < d["high"], "the interval holds the planted +50%"
    assert abs(d["pct"] - 50) < 15
    assert d["rank"] == 1 and d["p"] <= 0.05
    assert "Target, XX" not in planted.members and len(planted.members) == d["controls"]
    null = check("Target, XX", since=since, monthly=synthetic(1.0, since), n_draws=DRAWS)
    assert null.design["low"] < 0 < null.design["high"] and null.design["p"] > 0.05
    assert not any(w.startswith("Pre-period") for w in null.warnings)


def test_a_pre_trend_fires_the_pre_period_warning():
    result = check(
        "Target, XX", since="2019-06", monthly=synthetic(1.0, pretrend=0.4), n_draws=DRAWS
    )
    assert result.design["pre_p"] <= 0.05
    assert any(w.startswith("Pre-period check failed") for w in result.warnings)
    assert "not credible" in result.to_markdown()


def test_a_missing_month_and_too_few_agencies_are_warned():
    monthly = synthetic(1.0, n=8)
    gap = (monthly["agency"] == "Target, XX") & (monthly["date"] == "2019-03-01")
    monthly.loc[gap, "violent"] = np.nan
    result = check("Target, XX", since="2019-06", monthly=monthly, n_draws=DRAWS)
    assert any(w.startswith("Incomplete months") for w in result.warnings)
    assert result.design is None  # no complete window, no design
    few = check("Target, XX", since="2019-06", monthly=synthetic(1.0, n=8), n_draws=DRAWS)
    assert any(w.startswith("Too few comparison agencies") for w in few.warnings)


def test_a_mistyped_name_gets_suggestions():
    with pytest.raises(UnknownAgencyError) as err:
        check("Targt, XX", monthly=synthetic())
    assert err.value.suggestions[0] == "Target, XX"
    assert check("target,  xx", since="2019-06", monthly=synthetic(), n_draws=DRAWS).agency == (
        "Target, XX"
    )


@pytest.fixture(scope="module")
def rtci():
    return loaders.rtci_monthly()


@pytest.fixture(scope="module")
def clean(rtci):
    return loaders.clean_monthly(rtci)


def test_the_book_case_gives_the_books_numbers(rtci, clean):
    """With the defaults, Charlotte since January 2019 is exactly the book's estimate and
    ordinary-variation verdict (the book's functions, called as the chapters call them)."""
    result = check("Charlotte, NC", since="2019-01", monthly=rtci)
    book = design.estimate(clean, "Charlotte, NC")
    assert (result.start, result.end, result.size_year) == ("2018-01", "2020-02", 2018)
    for key, value in {"pct": "pct", "p": "p", "rank": "rank", "pre_p": "pre_p"}.items():
        assert result.design[key] == book[value]
    assert result.design["lead_p"] == design.lead_check(clean, "Charlotte, NC")["p"]
    assessed = variation.assess(clean, "Charlotte, NC", offenses=["violent"]).loc["violent"]
    assert result.ordinary["z"] == assessed["z"] and result.ordinary["beyond"] == assessed["beyond"]
    assert result.change["before"] == assessed["before"]
    assert set(result.members) == set(
        design.comparison_set(clean, "size", "Charlotte, NC")["agency"]
    )


@pytest.mark.parametrize(
    ("agency", "since"),
    [("Durham, NC", "2018-12"), ("Asheville, NC", "2019-03"), ("Houston, TX", "2019-01")],
)
def test_real_agencies_on_two_policy_dates(rtci, clean, agency, since):
    result = check(agency, since=since, monthly=rtci)
    d = result.design
    members = design.comparison_set(
        clean, "size", agency, end=pd.Timestamp(result.end), treated=(),
        start=pd.Timestamp(result.start), post=pd.Timestamp(since), size_year=result.size_year,
    )  # fmt: skip
    assert result.members == list(members["agency"]) and d["controls"] == len(members)
    assert agency not in result.members
    changed = {m.agency for m in result.comparison if m.reason == "policy change in the window"}
    assert not changed & set(result.members)
    # the warnings follow the numbers, whatever they say
    assert any(w.startswith("Pre-period check failed") for w in result.warnings) == (
        d["pre_p"] < 0.05
    )
    assert any(w.startswith("Lead check failed") for w in result.warnings) == (d["lead_p"] < 0.05)
    assert d["low"] <= d["pct"] <= d["high"] or np.isnan(d["low"])
    assert 1 <= d["rank"] <= d["placebos"] + 1
    assert d["p"] == pytest.approx(d["p"]) and 0 < d["p"] <= 1
    if agency == "Houston, TX":  # the bug once read 'rank 1 of 7'; the unit is not its own placebo
        assert d["controls"] == 5
    else:
        assert "Charlotte, NC" in changed and "Raleigh, NC" in changed
    json.loads(result.to_json())


def test_an_agency_without_a_complete_size_year_gets_a_warning_not_an_error(rtci, clean):
    unit = "Baton Rouge, LA"
    assert unit not in design.size_2018(clean, year=2018).index
    result = check(unit, since="2019-01", monthly=rtci)
    assert result.design is None and result.members == []
    assert any(w.startswith("No comparison set") for w in result.warnings)
    state = check(unit, since="2019-01", monthly=rtci, rule="nc")
    assert {m.state for m in state.comparison if m.included} <= {"NC"}


def test_no_agency_is_in_its_own_comparison_set_whatever_the_date(clean):
    """Every agency of the index, two policy dates: the unit is always out, as 'the unit itself'."""
    agencies = sorted(clean["agency"].unique())
    assert len(agencies) > 250
    for post, start, end in [("2019-01", "2018-01", "2020-02"), ("2019-07", "2018-07", "2020-02")]:
        dates = {"start": pd.Timestamp(start), "post": pd.Timestamp(post)}
        sizes = design.size_2018(clean, year=2018)
        for unit in agencies:
            rule = "size" if unit in sizes.index else "nc"
            table = design.comparison_members(
                clean, rule, unit, end=pd.Timestamp(end), treated=(), **dates
            ).set_index("agency")
            assert table.loc[unit, "reason"] == "the unit itself", unit
            chosen = design.comparison_set(clean, rule, unit, end=pd.Timestamp(end), **dates)
            assert unit not in set(chosen["agency"]), unit


def test_the_command_writes_json_and_markdown_and_documents_every_option(tmp_path, capsys):
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    code = main(
        ["check", "Raleigh, NC", "--since", "2019-01", "--json", str(out_json),
         "--markdown", str(out_md)]
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    data = json.loads(out_json.read_text())
    assert data["agency"] == "Raleigh, NC" and data["design"]["controls"] == len(data["members"])
    assert printed.startswith("Raleigh, NC") and "Warnings" in printed
    assert out_md.read_text().startswith("# Raleigh, NC")
    sub = parser()._subparsers._group_actions[0].choices["check"]
    text = sub.format_help()
    for action in sub._actions:
        for option in action.option_strings:
            assert option in text
        assert action.help, action.dest
    assert main(["check", "Durhm, NC"]) == 2
    assert "Durham, NC" in capsys.readouterr().err
    assert main(["check", "Raleigh, NC", "--since", "2030-01"]) == 2
    assert "policy date" in capsys.readouterr().err
    assert main(["check", "Raleigh, NC", "--rule", "state", "--json", str(out_json)]) == 0
    members = json.loads(out_json.read_text())["comparison"]
    assert {m["state"] for m in members if m["reason"] == "in"} == {"NC"}


@pytest.mark.build
def test_the_installed_package_runs_the_command_outside_the_checkout(tmp_path):
    """pip install the project (not editable) into a fresh venv that sees the locked
    dependencies of the project's own venv, then run the command from an empty folder on two
    agencies: the registry and tables ship as package data; the mirror is found through
    FACTCHECK_DATA_MIRROR, as documented."""
    source = tmp_path / "src"
    for name in ["factcheck", "data", "pyproject.toml", "README.md", "LICENSE"]:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "locked_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    mirror = registry.mirror_dir()  # the project's own mirror, or its download cache
    env = os.environ | {registry.CACHE_ENV: str(registry.cache_dir())}
    env |= {registry.MIRROR_ENV: str(mirror) if mirror else "none"}
    for agency, since in [("Durham, NC", "2018-12"), ("Asheville, NC", "2019-03")]:
        run = subprocess.run(
            [venv / "bin" / "factcheck", "check", agency, "--since", since, "--json", "out.json"],
            cwd=outside, env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert run.stdout.startswith(agency) and "Warnings" in run.stdout
        data = json.loads((outside / "out.json").read_text())
        assert data["agency"] == agency and data["design"]["controls"] > 10
    where = subprocess.run(
        [python, "-c", "import factcheck.data.registry as r; print(r.PROJECT_ROOT)"],
        cwd=outside, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "site-packages" in where and str(ROOT) not in where
    assert checking.__name__ == "factcheck.check"
