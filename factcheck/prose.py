"""Glue discipline: find numbers typed by hand into a chapter's prose.

Every statistic in prose must come from code through ``{glue:text}`` (or a verdict box built
from the ledger). This module strips what is not prose from a MyST Markdown notebook (front
matter, code cells, fenced blocks, roles such as glue and cite, inline code, URLs, labels,
directive options, HTML) and reports every number left, except the few that are labels rather
than statistics: four-digit years, ``FY`` plus a year, ``287(g)``, form numbers such as
``I-247``, zero-padded article numbers such as ``000``, and section numbers of laws written
as inline code (which is stripped).

Run ``python -m factcheck.prose chapters/*.md`` to check files from the shell.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(`{3,}|:{3,})")
# Directives whose body is prose (figure captions included); code and data blocks are not.
PROSE_DIRECTIVE = re.compile(
    r"^(`{3,}|:{3,})\{(admonition|note|warning|important|tip|caution|seealso|epigraph|margin|"
    r"sidebar|dropdown|figure|glue:figure)\}"
)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"`[^`]*`")
URL = re.compile(r"(https?://\S+|<[^>]+>|\]\([^)]*\))")
LABEL = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
OPTION = re.compile(r"^\s*:[\w-]+:")
SUBSTITUTION = re.compile(r"\{\{[^}]*\}\}")
NUMBER = re.compile(r"(?<![\w.,])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w%])")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

ALLOWED = [
    re.compile(r"^(1[89]|20)\d\d$"),  # a year
    re.compile(r"^0\d\d$"),  # an article number: 000-004
]
ALLOWED_CONTEXT = [  # order matters: a full date before a year range
    re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b"),  # an ISO date
    re.compile(r"\b(19|20)\d\d[-–](19|20)?\d\d\b"),  # a year range such as 2014-2018
    re.compile(rf"\b\d{{1,2}} ({MONTHS})\b"),  # a day of a month: 1 October
    re.compile(rf"\b({MONTHS}) \d{{1,2}}\b(?!,? \d)"),  # October 1 (not "May 2025")
    re.compile(r"287\(g\)"),
    re.compile(r"\bFY ?\d{4}\b"),
    re.compile(r"\bI-\d+\b"),
    re.compile(r"\bCOVID-19\b"),
    re.compile(r"\bSHA-256\b"),
    re.compile(r"\bper 100,000\b"),  # a unit
]


@dataclass(frozen=True)
class Finding:
    """A number found in prose."""

    path: str
    line: int
    token: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: hand-typed number {self.token!r} in: {self.text.strip()}"


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, cleaned text) for every prose line of a MyST notebook."""
    lines = text.splitlines()
    out: list[tuple[int, str]] = []
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                start = j + 1
                break
    fence: str | None = None
    keep_body = False
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        match = FENCE.match(stripped)
        if fence is None and match:
            fence = match.group(1)
            keep_body = bool(PROSE_DIRECTIVE.match(stripped))
            continue
        if fence is not None:
            if (
                stripped.startswith(fence[0] * 3)
                and stripped.strip(fence[0]) == ""
                and len(stripped) >= len(fence)
            ):
                fence = None
                continue
            if not keep_body:
                continue
        if LABEL.match(line) or OPTION.match(line) or stripped.startswith(("<", "+++", "%")):
            continue
        cleaned = SUBSTITUTION.sub(" ", ROLE.sub(" ", line))
        cleaned = URL.sub(" ", INLINE_CODE.sub(" ", cleaned))
        for pattern in ALLOWED_CONTEXT:
            cleaned = pattern.sub(" ", cleaned)
        out.append((number, cleaned))
    return out


def find_numbers(text: str, path: str = "<text>") -> list[Finding]:
    """Every hand-typed number in the prose of ``text``."""
    findings = []
    for number, line in prose_lines(text):
        for match in NUMBER.finditer(line):
            token = match.group(0)
            bare = token.strip("+-%").replace(",", "")
            if any(p.match(bare) for p in ALLOWED) and "," not in token and "%" not in token:
                continue
            findings.append(Finding(path, number, token, line))
    return findings


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    findings = [f for p in paths for f in find_numbers(p.read_text(encoding="utf-8"), str(p))]
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
