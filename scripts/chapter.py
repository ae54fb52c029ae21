"""Check and execute one chapter quickly, without building the book (``make chapter NAME=...``).

    python scripts/chapter.py a004_expansion_prince_william

Runs, in order, and stops at the first step that fails, with one short message:
1. the ledger check (``python -m factcheck.ledger.claims``: fields, status rules, no markup);
2. the chapter's prose and shape checks (``scripts/check_chapters.py``);
3. the status pins of its ``verdicts.check`` / ``verdicts.verdict`` calls (``status=``);
4. every code cell, in a fresh kernel in ``chapters/`` with ``PYTHONWARNINGS=default`` as the
   build runs them: a cell error is reported with the chapter's line and the exception's last
   line, and output on stderr (warnings included) is reported cell by cell.

It does not render pages, resolve cross-references or build the PDF: ``make html`` (and
``make test`` before a pull request) still do that. It takes about as long as the chapter's
code, instead of a whole build.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```\{code-cell\}")


def load_script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cell_lines(text: str) -> list[int]:
    """For each code cell, the line of the chapter where its code starts (1-based)."""
    lines = text.splitlines()
    starts = []
    for number, line in enumerate(lines):
        if not FENCE.match(line):
            continue
        i = number + 1
        if i < len(lines) and lines[i].strip() == "---":  # a YAML options block
            i += 1
            while i < len(lines) and lines[i].strip() != "---":
                i += 1
            i += 1
        while i < len(lines) and re.match(r"^:\w[\w-]*:", lines[i]):
            i += 1
        if i < len(lines) and not lines[i].strip() and i > number + 1:
            i += 1  # the blank line after the options
        starts.append(i + 1)
    return starts


def execute(path: Path) -> list[str]:
    """Run every code cell of the chapter; one message per problem (empty when clean)."""
    import nbformat  # noqa: F401 (nbclient needs it)
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    text = path.read_text(encoding="utf-8")
    notebook = read_myst_markdown_notebook(text)
    starts = cell_lines(text)
    os.environ.update({"PYTHONWARNINGS": "default", "MPLBACKEND": "Agg"})
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    chapter = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    problems = []
    try:
        client.execute()
    except CellExecutionError as err:
        code = [c for c in notebook.cells if c.cell_type == "code"]
        failed = next(
            (
                i
                for i, c in enumerate(code)
                for o in c.get("outputs", [])
                if o.output_type == "error"
            ),
            None,
        )
        line = starts[failed] if failed is not None and failed < len(starts) else None
        offset = re.search(r"Cell In\[\d+\], line (\d+)", re.sub(r"\x1b\[[0-9;]*m", "", str(err)))
        if line is not None and offset:
            line += int(offset.group(1)) - 1
        ename, evalue = getattr(err, "ename", "Error"), getattr(err, "evalue", "")
        where = f"{chapter}, line {line}" if line else chapter
        problems.append(f"cell error: {where}: {ename}: {evalue}".rstrip(": "))
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for index, cell in enumerate(code):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                first = ("".join(output.get("text", "")).strip().splitlines() or [""])[0]
                line = starts[index] if index < len(starts) else "?"
                problems.append(f"stderr: {chapter}, cell at line {line}: {first[:200]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: make chapter NAME=<chapter file name without .md>", file=sys.stderr)
        return 2
    name = args[0].removeprefix("chapters/").removesuffix(".md")
    path = ROOT / "chapters" / f"{name}.md"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in (ROOT / "chapters").glob("*.md")))
        print(f"chapter: no chapters/{name}.md (chapters: {known})", file=sys.stderr)
        return 2
    started = time.monotonic()
    from factcheck.ledger import claims

    if claims.main([]) != 0:
        return 1
    if load_script("check_chapters").main([str(path)]) != 0:
        return 1
    pins = load_script("pin_statuses")
    unpinned = [cid for _f, cid, _s, _e, a in pins.calls(path.read_text()) if not pins.has_pin(a)]
    if unpinned:
        print(
            f"chapter: {name}.md: no status= on the calls for {', '.join(map(str, unpinned))}: "
            "add the status the chapter argues for (or run python scripts/pin_statuses.py)",
            file=sys.stderr,
        )
        return 1
    problems = execute(path)
    for problem in problems:
        print(f"chapter FAILED: {problem}", file=sys.stderr)
    if problems:
        return 1
    seconds = time.monotonic() - started
    print(
        f"chapter: {name}.md executed cleanly in {seconds:.0f} s (no error, nothing on stderr, "
        "statuses pinned); run `make html` to render it with the rest of the book"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
