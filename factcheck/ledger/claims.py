"""The claims ledger (``data/claims.yml``): every checkable claim of the five articles.

This module owns the ledger as data: reading and validating it (:func:`read_ledger`,
:func:`validate`), resolving claims' sources, the checks a chapter's call must pass
(:func:`check_rebuilt`: the value the chapter just computed equals the ledger's
``rebuilt_value``; :func:`check_status`: the status the chapter argues for is the ledger's) and
the CSV/JSON exports. Showing a claim and its verdict is the book layer's
(:mod:`factcheck.book.verdicts`), so a book cannot be built with a ledger that disagrees with
its chapters.

Every status has a rule (:mod:`factcheck.ledger.rules`); :func:`validate` checks each claim against
it, so a status that breaks its rule stops the build with a message naming the claim and rule.

Run ``python -m factcheck.ledger.claims --csv PATH [--json PATH]`` to export the ledger as CSV (with
each claim's sources) and as JSON (articles, claims and resolved sources).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from factcheck.data.registry import PROJECT_ROOT, DataRegistryError, DuplicateKeyError, load_yaml
from factcheck.ledger import rules
from factcheck.ledger.prose import find_numbers

LEDGER_PATH = PROJECT_ROOT / "data" / "claims.yml"
CHAPTERS = PROJECT_ROOT / "chapters"
# The articles under review (shared with the other worktrees, read-only), named by the ledger.
ARTICLES_DIR = PROJECT_ROOT.parent / "shared" / "articles"

# Statuses, their rules, the tolerance and the source resolution live in factcheck.ledger.rules.
STATUSES = rules.STATUSES
TOLERANCE = rules.TOLERANCE
UNSCORED = rules.UNSCORED
WEIGHTS = rules.WEIGHTS
KINDS = {
    "number",
    "comparison",
    "trend",
    "causal",
    "event",
    "policy",
    "method",
    "anecdote",
    "opinion",
    "prediction",
}
REQUIRED = ("id", "article", "quote", "claim", "kind", "period", "geography", "status", "chapter")
OPTIONAL = (
    "claimed_value",
    "unit",
    "rebuilt_value",
    "compare_value",
    "verdict",
    "sources",
    "omitted_context",
    "gap",
    "conflict",
    "missing_record",
    "missing_data",
    "weight",
    "value_basis",
    "note",
)
ARTICLE_FIELDS = ("file", "outlet", "title", "date", "chapter")
ARTICLE_OPTIONAL = (
    "url",
    "archive_url",
    "date_published",
    "author",
    "chapters",
    "headline",
    "ruling",  # the verdict card's ruling on the headline claim (at most 35 words)
    "review_published",  # when this report first published its check of the article
    "text_version",  # which version of the article's text was checked, when copies differ
    "archive_date_published",  # the date of the archive_url copy, when it differs
)


class LedgerError(ValueError):
    """The ledger file is malformed."""


class LedgerMismatchError(AssertionError):
    """A chapter computed a value that the ledger does not record."""


@dataclass(frozen=True)
class Ledger:
    """Articles (by id) and claims (one row per claim, in ledger order)."""

    articles: dict[str, dict[str, Any]]
    claims: pd.DataFrame

    def claim(self, claim_id: str) -> dict[str, Any]:
        """One claim as a dict; raises KeyError naming the ledger file when unknown."""
        match = self.claims[self.claims["id"] == claim_id]
        if match.empty:
            raise KeyError(f"claim {claim_id!r} is not in {LEDGER_PATH}")
        return match.iloc[0].to_dict()


def validate(
    raw: dict[str, Any],
    chapters_dir: Path = CHAPTERS,
    sources: rules.SourceIndex | None = None,
) -> list[str]:
    """Every problem with a parsed ledger, as messages (empty when valid).

    Besides the fields, every claim is checked against its status's rule
    (:func:`factcheck.ledger.rules.rule_problems`); ``sources`` defaults to the project's registry,
    published figures and bibliography, with the ledger's own articles.
    """
    problems: list[str] = []
    articles = raw.get("articles") or {}
    base = sources or rules.project_sources()
    index = rules.SourceIndex(
        base.registry, base.published, base.bib, {str(k): v for k, v in articles.items()}
    )
    for figure_id, row in base.published.items():
        problems.extend(rules.markup_problems(f"published figure {figure_id}", row))
    for art_id, art in articles.items():
        problems.extend(rules.markup_problems(f"article {art_id}", art))
        for name in ARTICLE_FIELDS:
            if not art.get(name):
                problems.append(f"article {art_id}: missing {name}")
        unknown = set(art) - set(ARTICLE_FIELDS) - set(ARTICLE_OPTIONAL)
        if unknown:
            problems.append(f"article {art_id}: unknown fields {sorted(unknown)}")
        for chapter in art.get("chapters") or []:
            if not (chapters_dir / f"{chapter}.md").is_file():
                problems.append(f"article {art_id}: chapter {chapter!r} has no file")
        headline = art.get("headline")
        if headline and not any(
            c.get("id") == headline and str(c.get("article")) == str(art_id)
            for c in raw.get("claims") or []
        ):
            problems.append(f"article {art_id}: headline {headline!r} is not one of its claims")
    seen: set[str] = set()
    for i, claim in enumerate(raw.get("claims") or []):
        cid = claim.get("id", f"#{i}")
        for name in REQUIRED:
            if claim.get(name) in (None, ""):
                problems.append(f"{cid}: missing {name}")
        unknown = set(claim) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            problems.append(f"{cid}: unknown fields {sorted(unknown)}")
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
        problems.extend(rules.markup_problems(str(cid), claim))
        seen.add(cid)
        if claim.get("article") not in articles:
            problems.append(f"{cid}: article {claim.get('article')!r} not in articles")
        elif not str(cid).startswith(f"a{claim['article']}-"):
            problems.append(f"{cid}: id must start with a{claim['article']}-")
        if claim.get("status") not in STATUSES:
            problems.append(f"{cid}: status {claim.get('status')!r} not in {sorted(STATUSES)}")
        if claim.get("kind") not in KINDS:
            problems.append(f"{cid}: kind {claim.get('kind')!r} not in {sorted(KINDS)}")
        if claim.get("status") in {"opinion"} and claim.get("kind") not in {
            "opinion",
            "prediction",
        }:
            problems.append(f"{cid}: status opinion is only for kind opinion or prediction")
        if claim.get("kind") in {"opinion", "prediction"} and claim.get("status") not in {
            "opinion",
            "pending",
        }:
            problems.append(f"{cid}: opinions and predictions are labelled, not scored")
        if claim.get("status") not in {"pending", "opinion"} and not claim.get("verdict"):
            problems.append(f"{cid}: a scored claim needs a verdict sentence")
        if claim.get("status") == "pending" and claim.get("rebuilt_value") is not None:
            problems.append(f"{cid}: a pending claim cannot have a rebuilt value")
        for name in rules.TEXT_FIELDS:
            if claim.get(name):
                typed = [f.token for f in find_numbers(str(claim[name]))]
                if typed:
                    problems.append(
                        f"{cid}: {name} has hand-typed numbers {typed}; put the figure in "
                        "rebuilt_value or the chapter's glued prose"
                    )
        if claim.get("sources") is not None and not isinstance(claim.get("sources"), list):
            problems.append(f"{cid}: sources must be a YAML list")
        problems.extend(rules.rule_problems(claim, index))
        chapter = claim.get("chapter")
        if chapter and not (chapters_dir / f"{chapter}.md").is_file():
            problems.append(f"{cid}: chapter {chapter!r} has no file chapters/{chapter}.md")
    return problems


def read_ledger(path: Path = LEDGER_PATH, chapters_dir: Path = CHAPTERS) -> Ledger:
    """Parse and validate a ledger file; raises :class:`LedgerError` listing every problem."""
    try:
        raw = load_yaml(path)
    except (DuplicateKeyError, yaml.YAMLError) as err:
        raise LedgerError(f"{path}: {err}") from None
    problems = validate(raw, chapters_dir)
    if problems:
        raise LedgerError(f"{path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    # Object dtype and None for absent fields: values stay as written (36, not 36.0).
    rows = [{**dict.fromkeys(REQUIRED + OPTIONAL), **claim} for claim in raw["claims"]]
    claims = pd.DataFrame(rows, columns=list(REQUIRED + OPTIONAL), dtype=object)
    return Ledger(articles={str(k): v for k, v in raw["articles"].items()}, claims=claims)


def article_text(article_id: str, book: Ledger | None = None) -> str:
    """The text of the article ``article_id``, from the file the ledger names."""
    book = book or ledger()
    return (ARTICLES_DIR / str(book.articles[article_id]["file"])).read_text(encoding="utf-8")


def word_count(text: str, word: str) -> int:
    """How often ``word`` occurs in ``text`` as a whole word, in any case (plurals included)."""

    return len(re.findall(rf"\b{re.escape(word)}s?\b", text, flags=re.IGNORECASE))


@cache
def source_index() -> rules.SourceIndex:
    """The project's sources (registry, published figures, bibliography) with the ledger's
    articles: what a claim's ``sources`` resolve against."""
    base = rules.project_sources()
    return rules.SourceIndex(base.registry, base.published, base.bib, ledger().articles)


def claim_sources(claim: dict[str, Any], index: rules.SourceIndex | None = None) -> list[dict]:
    """A claim's sources resolved (:func:`factcheck.ledger.rules.claim_sources`), by default
    against the project's own (:func:`source_index`)."""
    return rules.claim_sources(claim, index or source_index())


def rule_problems(
    claim: dict[str, Any], index: rules.SourceIndex | None = None, tolerance: float = TOLERANCE
) -> list[str]:
    """Every rule the claim's status breaks (:func:`factcheck.ledger.rules.rule_problems`), by
    default against the project's own sources (:func:`source_index`)."""
    return rules.rule_problems(claim, index or source_index(), tolerance)


def ledger() -> Ledger:
    """The project's ledger (parsed once per process)."""
    return read_ledger()


def _same(a: Any, b: Any, rel: float = 1e-9) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-9)
    return str(a) == str(b)


def check_rebuilt(claim: dict[str, Any], value: Any) -> None:
    """Raise :class:`LedgerMismatchError` unless the ledger records ``value`` for the claim."""
    recorded = claim.get("rebuilt_value")
    if recorded is None or (isinstance(recorded, float) and math.isnan(recorded)):
        recorded = None
    if value is None and recorded is None:
        return
    if value is None or recorded is None or not _same(recorded, value):
        raise LedgerMismatchError(
            f"claim {claim['id']}: the chapter computes rebuilt value {value!r} but "
            f"data/claims.yml records {recorded!r}. Update rebuilt_value in the ledger (and its "
            f"status and verdict if the finding changed)."
        )


class StatusPinError(LedgerMismatchError):
    """The ledger's status differs from the one the chapter argues for (its ``status=`` pin)."""


def check_status(claim: dict[str, Any], status: str | None) -> None:
    """Raise :class:`StatusPinError` unless the ledger records ``status`` for the claim.

    A chapter's prose argues for one status; ``status=`` in its ``claims.check`` or
    ``claims.verdict`` call pins it, so a status changed in the ledger alone (with a verdict
    label and reason field to match, which the rules accept) stops the build instead of
    publishing a label that the chapter's prose contradicts. ``None`` pins nothing.
    """
    if status is None:
        return
    if status not in STATUSES:
        raise StatusPinError(
            f"chapters/{claim['chapter']}.md: claim {claim['id']}: status={status!r} is not a "
            f"status ({', '.join(STATUSES)})"
        )
    if claim["status"] != status:
        raise StatusPinError(
            f"chapters/{claim['chapter']}.md argues that claim {claim['id']} is {status!r} "
            f"({STATUSES[status]}), but data/claims.yml records {claim['status']!r} "
            f"({STATUSES.get(claim['status'], '?')}). A status changes in the ledger and the "
            "chapter together: if the finding changed, rewrite the chapter's argument and its "
            "status= pin; otherwise restore the ledger."
        )


def scorecard_frame(book: Ledger | None = None) -> pd.DataFrame:
    """Ledger columns for the scorecard and the CSV download."""
    book = book or ledger()
    frame = book.claims.copy()
    frame["status_label"] = frame["status"].map(STATUSES)
    columns = [
        "id",
        "article",
        "quote",
        "claim",
        "kind",
        "claimed_value",
        "unit",
        "period",
        "geography",
        "rebuilt_value",
        "status",
        "status_label",
        "weight",
        "verdict",
        "chapter",
    ]
    return frame[columns]


def _write_if_changed(path: Path, text: str) -> Path:
    """Rewrite ``path`` only when its content changes: Sphinx re-reads a page whenever a file
    it links changes its modification time, which would defeat the no-change rebuild."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def _sources_text(claim: dict[str, Any]) -> str:
    """A claim's sources as one CSV cell: 'label <url>' entries separated by ' | '."""
    return " | ".join(
        f"{s['label']} <{s['url']}>" if s["url"] else s["label"] for s in claim_sources(claim)
    )


def export_csv(path: Path) -> Path:
    """Write the ledger as CSV (for readers who want it in a spreadsheet), with a sources
    column: each source's label and public URL."""
    frame = scorecard_frame()
    book = ledger()
    frame["sources"] = [_sources_text(book.claim(cid)) for cid in frame["id"]]
    return _write_if_changed(path, frame.to_csv(index=False))


def _plain(value: Any) -> Any:
    """A ledger value as JSON can hold it (NaN and missing become null)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def ledger_json(book: Ledger | None = None) -> dict[str, Any]:
    """The whole ledger as plain data: statuses, tolerance, articles, and every claim with
    its resolved sources (the JSON export)."""
    book = book or ledger()
    claims_out = []
    for cid in book.claims["id"]:
        claim = {k: _plain(v) for k, v in book.claim(cid).items() if _plain(v) is not None}
        claim["status_label"] = STATUSES[claim["status"]]
        claim["sources"] = claim_sources(claim)
        claims_out.append(claim)
    return {
        "statuses": [{"key": k, "label": v, "rule": rules.RULES[k]} for k, v in STATUSES.items()],
        "tolerance": TOLERANCE,
        "weights": [{"key": k, "rule": v} for k, v in rules.WEIGHTS.items()],
        "articles": {k: dict(v) for k, v in book.articles.items()},
        "claims": claims_out,
    }


def export_json(path: Path) -> Path:
    """Write the whole ledger (articles, claims, resolved sources) as JSON beside the CSV."""

    text = json.dumps(ledger_json(), ensure_ascii=False, indent=1, default=str) + "\n"
    return _write_if_changed(path, text)


def tolerance_sensitivity(
    tolerances: tuple[float, ...] = rules.SENSITIVITY_TOLERANCES,
) -> pd.DataFrame:
    """How many numeric verdicts of the ledger would change status at other tolerances
    (one row per tolerance; see :func:`factcheck.ledger.rules.tolerance_sensitivity`)."""
    book = ledger()
    claims_list = [book.claim(cid) for cid in book.claims["id"]]
    return pd.DataFrame(rules.tolerance_sensitivity(claims_list, tolerances))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="export the ledger to this CSV file")
    parser.add_argument("--json", type=Path, help="export the ledger to this JSON file")
    args = parser.parse_args(argv)
    try:
        book = read_ledger(LEDGER_PATH)  # validates
    except (LedgerError, DataRegistryError) as err:  # a message, not a traceback
        print(f"Ledger check failed: {err}", file=sys.stderr)
        return 1
    if args.csv:
        export_csv(args.csv)
    if args.json:
        export_json(args.json)
    print(f"{LEDGER_PATH.name}: {len(book.claims)} claims in {len(book.articles)} articles, valid")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
