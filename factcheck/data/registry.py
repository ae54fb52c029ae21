"""Data registry: every raw file the book reads, with its public origin and its sha256.

Each raw file is listed once in ``data/registry.yml``. :func:`fetch` returns a local path to
that file, taken from the offline mirror when one is configured and downloaded (with pooch)
into a cache otherwise; the sha256 is always checked. :func:`load` also reads the file and
checks its schema (columns and row count). Every failure raises a :class:`DataRegistryError`
whose message names the file, the expected and found values, and how to fix it.

Mirror resolution, in order:

1. ``FACTCHECK_DATA_MIRROR`` set to a folder: that folder is the mirror. A relative path is
   taken relative to the project root (not to the working directory, which is ``chapters/``
   inside the notebook kernels).
2. ``FACTCHECK_DATA_MIRROR`` set to ``none`` (or empty): no mirror, download every file.
3. unset: ``../shared/data`` beside the project root, when that folder exists.

Downloads go to ``FACTCHECK_DATA_CACHE`` (default: ``~/.cache/factcheck-287g``; relative paths
are taken relative to the project root too).

``python -m factcheck.data.registry --check`` is the build's pre-flight: it checks every registered
file at once (a size and mtime fingerprint per file is cached; a file whose fingerprint changed
is hashed in full) and reports all the bad files in one short message. ``make html`` runs it
before any chapter.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pandas as pd
import yaml

# In a checkout (or an editable install) the project root holds data/registry.yml. An installed
# package carries the committed data/ folder (registry and tables) as package data in
# factcheck/_bundled/data, which then stands in for the project root.
_PACKAGE = Path(__file__).resolve().parents[1]  # factcheck/data/registry.py -> factcheck/
_CHECKOUT = (_PACKAGE.parent / "data" / "registry.yml").is_file()
PROJECT_ROOT = _PACKAGE.parent if _CHECKOUT else _PACKAGE / "_bundled"
REGISTRY_PATH = PROJECT_ROOT / "data" / "registry.yml"
MIRROR_ENV = "FACTCHECK_DATA_MIRROR"
CACHE_ENV = "FACTCHECK_DATA_CACHE"
DEFAULT_MIRROR = PROJECT_ROOT.parent / "shared" / "data"
ORIGINS = {"byte copy", "transcription", "copy (byte identity with url unverified)"}


class DataRegistryError(RuntimeError):
    """Base class: a raw file could not be provided as the registry describes it."""


class UnknownFileError(DataRegistryError):
    """The key is not in the registry."""


class MissingFileError(DataRegistryError):
    """The file is absent from the mirror, or cannot be downloaded."""


class HashMismatchError(DataRegistryError):
    """The file's sha256 differs from the registry's."""


class SchemaMismatchError(DataRegistryError):
    """The file's columns or row count differ from the registry's."""


@dataclass(frozen=True)
class Entry:
    """One raw file of the registry."""

    key: str
    path: str
    url: str
    sha256: str
    licence: str
    citation: str
    origin: str
    description: str
    read: Mapping[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    rows: int | None = None

    @property
    def downloadable(self) -> bool:
        """Transcriptions exist only in the mirror: their bytes are not at any public URL."""
        return self.origin != "transcription"

    def fix_advice(self) -> str:
        """How to restore a good copy of this file."""
        if not self.downloadable:
            return (
                "restore it from a clean copy of the data mirror: this file is a transcription "
                f"that exists only in the mirror (its upstream source {self.url} does not hold "
                "these bytes)"
            )
        return f"restore the file from {self.url} (or a clean copy of the mirror)"


def check_path(key: str, path: str) -> str:
    """Reject registry paths that would read outside the mirror or write outside the cache."""
    posix, windows = PurePosixPath(path), PureWindowsPath(path)
    bad = (
        not path.strip()
        or posix.is_absolute()
        or windows.is_absolute()
        or bool(windows.drive)
        or path.startswith("~")
        or "\\" in path
        or any(part in {"..", "."} for part in path.split("/"))
        or "" in path.split("/")
    )
    if bad:
        raise DataRegistryError(
            f"registry entry {key!r}: path {path!r} must be a relative path inside the mirror "
            "(forward slashes, no '..', '.', '~' or empty parts, not absolute); edit "
            f"{REGISTRY_PATH}"
        )
    return path


def _entry(key: str, raw: Mapping[str, Any]) -> Entry:
    required = ("path", "url", "sha256", "licence", "citation", "origin", "description")
    missing = [name for name in required if not raw.get(name)]
    if missing:
        raise DataRegistryError(f"registry entry {key!r} lacks {missing}; edit {REGISTRY_PATH}")
    markup = [
        n for n in ("description", "citation", "licence", "url") if set("<>") & set(str(raw[n]))
    ]
    if markup:
        raise DataRegistryError(
            f"registry entry {key!r}: {markup} contain '<' or '>'; registry text is plain text "
            f"(no HTML); edit {REGISTRY_PATH}"
        )
    if raw["origin"] not in ORIGINS:
        raise DataRegistryError(
            f"registry entry {key!r}: origin {raw['origin']!r} is not one of {sorted(ORIGINS)}"
        )
    schema = raw.get("schema") or {}
    return Entry(
        key=key,
        path=check_path(key, str(raw["path"])),
        url=raw["url"],
        sha256=str(raw["sha256"]).lower(),
        licence=raw["licence"],
        citation=raw["citation"],
        origin=raw["origin"],
        description=raw["description"],
        read=raw.get("read") or {},
        columns=tuple(schema.get("columns") or ()),
        rows=schema.get("rows"),
    )


class DuplicateKeyError(ValueError):
    """A YAML mapping names the same key twice (a bad merge would otherwise win silently)."""


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that rejects duplicate keys instead of keeping the last one."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKeyError(
                    f"{key_node.start_mark.name}:{line}: duplicate key {key!r} (first at line "
                    f"{seen[key]}); keep one of the two"
                )
            seen[key] = line
        return super().construct_mapping(node, deep)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely; a key given twice in one mapping raises
    :class:`DuplicateKeyError` naming the file, both lines and the key."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)


def read_registry(path: Path = REGISTRY_PATH) -> dict[str, Entry]:
    """Parse a registry file into entries keyed by name."""
    try:
        raw = load_yaml(path)
    except (DuplicateKeyError, yaml.YAMLError) as err:
        raise DataRegistryError(f"{path}: {err}") from None
    return {key: _entry(key, value) for key, value in raw["files"].items()}


@cache
def registry() -> dict[str, Entry]:
    """The project's registry (parsed once per process)."""
    return read_registry()


def entry(key: str) -> Entry:
    """Look up one entry, with a helpful error for a typo."""
    entries = registry()
    if key not in entries:
        raise UnknownFileError(
            f"{key!r} is not in the data registry ({REGISTRY_PATH}); known keys: "
            + ", ".join(sorted(entries))
        )
    return entries[key]


def project_path(value: str) -> Path:
    """An absolute path for a user-given folder; relative ones are relative to the project root."""
    path = Path(value).expanduser()
    # normpath, not resolve(): collapse "..", but keep symlinked folders as the user named them.
    return path if path.is_absolute() else Path(os.path.normpath(PROJECT_ROOT / path))


def mirror_dir() -> Path | None:
    """The configured mirror folder (absolute), or None when files are to be downloaded."""
    value = os.environ.get(MIRROR_ENV)
    if value is None:
        return DEFAULT_MIRROR if DEFAULT_MIRROR.is_dir() else None
    if value.strip().lower() in {"", "none"}:
        return None
    return project_path(value.strip())


def cache_dir() -> Path:
    """Where downloaded files are kept (absolute)."""
    return project_path(os.environ.get(CACHE_ENV) or "~/.cache/factcheck-287g")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(item: Entry, path: Path) -> Path:
    """Raise :class:`HashMismatchError` unless ``path`` has the registered sha256."""
    found = sha256_of(path)
    if found != item.sha256:
        raise HashMismatchError(
            f"data file {item.path!r} (registry key {item.key!r}) at {path} is corrupt or "
            f"a different version: sha256 expected {item.sha256}, found {found}. "
            f"Fix: {item.fix_advice()}; if the source really changed, review the change and "
            f"update sha256 in data/registry.yml (and the mirror README's hash list)."
        )
    return path


def fetch(key: str) -> Path:
    """Return a local, hash-checked path to the raw file ``key``."""
    item = entry(key)
    mirror = mirror_dir()
    if mirror is not None:
        path = mirror / item.path
        if not path.is_file():
            raise MissingFileError(
                f"data file {item.path!r} (registry key {item.key!r}) is missing from the mirror "
                f"{mirror}: expected a file at {path}, found none. Fix: "
                + (
                    f"restore the mirror (it must hold the files listed in data/registry.yml), "
                    f"point {MIRROR_ENV} at a complete copy, or set {MIRROR_ENV}=none to "
                    f"download from {item.url}."
                    if item.downloadable
                    else f"{item.fix_advice()}, or point {MIRROR_ENV} at a complete copy."
                )
            )
        return verify(item, path)
    if not item.downloadable:
        raise MissingFileError(
            f"data file {item.path!r} (registry key {item.key!r}) is a transcription that exists "
            f"only in the project's data mirror, and no mirror is configured. Fix: set "
            f"{MIRROR_ENV} to a folder holding the mirror (../shared/data by default). "
            f"Upstream source: {item.url}"
        )
    return _download(item)


def _download(item: Entry) -> Path:
    import pooch  # imported here: only needed without a mirror

    # pooch announces each download on stderr (one line per file), which would fail a chapter
    # and bury the pre-flight's message; failures are reported by the exceptions below.
    pooch.get_logger().setLevel("WARNING")

    target = cache_dir() / item.path
    try:
        local = pooch.retrieve(
            url=item.url,
            known_hash=f"sha256:{item.sha256}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except ValueError as err:  # pooch's hash mismatch
        raise HashMismatchError(
            f"downloaded {item.url} for {item.path!r} (registry key {item.key!r}) but its sha256 "
            f"does not match the registry's {item.sha256}: {err}. Fix: use the mirror "
            f"({MIRROR_ENV}), or review the upstream change and update data/registry.yml."
        ) from err
    except Exception as err:  # network failures of every kind
        raise MissingFileError(
            f"could not download {item.url} for {item.path!r} (registry key {item.key!r}): "
            f"{err}. Fix: check the network, or set {MIRROR_ENV} to a local mirror."
        ) from err
    return verify(item, Path(local))


def _normalise_header(name: object) -> str:
    return " ".join(str(name).split())


def read_file(item: Entry, path: Path) -> pd.DataFrame:
    """Read a raw file as the registry's ``read`` options say (csv, excel or rda)."""
    options = dict(item.read)
    fmt = options.pop("format", "csv")
    if fmt == "csv":
        frame = pd.read_csv(path, **options)
    elif fmt == "excel":
        frame = pd.read_excel(path, engine="calamine", **options)
        frame.columns = [_normalise_header(c) for c in frame.columns]
    elif fmt == "rda":
        import pyreadr

        objects = pyreadr.read_r(str(path))
        frame = objects[options.get("object", next(iter(objects)))]
    else:
        raise DataRegistryError(f"registry entry {item.key!r}: unknown format {fmt!r}")
    return frame


def check_schema(item: Entry, frame: pd.DataFrame) -> pd.DataFrame:
    """Raise :class:`SchemaMismatchError` unless ``frame`` has the registered columns and rows."""
    found = [str(c) for c in frame.columns]
    missing = [c for c in item.columns if c not in found]
    if missing:
        raise SchemaMismatchError(
            f"data file {item.path!r} (registry key {item.key!r}) lacks expected columns "
            f"{missing}; found columns {found}. Fix: the file is not the registered version; "
            f"restore it, or update the schema in data/registry.yml after review."
        )
    if item.rows is not None and len(frame) != item.rows:
        raise SchemaMismatchError(
            f"data file {item.path!r} (registry key {item.key!r}) has {len(frame)} rows, "
            f"expected {item.rows}. Fix: restore the registered version of the file, or "
            f"update the row count in data/registry.yml after review."
        )
    return frame


def load(key: str) -> pd.DataFrame:
    """Fetch, hash-check, read and schema-check the raw file ``key``."""
    item = entry(key)
    return check_schema(item, read_file(item, fetch(key)))


def sources_table() -> pd.DataFrame:
    """One row per registered file, for the methods chapter."""
    rows = [
        {
            "key": e.key,
            "file": e.path,
            "what": e.description,
            "origin": e.origin,
            "licence": e.licence,
            "url": e.url,
            "sha256": e.sha256[:12] + "…",
        }
        for e in registry().values()
    ]
    return pd.DataFrame(rows)


# --- Pre-flight check of every registered file -------------------------------------------------


def _fingerprint(path: Path) -> list[int]:
    """Size, modification time, inode change time and inode. The change time (ctime) cannot be
    set back by a user (``touch -d`` or ``os.utime`` restore the mtime, and change the ctime),
    so an edit with the mtime restored still changes the fingerprint."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


@dataclass
class PreflightCounts:
    """How the last :func:`preflight` checked the files (for its message)."""

    hashed: int = 0
    unchanged: int = 0


LAST_PREFLIGHT = PreflightCounts()


def preflight(state_path: Path | None = None) -> list[str]:
    """Check every registered file; return one short problem line per bad file.

    A file is hashed in full only when its size/mtime/ctime/inode fingerprint differs from the
    one recorded in ``state_path`` at its last good check (or when there is no record), so the
    check costs milliseconds on an unchanged mirror. Files that are not local yet are fetched
    (downloaded when no mirror is configured). :data:`LAST_PREFLIGHT` counts the files hashed
    and the ones trusted by fingerprint.
    """
    try:
        known: dict[str, dict[str, Any]] = json.loads(state_path.read_text()) if state_path else {}
    except (OSError, ValueError):
        known = {}
    seen: dict[str, dict[str, Any]] = {}
    problems = []
    mirror = mirror_dir()
    LAST_PREFLIGHT.hashed = LAST_PREFLIGHT.unchanged = 0
    if mirror is not None and not mirror.is_dir():
        raise MissingFileError(
            f"the data mirror {mirror} does not exist ({MIRROR_ENV}="
            f"{os.environ.get(MIRROR_ENV, '(unset)')}); fix the path, or unset {MIRROR_ENV} to "
            f"use {DEFAULT_MIRROR}"
        )
    for item in registry().values():
        path = (mirror if mirror is not None else cache_dir()) / item.path
        if mirror is not None and not path.is_file():
            problems.append(f"{item.key}: missing (expected {path})")
            continue
        if mirror is None and not path.is_file():
            try:
                path = fetch(item.key)
            except DataRegistryError as err:
                if not item.downloadable:
                    problems.append(f"{item.key}: transcription, exists only in the mirror")
                else:
                    first = str(err).split(". Fix:")[0].splitlines()[0]
                    problems.append(f"{item.key}: download failed ({first[-160:]})")
                continue
        fingerprint = _fingerprint(path)
        record = known.get(str(path))
        if record and record["fingerprint"] == fingerprint and record["sha256"] == item.sha256:
            seen[str(path)] = record
            LAST_PREFLIGHT.unchanged += 1
            continue
        found = sha256_of(path)
        LAST_PREFLIGHT.hashed += 1
        if found != item.sha256:
            problems.append(
                f"{item.key}: sha256 mismatch at {path} ({fingerprint[0]} bytes): "
                f"expected {item.sha256}, found {found}"
            )
            continue
        seen[str(path)] = {"fingerprint": fingerprint, "sha256": found}
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.write_text(json.dumps(seen, indent=0, sort_keys=True) + "\n")
    return problems


def preflight_report(problems: list[str]) -> str:
    """The short message printed when the pre-flight finds bad files."""
    mirror = mirror_dir()
    where = f"the mirror {mirror}" if mirror is not None else f"the download cache {cache_dir()}"
    lines = [
        f"Data pre-flight: {len(problems)} of {len(registry())} registered files are bad "
        f"(read from {where}):",
    ]
    transcriptions = [p.split(":")[0] for p in problems if p.endswith("only in the mirror")]
    downloads = [p for p in problems if ": download failed (" in p]
    others = [p for p in problems if p.split(":")[0] not in transcriptions and p not in downloads]
    if transcriptions:
        lines.append(
            f"  - {len(transcriptions)} transcriptions, which exist only in the mirror: "
            + ", ".join(transcriptions)
        )
    if len(downloads) > 3:  # one line, not one per file: the cause is usually the same
        keys = ", ".join(p.split(":")[0] for p in downloads)
        lines.append(f"  - {len(downloads)} downloads failed ({keys}); the first: {downloads[0]}")
    else:
        others = downloads + others
    lines += [f"  - {line}" for line in others]
    if mirror is None:
        lines.append(
            "Fix: no data mirror is configured, and transcriptions exist only in the mirror: "
            f"put the mirror at {DEFAULT_MIRROR} or set {MIRROR_ENV} to its folder (downloads "
            "also need network access)."
        )
    else:
        lines.append(
            "Fix: restore these files from a clean copy of the mirror (transcriptions exist "
            f"only there), point {MIRROR_ENV} at a complete copy, or set {MIRROR_ENV}=none to "
            "download the downloadable ones. If a source really changed, review it and update "
            "data/registry.yml and the mirror README's hash list."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check every file of the data registry.")
    parser.add_argument("--check", action="store_true", help="pre-flight check of every file")
    parser.add_argument("--state", type=Path, help="fingerprint cache (JSON) to reuse and update")
    args = parser.parse_args(argv)
    if not args.check:
        parser.print_help()
        return 2
    try:
        problems = preflight(args.state)
    except DataRegistryError as err:  # a broken registry file itself
        print(f"Data pre-flight: {err}", file=sys.stderr)
        return 1
    if problems:
        print(preflight_report(problems), file=sys.stderr)
        return 1
    counts = LAST_PREFLIGHT
    print(
        f"Data pre-flight: all {len(registry())} registered files present; {counts.hashed} "
        f"hashed in full now (sha256 as registered), {counts.unchanged} unchanged since their "
        "last full hash (same size, mtime, ctime and inode)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
