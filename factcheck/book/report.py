"""Helpers for chapters: glue numbers and texts into prose, show Markdown, build Markdown
tables, escape text for MyST and HTML.

Every number in a chapter's prose is computed in a code cell and inserted with myst-nb's
``glue``; these helpers, with the formatting of :mod:`factcheck.base.fmt`, keep it the same
across chapters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from urllib.parse import quote

import pandas as pd

from factcheck.base.fmt import fmt_int, fmt_millions, fmt_num, fmt_pct

FORMATTERS = {"int": fmt_int, "num": fmt_num, "pct": fmt_pct, "millions": fmt_millions}


def glue_text(name: str, text: str) -> None:
    """Glue a preformatted string for ``{glue:text}`` in prose.

    Returns nothing, so a code cell that ends with a glue call shows no stray output.
    """
    from myst_nb import glue

    glue(name, text, display=False)


def glue_value(name: str, value: float, kind: str = "int", **options) -> None:
    """Format ``value`` (kind: int, num, pct, millions) and glue the text under ``name``."""
    glue_text(name, FORMATTERS[kind](value, **options))


def escape_html(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` everywhere except inside Markdown code spans.

    Text inside a code span (```` `...` ````, also the body of a MyST role such as
    ``{ref}`Article 000 <a000>` ``) is shown literally and can never become HTML, so it is kept
    as it is: an entity there would be printed as ``&lt;``. Code spans are found as CommonMark
    does: a run of backticks (not escaped by a backslash) opens one, and the next run of the same
    length closes it; an unmatched run is ordinary text.
    """
    out, plain, pos = [], 0, 0
    while (opening := _opening_run(text, pos)) is not None:
        start, end = opening
        closing = next(
            (m for m in BACKTICKS.finditer(text, end) if m.end() - m.start() == end - start), None
        )
        if closing is None:  # no closing run: the backticks are literal text
            pos = end
            continue
        out += [html.escape(text[plain:start], quote=False), text[start : closing.end()]]
        plain = pos = closing.end()
    out.append(html.escape(text[plain:], quote=False))
    return "".join(out)


BACKTICKS = re.compile(r"`+")

# Characters that MyST can read as markup inside a line of text: code spans and roles (backtick),
# roles, substitutions and attributes ({ }), emphasis (* _), links and spans ([ ]), table cells
# (|), colon fences and field lists (:), math ($), strikethrough (~), images (!), headings (#).
MYST_SPECIAL = re.compile(r"([\\`*_{}\[\]|:$~!#^])")


def escape_myst(text: object) -> str:
    """Plain text (a ledger or CSV value) as MyST that shows exactly that text, and no markup.

    ``&``, ``<`` and ``>`` become HTML entities, so no tag can reach a page (HTML or PDF: MyST
    reads entities as characters); every character MyST could read as markup (backticks, braces,
    colons, emphasis, brackets, pipes, dollars, ...) gets a backslash (CommonMark shows an
    escaped ASCII punctuation character as itself); line breaks become spaces, so a value can
    never open a block (a ``:::`` fence, a heading, a list) on a line of its own. Use it at every
    point where ledger or CSV text enters Markdown; text built by the package (links, badges,
    roles) is added around the escaped value, never through it.
    """
    plain = " ".join(str(text).splitlines())
    return MYST_SPECIAL.sub(r"\\\1", html.escape(plain, quote=False))


def safe_url(url: object) -> str:
    """A URL for a Markdown link destination ``[text](url)``: every character that could end the
    destination or start markup (spaces, brackets, quotes, backticks, braces, ``<``, ``>``)
    percent-encoded; letters, digits and the URL delimiters kept, so ordinary URLs are
    unchanged."""

    return quote(str(url).strip(), safe=":/?#@!$&'*+,;=%~")


def json_for_html(text: str) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element (JSON-LD): ``<``, ``>``, ``&``
    and backticks as ``\\u`` escapes, which JSON parsers read back as the same characters."""
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("`", "\\u0060")
    )


def _opening_run(text: str, pos: int) -> tuple[int, int] | None:
    """(start, end) of the next run of backticks from ``pos`` not escaped by a backslash."""
    for match in BACKTICKS.finditer(text, pos):
        start, end = match.span()
        slashes = len(text[pos:start]) - len(text[pos:start].rstrip("\\"))
        if slashes % 2:  # the first backtick is escaped; the rest of the run can open
            start += 1
        if start < end:
            return start, end
    return None


def _cell(value: object) -> str:
    """One cell as safe Markdown: HTML escaped outside code spans, pipes escaped, one line."""
    return " ".join(escape_html(str(value)).replace("|", "\\|").splitlines())


def md_table(frame: pd.DataFrame, index: bool = False, align: Iterable[str] | None = None) -> str:
    """A Markdown pipe table (rendered by MyST in HTML and PDF alike).

    Every header and cell is escaped: HTML (``&``, ``<``, ``>``, outside code spans and role
    bodies, see :func:`escape_html`), so data values reach the page as text and never as HTML,
    and pipes and newlines, so a value cannot break the table. Markdown links, emphasis and MyST
    roles built by the package keep working.
    Numbers are written as they are in the frame, so format them before calling.
    """
    data = frame.reset_index() if index else frame
    header = [str(c) for c in data.columns]
    aligns = (
        list(align)
        if align is not None
        else ["r" if pd.api.types.is_numeric_dtype(data[c]) else "l" for c in data.columns]
    )
    marks = {"l": ":--", "r": "--:", "c": ":-:"}
    lines = [
        "| " + " | ".join(_cell(h) for h in header) + " |",
        "| " + " | ".join(marks[a] for a in aligns) + " |",
    ]
    for row in data.itertuples(index=False):
        cells = ["" if pd.isna(v) else _cell(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def show_markdown(text: str) -> None:
    """Display Markdown as a cell output (MyST renders it in HTML and LaTeX)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def glue_words(name: str, text: str) -> None:
    """Glue text that is not a number (names, lists of words) as Markdown, for ``{glue:md}``.

    ``{glue:text}`` shows a glued value in bold, the mark of a computed number; words pasted
    with ``{glue:md}`` read as ordinary prose.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    glue(name, Markdown(text), display=False)


def glue_texts(prefix: str, texts: dict[str, str], words=()) -> dict[str, str]:
    """Glue each preformatted text under ``{prefix}-{key}`` and return ``texts``.

    Keys in ``words`` are names or lists of words, glued with :func:`glue_words`.
    """
    for key, text in texts.items():
        (glue_words if key in words else glue_text)(f"{prefix}-{key}", text)
    return texts
