"""The reader's edition (issue 15): the bottom line first, the same opening in every article
chapter, reasons in the scorecard, minor slips apart, ClaimReview aggregators can use, dates,
no code or module names in the reader's way, no chart twice."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from factcheck.book import charts, render, report
from factcheck.ledger import claims, prose

from .conftest import ROOT, toc_files

REASONS = ROOT / "data" / "claim_reasons.csv"
CORRECTIONS = ROOT / "data" / "corrections.csv"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SAMPLE_BASE = "https://example.org/287g-check/"
# Module and function names never reach a reader ("factcheck.stats.variation.rtm_check").
MODULE_NAME = re.compile(r"\bfactcheck\.\w+|\b\w+\.py\b")
# The API reference is made of them; the technical notes name theirs only in comments of their
# source, for contributors.
TECHNICAL_NOTE = re.compile(r"^chapters/api$")
# Short reader chapters (issue 15 point 3): the words a reader sees in an article chapter's body,
# verdict boxes and source lists included; the rest goes to the technical notes.
MAX_ARTICLE_WORDS = 4000
ARTICLE_BODY = re.compile(r'<article class="bd-article"[^>]*>(.*?)</article>', re.S)


def _ext():
    spec = importlib.util.spec_from_file_location(
        "factcheck_sphinx", ROOT / "_ext" / "factcheck_sphinx.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_claims(book: claims.Ledger, **changes) -> claims.Ledger:
    """A copy of the ledger with some claims' fields changed: {id: {field: value}}."""
    frame = book.claims.copy()
    for cid, fields in changes.items():
        for name, value in fields.items():
            if name not in frame.columns:
                frame[name] = None
            frame.loc[frame["id"] == cid, name] = value
    return dataclasses.replace(book, claims=frame)


# ------------------------------------------------------------------ reasons, rulings, log
def test_every_scored_claim_has_one_short_reason_and_no_unknown_ids():
    book = claims.ledger()
    with REASONS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["claim", "reason"]
    ids = [r[0] for r in rows[1:]]
    assert len(ids) == len(set(ids)), "a claim has two reasons"
    known = set(book.claims["id"])
    assert set(ids) <= known, f"reasons for unknown claims: {sorted(set(ids) - known)}"
    scored = set(book.claims.loc[~book.claims["status"].isin(claims.UNSCORED), "id"])
    assert scored <= set(ids), f"scored claims without a reason: {sorted(scored - set(ids))}"
    for cid, reason in rows[1:]:
        assert 0 < render.words(reason) <= render.REASON_WORDS, (
            f"{cid}: {render.words(reason)} words"
        )
        assert not prose.find_numbers(reason), f"{cid}: a hand-typed number in its reason"
        assert not reason.lower().startswith(tuple(s.lower() for s in claims.STATUSES.values())), (
            f"{cid}: the reason repeats the status"
        )


def test_every_article_has_a_short_ruling_and_a_review_date():
    for art_id, article in claims.ledger().articles.items():
        ruling = article.get("ruling") or ""
        assert 0 < render.words(ruling) <= render.RULING_WORDS, f"article {art_id}"
        assert not prose.find_numbers(ruling), f"article {art_id}: a hand-typed number"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(article.get("review_published"))), art_id


def test_corrections_log_has_its_header_and_known_claims_and_dates():
    assert CORRECTIONS.read_text(encoding="utf-8").splitlines()[0] == "date,claim,change,reason"
    log = render.corrections()
    ids = set(claims.ledger().claims["id"])
    merged = render.merged_claims(log)  # claims merged into another are no longer in the ledger
    assert set(log["claim"]) <= ids | set(merged)
    assert set(merged.values()) <= ids and not set(merged) & ids
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in log["date"])


def test_a_claim_merged_into_another_keeps_its_log_rows_without_a_broken_link(tmp_path):
    book = claims.ledger()
    now = render.label(book.claim("a001-15")["status"])
    path = tmp_path / "corrections.csv"
    path.write_text(
        "date,claim,change,reason\n"
        '2027-01-02,a009-01,"status Accurate -> Contradicted",r\n'
        "2027-01-03,a009-01,merged into a001-15 (one assertion); no longer a claim of its own,r\n"
        f'2027-01-03,a001-15,"status: Accurate -> {now}",r\n',
        encoding="utf-8",
    )
    log = render.corrections(path)
    assert render.merged_claims(log) == {"a009-01": "a001-15"}
    text = render.corrections_markdown(log)
    assert "<a009-01>" not in text and "a009-01, now {ref}`a001-15 <a001-15>`" in text
    changes = render.status_changes(log, book).set_index("claim")
    assert changes.loc["a009-01", "new"] == "merged into a001-15"
    table = render.status_changes_markdown(log, book)
    assert table.count("a009-01") == 1 and "<a009-01>" not in table
    unknown = tmp_path / "unknown.csv"  # a claim neither in the ledger nor merged is an error
    unknown.write_text("date,claim,change,reason\n2027-01-02,a009-02,status A -> B,r\n", "utf-8")
    with pytest.raises(KeyError):
        render.status_changes(render.corrections(unknown), book)


def test_corrections_are_shown_newest_first_and_date_the_change(tmp_path, monkeypatch):
    path = tmp_path / "corrections.csv"
    path.write_text(
        "date,claim,change,reason\n2027-01-05,a002-02,Old,Older fix\n"
        "2027-03-01,a002-02,New <b>status</b>,A record was found\n",
        encoding="utf-8",
    )
    log = render.corrections(path)
    assert list(log["date"]) == ["2027-03-01", "2027-01-05"]
    text = render.corrections_markdown(log)
    assert text.index("2027-03-01") < text.index("2027-01-05")
    assert "<b>" not in text and "{ref}`a002-02 <a002-02>`" in text
    assert render.last_changed(["a002-02", "a002-01"], log, edition="2026-12-02") == "2027-03-01"
    bad = tmp_path / "bad.csv"
    bad.write_text("when,claim,change,reason\n", encoding="utf-8")
    with pytest.raises(ValueError):
        render.corrections(bad)
    for code in ("Independent review (M4): moved", "Review, U1: moved", "Review, M1 and U3: moved"):
        coded = tmp_path / "coded.csv"
        coded.write_text(f"date,claim,change,reason\n2027-01-05,a002-02,Old,{code}\n", "utf-8")
        with pytest.raises(ValueError, match="item code"):
            render.corrections(coded)
    monkeypatch.setattr(render, "corrections", lambda path=None: log)
    book = claims.ledger()
    review = render.claimreview(book.claim("a002-02"), book)
    assert review["dateModified"] == "2027-03-01"
    assert review["datePublished"] == book.articles["002"]["review_published"]
    assert "verdicts last changed on 2027-03-01" in render.verdict_card_markdown("002")


def test_only_changes_after_the_first_edition_count_as_changes(tmp_path, monkeypatch):
    """A row dated after the first edition is a change to a published verdict; a row dated on
    the first edition's date belongs to the review before publication."""
    assert render.first_edition() == "2026-12-02"  # the setting in _config.yml
    book = claims.ledger()
    now = {c: render.label(book.claim(c)["status"]) for c in ("a002-01", "a002-02")}
    was = {c: next(v for v in ("Contradicted", "Accurate") if v != now[c]) for c in now}
    path = tmp_path / "corrections.csv"
    path.write_text(
        "date,claim,change,reason\n"
        f'2026-12-02,a002-01,"status: {was["a002-01"]} -> {now["a002-01"]}",r\n'
        f'2027-02-01,a002-02,"status: {was["a002-02"]} -> {now["a002-02"]}",r\n',
        encoding="utf-8",
    )
    log = render.corrections(path)
    after, before = render.split_log(log)
    assert list(after["claim"]) == ["a002-02"] and list(before["claim"]) == ["a002-01"]
    assert render.last_changed(["a002-01"], log) is None  # on the date: not a change
    assert render.last_changed(["a002-02"], log) == "2027-02-01"  # after it: a change
    since = render.changes_since_markdown(log, book)
    assert "a002-02 <a002-02>" in since and "a002-01 <a002-01>" not in since
    review = render.review_markdown(log, book)
    assert "a002-01 <a002-01>" in review.split("full log")[0]
    monkeypatch.setattr(render, "corrections", lambda path=None: log)
    assert "This check published " in render.verdict_card_markdown("002")
    assert "verdicts last changed on 2027-02-01" in render.verdict_card_markdown("002")
    assert render.claimreview(book.claim("a002-02"), book)["dateModified"] == "2027-02-01"
    assert "dateModified" not in render.claimreview(book.claim("a002-01"), book)
    # with nothing after the first edition, the page says so plainly
    only = render.corrections(path).iloc[[1]]
    assert render.changes_since_markdown(only, book, edition="2026-12-02").startswith(
        "No verdict has changed and no figure has been corrected since the first edition"
    )


def test_net_status_changes_leave_out_there_and_back_and_keep_log_order_in_a_date(tmp_path):
    book = claims.ledger()
    lab = {cid: render.label(book.claim(cid)["status"]) for cid in ("a000-08", "a001-15")}
    other = next(v for v in claims.STATUSES.values() if v != lab["a001-15"])
    path = tmp_path / "corrections.csv"
    path.write_text(
        "date,claim,change,reason\n"
        # a000-08 goes there and back in one row: no net change
        f'2027-01-02,a000-08,"status {lab["a000-08"]} -> Accurate (earlier) -> '
        f'{lab["a000-08"]}",r\n'
        # a001-15 changes twice on one date: the table shows the first status -> the ledger's
        f'2027-01-03,a001-15,"status: Zeroth -> {other}",r\n'
        f'2027-01-03,a001-15,"status: {other} -> {lab["a001-15"]}",r\n'
        f'2027-01-03,a002-05,"status: Accurate -> Contradicted",r\n',
        encoding="utf-8",
    )
    log = render.corrections(path)
    assert list(log["claim"]) == ["a002-05", "a001-15", "a001-15", "a000-08"]  # newest first
    changes = render.status_changes(log, book)
    assert "a000-08" not in set(changes["claim"])
    assert changes["claim"].tolist() == ["a002-05", "a001-15"]
    row = changes.set_index("claim").loc["a001-15"]
    assert (row["old"], row["new"]) == ("Zeroth", lab["a001-15"])
    now = render.label(book.claim("a002-05")["status"])
    assert changes.set_index("claim").loc["a002-05", "new"] == now  # the ledger, not the log


# ------------------------------------------------------------------ the bottom line
def test_bottom_line_names_each_outlet_with_its_headline_verdict():
    book = claims.ledger()
    text = render.headline_sentence(book)
    for article in book.articles.values():  # every outlet is named in the first sentence
        assert report.escape_myst(render.short_outlet(article)) in text
    assert "hold up" not in text and text.count(".") >= 1
    ids = {art: a["headline"] for art, a in book.articles.items()}
    planted = with_claims(
        book,
        **{ids["000"]: {"status": "unsupported"}, ids["001"]: {"status": "unsupported"}},
        **{ids["002"]: {"status": "accurate"}, ids["003"]: {"status": "unsupported"}},
        **{ids["004"]: {"status": "needs_context"}},
    )
    name = {art: render.short_outlet(a) for art, a in book.articles.items()}
    assert render.headline_sentence(planted) == (
        f"**Three** of the five articles' headline claims do not follow from the evidence "
        f"({name['000']}, {name['001']}, {name['003']}); "
        f"{render.possessive(name['004'])} is accurate but needs context, and "
        f"{render.possessive(name['002'])} is accurate."
    )
    held = with_claims(book, **{a: {"status": "accurate"} for a in ids.values()})
    assert render.headline_sentence(held) == "All **five** articles' headline claims are accurate."
    one = with_claims(book, **{ids["000"]: {"status": "contradicted"}})
    assert render.headline_sentence(one).startswith(
        f"{render.possessive(name['000'])} headline claim is contradicted by the record; "
    )
    assert render.possessive("The Epoch Times") == "The Epoch Times'"
    assert render.possessive("NumbersUSA") == "NumbersUSA's"
    assert render.bottom_line_markdown(book).count(text) == 1


def test_facts_line_counts_the_scored_claims_as_the_chart_does_with_side_details_apart():
    book = claims.ledger()
    main = book.claims[~render.minor_mask(book.claims)]
    scored = main[~main["status"].isin(claims.UNSCORED)]

    # the counts after the side details and the headline claims (written in words)
    def counts(line: str) -> list[int]:
        after = re.sub(r"\([^)]*\)", "", line.split("among them:")[-1])  # the breakdown apart
        return [int(n) for n in re.findall(r"\d+", after)]

    line = render.facts_line(book)
    numbers = counts(line)
    assert f"{len(scored)} claims are scored" in line and sum(numbers) == len(scored)
    # the claims that check out, broken down by status in brackets, add up to their count
    inside = re.search(r"check out \(([^)]*)\)", line).group(1)
    assert sum(int(n) for n in re.findall(r"\d+", inside)) == numbers[0]
    assert "matching an official publication" in inside
    # the same denominator and the same count of claims that check out as the chart's title
    assert f"of the {len(scored)} scored claims" in render.findings_title(book)
    assert render.findings_title(book).startswith(f"{numbers[0]} of the")
    # a claim moved from a data gap to contradicted moves one count, not the total
    gap = scored.loc[scored["status"] == "not_obtained", "id"].iloc[0]
    moved = with_claims(book, **{gap: {"status": "contradicted"}})
    after = counts(render.facts_line(moved))
    assert sum(after) == sum(numbers) and after[2] == numbers[2] + 1 and after[3] == numbers[3] - 1
    assert render.bottom_line(book) == f"{render.headline_sentence(book)} {render.facts_line(book)}"


def test_tally_counts_each_group_once_and_moves_with_a_planted_change():
    book = claims.ledger()
    t = render.tally(book)
    assert t["claims"] == len(book.claims) and t["articles"] == len(book.articles)
    assert t["scored"] + t["opinion"] + t["pending"] == t["claims"]
    assert t["main"] + t["minor"] == t["scored"]
    assert t["slips"] <= t["minor"]
    # the landing page's "scored, side details apart" is the chart's denominator
    chart = render.status_counts(book).drop(list(claims.UNSCORED), errors="ignore")
    assert t["main"] == int(chart.sum())
    scored = book.claims[~book.claims["status"].isin(claims.UNSCORED)]
    main = scored[~render.minor_mask(scored)]
    # one scored claim made an opinion: scored and main fall by one, opinion rises by one
    one = main["id"].iloc[0]
    after = render.tally(with_claims(book, **{one: {"status": "opinion"}}))
    assert (after["scored"], after["main"], after["opinion"]) == (
        t["scored"] - 1,
        t["main"] - 1,
        t["opinion"] + 1,
    )
    # a main claim marked minor and contradicted: one more side detail and one more slip
    marked = render.tally(with_claims(book, **{one: {"status": "contradicted", "weight": "minor"}}))
    assert (marked["minor"], marked["slips"], marked["main"]) == (
        t["minor"] + 1,
        t["slips"] + 1,
        t["main"] - 1,
    )


def test_bottom_line_table_has_a_row_per_article_with_outlet_verdict_reason_and_link():
    book = claims.ledger()
    text = render.bottom_line_table(book)
    why = render.reasons()
    for art_id, article in book.articles.items():
        claim = book.claim(article["headline"])
        assert report.escape_myst(render.short_outlet(article)) in text  # ledger text, escaped
        assert render.badge(claim["status"]) in text
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", render.first_date(article)), art_id
        assert report.escape_myst(why[claim["id"]]) in text
        assert f"<a{art_id}>`" in text


def test_verdict_card_names_outlet_date_link_claim_badge_ruling_and_dates():
    book = claims.ledger()
    for art_id, article in book.articles.items():
        for chapter in article.get("chapters") or [article["chapter"]]:
            card = render.verdict_card_markdown(art_id, chapter)
            claim = book.claim(article["headline"])
            esc = report.escape_myst  # ledger text enters the card escaped
            assert esc(render.short_outlet(article)) in card.splitlines()[1]  # the title
            assert (article.get("url") or article.get("archive_url")) in card
            assert render.badge(claim["status"]) in card and esc(claim["quote"]) in card
            assert esc(article["ruling"]) in card
            assert f"This check published {esc(article['review_published'])}" in card


# ------------------------------------------------------------------ minor slips
def test_minor_slips_are_counted_apart_and_sorted_after_their_status():
    book = claims.ledger()
    already = render.minor_mask(book.claims)
    cid = book.claims.loc[(book.claims["status"] == "contradicted") & ~already, "id"].iloc[0]
    minor = with_claims(book, **{cid: {"weight": "minor"}})
    assert (
        render.status_counts(minor)["contradicted"]
        == render.status_counts(book)["contradicted"] - 1
    )
    before = render.status_counts(book, minor=True).to_dict()
    after = {**before, "contradicted": before.get("contradicted", 0) + 1}
    assert render.status_counts(minor, minor=True).to_dict() == after
    assert f"counted apart: {after['contradicted']} contradicted" in render.status_counts_markdown(
        minor
    )
    order = list(render.severity_order(minor.claims)["id"])
    is_minor = render.minor_mask(minor.claims.set_index("id", drop=False))
    contradicted = [c for c in order if minor.claim(c)["status"] == "contradicted"]
    slips = [c for c in contradicted if is_minor[c]]
    assert cid in slips and contradicted[-len(slips) :] == slips  # minor slips after the rest
    assert f'<tr class="minor"><td data-label="Claim" data-sort="{cid}">' in render.scorecard_html(
        minor
    )
    assert "Minor slip." in render.scorecard_table(minor).set_index("claim").loc[cid, "why"]
    box = render.verdict_markdown(minor.claim(cid))
    assert "*A minor slip:*" in box and ", a minor slip\n" in box  # said in the box's title too
    major = next(c for c in contradicted if not is_minor[c])
    assert "minor slip" not in render.verdict_markdown(minor.claim(major))


def test_a_side_detail_that_holds_is_not_called_a_slip():
    book = claims.ledger()
    free = book.claims.loc[~render.minor_mask(book.claims), "id"]
    cid = book.claims.loc[
        book.claims["id"].isin(free) & (book.claims["status"] == "accurate"), "id"
    ].iloc[0]
    side = with_claims(book, **{cid: {"weight": "minor"}})
    box = render.verdict_markdown(side.claim(cid))
    assert "slip" not in box and "*A side detail:* it does not bear on" in box
    assert (
        render.scorecard_table(side).set_index("claim").loc[cid, "why"].startswith("Side detail.")
    )
    listed = render.status_counts_markdown(side).splitlines()[-1]
    slips = render.status_counts(side, minor=True).get("contradicted", 0)
    assert listed.startswith("- Side details") and ("minor slips" in listed) == bool(slips)
    assert f"{render.status_counts(side, minor=True)['accurate']} accurate" in listed
    assert "accurate (minor slips)" not in listed
    # Without the field, nothing is minor.
    assert not render.minor_mask(book.claims.drop(columns=["weight"], errors="ignore")).any()


# ------------------------------------------------------------------ scorecard
def test_scorecard_has_outlet_and_reason_and_lists_the_most_serious_first():
    book = claims.ledger()
    table = render.scorecard_table(book, order="severity")
    assert list(table.columns) == [
        "claim",
        "outlet",
        "quote",
        "status",
        "why",
        "claimed",
        "rebuilt",
    ]
    long = book.claims.loc[book.claims["quote"].str.split().str.len() > render.QUOTE_WORDS].iloc[0]
    shown = table.loc[long.name, "quote"]
    assert shown.startswith("“" + " ".join(long["quote"].split()[:3])) and shown.endswith("…”")
    ranks = [render.SEVERITY.index(s) for s in book.claims.loc[table.index, "status"]]
    assert ranks == sorted(ranks)
    html = render.scorecard_html(book)
    for heading in render.SCORECARD_HEADINGS.values():
        assert f">{heading}</button></th>" in html
    assert list(render.scorecard_table(book)["claim"]) == sorted(book.claims["id"])  # the PDF


def test_short_source_labels():
    long = {
        "kind": "registry",
        "label": "US Census Bureau, County Population Totals: 2010-2019 (Vintage 2019)",
    }
    assert render.short_label(long) == "US Census Bureau, County Population Totals"
    published = {
        "kind": "published",
        "label": "Longest hold. 8 CFR 287.7(d) (Code of Federal Regulations), section 287.7(d)",
    }
    assert render.short_label(published) == "8 CFR 287.7(d)"
    for row in claims.ledger().claims.to_dict("records"):
        for source in render.sources(row):
            if source["kind"] != "bib":
                assert render.words(render.short_label(source)) <= render.SHORT_WORDS


def test_verdict_text_drops_its_status_label():
    assert (
        render.without_status("Does not follow: no public measure.", "unsupported")
        == "No public measure."
    )
    assert render.without_status("Accurate. It did.", "accurate") == "It did."
    assert (
        render.without_status("Accurate, but needs context: it did.", "needs_context") == "It did."
    )
    assert render.without_status("Wake's count.", "accurate") == "Wake's count."


# ------------------------------------------------------------------ ClaimReview
def test_data_gaps_are_not_published_as_ratings():
    book = claims.ledger()
    for row in book.claims.to_dict("records"):
        review = render.claimreview(row, book)
        assert (review is None) == (row["status"] in (*render.DATA_GAPS, *claims.UNSCORED))


def test_claimreview_urls_become_absolute_under_a_sample_address():
    ext = _ext()
    book = claims.ledger()
    blocks = render.claimreview_blocks(book.claims.to_dict("records"), book)
    body = ext.absolute_claimreviews("\n".join(blocks), SAMPLE_BASE, "chapters/a002_wake_detainers")
    for data in map(json.loads, JSON_LD.findall(body)):
        assert data["url"].startswith(SAMPLE_BASE + "chapters/a00"), data["url"]
        assert data["author"]["url"] == SAMPLE_BASE + "index.html"
    assert ext.absolute("../index.html", SAMPLE_BASE, "chapters/x") == SAMPLE_BASE + "index.html"
    assert ext.absolute("https://a.org/b", SAMPLE_BASE, "chapters/x") == "https://a.org/b"
    assert ext.absolute_claimreviews(body, "", "x") == body


def test_claim_reviewed_texts_are_mostly_short():
    book = claims.ledger()
    texts = [
        render.claim_reviewed(r)
        for r in book.claims.to_dict("records")
        if r["status"] in render.RATED
    ]
    long = [t for t in texts if len(t) > render.REVIEWED_CHARS]
    assert len(long) <= len(texts) // 2, (
        f"{len(long)} of {len(texts)} over {render.REVIEWED_CHARS} characters"
    )


# ------------------------------------------------------------------ charts
def test_published_figure_shows_nothing_but_behaves_as_the_figure():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    shown = charts.publish(fig, None, None)
    assert shown._ipython_display_() is None and shown.axes == fig.axes


def test_status_chart_states_its_point_names_outlets_and_labels_the_bars():
    book = claims.ledger()
    fig = render.status_figure(book)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == render.findings_title(book)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert set(names) == {render.short_outlet(a) for a in book.articles.values()}
    printed = sorted(int(t.get_text()) for t in ax.texts)
    shown = book.claims[~render.minor_mask(book.claims)]  # minor slips are counted apart
    counts = pd.crosstab(shown["article"], shown["status"])
    assert printed == sorted(int(v) for v in counts.to_numpy().ravel() if v)
    assert min(t.get_fontsize() for t in ax.texts) >= 10
    hatched = {p.get_label() for p in ax.containers if p.patches[0].get_hatch()}
    assert {render.label(s) for s in render.DATA_GAPS} & set(
        ax.get_legend_handles_labels()[1]
    ) <= hatched
    assert "factcheck" not in render.findings_title(book)


# ------------------------------------------------------------------ the built book
def page_text(html: str) -> str:
    """The words a reader sees: no scripts, styles or code blocks, tags removed."""
    html = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def built_words(html: str) -> int:
    """Words a reader sees in a built page's article body: not the sidebars, the navigation,
    the footer or code (see :func:`page_text`)."""
    body = ARTICLE_BODY.search(html)
    assert body, "no article body in the page"
    return render.words(page_text(body.group(1)))


def test_built_words_count_the_article_body_only():
    page = (
        '<nav class="bd-links">Sidebar words that do not count</nav>'
        '<article class="bd-article" role="main"><h1>Two words</h1>'
        '<div class="admonition verdict-box"><p>Three more <a href="#x">here</a></p></div>'
        '<pre>code = "not read"</pre><script>var hidden = 1;</script></article>'
        '<footer class="bd-footer">Footer words</footer>'
    )
    assert built_words(page) == 5
    with pytest.raises(AssertionError):
        built_words("<main>no article element</main>")


def built_pages(built: Path) -> dict[str, str]:
    return {d: (built / "html" / f"{d}.html").read_text(encoding="utf-8") for d in toc_files()}


@pytest.mark.build
def test_no_module_names_in_reader_text(built):
    found = {}
    for doc, html in built_pages(built).items():
        if TECHNICAL_NOTE.match(doc):
            continue
        names = sorted(set(MODULE_NAME.findall(page_text(html))))
        if names:
            found[doc] = names
    assert found == {}, f"module names in reader text: {found}"


@pytest.mark.build
def test_article_chapters_are_short(built):
    """No article chapter over MAX_ARTICLE_WORDS built words; the detail a specialist needs is
    in the technical notes."""
    chapters = toc_files("The articles")
    assert len(chapters) >= 5, "no 'The articles' part in _toc.yml"
    pages = built_pages(built)
    long = {d: built_words(pages[d]) for d in chapters if built_words(pages[d]) > MAX_ARTICLE_WORDS}
    assert long == {}, f"article chapters over {MAX_ARTICLE_WORDS} built words: {long}"


@pytest.mark.build
def test_no_code_toggles_and_no_figure_twice(built):
    for doc, html in built_pages(built).items():
        assert "Show code cell source" not in html, f"{doc} shows a code toggle"
        images = re.findall(r'<img[^>]*src="([^"]+)"[^>]*>', html)
        assert len(images) == len(set(images)), f"{doc} prints a figure twice"
        for alt in re.findall(r'<img[^>]*alt="([^"]*)"', html):
            assert not alt.endswith(".png"), f"{doc}: an image whose alt text is its file path"


@pytest.mark.build
def test_article_chapters_open_with_card_brief_and_page_claims_and_end_with_their_source(built):
    book = claims.ledger()
    for article in book.articles.values():
        for chapter in article.get("chapters") or [article["chapter"]]:
            page = (built / "html" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
            html = page[page.index('<article class="bd-article"') :]
            card = html.index("verdict-card")
            title = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
            assert render.short_outlet(article) in title, (
                f"{chapter}: the title does not name the outlet"
            )
            assert card < html.index("checked on this page") < html.index("verdict-box")
            assert card < html.index("In brief") < html.index("checked on this page")
            assert (
                f"_sources/chapters/{chapter}.md" in html and 'how_to_cite.html#reproduce"' in html
            )


@pytest.mark.build
def test_verdict_titles_are_headings_and_tables_scroll_in_a_focusable_box(built):
    for doc, html in built_pages(built).items():
        for title in re.findall(r'verdict-box[^"]*">\s*<p class="admonition-title"[^>]*>', html):
            assert 'role="heading" aria-level="3"' in title, doc
        assert '<div class="pst-scrollable-table-container">' not in html, doc


@pytest.mark.build
def test_scorecard_page_is_complete_without_javascript(built):
    html = (built / "html" / "chapters" / "scorecard.html").read_text(encoding="utf-8")
    table = re.search(r'<table id="scorecard-table".*?</table>', html, re.S).group(0)
    ids = re.findall(r'<td data-label="Claim" data-sort="(a\d{3}-\d{2})">', table)
    assert sorted(ids) == sorted(claims.ledger().claims["id"])
    assert "trusted" not in html and "itables" not in html.lower()


@pytest.mark.build
def test_landing_page_leads_with_the_bottom_line(built):
    html = (built / "html" / "chapters" / "intro.html").read_text(encoding="utf-8")
    body = html[html.index('<article class="bd-article"') :]
    lead = body.index("bottom-line-lead")
    assert lead < body.index('<table class="bottom-line')
    assert lead < body.index("What we found")
    lead_text = page_text(body[lead : lead + 2000])
    for article in claims.ledger().articles.values():  # the first sentence names every outlet
        assert render.short_outlet(article) in lead_text


@pytest.mark.build
def test_footer_links_resolve_from_every_page(built):
    html_root = built / "html"
    for page in [*html_root.glob("*.html"), *html_root.glob("chapters/*.html")]:
        text = page.read_text(encoding="utf-8")
        footer = re.search(r'<div class="extra_footer">.*?</div>', text, re.S)
        if not footer:
            continue
        links = re.findall(r'href="([^"#:]+\.html)"', footer.group(0))
        assert links, page
        for link in links:
            assert (page.parent / link).resolve().is_file(), f"{page.name}: {link}"
        assert "mailto:" in footer.group(0) and "{contact_email}" not in footer.group(0)


def test_status_changes_read_the_log_and_mark_headlines():
    log = pd.DataFrame(
        {
            "date": ["2026-12-02", "2026-12-02", "2026-12-01"],
            "claim": ["a003-03", "a000-04", "a004-11"],
            "change": [
                "status: Does not follow -> No public record settles it",
                "verdict wording only; status unchanged (Accurate)",
                '"Status Accurate, but needs context -> Accurate; verdict rewritten"'.strip('"'),
            ],
            "reason": ["r", "r", "r"],
        }
    )
    changes = render.status_changes(log)
    assert changes[["claim", "old", "new"]].values.tolist() == [
        ["a003-03", "Does not follow", "No public record settles it"],
        ["a004-11", "Accurate, but needs context", "Accurate"],
    ]
    book = claims.ledger()
    text = render.status_changes_markdown(log, book)
    assert ("(headline)" in text) == any(
        book.articles[a]["headline"] in {"a003-03", "a004-11"} for a in book.articles
    )
    assert render.status_changes_markdown(log.iloc[[1]], book) == "No verdict's status has changed."


def test_the_status_legend_lists_not_yet_checked_only_while_a_claim_is_pending():
    book = claims.ledger()
    label = claims.STATUSES["pending"]
    shown = label in render.statuses_markdown(book)
    assert shown == (book.claims["status"] == "pending").any()
    some = book.claims.loc[book.claims["status"] == "opinion", "id"].iloc[0]
    assert label in render.statuses_markdown(with_claims(book, **{some: {"status": "pending"}}))
