"""Sphinx hooks for the report (loaded from _config.yml ``sphinx.local_extensions``).

- PDF: every table gets explicit column widths, in proportion to the text of its columns, so
  LaTeX wraps the cells instead of letting a long table run off the page (Sphinx sets
  long tables in ``l`` columns when no widths are given).
- HTML: a meta description and Open Graph tags on every page, built from the page's title
  and first paragraph (no network, no extra package).
- HTML: the theme's download menu offers the book's PDF (``book.pdf``, copied by the Makefile).
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes

MIN_WIDTH, MAX_WIDTH = 6, 60  # relative column weights, in characters of text


def table_widths(table: nodes.table) -> list[int] | None:
    """Column weights from the longest cell text of each column (clipped)."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return None
    specs = [c for c in group.children if isinstance(c, nodes.colspec)]
    lengths = [MIN_WIDTH] * len(specs)
    for row in group.findall(nodes.row):
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        if len(entries) != len(specs):
            return None  # spanning cells: leave the table to Sphinx
        for i, entry in enumerate(entries):
            words = entry.astext().split()
            longest_word = max((len(w) for w in words), default=0)
            lengths[i] = max(lengths[i], min(len(" ".join(words)), MAX_WIDTH), longest_word)
    return [min(n, MAX_WIDTH) for n in lengths]


def widen_tables(app, doctree: nodes.document, docname: str) -> None:
    if app.builder.name != "latex":
        return
    for table in doctree.findall(nodes.table):
        if "colwidths-given" in table.get("classes", []):
            continue
        widths = table_widths(table)
        if not widths:
            continue
        group = next(iter(table.findall(nodes.tgroup)))
        for spec, width in zip(
            [c for c in group.children if isinstance(c, nodes.colspec)], widths, strict=True
        ):
            spec["colwidth"] = width
        table["classes"] = [c for c in table["classes"] if c != "colwidths-auto"]
        table["classes"].append("colwidths-given")


def description(doctree: nodes.document | None) -> str:
    """The page's first paragraph of prose, shortened to about 200 characters."""
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        if para.next_node(nodes.Admonition) or isinstance(para.parent, nodes.Admonition):
            continue
        text = " ".join(para.astext().split())
        if len(text) > 60:
            return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"
    return ""


def page_meta(app, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    title = html.unescape(context.get("title") or "")
    site = app.config.project
    text = description(doctree) or site
    tags = [
        f'<meta name="description" content="{html.escape(text)}" />',
        f'<meta property="og:title" content="{html.escape(title or site)}" />',
        f'<meta property="og:description" content="{html.escape(text)}" />',
        f'<meta property="og:site_name" content="{html.escape(site)}" />',
        '<meta property="og:type" content="article" />',
        '<meta name="twitter:card" content="summary" />',
    ]
    base = app.config.html_baseurl
    if base:
        url = base.rstrip("/") + "/" + pagename + ".html"
        tags.append(f'<meta property="og:url" content="{html.escape(url)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"


def book_pdf_in_download_menu(app, pagename, templatename, context, doctree) -> None:
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(
                0,
                {
                    "type": "link",
                    "url": context["pathto"]("book.pdf", 1),
                    "text": "Book (PDF)",
                    "tooltip": "Download the whole report as a PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                },
            )
            for button in group["buttons"]:
                if button.get("label") == "download-pdf-button":
                    button["text"] = "Print page"


def setup(app) -> dict[str, Any]:
    app.connect("doctree-resolved", widen_tables)
    app.connect("html-page-context", page_meta)
    app.connect("html-page-context", book_pdf_in_download_menu, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
