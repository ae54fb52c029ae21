"""How the ledger is shown to readers: claim quotes, verdict boxes, claim tables, the scorecard.

Every function here returns MyST Markdown (or HTML for the interactive scorecard) built from the
claims ledger, so the HTML and the PDF say the same thing. Chapters call the thin wrappers in
:mod:`factcheck.claims` (``claims.show_claim``, ``claims.verdict``,
``claims.show_article_claims``, ``claims.show_at_a_glance``).

Each claim gets an anchor equal to its id (``(a000-04)=``) on the first thing a chapter shows of
it (the quote, or the verdict box when the quote is not shown), so ``{ref}`` links from the claim
tables and the scorecard land on it in HTML and PDF alike. Each status has its own box class
(``verdict-<status>``), colour (:data:`factcheck.style.STATUS_COLOURS`, shared with the charts),
icon (HTML) and label.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import pandas as pd

from . import claims as _claims
from .palette import STATUS_COLOURS, STATUS_TEXT
from .report import escape_myst as esc
from .report import json_for_html, safe_url

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


def site_url() -> str:
    """The published book's address (``html.baseurl`` in _config.yml), or '' when not set."""
    import yaml

    from .registry import PROJECT_ROOT

    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    return str((config.get("html") or {}).get("baseurl") or "").rstrip("/")


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
    text = str(source.get("label") or source.get("key"))
    text = esc(text.replace("[", "(").replace("]", ")"))
    return f"[{text}]({safe_url(source['url'])})" if source.get("url") else text


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

    The article (outlet, date, link) is named once per chapter in the at-a-glance box, not here.
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


def verdict_markdown(claim: dict[str, Any]) -> str:
    """A box in the status's colour: label, rebuilt value, verdict, reasons and sources."""
    status = claim["status"]
    cid = str(claim["id"])
    lines = [
        _anchor(cid).rstrip("\n"),
        f"::::{{container}} verdict verdict-{css_key(status)}",
        f":::{{admonition}} Verdict on claim {cid}: {badge(status)}",
        f":class: verdict-box verdict-{css_key(status)}",
    ]
    rebuilt = claim.get("rebuilt_value")
    if not blank(rebuilt):
        # Free text carries its own unit; a plain number takes the claim's.
        numeric = isinstance(rebuilt, (int, float))
        shown = value_text(rebuilt, claim.get("unit")) if numeric else rebuilt
        lines += [f"Rebuilt value: {bold_numbers(esc(shown))}", ""]
    default = {
        "opinion": "An opinion or a prediction: labelled, not scored.",
        "pending": "This claim has not been checked yet.",
    }
    text = claim.get("verdict")
    lines += [default.get(status, "") if blank(text) else esc(text), ""]
    for field, heading in REASONS.items():
        if not blank(claim.get(field)):
            lines += [f"*{heading}:* {esc(claim[field])}", ""]
    found = [s for s in sources(claim) if s.get("kind") != "article"]
    if found:
        lines += ["*Sources:* " + "; ".join(source_markdown(s) for s in found) + ".", ""]
    lines += [":::", "::::"]
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def article_line(art_id: str, article: dict[str, Any]) -> str:
    """Outlet, title, date and link of a checked article, for the at-a-glance box."""
    title = f"“{esc(article['title'])}”"
    url = article.get("url") or article.get("archive_url")
    if url:
        title = f"[{title}]({safe_url(url)})"
    date = article.get("date_published") or article.get("date")
    return f"{esc(article['outlet'])}, {title}, {esc(date)}"


def at_a_glance_markdown(
    art_id: str, chapter: str | None = None, book: _claims.Ledger | None = None
) -> str:
    """The chapter's opening box: the article (named once), its headline claim's verdict when
    this chapter checks it, and the claims checked here grouped by status, each linked."""
    book = book or _claims.ledger()
    article = book.articles[art_id]
    chapter = chapter or article["chapter"]
    rows = book.claims[(book.claims["article"] == art_id) & (book.claims["chapter"] == chapter)]
    lines = [
        "::::{container} at-a-glance",
        ":::{admonition} At a glance",
        ":class: at-a-glance",
        f"**The article.** {article_line(art_id, article)} {{cite:p}}`article-{art_id}`.",
        "",
    ]
    headline = article.get("headline")
    if headline in set(rows["id"]):
        claim = book.claim(headline)
        lines += [
            f"**Its headline claim,** “{esc(claim['quote'])}”: {badge(claim['status'])}"
            f" ({claim_link(headline, 'verdict')}).",
            "",
        ]
    lines.append(f"**The {len(rows)} claims checked in this chapter, by status:**")
    lines.append("")
    for status in _claims.STATUSES:
        ids = rows.loc[rows["status"] == status, "id"]
        if len(ids):
            links = ", ".join(claim_link(i, i.split("-")[1]) for i in ids)
            lines.append(f"- {badge(status)} {len(ids)}: {links}")
    lines += [":::", "::::"]
    text = "\n".join(lines)
    blocks = claimreview_blocks(rows.to_dict("records"), book)
    if blocks:
        text += "\n\n```{raw} html\n" + "\n".join(blocks) + "\n```"
    return text


def headline_line(art_id: str, book: _claims.Ledger | None = None) -> str:
    """One line for the landing page: the article and the verdict on its headline claim."""
    book = book or _claims.ledger()
    article = book.articles[art_id]
    chapter = article["chapter"]
    rows = book.claims[book.claims["article"] == art_id]
    scored = rows[~rows["status"].isin(UNSCORED)]
    counts = scored["status"].value_counts()
    tally = ", ".join(
        f"{int(counts[s])} {COUNT_WORDS[s]}" for s in _claims.STATUSES if counts.get(s, 0)
    )
    line = f"{{ref}}`Article {art_id} <{chapter.split('_')[0]}>`: {article_line(art_id, article)}."
    headline = article.get("headline")
    if headline:
        claim = book.claim(headline)
        line += (
            f" Headline claim, “{esc(claim['quote'])}”: {badge(claim['status'])}"
            f" ({claim_link(headline, 'verdict')})."
        )
    if tally:
        line += f" Of its {len(scored)} scored claims: {tally}."
    return line


def article_claims_markdown(article: str, book: _claims.Ledger | None = None) -> str:
    """A table of one article's claims: number (linked to its anchor), status, quote, kind.

    A long table with fixed widths, so that in the PDF it breaks across pages instead of
    jumping whole to the next one."""
    book = book or _claims.ledger()
    rows = book.claims[book.claims["article"] == article].sort_values("id")  # in number order
    table = pd.DataFrame(
        {
            # The number alone: a hyphenated id breaks badly in narrow PDF table columns.
            "no.": [claim_link(i, i.split("-")[1]) for i in rows["id"]],
            "status": rows["status"].map(badge),
            "as worded": "“" + rows["quote"].map(esc) + "”",
            "kind": rows["kind"].map(esc),
        }
    )
    return list_table(table, (7, 24, 55, 14), css_class="claims-table longtable")


def scorecard_table(book: _claims.Ledger | None = None) -> pd.DataFrame:
    """The scorecard's rows as plain text (claim id, status label, claim, values); the claim id
    names the article."""
    book = book or _claims.ledger()
    frame = book.claims.sort_values("id")  # in number order, whatever the ledger's order

    def show(value: Any) -> str:
        return "" if blank(value) else str(value)

    return pd.DataFrame(
        {
            "claim": frame["id"],
            "status": frame["status"].map(_claims.STATUSES),
            "what would have to be true": frame["claim"],
            "claimed": [
                value_text(v, u) for v, u in zip(frame["claimed_value"], frame["unit"], strict=True)
            ],
            "rebuilt": [
                value_text(v, u) if isinstance(v, (int, float)) else show(v)
                for v, u in zip(frame["rebuilt_value"], frame["unit"], strict=True)
            ],
        }
    )


SCORECARD_WIDTHS = (12, 19, 35, 15, 19)  # PDF: claim, status, claim text, claimed, rebuilt


def scorecard_markdown(book: _claims.Ledger | None = None) -> str:
    """The scorecard for the PDF: a long table with fixed column widths and linked ids."""
    book = book or _claims.ledger()
    table = scorecard_table(book)
    for column in ("what would have to be true", "claimed", "rebuilt"):  # ledger text
        table[column] = table[column].map(esc)
    table["claim"] = [claim_link(i) for i in table["claim"]]
    table["status"] = book.claims["status"].map(badge)
    return list_table(table, SCORECARD_WIDTHS, css_class="scorecard longtable")


def scorecard_html(book: _claims.Ledger | None = None) -> str:
    """The scorecard for the HTML page: a sortable, searchable table (itables, offline)."""
    from itables.javascript import generate_init_offline_itables_html, to_html_datatable
    from itables.options import dt_bundle

    book = book or _claims.ledger()
    table = scorecard_table(book)
    records = book.claims.loc[table.index].to_dict("records")  # the table's row order
    table["claim"] = [
        f'<a href="{html.escape(claim_url(c))}">{html.escape(c["id"])}</a>' for c in records
    ]
    table["status"] = [
        f'<span class="status-{css_key(c["status"])}">{html.escape(label(c["status"]))}</span>'
        for c in records
    ]
    for column in ("what would have to be true", "claimed", "rebuilt"):
        table[column] = table[column].map(html.escape)
    # Sorting by status follows the display order of the statuses, not the alphabet.
    table["status order"] = [list(_claims.STATUSES).index(c["status"]) for c in records]
    hidden = len(table.columns) - 1
    datatable = to_html_datatable(
        table,
        connected=False,
        allow_html=True,
        showIndex=False,
        pageLength=25,
        scrollX=True,  # a phone scrolls the table inside its box, not the page
        lengthMenu=[[10, 25, 50, 100, -1], [10, 25, 50, 100, "All"]],
        classes="display compact scorecard-table",
        table_id="scorecard-table",
        style="width:100%",
        maxBytes=0,  # never downsample: every claim stays in the table
        columnDefs=[
            {"targets": [1], "orderData": [hidden]},
            {"targets": [hidden], "visible": False, "searchable": False},
        ],
    )
    return (
        '<div class="scorecard-interactive">'
        + generate_init_offline_itables_html(dt_bundle)
        + datatable
        + "</div>"
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


def claimreview(claim: dict[str, Any], book: _claims.Ledger) -> dict[str, Any] | None:
    """schema.org ClaimReview for a scored claim (None for opinions and pending claims)."""
    if claim["status"] in UNSCORED:
        return None
    article = book.articles[str(claim["article"])]
    appearance: dict[str, Any] = {"@type": "CreativeWork", "headline": article["title"]}
    if article.get("url"):
        appearance["url"] = article["url"]
    if article.get("date_published"):
        appearance["datePublished"] = str(article["date_published"])
    author: dict[str, Any] = {"@type": "Organization", "name": article["outlet"]}
    if article.get("author"):
        author = {"@type": "Person", "name": article["author"]}
    item: dict[str, Any] = {"@type": "Claim", "author": author, "appearance": appearance}
    if article.get("date_published"):
        item["datePublished"] = str(article["date_published"])
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": review_url(claim),
        "claimReviewed": str(claim["quote"]),
        "itemReviewed": item,
        "author": {"@type": "Organization", "name": REPORT_NAME},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": label(claim["status"]),
            "ratingExplanation": "" if blank(claim.get("verdict")) else str(claim["verdict"]),
        },
        "reviewBody": "" if blank(claim.get("verdict")) else str(claim["verdict"]),
    }


def claimreview_blocks(rows: list[dict[str, Any]], book: _claims.Ledger) -> list[str]:
    """One ``<script type="application/ld+json">`` per scored claim."""
    blocks = []
    for claim in rows:
        data = claimreview(claim, book)
        if data is not None:
            text = json_for_html(json.dumps(data, ensure_ascii=False))
            blocks.append(f'<script type="application/ld+json">{text}</script>')
    return blocks


def status_colour(status: str) -> str:
    return STATUS_COLOURS[status]


# What each status means, for readers (the rules themselves: factcheck.claims and the methods
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
    "traced": "The figure matches the official publication it came from, though the records "
    "behind it are not public.",
    "unverifiable": "No public record confirms or refutes it; the verdict names the record that "
    "would settle it, or says why none could (a counterfactual about particular cases).",
    "not_obtained": "Public data that could settle it exist but were not obtained for this "
    "report; the verdict names them.",
    "opinion": "An opinion or prediction: labelled, not scored.",
    "pending": "Listed in the ledger; its chapter's analysis has not been done yet.",
}


def statuses_markdown() -> str:
    """The table of statuses (badge and meaning) for the introduction."""
    from .report import md_table

    keys = [k for k in _claims.STATUSES if k in STATUS_MEANINGS]
    table = pd.DataFrame(
        {"status": [badge(k) for k in keys], "meaning": [STATUS_MEANINGS[k] for k in keys]}
    )
    return md_table(table)


def status_counts(book: _claims.Ledger | None = None) -> pd.Series:
    """Claims per status, in display order, statuses with no claim left out."""
    book = book or _claims.ledger()
    counts = book.claims["status"].value_counts()
    return pd.Series({s: int(counts[s]) for s in _claims.STATUSES if counts.get(s, 0)})


def status_counts_markdown(book: _claims.Ledger | None = None) -> str:
    """A list: badge and count for each status that has claims."""
    return "\n".join(f"- {badge(s)} {n}" for s, n in status_counts(book).items())


def articles_markdown(book: _claims.Ledger | None = None) -> str:
    """One line per article: the article (linked) and the verdict on its headline claim."""
    book = book or _claims.ledger()
    return "\n".join(f"- {headline_line(a, book)}" for a in book.articles)


def status_figure(book: _claims.Ledger | None = None):
    """Stacked horizontal bars: each article's claims by status, in the status colours."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    book = book or _claims.ledger()
    frame = book.claims
    order = [s for s in _claims.STATUSES if (frame["status"] == s).any()]
    counts = (
        pd.crosstab(frame["article"], frame["status"])
        .reindex(columns=order, fill_value=0)
        .sort_index(ascending=False)
    )
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    left = pd.Series(0, index=counts.index)
    for status in order:
        ax.barh(
            ["article " + a for a in counts.index],
            counts[status],
            left=left,
            color=STATUS_COLOURS[status],
            edgecolor="white",
            linewidth=0.6,
            label=label(status),
        )
        left = left + counts[status]
    ax.set_xlabel("number of claims")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False, fontsize=8)
    return fig


def host(url: str) -> str:
    """The host name of a URL, for short link texts: 'www2.census.gov'."""
    from urllib.parse import urlparse

    return urlparse(str(url)).netloc or str(url)


def sources_markdown(sources: pd.DataFrame) -> str:
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
