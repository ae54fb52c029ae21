"""The command line: ``python -m factcheck check AGENCY --since YYYY-MM`` (or ``factcheck check``).

Prints a short report (the finding, the numbers, the warnings, the comparison set) and can
write the full result as JSON and as Markdown. Everything is computed by
:func:`factcheck.check.check`; this module only parses arguments and writes files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import factcheck.check as checking

DESCRIPTION = (
    "Check a claim that crime changed in one police agency after a policy date, with the "
    "methods of the 287(g) fact-check book: the change from year to year against ordinary "
    "variation, and a difference-in-differences design against comparison agencies chosen by "
    "a stated rule, with placebo inference and pre-period checks. Data: the Real-Time Crime "
    "Index, from the data mirror (FACTCHECK_DATA_MIRROR) or the download cache "
    "(FACTCHECK_DATA_CACHE)."
)


def parser() -> argparse.ArgumentParser:
    """The argument parser (its help documents every option)."""
    top = argparse.ArgumentParser(prog="python -m factcheck", description=DESCRIPTION)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = commands.add_parser(
        "check",
        help="check one agency after one policy date",
        description=DESCRIPTION,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sub.add_argument("agency", help='the agency as the index names it, e.g. "Durham, NC"')
    sub.add_argument(
        "--since",
        default="2019-01",
        help="first month after the policy change, YYYY-MM (a change in December 2018: 2019-01)",
    )
    sub.add_argument(
        "--offence",
        "--offense",
        dest="offense",
        default="violent",
        choices=checking.OFFENSES,
        help="the offence: the violent total or one of its four offences",
    )
    sub.add_argument(
        "--start",
        default=None,
        help="first month of the design window, YYYY-MM (default: "
        "twelve months before --since, not before the index starts)",
    )
    sub.add_argument(
        "--end",
        default=None,
        help="last month of the design window, YYYY-MM (default: fourteen months from "
        "--since, not beyond the index, nor beyond 2020-02 when --since is earlier)",
    )
    sub.add_argument(
        "--size-year",
        type=int,
        default=None,
        help="calendar year whose count measures size (default: the year --start falls in)",
    )
    sub.add_argument(
        "--rule",
        choices=["size", "state"],
        default="size",
        help="comparison rule: agencies of similar size nationwide, or of the unit's own state",
    )
    sub.add_argument(
        "--factor",
        type=float,
        default=2.0,
        help="size rule: comparison agencies within this factor of the unit's size",
    )
    sub.add_argument(
        "--json", type=Path, default=None, metavar="FILE", help="write the result as JSON"
    )
    sub.add_argument(
        "--markdown", type=Path, default=None, metavar="FILE", help="write the report as Markdown"
    )
    sub.add_argument(
        "--members", action="store_true", help="print every comparison agency, not only the count"
    )
    return top


def report(result: checking.CheckResult, members: bool = False) -> str:
    """The short text report printed to the terminal."""
    lines = [f"{result.agency}, {result.offense.replace('_', ' ')}, since {result.since}", ""]
    lines += [result.headline(), ""]
    if result.design:
        d = result.design
        lines.append(
            f"Design window {result.start} to {result.end}; placebo interval "
            f"{checking._fmt(d['low'])} to {checking._fmt(d['high'])}; pre-period check p "
            f"{d['pre_p']:.2f}; lead check p {d['lead_p']:.2f}."
        )
    lines.append(f"Comparison rule: {result.rule}.")
    names = result.members
    lines.append(
        f"Comparison agencies ({len(names)}): "
        + (
            ", ".join(names)
            if members or len(names) <= 12
            else ", ".join(names[:12]) + ", ... (--members lists all)"
        )
    )
    lines.append("")
    if result.warnings:
        lines.append("Warnings:")
        lines += [f"  - {w}" for w in result.warnings]
    else:
        lines.append("Warnings: none.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    rule = checking.ComparisonRule(args.rule, factor=args.factor)
    try:
        result = checking.check(
            args.agency,
            since=args.since,
            offense=args.offense,
            start=args.start,
            end=args.end,
            size_year=args.size_year,
            rule=rule,
        )
    except ValueError as err:  # an unknown agency (with suggestions), a date outside the window
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report(result, args.members))
    if args.json:
        args.json.write_text(result.to_json() + "\n")
    if args.markdown:
        args.markdown.write_text(result.to_markdown())
    return 0
