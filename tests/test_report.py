"""Formatting helpers used to glue numbers into prose."""

import pandas as pd

from factcheck import report


def test_formatters():
    assert report.fmt_int(1234.4) == "1,234"
    assert report.fmt_int(float("nan")) == "n/a"
    assert report.fmt_num(3.14159, 2) == "3.14"
    assert report.fmt_pct(12.345) == "12.3%"
    assert report.fmt_pct(5, 0, signed=True) == "+5%"
    assert report.fmt_millions(22_345_678) == "22.3 million"


def test_md_table_escapes_pipes_and_aligns_numbers():
    frame = pd.DataFrame({"name": ["a|b", None], "n": [1, 2]})
    lines = report.md_table(frame).splitlines()
    assert lines[0] == "| name | n |"
    assert lines[1] == "| :-- | --: |"
    assert lines[2] == "| a\\|b | 1 |"
    assert lines[3] == "|  | 2 |"


def test_glue_words_are_markdown_and_numbers_text(monkeypatch):
    import myst_nb

    from factcheck import report

    stored = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: stored.update({name: value})
    )
    report.glue_texts("p", {"n": "12", "names": "Durham, Greensboro"}, words=["names"])
    assert stored["p-n"] == "12"
    assert stored["p-names"]._repr_markdown_() == "Durham, Greensboro"
