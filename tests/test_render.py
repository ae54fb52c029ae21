"""How the ledger is shown: verdict boxes, anchors, badges, claim tables, ClaimReview, styles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from factcheck.book import render, style
from factcheck.ledger import claims, rules

from .conftest import CHAPTERS, ROOT

STY = ROOT / "_latex" / "factcheck.sty"
CALL = re.compile(r"verdicts\.(?:verdict|show_claim|check)\(\s*\"(a\d{3}-\d{2})\"")
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def fresh_anchors():
    render._anchored.clear()
    yield
    render._anchored.clear()


def claim(**fields):
    base = {
        "id": "a001-01",
        "article": "001",
        "quote": "from 36 to 149",
        "claim": "The count rose.",
        "kind": "number",
        "claimed_value": 149,
        "unit": "agencies",
        "period": "2021",
        "geography": "US",
        "rebuilt_value": 150,
        "status": "accurate",
        "verdict": "Accurate. It did.",
        "chapter": "a001_fy2020_results",
    }
    return base | fields


def sources_stub(monkeypatch, found):
    monkeypatch.setattr(claims, "claim_sources", lambda c: found, raising=False)


def test_claim_quote_never_shows_empty_metadata():
    text = render.claim_markdown(claim(claimed_value=None, unit=None, period="n/a"))
    assert "no number" not in text and "n/a" not in text and "claimed" not in text
    assert "period" not in text and "place: US" in text
    text = render.claim_markdown(claim(id="a001-02"))
    assert "claimed: 149 agencies" in text


def test_claim_gets_one_anchor_on_first_display(monkeypatch):
    sources_stub(monkeypatch, [])
    quote = render.claim_markdown(claim())
    box = render.verdict_markdown(claim())
    assert quote.startswith("(a001-01)=\n") and "(a001-01)=" not in box
    render._anchored.clear()
    assert render.verdict_markdown(claim()).startswith("(a001-01)=\n")


def test_verdict_box_has_status_class_badge_reason_and_linked_sources(monkeypatch):
    sources_stub(
        monkeypatch,
        [
            {"kind": "registry", "label": "Census [2019]", "url": "https://x.gov/a", "key": "r"},
            {"kind": "bib", "label": "Miles and Cox", "url": None, "key": "bib:miles2014"},
            {"kind": "article", "label": "The checked text", "url": None, "key": "article:001"},
        ],
    )
    text = render.verdict_markdown(
        claim(
            status="needs_context",
            verdict="Accurate, but needs context: the base rate is missing.",
            omitted_context="The base rate is missing.",
            missing_record="ICE's own list.",
            sources=["registry:r", "bib:miles2014", "article:001"],
        )
    )
    assert "::::{container} verdict verdict-needs-context" in text
    assert ":class: verdict-box verdict-needs-context" in text
    assert f"Claim a001-01: {render.badge('needs_context')}" in text
    # One "why": the verdict without its status label; the restating reason field is not shown,
    # what would settle it is.
    assert "\nThe base rate is missing.\n" in text and "\nAccurate, but" not in text
    assert "What the article leaves out" not in text
    assert "*The record that would settle it:* ICE's own list." in text
    assert "[Census (2019)](https://x.gov/a)" in text
    assert "{cite:t}`miles2014`" in text and "Miles and Cox" not in text
    assert "The checked text" not in text  # the article itself is not listed as a source
    assert "Rebuilt value: **150** agencies" in text


def test_two_figures_from_one_publication_are_listed_once(monkeypatch):
    url = "https://ice.gov/r"
    one = {"kind": "published", "label": "Fig a. ICE release", "url": url, "key": "a"}
    other = {**one, "label": "Fig b. ICE release", "key": "b"}
    elsewhere = {**one, "url": "https://ice.gov/s", "key": "c"}
    sources_stub(monkeypatch, [one, other, elsewhere])
    text = render.verdict_markdown(claim(status="accurate", verdict="Accurate: as published."))
    # Same label: shown once; a second address of the same label becomes a numbered link.
    assert text.count("[ICE release]") == 1
    assert "[ICE release](https://ice.gov/r) [2](https://ice.gov/s)" in text


def test_files_sharing_a_label_are_linked_by_what_tells_them_apart():
    prefix = "Kaplan, J., helper (commit 1):"
    found = [
        {"kind": "registry", "label": f"{prefix} {town} PD monthly offenses, 2014", "url": url}
        for town, url in (("Raleigh", "https://x.org/r"), ("Apex", "https://x.org/a"))
    ]
    (text,) = render.source_list(found)
    assert text == "[Kaplan, J., helper (Raleigh)](https://x.org/r), [Apex](https://x.org/a)"
    assert render.distinguishing_parts(["a b c", "a b c"]) == ["", ""]  # same: numbered
    assert render.distinguishing_parts(["a x y z w b", "a q b"]) == ["x y z…", "q"]


def test_a_value_read_from_a_publication_is_not_called_rebuilt(monkeypatch):
    sources_stub(
        monkeypatch, [{"kind": "published", "label": "ICE release", "url": None, "key": "p"}]
    )
    text = render.verdict_markdown(claim(status="accurate", verdict="Accurate: as published."))
    assert "Published value: **150** agencies" in text and "Rebuilt value" not in text
    # A traced claim's value is the official publication's, even with a data file among its
    # sources (the other end of a change, say).
    sources_stub(monkeypatch, [{"kind": "registry", "label": "Roster", "url": None, "key": "r"}])
    traced = claim(status="traced", verdict="Traced to an official source: x.")
    text = render.verdict_markdown(traced)
    assert "Published value: **150** agencies" in text and "Rebuilt value" not in text


def test_bold_marks_numbers_only():
    assert render.bold_numbers("Mecklenburg 12.8 years; Wake +3.4%") == (
        "Mecklenburg **12.8** years; Wake **+3.4%**"
    )
    assert render.bold_numbers("287(g) agencies: Wake, Durham") == "287(g) agencies: Wake, Durham"


def test_every_status_has_a_colour_an_icon_a_meaning_and_styles_in_html_and_pdf():
    css, latex = render.status_css(), render.status_latex()
    for status in claims.STATUSES:
        colour = style.STATUS_COLOURS[status]
        key = render.css_key(status)
        assert f".status-{key} {{ background-color: {colour};" in css, status
        assert f"div.admonition.verdict-{key} {{ border-color: {colour}; }}" in css, status
        assert f"\\definecolor{{fc-{key}}}{{HTML}}{{{colour.lstrip('#')}}}" in latex, status
        assert f"\\fc@status{{{key}}}" in latex, status
        assert status in render.STATUS_MEANINGS and status in render.STATUS_ICONS, status
        assert status in render.COUNT_WORDS, status
    assert "\\newcommand\\fc@status" in STY.read_text()
    assert render.tint("#009E73", 1) == "009E73" and render.tint("#000000", 0) == "FFFFFF"


@pytest.mark.build
def test_built_html_and_latex_carry_the_status_styles(built):
    css = (built / "html" / "_static" / "factcheck-status.css").read_text()
    assert css == render.status_css()
    assert 'href="../_static/factcheck-status.css' in (
        built / "html" / "chapters" / "intro.html"
    ).read_text(encoding="utf-8")
    assert render.status_latex() in (built / "latex" / "book.tex").read_text(encoding="utf-8")


def test_every_claim_is_shown_in_its_chapter_so_its_anchor_exists():
    book = claims.ledger()
    shown: dict[str, set[str]] = {}
    for path in CHAPTERS.glob("a*.md"):
        shown[path.stem] = set(CALL.findall(path.read_text(encoding="utf-8")))
    for row in book.claims.itertuples():
        assert row.id in shown.get(row.chapter, set()), f"{row.id} is not shown in {row.chapter}"


def test_articles_block_has_reader_metadata_and_a_headline_claim():
    book = claims.ledger()
    for art_id, article in book.articles.items():
        for name in ("url", "date_published", "author", "headline"):
            assert name in article, f"article {art_id}: no {name!r} (null when not found)"
        if article["date_published"]:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(article["date_published"])), art_id
        assert str(article["url"]).startswith("https://"), art_id
        assert book.claim(article["headline"])["article"] == art_id


def test_every_article_is_in_the_bibliography():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for art_id in claims.ledger().articles:
        assert f"{{article-{art_id}," in bib, f"no references.bib entry article-{art_id}"


@pytest.mark.build
def test_bibliography_keeps_title_casing(built):
    """Every title prints as written in references.bib (protected with braces, and the
    bibliography style changes no case), on the one references page."""
    from pybtex.database import parse_file
    from pybtex.richtext import Text

    page = (built / "html" / "chapters" / "references.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    import html as html_lib

    text = html_lib.unescape(text)
    for key, entry in parse_file(ROOT / "references.bib").entries.items():
        title = Text.from_latex(entry.fields["title"]).render_as("text")
        title = re.sub(r"\s+", " ", title.replace("\\", "")).strip()
        assert title[:60] in text, f"{key}: title not printed as written: {title[:60]!r}"


def test_page_claims_link_every_claim_of_the_chapter_and_name_the_other_chapter():
    book = claims.ledger()
    for art_id, article in book.articles.items():
        chapters = article.get("chapters") or [article["chapter"]]
        for chapter in chapters:
            text = render.page_claims_markdown(art_id, chapter)
            ids = book.claims.loc[
                (book.claims["article"] == art_id) & (book.claims["chapter"] == chapter), "id"
            ]
            for cid in ids:
                assert f"<{cid}>`" in text, f"{cid} not linked from its page's claim list"
            for other in set(chapters) - {chapter}:
                assert f"{{doc}}`{other}`" in text.split("```{raw} html")[0]


def test_claimreview_has_the_required_fields_for_every_scored_claim():
    book = claims.ledger()
    for row in book.claims.to_dict("records"):
        data = render.claimreview(row, book)
        if row["status"] not in render.RATED:
            assert data is None
            continue
        check_claimreview(data, row, book)


def check_claimreview(data, row, book):
    article = book.articles[str(row["article"])]
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == render.claim_reviewed(row)
    assert data["claimReviewed"] in (" ".join(row["claim"].split()), " ".join(row["quote"].split()))
    assert data["datePublished"] == str(article["review_published"])
    assert data["url"].endswith(f".html#{row['id']}")
    assert data["author"]["name"] == render.REPORT_NAME
    item = data["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"]["name"]
    appearance = item["appearance"]
    appearances = appearance if isinstance(appearance, list) else [appearance]
    assert appearances[0]["headline"] == article["title"]
    if article.get("url"):
        assert appearances[0]["url"] == article["url"]
    assert item.get("datePublished"), "every article has a date (a004: its original's)"
    if article.get("date_published"):
        assert item["datePublished"] == str(article["date_published"])
    assert data["reviewRating"]["alternateName"] == claims.STATUSES[row["status"]]


@pytest.mark.build
def test_built_pages_carry_claimreview_json_ld_for_every_scored_claim(built):
    book = claims.ledger()
    found: dict[str, dict] = {}
    for page in (built / "html" / "chapters").glob("a*.html"):
        for block in JSON_LD.findall(page.read_text(encoding="utf-8")):
            data = json.loads(block)
            cid = data["url"].rsplit("#", 1)[1]
            assert data["url"].split("#")[0].endswith(page.name), f"{cid} on the wrong page"
            found[cid] = data
    for row in book.claims.to_dict("records"):
        if row["status"] not in render.RATED:
            assert row["id"] not in found
        else:
            assert row["id"] in found, f"no ClaimReview for {row['id']}"
            check_claimreview(found[row["id"]], row, book)


def test_scorecard_tables_give_every_claim_a_status_and_a_link():
    book = claims.ledger()
    text = render.scorecard_markdown(book)
    assert ":widths:" in text and "longtable" in text
    for row in book.claims.itertuples():
        assert f"{{ref}}`{row.id} <{row.id}>`" in text
    html = render.scorecard_html(book)
    # A complete static table: no script, no library, every claim in a row of its own.
    assert "<script" not in html and "trusted" not in html
    assert html.count("<tr>") + html.count('<tr class="minor">') == len(book.claims) + 1
    for row in book.claims.itertuples():
        assert f"{row.chapter}.html#{row.id}" in html


def test_list_table_checks_its_widths():
    import pandas as pd

    with pytest.raises(ValueError):
        render.list_table(pd.DataFrame({"a": [1], "b": [2]}), (1,))
    text = render.list_table(pd.DataFrame({"a": [1], "b": [None]}), (1, 2))
    assert ":widths: 1 2" in text and "* - 1\n  - " in text


def test_config_loads_the_styles_and_the_extension():
    config = (ROOT / "_config.yml").read_text()
    assert "attrs_inline" in config and "factcheck_sphinx" in config
    assert "\\usepackage{factcheck}" in config and "_latex/factcheck.sty" in config
    assert Path(ROOT / "_ext" / "factcheck_sphinx.py").is_file()


def test_licence_and_citation_files_agree_with_the_book():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == config["title"] == render.REPORT_NAME
    assert citation["authors"] and set(citation["license"]) == {"CC-BY-4.0", "MIT"}
    licence = (ROOT / "LICENSE").read_text()
    for needed in ("CC BY 4.0", "MIT licence", "CC BY-NC-SA 4.0", "CC BY-NC-ND 3.0 US"):
        assert needed in licence
    registry = (ROOT / "data" / "registry.yml").read_text()
    for nc in re.findall(r"licence: (.*?-N[CD].*)", registry):
        assert any(part in licence for part in re.findall(r"CC BY-N[\w-]+ [\d.]+", nc)), nc


@pytest.mark.build
def test_pages_have_meta_description_and_open_graph_tags(built):
    from .conftest import toc_files

    for doc in toc_files():
        page = (built / "html" / f"{doc}.html").read_text(encoding="utf-8")
        for tag, least in (('name="description"', 20), ('property="og:title"', 5)):
            assert re.search(rf'<meta {tag} content="[^"]{{{least},}}"', page), f"{doc}: {tag}"
        assert 'property="og:description"' in page and 'property="og:site_name"' in page


@pytest.mark.build
def test_methods_sources_table_links_every_file_and_names_its_licence(built):
    from factcheck.data import registry

    page = (built / "html" / "chapters" / "methods.html").read_text(encoding="utf-8")
    import html as html_lib

    text = html_lib.unescape(page)
    for row in registry.sources_table().itertuples():
        assert f'href="{row.url}"' in text, f"{row.key}: public address not linked"
        assert row.licence in text, f"{row.key}: licence not shown"
    assert "byte identity" not in text


@pytest.mark.build
def test_scorecard_offers_the_ledger_as_json_and_the_footer_links_resolve(built):
    page = (built / "html" / "chapters" / "scorecard.html").read_text(encoding="utf-8")
    href = re.search(r'href="([^"]*claims\.json)"', page)
    assert href, "the scorecard has no JSON download link"
    data = json.loads((built / "html" / "chapters" / href.group(1)).read_text(encoding="utf-8"))
    assert [c["id"] for c in data["claims"]] == list(claims.ledger().claims["id"])
    footer = re.search(r'<footer class="bd-footer-content.*?</footer>', page, re.S)
    links = re.findall(r'href="([\w.-]+\.html)"', footer.group(0)) if footer else []
    assert {"how_to_cite.html", "corrections.html"} <= set(links)
    for link in links:
        assert (built / "html" / "chapters" / link).is_file(), link


@pytest.mark.build
def test_no_page_loads_scripts_or_styles_from_the_network(built):
    for page in (built / "html").rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        tags = re.findall(r"<(?:script|link)\b[^>]*>", text)
        remote = [
            t for t in tags if re.search(r'(?:src|href)="https?://', t) and "canonical" not in t
        ]
        assert remote == [], f"{page.name} loads {remote}"


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (2639, "people", "2,639 people"),
        (1600, None, "1,600"),
        (2.5, "years", "2.5 years"),
        (1, "requests for transfer", "1 (requests for transfer)"),
        ("thousands", "people", "thousands (people)"),
        ("December 2018", None, "December 2018"),
        (None, "people", ""),
        (float("nan"), "people", ""),
    ],
)
def test_values_read_as_numbers_with_their_unit(value, unit, shown):
    assert render.value_text(value, unit) == shown


def test_api_reference_shows_docstrings_without_their_markup():
    """The API page shows docstrings as plain text: a cross-reference keeps only its target,
    a literal only its text (a planted docstring carries both)."""
    from factcheck.book import apidoc

    assert apidoc.plain("see :func:`factcheck.check.check` and ``since``") == (
        "see factcheck.check.check and since"
    )
    text = apidoc.reference_markdown([("factcheck.check", ["check"])])
    from factcheck import check

    raw = apidoc.inspect.getdoc(check.check)
    assert ":func:`" in raw and "``" in raw and "check(" in text  # the markup was there
    assert not re.search(r":\w+:`", text) and not re.search(r"(?<!`)``[^`]+``", text)


def test_a_value_worked_out_from_published_figures_must_say_so_and_is_labelled_derived():
    """A value that is not one of its published sources' figures (200 less 79) must declare
    value_basis: derived, and is then labelled so; one that is, is published; a year in a text
    value is a date, not a figure; a registry source makes it rebuilt; traced is published."""
    import types

    figures = {"declined": {"value": "200"}, "held": {"value": "79"}, "share": {"value": "47"}}
    index = types.SimpleNamespace(published=figures)
    cited = [f"published:{k}" for k in figures]

    def claim(value, status="accurate", sources=cited, **extra):
        return {"id": "x-01", "status": status, "rebuilt_value": value, "sources": sources, **extra}

    undeclared = claim("roughly 121 or more", "contradicted")
    assert "value_basis: derived" in rules.value_basis_problems(undeclared, index)[0]
    declared = claim("roughly 121 or more", "contradicted", value_basis="derived")
    assert rules.value_basis_problems(declared, index) == []
    assert render.value_label(declared) == "Derived from published figures"
    # a figure that is a source's needs nothing, and may not be called derived
    assert rules.value_basis_problems(claim(200), index) == []
    assert render.value_label(claim(200)) == "Published value"
    assert rules.value_basis_problems(claim(200, value_basis="derived"), index)
    assert rules.value_basis_problems(claim("unfavourable 47% (2018)"), index) == []
    # traced: the official publication's value; a registry source: rebuilt by the report
    assert rules.value_basis_problems(claim(121, "traced"), index) == []
    assert render.value_label(claim(121, "traced")) == "Published value"
    registry = claim(121, sources=["registry:x"])
    assert rules.value_basis_problems(registry, index) == []
    assert render.value_label(registry) == "Rebuilt value"
    # an unknown basis, a basis without a value, rebuilt without a data file
    assert rules.value_basis_problems(claim(200, value_basis="guessed"), index)
    assert rules.value_basis_problems(claim(None, value_basis="derived"), index)
    assert rules.value_basis_problems(claim(200, value_basis="rebuilt"), index)


def test_api_signatures_show_default_paths_relative_to_the_project():
    """A default that is a path shows as the project has it (data/...), never as the build
    machine's absolute path (PosixPath("/work/.../data/...")."""
    from factcheck.book import apidoc

    def planted(path: Path = apidoc.ROOT / "data" / "policy_changes.csv", n: int = 2):
        """A planted function with a path default."""

    text = apidoc.signature_text("planted", planted)
    assert "path: Path = data/policy_changes.csv, n: int = 2)" in text
    assert "PosixPath" not in text and str(apidoc.ROOT) not in text
    assert apidoc.project_path(Path("/elsewhere/file.csv")) == "/elsewhere/file.csv"
    from factcheck.data import loaders, policies

    for function in (policies.policy_changes, loaders.published_figures):
        shown = apidoc.signature_text(function.__name__, function)
        assert "path=data/" in shown and "PosixPath" not in shown, shown


def test_pre_publication_log_is_folded_in_html_and_left_out_of_the_pdf():
    """The corrections page opens on the changes since publication: the review's full log is a
    closed dropdown in HTML and, in the PDF, a sentence naming the file that holds it."""
    _, before = render.split_log()
    text = render.review_markdown()
    net, log = text.split(":::::{only}", 1)[0], text
    assert "{dropdown}" not in net and ":class: corrections" not in net
    html_part = re.search(r":::::\{only\} html\n(.*?)\n:::::", log, re.S).group(1)
    latex_part = re.search(r":::::\{only\} latex\n(.*?)\n:::::", log, re.S).group(1)
    assert html_part.startswith("::::{dropdown} The review's full log")
    assert ":open:" not in html_part and ":class: corrections" in html_part
    assert "data/corrections.csv" in latex_part and "{list-table}" not in latex_part
    assert f"{len(before)} entries" in latex_part


def test_landing_articles_table_is_marked_for_phone_cards():
    text = render.articles_table_markdown("| a | b |\n| :-- | :-- |\n| 1 | 2 |")
    assert text.startswith("::::{container} articles-table\n") and text.endswith("\n::::")
    css = (ROOT / "_static" / "factcheck.css").read_text(encoding="utf-8")
    assert "div.articles-table tr { display: flex;" in css
    assert "#scorecard-table td:empty { display: none; }" in css


@pytest.mark.build
def test_pdf_has_no_link_to_the_html_sources_and_html_keeps_them(built):
    tex = (built / "latex" / "book.tex").read_text(encoding="utf-8")
    assert "\\_sources/" not in tex, "the PDF links to ../_sources/, which it does not carry"
    assert "computed by the code in its source file" in tex
    page = (built / "html" / "chapters" / "methods.html").read_text(encoding="utf-8")
    assert 'href="../_sources/chapters/methods.md"' in page


def test_methods_sources_table_folds_in_html_and_prints_in_the_pdf():
    import pandas as pd

    table = pd.DataFrame(
        {
            "key": ["k1", "k2"],
            "what": ["a file", "b file"],
            "url": ["https://x.gov/a"] * 2,
            "licence": ["Public domain"] * 2,
        }
    )
    text = render.sources_markdown(table)
    html_part, latex_part = text.split(":::::{only} latex")
    assert ":::::{only} html" in html_part and "{dropdown} The 2 data files" in html_part
    body = render.sources_table_markdown(table)
    assert body in html_part and body in latex_part  # the same table in both editions
