"""A status cannot flip unseen (issue 18, item 3): each chapter pins the status it argues for.

The fault: a consistent three-line ledger edit (status, the verdict's opening label, the
status-specific field) turned a004-30 from contradicted to accurate and passed every rule, so
the page said "Accurate" beside prose that says the opposite. With ``status=`` in the chapter's
call the same edit stops the build with a message naming the chapter and the claim.
"""

from __future__ import annotations

import re

import pytest
import yaml

from factcheck.book import verdicts
from factcheck.ledger import claims

from .conftest import CHAPTERS, ROOT, load_script

pin_statuses = load_script("pin_statuses")


def flipped_ledger(tmp_path):
    """The project's ledger with a004-30 turned from contradicted into accurate, consistently."""
    text = claims.LEDGER_PATH.read_text()
    start = text.index('  - id: "a004-30"')
    end = text.index("  - id:", start + 5)
    block = text[start:end]
    new = block.replace('status: "contradicted"', 'status: "accurate"').replace(
        'verdict: "Contradicted:', 'verdict: "Accurate:'
    )
    new = re.sub(r"    conflict: .*\n", "", new)
    assert new != block and "conflict" not in new
    path = tmp_path / "claims.yml"
    path.write_text(text[:start] + new + text[end:])
    return claims.read_ledger(path)  # every rule accepts the edit


def test_a_ledger_only_status_flip_fails_naming_the_chapter_and_claim(tmp_path, monkeypatch):
    book = flipped_ledger(tmp_path)
    monkeypatch.setattr(claims, "ledger", lambda: book)
    verdicts.check("a004-30")  # without a pin the flip goes through (the fault)
    with pytest.raises(claims.StatusPinError) as err:
        verdicts.check("a004-30", status="contradicted")
    message = str(err.value)
    assert "chapters/a004_expansion_prince_william.md" in message and "a004-30" in message
    assert "'contradicted'" in message and "'accurate'" in message
    with pytest.raises(claims.StatusPinError, match="a004-30"):
        verdicts.verdict("a004-30", status="contradicted")


def test_a_pin_that_matches_passes_and_a_misspelt_one_fails():
    verdicts.check("a004-30", status="contradicted")
    with pytest.raises(claims.StatusPinError, match="not a status"):
        verdicts.verdict("a004-30", status="contradicted-ish")


PINNED = re.compile(r"(^|[,(\s])status\s*=\s*[\"'](\w+)[\"']")


def test_every_check_and_verdict_call_in_every_chapter_pins_the_ledger_status():
    statuses = pin_statuses.ledger_statuses()
    unpinned, wrong, seen = [], [], 0
    for path in sorted(CHAPTERS.glob("*.md")):
        for function, claim_id, _, _, args in pin_statuses.calls(path.read_text()):
            seen += 1
            found = PINNED.search(args)
            if found is None:
                unpinned.append(f"{path.name}: verdicts.{function}({claim_id})")
            elif claim_id in statuses and found.group(2) != statuses[claim_id]:
                wrong.append(f"{path.name}: {claim_id} pins {found.group(2)}")
    assert seen > 100
    assert not unpinned, (
        f"{len(unpinned)} call(s) without status=; run python scripts/pin_statuses.py: "
        + "; ".join(unpinned[:5])
    )
    assert not wrong, wrong


CHAPTER = """```{code-cell} ipython3
verdicts.check("a004-30")
verdicts.verdict("a004-05", rebuilt=f"{x['a']} (b)")  # a comment (with a paren
verdicts.check(
    "a004-06",
    rebuilt=value,
)
verdicts.check("a004-07", status="accurate")
for cid in ids:
    verdicts.check(cid)
```
"""


def test_pin_script_adds_pins_once_and_reports_calls_it_cannot_pin():
    statuses = {"a004-30": "contradicted", "a004-05": "traced", "a004-06": "accurate"}
    text, pinned, problems = pin_statuses.pin(CHAPTER, statuses)
    assert pinned == ["a004-30", "a004-05", "a004-06"]
    assert 'verdicts.check("a004-30", status="contradicted")' in text
    assert 'verdicts.verdict("a004-05", rebuilt=f"{x[\'a\']} (b)", status="traced")  # a' in text
    assert '    rebuilt=value,\n    status="accurate",\n)' in text
    assert 'verdicts.check("a004-07", status="accurate")\n' in text  # an existing pin is kept
    assert len(problems) == 1 and "verdicts.check(cid" in problems[0]
    again, pinned_again, _ = pin_statuses.pin(text, statuses)
    assert again == text and pinned_again == []  # idempotent


def test_pin_script_check_mode_fails_on_an_unpinned_chapter(tmp_path, capsys):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "claims.yml").write_text(
        yaml.safe_dump({"claims": [{"id": "a004-30", "status": "contradicted"}]})
    )
    chapter = tmp_path / "chapters" / "a004_x.md"
    chapter.write_text('verdicts.check("a004-30")\n')
    assert pin_statuses.main(["--check", "--root", str(tmp_path)]) == 1
    assert chapter.read_text() == 'verdicts.check("a004-30")\n'  # --check never writes
    assert pin_statuses.main(["--root", str(tmp_path)]) == 0
    assert chapter.read_text() == 'verdicts.check("a004-30", status="contradicted")\n'
    assert pin_statuses.main(["--check", "--root", str(tmp_path)]) == 0
    assert "0 call(s) without a status pin" in capsys.readouterr().out


def test_the_template_shows_a_pinned_call():
    text = (ROOT / "chapters" / "_template.md").read_text()
    assert all(pin_statuses.has_pin(args) for *_, args in pin_statuses.calls(text))
