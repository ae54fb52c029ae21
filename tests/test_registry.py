"""Data registry: integrity of every registered file, and clear errors for bad files."""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from factcheck import registry
from factcheck.registry import (
    Entry,
    HashMismatchError,
    MissingFileError,
    SchemaMismatchError,
    UnknownFileError,
)

KEYS = sorted(registry.registry())
SMALL = "ice_287g_nc_best_guess"  # a small csv used for error cases


@pytest.fixture
def mirror_copy(tmp_path, monkeypatch):
    """A private mirror holding a copy of the SMALL file; FACTCHECK_DATA_MIRROR points to it."""
    item = registry.entry(SMALL)
    source = registry.fetch(SMALL)
    target = tmp_path / item.path
    target.parent.mkdir(parents=True)
    shutil.copyfile(source, target)
    monkeypatch.setenv(registry.MIRROR_ENV, str(tmp_path))
    return target


def test_registry_has_every_field_and_unique_paths():
    entries = registry.registry()
    assert len(entries) >= 30
    paths = [e.path for e in entries.values()]
    assert len(paths) == len(set(paths)), "a raw file is listed twice"
    for e in entries.values():
        assert re.fullmatch(r"[0-9a-f]{64}", e.sha256), e.key
        assert e.url.startswith("https://"), e.key
        assert e.rows is not None and e.columns, f"{e.key}: schema needs columns and rows"


def test_registry_hashes_agree_with_mirror_readme():
    """The mirror's README lists the sha256 of each file; the registry must pin the same."""
    readme = registry.DEFAULT_MIRROR / "README.md"
    if not readme.exists():
        pytest.fail(f"mirror README not found at {readme}; CI must run with ../shared beside")
    listed = {
        m.group(2): m.group(1)
        for m in re.finditer(r"^([0-9a-f]{64})  data/(\S.*)$", readme.read_text(), re.M)
    }
    for e in registry.registry().values():
        assert listed.get(e.path) == e.sha256, f"{e.key}: {e.path}"


@pytest.mark.parametrize("key", KEYS)
def test_every_registered_file_loads_with_its_schema(key):
    frame = registry.load(key)  # hash, columns and exact row count are checked inside
    assert len(frame) == registry.entry(key).rows


def test_corrupt_file_names_file_expected_and_found_hash(mirror_copy):
    mirror_copy.write_bytes(mirror_copy.read_bytes() + b"tampered\n")
    found = hashlib.sha256(mirror_copy.read_bytes()).hexdigest()
    with pytest.raises(HashMismatchError) as err:
        registry.load(SMALL)
    message = str(err.value)
    item = registry.entry(SMALL)
    assert item.path in message and item.sha256 in message and found in message
    assert "Fix:" in message


def test_missing_file_names_file_and_fix(mirror_copy):
    mirror_copy.unlink()
    with pytest.raises(MissingFileError) as err:
        registry.fetch(SMALL)
    message = str(err.value)
    assert registry.entry(SMALL).path in message
    assert registry.MIRROR_ENV in message and "Fix:" in message


def test_schema_mismatch_names_columns_and_rows():
    good = registry.entry(SMALL)
    frame = registry.load(SMALL)
    wrong_cols = Entry(**{**good.__dict__, "columns": ("state", "no_such_column")})
    with pytest.raises(SchemaMismatchError, match="no_such_column"):
        registry.check_schema(wrong_cols, frame)
    wrong_rows = Entry(**{**good.__dict__, "rows": good.rows + 1})
    with pytest.raises(
        SchemaMismatchError, match=f"has {good.rows} rows, expected {good.rows + 1}"
    ):
        registry.check_schema(wrong_rows, frame)


def test_unknown_key():
    with pytest.raises(UnknownFileError, match="not in the data registry"):
        registry.entry("no_such_file")


def test_transcription_cannot_be_downloaded(monkeypatch):
    monkeypatch.setenv(registry.MIRROR_ENV, "none")
    with pytest.raises(MissingFileError, match="transcription"):
        registry.fetch("ice_roster_snapshots_2017")


def test_mirror_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv(registry.MIRROR_ENV, str(tmp_path))
    assert registry.mirror_dir() == tmp_path
    monkeypatch.setenv(registry.MIRROR_ENV, "none")
    assert registry.mirror_dir() is None
    monkeypatch.delenv(registry.MIRROR_ENV)
    expected = registry.DEFAULT_MIRROR if registry.DEFAULT_MIRROR.is_dir() else None
    assert registry.mirror_dir() == expected


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/www on a loopback port; yields the base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def download_entry(key: str, url: str, sha256: str, **schema) -> Entry:
    """A registry entry for a file served by the test's loopback HTTP server."""
    return Entry(
        key=key,
        path=f"{key}/{url.rsplit('/', 1)[-1]}",
        url=url,
        sha256=sha256,
        licence="test",
        citation="test",
        origin="byte copy",
        description="test",
        **schema,
    )


def test_download_without_mirror_is_hash_checked(http_server, tmp_path, monkeypatch):
    root, base = http_server
    body = b"a,b\n1,2\n3,4\n"
    (root / "file.csv").write_bytes(body)
    monkeypatch.setenv(registry.MIRROR_ENV, "none")
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))
    good = download_entry(
        "probe",
        f"{base}/file.csv",
        hashlib.sha256(body).hexdigest(),
        read={"format": "csv"},
        columns=("a", "b"),
        rows=2,
    )
    monkeypatch.setattr(registry, "registry", lambda: {"probe": good})
    frame = registry.load("probe")
    assert frame["b"].tolist() == [2, 4]
    assert (tmp_path / "cache" / "probe" / "file.csv").read_bytes() == body

    bad = Entry(**{**good.__dict__, "path": "other/file.csv", "sha256": "0" * 64})
    monkeypatch.setattr(registry, "registry", lambda: {"probe": bad})
    with pytest.raises(HashMismatchError, match="0" * 64):
        registry.fetch("probe")


def test_download_failure_is_reported(tmp_path, monkeypatch, http_server):
    _, base = http_server
    monkeypatch.setenv(registry.MIRROR_ENV, "none")
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))
    gone = download_entry("gone", f"{base}/missing.csv", "1" * 64)
    monkeypatch.setattr(registry, "registry", lambda: {"gone": gone})
    with pytest.raises(MissingFileError, match="could not download"):
        registry.fetch("gone")


def test_sources_table_lists_every_file():
    table = registry.sources_table()
    assert sorted(table["key"]) == KEYS
    assert Path(registry.REGISTRY_PATH).exists()
