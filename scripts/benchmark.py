"""Measure build times and write them into README.md.

Three timings, each a full `make` target run from this checkout:

- clean build: `make html` after deleting _build (every chapter executes);
- no-change rebuild: `make html` again (execution cache and doctrees reused);
- PDF: `make pdf` after the HTML exists (LaTeX and xelatex only; chapters are cached).

The table between the BENCHMARK markers in README.md is replaced with the new figures, with
the date and the machine's core count. This is a measurement, not a test: it never fails on
a slow machine, but it reports whether the rebuild is at most a tenth of the clean build.

Usage: python scripts/benchmark.py [--repeat N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- BENCHMARK:START -->", "<!-- BENCHMARK:END -->"


def run(target: str) -> float:
    """Seconds taken by `make <target>`; raises if the target fails."""
    began = time.perf_counter()
    subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def measure(repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"clean": [], "rebuild": [], "pdf": []}
    for _ in range(repeat):
        shutil.rmtree(ROOT / "_build", ignore_errors=True)
        times["clean"].append(run("html"))
        times["rebuild"].append(run("html"))
        times["pdf"].append(run("pdf"))
    return times


def table(times: dict[str, list[float]]) -> str:
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["rebuild"] / med["clean"]
    rows = [
        ("Clean HTML build (every chapter executes)", "`rm -rf _build && make html`", med["clean"]),
        ("No-change rebuild (cache reused)", "`make html` again", med["rebuild"]),
        ("PDF after HTML (LaTeX + xelatex)", "`make pdf`", med["pdf"]),
    ]
    lines = [
        "| step | command | seconds |",
        "| :-- | :-- | --: |",
        *[f"| {name} | {cmd} | {sec:.1f} |" for name, cmd, sec in rows],
        "",
        f"No-change rebuild / clean build = {ratio:.2f} (target: at most 0.10). "
        f"Median of {len(times['clean'])} run(s) on {dt.date.today():%Y-%m-%d}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; "
        "measured with `make benchmark`.",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    readme = README.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise SystemExit(f"README.md lacks the markers {START} ... {END}")
    README.write_text(pattern.sub(f"{START}\n{text}\n{END}", readme))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    text = table(measure(args.repeat))
    print(text)
    if not args.no_write:
        write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
