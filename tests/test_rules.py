"""The rating rules (factcheck.ledger.rules) on small synthetic claims with planted faults."""

from __future__ import annotations

import pytest

from factcheck.data import loaders
from factcheck.data.registry import SchemaMismatchError
from factcheck.ledger import rules

INDEX = rules.SourceIndex(
    registry={"r1": {"url": "https://example.org/r1.csv", "citation": "Agency, file one"}},
    published={
        "p_official": {
            "value": 150.0,
            "publisher_type": "official",
            "description": "Agreements in force",
            "source": "ICE monthly report",
            "table_page": "closing paragraph",
            "url": "https://example.org/ice",
        },
        "p_part": {
            "value": 50.0,
            "publisher_type": "official",
            "description": "Other agreements",
            "source": "ICE monthly report",
            "table_page": "closing paragraph",
            "url": "https://example.org/ice",
        },
        "p_news": {
            "value": 16.0,
            "publisher_type": "news",
            "description": "People released",
            "source": "A newspaper",
            "table_page": "report",
            "url": "https://example.org/news",
        },
    },
    bib={"study1": {"title": "A Study", "author": "Smith", "year": "2020", "url": ""}},
    articles={"900": {"outlet": "Outlet", "title": "Title", "url": "https://example.org/a"}},
)


def claim(**fields):
    base = {
        "id": "a900-01",
        "article": "900",
        "quote": "there were 100 of them",
        "claim": "There were 100.",
        "kind": "number",
        "claimed_value": 100,
        "rebuilt_value": 104,
        "status": "accurate",
        "verdict": "Accurate: the file gives the same figure.",
        "sources": ["registry:r1"],
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def problems(**fields):
    return rules.rule_problems(claim(**fields), INDEX)


def assert_broken(found, rule):
    assert found, "expected a broken rule"
    assert any(p.startswith("a900-01:") and rule in p for p in found), found


def test_a_valid_claim_has_no_problems():
    assert problems() == []


@pytest.mark.parametrize(
    ("claimed", "compare", "bound", "ok"),
    [
        (100, 104, None, True),
        (100, 111, None, True),  # |111 - 100| = 11 <= 11.1: relative to the compared value
        (100, 112, None, False),
        (100, 91, None, True),
        (100, 90, None, False),
        (100, 101, "above", True),
        (100, 99, "above", False),
        (100, 100, "above", False),  # more than 100: 100 is not more
        (100, 100, "least", True),  # at least 100: 100 is enough
        (100, 250, "least", True),
        (100, 99, "least", False),
        (100, 95, "below", True),
        (100, 101, "below", False),
        (100, 80, "below", False),
    ],
)
def test_within_tolerance(claimed, compare, bound, ok):
    assert rules.within(claimed, compare, 0.10, bound) is ok


def test_numeric_claim_outside_tolerance_cannot_be_accurate():
    assert_broken(problems(rebuilt_value=125), "numeric: within the tolerance")
    assert_broken(
        problems(
            rebuilt_value=125,
            status="needs_context",
            verdict="Accurate, but needs context.",
            omitted_context="x",
        ),
        "numeric",
    )


def test_contradicted_inside_tolerance_fails_and_outside_passes():
    bad = problems(status="contradicted", verdict="Contradicted: the file differs.")
    assert_broken(bad, "contradicted: outside the tolerance")
    assert (
        problems(
            status="contradicted", verdict="Contradicted: the file differs.", rebuilt_value=140
        )
        == []
    )


def test_qualifiers_are_bounds_not_wider_tolerances():
    more = {"quote": "more than 100 people"}
    assert problems(**more, rebuilt_value=130) == []  # more than 100: 130 satisfies it
    assert_broken(problems(**more, rebuilt_value=99), "more than the tolerance")
    nearly = {"quote": "nearly 100 people"}
    assert problems(**nearly, rebuilt_value=95) == []
    assert_broken(problems(**nearly, rebuilt_value=103), "nearly the tolerance")
    assert rules.qualifier(claim(quote="over 1,600 requests", claimed_value=1600)) == "above"


def test_after_a_round_unit_of_is_a_lower_bound():
    decade = {"quote": "after a decade of cooperation", "claimed_value": 10}
    assert rules.qualifier(claim(**decade)) == "least"
    assert problems(**decade, rebuilt_value=12.8) == []  # 12.8 years: at least a decade
    assert_broken(problems(**decade, rebuilt_value=8), "at least the tolerance")
    contradicted = {"status": "contradicted", "verdict": "Contradicted: the file differs."}
    assert_broken(problems(**decade, rebuilt_value=12.8, **contradicted), "contradicted: outside")
    # digits read the same way; "after" alone, or without "of", is no bound
    years = claim(quote="after 10 years of cooperation", claimed_value=10)
    assert rules.qualifier(years) == "least"
    assert rules.qualifier(claim(quote="after 10 requests, it stopped", claimed_value=10)) is None
    # "a decade" without a bound word stays a plain number with the tolerance
    plain = {"quote": "a decade of cooperation", "claimed_value": 10}
    assert rules.qualifier(claim(**plain)) is None
    assert_broken(problems(**plain, rebuilt_value=12.8), "numeric: within the tolerance")


def test_round_units_in_words_after_bound_words():
    assert rules.qualifier(claim(quote="more than a dozen in texas", claimed_value=12)) == "above"
    assert rules.qualifier(claim(quote="nearly a century of it", claimed_value=100)) == "below"
    assert rules.qualifier(claim(quote="at least a dozen", claimed_value=12)) == "least"
    assert rules.qualifier(claim(quote="more than a dozen", claimed_value=10)) is None


def test_direction_claims_need_the_claimed_sign():
    up = {"claimed_value": "increase", "kind": "trend", "rebuilt_value": "+3.4%"}
    assert problems(**up) == []
    assert_broken(
        problems(**{**up, "rebuilt_value": "-2.0%"}), "direction: the change has the claimed sign"
    )
    contradicted = {**up, "status": "contradicted", "verdict": "Contradicted: it fell."}
    assert_broken(problems(**contradicted), "contradicted: the change has the other sign")
    assert problems(**{**contradicted, "rebuilt_value": "-2.0%"}) == []


def test_a_numeric_verdict_needs_a_number_to_compare():
    assert_broken(
        problems(rebuilt_value="150 agreements (77 jail, 73 other)"), "a number to compare"
    )
    assert problems(rebuilt_value="104 agreements (77 jail, 27 other)", compare_value=104) == []


def test_compare_value_comes_from_the_rebuilt_value_or_a_published_row():
    found = problems(rebuilt_value="104 agreements (77 jail, 27 other)", compare_value=99)
    assert_broken(found, "compare_value comes from the rebuilt value")
    traced = {
        "status": "traced",
        "verdict": "Traced to an official source: ICE's report.",
        "rebuilt_value": None,
        "sources": ["published:p_official", "published:p_part"],
        "claimed_value": 200,
    }
    assert problems(**traced, compare_value=200) == []  # the sum of the published rows
    assert_broken(
        problems(**traced, compare_value=190),
        "compare_value comes from the rebuilt value or a published source",
    )


def test_traced_needs_an_official_published_row():
    traced = {"status": "traced", "verdict": "Traced to an official source: a report."}
    assert_broken(problems(**traced), "traced needs an official published row")
    news = problems(**traced, claimed_value=16, rebuilt_value=16, sources=["published:p_news"])
    assert_broken(news, "traced needs an official published row")
    ok = problems(
        **traced,
        claimed_value=150,
        rebuilt_value=None,
        compare_value=150,
        sources=["published:p_official"],
    )
    assert ok == []
    outside = problems(
        **traced,
        claimed_value=120,
        rebuilt_value=None,
        compare_value=150,
        sources=["published:p_official"],
    )
    assert_broken(outside, "numeric")


def test_traced_compares_the_official_publications_value_not_a_rebuild():
    traced = {"status": "traced", "verdict": "Traced to an official source: ICE's report."}
    sources = ["published:p_official", "published:p_part", "registry:r1"]
    # The official value, or a total of official values, may be compared (a registry file
    # shown beside it is allowed)
    for value in (150, 200):
        assert problems(**traced, claimed_value=value, rebuilt_value=value, sources=sources) == []
    # Planted violation: the compared number is one this report rebuilt from its data files
    # (within the tolerance of the official count, but not the official count)
    rebuilt = problems(**traced, claimed_value=150, rebuilt_value=146, sources=sources)
    assert_broken(rebuilt, "traced: the compared value is the official publication's")
    # A news row's value does not count as the official publication's
    with_news = problems(
        **traced, claimed_value=16, rebuilt_value=16, sources=[*sources, "published:p_news"]
    )
    assert_broken(with_news, "traced: the compared value is the official publication's")
    # A statement (no claimed number) needs only the official row
    assert problems(**traced, claimed_value=None, rebuilt_value=None, sources=sources) == []
    assert rules._is_total_of(200, [150, 50]) and not rules._is_total_of(190, [150, 50])
    # A total counts only within one publication: rows of two reports do not add up
    other = {**INDEX.published["p_part"], "source": "GAO report"}
    split = rules.SourceIndex(
        INDEX.registry, {**INDEX.published, "p_part": other}, INDEX.bib, INDEX.articles
    )
    found = rules.rule_problems(
        claim(**traced, claimed_value=200, rebuilt_value=200, sources=sources), split
    )
    assert any("traced: the compared value is the official publication's" in p for p in found)


@pytest.mark.parametrize(
    ("status", "label", "field"),
    [
        ("needs_context", "Accurate, but needs context", "omitted_context"),
        ("unsupported", "Does not follow", "gap"),
        ("unverifiable", "No public record settles it", "missing_record"),
        ("not_obtained", "Public data not obtained", "missing_data"),
    ],
)
def test_each_status_requires_its_field(status, label, field):
    base = {
        "status": status,
        "verdict": f"{label}: because.",
        "kind": "comparison",
        "claimed_value": None,
        "rebuilt_value": None,
    }
    assert_broken(problems(**base), f"names {field}")
    assert problems(**base, **{field: "What is left out."}) == []


def test_contradicted_without_a_number_needs_a_conflict():
    base = {
        "status": "contradicted",
        "verdict": "Contradicted: the rule says otherwise.",
        "kind": "policy",
        "claimed_value": None,
        "rebuilt_value": None,
    }
    assert_broken(problems(**base), "Contradicted names the conflicting fact")
    assert problems(**base, conflict="The regulation allows it.") == []


def test_a_field_of_another_status_is_refused():
    assert_broken(problems(gap="It does not follow."), "gap belongs to status unsupported")


def test_verdict_opens_with_its_label():
    assert_broken(problems(verdict="Reproduced: the file agrees."), "verdict opens with its label")
    # "Accurate, but needs context" is not the accurate label, though it starts with "Accurate".
    assert_broken(
        problems(verdict="Accurate, but needs context: x."), "verdict opens with its label"
    )
    assert_broken(problems(verdict="Accurately counted."), "verdict opens with its label")
    assert rules.opening_label("Accurate, but needs context. x") == "needs_context"


def test_sources_present_and_resolving():
    assert_broken(problems(sources=[]), "sources")
    assert_broken(problems(sources=["article:900"]), "not the article itself")
    for bad in ["registry:nope", "published:nope", "bib:nope", "article:999", "web:x", "r1"]:
        assert_broken(problems(sources=["registry:r1", bad]), "sources resolve")
    found = problems(sources=["registry:r1", "bib:nope"])
    assert any("'bib:nope'" in p and "references.bib" in p for p in found)


def test_unsupported_is_for_conclusions_and_causes_need_evidence():
    base = {"status": "unsupported", "verdict": "Does not follow: x.", "gap": "Why."}
    assert_broken(problems(**base), "unsupported is for conclusions")
    causal = {"kind": "causal", "claimed_value": None, "rebuilt_value": None}
    assert_broken(problems(**causal), "a causal claim is confirmed by a study")
    assert problems(**causal, sources=["registry:r1", "bib:study1"]) == []


def test_a_rebuilt_number_is_not_unverifiable():
    found = problems(
        status="unverifiable", verdict="No public record settles it.", missing_record="x"
    )
    assert_broken(found, "a rebuilt number is rated by the tolerance rule")


def test_unscored_claims_are_not_held_to_scored_rules():
    assert (
        problems(
            status="opinion",
            kind="opinion",
            verdict=None,
            sources=None,
            claimed_value=None,
            rebuilt_value=None,
        )
        == []
    )
    assert problems(status="pending", verdict=None, sources=None, rebuilt_value=None) == []


def test_claim_sources_resolve_to_labels_and_urls():
    got = rules.claim_sources(
        claim(sources=["registry:r1", "published:p_official", "bib:study1", "article:900"]), INDEX
    )
    assert [s["kind"] for s in got] == ["registry", "published", "bib", "article"]
    assert got[0] == {
        "kind": "registry",
        "label": "Agency, file one",
        "url": "https://example.org/r1.csv",
        "key": "registry:r1",
    }
    assert got[1]["url"] == "https://example.org/ice" and "closing paragraph" in got[1]["label"]
    assert got[2]["label"] == "Smith (2020), A Study" and got[2]["url"] is None
    assert got[3]["url"] == "https://example.org/a"
    with pytest.raises(KeyError, match="nope"):
        rules.claim_sources(claim(sources=["bib:nope"]), INDEX)


def test_tolerance_sensitivity_counts_changes_in_both_directions():
    def c(cid, compare, status="accurate"):
        return claim(id=cid, rebuilt_value=compare, status=status)

    ledger = [
        c("a900-01", 104),  # 3.8%: passes at every tolerance
        c("a900-02", 107),  # 6.5%: passes at 10%, fails at 5%
        c("a900-03", 115, "contradicted"),  # 13%: fails at 10%, passes at 20%
        c("a900-04", 140, "contradicted"),  # 29%: fails everywhere
        claim(id="a900-05", status="unverifiable", rebuilt_value=None),  # not compared
    ]
    rows = {r["tolerance"]: r for r in rules.tolerance_sensitivity(ledger, (0.05, 0.20))}
    assert rows[0.05]["numeric"] == 4
    assert rows[0.05]["to_contradicted"] == ["a900-02"] and rows[0.05]["to_matching"] == []
    assert rows[0.20]["to_matching"] == ["a900-03"] and rows[0.20]["to_contradicted"] == []
    assert rows[0.05]["changed"] == rows[0.20]["changed"] == 1


def test_read_bib_plain_text():
    bib = rules.read_bib()
    assert bib["light2020"]["title"].startswith("Comparing crime rates")
    assert "{" not in bib["wapo287g"]["title"] and "\\" not in bib["wapo287g"]["title"]
    assert bib["cfr2877"]["url"].startswith("https://www.ecfr.gov/")


def test_published_figures_need_a_known_publisher_type(tmp_path):
    table = loaders.published_figures()
    assert set(table["publisher_type"]) <= set(loaders.PUBLISHER_TYPES)
    bad = tmp_path / "published.csv"
    frame = table.reset_index()
    frame.loc[0, "publisher_type"] = "blog"
    frame.to_csv(bad, index=False)
    with pytest.raises(SchemaMismatchError, match="publisher_type"):
        loaders.published_figures(bad)


def test_validate_a_small_synthetic_ledger(tmp_path):
    from factcheck.ledger import claims as ledger_module

    (tmp_path / "a900_chapter.md").write_text("# Chapter\n")
    article = {
        "file": "x.txt",
        "outlet": "O",
        "title": "T",
        "date": "2020",
        "chapter": "a900_chapter",
    }
    base = {
        "article": "900",
        "quote": "there were 100 of them",
        "claim": "There were 100.",
        "kind": "number",
        "period": "2020",
        "geography": "US",
        "chapter": "a900_chapter",
        "claimed_value": 100,
        "sources": ["registry:r1"],
    }
    raw = {
        "articles": {
            "900": {**article, "url": "https://example.org/a", "chapters": ["a900_chapter"]}
        },
        "claims": [
            {
                **base,
                "id": "a900-01",
                "rebuilt_value": 104,
                "status": "accurate",
                "verdict": "Accurate.",
            },
            {
                **base,
                "id": "a900-02",
                "rebuilt_value": 150,
                "status": "accurate",
                "verdict": "Accurate.",
            },
            {
                **base,
                "id": "a900-03",
                "status": "needs_context",
                "verdict": "Accurate, but needs context.",
                "rebuilt_value": 101,
            },
            {
                **base,
                "id": "a900-04",
                "status": "unverifiable",
                "verdict": "Contradicted: no.",
                "missing_record": "The file.",
                "sources": ["bib:nope"],
            },
        ],
    }
    problems = ledger_module.validate(raw, tmp_path, sources=INDEX)
    text = "\n".join(problems)
    assert not any(p.startswith("a900-01:") for p in problems)
    assert "a900-02: status accurate breaks the rule 'numeric: within the tolerance'" in text
    assert "a900-03: status needs_context breaks the rule" in text and "omitted_context" in text
    assert "a900-04: status unverifiable breaks the rule 'verdict opens with its label'" in text
    assert "a900-04: status unverifiable breaks the rule 'sources resolve'" in text
    raw["articles"]["900"]["chapters"].append("a900_missing")
    assert any("a900_missing" in p for p in ledger_module.validate(raw, tmp_path, sources=INDEX))


def test_weight_minor_only_on_a_scored_claim():
    assert problems(weight="minor") == []
    assert_broken(problems(weight="trivial"), "weight is one of minor")
    found = problems(
        status="opinion",
        kind="opinion",
        verdict=None,
        sources=None,
        claimed_value=None,
        rebuilt_value=None,
        weight="minor",
    )
    assert_broken(found, "weight belongs to a scored claim")
    assert_broken(
        problems(status="pending", verdict=None, sources=None, rebuilt_value=None, weight="minor"),
        "weight belongs to a scored claim",
    )


def test_a_counterfactual_is_rated_no_public_record_with_the_reason_none_could():
    """The methods chapter's rule for counterfactual claims: status unverifiable, and
    missing_record says why no record could settle it instead of naming one."""
    counterfactual = {
        "kind": "causal",
        "claimed_value": None,
        "rebuilt_value": None,
        "status": "unverifiable",
        "verdict": "No public record settles it: what would have happened had ICE taken custody "
        "is a counterfactual.",
        "sources": ["bib:study1"],
    }
    reason = "No record could hold what would have happened to each person had ICE taken custody."
    assert problems(**counterfactual, missing_record=reason) == []
    assert_broken(problems(**counterfactual), "names missing_record")
    # rated as not following instead, it needs its gap, not a missing record
    assert_broken(
        problems(
            **{**counterfactual, "status": "unsupported", "verdict": "Does not follow: x."},
            missing_record=reason,
        ),
        "missing_record belongs to status unverifiable",
    )
    assert "says why none could" in rules.RULES["unverifiable"]
