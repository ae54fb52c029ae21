"""Build the book so that no failure can turn green by re-running, and no page offers a stale PDF.

    python scripts/build.py html [--root DIR] [--build DIR]
    python scripts/build.py pdf  [--root DIR] [--build DIR]

html:
1. ``cache_stamp``: clear the execution cache and Sphinx's environment when data, ledger,
   package, lock or configuration change (jupyter-cache only notices code changes).
2. If the previous build failed or was interrupted (the marker ``BUILD/.build-failed`` is still
   there), delete Sphinx's saved environment (doctrees) and the executed notebooks, so that every
   chapter is read again and emits its warnings again. Otherwise Sphinx would consider the
   failing chapter up to date and the second run would pass without a fix.
3. Write the marker, run ``jupyter-book build`` with ``-n -W --keep-going`` (any warning fails).
4. Scan every executed notebook (``BUILD/jupyter_execute``) for output on stderr, in every cell:
   ``remove-cell`` cells hold most of the computation and their outputs never reach a page, so
   myst-nb's ``stderr_output`` setting cannot see them. Python warnings are written to stderr,
   so this catches them too.
5. On success only: remove the marker and record the digest of the book's sources in
   ``BUILD/.book-sources-sha256`` (the tests compare it with the current sources).
6. Remove ``BUILD/html/book.pdf`` unless it was built from the current sources: the HTML never
   links to an out-of-date PDF (``make book`` builds a current one).

pdf: the same marker logic around the LaTeX build; then the PDF must exist and have more than
one page; its sources digest is written to ``BUILD/latex/book.pdf.sources-sha256`` and the PDF is
copied into the HTML site with that stamp.

Both:
- hold a lock (``BUILD/.build-lock``, ``flock``) for the whole build: a second build in the same
  checkout stops at once with one line naming the process that holds it;
- run the kernels with ``PYTHONWARNINGS=default``, so a warning raised inside ``factcheck/``
  (hidden by Python's default filters) reaches stderr, where the scan fails the build;
- on failure (or Ctrl-C): remove the site's PDF, put a notice on every page of ``BUILD/html``
  and write ``BUILD/html/BUILD-FAILED.txt`` (a successful build removes both), and end with one
  short message: the chapter, the line of the failing cell and the exception's last line, or
  the first warnings.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_FLAGS = ["-n", "-W", "--keep-going"]
FAILED = ".build-failed"
HTML_STAMP = ".book-sources-sha256"
PDF_STAMP = "book.pdf.sources-sha256"
LOCK = ".build-lock"
NOTICE = "BUILD-FAILED.txt"
BANNER_MARK = "<!-- build-failed-notice -->"
# Kernels inherit this: warnings from package code are shown (Python hides DeprecationWarning
# outside __main__ by default), written to stderr, and failed by the scan.
# The two ignores silence jupyter-book's own dependencies (not run in kernels), which would
# otherwise print a PendingDeprecationWarning per chapter into the log.
KERNEL_ENV = {
    "PYTHONWARNINGS": "default,ignore:::sphinx_jupyterbook_latex.transforms,"
    "ignore:::jupyter_book.cli.pluggable"
}

_spec = importlib.util.spec_from_file_location(
    "cache_stamp", Path(__file__).with_name("cache_stamp.py")
)
cache_stamp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cache_stamp)


def sources_digest(root: Path) -> str:
    """Digest of everything the finished book depends on."""
    return cache_stamp.digest(root, cache_stamp.SOURCES)


def executed_notebooks(build: Path, root: Path):
    """Yield (chapter, executed notebook) for every chapter the build read as a notebook.

    On a cache hit myst-nb writes ``jupyter_execute/<chapter>.ipynb`` without the cached
    outputs, so the outputs are taken from the jupyter-cache record that matches the chapter's
    current code (the same match myst-nb makes), and from the executed copy otherwise.
    """
    import yaml
    from jupyter_cache import get_cache
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    config_file = root / "_config.yml"
    config = (yaml.safe_load(config_file.read_text()) if config_file.exists() else None) or {}
    cache_path = root / ((config.get("execute") or {}).get("cache") or "_build/.jupyter_cache")
    cache = get_cache(str(cache_path)) if cache_path.exists() else None
    try:
        yield from _executed(
            build, root, cache, is_myst_markdown_notebook, read_myst_markdown_notebook
        )
    finally:
        # Close the cache's database: an engine left to the garbage collector leaves an
        # unclosed sqlite3 connection (a ResourceWarning on Python 3.13, fatal in the tests).
        if cache is not None and getattr(cache, "_db", None) is not None:
            cache.db.dispose()


def _executed(build: Path, root: Path, cache, is_myst, read_myst):
    import nbformat

    executed = build / "jupyter_execute"
    for copy in sorted(executed.rglob("*.ipynb")):
        relative = copy.relative_to(executed).with_suffix("")
        if ".ipynb_checkpoints" in relative.parts:
            continue
        source = root.joinpath(relative).with_suffix(".md")
        if not source.exists():
            continue  # a chapter that no longer exists
        notebook = nbformat.read(copy, as_version=4)
        text = source.read_text(encoding="utf-8")
        if cache is not None and is_myst(text):
            try:
                record = cache.match_cache_notebook(read_myst(text))
            except KeyError:
                record = None
            if record is not None:
                cached = cache.get_cache_bundle(record.pk).nb
                code = [c for c in notebook.cells if c.cell_type == "code"]
                for cell, cached_cell in zip(code, cached.cells, strict=False):
                    cell.outputs = cached_cell.get("outputs", [])
        yield relative.as_posix() + ".md", notebook


def stderr_outputs(build: Path, root: Path) -> list[str]:
    """One line per cell of an executed chapter that wrote to stderr (any cell, any tags)."""
    found = []
    for chapter, notebook in executed_notebooks(build, root):
        for number, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    text = "".join(output.get("text", "")).strip().splitlines() or [""]
                    tags = cell.get("metadata", {}).get("tags", [])
                    found.append(
                        f"{chapter}, cell {number} (tags {tags or 'none'}) "
                        f"wrote to stderr: {text[0][:200]}"
                    )
    return found


class LockedError(SystemExit):
    """Another build holds the lock of this build folder."""


@contextlib.contextmanager
def build_lock(build: Path):
    """Hold ``BUILD/.build-lock`` (flock) for the duration; fail at once when another process
    holds it, naming that process. The lock is passed to jupyter-book (``pass_fds``), so it is
    held until the last process of the build exits, even if this one is killed."""
    build.mkdir(parents=True, exist_ok=True)
    fd = os.open(build / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 500, 0).decode(errors="replace").strip() or "an unknown process"
        os.close(fd)
        raise LockedError(
            f"build: another build is running in this checkout ({holder}); wait for it to "
            f"finish, or stop that process"
        ) from None
    os.ftruncate(fd, 0)
    started = time.strftime("%H:%M:%S", time.localtime())
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
    os.pwrite(fd, f"pid {os.getpid()}, {command}, started {started}\n".encode(), 0)
    try:
        yield fd
    finally:
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Warning|Exit|Interrupt)\w*)(: .*)?$")


def failed_cells(output: str, root: Path) -> list[str]:
    """'chapter, cell at line N: Exception: message' for each failed cell in the build's output."""
    text = ANSI.sub("", output)
    found = []
    pattern = re.compile(
        r"^(?P<path>\S+?\.md): WARNING: Executing notebook failed.*?"
        r"An error occurred while executing the following cell:\n-+\n(?P<source>.*?)\n-+\n"
        r"(?P<tail>.*?)(?:\[mystnb\.exec\]|\Z)",
        re.S | re.M,
    )
    for match in pattern.finditer(text):
        path = Path(match["path"])
        chapter = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        where = chapter
        offset = re.search(r"^Cell In\[\d+\], line (\d+)", match["tail"], re.M)
        try:
            source_text = path.read_text(encoding="utf-8")
            start = source_text.index(match["source"].strip("\n"))
            line = source_text.count("\n", 0, start) + 1
            line += int(offset.group(1)) - 1 if offset else 0
            where = f"{chapter}, {'line' if offset else 'cell at line'} {line}"
        except (OSError, ValueError):
            pass
        lines = [ln.rstrip() for ln in match["tail"].splitlines()]
        starts = [i for i, ln in enumerate(lines) if EXCEPTION.match(ln)]
        if starts:
            last = [ln for ln in lines[starts[-1] :] if ln.strip()][:4]
            message = " ".join(ln.strip() for ln in last)
        else:
            message = next((ln for ln in reversed(lines) if ln.strip()), "(no message)")
        if f"{where}: {message}" not in found:
            found.append(f"{where}: {message}")
    return found


def warnings_in(output: str) -> list[str]:
    """The distinct Sphinx warning and error lines of the build's output (not the cell ones)."""
    found = []
    for line in ANSI.sub("", output).splitlines():
        if (
            re.search(r"\b(WARNING|ERROR|CRITICAL): ", line)
            and "Executing notebook failed" not in line
        ):
            line = line.strip()
            if line not in found and "[IPKernelApp]" not in line:
                found.append(line)
    return found


def summary(output: str, root: Path, builder: str) -> str:
    """The one short message that ends a failed build."""
    cells = failed_cells(output, root)
    warnings = warnings_in(output)
    lines = [f"build FAILED ({builder})."]
    lines += [f"  cell error: {c}" for c in cells[:5]]
    lines += [f"  {w[:300]}" for w in warnings[:8]]
    if len(warnings) > 8:
        lines.append(f"  ... and {len(warnings) - 8} more warning(s) above")
    if not cells and not warnings:
        lines.append("  (no cell error or warning found in the output: see the log above)")
    lines.append("  The site in _build/html is marked as failed and has no PDF; fix, then rebuild.")
    return "\n".join(lines)


def jupyter_book(root: Path, build: Path, builder: str, lock: int | None = None) -> int:
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(root),
        "--path-output",
        str(build.parent),
        "--builder",
        builder,
        *BUILD_FLAGS,
    ]
    if build.name != "_build":
        raise SystemExit("jupyter-book always writes to <path-output>/_build: name BUILD _build")
    print("build:", " ".join(command), flush=True)
    env = {**os.environ, **KERNEL_ENV}
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        pass_fds=() if lock is None else (lock,),
    )
    output = []
    for line in process.stdout:  # shown as it comes, kept for the summary
        sys.stdout.write(line)
        output.append(line)
    code = process.wait()
    if code != 0:
        print("\n" + summary("".join(output), root, builder), file=sys.stderr, flush=True)
    return code


def mark_failed(build: Path, reason: str) -> None:
    """After a failed or interrupted build: no PDF in the site, a notice on every page and
    ``BUILD-FAILED.txt``, so nothing built from failing sources looks publishable."""
    site = build / "html"
    (site / "book.pdf").unlink(missing_ok=True)
    (site / PDF_STAMP).unlink(missing_ok=True)
    if not site.is_dir():
        return
    first = reason.strip().splitlines()[0] if reason.strip() else "the build failed"
    (site / NOTICE).write_text(
        f"The last build of this site FAILED: {first}\n"
        "Its pages may come from failing or older sources. Do not publish them; fix the cause "
        "and run `make book`.\n"
    )
    banner = (
        f'{BANNER_MARK}<div role="alert" class="build-failed-notice" style="background:#b00020;'
        'color:#fff;padding:0.8em 1em;font-weight:bold;text-align:center">This build of the '
        "book FAILED: these pages may come from failing or older sources. Do not publish or "
        "cite them.</div>"
    )
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if BANNER_MARK not in text:
            marked = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, text, count=1)
            page.write_text(marked, encoding="utf-8")


def clear_failed(build: Path) -> None:
    """After a successful HTML build: remove the notice file and any banner left on a page."""
    site = build / "html"
    (site / NOTICE).unlink(missing_ok=True)
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if BANNER_MARK in text:
            page.write_text(
                re.sub(
                    re.escape(BANNER_MARK) + r"<div[^>]*>.*?</div>", "", text, count=1, flags=re.S
                ),
                encoding="utf-8",
            )


def begin(build: Path) -> None:
    """Start a build: after a failed or interrupted one, start from a clean environment."""
    marker = build / FAILED
    if marker.exists():
        for stale in (build / ".doctrees", build / "jupyter_execute"):
            shutil.rmtree(stale, ignore_errors=True)
        print(
            "build: the previous build failed; cleared Sphinx's environment and the executed "
            "notebooks so every chapter is read again",
            flush=True,
        )
    build.mkdir(parents=True, exist_ok=True)
    marker.write_text("a build is running or has failed; the next build starts clean\n")


def fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def remove_stale_pdf(root: Path, build: Path, current: str) -> None:
    """Delete the HTML site's book.pdf unless it was built from the current sources."""
    pdf = build / "html" / "book.pdf"
    stamp = build / "html" / PDF_STAMP
    recorded = stamp.read_text().strip() if stamp.exists() else None
    if pdf.exists() and recorded != current:
        pdf.unlink()
        stamp.unlink(missing_ok=True)
        print(
            "build: removed _build/html/book.pdf, which was built from older sources; "
            "run `make book` for a current PDF",
            flush=True,
        )


def guarded(step):
    """Run a build step under the lock; on failure or interruption mark the site as failed."""

    def run(root: Path, build: Path) -> int:
        with build_lock(build) as lock:
            try:
                code = step(root, build, lock)
            except BaseException as err:
                mark_failed(build, f"interrupted ({type(err).__name__})")
                raise
            if code != 0:
                mark_failed(build, f"`{step.__name__}` step failed")
            return code

    run.__name__ = step.__name__
    return run


@guarded
def html(root: Path, build: Path, lock: int | None = None) -> int:
    cache_stamp.main([str(build)], root=root)
    before = sources_digest(root)
    begin(build)
    if jupyter_book(root, build, "html", lock) != 0:
        return fail("build: the HTML build failed (summary above; full log above it)")
    problems = stderr_outputs(build, root)
    if problems:
        return fail(
            "build FAILED: output on stderr fails the build (fix the cause; do not silence it):\n  "
            + "\n  ".join(problems)
        )
    current = sources_digest(root)
    if current != before:
        return fail("build: the sources changed during the build; build again")
    (build / HTML_STAMP).write_text(current + "\n")
    (build / FAILED).unlink()
    clear_failed(build)
    remove_stale_pdf(root, build, current)
    return 0


@guarded
def pdf(root: Path, build: Path, lock: int | None = None) -> int:
    current = sources_digest(root)
    html_stamp = build / HTML_STAMP
    if not html_stamp.exists() or html_stamp.read_text().strip() != current:
        return fail("build: the HTML build is missing or out of date: run `make html` first")
    latex = build / "latex"
    (latex / "book.pdf").unlink(missing_ok=True)
    (latex / PDF_STAMP).unlink(missing_ok=True)
    begin(build)
    if jupyter_book(root, build, "pdflatex", lock) != 0:
        return fail("build: the PDF build failed (summary above; full log above it)")
    book = latex / "book.pdf"
    if not book.exists() or book.stat().st_size == 0:
        return fail(f"build: the PDF build produced no {book}")
    from pypdf import PdfReader

    pages = len(PdfReader(str(book)).pages)
    if pages < 2:
        return fail(f"build: {book} has {pages} page(s)")
    if sources_digest(root) != current:
        return fail("build: the sources changed during the PDF build; build again")
    (latex / PDF_STAMP).write_text(current + "\n")
    shutil.copyfile(book, build / "html" / "book.pdf")
    shutil.copyfile(latex / PDF_STAMP, build / "html" / PDF_STAMP)
    (build / FAILED).unlink()
    print(f"PDF: {book}, {pages} pages (copied into the HTML site)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", choices=["html", "pdf"])
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder")
    parser.add_argument("--build", type=Path, default=Path("_build"), help="relative to --root")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    build = args.build if args.build.is_absolute() else root / args.build
    return {"html": html, "pdf": pdf}[args.target](root, build)


if __name__ == "__main__":
    raise SystemExit(main())
