"""No ledger, registry or CSV text can put markup on a page (issue 18, item 1).

Three layers, each tested with the payloads that ran in headless Chromium before the fix:
validation rejects ``<`` and ``>`` in every text field; every text value is escaped where it
enters MyST or HTML (tested by rendering payload claims, which bypass validation, through the
real MyST parser); the JSON-LD escapes ``<``, ``>`` and ``&``. The built book is scanned for any
script that is not the theme's, and a tiny book is built from payload claims with the project's
own parser settings.
"""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from factcheck.book import render, report
from factcheck.data import registry
from factcheck.ledger import claims, rules

from .conftest import ROOT

# The payloads of the report: a script without quotes or digits, an image with onerror, and
# MyST markup that would become a role, a substitution, a directive, a link or math.
SCRIPT = "<script>document.body.dataset.injected=document.title</script>"
IMG = '<img src=x onerror="document.body.dataset.injected=1">'
MYST = "`code` {ref}`intro` {{ sub }} [x](javascript:alert(1)) $x$ *em* a|b"
FENCE = "x\n:::{raw} html\n<b>fenced</b>\n:::"
PAYLOADS = [SCRIPT, IMG, MYST, FENCE]
PARSER_EXTENSIONS = yaml.safe_load((ROOT / "_config.yml").read_text())["parse"][
    "myst_enable_extensions"
]


@pytest.fixture(autouse=True)
def fresh_anchors():
    render._anchored.clear()
    yield
    render._anchored.clear()


def payload_claim(payload: str, **fields) -> dict:
    """A claim with the payload in every text field that reaches a page (never validated)."""
    base = {
        "id": "a001-01",
        "article": "001",
        "quote": payload,
        "claim": payload,
        "kind": "number",
        "claimed_value": payload,
        "unit": payload,
        "period": payload,
        "geography": payload,
        "rebuilt_value": payload,
        "status": "needs_context",
        "verdict": "Accurate, but needs context. " + payload,
        "omitted_context": payload,
        "chapter": "a001_fy2020_results",
        "sources": None,
    }
    return base | fields


def to_html(markdown: str) -> str:
    """The MyST text as the book's parser turns it into HTML (docutils writer)."""
    from docutils.core import publish_string
    from myst_parser.parsers.docutils_ import Parser

    out = publish_string(
        markdown,
        parser=Parser(),
        writer_name="html5",
        settings_overrides={
            "myst_enable_extensions": PARSER_EXTENSIONS,
            "report_level": 5,
            "halt_level": 5,
            "output_encoding": "unicode",
        },
    )
    return out[out.index("<body") :]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.script: str | None = None
        self.scripts: list[tuple[dict, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self.script = ""

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            self.scripts.append((self.tags[-1][1] if self.tags else {}, self.script))
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script += data
        else:
            self.text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def assert_shown_as_text(page: str, payload: str) -> None:
    """No tag or attribute of the payload is on the page, and its words are shown literally."""
    tags = parse(page)
    # A script element that browsers do not run (the theme's thebe configuration) is data.
    names = {t for t, a in tags.tags if t != "script" or a.get("type") in JAVASCRIPT}
    assert not names & {"script", "img", "b", "math", "iframe"}, names
    assert not any(a.get("href", "").startswith("javascript") for _, a in tags.tags)
    assert not any(k.startswith("on") for _, a in tags.tags for k in a)
    # Sphinx turns straight quotes into typographic ones in text (smartquotes): compare words.
    straight = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
    text = " ".join("".join(tags.text).translate(straight).split())
    assert " ".join(payload.split()) in text, (payload, text[:600])


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "myst", "fence"])
def test_quote_and_verdict_boxes_show_payloads_as_text(payload):
    claim = payload_claim(payload)
    page = to_html(render.claim_markdown(claim) + "\n\n" + render.verdict_markdown(claim))
    assert_shown_as_text(page, payload)
    # Every field appears as text: quote, period, place, rebuilt value, verdict, reason.
    assert " ".join("".join(parse(page).text).split()).count(" ".join(payload.split())) >= 6


def payload_ledger(payload: str) -> claims.Ledger:
    claim = payload_claim(payload)
    frame = pd.DataFrame([{**dict.fromkeys(claims.REQUIRED + claims.OPTIONAL), **claim}])
    article = {
        "file": "001.txt",
        "outlet": payload,
        "title": payload,
        "date": payload,
        "chapter": "a001_fy2020_results",
        "headline": "a001-01",
    }
    return claims.Ledger(articles={"001": article}, claims=frame)


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "myst", "fence"])
def test_tables_and_at_a_glance_show_payloads_as_text(payload, monkeypatch):
    book = payload_ledger(payload)
    monkeypatch.setattr(claims, "ledger", lambda: book)
    for markdown in (
        render.scorecard_markdown(book),
        render.verdict_card_markdown("001", "a001_fy2020_results", book),
        render.bottom_line_table(book),
    ):
        assert_shown_as_text(to_html(markdown), payload)
    # The page's claims list shows numbers and badges only: no tag may reach it either.
    page = render.page_claims_markdown("001", "a001_fy2020_results", book).split("```{raw}")[0]
    tags = parse(to_html(page)).tags
    assert not {t for t, a in tags if t != "script" or a.get("type") in JAVASCRIPT} & {
        "script",
        "img",
        "b",
        "math",
        "iframe",
    }


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "myst", "fence"])
def test_source_labels_and_data_source_table_show_payloads_as_text(payload):
    source = {"kind": "published", "label": payload, "url": 'https://x.gov/a"><script>x</script>'}
    page = to_html("Sources: " + render.source_markdown(source))
    shown = render.short_label(source).replace("[", "(").replace("]", ")")  # as render shows it
    assert shown.split()[0] == payload.split()[0]  # the label's opening words, shortened
    assert_shown_as_text(page, shown)
    table = pd.DataFrame(
        {"key": ["k"], "what": [payload], "url": ["https://x.gov/a b<c>"], "licence": [payload]}
    )
    assert_shown_as_text(to_html(render.sources_table_markdown(table)), payload)


def test_json_ld_escapes_angle_brackets_and_ampersands():
    book = payload_ledger(SCRIPT + " & " + IMG)
    blocks = render.claimreview_blocks(book.claims.to_dict("records"), book)
    assert blocks
    for block in blocks:
        body = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
        assert not set("<>&") & set(body), body[:300]
        data = json.loads(body)  # the escapes read back as the same text
        assert data["claimReviewed"] == SCRIPT + " & " + IMG


def test_escape_myst_round_trips_every_special_character():
    text = "\\ ` * _ { } [ ] | : $ ~ ! # ^ < > & ::: ``` {raw}`x`"
    page = to_html(report.escape_myst(text))
    assert " ".join("".join(parse(page).text).split()) == text


# --- Validation: no angle brackets in ledger, published-figure or registry text ---------------


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(claims.LEDGER_PATH.read_text())


@pytest.mark.parametrize(
    "field", ["quote", "claim", "geography", "period", "verdict", "unit", "rebuilt_value"]
)
def test_validation_rejects_tags_in_every_claim_text_field(raw, field):
    ledger = copy.deepcopy(raw)
    claim = next(c for c in ledger["claims"] if c.get("verdict"))
    claim[field] = f"{claim.get(field) or 'x'} {SCRIPT}"
    problems = claims.validate(ledger)
    assert any(p.startswith(f"{claim['id']}: {field} contains '<'") for p in problems), problems


def test_validation_rejects_tags_in_article_and_published_figure_text(raw):
    ledger = copy.deepcopy(raw)
    first = next(iter(ledger["articles"]))
    ledger["articles"][first]["title"] = IMG
    base = rules.project_sources()
    published = {k: dict(v) for k, v in base.published.items()}
    figure = next(iter(published))
    published[figure]["description"] = SCRIPT
    sources = rules.SourceIndex(base.registry, published, base.bib, {})
    problems = claims.validate(ledger, sources=sources)
    assert f"article {first}: title contains '<' or '>'" in " ".join(problems)
    assert f"published figure {figure}: description contains '<' or '>'" in " ".join(problems)


def test_the_project_ledger_has_no_angle_brackets(raw):
    assert not [p for p in claims.validate(raw) if "'<' or '>'" in p]


def test_registry_rejects_tags_in_its_text(tmp_path):
    text = (ROOT / "data" / "registry.yml").read_text()
    entries = yaml.safe_load(text)["files"]
    key = next(iter(entries))
    entries[key]["description"] = SCRIPT
    path = tmp_path / "registry.yml"
    path.write_text(yaml.safe_dump({"files": entries}))
    with pytest.raises(registry.DataRegistryError, match=f"{key}.*description.*'<' or '>'"):
        registry.read_registry(path)


# --- Duplicate YAML keys (a bad merge) -----------------------------------------------------------


def test_ledger_with_a_duplicate_key_is_rejected_naming_both_lines(tmp_path):
    text = claims.LEDGER_PATH.read_text()
    line = next(i for i, t in enumerate(text.splitlines()) if t.startswith("    verdict:"))
    lines = text.splitlines()
    lines.insert(line + 1, lines[line].replace("verdict:", "verdict:", 1))
    path = tmp_path / "claims.yml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(claims.LedgerError) as err:
        claims.read_ledger(path)
    message = str(err.value)
    assert f"claims.yml:{line + 2}: duplicate key 'verdict' (first at line {line + 1})" in message
    assert "Traceback" not in message


def test_registry_with_a_duplicate_key_is_rejected(tmp_path):
    text = (ROOT / "data" / "registry.yml").read_text()
    line = next(i for i, t in enumerate(text.splitlines()) if t.strip().startswith("sha256:"))
    lines = text.splitlines()
    lines.insert(line + 1, lines[line])
    path = tmp_path / "registry.yml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(registry.DataRegistryError, match="duplicate key 'sha256'"):
        registry.read_registry(path)


# --- The built book: no script but the theme's ------------------------------------------------

# The inline scripts the theme, the search page and the scorecard's table put on pages: each
# known by how it starts. A script from the data would be none of these.
THEME_SCRIPTS = (
    "document.documentElement.dataset.mode = localStorage",
    "let toggleHintShow =",
    "let toggleHintHide =",
    "let toggleOpenOnPrint =",
    "var togglebuttonSelector =",
    "DOCUMENTATION_OPTIONS.",
    "kernelName = 'python3'",
    "// Activate the search field on page load",
)
SCORECARD_SCRIPTS = (
    "function injectCSS(",
    'document.getElementById("scorecard-table")',
    "(async () =>",
)
THEME_HANDLERS = {"toggleFullScreen()", "window.print()"}  # the theme's header buttons
JAVASCRIPT = {None, "", "text/javascript", "application/javascript", "module"}


def test_built_pages_hold_no_script_but_the_theme_and_json_ld(built):
    pages = sorted((built / "html").rglob("*.html"))
    assert len(pages) > 5
    json_ld = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        tags = parse(text)
        for attrs, body in tags.scripts:
            if attrs.get("type") == "application/ld+json":
                assert not set("<>") & set(body), path
                json.loads(body)
                json_ld += 1
            if attrs.get("src") or attrs.get("type") not in JAVASCRIPT:
                continue  # a file of the theme, or data that browsers do not run
            allowed = THEME_SCRIPTS + (SCORECARD_SCRIPTS if path.name == "scorecard.html" else ())
            assert body.strip().startswith(allowed), f"{path.name}: inline script {body[:200]!r}"
        handlers = [
            (t, k, a[k])
            for t, a in tags.tags
            for k in a
            if k.startswith("on") and a[k] not in THEME_HANDLERS
        ]
        assert not handlers, f"{path.name}: event handler attributes {handlers[:5]}"
        assert "dataset.injected" not in text
    assert json_ld > 50  # the ClaimReview blocks were checked


@pytest.mark.build
def test_a_payload_claim_rendered_by_a_real_build_reaches_the_page_as_text(tmp_path):
    """The project's parser settings, myst-nb and Sphinx's HTML writer, on a chapter that shows
    payload claims with the package's own quote and verdict boxes."""
    from .test_build import build_html, cell, tiny_book

    code = (
        "from factcheck.book import render, report\n"
        "from tests.test_safety import payload_claim, PAYLOADS\n"
        "for i, payload in enumerate(PAYLOADS):\n"
        "    claim = payload_claim(payload, id=f'a001-0{i + 1}')\n"
        "    report.show_markdown(render.claim_markdown(claim))\n"
        "    report.show_markdown(render.verdict_markdown(claim))\n"
    )
    book = tiny_book(tmp_path / "book", "# Chapter\n\n" + cell(code, "remove-input"))
    import os

    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    try:
        run = build_html(book)
    finally:
        os.environ["PYTHONPATH"] = os.environ["PYTHONPATH"].split(os.pathsep, 1)[1]
    page = book / "_build" / "html" / "chapter.html"
    assert page.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    text = page.read_text(encoding="utf-8")
    body = text[text.index("<article") : text.index("</article>")]  # the chapter's content,
    body = body.split('<script type="text/x-thebe-config">')[0]  # without the theme's thebe tail
    for payload in PAYLOADS:
        assert_shown_as_text(body, payload)
    assert "dataset.injected=document.title</script>" not in text
