"""Glue discipline: no number typed by hand into a chapter's prose."""

from pathlib import Path

import pytest

from factcheck import prose

CHAPTERS = sorted(Path(__file__).resolve().parent.parent.joinpath("chapters").glob("*.md"))

SAMPLE = """---
jupytext:
  format_version: 0.13
---

# Article 000: what happened in FY2019 and 2018-2019

(label-1)=
ICE lodged 42 requests, down 92.2% from nearly 1,600 in 2018.
The glued value {glue:text}`n-42` and `inline 77` and a link <https://example.org/55> are fine.
See [the data](https://example.org/page/66) on 287(g) and form I-247 since 2019-01-01.
Rates per 100,000 residents are a unit, not a statistic.

```{code-cell} ipython3
x = 12345
```

:::{admonition} Verdict
Up to 48 hours.
:::

```{glue:figure} fig-1
:name: fig-1
:alt: chart 33

Caption with 95% intervals.
```
"""


def test_finds_hand_typed_numbers_and_ignores_labels():
    found = [(f.line, f.token) for f in prose.find_numbers(SAMPLE)]
    assert found == [(9, "42"), (9, "92.2%"), (9, "1,600"), (19, "48"), (26, "95%")]


def test_years_alone_are_allowed_but_not_with_commas():
    assert prose.find_numbers("In 2019 crime rose.") == []
    assert [f.token for f in prose.find_numbers("It rose by 2,019.")] == ["2,019"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_prose_has_no_hand_typed_numbers(path):
    findings = prose.find_numbers(path.read_text(encoding="utf-8"), str(path))
    assert not findings, "glue these numbers from code:\n" + "\n".join(map(str, findings))


def test_cli_exit_code(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text("We counted 17 cases.\n")
    assert prose.main([str(bad)]) == 1
    assert "17" in capsys.readouterr().out
    good = tmp_path / "good.md"
    good.write_text("We counted {glue:text}`n` cases in 2019.\n")
    assert prose.main([str(good)]) == 0
