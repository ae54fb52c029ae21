"""The execution cache is cleared when data, ledger or package change, and only then."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("cache_stamp", ROOT / "scripts" / "cache_stamp.py")
cache_stamp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cache_stamp)


def make_tree(root: Path) -> None:
    (root / "data").mkdir()
    (root / "factcheck").mkdir()
    (root / "data" / "registry.yml").write_text("files: {}\n")
    (root / "factcheck" / "x.py").write_text("X = 1\n")


def test_cache_cleared_when_inputs_change(tmp_path):
    make_tree(tmp_path)
    cache = tmp_path / "_build" / ".jupyter_cache"
    doctrees = tmp_path / "_build" / ".doctrees"

    cache_stamp.main([], root=tmp_path)  # first build: records the stamp
    cache.mkdir(parents=True)
    doctrees.mkdir()
    cache_stamp.main([], root=tmp_path)  # nothing changed: cache kept
    assert cache.exists() and doctrees.exists()

    (tmp_path / "data" / "registry.yml").write_text("files: {a: 1}\n")  # a data hash changed
    cache_stamp.main([], root=tmp_path)
    assert not cache.exists() and not doctrees.exists()

    cache.mkdir()
    (tmp_path / "factcheck" / "x.py").write_text("X = 2\n")  # package code changed
    cache_stamp.main([], root=tmp_path)
    assert not cache.exists()


def test_digest_ignores_files_outside_inputs(tmp_path):
    make_tree(tmp_path)
    before = cache_stamp.digest(tmp_path)
    (tmp_path / "notes.txt").write_text("unrelated\n")
    assert cache_stamp.digest(tmp_path) == before
