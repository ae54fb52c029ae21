"""Pin the status each chapter argues for: add ``status="..."`` to every ``verdicts.check`` and
``verdicts.verdict`` call in ``chapters/*.md`` that has none, from the ledger's current status.

    python scripts/pin_statuses.py          # rewrite the chapters (idempotent)
    python scripts/pin_statuses.py --check  # list the calls without a pin; exit 1 if any

A call that already has ``status=`` is left as it is, whatever it says: a pin is changed by
hand, together with the chapter's argument, never by this script. Run it after merging
branches that add claims or calls; review the diff (each pin should match what the prose
around the call argues) and commit it on its own.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(r"\bverdicts\.(check|verdict)\(")
CLAIM_ID = re.compile(r"\s*[\"'](a\d{3}-\d{2})[\"']")


def _closing_paren(text: str, start: int) -> int:
    """Index of the parenthesis that closes the one before ``start`` (strings skipped)."""
    depth, i = 1, start
    while i < len(text):
        char = text[i]
        if char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            i += len(quote)
            while i < len(text) and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if char == "#":  # a comment runs to the end of the line
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unclosed call at offset {start}")


def calls(text: str):
    """Yield (function, claim id or None, start of arguments, index of closing paren, args)."""
    for match in CALL.finditer(text):
        end = _closing_paren(text, match.end())
        args = text[match.end() : end]
        found = CLAIM_ID.match(args)
        yield match.group(1), found.group(1) if found else None, match.end(), end, args


def has_pin(args: str) -> bool:
    return re.search(r"(^|[,(\s])status\s*=", args) is not None


def pin(text: str, statuses: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """``text`` with a pin added to every unpinned call; (new text, pinned, problems)."""
    out, pos, pinned, problems = [], 0, [], []
    for function, claim_id, _start, end, args in calls(text):
        if has_pin(args):
            continue
        if claim_id is None or claim_id not in statuses:
            problems.append(
                f"verdicts.{function}({args.strip()[:40]}...): the claim id must be a literal id "
                "of data/claims.yml"
            )
            continue
        body = args.rstrip()
        trailing = args[len(body) :]
        if body.endswith(","):  # one argument per line: add one more line
            indent = re.search(r"\n([ \t]*)\S[^\n]*,$", body)
            insert = f'\n{indent.group(1) if indent else "    "}status="{statuses[claim_id]}",'
        else:
            insert = f', status="{statuses[claim_id]}"'
        out += [text[pos : _start + len(body)], insert, trailing]
        pos = end
        pinned.append(claim_id)
    out.append(text[pos:])
    return "".join(out), pinned, problems


def ledger_statuses(root: Path = ROOT) -> dict[str, str]:
    import yaml

    raw = yaml.safe_load((root / "data" / "claims.yml").read_text(encoding="utf-8"))
    return {str(c["id"]): str(c["status"]) for c in raw.get("claims") or []}


def chapter_files(root: Path = ROOT) -> list[Path]:
    """Every chapter except the template (``_template.md`` pins its own example)."""
    return sorted(p for p in (root / "chapters").glob("*.md") if not p.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report unpinned calls only")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    statuses = ledger_statuses(args.root)
    total, failed = 0, False
    for path in chapter_files(args.root):
        text = path.read_text(encoding="utf-8")
        new, pinned, problems = pin(text, statuses)
        for problem in problems:
            print(f"{path.relative_to(args.root)}: {problem}", file=sys.stderr)
            failed = True
        if pinned:
            total += len(pinned)
            if args.check:
                print(f"{path.relative_to(args.root)}: no status pin on {', '.join(pinned)}")
                failed = True
            else:
                path.write_text(new, encoding="utf-8")
                print(f"{path.relative_to(args.root)}: pinned {len(pinned)} call(s)")
    if args.check:
        print(f"pin_statuses: {total} call(s) without a status pin")
    else:
        print(f"pin_statuses: added {total} status pin(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
