"""Build integrity: the Makefile and CI, failed builds, stale outputs, and the built book itself.

Tests that build a small book or read the built one are marked `build` (run by `make test`);
the others run in `make unit` too.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from factcheck.ledger import claims

from .conftest import CHAPTERS, ROOT, check_built, load_script, toc_files

builder = load_script("build")
MAKEFILE = (ROOT / "Makefile").read_text()
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
GLUE_FIGURE = re.compile(r"```\{glue:figure\} (\S+)\n:name: (\S+)")
SAVE_FIGURE = re.compile(r"save_figure\(fig, \"([\w-]+)\"\)")


def recipe_lines(makefile: str = MAKEFILE) -> list[str]:
    """Every recipe line (tab-indented, continuation lines joined)."""
    joined = re.sub(r"\\\n", " ", makefile)
    return [line for line in joined.splitlines() if line.startswith("\t")]


# --- Makefile and CI ---------------------------------------------------------------------------

EARLY_EXIT_READER = re.compile(r"\|\s*(grep\s+(-\w*\s+)*-\w*[qm]|head\b|sed\s+-n\s+\d+q)")
MASKED_FAILURE = re.compile(r"\|\|\s*(true|:)(\s|;|$)|;\s*true\s*$|^\t-")


def test_makefile_checks_never_pipe_into_a_reader_that_exits_early():
    # Under `bash -eo pipefail`, `fc-list | grep -qi X` fails with SIGPIPE (exit 141) whenever
    # grep finds X before fc-list has written everything.
    assert ".SHELLFLAGS := -eo pipefail -c" in MAKEFILE
    lines = re.sub(r"\\\n", " ", MAKEFILE).splitlines()  # recipes, variables and defines
    bad = [
        line.strip()
        for line in lines
        if not line.lstrip().startswith("#") and EARLY_EXIT_READER.search(line)
    ]
    assert not bad, f"pipe into an early-exiting reader under pipefail: {bad}"


def test_the_lint_catches_the_old_tex_check():
    old = (
        "\t@if command -v xelatex >/dev/null && fc-list | grep -qi FreeSerif; then \\\n\t  x; fi\n"
    )
    assert any(EARLY_EXIT_READER.search(line) for line in recipe_lines(old))
    assert MASKED_FAILURE.search("\t$(PY) -m pytest || true")
    assert MASKED_FAILURE.search("\t-$(PY) -m pytest")


def test_no_recipe_masks_a_failure():
    bad = [line.strip() for line in recipe_lines() if MASKED_FAILURE.search(line)]
    assert not bad, f"recipe lines that hide a failing exit status: {bad}"


@pytest.mark.build
@pytest.mark.parametrize("target", ["check-tex", "check-browser"])
def test_system_checks_are_stable_under_pipefail(target):
    # `make test` installs both; the check must say so every time (it failed 4 runs in 10).
    for attempt in range(8):
        run = subprocess.run(
            ["make", "-s", "--no-print-directory", target],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"attempt {attempt}: {run.stdout}{run.stderr}"


def test_install_targets_print_the_packages_when_they_cannot_install():
    for name, packages in [("TeX", "TEX_PACKAGES"), ("Browser", "BROWSER_PACKAGES")]:
        assert f"$(call apt_install,{name}," in MAKEFILE and packages in MAKEFILE
    assert "Install these Debian packages (as root): apt-get install $(3)" in MAKEFILE
    assert re.search(r"^test: install-tex install-browser book$", MAKEFILE, re.M)
    assert "BROWSER_PACKAGES := chromium chromium-driver" in MAKEFILE


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands.*?```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    tests = [c for c in commands if c.endswith("test")]
    assert len(tests) == 1, block
    return tests[0]


def test_ci_runs_exactly_the_readme_test_command():
    command = readme_test_command()
    assert command == "make test"
    run_script = (ROOT / ".ci" / "run").read_text().splitlines()
    assert run_script[-1] == f"exec {command}"
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert [s["run"].strip() for s in steps if "run" in s and ".ci/run" in s["run"]] == [".ci/run"]


def test_ci_run_fails_when_pytest_collects_nothing(tmp_path):
    """pytest exits 5 when it collects no test; .ci/run must not turn that into a pass."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "make").write_text("#!/bin/sh\nexit 5\n")
    (fake / "make").chmod(stat.S_IRWXU)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    run = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True)
    assert run.returncode == 5
    empty = tmp_path / "empty"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", str(empty)], capture_output=True)
    assert run.returncode == 5  # so `make test` fails on an empty collection


def test_python_support_is_declared_once_and_tested_in_ci():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["requires-python"] == ">=3.11"
    assert project["tool"]["ruff"]["target-version"] == "py311"
    assert "Python 3.11+" in (ROOT / "README.md").read_text()
    matrix = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["strategy"]["matrix"]
    assert [str(v) for v in matrix["python"]] == ["3.11", "3.12", "3.13"]


def requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def test_lock_pins_everything_with_hashes_and_matches_pyproject():
    lock = (ROOT / "requirements.txt").read_text()
    entries = re.findall(r"^[A-Za-z0-9].*(?:\n[ \t].*)*", lock, re.M)
    assert len(entries) > 100
    pinned = {}
    for entry in entries:
        first = entry.splitlines()[0]
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+) \\$", first)
        assert match, f"not pinned: {first}"
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"no hash: {first}"
        pinned[match.group(1).lower()] = match.group(2)
    assert {"pip", "setuptools", "wheel"} <= set(pinned)
    wanted = requirement_names((ROOT / "requirements.in").read_text().splitlines())
    assert wanted <= set(pinned), wanted - set(pinned)
    assert {"statsmodels", "itables", "selenium"} <= wanted
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = requirement_names(project["dependencies"])
    declared |= requirement_names(project["optional-dependencies"]["test"])
    assert declared == wanted - {"pip", "wheel"}
    assert "--require-hashes" in MAKEFILE


def test_every_locked_package_supports_the_oldest_declared_python():
    # soupsieve 4.1.2 (locked with Python 3.11.7) needs 3.11.5: Debian 12's 3.11.2 could not
    # install the lock although the project declared 3.11.
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    lock = (ROOT / "requirements.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9._-]+)==(\S+) \\$", lock, re.M))
    minimum = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    oldest = minimum.removeprefix(">=") + ".0"
    checked, bad = 0, []
    for dist in metadata.distributions():
        name = dist.metadata["Name"].lower().replace("_", "-")
        if pins.get(name) != dist.version:
            continue
        checked += 1
        needs = dist.metadata.get("Requires-Python")
        if needs and not SpecifierSet(needs).contains(oldest):
            bad.append(f"{name}=={dist.version} needs Python {needs}")
    assert checked > 100, "run the tests in the venv built from the lock (make install-python)"
    assert not bad, f"the lock does not install on Python {oldest}: {bad}"


def test_workflow_fails_loudly_lints_caches_uploads_and_serialises_pages():
    text = WORKFLOW.read_text()
    workflow = yaml.safe_load(text)
    build = workflow["jobs"]["build"]
    steps = build["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    mirror = [s for s in steps if s.get("name") == "Data mirror required"]
    assert mirror and "exit 1" in mirror[0]["run"] and "DATA_MIRROR_REPO" in mirror[0]["if"]
    assert "make lint" in runs
    cached = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache")]
    assert any("pip" in p for p in cached) and any("apt" in p for p in cached)
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
    assert uploads and "_build/html" in uploads[0]["with"]["path"]
    assert "book.pdf" in uploads[0]["with"]["path"]
    assert "pull_request" in workflow[True]  # `on:` parses as True
    assert workflow["jobs"]["deploy"]["concurrency"]["group"] == "pages"
    assert workflow["concurrency"]["cancel-in-progress"]
    assert "data/README.md" in text  # the mirror layout is documented


# --- A failed build stays failed, and stderr from any cell fails it -----------------------------

HEADER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def tiny_book(root: Path, chapter: str, intro: str = "# Tiny\n\nA tiny book.\n") -> Path:
    """A two-page book in ``root`` with the project's own execute and parse configuration."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    nb_options = {k: v for k, v in config["sphinx"]["config"].items() if k.startswith("nb_")}
    tiny = {
        "title": "Tiny",
        "only_build_toc_files": True,
        "execute": config["execute"],
        "parse": config["parse"],
        "sphinx": {"config": nb_options},
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(yaml.safe_dump(tiny))
    (root / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: chapter\n")
    (root / "intro.md").write_text(intro)
    (root / "chapter.md").write_text(HEADER + chapter)
    return root


def build_html(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "html", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def cell(source: str, tag: str | None = None) -> str:
    tags = f":tags: [{tag}]\n\n" if tag else ""
    return f"```{{code-cell}} ipython3\n{tags}{source}\n```\n"


@pytest.mark.build
def test_stderr_in_a_removed_cell_fails_every_build_until_fixed(tmp_path):
    planted = cell('import sys\nprint("planted-complaint", file=sys.stderr)', "remove-cell")
    book = tiny_book(tmp_path / "book", "# Chapter\n\n" + cell("x = 1") + planted + "Text.\n")
    for attempt in range(2):  # the second run must not pass on the first run's leftovers
        run = build_html(book)
        assert run.returncode != 0, f"attempt {attempt} passed:\n{run.stdout[-2000:]}"
        assert "planted-complaint" in run.stderr and "remove-cell" in run.stderr
        assert (book / "_build" / builder.FAILED).exists()
        assert not (book / "_build" / builder.HTML_STAMP).exists()
    (book / "chapter.md").write_text(
        (book / "chapter.md").read_text().replace(", file=sys.stderr", "")
    )
    run = build_html(book)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    check_built(book / "_build", book)


@pytest.mark.build
def test_warning_from_a_visible_cell_fails_the_rerun_too(tmp_path):
    warns = cell('import warnings\nwarnings.warn("planted-warning")', "remove-input")
    book = tiny_book(tmp_path / "book", "# Chapter\n\n" + warns)
    for attempt in range(2):
        run = build_html(book)
        assert run.returncode != 0, f"attempt {attempt} passed:\n{run.stdout[-2000:]}"
        assert "[mystnb.stderr]" in run.stdout + run.stderr


@pytest.mark.build
def test_duplicate_label_fails_the_rerun_too(tmp_path):
    book = tiny_book(
        tmp_path / "book",
        "(same)=\n# Chapter\n\nText.\n",
        intro="(same)=\n# Tiny\n\nA tiny book.\n",
    )
    for attempt in range(2):
        run = build_html(book)
        assert run.returncode != 0, f"attempt {attempt} passed:\n{run.stdout[-2000:]}"
        assert "duplicate label" in run.stdout + run.stderr


def test_stderr_scan_reads_every_cell_of_every_executed_notebook(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.md").write_text("# A\n")
    executed = tmp_path / "_build" / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    quiet = nbformat.v4.new_output("stream", name="stdout", text="fine\n")
    loud = nbformat.v4.new_output("stream", name="stderr", text="Warning: x\nmore\n")
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# A"),
            nbformat.v4.new_code_cell("1", outputs=[quiet]),
            nbformat.v4.new_code_cell("2", metadata={"tags": ["remove-cell"]}, outputs=[loud]),
        ]
    )
    nbformat.write(notebook, executed / "a.ipynb")
    nbformat.write(notebook, executed / "gone.ipynb")  # no chapters/gone.md any more
    found = builder.stderr_outputs(tmp_path / "_build", tmp_path)
    assert found == ["chapters/a.md, cell 2 (tags ['remove-cell']) wrote to stderr: Warning: x"]


# --- No stale PDF --------------------------------------------------------------------------------


def test_html_build_removes_a_pdf_built_from_other_sources(tmp_path):
    site = tmp_path / "_build" / "html"
    site.mkdir(parents=True)
    (site / "book.pdf").write_bytes(b"%PDF old")
    (site / builder.PDF_STAMP).write_text("old-digest\n")
    builder.remove_stale_pdf(tmp_path, tmp_path / "_build", "old-digest")
    assert (site / "book.pdf").exists()  # current: kept
    builder.remove_stale_pdf(tmp_path, tmp_path / "_build", "new-digest")
    assert not (site / "book.pdf").exists() and not (site / builder.PDF_STAMP).exists()
    (site / "book.pdf").write_bytes(b"%PDF unstamped")
    builder.remove_stale_pdf(tmp_path, tmp_path / "_build", "new-digest")
    assert not (site / "book.pdf").exists()


def test_sources_digest_covers_chapters_ledger_config_and_bibliography(tmp_path):
    for name in ["chapters/a.md", "data/claims.yml", "_config.yml", "_toc.yml", "references.bib"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    before = builder.sources_digest(tmp_path)
    for name in ["chapters/a.md", "data/claims.yml", "_config.yml", "_toc.yml", "references.bib"]:
        (tmp_path / name).write_text("y\n")
        after = builder.sources_digest(tmp_path)
        assert after != before, name
        before = after
    (tmp_path / "chapters" / "generated").mkdir()
    (tmp_path / "chapters" / "generated" / "claims.csv").write_text("derived\n")
    assert builder.sources_digest(tmp_path) == before


def test_built_fixture_rejects_a_stale_or_failed_build(tmp_path):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "chapters" / "a.md").write_text("# A\n")
    build = book / "_build"
    (build / "html").mkdir(parents=True)
    (build / "html" / "index.html").write_text("<html></html>")
    (build / builder.HTML_STAMP).write_text(builder.sources_digest(book) + "\n")
    check_built(build, book)  # current
    (book / "chapters" / "a.md").write_text("# A, edited\n")
    with pytest.raises(pytest.fail.Exception, match="out of date"):
        check_built(build, book)
    (build / builder.HTML_STAMP).write_text(builder.sources_digest(book) + "\n")
    (build / builder.FAILED).write_text("")
    with pytest.raises(pytest.fail.Exception, match="failed"):
        check_built(build, book)


# --- The built book ------------------------------------------------------------------------------


def page(built: Path, doc: str) -> str:
    return (built / "html" / f"{doc}.html").read_text(encoding="utf-8")


def plain(text: str) -> str:
    """Visible text of an HTML fragment or a Markdown title, for comparisons."""
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", text))
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "#": " "}))
    return " ".join(re.sub(r"[`*_]", "", text).split())


def source_title(doc: str) -> str:
    text = re.sub(r"```.*?```", "", (ROOT / f"{doc}.md").read_text(encoding="utf-8"), flags=re.S)
    return re.search(r"^# (.+)$", text, re.M).group(1)


def test_every_toc_document_has_a_page_with_its_title(built):
    for doc in toc_files():
        article = re.search(
            r'<article class="bd-article"[^>]*>(.*?)</article>', page(built, doc), re.S
        )
        assert article, f"{doc}: no article body"
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", article.group(1), re.S)
        assert heading, f"{doc}: no h1 in the article body"
        assert plain(heading.group(1)) == plain(source_title(doc)), doc


def test_no_unresolved_glue_or_tracebacks_in_pages(built):
    for doc in toc_files():
        html = page(built, doc)
        for bad in [
            "{glue:",
            "Traceback (most recent call last)",
            "&lt;Figure size",
            "<Figure size",
        ]:
            assert bad not in html, f"{doc}: {bad!r} in page"


def test_no_cell_of_any_executed_chapter_wrote_to_stderr(built):
    from myst_nb.core.read import is_myst_markdown_notebook

    notebooks = [
        d for d in toc_files() if is_myst_markdown_notebook((ROOT / f"{d}.md").read_text())
    ]
    assert len(notebooks) >= 8
    for doc in notebooks:  # every notebook chapter was executed, so the scan below sees it
        assert (built / "jupyter_execute" / f"{doc}.ipynb").exists(), doc
    assert builder.stderr_outputs(built, ROOT) == []


def test_glued_figures_render_as_images(built):
    checked = 0
    for doc in toc_files():
        path = ROOT / f"{doc}.md"
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
        path = ROOT / "figures" / f"{name}.png"
        assert path.exists() and path.stat().st_size > 5_000, path


def test_pdf_is_built_from_the_current_sources_and_offered_in_html(built):
    pdf = built / "latex" / "book.pdf"
    assert pdf.exists(), "no PDF: run `make book`"
    stamp = built / "latex" / builder.PDF_STAMP
    assert stamp.exists(), "the PDF has no sources stamp: build it with `make pdf`"
    assert stamp.read_text().strip() == builder.sources_digest(ROOT), "the PDF is out of date"
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
    ledger = claims.ledger().claims.set_index("id")
    assert "a004-01" in html
    assert claims.STATUSES[ledger.loc["a004-01", "status"]] in html


# --- The chapter template -------------------------------------------------------------------


@pytest.mark.parametrize("rebuilt", ["150 agreements (77 jail, 73 warrant service)", 1234, 0.5])
def test_template_glues_text_and_numbers(rebuilt, monkeypatch):
    import myst_nb

    from factcheck.book import report

    glued = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: glued.update({name: value})
    )
    template = (CHAPTERS / "_template.md").read_text()
    code = next(
        c
        for c in re.findall(r"```\{code-cell\}.*?\n(.*?)```", template, re.S)
        if "aNNN-rebuilt-01" in c
    )
    code = "\n".join(
        line for line in code.splitlines() if not line.startswith(":") and line != "rebuilt = ..."
    )
    exec(compile(code, "_template.md", "exec"), {"report": report, "rebuilt": rebuilt})
    assert isinstance(glued["aNNN-rebuilt-01"], str) and glued["aNNN-rebuilt-01"]


def test_benchmark_takes_the_median_of_three_runs_after_a_warm_up(monkeypatch):
    benchmark = load_script("benchmark")
    calls = []
    fake = iter([99.0, 9.0, 99.0] + [40.0, 2.0, 18.0, 44.0, 3.0, 30.0, 42.0, 2.5, 19.0])
    monkeypatch.setattr(benchmark, "run", lambda target: calls.append(target) or next(fake))
    monkeypatch.setattr(benchmark.shutil, "rmtree", lambda *a, **k: None)
    times = benchmark.measure(3)
    assert calls == ["html", "html", "pdf"] * 4
    assert times == {
        "clean": [40.0, 44.0, 42.0],
        "rebuild": [2.0, 3.0, 2.5],
        "pdf": [18.0, 30.0, 19.0],
    }
    text = benchmark.table(times, (1.0, 1.5))
    assert "| 42.0 | 40.0-44.0 |" in text and "| 19.0 | 18.0-30.0 |" in text
    assert "Median of 3 runs after one warm-up run" in text


STRAY_STRING = re.compile(
    r'output text_plain[^>]*><div class="highlight"><pre><span></span>(&#39;|\')'
)


def test_no_code_cell_shows_a_stray_string(built):
    """A cell whose last line returns a string (a glue helper, say) prints it under the code."""
    for doc in toc_files():
        stray = STRAY_STRING.findall(page(built, doc))
        assert not stray, f"{doc}: {len(stray)} code cell(s) show a bare string output"


def test_stderr_scan_closes_the_execution_cache_database(tmp_path, monkeypatch):
    """The jupyter-cache engine is disposed: Python 3.13 warns about an unclosed sqlite3
    connection (ResourceWarning, fatal under the test suite's filterwarnings = error), and on
    every version each connection the scan opens must be closed when it returns."""
    import gc
    import sqlite3
    import sqlite3.dbapi2
    import warnings

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from myst_nb.core.read import read_myst_markdown_notebook

    (tmp_path / "chapters").mkdir()
    source = HEADER + "# A\n\n" + cell("print('hi')")
    (tmp_path / "chapters" / "a.md").write_text(source)
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    notebook = read_myst_markdown_notebook(source)
    notebook.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    seed = get_cache(str(cache_dir))
    seed.cache_notebook_bundle(CacheBundleIn(notebook, "a"), check_validity=False)
    seed.db.dispose()
    executed = tmp_path / "_build" / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    nbformat.write(notebook, executed / "a.ipynb")
    (tmp_path / "_config.yml").write_text("execute:\n  cache: _build/.jupyter_cache\n")

    opened = []
    connect = sqlite3.connect

    def tracking(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", tracking)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", tracking)  # what SQLAlchemy calls
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        assert builder.stderr_outputs(tmp_path / "_build", tmp_path) == []
        gc.collect()
    assert opened, "the scan did not read the execution cache"
    still_open = []
    for connection in opened:
        try:
            connection.execute("select 1")
            still_open.append(connection)
        except sqlite3.ProgrammingError:  # closed
            pass
    assert not still_open, f"{len(still_open)} sqlite connection(s) left open by the scan"


@pytest.mark.build
def test_no_cell_prints_a_raw_value(built):
    """A chapter's code glues its values and shows tables or figures; no cell's last line prints
    a Python value (a dict of glued texts read as "{'md-first': ...}" in the page and the PDF)."""

    printed = {}
    notebooks = sorted((built / "jupyter_execute" / "chapters").glob("*.ipynb"))
    assert len(notebooks) > 10  # the executed chapters are there to be read
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("data", {}).get("text/plain", ""))
                if output.get("output_type") == "execute_result" and text[:1] in "{[(":
                    printed.setdefault(path.stem, []).append(text[:60])
    assert printed == {}, f"cells that print a raw value: {printed}"
