"""The execution cache is cleared when anything a chapter reads changes, and only then."""

from pathlib import Path

import pytest

from .conftest import ROOT, load_script

cache_stamp = load_script("cache_stamp")

# Every input the cache depends on, with one file of each kind.
INPUT_FILES = [
    "data/registry.yml",
    "data/claims.yml",
    "data/sub/lookup.csv",
    "factcheck/x.py",
    "factcheck/sub/y.py",
    "factcheck/table.json",
    "_ext/z.py",
    "_static/book.css",
    "references.bib",
    "_toc.yml",
    "requirements.txt",
    "pyproject.toml",
    "_config.yml",
]


def make_tree(root: Path) -> None:
    for name in INPUT_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"{name} v1\n")


def built_caches(root: Path) -> list[Path]:
    stale = [root / "_build" / n for n in (".jupyter_cache", ".doctrees", "jupyter_execute")]
    for path in stale:
        path.mkdir(parents=True, exist_ok=True)
    return stale


def test_inputs_cover_whole_folders_and_the_bibliography():
    assert {"data/**/*", "factcheck/**/*", "_ext/**/*", "_static/**/*"} <= set(cache_stamp.INPUTS)
    assert {"references.bib", "_config.yml", "_toc.yml", "requirements.txt"} <= set(
        cache_stamp.INPUTS
    )


def project_paths(module) -> list[Path]:
    """Module-level Path constants of a package module that point into the project."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, Path) and value.is_relative_to(ROOT) and value != ROOT
    ]


def test_every_project_file_the_package_names_is_an_input():
    """Every Path constant of every factcheck module (LEDGER_PATH, BIB_PATH, STUDIES, ...) is
    an input file or a folder of inputs; a new constant is checked without editing this test."""
    import importlib
    import pkgutil

    import factcheck

    inputs = set(cache_stamp.files(ROOT))
    named = []
    for info in pkgutil.walk_packages(factcheck.__path__, "factcheck."):
        module = importlib.import_module(info.name)
        named += [(info.name.removeprefix("factcheck."), p) for p in project_paths(module)]
    assert len(named) >= 8
    # chapters/ holds the pages' own sources; figures/ is where chapters write their PNGs.
    not_inputs = {ROOT / "chapters", ROOT / "figures"}
    missing = [
        f"factcheck.{name}: {p.relative_to(ROOT)}"
        for name, p in named
        if p not in not_inputs
        and (p.is_file() and p not in inputs)
        or (p.is_dir() and p not in not_inputs and not any(f.is_relative_to(p) for f in inputs))
    ]
    assert not missing, missing


OPEN_PROBE = """
import sys
opened = set()
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.add(args[0])
sys.addaudithook(hook)
from factcheck.data import agreements, loaders, programs, policies
from factcheck.stats import design, ratios
from factcheck.ledger import claims
from factcheck.book import render
claims.ledger_json()
render.site_url()
render.verdict_card_markdown("004")
render.page_claims_markdown("004")
render.bottom_line_table()
for call in (
    loaders.published_figures, loaders.agency_display_names, loaders.own_record_agencies,
    loaders.county_ori_prefixes, loaders.agreement_county_fips, loaders.crime_events,
    agreements.short_names, policies.policy_changes, programs.offense_categories,
    ratios.study_ratios,
    lambda: pd.read_csv(loaders.CROSSWALK),
):
    call()
print("\\n".join(sorted(opened)))
""".replace("lambda: pd.read_csv", "lambda: __import__('pandas').read_csv")


def test_every_project_file_the_package_opens_is_an_input():
    """Run the package's ledger, rendering and lookup code with an audit hook that records every
    file opened: each one inside the project (outside the venv, the build and the chapters) must
    be among the cache inputs. New files are covered as long as they sit in an input folder."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", OPEN_PROBE], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    opened = {Path(p).resolve() for p in run.stdout.splitlines() if p.strip()}
    project = {
        p
        for p in opened
        if p.is_relative_to(ROOT)
        and p.is_file()
        and not {".venv", "_build", "__pycache__", "chapters", ".git", "factcheck.egg-info"}
        & set(p.relative_to(ROOT).parts)  # the egg-info is written from pyproject.toml, an input
    }
    assert {ROOT / "data" / "claims.yml", ROOT / "references.bib"} <= project, sorted(project)
    missing = sorted(str(p.relative_to(ROOT)) for p in project - set(cache_stamp.files(ROOT)))
    assert not missing, f"read at build time but not cache inputs: {missing}"


@pytest.mark.parametrize("changed", INPUT_FILES)
def test_cache_cleared_when_any_input_changes(tmp_path, changed):
    make_tree(tmp_path)
    cache_stamp.main([], root=tmp_path)  # first build: records the stamp
    stale = built_caches(tmp_path)
    cache_stamp.main([], root=tmp_path)  # nothing changed: caches kept
    assert all(p.exists() for p in stale)
    (tmp_path / changed).write_text(f"{changed} v2\n")
    cache_stamp.main([], root=tmp_path)
    assert not any(p.exists() for p in stale), changed
    stale = built_caches(tmp_path)
    cache_stamp.main([], root=tmp_path)  # recorded: the next build keeps them
    assert all(p.exists() for p in stale)


@pytest.mark.parametrize(
    "unrelated", ["notes.txt", "chapters/a.md", "tests/test_x.py", "factcheck/__pycache__/x.pyc"]
)
def test_digest_ignores_files_outside_inputs(tmp_path, unrelated):
    make_tree(tmp_path)
    before = cache_stamp.digest(tmp_path)
    (tmp_path / unrelated).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / unrelated).write_text("unrelated\n")
    assert cache_stamp.digest(tmp_path) == before
