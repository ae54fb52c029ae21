"""The PDF edition: every verdict in the scorecard, nothing wider than the page.

Run after `make book` (`make test` does both).
"""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from factcheck.book import render
from factcheck.ledger import claims

pytestmark = pytest.mark.build

OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) (.*)$", re.M)
MAX_OVERFULL_PT = 10.0


def squash(text: str) -> str:
    """Letters and digits only, lower case: survives line breaks, hyphenation and columns."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@pytest.fixture(scope="module")
def pdf_pages(built) -> list[str]:
    reader = PdfReader(str(built / "latex" / "book.pdf"))
    return [page.extract_text() or "" for page in reader.pages]


def scorecard_text(pages: list[str]) -> str:
    """The text of the scorecard chapter: from its title page to the References chapter."""
    start = next(i for i, text in enumerate(pages) if re.search(r"CHAPTER\s+\w+\s+Scorecard", text))
    end = next(i for i in range(start + 1, len(pages)) if re.search(r"\nReferences\n", pages[i]))
    return "\n".join(pages[start:end])


def test_pdf_scorecard_gives_a_status_for_every_claim(pdf_pages):
    book = claims.ledger()
    text = re.sub(r"-\s*\n\s*", "-", scorecard_text(pdf_pages))  # ids hyphenated at a line end
    # the scorecard lists claims most serious first, as its text and the HTML table say
    rows = book.claims.loc[render.scorecard_table(book, order="severity").index]
    severity = [render.SEVERITY.index(s) for s in rows["status"]]
    assert severity == sorted(severity)
    ids = list(rows["id"])
    positions: list[int] = []
    for cid in ids:  # each row after the one before (the prose may name an id as an example)
        pattern = re.compile(rf"\b{re.escape(cid)}\b")
        match = pattern.search(text, positions[-1] + 1 if positions else 0)
        assert match, f"{cid} is not in the PDF scorecard (in severity order)"
        positions.append(match.start())
    for i, row in enumerate(rows.itertuples()):
        end = positions[i + 1] if i + 1 < len(positions) else len(text)
        row_text = squash(text[positions[i] : end])
        label = claims.STATUSES[row.status]
        assert squash(label) in row_text, f"{row.id}: status {label!r} not in its PDF row"


def test_latex_log_has_no_box_wider_than_the_page(built):
    log = (built / "latex" / "book.log").read_text(encoding="utf-8", errors="replace")
    wide = [
        f"{float(pt):.1f}pt {where}"
        for pt, where in OVERFULL.findall(log)
        if float(pt) > MAX_OVERFULL_PT
    ]
    assert wide == [], "overfull boxes in the PDF:\n" + "\n".join(wide)


def test_pdf_chapter_titles_keep_their_case_and_the_introduction_its_footer(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "287(G)" not in text
    intro = next(p for p in pdf_pages if "What we found" in p)
    assert "CONTENTS" not in intro and "Contents" not in intro.splitlines()[-1]


def test_pdf_has_one_references_chapter_with_the_checked_articles(pdf_pages):
    text = "\n".join(pdf_pages)
    assert "Bibliography" not in text
    refs = next(p for p in pdf_pages if re.search(r"CHAPTER\s+\w+\s+References", p))
    start = pdf_pages.index(refs)
    bibliography = "\n".join(pdf_pages[start:])
    for article in claims.ledger().articles.values():
        assert squash(article["title"])[:40] in squash(bibliography) or squash(article["outlet"])[
            :20
        ] in squash(bibliography)
