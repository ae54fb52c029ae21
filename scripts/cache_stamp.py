"""Force re-execution when anything a chapter reads, other than its own text, changes.

jupyter-cache re-executes a notebook only when its code cells change, and Sphinx re-reads a
chapter only when its source file changes. Chapters also read other files at build time: the
data registry (whose sha256 values pin every raw file), every committed data file (the claims
ledger, published figures, lookup tables, and any file added under data/ later), the
bibliography (source labels in the verdict boxes), the book's configuration and table of
contents, the shared package and the book's Sphinx extension and static files. This script
hashes all of those; when the digest differs from the one recorded at the last build, it deletes
the execution cache and Sphinx's saved environment (doctrees), so every chapter is read and
executed again. The inputs are whole folders, so a new file in one of them is covered without
editing this list (tests/test_cache_stamp.py checks the list against what the package opens).

Usage: python scripts/cache_stamp.py [BUILD_DIR]   (default: _build)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Whole folders, so files added later are inputs too. _ext/ holds the book's Sphinx extension
# (verdict styles, labels, math) and Sphinx does not notice a change to an extension's code.
INPUTS = [
    "data/**/*",
    "factcheck/**/*",
    "_ext/**/*",
    "_static/**/*",
    "references.bib",
    "_config.yml",
    "_toc.yml",
    "requirements.txt",
    "pyproject.toml",
]
# Everything the finished book (HTML and PDF) depends on: the inputs above plus the chapters
# and the book's configuration. chapters/generated/ is derived from the ledger (an input).
SOURCES = [*INPUTS, "chapters/**/*.md", "_latex/**/*"]


def files(root: Path = ROOT, patterns: list[str] = INPUTS) -> list[Path]:
    """Every file matching ``patterns`` (byte-code, notebook checkpoints and the ledger's
    generated exports excluded), in sorted order."""
    return sorted(
        p
        for p in {p for pattern in patterns for p in root.glob(pattern) if p.is_file()}
        if not {"__pycache__", ".ipynb_checkpoints"} & set(p.parts)
        and p.suffix != ".pyc"
        and not p.relative_to(root).as_posix().startswith("chapters/generated/")
    )


def digest(root: Path = ROOT, patterns: list[str] = INPUTS) -> str:
    """One sha256 over the paths and contents of every matching file, in sorted order."""
    h = hashlib.sha256()
    for path in files(root, patterns):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def main(argv: list[str], root: Path = ROOT) -> int:
    build = root / (argv[0] if argv else "_build")
    stamp = build / ".inputs-sha256"
    stale = [build / ".jupyter_cache", build / ".doctrees", build / "jupyter_execute"]
    current = digest(root)
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous != current:
        for path in stale:
            if path.exists():
                shutil.rmtree(path)
        print("cache_stamp: inputs changed, cleared the execution cache and doctrees")
        build.mkdir(parents=True, exist_ok=True)
        stamp.write_text(current + "\n")
    else:
        print("cache_stamp: inputs unchanged, execution cache kept")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
