"""Measure build times and write them into README.md.

Three timings, each a full `make` target run from this checkout:

- clean build: `make html` after deleting _build (every chapter executes);
- no-change rebuild: `make html` again (execution cache and doctrees reused);
- PDF: `make pdf` after the HTML exists (LaTeX and xelatex only; chapters are cached).

One warm-up round (not counted) fills the operating system's file caches and the kernel's
first-start costs; then each step is measured --repeat times (at least 3), and the table gives
the median and the spread (lowest-highest). The table between the BENCHMARK markers in README.md
is replaced with the new figures, with the date, the machine's core count and its load average
(other processes on a shared machine slow every step). This is a measurement, not a test: it
never fails on a slow machine, but it reports whether the rebuild is at most a tenth of the
clean build.

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


def one_round() -> dict[str, float]:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    return {"clean": run("html"), "rebuild": run("html"), "pdf": run("pdf")}


def measure(repeat: int) -> dict[str, list[float]]:
    """A warm-up round, then `repeat` measured rounds."""
    one_round()  # warm-up: not counted
    times: dict[str, list[float]] = {"clean": [], "rebuild": [], "pdf": []}
    for _ in range(repeat):
        for step, seconds in one_round().items():
            times[step].append(seconds)
    return times


def table(times: dict[str, list[float]], load: tuple[float, float]) -> str:
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["rebuild"] / med["clean"]
    rows = [
        ("Clean HTML build (every chapter executes)", "`rm -rf _build && make html`", "clean"),
        ("No-change rebuild (cache reused)", "`make html` again", "rebuild"),
        ("PDF after HTML (LaTeX + xelatex)", "`make pdf`", "pdf"),
    ]
    lines = [
        "| step | command | median seconds | spread (lowest-highest) |",
        "| :-- | :-- | --: | --: |",
        *[
            f"| {name} | {cmd} | {med[k]:.1f} | {min(times[k]):.1f}-{max(times[k]):.1f} |"
            for name, cmd, k in rows
        ],
        "",
        f"No-change rebuild / clean build = {ratio:.2f} (target: at most 0.10). "
        f"Median of {len(times['clean'])} runs after one warm-up run, on "
        f"{dt.date.today():%Y-%m-%d}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.1f} before and {load[1]:.1f} "
        "after"
        + (
            " (above the core count: the machine was shared with other work, which slows "
            "every step and widens the spread)"
            if max(load) > (os.cpu_count() or 1)
            else ""
        )
        + "; measured with `make benchmark`.",
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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (the median of fewer runs is one sample)")
    before = os.getloadavg()[0]
    times = measure(args.repeat)
    text = table(times, (before, os.getloadavg()[0]))
    print(text)
    if not args.no_write:
        write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
