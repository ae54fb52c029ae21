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
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

from factcheck import claims, registry, render, report, rules

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
    names = {t for t, _ in tags.tags}
    assert not names & {"script", "img", "b", "math", "iframe"}, names
    assert not any(a.get("href", "").startswith("javascript") for _, a in tags.tags)
    assert not any(k.startswith("on") for _, a in tags.tags for k in a)
    text = " ".join("".join(tags.text).split())
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
        render.article_claims_markdown("001", book),
        render.scorecard_markdown(book),
        render.at_a_glance_markdown("001", "a001_fy2020_results", book).split("```{raw}")[0],
        render.headline_line("001", book),
    ):
        assert_shown_as_text(to_html(markdown), payload)


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "myst", "fence"])
def test_source_labels_and_data_source_table_show_payloads_as_text(payload):
    source = {"kind": "published", "label": payload, "url": 'https://x.gov/a"><script>x</script>'}
    page = to_html("Sources: " + render.source_markdown(source))
    assert_shown_as_text(page, payload.replace("[", "(").replace("]", ")"))  # as render shows it
    table = pd.DataFrame(
        {"key": ["k"], "what": [payload], "url": ["https://x.gov/a b<c>"], "licence": [payload]}
    )
    assert_shown_as_text(to_html(render.sources_markdown(table)), payload)


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

ALLOWED_INLINE = re.compile(
    r"DOCUMENTATION_OPTIONS|document\.documentElement\.dataset|dataLayer|"
    r"thebe|MathJax|itables|DataTable|initDataTables|mathjax|^\s*$"
)


def test_built_pages_hold_no_script_but_the_theme_and_json_ld(built):
    pages = sorted((built / "html").rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        tags = parse(path.read_text(encoding="utf-8"))
        for attrs, body in tags.scripts:
            if attrs.get("src") or attrs.get("type") == "application/ld+json":
                if attrs.get("type") == "application/ld+json":
                    assert not set("<>") & set(body), path
                    json.loads(body)
                continue
            assert ALLOWED_INLINE.search(body), f"{path.name}: inline script {body[:200]!r}"
        handlers = [(t, k) for t, a in tags.tags for k in a if k.startswith("on")]
        assert not handlers, f"{path.name}: event handler attributes {handlers[:5]}"
        assert "dataset.injected" not in path.read_text(encoding="utf-8")
