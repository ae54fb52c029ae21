"""Chapters read as prose: short code cells that call the package, no definitions (issue 12).

For every document in _toc.yml: at most MAX_CODE_LINES lines of code in its code cells (every
non-blank line a reader can open, comments included; cell options not counted), and no function
or class definitions.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT, toc_files

MAX_CODE_LINES = 150
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def code_cells(text: str) -> list[str]:
    """The source of each code cell, without its option lines (``:tags:`` or a ``---`` block)."""
    cells = []
    for body in CELL.findall(text):
        lines = body.splitlines()
        if lines and lines[0].strip() == "---":
            end = lines.index("---", 1) if "---" in lines[1:] else 0
            lines = lines[end + 1 :]
        while lines and re.match(r"^:\w[\w-]*:", lines[0]):
            lines = lines[1:]
        cells.append("\n".join(lines))
    return cells


def code_lines(cell: str) -> int:
    """Non-blank lines (comments count: a reader opening the cell sees them)."""
    return sum(1 for line in cell.splitlines() if line.strip())


def definitions(cell: str) -> list[str]:
    """Names of functions and classes defined anywhere in a cell."""
    try:
        tree = ast.parse(cell)
    except SyntaxError:  # IPython syntax: fall back to a line scan
        return re.findall(r"^\s*(?:async\s+def|def|class)\s+(\w+)", cell, re.M)
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.name for node in ast.walk(tree) if isinstance(node, kinds)]


def chapters() -> list[str]:
    return [f for f in toc_files() if (ROOT / f"{f}.md").is_file()]


def test_the_counter_counts_what_it_should():
    text = (
        "```{code-cell} ipython3\n:tags: [hide-input]\n\n# comment\nx = 1\n\n"
        "def f():\n    return 2\n```\n\nprose\n\n```{code-cell} ipython3\n---\ntags: [a]\n---\n"
        "class A:\n    pass\n```\n"
    )
    cells = code_cells(text)
    assert [code_lines(c) for c in cells] == [4, 2]
    assert [definitions(c) for c in cells] == [["f"], ["A"]]
    assert definitions("%matplotlib inline\ndef g(): pass") == ["g"]


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_code_is_short(chapter):
    cells = code_cells((ROOT / f"{chapter}.md").read_text(encoding="utf-8"))
    total = sum(code_lines(c) for c in cells)
    assert total <= MAX_CODE_LINES, (
        f"{chapter}.md has {total} lines of code in its cells (limit {MAX_CODE_LINES}): "
        "move the logic into a factcheck/ module with tests and call it from the chapter"
    )


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_defines_no_functions_or_classes(chapter):
    cells = code_cells((ROOT / f"{chapter}.md").read_text(encoding="utf-8"))
    found = [name for c in cells for name in definitions(c)]
    assert not found, (
        f"{chapter}.md defines {found} in its code cells: definitions belong in factcheck/, "
        "with unit tests"
    )
