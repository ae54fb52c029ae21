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

from factcheck.data import registry
from factcheck.data.registry import (
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
    mirror = registry.mirror_dir()
    if mirror is None:
        pytest.fail(
            f"no data mirror configured ({registry.MIRROR_ENV}); its README holds the hashes"
        )
    readme = mirror / "README.md"
    if not readme.exists():
        pytest.fail(f"mirror README not found at {readme} (mirror {mirror})")
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


def test_mirror_resolution_absolute_none_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv(registry.MIRROR_ENV, str(tmp_path))
    assert registry.mirror_dir() == tmp_path
    for off in ["none", "NONE", "", "  "]:
        monkeypatch.setenv(registry.MIRROR_ENV, off)
        assert registry.mirror_dir() is None, off
    monkeypatch.delenv(registry.MIRROR_ENV)
    present = tmp_path / "shared" / "data"
    present.mkdir(parents=True)
    monkeypatch.setattr(registry, "DEFAULT_MIRROR", present)
    assert registry.mirror_dir() == present
    monkeypatch.setattr(registry, "DEFAULT_MIRROR", tmp_path / "absent")
    assert registry.mirror_dir() is None


def test_relative_mirror_is_relative_to_the_project_root_not_the_working_directory(
    monkeypatch, tmp_path
):
    # The notebook kernels run in chapters/: a relative path must still mean the same folder.
    monkeypatch.chdir(registry.PROJECT_ROOT / "chapters")
    monkeypatch.setenv(registry.MIRROR_ENV, "../shared/data")
    assert registry.mirror_dir() == registry.PROJECT_ROOT.parent / "shared" / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(registry.MIRROR_ENV, "no/such/mirror")
    expected = registry.PROJECT_ROOT / "no" / "such" / "mirror"
    assert registry.mirror_dir() == expected
    with pytest.raises(MissingFileError) as err:
        registry.fetch(SMALL)
    assert str(expected / registry.entry(SMALL).path) in str(err.value)
    monkeypatch.setenv(registry.CACHE_ENV, "cache-here")
    assert registry.cache_dir() == registry.PROJECT_ROOT / "cache-here"


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../outside.csv",
        "census/../../x.csv",
        "~/x.csv",
        "C:/x.csv",
        "census\\x.csv",
        "census//x.csv",
        "./x.csv",
        " ",
    ],
)
def test_registry_paths_outside_the_mirror_are_rejected(path):
    raw = {
        "path": path,
        "url": "https://example.org/x",
        "sha256": "0" * 64,
        "licence": "x",
        "citation": "x",
        "origin": "byte copy",
        "description": "x",
    }
    with pytest.raises(registry.DataRegistryError, match="relative path inside the mirror"):
        registry._entry("bad", raw)
    registry._entry("good", {**raw, "path": "census/x.csv"})  # a normal path passes


def test_fix_advice_for_a_transcription_points_at_the_mirror_only(tmp_path, monkeypatch):
    item = registry.entry("ice_roster_snapshots_2017")
    assert item.origin == "transcription"
    target = tmp_path / item.path
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not the transcription\n")
    monkeypatch.setenv(registry.MIRROR_ENV, str(tmp_path))
    with pytest.raises(HashMismatchError) as err:
        registry.fetch(item.key)
    fix = str(err.value).split("Fix:")[1]
    assert "exists only in the mirror" in fix
    assert f"restore the file from {item.url}" not in fix
    target.unlink()
    with pytest.raises(MissingFileError) as err:
        registry.fetch(item.key)
    assert "exists only in the mirror" in str(err.value)
    assert "=none to download" not in str(err.value)


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


# --- Pre-flight check of every registered file (make html runs it before any chapter) ----------

BROKEN = {  # four small files, broken four ways
    "ice_287g_nc_best_guess": "flipped",
    "rtci_sources": "deleted",
    "ice_roster_snapshots_2017": "truncated",
    "kaplan_cary_monthly": "wrong columns",
}


@pytest.fixture
def broken_mirror(tmp_path, monkeypatch):
    """A mirror of symlinks to the real files, except four broken copies; nothing is copied
    into the repository. FACTCHECK_DATA_MIRROR points at it."""
    real = registry.mirror_dir()
    assert real is not None, "these tests need the data mirror"
    assert set(BROKEN) <= set(registry.registry())
    mirror = tmp_path / "mirror"
    for item in registry.registry().values():
        target = mirror / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        how = BROKEN.get(item.key)
        data = (real / item.path).read_bytes() if how else None
        if how is None:
            target.symlink_to(real / item.path)
        elif how == "flipped":
            target.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
        elif how == "truncated":
            target.write_bytes(data[: len(data) // 2])
        elif how == "wrong columns":
            first, rest = data.split(b"\n", 1)
            target.write_bytes(first.replace(b",", b";", 1) + b"\n" + rest)
    monkeypatch.setenv(registry.MIRROR_ENV, str(mirror))
    return mirror


def test_preflight_reports_every_bad_file_at_once_without_a_traceback(broken_mirror, tmp_path):
    import subprocess
    import sys

    env = {**__import__("os").environ, registry.MIRROR_ENV: str(broken_mirror)}
    state = tmp_path / "state.json"
    run = subprocess.run(
        [sys.executable, "-m", "factcheck.data.registry", "--check", "--state", str(state)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stderr.strip().splitlines()
    assert len(lines) <= len(BROKEN) + 4, run.stderr  # short: one line per bad file
    assert f"{len(BROKEN)} of {len(registry.registry())} registered files are bad" in lines[0]
    for key in BROKEN:
        assert sum(line.startswith(f"  - {key}:") for line in lines) == 1, key
    assert str(broken_mirror / registry.entry("rtci_sources").path) in run.stderr
    assert "Fix:" in run.stderr


def test_preflight_hashes_only_files_whose_fingerprint_changed(
    broken_mirror, tmp_path, monkeypatch
):
    state = tmp_path / "state.json"
    hashed = []
    real_sha = registry.sha256_of
    monkeypatch.setattr(registry, "sha256_of", lambda p: hashed.append(p) or real_sha(p))
    first = registry.preflight(state)
    assert len(first) == len(BROKEN)
    assert len(hashed) == len(registry.registry()) - 1  # all present files hashed once
    hashed.clear()
    assert registry.preflight(state) == first  # still bad: bad files are never trusted
    assert len(hashed) == len(BROKEN) - 1  # good files skipped on their fingerprint
    hashed.clear()
    for key in BROKEN:  # repair the mirror
        path = broken_mirror / registry.entry(key).path
        path.unlink(missing_ok=True)
        path.symlink_to(registry.DEFAULT_MIRROR / registry.entry(key).path)
    assert registry.preflight(state) == []
    assert len(hashed) == len(BROKEN)
    hashed.clear()
    good = broken_mirror / registry.entry(SMALL).path  # same size, new bytes, new mtime
    data = bytearray(good.read_bytes())
    data[-2] ^= 0x01
    good.unlink()
    good.write_bytes(bytes(data))
    problems = registry.preflight(state)
    assert [p.split(":")[0] for p in problems] == [SMALL]
    assert hashed == [good]
