"""Claims ledger: validity, and consistency with the chapters that check it."""

from __future__ import annotations

import copy
import json
import re

import pandas as pd
import pytest
import yaml

from factcheck.data import loaders, registry
from factcheck.ledger import claims, rules

from .conftest import CHAPTERS, ROOT

CALL = re.compile(r"verdicts\.(verdict|show_claim|check)\(\s*\"(a\d{3}-\d{2})\"")


@pytest.fixture(scope="module")
def book():
    return claims.ledger()


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(claims.LEDGER_PATH.read_text())


def chapter_calls() -> dict[str, set[tuple[str, str]]]:
    """{chapter: {(function, claim id)}} for every verdicts.verdict/show_claim call in chapters;
    verdicts.check shows a claim and gives its verdict, so it counts as both."""
    out = {}
    for path in CHAPTERS.glob("*.md"):
        calls = set()
        for function, claim_id in CALL.findall(path.read_text()):
            both = ("show_claim", "verdict") if function == "check" else (function,)
            calls |= {(f, claim_id) for f in both}
        out[path.stem] = calls
    return out


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
        for call in ("show_opening", "show_page_claims"):
            assert f"verdicts.{call}(ARTICLE)" in text, f"{art['chapter']}: no {call}(ARTICLE)"
        assert f'ARTICLE = "{aid}"' in text


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


# ---------------------------------------------------------------------------- rules on the ledger
def _edit(raw, claim_id, **fields):
    """A copy of the raw ledger with one claim's fields changed (None deletes a field)."""
    bad = copy.deepcopy(raw)
    claim = next(c for c in bad["claims"] if c["id"] == claim_id)
    for name, value in fields.items():
        if value is None:
            claim.pop(name, None)
        else:
            claim[name] = value
    return claims.validate(bad)


def _names(problems, claim_id, rule):
    hits = [p for p in problems if p.startswith(f"{claim_id}:") and rule in p]
    assert hits, f"no problem naming {claim_id} and {rule!r} in {problems}"


def test_the_real_ledger_satisfies_every_rule(raw, book):
    assert claims.validate(raw) == []
    statuses = set(book.claims["status"])
    assert statuses <= set(claims.STATUSES)
    for claim in book.claims.itertuples():
        if claim.status not in claims.UNSCORED:
            assert claims.rule_problems(book.claim(claim.id)) == []


def test_turning_a000_09_into_accurate_fails(raw):
    found = _edit(raw, "a000-09", status="accurate")
    _names(found, "a000-09", "verdict opens with its label")
    _names(found, "a000-09", "gap belongs to status unsupported")


def test_numeric_claim_outside_tolerance_marked_accurate_fails(raw):
    _names(_edit(raw, "a004-01", rebuilt_value=45), "a004-01", "numeric: within the tolerance")


def test_contradicted_inside_tolerance_fails(raw):
    found = _edit(
        raw, "a004-01", status="contradicted", verdict="Contradicted: the roster differs."
    )
    _names(found, "a004-01", "contradicted: outside the tolerance")


def test_traced_without_an_official_published_row_fails(raw):
    traced = {
        "status": "traced",
        "verdict": "Traced to an official source: ICE.",
        "missing_record": None,
    }
    _names(_edit(raw, "a004-06", **traced), "a004-06", "traced needs an official published row")
    # A news report is a documented record, not an official publication.
    _names(_edit(raw, "a002-02", **traced), "a002-02", "traced needs an official published row")


def test_needs_context_without_omitted_context_fails(raw):
    _names(_edit(raw, "a002-08", omitted_context=None), "a002-08", "names omitted_context")


def test_verdict_not_opening_with_its_label_fails(raw):
    _names(
        _edit(raw, "a004-01", verdict="Reproduced. The roster agrees."),
        "a004-01",
        "opens with its label",
    )


def test_unknown_sources_fail(raw):
    for bad in ["registry:no_such_file", "published:no_such_figure", "bib:nobody2099"]:
        found = _edit(raw, "a004-01", sources=["registry:ice_roster_snapshots_2017", bad])
        _names(found, "a004-01", "sources resolve")
        assert any(bad in p for p in found)
    _names(_edit(raw, "a004-01", sources=None), "a004-01", "sources")


def test_direction_claim_with_the_wrong_sign_fails(raw):
    found = _edit(raw, "a000-04", rebuilt_value="-5.0%", status="accurate", missing_data=None)
    _names(found, "a000-04", "direction")


def test_hand_typed_numbers_in_the_new_text_fields_fail(raw):
    found = _edit(raw, "a001-02", omitted_context="Of the 152 agreements, 75 are warrant service.")
    assert any("omitted_context has hand-typed numbers" in p for p in found)


def test_claim_sources_of_the_real_ledger(book):
    claim = book.claim("a004-02")
    got = claims.claim_sources(claim)
    assert [s["key"] for s in got] == list(claim["sources"])
    pub = loaders.published_figures()
    first = got[0]
    assert first["kind"] == "published"
    assert first["url"] == pub.loc["ice_287g_agencies_2020_07", "url"]
    assert pub.loc["ice_287g_agencies_2020_07", "table_page"] in first["label"]
    reg = claims.claim_sources(book.claim("a004-01"))[0]
    assert reg["url"] == registry.entry("ice_roster_snapshots_2017").url
    assert reg["label"] == registry.entry("ice_roster_snapshots_2017").citation
    qa = claims.claim_sources(book.claim("a001-10"))
    bib = next(s for s in qa if s["key"] == "bib:dhs2017qa")
    assert bib["kind"] == "bib" and bib["url"].startswith("https://www.dhs.gov/")


def test_exports_carry_sources(tmp_path, book):
    csv_path = claims.export_csv(tmp_path / "claims.csv")
    frame = pd.read_csv(csv_path)
    assert "sources" in frame.columns
    row = frame.set_index("id").loc["a004-01", "sources"]
    assert registry.entry("ice_roster_snapshots_2017").url in row
    data = json.loads(claims.export_json(tmp_path / "claims.json").read_text())
    assert set(data["articles"]) == set(book.articles)
    assert len(data["claims"]) == len(book.claims)
    assert data["tolerance"] == claims.TOLERANCE
    a402 = next(c for c in data["claims"] if c["id"] == "a004-02")
    assert a402["status_label"] == claims.STATUSES["traced"]
    assert {"kind", "label", "url", "key"} <= set(a402["sources"][0])


def test_tolerance_sensitivity_of_the_real_ledger():
    table = claims.tolerance_sensitivity().set_index("tolerance")
    assert list(table.index) == [0.05, 0.20]
    assert (table["numeric"] > 0).all()
    assert (
        table["changed"] == table["to_contradicted"].map(len) + table["to_matching"].map(len)
    ).all()


def test_every_status_edit_of_every_scored_claim_is_caught(raw):
    """Issue 9: changing any scored claim's status alone must fail, naming the claim.

    Also with the verdict's opening label rewritten to match, every edit is caught by the
    fields and numbers the new status needs, except accurate -> traced for a claim whose
    sources include an official publication, and the reverse (both rules then hold: whether the
    records behind an official figure are public is a judgement the ledger records, not a field).
    """
    base = rules.project_sources()
    index = rules.SourceIndex(base.registry, base.published, base.bib, raw["articles"])
    relabelled_pass = []
    for claim in raw["claims"]:
        old = claim["status"]
        if old in claims.UNSCORED:
            continue
        for new in claims.STATUSES:
            if new in (old, *claims.UNSCORED):
                continue
            edited = {**claim, "status": new}
            found = rules.rule_problems(edited, index)
            assert found and all(p.startswith(f"{claim['id']}:") for p in found), (claim["id"], new)
            edited["verdict"] = claims.STATUSES[new] + claim["verdict"][len(claims.STATUSES[old]) :]
            if not rules.rule_problems(edited, index):
                relabelled_pass.append((old, new))
    assert set(relabelled_pass) <= {("accurate", "traced"), ("traced", "accurate")}


def test_exports_carry_the_weight(tmp_path, book):
    minor = set(book.claims.loc[book.claims["weight"] == "minor", "id"])
    assert {"a003-18", "a004-30"} <= minor  # "retainer"; Harford "across the Potomac"
    frame = pd.read_csv(claims.export_csv(tmp_path / "claims.csv")).set_index("id")
    assert set(frame.index[frame["weight"] == "minor"]) == minor
    data = json.loads(claims.export_json(tmp_path / "claims.json").read_text())
    assert {c["id"] for c in data["claims"] if c.get("weight") == "minor"} == minor
    assert [w["key"] for w in data["weights"]] == list(claims.WEIGHTS)
    scored = book.claims[~book.claims["status"].isin(claims.UNSCORED)]
    assert minor <= set(scored["id"])


def test_word_count_counts_whole_words_in_any_case():
    text = "A detainer, two Detainers; a retainer. Detainer-outcome, predetainer."
    assert claims.word_count(text, "detainer") == 3
    assert claims.word_count(text, "retainer") == 1
    assert claims.word_count("", "detainer") == 0


def test_article_text_is_the_ledger_file():
    book = claims.ledger()
    assert "retainer" in claims.article_text("003", book)
