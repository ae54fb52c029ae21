"""Compare the glued values of two builds: every key of every chapter, before and after a change.

    python scripts/compare_glue.py BEFORE AFTER

BEFORE and AFTER are copies of ``_build/jupyter_execute`` (myst-nb writes one
``chapters/NAME.glue.json`` per executed chapter). Prints every key whose text/plain value
changed, was removed or was added, per chapter, and exits 1 when a value changed or was
removed (new keys in new chapters are listed but allowed). Figures are compared by their
text/plain representation only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def glued(folder: Path) -> dict[str, dict[str, str]]:
    """{chapter: {key: text/plain}} for the glue files under ``folder``."""
    out = {}
    for path in sorted(folder.rglob("*.glue.json")):
        entries = json.loads(path.read_text())
        name = str(path.relative_to(folder)).removesuffix(".glue.json")
        out[name] = {k: v.get("data", {}).get("text/plain", "") for k, v in entries.items()}
    return out


def compare(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """(problems: changed or removed values, notes: added keys)."""
    problems, notes = [], []
    for chapter in sorted(set(before) | set(after)):
        old, new = before.get(chapter, {}), after.get(chapter, {})
        for key in sorted(set(old) | set(new)):
            if key not in new:
                problems.append(f"{chapter}: {key} removed (was {old[key]})")
            elif key not in old:
                notes.append(f"{chapter}: {key} added ({new[key]})")
            elif old[key] != new[key]:
                problems.append(f"{chapter}: {key} changed: {old[key]} -> {new[key]}")
    return problems, notes


def main(argv: list[str]) -> int:
    before, after = glued(Path(argv[0])), glued(Path(argv[1]))
    problems, notes = compare(before, after)
    n_keys = sum(len(v) for v in before.values())
    print(f"{len(before)} chapters, {n_keys} glued values before; {len(problems)} changed/removed")
    for line in problems + notes:
        print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
