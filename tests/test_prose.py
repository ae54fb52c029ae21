"""Glue discipline: no number typed by hand into a chapter's prose."""

from pathlib import Path

import pytest

from factcheck.ledger import prose

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(ROOT.joinpath("chapters").glob("*.md"))
LEDGER = ROOT / "data" / "claims.yml"

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
    new, _ = prose.split_pending(findings, path.name)
    assert not new, "glue these numbers from code:\n" + "\n".join(map(str, new))


def test_pending_lists_only_number_words_of_other_owners_chapters():
    """The transitional list is for the new number-word rule only, never for digits."""
    for chapter, tokens in prose.PENDING.items():
        assert (ROOT / "chapters" / chapter).is_file(), chapter
        assert all(not any(ch.isdigit() for ch in t) for t in tokens)
        assert chapter not in {"intro.md", "methods.md", "scorecard.md"}


def test_pending_is_a_ratchet(tmp_path, capsys, monkeypatch):
    # A stand-in entry, so the test does not depend on which chapters are still pending.
    monkeypatch.setitem(prose.PENDING, "pending_example.md", ["five", "three"])
    chapter = tmp_path / "pending_example.md"
    chapter.write_text("It ended five years before, with three groups.\n")
    assert prose.main([str(chapter)]) == 0  # both listed as pending for this chapter
    assert "pending" in capsys.readouterr().out
    chapter.write_text("It ended five years before, with three groups and seven more.\n")
    assert prose.main([str(chapter)]) == 1


def test_the_ledger_text_has_no_hand_typed_numbers():
    assert prose.ledger_findings(LEDGER) == []


def test_cli_exit_code(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_text("We counted 17 cases.\n")
    assert prose.main([str(bad)]) == 1
    assert "17" in capsys.readouterr().out
    good = tmp_path / "good.md"
    good.write_text("We counted {glue:text}`n` cases in 2019.\n")
    assert prose.main([str(good)]) == 0


def tokens(text: str) -> list[str]:
    return [f.token for f in prose.find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The file holds eleven months of 2018.", ["eleven"]),
        ("It lasted five years.", ["five"]),
        ("About half of the agreements are new.", ["About half"]),
        ("Half the agreements are new.", ["Half the"]),
        ("Jail agreements roughly doubled.", ["doubled"]),
        ("It rose twice as fast.", ["twice"]),
        ("There are forty-five of them and twenty more.", ["forty-five", "twenty"]),
        ("Agencies record dozens a month; thousands were flagged.", ["dozens", "thousands"]),
        ("More than a dozen joined.", ["a dozen"]),
        ("It covers two years.", ["two years"]),
        ("A third of them left.", ["A third of"]),
        ("One in five was re-arrested.", ["One in five"]),
        ("It grew tenfold.", ["tenfold"]),
    ],
)
def test_number_words_are_flagged(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The two series are never joined.",
        "One county rose and the other fell.",
        "A rise from one year to the next is common.",
        "The article says ICE \u201cflagged more than eleven hundred people\u201d that year.",
        'The article calls it "five times worse".',
        "The second quarter of fiscal year 2018 ended in March.",
        "It ran through a quarter at that pace.",
        "Both counties ended their agreements; neither said why.",
        "A single case cannot show a rate.",
    ],
)
def test_structural_words_and_quotations_are_not_flagged(text):
    assert tokens(text) == []


def test_counts_that_look_like_years_are_flagged_but_years_are_not():
    assert tokens("There were 2018 arrests that year.") == ["2018"]
    assert tokens("ICE lodged about 2000 requests.") == ["2000"]
    assert tokens("The total was 1999 people.") == ["1999"]
    for fine in [
        "In 2018 arrests rose.",
        "The last flag was 2019.",
        "Crime rose from 2018 to 2019 and fell in 2020.",
        "Counts for 2018 and 2019 differ.",
        "The 2019 estimates were revised.",
        "Data since 2014 show it; the 2018-2019 change is small.",
        "It ended on 4 December 2018 and on December 4, 2018 in the other county.",
        "Over 2018 and 2019 the rate fell.",
    ]:
        assert tokens(fine) == [], fine


def test_footnote_markers_are_not_flagged_but_footnote_text_is():
    text = "Crime rose in 2019.[^1] See also.[^note-2]\n\n[^1]: The file has 17 agencies.\n"
    assert tokens(text) == ["17"]


def test_html_blocks_are_checked_by_their_text():
    text = (
        '<p class="x">Download the 42-page PDF</p>\n'
        '<div class="note">\nWe counted 17 cases.\n</div>\n'
        "<!-- a comment with 99 is not shown -->\n"
        "<!--\nmulti-line comment 98\n-->\n"
        "<script>var x = 97;</script>\n"
        "<style>\n.a { width: 96px; }\n</style>\n"
        '<img src="fig-95.png" alt="chart">\n'
    )
    assert tokens(text) == ["42", "17"]


def test_table_and_list_table_bodies_are_checked():
    text = (
        "```{table} Counts by year\n:name: tab-1\n\n"
        "| year | count |\n|---|---|\n| 2019 | 123 |\n```\n\n"
        ":::{list-table} Agencies\n:header-rows: 1\n\n"
        "* - agency\n  - count\n* - Raleigh\n  - 456\n:::\n"
        "```python\nx = 789\n```\n"
    )
    assert tokens(text) == ["123", "456"]


def test_ledger_findings_cover_every_text_field(tmp_path):
    ledger = tmp_path / "claims.yml"
    ledger.write_text(
        "claims:\n"
        "  - id: a900-01\n"
        '    quote: "nearly 540 requests"\n'
        '    verdict: "Accurate: about half of them, 12 in all."\n'
        '    omitted_context: "Eleven months are missing."\n'
        '    gap: "It rose in 2019."\n'
        '    missing_data: "The file of 2,019 rows."\n'
    )
    found = [(f.path.split()[-1], f.token) for f in prose.ledger_findings(ledger)]
    assert found == [
        ("verdict", "12"),
        ("verdict", "about half"),
        ("omitted_context", "Eleven"),
        ("missing_data", "2,019"),
    ]
    assert prose.main([str(ledger)]) == 1


def test_digits_attached_to_letters_are_flagged():
    assert tokens("Raleigh ranked 91st of them.") == ["91st"]
    assert tokens("It rose 3x, to 5k offenses, a 2bn budget.") == ["3x", "5k", "2bn"]
    assert tokens("Over 3½ years, ½ of them.") == ["3½", "½"]
    assert tokens("It ended on October 1st, the 1st of October, in the 21st century.") == []


def test_displayed_directive_titles_are_checked_but_figure_paths_are_not():
    text = (
        ":::{admonition} Verdict on 42 claims\n:class: verdict\nBody.\n:::\n"
        "```{table} Counts for 17 agencies\n| a |\n|---|\n| b |\n```\n"
        "```{figure} ../figures/fig-33.png\n:name: fig-33\n\nCaption.\n```\n"
        ":::{note}\nPlain.\n:::\n"
    )
    assert tokens(text) == ["42", "17"]


def test_list_markers_and_version_numbers_are_not_statistics():
    text = "1. The error is reproduced.\n2. The report is rebuilt with 3 fixes.\n"
    assert tokens(text) == ["3"]
    assert (
        tokens("Licensed under Creative Commons Attribution 4.0 International (CC BY 4.0).") == []
    )
    assert tokens("It grew by 4.0 points.") == ["4.0"]
