"""How the ledger is shown to readers: claim quotes, verdict boxes, claim tables, the scorecard.

Every function here returns MyST Markdown (or HTML for the interactive scorecard) built from the
claims ledger, so the HTML and the PDF say the same thing. Chapters call
:mod:`factcheck.book.verdicts` (``verdicts.check``, ``verdicts.verdict``,
``verdicts.show_opening``, ``verdicts.show_page_claims``), which checks the ledger first and
renders with this module; the landing page and the scorecard call this module directly.

Each claim gets an anchor equal to its id (``(a000-04)=``) on the first thing a chapter shows of
it (the quote, or the verdict box when the quote is not shown), so ``{ref}`` links from the claim
tables and the scorecard land on it in HTML and PDF alike. Each status has its own box class
(``verdict-<status>``), colour (:data:`factcheck.book.style.STATUS_COLOURS`, shared with the
charts), icon (HTML) and label.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import yaml

from factcheck.book.palette import STATUS_COLOURS, STATUS_TEXT
from factcheck.book.report import escape_myst as esc
from factcheck.book.report import json_for_html, md_table, safe_url
from factcheck.data.registry import PROJECT_ROOT
from factcheck.ledger import claims as _claims
from factcheck.ledger import rules as _rules

REPORT_NAME = "287(g), detainers and crime: checking the articles' claims"
UNSCORED = _claims.UNSCORED

# The fields that explain a status (SPEC section 2), with the heading shown in the box.
REASONS = {
    "omitted_context": "What the article leaves out",
    "gap": "Why it does not follow",
    "conflict": "What conflicts with it",
    "missing_record": "The record that would settle it",
    "missing_data": "The data that would settle it",
}
# A number in free text: bolded in rebuilt values (never "287" of "287(g)").
NUMBER = re.compile(r"(?<![\w.,])[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w%]|\(g\))")

# How a count of claims with each status reads in a sentence ("3 contradicted").
COUNT_WORDS = {
    "accurate": "accurate",
    "needs_context": "accurate but needing context",
    "unsupported": "not following from the evidence",
    "contradicted": "contradicted",
    "traced": "traced to an official source",
    "unverifiable": "settled by no public record",
    "not_obtained": "with public data not obtained",
    "opinion": "opinions or predictions",
    "pending": "not yet checked",
}

# ------------------------------------------------------------------ the reader's edition
# Statuses from the most serious finding against an article to the least (the scorecard's
# default order); the data gaps and the unscored labels come last.
SEVERITY = (
    "contradicted",
    "unsupported",
    "needs_context",
    "traced",
    "accurate",
    "unverifiable",
    "not_obtained",
    "opinion",
    "pending",
)
# The two statuses that record a gap in the public record, not a rating of the claim.
DATA_GAPS = ("unverifiable", "not_obtained")
SUPPORTED = ("accurate", "needs_context", "traced")
# How a headline claim's status reads in the landing page's bottom line (one, several).
HEADLINE_PHRASES = {
    "accurate": ("is accurate", "are accurate"),
    "needs_context": ("is accurate but needs context", "are accurate but need context"),
    "unsupported": ("does not follow from the evidence", "do not follow from the evidence"),
    "contradicted": ("is contradicted by the record", "are contradicted by the record"),
    "traced": (
        "agrees with an official source, read with the context its verdict gives",
        "agree with official sources, read with the context their verdicts give",
    ),
    "unverifiable": (
        "cannot be settled by any public record",
        "cannot be settled by any public record",
    ),
    "not_obtained": ("rests on data not obtained here", "rest on data not obtained here"),
    "opinion": ("is an opinion", "are opinions"),
    "pending": ("is not yet checked", "are not yet checked"),
}
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
REASON_WORDS = 25  # a scorecard reason: at most this many words
RULING_WORDS = 35  # an article's ruling on its verdict card


_anchored: set[str] = set()  # claim ids given an anchor in this kernel (one chapter)


def blank(value: Any) -> bool:
    """True for None, NaN, empty strings and the placeholders that mean 'nothing'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return str(value).strip().lower() in {"", "n/a", "na", "none", "null"}


def css_key(status: str) -> str:
    """The CSS/LaTeX class suffix of a status: ``needs_context`` -> ``needs-context``."""
    return status.replace("_", "-")


def label(status: str) -> str:
    return _claims.STATUSES[status]


def badge(status: str) -> str:
    """An inline coloured badge with the status label (MyST ``attrs_inline`` span)."""
    return f"[{label(status)}]{{.status-{css_key(status)}}}"


def bold_numbers(text: str) -> str:
    """Bold each number in ``text`` and nothing else."""
    return NUMBER.sub(lambda m: f"**{m.group(0)}**", str(text))


def claim_link(claim_id: str, text: str | None = None) -> str:
    """A ``{ref}`` link to a claim's anchor (HTML and PDF)."""
    return f"{{ref}}`{text or claim_id} <{claim_id}>`"


def claim_url(claim: dict[str, Any]) -> str:
    """The HTML address of a claim's anchor, relative to a chapter page."""
    return f"{claim['chapter']}.html#{claim['id']}"


def book_config() -> dict[str, Any]:
    """The book's _config.yml, parsed (once per version of the file: every claim's box asks)."""
    path = PROJECT_ROOT / "_config.yml"
    return _parsed_config(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _parsed_config(path: str, mtime_ns: int) -> dict[str, Any]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}


def site_url() -> str:
    """The published book's address (``html.baseurl`` in _config.yml), or '' when not set."""
    return str((book_config().get("html") or {}).get("baseurl") or "").rstrip("/")


def first_edition() -> str | None:
    """The first edition's publication date (``factcheck_first_edition`` under sphinx.config in
    _config.yml, ISO), or None when not set. Log rows dated on or before it record the review
    before first publication; only later rows are changes to a published verdict."""
    config = book_config()
    value = ((config.get("sphinx") or {}).get("config") or {}).get("factcheck_first_edition")
    return None if blank(value) else str(value)


def review_url(claim: dict[str, Any]) -> str:
    """A claim's verdict address for ClaimReview: absolute once the book's address is set in
    _config.yml (html.baseurl), else relative to the chapter page."""
    base = site_url()
    return f"{base}/chapters/{claim_url(claim)}" if base else claim_url(claim)


def _anchor(claim_id: str) -> str:
    if claim_id in _anchored:
        return ""
    _anchored.add(claim_id)
    return f"({claim_id})=\n"


def sources(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """The claim's sources from the ledger (kind, label, url, key)."""
    return list(_claims.claim_sources(claim))


def source_markdown(source: dict[str, Any]) -> str:
    """One source: a citation linked to the bibliography for a ``bib:`` source, else its label,
    linked to its public address when it has one."""
    if source.get("kind") == "bib":
        return f"{{cite:t}}`{str(source['key']).split(':', 1)[-1]}`"
    text = short_label(source)
    text = esc(text.replace("[", "(").replace("]", ")"))
    return f"[{text}]({safe_url(source['url'])})" if source.get("url") else text


def source_list(found: list[dict[str, Any]]) -> list[str]:
    """A verdict box's sources, each link text once: two figures of one publication show it
    once, and files that share a label (one dataset's files, one per agency) show it once, each
    file linked by the part of its full label that tells it apart ("Kaplan, J., … (Raleigh PD),
    Apex PD, Cary PD"), or numbered when the full labels are the same, so no address is
    lost."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for source in found:
        if source.get("kind") == "bib" or not source.get("url"):
            groups.setdefault(source_markdown(source), [])
            continue
        text = esc(short_label(source).replace("[", "(").replace("]", ")"))
        files = groups.setdefault(f"\0{text}", [])
        if safe_url(source["url"]) not in [url for url, _ in files]:
            files.append((safe_url(source["url"]), str(source.get("label") or "")))
    shown = []
    for key, files in groups.items():
        if not key.startswith("\0"):
            shown.append(key)
            continue
        parts = distinguishing_parts([full for _, full in files])
        (first, _), *more = files
        if len(files) > 1 and all(parts):
            named = [esc(p.replace("[", "(").replace("]", ")")) for p in parts]
            extra = "".join(f", [{p}]({url})" for p, (url, _) in zip(named[1:], more, strict=True))
            shown.append(f"[{key[1:]} ({named[0]})]({first})" + extra)
            continue
        extra = "".join(f" [{n}]({url})" for n, (url, _) in enumerate(more, start=2))
        shown.append(f"[{key[1:]}]({first})" + extra)
    return shown


PART_WORDS = 3  # a file's distinguishing link text: at most this many words


def distinguishing_parts(labels: list[str]) -> list[str]:
    """What tells each of several full labels apart: the words left once the words they all
    share at the start and at the end are dropped ('Raleigh PD', 'Apex PD'), at most
    :data:`PART_WORDS` words; '' for every label when they do not all differ."""
    split = [label.split() for label in labels]
    if len(split) < 2 or len({tuple(w) for w in split}) < len(split):
        return [""] * len(split)
    start = 0
    while all(len(w) > start for w in split) and len({w[start] for w in split}) == 1:
        start += 1
    end = 0
    shortest = min(len(w) for w in split) - start
    while end < shortest and len({w[len(w) - 1 - end] for w in split}) == 1:
        end += 1
    parts = []
    for w in split:
        words = w[start : len(w) - end]
        text = " ".join(words[:PART_WORDS]).strip(",;:() ")
        parts.append(text + ("…" if len(words) > PART_WORDS else "") if text else "")
    return parts if all(parts) else [""] * len(split)


SHORT_WORDS = 7  # a source's link text: at most this many words (a phone line or two)


def short_label(source: dict[str, Any]) -> str:
    """A source's short link text: its publisher and title up to the first bracket, colon or
    sentence end ("US Census Bureau, County Population Totals"), at most :data:`SHORT_WORDS`
    words; the link leads to the full entry."""
    text = str(source.get("label") or source.get("key"))
    if source.get("kind") == "published":
        text = text.split(". ", 1)[-1]  # the publication, not the figure's description
    for stop in (" (", ": ", "; ", ". "):
        head = text.split(stop, 1)[0]
        if len(head.split()) >= 2:
            text = head
    words = text.split()
    return " ".join(words[:SHORT_WORDS]) + ("…" if len(words) > SHORT_WORDS else "")


def value_label(claim: dict[str, Any]) -> str:
    """What the verdict box calls the value the report found: "Rebuilt value", "Published
    value" or "Derived from published figures", from how the ledger says it was obtained (the
    claim's ``value_basis``, checked against its sources when the ledger is validated)."""
    return _rules.VALUE_BASES[_rules.value_basis(claim)]


def value_text(value: Any, unit: Any = None) -> str:
    """A claimed or rebuilt value as readers see it: numbers with thousands separators and their
    unit ("2,639 people"); a word with its unit in brackets ("thousands (people)"); a single
    unit in brackets too ("1 (requests for transfer)"), since the ledger's units are plural.
    Free text without a unit (a rebuilt value such as "CMPD +10.9%") is returned as it is."""
    if blank(value):
        return ""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None:
        text = str(value)
    elif float(number).is_integer():
        text = f"{int(number):,}"
    else:
        text = f"{number:,}"
    if blank(unit):
        return text
    if number is not None and number != 1:
        return f"{text} {unit}"
    return f"{text} ({unit})"


def claim_markdown(claim: dict[str, Any], article: dict[str, Any] | None = None) -> str:
    """The claim as worded, as a quote, with the ledger fields that have a value.

    The article (outlet, date, link) is named once per chapter in the verdict card, not here.
    """
    parts = [f"claim `{claim['id']}`"]
    if not blank(claim.get("claimed_value")):
        parts.append(f"claimed: {esc(value_text(claim['claimed_value'], claim.get('unit')))}")
    for name in ("period", "geography"):
        if not blank(claim.get(name)):
            parts.append(f"{'place' if name == 'geography' else name}: {esc(claim[name])}")
    return (
        _anchor(str(claim["id"]))
        + f"::::{{container}} claim-quote\n> “{esc(claim['quote'])}”\n>\n> "
        + " · ".join(parts)
        + "\n::::"
    )


def without_status(text: str, status: str) -> str:
    """The verdict sentence without the status label it opens with ("Does not follow: no
    public measure ..." -> "No public measure ..."): the badge already says it."""
    text = str(text).strip()
    name = re.escape(label(status))
    match = re.match(rf"^{name}(?:\s*\([^)]*\))?(?:\s*[:.,;]|\s+-)\s*", text, re.I)
    if match and len(text) > match.end():
        text = text[match.end() :]
        text = text[0].upper() + text[1:]
    return text


# The reason fields that say what would settle a claim: shown in the box. The others
# (omitted_context, gap, conflict) restate the verdict and stay in the ledger and its exports.
SETTLES = ("missing_record", "missing_data")


def verdict_markdown(claim: dict[str, Any]) -> str:
    """A box in the status's colour: its title names the claim and the status; then the rebuilt
    value, one explanation (the verdict without its status label), what would settle it when
    no record does, and short source labels."""
    status = claim["status"]
    cid = str(claim["id"])
    slip = ", a minor slip" if is_slip(claim) else ""
    lines = [
        _anchor(cid).rstrip("\n"),
        f"::::{{container}} verdict verdict-{css_key(status)}",
        f":::{{admonition}} Claim {cid}: {badge(status)}{slip}",
        f":class: verdict-box verdict-{css_key(status)}",
    ]
    resolved = sources(claim)
    rebuilt = claim.get("rebuilt_value")
    if not blank(rebuilt):
        # Free text carries its own unit; a plain number takes the claim's.
        numeric = isinstance(rebuilt, (int, float))
        shown = value_text(rebuilt, claim.get("unit")) if numeric else rebuilt
        lines += [f"{value_label(claim)}: {bold_numbers(esc(shown))}", ""]
    default = {
        "opinion": "An opinion or a prediction: labelled, not scored.",
        "pending": "This claim has not been checked yet.",
    }
    text = claim.get("verdict")
    lines += [default.get(status, "") if blank(text) else esc(without_status(text, status)), ""]
    if is_slip(claim):
        lines += ["*A minor slip:* it does not change what the article argues.", ""]
    elif is_minor(claim):
        lines += ["*A side detail:* it does not bear on what the article argues.", ""]
    for field in SETTLES:
        if not blank(claim.get(field)):
            lines += [f"*{REASONS[field]}:* {esc(claim[field])}", ""]
    found = [s for s in resolved if s.get("kind") != "article"]
    if found:
        lines += ["*Sources:* " + "; ".join(source_list(found)) + ".", ""]
    lines += [":::", "::::"]
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def severity_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Claims from the most serious finding to the least (:data:`SEVERITY`), minor slips after
    the findings of their status, then in number order."""
    rank = frame["status"].map({s: i for i, s in enumerate(SEVERITY)})
    keyed = frame.assign(_rank=rank, _minor=minor_mask(frame).astype(int))
    return keyed.sort_values(["_rank", "_minor", "id"], kind="stable").drop(
        columns=["_rank", "_minor"]
    )


def scorecard_table(book: _claims.Ledger | None = None, order: str = "number") -> pd.DataFrame:
    """The scorecard's rows as plain text: claim id, outlet, the article's words (shortened),
    status label, one-line reason, claimed and rebuilt values. ``order``: "number" (the PDF, a
    lookup table) or "severity"."""
    book = book or _claims.ledger()
    frame = book.claims.sort_values("id") if order == "number" else severity_order(book.claims)
    why = reasons()

    def show(value: Any) -> str:
        return "" if blank(value) else str(value)

    records = frame.to_dict("records")
    default = {
        "opinion": "An opinion or a prediction: labelled, not scored.",
        "pending": "Not yet checked.",
    }
    return pd.DataFrame(
        {
            "claim": frame["id"],
            "outlet": [short_outlet(book.articles[str(a)]) for a in frame["article"]],
            "quote": [short_quote(q) for q in frame["quote"]],
            "status": frame["status"].map(_claims.STATUSES),
            "why": [
                ("Minor slip. " if is_slip(c) else "Side detail. " if is_minor(c) else "")
                + why.get(c["id"], default.get(c["status"], ""))
                for c in records
            ],
            "claimed": [
                value_text(v, u) for v, u in zip(frame["claimed_value"], frame["unit"], strict=True)
            ],
            "rebuilt": [
                value_text(v, u) if isinstance(v, (int, float)) else show(v)
                for v, u in zip(frame["rebuilt_value"], frame["unit"], strict=True)
            ],
        },
        index=frame.index,
    )


QUOTE_WORDS = 14  # the scorecard's quote column: at most this many words of the article's own


def short_quote(quote: Any) -> str:
    """The article's words, in quotation marks, cut to :data:`QUOTE_WORDS` words."""
    words = " ".join(str(quote).split()).split(" ")
    text = " ".join(words[:QUOTE_WORDS]) + ("…" if len(words) > QUOTE_WORDS else "")
    return f"“{text}”"


# PDF: claim, outlet, the article's words, status, why, claimed, rebuilt
SCORECARD_WIDTHS = (8, 12, 19, 15, 24, 11, 11)


def scorecard_markdown(book: _claims.Ledger | None = None) -> str:
    """The scorecard for the PDF: a long table, most serious status first as in the HTML (and
    in claim order within a status), with linked ids and the HTML's column headings."""
    book = book or _claims.ledger()
    table = scorecard_table(book, order="severity")
    table["claim"] = [claim_link(i) for i in table["claim"]]
    table["status"] = book.claims.loc[table.index, "status"].map(badge)
    for column in ("outlet", "quote", "why", "claimed", "rebuilt"):  # ledger and CSV text
        table[column] = table[column].map(esc)
    table = table.rename(columns=SCORECARD_HEADINGS)
    return list_table(table, SCORECARD_WIDTHS, css_class="scorecard longtable")


SCORECARD_HEADINGS = {
    "claim": "Claim",
    "outlet": "Outlet",
    "quote": "The article says",
    "status": "Verdict",
    "why": "Why",
    "claimed": "Claimed",
    "rebuilt": "Found",
}


def scorecard_html(book: _claims.Ledger | None = None) -> str:
    """The scorecard for the HTML page: every claim in one static table, most serious first;
    _static/factcheck-sort.js adds sorting by any column on top (the table is complete without
    JavaScript). On phones each row is a card (_static/factcheck.css)."""
    book = book or _claims.ledger()
    table = scorecard_table(book, order="severity")
    records = book.claims.loc[table.index].to_dict("records")
    rank = {s: i for i, s in enumerate(SEVERITY)}
    head = "".join(
        f'<th scope="col"><button type="button" data-column="{i}">{name}</button></th>'
        for i, name in enumerate(SCORECARD_HEADINGS.values())
    )
    rows = []
    for position, (claim, values) in enumerate(zip(records, table.to_dict("records"), strict=True)):
        cells = []
        for key, heading in SCORECARD_HEADINGS.items():
            text = html.escape(str(values[key]))
            sort = ""
            if key == "claim":
                text = f'<a href="{html.escape(claim_url(claim))}">{text}</a>'
                sort = f' data-sort="{html.escape(claim["id"])}"'
            elif key == "status":
                text = f'<span class="status-{css_key(claim["status"])}">{text}</span>'
                sort = f' data-sort="{rank[claim["status"]]:02d}-{position:04d}"'
            cells.append(f'<td data-label="{heading}"{sort}>{text}</td>')
        minor = ' class="minor"' if is_minor(claim) else ""
        rows.append(f"<tr{minor}>" + "".join(cells) + "</tr>")
    return (
        '<div class="scorecard-static" tabindex="0" role="region" aria-label="Scorecard table">'
        '<table id="scorecard-table" class="scorecard-table">'
        "<caption>Every claim, most serious finding first"
        '<span class="sort-hint">; select a heading to sort</span>.</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )


def list_table(frame: pd.DataFrame, widths: tuple[int, ...], css_class: str = "") -> str:
    """A MyST list-table with explicit column widths (wrapped columns in the PDF)."""
    if len(widths) != len(frame.columns):
        raise ValueError(f"{len(widths)} widths for {len(frame.columns)} columns")
    lines = ["```{list-table}", ":header-rows: 1", f":widths: {' '.join(map(str, widths))}"]
    if css_class:
        lines.append(f":class: {css_class}")
    lines.append("")

    def cell(value: Any) -> str:
        return "" if blank(value) else str(value).replace("\n", " ")

    for row in [list(frame.columns), *frame.itertuples(index=False)]:
        cells = [cell(v) for v in row]
        lines.append(f"* - {cells[0]}")
        lines += [f"  - {c}" for c in cells[1:]]
    lines.append("```")
    return "\n".join(lines)


# Statuses published as ClaimReview: a rating of the claim. The two data-gap statuses record
# that no public record (or no data obtained here) settles the claim; they are not ratings, so
# aggregators get no ClaimReview for them (see the "How to cite" chapter). Opinions and pending
# claims are not rated either.
RATED = tuple(s for s in _claims.STATUSES if s not in (*UNSCORED, *DATA_GAPS))
REVIEWED_CHARS = 75  # claimReviewed: self-contained, at most about this long where possible


def claim_reviewed(claim: dict[str, Any]) -> str:
    """The claim as aggregators show it: the ledger's neutral paraphrase (self-contained), or the
    quote when that is shorter and still a sentence of its own."""
    paraphrase = " ".join(str(claim["claim"]).split())
    quote = " ".join(str(claim["quote"]).split())
    if len(paraphrase) > REVIEWED_CHARS and len(quote) <= REVIEWED_CHARS and quote[:1].isupper():
        return quote
    return paraphrase


def claimreview(claim: dict[str, Any], book: _claims.Ledger) -> dict[str, Any] | None:
    """schema.org ClaimReview for a rated claim (None for data gaps, opinions, pending)."""
    if claim["status"] not in RATED:
        return None
    article = book.articles[str(claim["article"])]
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article["title"]}
    if article.get("url"):
        appearance["url"] = article["url"]
    if article.get("date_published"):
        appearance["datePublished"] = str(article["date_published"])
    appearances: list[dict[str, Any]] = [appearance]
    if article.get("archive_url") and article.get("archive_date_published"):
        appearances.append(
            {
                "@type": "CreativeWork",
                "url": article["archive_url"],
                "datePublished": str(article["archive_date_published"]),
            }
        )
    author: dict[str, Any] = {"@type": "Organization", "name": article["outlet"]}
    if article.get("author"):
        author = {"@type": "Person", "name": article["author"]}
    item: dict[str, Any] = {
        "@type": "Claim",
        "author": author,
        "appearance": appearances[0] if len(appearances) == 1 else appearances,
    }
    first = article.get("date_published") or article.get("archive_date_published")
    if first:
        item["datePublished"] = str(first)
    explanation = (
        "" if blank(claim.get("verdict")) else without_status(claim["verdict"], claim["status"])
    )
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(claim),
        "claimReviewed": claim_reviewed(claim),
        "itemReviewed": item,
        "author": {
            "@type": "Organization",
            "name": REPORT_NAME,
            "url": site_url() or "../index.html",
        },
        "reviewRating": {
            "@type": "Rating",
            "alternateName": label(claim["status"]),
            "ratingExplanation": explanation,
        },
        "reviewBody": explanation,
    }
    if article.get("review_published"):
        review["datePublished"] = str(article["review_published"])
        changed = last_changed([claim["id"]])
        if changed:
            review["dateModified"] = changed
    return review


def claimreview_blocks(rows: list[dict[str, Any]], book: _claims.Ledger) -> list[str]:
    """One ``<script type="application/ld+json">`` per scored claim."""
    blocks = []
    for claim in rows:
        data = claimreview(claim, book)
        if data is not None:
            text = json_for_html(json.dumps(data, ensure_ascii=False))
            blocks.append(f'<script type="application/ld+json">{text}</script>')
    return blocks


# What each status means, for readers (the rules themselves: factcheck.ledger.claims and the methods
# chapter, section "How claims are rated").
STATUS_MEANINGS = {
    "accurate": "Public data or a documented record confirm it; a number is within the report's "
    "tolerance of the rebuilt one, a trend has the stated direction.",
    "needs_context": "Accurate, but the article leaves out something that changes what the figure "
    "means (a different kind of agreement, a reporting change, ordinary variation).",
    "unsupported": "The figure or premise may be right, but the conclusion drawn from it does not "
    "follow from the evidence.",
    "contradicted": "Public data give a number outside the tolerance, or a documented fact "
    "conflicts with the claim.",
    "traced": "A government body's own publication, checked against a stored copy, gives the "
    "figure (within the report's tolerance) or the statement; this report cannot rebuild it from "
    "public data. Context the article leaves out is in the verdict.",
    "unverifiable": "No public record confirms or refutes it; the verdict names the record that "
    "would settle it, or says why none could (a counterfactual about particular cases).",
    "not_obtained": "Public data that could settle it exist but were not obtained for this "
    "report; the verdict names them.",
    "opinion": "An opinion or prediction: labelled, not scored.",
    "pending": "Listed in the ledger; its chapter's analysis has not been done yet.",
}


def statuses_markdown(book: _claims.Ledger | None = None) -> str:
    """The table of statuses (badge and meaning) for the introduction; "not yet checked" only
    while some claim is pending."""

    book = book or _claims.ledger()
    pending = (book.claims["status"] == "pending").any()
    keys = [k for k in _claims.STATUSES if k in STATUS_MEANINGS and (k != "pending" or pending)]
    table = pd.DataFrame(
        {"status": [badge(k) for k in keys], "meaning": [STATUS_MEANINGS[k] for k in keys]}
    )
    return md_table(table)


def status_counts(book: _claims.Ledger | None = None, minor: bool = False) -> pd.Series:
    """Claims per status, most serious first, statuses with no claim left out. Minor slips
    (``weight: minor``) are left out, or counted alone with ``minor=True``."""
    book = book or _claims.ledger()
    frame = book.claims[minor_mask(book.claims) == minor]
    counts = frame["status"].value_counts()
    return pd.Series({s: int(counts[s]) for s in SEVERITY if counts.get(s, 0)}, dtype=int)


def status_counts_markdown(book: _claims.Ledger | None = None) -> str:
    """A list: badge and count for each status that has claims, then the minor slips apart."""
    book = book or _claims.ledger()
    lines = [f"- {badge(s)} {n}" for s, n in status_counts(book).items()]
    minor = status_counts(book, minor=True)
    if minor.sum():
        parts = ", ".join(
            f"{n} {COUNT_WORDS[s]}" + (" (minor slips)" if s == "contradicted" else "")
            for s, n in minor.items()
        )
        lines.append(f"- Side details (a name, a title, a place), counted apart: {parts}")
    return "\n".join(lines)


def findings_title(book: _claims.Ledger | None = None) -> str:
    """The status chart's title, stating its point from the counts."""
    book = book or _claims.ledger()
    counts = status_counts(book)
    held = int(sum(counts.get(s, 0) for s in SUPPORTED))
    against = int(counts.get("unsupported", 0) + counts.get("contradicted", 0))
    gaps = int(sum(counts.get(s, 0) for s in DATA_GAPS))
    scored = int(counts.drop(list(UNSCORED), errors="ignore").sum())
    return (
        f"{held} of the {scored} scored claims check out, {against} do not follow or are "
        "contradicted,\n"
        f"and for {gaps} the record or the data obtained do not settle it (side details apart)"
    )


# Patterns that keep the statuses apart in greyscale and for colour-blind readers, on top of
# the order (most serious first, left to right) and the counts printed in the bars.
STATUS_HATCHES = {"unverifiable": "///", "not_obtained": "...", "opinion": "xx", "pending": "--"}


def status_figure(book: _claims.Ledger | None = None):
    """Stacked horizontal bars: each outlet's claims by status, most serious first, the count
    printed in each segment, the data gaps in greys with a pattern; the title states the point."""
    import matplotlib.pyplot as plt

    book = book or _claims.ledger()
    frame = book.claims[~minor_mask(book.claims)]
    order = [s for s in SEVERITY if (frame["status"] == s).any()]
    counts = (
        pd.crosstab(frame["article"], frame["status"])
        .reindex(columns=order, fill_value=0)
        .sort_index(ascending=False)
    )
    names = [short_outlet(book.articles[a]) for a in counts.index]
    fig, ax = plt.subplots(figsize=(5.6, 5.4))
    left = pd.Series(0, index=counts.index)
    for status in order:
        colour = STATUS_COLOURS[status]
        bars = ax.barh(
            names,
            counts[status],
            left=left,
            color=colour,
            edgecolor="#FFFFFF" if status not in STATUS_HATCHES else "#444444",
            hatch=STATUS_HATCHES.get(status),
            linewidth=0.6,
            label=label(status),
        )
        for bar, n in zip(bars, counts[status], strict=True):
            if n:
                ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(int(n)),
                    ha="center",
                    va="center",
                    fontsize=12,
                    fontweight="bold",
                    color=STATUS_TEXT[status],
                    bbox={"boxstyle": "round,pad=0.12", "fc": colour, "ec": "none"},
                )
        left = left + counts[status]
    ax.set_title(findings_title(book), loc="left", fontsize=12.5)
    ax.set_xticks([])
    ax.tick_params(axis="y", labelsize=12.5, length=0)
    ax.grid(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(-0.45, -0.02),
        ncol=2,
        frameon=False,
        fontsize=11,
        title="Most serious first, left to right:",
        title_fontsize=11,
        alignment="left",
        handlelength=1.6,
        columnspacing=1.0,
    )
    return fig


def host(url: str) -> str:
    """The host name of a URL, for short link texts: 'www2.census.gov'."""
    return urlparse(str(url)).netloc or str(url)


def sources_table_markdown(sources: pd.DataFrame) -> str:
    """The methods chapter's data-sources table: what each file holds (with its registry key),
    its public address (linked) and its licence, with fixed column widths for the PDF."""
    table = pd.DataFrame(
        {
            "what it holds (registry key)": [
                f"{esc(what)} (`{key}`)"
                for what, key in zip(sources["what"], sources["key"], strict=True)
            ],
            "public address": [f"[{esc(host(u))}]({safe_url(u)})" for u in sources["url"]],
            "licence": sources["licence"].map(esc),
        }
    )
    return list_table(table, (45, 29, 26), css_class="sources longtable")


def sources_markdown(sources: pd.DataFrame) -> str:
    """The data-sources table (:func:`sources_table_markdown`) as the methods chapter shows it:
    in a closed dropdown in HTML (one card per file on a phone), printed in the PDF."""
    body = sources_table_markdown(sources)
    title = f"The {len(sources)} data files: what each holds, where it is published, its licence"
    return (  # folded away in HTML so the rules below are near; the whole table in the PDF
        f":::::{{only}} html\n::::{{dropdown}} {title}\n:class-container: sources-list\n\n"
        f"{body}\n::::\n:::::\n\n:::::{{only}} latex\n{body}\n:::::"
    )


# One icon per status (HTML badges and box titles; the PDF uses the colour square and label).
STATUS_ICONS = {
    "accurate": "\\2713",  # check mark
    "needs_context": "\\25D0",  # half-filled circle
    "unsupported": "\\21AF",  # broken arrow
    "contradicted": "\\2717",  # ballot x
    "traced": "\\2197",  # arrow to the source
    "unverifiable": "?",
    "not_obtained": "\\2205",  # empty set
    "opinion": "\\275D",  # quotation mark
    "pending": "\\2026",  # ellipsis
}


def tint(colour: str, strength: float) -> str:
    """``colour`` mixed with white: strength 1 is the colour, 0 is white ('D9F0EA')."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - c) * strength):02X}" for c in rgb)


def status_css() -> str:
    """The per-status CSS (badge, verdict box border and title), from the status colours.

    Written to the HTML build by _ext/factcheck_sphinx.py; the shared rules are in
    _static/factcheck.css."""
    rules = []
    for status in _claims.STATUSES:
        key, colour = css_key(status), STATUS_COLOURS[status]
        box = f"div.admonition.verdict-{key}"
        rules += [
            f".status-{key} {{ background-color: {colour}; color: {STATUS_TEXT[status]}; }}",
            f'.status-{key}::before {{ content: "{STATUS_ICONS[status]}\\00A0"; }}',
            f"{box} {{ border-color: {colour}; }}",
            f"{box} > .admonition-title {{ background-color: #{tint(colour, 0.22)}; }}",
            f'{box} > .admonition-title::after {{ content: "{STATUS_ICONS[status]}"; }}',
        ]
    return "\n".join(rules) + "\n"


def status_latex() -> str:
    """The per-status LaTeX colours and styles (``\\fc@status`` is in _latex/factcheck.sty)."""
    lines = []
    for status in _claims.STATUSES:
        key, colour = css_key(status), STATUS_COLOURS[status].lstrip("#")
        lines += [
            f"\\definecolor{{fc-{key}}}{{HTML}}{{{colour}}}",
            f"\\definecolor{{fc-{key}-light}}{{HTML}}{{{tint(colour, 0.15)}}}",
            f"\\fc@status{{{key}}}",
        ]
    return "\n".join(lines) + "\n"


def number_word(n: int) -> str:
    """'four' for 4 (up to ten), else the digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def is_minor(claim: dict[str, Any]) -> bool:
    """True when the ledger marks a claim ``weight: minor`` (a side detail, such as a name or a
    title, that does not bear on the argument): it is counted apart from the findings that
    matter, and called a slip only when contradicted (:func:`is_slip`)."""
    weight = claim.get("weight")
    return not blank(weight) and str(weight).strip().lower() == "minor"


def is_slip(claim: dict[str, Any]) -> bool:
    """A minor slip: a side detail (``weight: minor``) that the record contradicts. A side
    detail that holds is not a slip."""
    return is_minor(claim) and claim.get("status") == "contradicted"


def minor_mask(frame: pd.DataFrame) -> pd.Series:
    """Which rows of a claims table are minor (all False when the ledger has no weights)."""
    if "weight" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["weight"].map(lambda w: is_minor({"weight": w}))


def reasons(path=None) -> dict[str, str]:
    """The one-line reason of each scored claim (data/claim_reasons.csv: claim,reason)."""

    path = path or PROJECT_ROOT / "data" / "claim_reasons.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(frame["claim"], frame["reason"], strict=True))


# A reviewer's item code such as "(M4)" or "U1:" means nothing to a reader of the log.
REVIEW_CODE = re.compile(r"\((?:[UMD]\d+)\)|\b[UMD]\d+(?: and [UMD]\d+)?:")


def corrections(path=None) -> pd.DataFrame:
    """Every change to a published verdict (data/corrections.csv: date,claim,change,reason),
    newest first."""

    path = path or PROJECT_ROOT / "data" / "corrections.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != ["date", "claim", "change", "reason"]:
        raise ValueError(f"{path}: the header must be date,claim,change,reason")
    coded = frame[frame["reason"].str.contains(REVIEW_CODE)]
    if len(coded):
        row = coded.iloc[0]
        raise ValueError(
            f"{path}: the reason for {row['claim']} ({row['date']}) carries a reviewer's item code "
            f"({REVIEW_CODE.search(row['reason']).group(0)}); readers do not know it, so say "
            "who found what in words"
        )
    # The file is appended to: within a date, a later row is a later change.
    frame = frame.iloc[::-1]
    return frame.sort_values("date", ascending=False, kind="stable")


MERGED = re.compile(r"^\s*merged into (?P<into>a\d{3}-\d{2})\b", re.I)


def merged_claims(log: pd.DataFrame | None = None) -> dict[str, str]:
    """Claims taken out of the ledger by merging them into another, from the log rows that say
    so ("merged into a000-04 ..."): old id -> the claim it joined."""
    log = corrections() if log is None else log
    found = log["change"].str.extract(MERGED)["into"]
    return dict(zip(log.loc[found.notna(), "claim"], found.dropna(), strict=True))


def merged_ids(*logs: pd.DataFrame | None) -> dict[str, str]:
    """:func:`merged_claims` over the whole log and any other rows given (a planted log in a
    test), so that a slice of the log still knows every merge."""
    found = merged_claims(corrections())
    for log in logs:
        if log is not None:
            found |= merged_claims(log)
    return found


def log_claim_link(claim_id: str, merged: Mapping[str, str], known: set[str]) -> str:
    """A log row's claim: a link to it, or, for a claim since merged into another (no longer in
    the ledger, so without an anchor), its id and a link to the claim it joined."""
    if claim_id in known or claim_id not in merged:
        return claim_link(claim_id)
    return f"{esc(claim_id)}, now {claim_link(merged[claim_id])}"


def split_log(
    log: pd.DataFrame | None = None, edition: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The log split at the first edition (:func:`first_edition`): (rows dated after it, rows
    dated on or before it: the review before first publication). With no edition set, every row
    counts as a change to a published verdict."""
    log = corrections() if log is None else log
    edition = first_edition() if edition is None else edition
    if not edition:
        return log, log.iloc[0:0]
    before = log["date"] <= edition
    return log[~before], log[before]


STATUS_CHANGE = re.compile(
    r"^\s*status:?\s+(?P<old>[^;]+?)\s*->\s*(?P<new>[^;(]+?)\s*(?:[;(]|$)", re.I
)


def status_changes(
    log: pd.DataFrame | None = None,
    book: _claims.Ledger | None = None,
    later: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each claim's net change of status over the log (rows "status: OLD -> NEW ..."): date of
    its latest change, claim, the status before its first change in the log and its status at
    the end (its status in the ledger, or, with ``later`` rows, the status before the first
    of those). Newest first, log order within a date; a claim that ended where it began (there
    and back) is left out."""
    log = corrections() if log is None else log
    book = book or _claims.ledger()
    columns = ["date", "claim", "old", "new"]
    rows = status_changes_raw(log)
    merged = merged_ids(log, later)
    known = set(book.claims["id"])
    following = status_changes_raw(later) if later is not None else rows.iloc[0:0]
    out = []
    seen: set[str] = set()
    for _, row in rows.iterrows():  # newest first: the first row seen is a claim's latest
        cid = row["claim"]
        if cid in seen:
            continue
        seen.add(cid)
        mine = rows[rows["claim"] == cid]
        start = str(mine["old"].iloc[-1])  # the oldest row's old status
        after = following[following["claim"] == cid]
        if len(after):
            end = str(after["old"].iloc[-1])
        elif cid in merged and cid not in known:  # no status of its own any more
            end = f"merged into {merged[cid]}"
        else:
            end = label(book.claim(cid)["status"])
        if _same_status(start, end):
            continue
        out.append({"date": row["date"], "claim": cid, "old": start, "new": end})
    return pd.DataFrame(out, columns=columns)


def status_changes_raw(log: pd.DataFrame) -> pd.DataFrame:
    """The log's rows that change a status, with the old and new labels each row names."""
    found = log["change"].str.extract(STATUS_CHANGE)
    return log.assign(old=found["old"], new=found["new"]).dropna(subset=["old", "new"])


def _same_status(a: str, b: str) -> bool:
    return " ".join(str(a).lower().split()) == " ".join(str(b).lower().split())


def status_changes_markdown(
    log: pd.DataFrame | None = None,
    book: _claims.Ledger | None = None,
    later: pd.DataFrame | None = None,
    now: str = "is now",
) -> str:
    """A short table of the net changes of status (:func:`status_changes`), headline claims
    marked, before the full log; ``now`` heads the column of the end status."""
    book = book or _claims.ledger()
    changes = status_changes(log, book, later)
    if changes.empty:
        return "No verdict's status has changed."
    headlines = {a["headline"]: art for art, a in book.articles.items()}
    merged = merged_ids(log, later)
    known = set(book.claims["id"])
    table = pd.DataFrame(
        {
            "date": changes["date"].map(esc),
            "claim": [
                log_claim_link(c, merged, known) + (" (headline)" if c in headlines else "")
                for c in changes["claim"]
            ],
            "was": changes["old"].map(esc),
            now: changes["new"].map(esc),
        }
    )
    return list_table(table, (16, 24, 30, 30), css_class="status-changes")


def last_changed(
    claim_ids, log: pd.DataFrame | None = None, edition: str | None = None
) -> str | None:
    """The date of the latest correction to any of ``claim_ids`` after the first edition (ISO),
    or None; the review before first publication (rows on or before it) does not count."""
    log, _ = split_log(log, edition)
    dates = log.loc[log["claim"].isin(list(claim_ids)), "date"]
    return None if dates.empty else str(dates.max())


def words(text: str) -> int:
    return len(str(text).split())


def bottom_line(book: _claims.Ledger | None = None) -> str:
    """The landing page's lead: the verdicts on the headline claims (:func:`headline_sentence`),
    then how the other scored claims fared (:func:`facts_line`)."""
    return f"{headline_sentence(book)} {facts_line(book)}"


def possessive(name: str) -> str:
    """ "NumbersUSA's", "The Epoch Times'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def headline_sentence(book: _claims.Ledger | None = None) -> str:
    """The report's finding in one sentence that names each outlet with the verdict on its
    headline claim, most serious first: 'Three of the five articles' headline claims do not
    follow from the evidence (Breitbart, ImmigrationReform.com, MRCTV); The Epoch Times' is
    accurate, and NumbersUSA's is accurate but needs context.'"""
    book = book or _claims.ledger()
    outlets = [
        (esc(short_outlet(a)), book.claim(a["headline"])["status"]) for a in book.articles.values()
    ]
    n = len(outlets)
    parts = []
    for status in SEVERITY:
        names = [name for name, s in outlets if s == status]
        k = len(names)
        if not k:
            continue
        phrase = HEADLINE_PHRASES[status][k > 1]
        listed = names[0] if k == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        if not parts:  # the most serious verdict leads, with its count
            if k == n:
                parts.append(f"All **{number_word(n)}** articles' headline claims {phrase}")
            elif k == 1:
                parts.append(f"{possessive(names[0])} headline claim {phrase}")
            else:
                parts.append(
                    f"**{number_word(k).capitalize()}** of the {number_word(n)} articles' "
                    f"headline claims {phrase} ({', '.join(names)})"
                )
        elif k == 1:
            parts.append(f"{possessive(names[0])} {phrase}")
        else:
            parts.append(f"those of {listed} {phrase}")
    if len(parts) == 1:
        return parts[0] + "."
    return "; ".join(parts[:-1]) + ", and " + parts[-1] + "."


def tally(book: _claims.Ledger | None = None) -> dict[str, int]:
    """The ledger's counts that the landing page states, each counted once here: all claims,
    articles, opinions (not scored), claims not yet checked, scored claims, side details
    (``weight: minor``) among them, minor slips, and the scored claims with side details apart
    (``main``: the claims the status chart and :func:`facts_line` count)."""
    book = book or _claims.ledger()
    frame = book.claims
    scored = ~frame["status"].isin(list(UNSCORED))
    minor = minor_mask(frame)
    return {
        "claims": len(frame),
        "articles": len(book.articles),
        "opinion": int((frame["status"] == "opinion").sum()),
        "pending": int((frame["status"] == "pending").sum()),
        "scored": int(scored.sum()),
        "minor": int((minor & scored).sum()),
        "slips": int(frame.apply(is_slip, axis=1).sum()),
        "main": int((scored & ~minor).sum()),
    }


def facts_line(book: _claims.Ledger | None = None) -> str:
    """How the scored claims fared, side details apart and headline claims included: the same
    claims the status chart counts (:func:`findings_title`), with the arithmetic shown
    ('Leaving the eleven side details apart, 112 claims are scored, the five headline claims
    among them: 56 check out, 5 draw conclusions that do not follow, ...')."""
    book = book or _claims.ledger()
    counts = status_counts(book).drop(list(UNSCORED), errors="ignore")  # the chart's counts
    totals = tally(book)
    n_minor, n_scored = totals["minor"], totals["main"]
    if n_scored != int(counts.sum()):  # the chart and this line must count the same claims
        raise ValueError(f"scored claims: tally {n_scored}, status chart {int(counts.sum())}")
    held = int(sum(counts.get(s, 0) for s in SUPPORTED))
    unsupported = int(counts.get("unsupported", 0))
    contradicted = int(counts.get("contradicted", 0))
    gaps = n_scored - held - unsupported - contradicted
    apart = f"Leaving the {number_word(n_minor)} side details apart, " if n_minor else ""
    kinds = {
        "accurate": "accurate",
        "needs_context": "accurate but missing context",
        "traced": "matching an official publication this report could not rebuild from data",
    }
    parts = [f"{int(counts.get(s, 0))} {words}" for s, words in kinds.items() if counts.get(s, 0)]
    return (
        f"{apart}{n_scored} claims are scored, the {number_word(len(book.articles))} "
        f"headline claims among them: {held} check out ({'; '.join(parts)}), {unsupported} draw "
        f"conclusions that do not follow, {contradicted} are contradicted by the record, and "
        f"{gaps} cannot be settled with the public record or the data obtained."
    )


def bottom_line_markdown(book: _claims.Ledger | None = None) -> str:
    """The landing page's lead paragraph: the verdict on each outlet's headline claim (the
    counts of the other claims follow the outlets' table, :func:`facts_line`)."""
    return f"::::{{container}} bottom-line-lead\n{headline_sentence(book)}\n::::"


def article_date(article: dict[str, Any]) -> str:
    return str(article.get("date_published") or article.get("date"))


def first_date(article: dict[str, Any]) -> str:
    """The first ISO date in the article's date ("updated 2020-07-15; ..." gives 2020-07-15),
    or its first word when it has none."""
    text = article_date(article)
    found = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return found.group(0) if found else text.split(" ", 1)[0]


def short_outlet(article: dict[str, Any]) -> str:
    """The outlet's name without its bracketed parent ('MRCTV')."""
    return str(article["outlet"]).split(" (", 1)[0]


def bottom_line_table(book: _claims.Ledger | None = None) -> str:
    """The landing page's five rows: outlet, date, headline claim, verdict, reason, link."""
    book = book or _claims.ledger()
    why = reasons()
    rows = []
    for art_id, article in book.articles.items():
        claim = book.claim(article["headline"])
        outlet = esc(short_outlet(article))
        if article.get("url"):
            outlet = f"[{outlet}]({safe_url(article['url'])})"
        rows.append(
            {
                "outlet": f"{outlet}, {esc(first_date(article))}",
                "headline claim": f"“{esc(claim['quote'])}”",
                "verdict": badge(claim["status"]),
                "why": esc(why.get(claim["id"], "")),
                "the check": f"{{ref}}`Read the check <a{art_id}>`",
            }
        )
    return list_table(pd.DataFrame(rows), (16, 30, 14, 30, 10), css_class="bottom-line")


def articles_table_markdown(table: str) -> str:
    """The landing page's "What is checked" table (a Markdown table of the five articles:
    article, outlet, title, date, claims) in a container that _static/factcheck.css shows as
    one card per article on phones; the PDF keeps the table as it is."""
    return f"::::{{container}} articles-table\n{table}\n::::"


def verdict_card_markdown(
    art_id: str, chapter: str | None = None, book: _claims.Ledger | None = None
) -> str:
    """A chapter's verdict card: outlet, date and link of the article, its headline claim with
    the badge and the ruling, and when this check was published and last changed."""
    book = book or _claims.ledger()
    article = book.articles[art_id]
    chapter = chapter or article["chapter"]
    claim = book.claim(article["headline"])
    # The headline claim is often the article's title: then the link says "the article".
    same = " ".join(str(claim["quote"]).split()).lower() in str(article["title"]).lower()
    untitled = "untitled" in str(article["title"]).lower()
    title = "the article" if same or untitled else f"“{esc(article['title'])}”"
    url = article.get("url") or article.get("archive_url")
    if url:
        title = f"[{title}]({safe_url(url)})"
    ids = list(book.claims.loc[book.claims["chapter"] == chapter, "id"])
    changed = last_changed(ids)
    published = article.get("review_published")
    # "Checked" and not "Published": the card sits beside the article's own date.
    dates = f"This check published {esc(published)}" if published else "This check published"
    dates += (
        f"; verdicts last changed on {esc(changed)} ({{ref}}`corrections <corrections>`)."
        if changed
        else "."
    )
    ruling = article.get("ruling") or ""
    where = "" if claim["chapter"] == chapter else f" ({claim_link(claim['id'], 'its verdict')})"
    lines = [
        "::::{container} verdict-card",
        f":::{{admonition}} The verdict on {possessive(esc(short_outlet(article)))} headline",
        f":class: verdict-card verdict-{css_key(claim['status'])}",
        f"**{esc(article['outlet'])}**, {esc(article_date(article))}: {title}. *{dates}*",
        "",
        f"{badge(claim['status'])} “{esc(claim['quote'])}”{where}",
        "",
        esc(ruling),
        ":::",
        "::::",
    ]
    return "\n".join(lines)


def page_claims_markdown(
    art_id: str, chapter: str | None = None, book: _claims.Ledger | None = None
) -> str:
    """The claims checked on this page, by status (most serious first), each number linked to
    its verdict; minor slips apart; the article's other claims named with their chapter. Ends
    with the page's ClaimReview blocks."""
    book = book or _claims.ledger()
    article = book.articles[art_id]
    chapter = chapter or article["chapter"]
    mine = book.claims[book.claims["article"] == art_id]
    rows = mine[mine["chapter"] == chapter]
    minor = minor_mask(rows)
    groups = []
    for status in SEVERITY:
        ids = rows.loc[(rows["status"] == status) & ~minor, "id"]
        if len(ids):
            links = ", ".join(claim_link(i, i.split("-")[1]) for i in ids)
            groups.append(f"{badge(status)} {links}")
    if minor.any():
        links = ", ".join(claim_link(i, i.split("-")[1]) for i in rows.loc[minor, "id"])
        groups.append(f"side details, counted apart: {links}")
    lines = [
        "::::{container} page-claims",
        f"**The {number_word(len(rows))} claims checked on this page,** by number: "
        + " · ".join(groups)
        + ".",
        "::::",
    ]
    others = mine[mine["chapter"] != chapter]
    for other, group in others.groupby("chapter"):
        lines += [
            "",
            f"The article's other {number_word(len(group))} claims are checked in "
            f"{{doc}}`{other}`.",
        ]
    text = "\n".join(lines)
    blocks = claimreview_blocks(rows.to_dict("records"), book)
    if blocks:
        text += "\n\n```{raw} html\n" + "\n".join(blocks) + "\n```"
    return text


def corrections_markdown(log: pd.DataFrame | None = None) -> str:
    """The corrections log, newest first: date, claim (linked), what changed and why; or a line
    saying that no verdict has changed."""
    log = corrections() if log is None else log
    if log.empty:
        return "No verdict has been corrected since the first edition."
    merged = merged_ids(log)
    known = set(_claims.ledger().claims["id"])
    table = pd.DataFrame(
        {
            "date": log["date"],
            "claim": [log_claim_link(c, merged, known) for c in log["claim"]],
            "what changed": log["change"].map(esc),
            "why": log["reason"].map(esc),
        }
    )
    return list_table(table, (14, 14, 36, 36), css_class="corrections longtable")


def changes_since_markdown(
    log: pd.DataFrame | None = None, book: _claims.Ledger | None = None, edition: str | None = None
) -> str:
    """The corrections page's summary: the net changes of status since the first edition
    (:func:`first_edition`), then every entry since then; or a plain line saying that nothing
    has changed since it."""
    edition = first_edition() if edition is None else edition
    after, _ = split_log(log, edition)
    since = f"since the first edition ({esc(edition)})" if edition else "since publication"
    if after.empty:
        return f"No verdict has changed and no figure has been corrected {since}."
    changes = status_changes(after, book)
    lead = (
        f"No claim's status has changed {since}."
        if changes.empty
        else f"The claims whose status has changed {since}, newest first, from the status before "
        "the first change to the status now:\n\n" + status_changes_markdown(after, book)
    )
    return (
        f"{lead}\n\nEvery correction {since}, newest first, with what changed and why:\n\n"
        + corrections_markdown(after)
    )


def review_markdown(
    log: pd.DataFrame | None = None, book: _claims.Ledger | None = None, edition: str | None = None
) -> str:
    """The review before first publication (log rows dated on or before the first edition):
    the claims whose status it changed, net, then its full log."""
    edition = first_edition() if edition is None else edition
    after, before = split_log(log, edition)
    if before.empty:
        return "The log holds no entry from before the first edition."
    changes = status_changes(before, book, later=after)
    net = (
        "Net of the review, no claim's status changed from the first draft."
        if changes.empty
        else f"Net of the review, {len(changes)} claims ended with a status other than the one "
        "they had when it began (from the status before the first change to the status at "
        "publication):\n\n"
        + status_changes_markdown(before, book, later=after, now="at publication")
    )
    return f"{net}\n\n" + review_log_markdown(before)


def review_log_markdown(before: pd.DataFrame) -> str:
    """The review's full log (``before``: the log's rows up to the first edition): folded
    away behind a dropdown in HTML, so that the page opens on the changes since publication,
    and left out of the PDF with a sentence saying where it is."""
    title = f"The review's full log, {len(before)} entries, newest first"
    return (
        ":::::{only} html\n"
        f"::::{{dropdown}} {title}\n:class-container: review-log\n\n"
        f"{corrections_markdown(before)}\n::::\n:::::\n\n"
        ":::::{only} latex\n"
        f"The review's full log, {len(before)} entries, is left out of this PDF: it is the file "
        "`data/corrections.csv` in the report's repository, and the corrections page of the "
        "web edition shows it.\n:::::"
    )
