"""Chapters read as prose: short code cells that call the package, no definitions (issue 12).

For every document in _toc.yml: at most MAX_CODE_LINES lines of code in its code cells (every
non-blank line a reader can open, comments included; cell options not counted), and no function
or class definitions.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, load_script, toc_files

check_chapters = load_script("check_chapters")  # the same rules run inside `make html`
MAX_CODE_LINES = check_chapters.MAX_CODE_LINES
code_cells = check_chapters.code_cells
code_lines = check_chapters.code_lines
definitions = check_chapters.definitions


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
    cells = [
        "from factcheck.data import coverage, foia, loaders\nimport numpy as np",
        "loaders.f(np)",
    ]
    assert check_chapters.unused_imports(cells) == ["coverage", "foia"]
    # a magic line does not hide the rest of its cell from the import check
    assert check_chapters.unused_imports(["%matplotlib inline\nimport numpy as np"]) == ["np"]


def test_a_cell_that_is_not_python_is_a_problem_not_skipped(tmp_path):
    chapter = tmp_path / "broken.md"
    chapter.write_text("```{code-cell} ipython3\nimport pandas as pd\nx = (\n```\n")
    problems = check_chapters.shape_problems(chapter)
    assert problems and "code cell 1 is not valid Python" in problems[0]


@pytest.mark.parametrize("chapter", chapters())
def test_chapter_imports_only_what_it_uses(chapter):
    cells = code_cells((ROOT / f"{chapter}.md").read_text(encoding="utf-8"))
    assert check_chapters.unused_imports(cells) == [], f"{chapter}.md: unused imports"


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


def test_make_html_runs_the_prose_and_shape_checks_first():
    makefile = (ROOT / "Makefile").read_text()
    html = next(line for line in makefile.splitlines() if line.startswith("html:"))
    assert "check-chapters" in html.split(":", 1)[1]
    assert "scripts/check_chapters.py" in makefile


def test_check_chapters_fails_fast_on_a_typed_number_and_a_long_chapter(tmp_path, capsys):
    chapter = tmp_path / "a009_x.md"
    long_cell = "```{code-cell} ipython3\n" + "x = 1\n" * (MAX_CODE_LINES + 1) + "```\n"
    chapter.write_text("# A\n\nThe county had 31 murders in eleven months.\n\n" + long_cell)
    assert check_chapters.main([str(chapter)]) == 1
    err = capsys.readouterr().err
    assert "hand-typed number '31'" in err and "eleven" in err
    assert f"{MAX_CODE_LINES + 1} lines of code" in err
    chapter.write_text("# A\n\nThe county had {glue:text}`a009-n` murders.\n")
    assert check_chapters.main([str(chapter)]) == 0
