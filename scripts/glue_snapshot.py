"""Snapshot every glued value of a built book, and compare two snapshots.

    python scripts/glue_snapshot.py [--build _build] [--out glue.json]
    python scripts/glue_snapshot.py --compare before.json after.json

myst-nb stores the values a chapter glues next to its executed notebook, in
``BUILD/jupyter_execute/chapters/<chapter>.glue.json`` (one display_data output per name). The
snapshot is a JSON object ``{chapter: {name: text}}`` with each value's ``text/plain`` form (for a
figure or a table glued as a rich object, its other mime types are listed by name, so a value that
changes kind is noticed). ``--compare`` prints every chapter and name whose value differs, is
missing or is new, and exits 1 when there is any difference: a refactor that must not change a
number in the book is checked by building before and after it and comparing the two snapshots.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def value_text(output: dict) -> str:
    """The text form of one glued output: its ``text/plain``, plus the names of other types."""
    data = output.get("data", {})
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else text
    others = sorted(k for k in data if k != "text/plain")
    return text + (f" [{', '.join(others)}]" if others else "")


def snapshot(build: Path) -> dict[str, dict[str, str]]:
    """{chapter: {name: text}} from every ``*.glue.json`` under ``build/jupyter_execute``."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted((build / "jupyter_execute").rglob("*.glue.json")):
        chapter = path.name.removesuffix(".glue.json")
        glued = json.loads(path.read_text(encoding="utf-8"))
        out[chapter] = {name: value_text(output) for name, output in sorted(glued.items())}
    return out


def differences(before: dict, after: dict) -> list[str]:
    """One line per chapter or glued name that is missing, new or has a different value."""
    lines = []
    for chapter in sorted(set(before) | set(after)):
        if chapter not in after:
            lines.append(f"{chapter}: chapter missing after")
            continue
        if chapter not in before:
            lines.append(f"{chapter}: chapter new after")
            continue
        old, new = before[chapter], after[chapter]
        for name in sorted(set(old) | set(new)):
            if name not in new:
                lines.append(f"{chapter}: {name}: missing after (was {old[name]!r})")
            elif name not in old:
                lines.append(f"{chapter}: {name}: new after ({new[name]!r})")
            elif old[name] != new[name]:
                lines.append(f"{chapter}: {name}: {old[name]!r} -> {new[name]!r}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build", help="the build directory")
    parser.add_argument("--out", type=Path, help="write the snapshot here (default: stdout)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        lines = differences(before, after)
        for line in lines:
            print(line)
        n = sum(len(v) for v in after.values())
        print(f"{len(lines)} differences; {n} glued values in {len(after)} chapters after")
        return 1 if lines else 0
    snap = snapshot(args.build)
    if not snap:
        print(f"no *.glue.json under {args.build / 'jupyter_execute'}: build the book first")
        return 2
    text = json.dumps(snap, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
