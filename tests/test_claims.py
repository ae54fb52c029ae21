"""Claims ledger: validity, and consistency with the chapters that check it."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from factcheck import claims

from .conftest import CHAPTERS, ROOT

CALL = re.compile(r"claims\.(verdict|show_claim)\(\s*\"(a\d{3}-\d{2})\"")


@pytest.fixture(scope="module")
def book():
    return claims.ledger()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(claims.LEDGER_PATH.read_text())


def chapter_calls() -> dict[str, set[tuple[str, str]]]:
    """{chapter: {(function, claim id)}} for every claims.verdict/show_claim call in chapters."""
    return {p.stem: set(CALL.findall(p.read_text())) for p in CHAPTERS.glob("*.md")}


def test_ledger_is_valid_and_covers_every_article(book):
    articles = sorted(
        p.name.split("_")[0] for p in (ROOT.parent / "shared" / "articles").glob("*.txt")
    )
    assert sorted(book.articles) == articles
    assert len(book.claims) >= 30
    assert set(book.claims["article"]) == set(articles)
    for aid, art in book.articles.items():
        assert (ROOT.parent / "shared" / "articles" / art["file"]).exists(), aid


def _plain(text: str) -> str:
    """Fold white space and typographic quotes, so only the words are compared."""
    table = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    return " ".join(text.translate(table).split())


def test_quotes_are_short_and_from_the_article(book):
    """Quotes are brief (never reprint an article) and, ellipses aside, the article's words."""
    texts = {
        aid: _plain((ROOT.parent / "shared" / "articles" / art["file"]).read_text())
        for aid, art in book.articles.items()
    }
    for claim in book.claims.itertuples():
        assert len(claim.quote.split()) <= 30, claim.id
        for piece in re.split(r"\s*\.\.\.\s*", claim.quote):
            assert _plain(piece.strip(" .")) in texts[claim.article], f"{claim.id}: {piece!r}"


def test_validate_reports_each_kind_of_problem(raw):
    bad = copy.deepcopy(raw)
    first = bad["claims"][0]
    bad["claims"].append(dict(first))  # duplicate id
    first["status"] = "true-ish"
    bad["claims"][1]["chapter"] = "no_such_chapter"
    bad["claims"][2].pop("quote")
    bad["claims"][3]["extra"] = 1
    opinion = next(c for c in bad["claims"] if c["kind"] == "opinion")
    opinion["status"] = "accurate"
    problems = "\n".join(claims.validate(bad))
    for expected in [
        "duplicate id",
        "status 'true-ish'",
        "no_such_chapter",
        "missing quote",
        "unknown fields",
        "opinions and predictions are labelled",
    ]:
        assert expected in problems


def test_scored_claims_need_a_verdict_sentence(raw):
    bad = copy.deepcopy(raw)
    claim = next(c for c in bad["claims"] if c["status"] not in ("pending", "opinion"))
    claim.pop("verdict")
    assert any("needs a verdict sentence" in p for p in claims.validate(bad))
    claim["status"], claim["rebuilt_value"] = "pending", 1
    assert any("pending claim cannot have a rebuilt value" in p for p in claims.validate(bad))


def test_verdicts_carry_no_hand_typed_numbers(raw):
    bad = copy.deepcopy(raw)
    claim = next(c for c in bad["claims"] if c.get("verdict"))
    claim["verdict"] += " It rose by 12.5%."
    assert any("hand-typed numbers ['12.5%']" in p for p in claims.validate(bad))


def test_check_rebuilt():
    claim = {"id": "a004-01", "rebuilt_value": 36}
    claims.check_rebuilt(claim, 36)
    claims.check_rebuilt(claim, 36.0)
    with pytest.raises(claims.LedgerMismatchError, match="records 36"):
        claims.check_rebuilt(claim, 37)
    with pytest.raises(claims.LedgerMismatchError):
        claims.check_rebuilt({"id": "x", "rebuilt_value": None}, 5)
    claims.check_rebuilt({"id": "x", "rebuilt_value": None}, None)


def test_chapter_calls_refer_to_their_own_claims(book):
    owner = dict(zip(book.claims["id"], book.claims["chapter"], strict=True))
    for chapter, calls in chapter_calls().items():
        for _, claim_id in calls:
            assert claim_id in owner, f"{chapter} cites unknown claim {claim_id}"
            assert owner[claim_id] == chapter, f"{claim_id} belongs to {owner[claim_id]}"


def test_every_scored_claim_has_a_verdict_call_in_its_chapter(book):
    calls = chapter_calls()
    scored = book.claims[~book.claims["status"].isin(["pending", "opinion"])]
    assert len(scored) >= 1
    for claim in scored.itertuples():
        assert ("verdict", claim.id) in calls[claim.chapter], f"{claim.id}: no verdict() call"


def test_every_article_chapter_lists_its_claims(book):
    for aid, art in book.articles.items():
        text = (CHAPTERS / f"{art['chapter']}.md").read_text()
        assert "claims.show_article_claims(ARTICLE)" in text and f'ARTICLE = "{aid}"' in text


@pytest.mark.build
def test_built_rebuilt_values_equal_the_ledger(book, executed_glue):
    """Each verdict glues '<id>-rebuilt'; the executed value must equal the ledger's."""
    scored = book.claims[~book.claims["status"].isin(["pending", "opinion"])]
    for claim in scored.itertuples():
        glued = executed_glue[claim.chapter]
        key = f"{claim.id}-rebuilt"
        assert key in glued, f"{claim.chapter} did not glue {key}"
        recorded = "" if claim.rebuilt_value is None else str(claim.rebuilt_value)
        assert glued[key] == recorded, f"{claim.id}: chapter {glued[key]!r}, ledger {recorded!r}"
