"""Shared fixtures. Tests marked `build` build a book or read the built one in _build/.

`make unit` runs the others; `make test` builds the book first and runs them all. A test that
uses the `built` fixture is marked `build` automatically.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CHAPTERS = ROOT / "chapters"


def load_script(name: str):
    """Import scripts/<name>.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_collection_modifyitems(items):
    for item in items:
        if "built" in getattr(item, "fixturenames", ()):
            item.add_marker("build")


def toc_files(caption: str | None = None) -> list[str]:
    """Every document in _toc.yml, e.g. 'chapters/intro'; with ``caption``, only the documents
    of the part so captioned (e.g. "The articles")."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] if caption is None else []
    for part in toc.get("parts", []):
        if caption is None or part.get("caption") == caption:
            files += [c["file"] for c in part["chapters"]]
    return files


def check_built(build: Path, root: Path = ROOT) -> None:
    """Fail unless ``build`` holds a successful build of the current sources."""
    builder = load_script("build")
    if not (build / "html" / "index.html").exists():
        pytest.fail("the book is not built: run `make book` (or `make test`, which builds it)")
    if (build / builder.FAILED).exists() or (build / "html" / builder.NOTICE).exists():
        pytest.fail("the last build failed or was interrupted: run `make book` and fix it")
    stamp = build / builder.HTML_STAMP
    recorded = stamp.read_text().strip() if stamp.exists() else None
    if recorded != builder.sources_digest(root):
        pytest.fail(
            "the built book is out of date (the sources changed since it was built, or it was "
            "not built with `make html`): run `make book`"
        )


@pytest.fixture(scope="session")
def built() -> Path:
    """The build folder of a successful build of the current sources; fails (never skips)."""
    check_built(BUILD)
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
