"""The build cannot be raced, cannot leave a good-looking failed site, shows package warnings and
ends a failure with one short message (issue 18, items 6, 7, 8 and 11)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT, check_built, load_script
from .test_build import build_html, cell, tiny_book

builder = load_script("build")


def test_a_second_build_in_the_same_checkout_stops_at_once_naming_the_first(tmp_path):
    book = tiny_book(tmp_path / "book", "# Chapter\n\nText.\n")
    with builder.build_lock(book / "_build"):
        run = build_html(book)
    assert run.returncode != 0
    message = run.stderr.strip().splitlines()
    assert len(message) == 1, run.stderr
    assert "another build is running in this checkout" in message[0]
    assert f"pid {os.getpid()}" in message[0]
    assert not (book / "_build" / "html").exists()  # it did not start building


def test_the_lock_is_released_after_a_build(tmp_path):
    with builder.build_lock(tmp_path / "_build"):
        pass
    with builder.build_lock(tmp_path / "_build"):  # would raise if still held
        pass
    assert (tmp_path / "_build" / builder.LOCK).read_text() == ""


OUTPUT = """\
\x1b[91m/r/chapters/a009_x.md: WARNING: Executing notebook failed: CellExecutionError\x1b[39;49;00m
Traceback (most recent call last):
nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:
------------------
x = 1
claims.check("a009-01", status="accurate")
------------------


---------------------------------------------------------------------------
StatusPinError                            Traceback (most recent call last)
Cell In[3], line 2
      1 x = 1
----> 2 claims.check("a009-01", status="accurate")

StatusPinError: chapters/a009_x.md argues that claim a009-01 is 'accurate'
 [mystnb.exec]
... 120 lines of Sphinx's crash report ...
/r/chapters/b.md:12: WARNING: undefined label: 'nowhere' [ref.ref]
/r/chapters/b.md:12: WARNING: undefined label: 'nowhere' [ref.ref]
"""


def test_summary_names_chapter_line_and_exception_and_each_warning_once(tmp_path):
    root = tmp_path / "r"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "a009_x.md").write_text(
        '# X\n\n```{code-cell} ipython3\nx = 1\nclaims.check("a009-01", status="accurate")\n```\n'
    )
    text = builder.summary(OUTPUT.replace("/r/", f"{root}/"), root, "html")
    lines = text.splitlines()
    assert lines[0] == "build FAILED (html)."
    assert lines[1] == (
        "  cell error: chapters/a009_x.md, line 5: StatusPinError: chapters/a009_x.md argues "
        "that claim a009-01 is 'accurate'"
    )
    assert sum("undefined label" in ln for ln in lines) == 1
    assert len(lines) <= 5


@pytest.mark.build
def test_a_failed_build_has_no_pdf_and_a_notice_on_every_page_until_fixed(tmp_path):
    good = "# Chapter\n\n" + cell("x = 1") + "Text.\n"
    book = tiny_book(tmp_path / "book", good)
    run = build_html(book)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    site = book / "_build" / "html"
    (site / "book.pdf").write_bytes(b"%PDF from the last good build")
    (site / builder.PDF_STAMP).write_text(builder.sources_digest(book) + "\n")
    bad = good + cell("raise ValueError('planted failure')", "remove-cell")
    (book / "chapter.md").write_text((book / "chapter.md").read_text().replace(good, bad))
    run = build_html(book)
    assert run.returncode != 0
    assert not (site / "book.pdf").exists() and not (site / builder.PDF_STAMP).exists()
    assert "FAILED" in (site / builder.NOTICE).read_text()
    pages = [p for p in site.rglob("*.html") if "<body" in p.read_text()]  # not fragments
    assert pages and all("build-failed-notice" in p.read_text() for p in pages)
    # The end of the output is the short message: chapter, line of the cell, exception.
    tail = run.stderr.strip().splitlines()[-4:]
    assert any("cell error: chapter.md, line" in ln and "planted failure" in ln for ln in tail)
    (book / "chapter.md").write_text((book / "chapter.md").read_text().replace(bad, good))
    run = build_html(book)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert not (site / builder.NOTICE).exists()
    assert not any("build-failed-notice" in p.read_text() for p in site.rglob("*.html"))
    check_built(book / "_build", book)


@pytest.mark.build
def test_a_deprecation_warning_inside_package_code_fails_the_build(tmp_path):
    """Python hides a DeprecationWarning raised outside __main__; the kernels run with
    PYTHONWARNINGS=default, so one raised in a module (as in factcheck/) reaches stderr."""
    code = cell("import pkgmod\npkgmod.old()", "remove-cell")  # found by the stderr scan
    book = tiny_book(tmp_path / "book", "# Chapter\n\n" + code)
    (book / "pkgmod.py").write_text(
        "import warnings\n\ndef old():\n"
        '    warnings.warn("old() is deprecated (planted)", DeprecationWarning, stacklevel=1)\n'
    )
    run = build_html(book)
    assert run.returncode != 0, run.stdout[-2000:]
    assert "DeprecationWarning: old() is deprecated (planted)" in run.stderr


def test_failed_site_is_rejected_by_the_tests_fixture(tmp_path):
    site = tmp_path / "_build" / "html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("<html><body>x</body></html>")
    (tmp_path / "_build" / builder.HTML_STAMP).write_text(builder.sources_digest(tmp_path) + "\n")
    check_built(tmp_path / "_build", tmp_path)  # a good build
    (site / builder.NOTICE).write_text("FAILED\n")
    with pytest.raises(pytest.fail.Exception, match="failed"):
        check_built(tmp_path / "_build", tmp_path)


def test_make_test_checks_tex_and_chromium_before_building():
    makefile = (ROOT / "Makefile").read_text()
    test = next(line for line in makefile.splitlines() if line.startswith("test:"))
    prerequisites = test.split(":", 1)[1].split()
    assert prerequisites.index("install-tex") < prerequisites.index("book")
    assert prerequisites.index("install-browser") < prerequisites.index("book")


def test_ledger_errors_are_reported_without_a_traceback(tmp_path):
    env = {**os.environ}
    code = (
        "import sys; from pathlib import Path; from factcheck.ledger import claims;"
        "claims.LEDGER_PATH = Path(sys.argv[1]); sys.exit(claims.main([]))"
    )
    bad = tmp_path / "claims.yml"
    bad.write_text("articles: {}\nclaims:\n  - id: a\n    id: b\n")
    run = subprocess.run(
        [sys.executable, "-c", code, str(bad)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr and "duplicate key 'id'" in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 3


def test_preflight_message_with_a_mistyped_mirror_is_one_line(tmp_path):
    env = {**os.environ, "FACTCHECK_DATA_MIRROR": str(tmp_path / "no-such-mirror")}
    run = subprocess.run(
        [sys.executable, "-m", "factcheck.data.registry", "--check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "no-such-mirror" in lines[0] and "does not exist" in lines[0]


def test_preflight_without_mirror_or_network_is_short_and_does_not_repeat_the_setting(tmp_path):
    env = {
        **os.environ,
        "FACTCHECK_DATA_MIRROR": "none",
        "FACTCHECK_DATA_CACHE": str(tmp_path / "cache"),
        # No network: every download fails at once.
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
    }
    run = subprocess.run(
        [sys.executable, "-m", "factcheck.data.registry", "--check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 1
    assert len(run.stderr) < 2500, run.stderr[:3000]
    assert "transcription" in run.stderr
    assert "set FACTCHECK_DATA_MIRROR=none" not in run.stderr  # the setting in use


def test_the_readme_says_transcriptions_need_the_mirror():
    readme = (ROOT / "README.md").read_text()
    assert "(or network access" not in readme
    assert "exist only in the mirror" in readme


def test_site_marking_helpers_round_trip(tmp_path):
    site = tmp_path / "_build" / "html"
    site.mkdir(parents=True)
    page = site / "a.html"
    original = '<html><body class="x"><p>text</p></body></html>'
    page.write_text(original)
    (site / "book.pdf").write_bytes(b"%PDF")
    builder.mark_failed(tmp_path / "_build", "planted")
    builder.mark_failed(tmp_path / "_build", "planted")  # once only
    assert page.read_text().count("build-failed-notice") == 2  # marker comment and class
    assert not (site / "book.pdf").exists()
    builder.clear_failed(tmp_path / "_build")
    assert page.read_text() == original and not (site / builder.NOTICE).exists()


def test_preflight_notices_a_changed_byte_with_the_mtime_restored(tmp_path, monkeypatch):
    from factcheck.data import registry

    mirror = tmp_path / "mirror"
    (mirror / "x").mkdir(parents=True)
    data = mirror / "x" / "file.csv"
    data.write_text("a,b\n1,2\n")
    item = registry.Entry(
        key="planted",
        path="x/file.csv",
        url="https://example.org/file.csv",
        sha256=registry.sha256_of(data),
        licence="CC0",
        citation="c",
        origin="byte copy",
        description="d",
    )
    monkeypatch.setattr(registry, "registry", lambda: {"planted": item})
    monkeypatch.setenv(registry.MIRROR_ENV, str(mirror))
    state = tmp_path / "state.json"
    assert registry.preflight(state) == [] and registry.LAST_PREFLIGHT.hashed == 1
    assert registry.preflight(state) == [] and registry.LAST_PREFLIGHT.unchanged == 1
    before = data.stat()
    data.write_text("a,b\n1,3\n")  # one byte, same size
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime restored
    assert data.stat().st_mtime_ns == before.st_mtime_ns
    problems = registry.preflight(state)
    assert len(problems) == 1 and "sha256 mismatch" in problems[0]
    assert registry.main(["--check", "--state", str(tmp_path / "fresh.json")]) == 1
    data.write_text("a,b\n1,2\n")
    assert registry.main(["--check", "--state", str(state)]) == 0


WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def test_every_matrix_leg_runs_the_whole_test_on_its_own_python_and_names_failed_artefacts():
    import yaml

    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    by_name = {s.get("name"): s for s in steps}
    version = by_name["Python version of this job"]["run"]
    assert "python3 --version" in version and "${{ matrix.python }}" in version
    test = next(s for s in steps if s.get("run", "").strip() == ".ci/run")
    assert test["env"]["EXPECT_PYTHON"] == "${{ matrix.python }}"
    assert test["if"] == "${{ !cancelled() }}"  # runs even when the lint step failed
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert {(u["if"], u["with"]["name"].split("-python")[0]) for u in uploads} == {
        ("success()", "book"),
        ("failure()", "FAILED-book"),
    }
    pages = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert "if" in pages and "always" not in pages["if"]


def test_ci_run_refuses_a_job_whose_python_is_not_the_one_it_claims(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text("#!/bin/sh\necho make-ran\n")
    (fake / "make").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "EXPECT_PYTHON": "3.99"}
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True
    )
    assert run.returncode == 1 and "expected Python 3.99" in run.stderr
    assert "make-ran" not in run.stdout
    found = f"{sys.version_info[0]}.{sys.version_info[1]}"
    env["EXPECT_PYTHON"] = found
    env["PYTHON"] = sys.executable
    run = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert f"is Python {found}." in run.stdout and "make-ran" in run.stdout
