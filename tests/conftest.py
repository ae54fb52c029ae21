"""Shared fixtures. Tests marked `build` read the built book in _build/ (run `make book`)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CHAPTERS = ROOT / "chapters"


def toc_files() -> list[str]:
    """Every document in _toc.yml, e.g. 'chapters/intro'."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


@pytest.fixture(scope="session")
def built() -> Path:
    """The build folder; fails (not skips) when the book has not been built."""
    html = BUILD / "html"
    if not (html / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (or `make test`, which builds it)")
    return BUILD


@pytest.fixture(scope="session")
def executed_glue(built: Path) -> dict[str, dict[str, object]]:
    """Glued values of each executed chapter, {chapter: {key: value}}, from myst-nb's glue files."""
    out: dict[str, dict[str, object]] = {}
    for path in sorted((built / "jupyter_execute" / "chapters").glob("*.glue.json")):
        entries = json.loads(path.read_text())
        values = {}
        for key, output in entries.items():
            text = output["data"].get("text/plain", "")
            try:
                values[key] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[key] = text  # a figure or other object: keep its repr
        out[path.name.removesuffix(".glue.json")] = values
    return out
