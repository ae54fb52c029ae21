"""Format the code cells of the chapters with the project's ruff settings.

    python scripts/format_chapters.py [--check] [--lines] [CHAPTER.md ...]

Each ``{code-cell}`` block of ``chapters/*.md`` (or of the files named) is passed through
``ruff format`` on stdin, with the settings of ``pyproject.toml`` (line length 100); the cell's
options (``:tags: [...]`` lines or a ``---`` block) and its fences are kept as they are. Cells
that are already formatted are left byte for byte. ``--check`` writes nothing and exits 1 when a
chapter would change, naming it. A chapter that would be over the code-line limit of
``scripts/check_chapters.py`` once formatted is left as it is, with a message (the build would
refuse it; ``--force`` formats it anyway). ``--lines`` also prints each chapter's code lines after
formatting (non-blank lines, as ``scripts/check_chapters.py`` counts them) and flags those over
its limit: such a chapter needs its logic moved into ``factcheck/``, not its lines packed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CELL = re.compile(
    r"^(?P<open>```\{code-cell\}[^\n]*\n)(?P<body>.*?)^(?P<close>```[ \t]*)$", re.S | re.M
)
MAX_CODE_LINES = 150  # as scripts/check_chapters.py


class FormatError(RuntimeError):
    """ruff could not format a cell (a syntax error, or a line IPython accepts but Python not)."""


def ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    return str(found) if found.exists() else (shutil.which("ruff") or "ruff")


def split_options(body: str) -> tuple[str, str]:
    """(options, code) of a cell body: leading ``:key: value`` lines, or a ``---`` block."""
    lines = body.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        return "".join(lines[: end + 1]), "".join(lines[end + 1 :])
    n = 0
    while n < len(lines) and re.match(r"^:[\w-]+:", lines[n]):
        n += 1
    return "".join(lines[:n]), "".join(lines[n:])


def format_code(code: str, where: str = "<cell>") -> str:
    """``code`` formatted by ruff with the project's settings (one leading blank line kept)."""
    lead = "\n" if code.startswith("\n") else ""
    source = code.strip("\n")
    if not source.strip():
        return code
    done = subprocess.run(
        [
            ruff(),
            "format",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--stdin-filename",
            "cell.py",
            "-",
        ],
        input=source + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise FormatError(f"{where}: ruff format failed: {done.stderr.strip()}")
    return lead + done.stdout


def format_chapter(text: str, where: str = "<chapter>") -> str:
    """The chapter with every code cell formatted; everything outside the cells unchanged."""

    def one(m: re.Match) -> str:
        options, code = split_options(m["body"])
        return m["open"] + options + format_code(code, where) + m["close"]

    return CELL.sub(one, text)


def code_lines(text: str) -> int:
    """Non-blank code lines of a chapter's cells, options left out."""
    return sum(
        1
        for m in CELL.finditer(text)
        for line in split_options(m["body"])[1].splitlines()
        if line.strip()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 on a change")
    parser.add_argument("--lines", action="store_true", help="print code lines per chapter")
    parser.add_argument(
        "--force", action="store_true", help="also format chapters that end up over the limit"
    )
    args = parser.parse_args(argv)
    paths = args.chapters or sorted((ROOT / "chapters").glob("*.md"))
    changed, failed = [], False
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            new = format_chapter(text, path.name)
        except FormatError as err:
            print(err, file=sys.stderr)
            failed = True
            continue
        over = code_lines(new) > MAX_CODE_LINES
        if new != text:
            changed.append(path)
            if over and not args.check and not args.force:
                print(
                    f"left {path.name} unformatted: {code_lines(new)} code lines once formatted, "
                    f"over the limit of {MAX_CODE_LINES} (move logic into factcheck/; --force)"
                )
                changed.pop()
            elif not args.check:
                path.write_text(new, encoding="utf-8")
        if args.lines:
            n = code_lines(new)
            flag = f"  over the limit of {MAX_CODE_LINES}" if n > MAX_CODE_LINES else ""
            print(f"{path.name}: {n} code lines formatted{flag}")
    for path in changed:
        print(f"{'would reformat' if args.check else 'reformatted'} {path.name}")
    return 1 if failed or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
