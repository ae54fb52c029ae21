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
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_FLAGS = ["-n", "-W", "--keep-going"]
FAILED = ".build-failed"
HTML_STAMP = ".book-sources-sha256"
PDF_STAMP = "book.pdf.sources-sha256"

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


def jupyter_book(root: Path, build: Path, builder: str) -> int:
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
    return subprocess.run(command, cwd=root).returncode


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


def html(root: Path, build: Path) -> int:
    cache_stamp.main([str(build)], root=root)
    before = sources_digest(root)
    begin(build)
    if jupyter_book(root, build, "html") != 0:
        return fail("build: the HTML build failed (see the errors and warnings above)")
    problems = stderr_outputs(build, root)
    if problems:
        return fail(
            "build: output on stderr fails the build (fix the cause; do not silence it):\n  "
            + "\n  ".join(problems)
        )
    current = sources_digest(root)
    if current != before:
        return fail("build: the sources changed during the build; build again")
    (build / HTML_STAMP).write_text(current + "\n")
    (build / FAILED).unlink()
    remove_stale_pdf(root, build, current)
    return 0


def pdf(root: Path, build: Path) -> int:
    current = sources_digest(root)
    html_stamp = build / HTML_STAMP
    if not html_stamp.exists() or html_stamp.read_text().strip() != current:
        return fail("build: the HTML build is missing or out of date: run `make html` first")
    latex = build / "latex"
    (latex / "book.pdf").unlink(missing_ok=True)
    (latex / PDF_STAMP).unlink(missing_ok=True)
    begin(build)
    if jupyter_book(root, build, "pdflatex") != 0:
        return fail("build: the PDF build failed (see the errors above)")
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
