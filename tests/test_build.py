"""Smoke tests of the built book: pages, figures, downloads and the PDF.

Run after `make book` (`make test` does both). A missing build fails these tests.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from factcheck import claims

from .conftest import CHAPTERS, toc_files

pytestmark = pytest.mark.build

GLUE_FIGURE = re.compile(r"```\{glue:figure\} (\S+)\n:name: (\S+)")
SAVE_FIGURE = re.compile(r"save_figure\(fig, \"([\w-]+)\"\)")


def page(built: Path, doc: str) -> str:
    return (built / "html" / f"{doc}.html").read_text(encoding="utf-8")


def test_every_toc_document_has_a_page_with_its_title(built):
    for doc in toc_files():
        html = page(built, doc)
        source = (built.parent / f"{doc}.md").read_text(encoding="utf-8")
        title = re.search(r"^# (.+)$", source, re.M).group(1)
        words = re.sub(r"[^\w ]", " ", title).split()[:3]
        assert all(w in html for w in words), f"{doc}: title {title!r} not in page"


def test_no_unresolved_glue_errors_or_stderr_in_pages(built):
    for doc in toc_files():
        html = page(built, doc)
        for bad in [
            "{glue:",
            "Traceback (most recent call last)",
            "&lt;Figure size",
            "<Figure size",
            "Warning:",
            "output stderr",
        ]:
            assert bad not in html, f"{doc}: {bad!r} in page"


def test_glued_figures_render_as_images(built):
    checked = 0
    for doc in toc_files():
        path = built.parent / f"{doc}.md"
        html = page(built, doc)
        for _, name in GLUE_FIGURE.findall(path.read_text()):
            figure = re.search(rf'<figure[^>]*id="{re.escape(name)}".*?</figure>', html, re.S)
            assert figure, f"{doc}: figure {name} missing"
            src = re.search(r'<img[^>]+src="([^"]+)"', figure.group(0))
            assert src, f"{doc}: figure {name} has no image"
            alt = re.search(r'<img[^>]+alt="([^"]+)"', figure.group(0))
            assert alt and len(alt.group(1)) > 20, f"{doc}: figure {name} needs alt text"
            image_path = (built / "html" / doc).parent / src.group(1)
            data = image_path.read_bytes()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{name}: not a PNG"
            with Image.open(io.BytesIO(data)) as image:
                assert image.width >= 300 and image.height >= 150, f"{name}: {image.size}"
                low, high = image.convert("L").getextrema()
                assert high - low > 100, f"{name}: blank image"
            checked += 1
    assert checked >= 3


def test_saved_figures_exist(built):
    names = {n for p in CHAPTERS.glob("*.md") for n in SAVE_FIGURE.findall(p.read_text())}
    assert names
    for name in names:
        path = built.parent / "figures" / f"{name}.png"
        assert path.exists() and path.stat().st_size > 5_000, path


def test_pdf_exists_has_pages_and_is_offered_in_html(built):
    pdf = built / "latex" / "book.pdf"
    assert pdf.exists(), "no PDF: run `make book`"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) > 1
    text = " ".join((reader.pages[i].extract_text() or "") for i in range(len(reader.pages)))
    for heading in ["Scorecard", "Article 000", "Article 004", "Data, definitions and methods"]:
        assert heading.lower() in text.lower(), f"{heading!r} not in the PDF"
    copy = built / "html" / "book.pdf"
    assert copy.read_bytes() == pdf.read_bytes(), "the HTML site must offer the current PDF"
    intro = page(built, "chapters/intro")
    link = re.search(r'href="([^"]*book\.pdf)"', intro)
    assert link, "the introduction must link to the PDF"
    assert ((built / "html" / "chapters") / link.group(1)).resolve() == copy.resolve()


def test_scorecard_offers_the_ledger_as_csv(built):
    html = page(built, "chapters/scorecard")
    href = re.search(r'href="([^"]*claims\.csv)"', html)
    assert href, "scorecard has no CSV download link"
    csv = (built / "html" / "chapters" / href.group(1)).resolve()
    table = pd.read_csv(csv)
    ledger = claims.ledger().claims
    assert table["id"].tolist() == ledger["id"].tolist()
    assert table["status"].tolist() == ledger["status"].tolist()


def test_verdict_boxes_render(built):
    html = page(built, "chapters/a004_expansion_prince_william")
    assert "Verdict on" in html and "a004-01" in html and claims.STATUSES["accurate"] in html
