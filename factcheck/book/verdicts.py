"""What a chapter shows for a claim: the claim as worded, its verdict box, the chapter's
verdict card and the table of claims on the page, each checked against the ledger first (the
chapter's rebuilt value and pinned status, :mod:`factcheck.ledger.claims`) and rendered by
:mod:`factcheck.book.render`.
"""

from __future__ import annotations

from typing import Any

from factcheck.book import render
from factcheck.book.report import glue_text, show_markdown
from factcheck.ledger import claims


def show_claim(claim_id: str) -> None:
    """Display a claim from the ledger as a quote block (used in chapters)."""

    show_markdown(render.claim_markdown(claims.ledger().claim(claim_id)))


def verdict(claim_id: str, rebuilt: Any = None, status: str | None = None) -> None:
    """Check the chapter's value and status against the ledger, glue it, show the verdict.

    ``rebuilt`` is the value the chapter computed (None when nothing can be rebuilt). The
    value is glued as ``<claim id>-rebuilt`` so the build tests can compare it with the
    ledger independently. ``status`` is the status the chapter argues for (see
    :func:`check_status`; every chapter call carries one, ``scripts/pin_statuses.py`` adds it).
    """

    claim = claims.ledger().claim(claim_id)
    claims.check_status(claim, status)
    claims.check_rebuilt(claim, rebuilt)
    glue_text(f"{claim_id}-rebuilt", "" if rebuilt is None else str(rebuilt))
    show_markdown(render.verdict_markdown(claim))


def check(claim_id: str, rebuilt: Any = None, status: str | None = None) -> None:
    """Show a claim as worded, then its verdict: the pair each claim gets in its chapter.

    Same as :func:`show_claim` followed by :func:`verdict` (``rebuilt`` and ``status`` as
    there); both are checked before anything is shown.
    """
    claim = claims.ledger().claim(claim_id)
    claims.check_status(claim, status)
    claims.check_rebuilt(claim, rebuilt)
    show_claim(claim_id)
    verdict(claim_id, rebuilt, status)


def show_opening(article: str, chapter: str | None = None) -> None:
    """Display the chapter's verdict card (:func:`factcheck.book.render.verdict_card_markdown`)."""

    show_markdown(render.verdict_card_markdown(article, chapter))


def show_page_claims(article: str, chapter: str | None = None) -> None:
    """Display the claims checked on this page
    (:func:`factcheck.book.render.page_claims_markdown`)."""

    show_markdown(render.page_claims_markdown(article, chapter))
