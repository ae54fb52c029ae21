"""Glue discipline: find numbers typed by hand into a chapter's prose or the ledger's text.

Every statistic in prose must come from code through ``{glue:text}`` (or a verdict box built
from the ledger). This module strips what is not prose from a MyST Markdown notebook (front
matter, code cells, fenced code and data blocks, roles such as glue and cite, inline code,
URLs, labels, directive options, HTML tags and comments, footnote markers) and reports every
number left, except the few that are labels rather than statistics: years and dates, ``FY``
plus a year, ``287(g)``, form numbers such as ``I-247``, zero-padded article numbers such as
``000``, and section numbers of laws written as inline code (which is stripped).

Covered as well:

- number words: "eleven months", "five years", "about half", "twice", "thousands" (allowed
  only inside a quotation of the article, in double quotes);
- lines of HTML blocks (their text, not their tags), the bodies of ``{table}`` and
  ``{list-table}`` directives, and the displayed titles of admonitions and tables;
- digits attached to letters or fractions: "91st", "3x", "5k", "3½";
- counts that look like years: "there were 2018 arrests" (a year-like number after a word
  that introduces a count and before a plural noun), while "in 2018" and "2018-2019" stay
  allowed;
- the ledger's verdicts and other text fields (:func:`ledger_findings`).

Run ``python -m factcheck.ledger.prose chapters/*.md [data/claims.yml]`` to check files from the
shell.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

FENCE = re.compile(r"^(`{3,}|:{3,})")
# Directives whose body is prose (figure captions included); code and data blocks are not.
PROSE_DIRECTIVE = re.compile(
    r"^(`{3,}|:{3,})\{(admonition|note|warning|important|tip|caution|seealso|epigraph|margin|"
    r"sidebar|dropdown|figure|glue:figure|table|list-table|hint|attention|danger|error)\}"
)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"`[^`]*`")
URL = re.compile(r"(https?://\S+|<[^>]+>|\]\([^)]*\))")
LABEL = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
OPTION = re.compile(r"^\s*:[\w-]+:")
SUBSTITUTION = re.compile(r"\{\{[^}]*\}\}")
# Directives whose argument is a displayed title (figures take a path instead).
TITLED = re.compile(
    r"^(?:`{3,}|:{3,})\{(?:admonition|table|list-table|dropdown|sidebar|topic|epigraph)\}\s*(.*)$"
)
# Digits glued to letters that NUMBER leaves alone: ordinals (91st), multipliers and
# magnitudes (3x, 5k, 2bn).
ATTACHED = re.compile(r"(?<![\w.,])\d+(?:\.\d+)?(?:(?:st|nd|rd|th|x|k|K|m|M|bn|mn)\b|[¼½¾⅓⅔⅕⅛])")
VULGAR = re.compile("(?<!\\d)[¼½¾⅓⅔⅕⅛]")
LIST_MARKER = re.compile(r"^\s*(?:>\s*)*\d{1,2}[.)](?=\s)")  # "1. " of an ordered list
FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")  # [^1] and its definition [^1]:
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
HTML_COMMENT = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1>", re.I)
QUOTATION = re.compile(r"“[^”]*”|\"[^\"]*\"")
NUMBER = re.compile(r"(?<![\w.,])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w%])")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

# Number words. "one" and "two" are too often structural ("the two series", "one county") to
# flag alone: "two" counts when a unit follows ("two years"), "one" in "one in five" and
# "one-third". Three and up always count.
UNITS = (
    r"years?|months?|weeks?|days?|hours?|decades?|quarters?|times|percent|per cent|"
    r"thirds?|fifths?|tenths?"
)
BIG_SMALL = (
    "three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen"
)
TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
APPROX = (
    r"about|nearly|almost|roughly|around|approximately|over|under|just|only|some|more than|"
    r"less than|fewer than|at least"
)
NUMBER_WORDS = [  # phrases first: a word inside a longer phrase is reported once, as the phrase
    re.compile(r"\bone\s+(?:in|out of)\s+(?:every\s+)?\w+", re.I),  # one in five
    re.compile(rf"\b(?:{APPROX})\s+(?:a\s+)?(?:half|third|quarter|fifth|tenth)s?\b", re.I),
    re.compile(r"\b(?:a|one)\s+(?:half|third|quarter|fifth|tenth)\s+of\b", re.I),  # a third of
    re.compile(r"\bhalf\s+(?:of\s+)?(?:the|all|its|their|those|these|them)\b", re.I),
    re.compile(r"\bone-(?:third|quarter|fifth|tenth)s?\b", re.I),  # one-third
    re.compile(r"\b(?:a |one )?(?:dozen|hundred|thousand|million|billion)s?\b", re.I),
    re.compile(rf"\btwo[- ](?:{UNITS})\b", re.I),  # two years, two-thirds
    re.compile(rf"\b(?:{TENS})(?:[- ](?:one|two|{BIG_SMALL}))?\b", re.I),  # twenty, forty-five
    re.compile(r"\b(?:twice|doubled|tripled|quadrupled|halved|double the|triple the)\b", re.I),
    re.compile(r"\b(?:two|three|four|five|ten|hundred)fold\b", re.I),
    re.compile(rf"\b(?:{BIG_SMALL})\b", re.I),  # eleven (months), four (agencies)
]
# A year-like number is a count when a count-introducing word precedes it and a plural noun
# follows: "there were 2018 arrests", "about 2000 people".
COUNT_BEFORE = re.compile(
    r"\b(?:were|was|are|is|had|has|have|recorded|counted|reported|lodged|issued|made|about|"
    r"nearly|almost|over|approximately|roughly|around|just|only|some|than|total of)\s+$",
    re.I,
)
PLURAL_AFTER = re.compile(
    r"^\s+(?:(?!(?:and|or|as|was|is|its|this|has|his|us|plus)\b)[a-z]+s|people|persons|children|"
    r"men|women)\b"
)

ALLOWED = [
    re.compile(r"^(1[89]|20)\d\d$"),  # a year
    re.compile(r"^0\d\d$"),  # an article number: 000-004
]
ALLOWED_CONTEXT = [  # order matters: a full date before a year range
    re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b"),  # an ISO date
    re.compile(r"\b(19|20)\d\d[-–](19|20)?\d\d\b"),  # a year range such as 2014-2018
    re.compile(rf"\b({MONTHS}) \d{{1,2}}, (19|20)\d\d\b"),  # December 4, 2018
    re.compile(rf"\b({MONTHS}) \d{{1,2}}(st|nd|rd|th)\b"),  # October 1st
    re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)( of)? ({MONTHS})\b"),  # 1st of October
    re.compile(r"\b\d{2}(st|nd|th) century\b"),
    re.compile(rf"\b\d{{1,2}} ({MONTHS})\b"),  # a day of a month: 1 October
    re.compile(rf"\b({MONTHS}) \d{{1,2}}\b(?!,? \d)"),  # October 1 (not "May 2025")
    re.compile(r"287\(g\)"),
    re.compile(r"\bFY ?\d{4}\b"),
    re.compile(r"\bI-\d+\b"),
    re.compile(r"\bCOVID-19\b"),
    re.compile(r"\bSHA-256\b"),
    re.compile(r"\b(?:version|v|Attribution|CC BY(?:-[A-Z]{2})*)\s?\d+(?:\.\d+)+\b"),  # CC BY 4.0
    re.compile(r"\bper 100,000\b"),  # a unit
]


# Transitional: findings of the extended rule (number words) in chapters whose owners are
# fixing them (listed in /work/coord/prose_violations.md when the rule was added). A ratchet:
# a finding not listed here fails, a listed one that is fixed passes. Delete a chapter's entry
# once its fix is merged; the dict must be empty before release.
PENDING: dict[str, list[str]] = {  # chapter: tokens its owner still has to glue or reword
}


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
    in_comment = in_raw = False
    for number, line in enumerate(lines[start:], start=start + 1):
        stripped = line.strip()
        match = FENCE.match(stripped)
        if fence is None and match:
            fence = match.group(1)
            keep_body = bool(PROSE_DIRECTIVE.match(stripped))
            title = TITLED.match(stripped)
            if not (title and title.group(1).strip()):
                continue
            line = stripped = title.group(1)  # a displayed title: check it as prose
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
        if in_comment:  # inside a multi-line HTML comment
            if "-->" in line:
                in_comment = False
                line = line.split("-->", 1)[1]
            else:
                continue
        if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
            in_comment = True
            line = line.split("<!--", 1)[0]
        if in_raw:  # script and style blocks are not prose
            if re.search(r"</(script|style)>", line, re.I):
                in_raw = False
            continue
        if re.match(r"\s*<(script|style)\b", line, re.I) and not re.search(
            r"</(script|style)>", line, re.I
        ):
            in_raw = True
            continue
        if LABEL.match(line) or OPTION.match(line) or stripped.startswith(("+++", "%")):
            continue
        line = HTML_TAG.sub(" ", HTML_COMMENT.sub(" ", line))  # the text of HTML, not its tags
        cleaned = SUBSTITUTION.sub(" ", ROLE.sub(" ", line))
        cleaned = URL.sub(" ", INLINE_CODE.sub(" ", cleaned))
        cleaned = FOOTNOTE.sub(" ", cleaned)
        cleaned = LIST_MARKER.sub(" ", cleaned)
        for pattern in ALLOWED_CONTEXT:
            cleaned = pattern.sub(" ", cleaned)
        out.append((number, cleaned))
    return out


def _year_is_a_count(line: str, match: re.Match[str]) -> bool:
    """A year-like number used as a count: "there were 2018 arrests"."""
    return bool(
        COUNT_BEFORE.search(line[: match.start()]) and PLURAL_AFTER.match(line[match.end() :])
    )


def number_words(line: str) -> list[str]:
    """Number words in a cleaned prose line, outside quotations."""
    text = QUOTATION.sub(" ", line)
    found: list[tuple[int, str]] = []
    taken: list[range] = []
    for pattern in NUMBER_WORDS:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(set(span) & set(t) for t in taken):
                continue
            taken.append(span)
            found.append((match.start(), match.group(0)))
    found += [(m.start(), m.group(0)) for m in VULGAR.finditer(text)]
    return [token for _, token in sorted(found)]


def find_numbers(text: str, path: str = "<text>") -> list[Finding]:
    """Every hand-typed number (digits or number words) in the prose of ``text``."""
    findings = []
    for number, line in prose_lines(text):
        hits: list[tuple[int, str]] = []
        for match in NUMBER.finditer(line):
            token = match.group(0)
            bare = token.strip("+-%").replace(",", "")
            if (
                any(p.match(bare) for p in ALLOWED)
                and "," not in token
                and "%" not in token
                and not _year_is_a_count(line, match)
            ):
                continue
            hits.append((match.start(), token))
        hits += [(m.start(), m.group(0)) for m in ATTACHED.finditer(line)]
        findings.extend(Finding(path, number, token, line) for _, token in sorted(hits))
        findings.extend(Finding(path, number, token, line) for token in number_words(line))
    return findings


LEDGER_TEXT_FIELDS = (
    "verdict",
    "omitted_context",
    "gap",
    "conflict",
    "missing_record",
    "missing_data",
    "claim",
    "note",
)


def ledger_findings(path: Path) -> list[Finding]:
    """Hand-typed numbers in the text fields of a claims ledger (verdicts, reasons, notes).

    The ``quote`` is the article's own words and ``claim`` restates it, so only the fields
    written by this report are checked: verdict, omitted_context, gap, conflict,
    missing_record, missing_data and note.
    """

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    findings = []
    for claim in raw.get("claims") or []:
        for name in LEDGER_TEXT_FIELDS:
            if name == "claim" or not claim.get(name):
                continue
            for f in find_numbers(str(claim[name])):
                findings.append(Finding(f"{path} {claim.get('id')} {name}", 1, f.token, f.text))
    return findings


def split_pending(findings: list[Finding], name: str) -> tuple[list[Finding], list[Finding]]:
    """(new, pending): findings not covered by :data:`PENDING` for the file ``name``, and
    those that are (each listed token covers one finding)."""
    allowed = list(PENDING.get(name, []))
    new, pending = [], []
    for finding in findings:
        if finding.token in allowed:
            allowed.remove(finding.token)
            pending.append(finding)
        else:
            new.append(finding)
    return new, pending


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    findings = [
        f
        for p in paths
        for f in (
            ledger_findings(p)
            if p.suffix in (".yml", ".yaml")
            else find_numbers(p.read_text(encoding="utf-8"), str(p))
        )
    ]
    failed = False
    for path in paths:
        mine = [f for f in findings if f.path.split()[0] == str(path)]
        new, pending = split_pending(mine, path.name)
        for finding in pending:
            print(f"{finding} (pending: its owner is fixing it)")
        for finding in new:
            print(finding)
        failed = failed or bool(new)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
