"""Sphinx hooks for the report (loaded from _config.yml ``sphinx.local_extensions``).

- PDF: every table gets explicit column widths, in proportion to the text of its columns, so
  LaTeX wraps the cells instead of letting a long table run off the page (Sphinx sets
  long tables in ``l`` columns when no widths are given).
- HTML: a meta description and Open Graph tags on every page, built from the page's title
  and first paragraph (no network, no extra package).
- HTML and PDF: the per-status colours and icons, generated from factcheck/book/palette.py
  (factcheck.book.render.status_css and status_latex), so the charts, the HTML and the PDF
  share them.
- HTML: math as MathML, converted at build time by docutils (browsers render it natively), so
  no page loads MathJax from a CDN.
- HTML: no live-code (thebe) scripts, and no script twice (a console error otherwise).
- HTML: the theme's download menu offers the book's PDF (``book.pdf``, copied by the Makefile).
- PDF: the landing page's bottom-line table has ragged-right cells and keeps dates whole.
- PDF: the bibliography is printed inside the "References" chapter (one references chapter, not
  an empty one plus Sphinx's own "Bibliography" at the end).
- HTML, the reader's edition: verdict titles are headings for screen readers (``role="heading"``);
  scrollable tables sit in a focusable region; the footer's links resolve from every page
  (search and index pages included); the corrections address (one setting,
  ``factcheck_contact_email``) fills ``{contact_email}`` in the footer and the MyST
  substitution ``{{ contact_email }}``; ClaimReview URLs become absolute when ``html.baseurl``
  is set.
- HTML and PDF: each chapter with code ends with a line naming its source file (linked in HTML)
  and linking to how to reproduce it.
- Bibliography: the pybtex style ``authoryear`` labels each entry "Author Year", matching the
  author-year citations in the text, and prints titles in the casing the BibTeX file gives.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes

LINE = 88  # characters of body text on a PDF line (FreeSerif 10pt on the default text width)
PAD = 4  # characters taken by the column separators and padding of each column
CAP = 60  # a column's natural width is its longest cell, up to this many characters


def table_widths(table: nodes.table) -> list[int] | None:
    """Column weights for a table: each column at least as wide as its longest word, the rest of
    the line shared in proportion to the columns' natural widths (longest cell, capped)."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return None
    specs = [c for c in group.children if isinstance(c, nodes.colspec)]
    least = [PAD + 2] * len(specs)
    natural = [PAD + 2] * len(specs)
    for row in group.findall(nodes.row):
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        if len(entries) != len(specs):
            return None  # spanning cells: leave the table to Sphinx
        for i, entry in enumerate(entries):
            words = entry.astext().split()
            longest_word = max((len(w) for w in words), default=0)
            least[i] = max(least[i], longest_word + PAD)
            natural[i] = max(natural[i], min(len(" ".join(words)), CAP) + PAD)
    if sum(natural) <= LINE or sum(least) >= LINE:
        return natural if sum(natural) <= LINE else least
    share = (LINE - sum(least)) / (sum(natural) - sum(least))
    return [round(lo + (na - lo) * share) for lo, na in zip(least, natural, strict=True)]


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


def ragged_bottom_line(app, doctree: nodes.document, docname: str) -> None:
    """PDF: the landing page's bottom-line table (class ``bottom-line``) in the environment
    ``fcbottomline`` of _latex/factcheck.sty: ragged-right cells, no break inside a date."""
    if app.builder.name != "latex":
        return
    for table in list(doctree.findall(nodes.table)):
        if "bottom-line" not in table.get("classes", []):
            continue
        parent = table.parent
        at = parent.index(table)
        parent.insert(at + 1, nodes.raw("", "\\end{fcbottomline}\n", format="latex"))
        parent.insert(at, nodes.raw("", "\\begin{fcbottomline}\n", format="latex"))


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
    site = app.config.html_title or app.config.project
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


def _plain_text(latex: str) -> str:
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text

    # render(Backend()) rather than render_as("text"): the latter looks the backend up among
    # the installed entry points on every call, which cost a second per build.
    return Text.from_latex(latex).render(Backend()).strip()


def author_year_label(entry) -> str:
    """'Miles and Cox 2014', 'Capps et al. 2011', 'Breitbart News 2021'."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_plain_text(" ".join(p.last_names or p.first_names)) for p in persons]
    if not names:
        names = [_plain_text(entry.fields.get("organization", entry.key))]
    who = (
        names[0]
        if len(names) == 1
        else (f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al.")
    )
    return f"{who} {entry.fields.get('year', 'n.d.')}"


def register_bib_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.template import field, sentence

    class AuthorYearLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield author_year_label(entry)

    class AuthorYearStyle(PlainStyle):
        default_label_style = AuthorYearLabels

        def format_title(self, e, which_field, as_sentence=True):
            title = field(which_field)  # as written in references.bib: no case change
            return sentence[title] if as_sentence else title

    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle, force=True)


REFERENCES_DOC = "chapters/references"


def bibliography_into_references_chapter(app, doctree: nodes.document) -> None:
    """Move the LaTeX bibliography (gathered at the end by Sphinx) into the References chapter."""
    from sphinx import addnodes
    from sphinx.builders.latex.nodes import thebibliography

    bibliographies = list(doctree.findall(thebibliography))
    chapter = next(
        (
            n.next_node(nodes.section)
            for n in doctree.findall(addnodes.start_of_file)
            if n.get("docname") == REFERENCES_DOC
        ),
        None,
    )
    if not bibliographies or chapter is None:
        return
    for bib in bibliographies:
        bib.parent.remove(bib)
        chapter += bib


def tidy_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop the live-code (thebe) scripts, which this book does not use (launch buttons are off)
    and which sphinx-thebe adds twice, a console error; and drop any other duplicate script."""
    seen, kept = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {})
        name = str(getattr(script, "filename", script) or "")
        body = str(attributes.get("body", ""))
        if "thebe" in name or "THEBE_JS_URL" in body:
            continue
        key = (name, tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


STATUS_CSS = "factcheck-status.css"


def _mathml(latex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    try:
        return latex2mathml.tex2mathml(latex, as_block=block)
    except Exception:  # a macro docutils does not know: show the TeX source instead
        return f'<code class="math-tex">{html.escape(latex)}</code>'


def visit_math_mathml(self, node) -> None:
    self.body.append(_mathml(node.astext(), block=False))
    raise nodes.SkipNode


def visit_displaymath_mathml(self, node) -> None:
    ids = " ".join(node.get("ids", []))
    self.body.append(
        f'<div class="math-display" id="{ids}">' if ids else '<div class="math-display">'
    )
    if node.get("number"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    self.body.append(_mathml(node["latex"], block=True) + "</div>\n")
    raise nodes.SkipNode


def status_styles_into_latex(app, config) -> None:
    from factcheck.book import render

    preamble = config.latex_elements.get("preamble", "")
    config.latex_elements["preamble"] = (
        preamble + "\n\\makeatletter\n" + render.status_latex() + "\\makeatother\n"
    )


def status_styles_into_html(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from factcheck.book import render

    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / STATUS_CSS).write_text(render.status_css(), encoding="utf-8")


# ------------------------------------------------------------------ the reader's edition
VERDICT_TITLE = re.compile(
    r'(<div class="[^"]*\b(verdict-box|verdict-card)\b[^"]*"[^>]*>\s*)<p class="admonition-title">'
)
SCROLL_TABLE = '<div class="pst-scrollable-table-container">'
JSON_LD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)


def heading_titles(body: str) -> str:
    """Verdict-card and verdict-box titles become headings (level 2 and 3) for screen readers,
    so a reader can jump from verdict to verdict."""

    def title(match: re.Match) -> str:
        level = 2 if match.group(2) == "verdict-card" else 3
        return f'{match.group(1)}<p class="admonition-title" role="heading" aria-level="{level}">'

    return VERDICT_TITLE.sub(title, body)


def focusable_tables(body: str) -> str:
    """A keyboard user can scroll every wide table: its scroll box takes the focus."""
    return body.replace(
        SCROLL_TABLE,
        '<div class="pst-scrollable-table-container" tabindex="0" role="region" '
        'aria-label="Table (scrolls sideways)">',
    )


def absolute(url: str, base: str, pagename: str) -> str:
    """``url`` (relative to the page ``pagename``) as an absolute address under ``base``."""
    from posixpath import dirname, normpath
    from urllib.parse import urlsplit

    if not base or urlsplit(url).scheme:
        return url
    path, _, fragment = url.partition("#")
    joined = normpath(f"{dirname(pagename)}/{path}" if dirname(pagename) else path)
    return base.rstrip("/") + "/" + joined.lstrip("/") + (f"#{fragment}" if fragment else "")


def absolute_claimreviews(body: str, base: str, pagename: str) -> str:
    """Every ClaimReview's own URL and author URL, absolute under ``base`` (html.baseurl)."""
    if not base:
        return body

    def fix(match: re.Match) -> str:
        data = json.loads(match.group(2).replace("<\\/", "</"))
        if data.get("@type") == "ClaimReview":
            data["url"] = absolute(data["url"], base, pagename)
            author = data.get("author") or {}
            author["url"] = absolute(author.get("url") or "../index.html", base, pagename)
        text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        return match.group(1) + text + match.group(3)

    return JSON_LD.sub(fix, body)


FOOTER_LINK = re.compile(r'href="(chapters/[\w-]+)\.html"')


def footer(app, context: dict[str, Any]) -> None:
    """The footer's links to chapters, relative to the page, and the contact address."""
    text = str(context.get("theme_extra_footer") or "")
    if not text:
        return
    text = FOOTER_LINK.sub(lambda m: f'href="{context["pathto"](m.group(1))}"', text)
    context["theme_extra_footer"] = text.replace(
        "{contact_email}", html.escape(app.config.factcheck_contact_email)
    )


def reader_html(app, pagename, templatename, context, doctree) -> None:
    footer(app, context)
    body = context.get("body")
    if not body:
        return
    body = focusable_tables(heading_titles(body))
    context["body"] = absolute_claimreviews(body, app.config.html_baseurl, pagename)


# Theme markup that axe flags (label-content-name-mismatch): a control's accessible name must
# contain its visible text. Each pair is (markup, fix), applied to every written page.
THEME_FIXES = (
    # The search field shows "Search Ctrl + K": its name comes from that text, not "Search".
    (
        re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'),
        r"\1",
    ),
    # The colour-mode icons carry titles ("Light") that become text the button's name lacks;
    # the button keeps its own name ("Color mode").
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r"\1"),
    # A hidden-output toggle is named by its visible text ("Show code cell outputs").
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # sphinxcontrib-bibtex's list of citations: role="list" needs role="listitem" children.
    (re.compile(r'<div role="list" class="citation-list">'), '<div class="citation-list">'),
)


def theme_fixes(text: str) -> str:
    for pattern, fix in THEME_FIXES:
        text = pattern.sub(fix, text)
    return text


def fix_written_pages(app, exception) -> None:
    """Apply :data:`THEME_FIXES` to every HTML page written by this build."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = theme_fixes(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def contact_substitution(app, config) -> None:
    subs = dict(getattr(config, "myst_substitutions", {}) or {})
    email = config.factcheck_contact_email
    subs.setdefault("contact_email", f"[{email}](mailto:{email})")
    config.myst_substitutions = subs


NO_COLOPHON = {"chapters/references", "chapters/how_to_cite", "chapters/corrections"}


def colophon(app, doctree: nodes.document) -> None:
    """End each chapter that has code with its source file and a link to how to reproduce it."""
    from sphinx import addnodes

    docname = app.env.docname
    source = Path(app.env.doc2path(docname))
    if not docname.startswith("chapters/") or docname in NO_COLOPHON:
        return
    if "```{code-cell}" not in source.read_text(encoding="utf-8"):
        return
    path = f"chapters/{source.name}"
    para = nodes.paragraph(classes=["colophon"])
    para += nodes.Text("The numbers on this page are computed by the code in its source file, ")
    # Linked here for every builder: the doctree is read once, by the HTML build, and reused for
    # the PDF, where source_links_off_the_page drops the link.
    para += nodes.reference("", "", nodes.literal(text=path), refuri=f"{SOURCES}{path}")
    para += nodes.Text("; see ")
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget="reproduce", refexplicit=True,
        refwarn=True, refdoc=docname,
    )
    ref += nodes.inline("", "how to reproduce this report")
    para += ref
    para += nodes.Text(".")
    target: nodes.Element = doctree
    while sections := [n for n in target.children if isinstance(n, nodes.section)]:
        target = sections[-1]
    target.append(para)


SOURCES = "../_sources/"  # the HTML site's copies of the chapters' source files


def source_links_off_the_page(app, doctree: nodes.document, docname: str) -> None:
    """Outside HTML there is no _sources folder next to the pages: a link to a chapter's source
    file (the colophon's) keeps its text and loses the link, which in the PDF would be dead."""
    if app.builder.format == "html":
        return
    for ref in list(doctree.findall(nodes.reference)):
        if str(ref.get("refuri", "")).startswith(SOURCES):
            ref.replace_self([child.deepcopy() for child in ref.children])


def static_digest(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def static_changed(app, env, added, changed, removed) -> list[str]:
    """Sphinx copies _static/ only when some page is written: when a style or script there
    changed and no page did, re-read the landing page so that the new files are copied."""
    digest = static_digest(Path(app.srcdir) / "_static")
    if getattr(env, "factcheck_static_digest", None) == digest:
        return []
    env.factcheck_static_digest = digest
    return [env.config.root_doc]


def setup(app) -> dict[str, Any]:
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class BibliographyIntoReferences(SphinxPostTransform):
        default_priority = 760  # after Sphinx's BibliographyTransform (750)
        formats = ("latex",)

        def run(self, **kwargs: Any) -> None:
            bibliography_into_references_chapter(self.app, self.document)

    app.add_post_transform(BibliographyIntoReferences)
    register_bib_style()
    app.add_html_math_renderer(
        "mathml", (visit_math_mathml, None), (visit_displaymath_mathml, None)
    )
    app.connect("doctree-resolved", widen_tables)
    app.connect("doctree-resolved", source_links_off_the_page)
    app.connect("doctree-resolved", ragged_bottom_line)
    app.connect("config-inited", status_styles_into_latex)
    app.connect("build-finished", status_styles_into_html)
    app.add_css_file(STATUS_CSS)
    app.connect("html-page-context", page_meta)
    app.connect("html-page-context", tidy_scripts, priority=900)
    app.connect("html-page-context", book_pdf_in_download_menu, priority=600)
    app.add_config_value("factcheck_contact_email", "", "env")
    app.add_config_value("factcheck_first_edition", "", "env")  # read by factcheck.book.render
    app.connect("config-inited", contact_substitution)
    app.connect("html-page-context", reader_html)
    app.connect("doctree-read", colophon)
    app.connect("build-finished", fix_written_pages)
    app.connect("env-get-outdated", static_changed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
