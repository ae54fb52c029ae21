"""The checks a chapter's text must pass before the book is built (``make html`` runs them).

    python scripts/check_chapters.py [chapters/NAME.md ...]   (default: every chapter of _toc.yml)

1. Prose: no hand-typed number in a chapter's prose or in the ledger's own text fields
   (:mod:`factcheck.ledger.prose`, the glue discipline; the same check as ``make lint``).
2. Shape: at most MAX_CODE_LINES lines of code in a chapter's code cells (every non-blank line a
   reader can open, comments included; cell options not counted), and no function or class
   definitions (logic belongs in ``factcheck/`` with a unit test), and no import the page never
   uses.

Both take well under a second, so a chapter that breaks them fails before anything executes,
with one line per problem. ``tests/test_chapter_shape.py`` and ``tests/test_prose.py`` test the
same rules.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


MAGIC = re.compile(r"^(\s*)[%!].*$", re.M)


def parse(cell: str) -> ast.Module:
    """A cell as Python: IPython's magic and shell lines (``%...``, ``!...``) become ``pass``, so
    the rest is still read; a cell that does not parse even so raises SyntaxError."""
    return ast.parse(MAGIC.sub(r"\1pass", cell))


def definitions(cell: str) -> list[str]:
    """Names of functions and classes defined anywhere in a cell."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [node.name for node in ast.walk(parse(cell)) if isinstance(node, kinds)]


def unused_imports(cells: list[str]) -> list[str]:
    """Names a chapter's cells import and never use (a reader opening the cell sees a module
    the page does not need). Magic lines are read as ``pass`` (see :func:`parse`)."""
    imported: list[str] = []
    used: set[str] = set()
    for cell in cells:
        for node in ast.walk(parse(cell)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imported += [(a.asname or a.name).split(".")[0] for a in node.names]
            elif isinstance(node, ast.Name):
                used.add(node.id)
    return [name for name in imported if name not in used]


def syntax_problems(path: Path, cells: list[str]) -> list[str]:
    """A cell that is not Python (magic lines apart) fails here, before the build runs it."""
    problems = []
    for number, cell in enumerate(cells, 1):
        try:
            parse(cell)
        except SyntaxError as error:
            problems.append(f"{path.name}: code cell {number} is not valid Python: {error.msg}")
    return problems


def shape_problems(path: Path) -> list[str]:
    cells = code_cells(path.read_text(encoding="utf-8"))
    problems = syntax_problems(path, cells)
    if problems:
        return problems
    total = sum(code_lines(c) for c in cells)
    if total > MAX_CODE_LINES:
        problems.append(
            f"{path.name}: {total} lines of code in its cells (limit {MAX_CODE_LINES}): move the "
            "logic into a factcheck/ module with tests and call it from the chapter"
        )
    unused = unused_imports(cells)
    if unused:
        problems.append(f"{path.name}: imports {unused} and never uses them: drop the import")
    found = [name for c in cells for name in definitions(c)]
    if found:
        problems.append(
            f"{path.name}: defines {found} in its code cells: definitions belong in factcheck/, "
            "with unit tests"
        )
    return problems


def toc_chapters(root: Path = ROOT) -> list[Path]:
    """Every document of _toc.yml that is a Markdown file."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    return [root / f"{f}.md" for f in files if (root / f"{f}.md").is_file()]


def prose_problems(paths: list[Path], ledger: Path) -> list[str]:
    """Hand-typed numbers (new ones; those listed as pending in factcheck.ledger.prose are reported
    by ``make lint`` only)."""
    from factcheck.ledger import prose

    problems = []
    for path in [*paths, ledger]:
        findings = (
            prose.ledger_findings(path)
            if path.suffix in (".yml", ".yaml")
            else prose.find_numbers(path.read_text(encoding="utf-8"), str(path))
        )
        new, _pending = prose.split_pending(findings, path.name)
        problems += [str(f) for f in new]
    return problems


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a).resolve() for a in args] or toc_chapters(root)
    problems = prose_problems(paths, root / "data" / "claims.yml")
    if problems:
        problems.append(
            "a number in prose is computed in a code cell and glued ({glue:text}`key`); see "
            "CONTRIBUTING.md, 'Add or edit a chapter'"
        )
    problems += [p for path in paths for p in shape_problems(path)]
    for problem in problems:
        print(f"check-chapters: {problem}", file=sys.stderr)
    if problems:
        return 1
    done = "prose glued, code short, no definitions, no unused imports"
    print(f"check-chapters: {len(paths)} chapters: {done}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
