"""The execution cache is cleared when anything a chapter reads changes, and only then."""

from pathlib import Path

import pytest

from .conftest import load_script

cache_stamp = load_script("cache_stamp")

# Every input the cache depends on, with one file of each kind.
INPUT_FILES = [
    "data/registry.yml",
    "data/claims.yml",
    "data/sub/lookup.csv",
    "factcheck/x.py",
    "factcheck/sub/y.py",
    "_ext/z.py",
    "requirements.txt",
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


def test_inputs_are_exactly_the_files_chapters_depend_on():
    assert set(cache_stamp.INPUTS) == {
        "data/**/*",
        "factcheck/**/*.py",
        "_ext/**/*.py",
        "requirements.txt",
        "_config.yml",
    }


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
