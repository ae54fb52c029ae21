"""Formatting helpers used to glue numbers into prose."""

import pandas as pd
import pytest

from factcheck.base import fmt
from factcheck.book import report


def test_formatters():
    assert fmt.fmt_int(1234.4) == "1,234"
    assert fmt.fmt_int(float("nan")) == "n/a"
    assert fmt.fmt_num(3.14159, 2) == "3.14"
    assert fmt.fmt_pct(12.345) == "12.3%"
    assert fmt.fmt_pct(5, 0, signed=True) == "+5%"
    assert fmt.fmt_millions(22_345_678) == "22.3 million"


def test_md_table_escapes_pipes_and_aligns_numbers():
    frame = pd.DataFrame({"name": ["a|b", None], "n": [1, 2]})
    lines = report.md_table(frame).splitlines()
    assert lines[0] == "| name | n |"
    assert lines[1] == "| :-- | --: |"
    assert lines[2] == "| a\\|b | 1 |"
    assert lines[3] == "|  | 2 |"


def test_md_table_escapes_html_in_cells_and_headers():
    frame = pd.DataFrame({"<b>h</b>": ["<img src=x onerror=alert(1)>", "AT&T\n<script>x</script>"]})
    text = report.md_table(frame)
    assert "<" not in text and ">" not in text
    lines = text.splitlines()
    assert lines[0] == "| &lt;b&gt;h&lt;/b&gt; |"
    assert lines[2] == "| &lt;img src=x onerror=alert(1)&gt; |"
    assert lines[3] == "| AT&amp;T &lt;script&gt;x&lt;/script&gt; |"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("{ref}`Article 000 <a000>`", "{ref}`Article 000 <a000>`"),  # a role's target stays
        ("`x < y` and <b>", "`x < y` and &lt;b&gt;"),  # code is literal; HTML outside is not
        ("``<img src=x>`", "``&lt;img src=x&gt;`"),  # unmatched runs open no code span
        ("\\`<img src=x>`", "\\`&lt;img src=x&gt;`"),  # an escaped backtick opens none
        ("``a ` <b>`` <i>", "``a ` <b>`` &lt;i&gt;"),  # a span closes on a run of equal length
        ("\\\\`<b>` <i>", "\\\\`<b>` &lt;i&gt;"),  # an escaped backslash: the span opens
        ("\\``<b>` <i>", "\\``<b>` &lt;i&gt;"),  # one backtick escaped, the next one opens
        ("[title](https://x.org/?a=1&b=2)", "[title](https://x.org/?a=1&amp;b=2)"),
    ],
)
def test_escape_html_outside_code_spans_only(text, escaped):
    assert report.escape_html(text) == escaped


def test_glue_words_are_markdown_and_numbers_text(monkeypatch):
    import myst_nb

    from factcheck.book import report

    stored = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: stored.update({name: value})
    )
    report.glue_texts("p", {"n": "12", "names": "Durham, Greensboro"}, words=["names"])
    assert stored["p-n"] == "12"
    assert stored["p-names"]._repr_markdown_() == "Durham, Greensboro"


def test_escaped_cells_never_render_as_html_under_commonmark():
    """Random mixes of backticks, backslashes and tags, rendered by MyST's Markdown parser."""
    import random

    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")  # raw HTML enabled, as in MyST
    pieces = ["`", "``", "\\", "<b>", "x", " ", "{ref}", "&"]
    rng = random.Random(287)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        rendered = parser.renderInline(report.escape_html(text))
        assert "<b>" not in rendered, (text, report.escape_html(text), rendered)


def test_glue_helpers_return_nothing(monkeypatch):
    """A cell ending with a glue call must not show the glued string as a stray output."""
    import myst_nb

    from factcheck.book import report

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: None)
    assert report.glue_text("t", "x") is None
    assert report.glue_value("v", 1234) is None
    assert report.glue_words("w", "Durham") is None
