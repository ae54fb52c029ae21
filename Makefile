# The two commands a reader needs (see README.md):
#   make book   build the HTML book and the PDF (installs what is missing first)
#   make test   build the book, then run every test against it (CI runs exactly this: .ci/run)
#
# Other targets: install, html, pdf, unit (tests that need no build), lint, check-data,
# check-chapters, chapter NAME=... (check and execute one chapter quickly), check-tex,
# check-browser, benchmark, lock, clean.
#
# Every recipe runs under `bash -eo pipefail`. Checks therefore never pipe into a reader that
# exits early (`cmd | grep -q`, `| head`): the writer would die of SIGPIPE and pipefail would
# report a failure although the check succeeded. tests/test_build.py enforces this.
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BUILD := _build
# Extra options for apt-get (CI points the package cache at a cached folder).
APT_OPTS ?=

# Debian packages for the PDF (xelatex, latexmk, fonts, pdfinfo).
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
	texlive-fonts-recommended texlive-plain-generic latexmk lmodern tex-gyre \
	fonts-freefont-otf poppler-utils
# Debian packages for the browser tests (headless Chromium driven by Selenium).
BROWSER_PACKAGES := chromium chromium-driver

# Each check is one shell condition without pipes: true when everything is present.
TEX_OK := command -v xelatex >/dev/null && command -v latexmk >/dev/null \
	&& command -v pdfinfo >/dev/null && kpsewhich fncychap.sty >/dev/null \
	&& [ -n "$$(fc-list FreeSerif family)" ]
BROWSER_OK := command -v chromium >/dev/null && command -v chromedriver >/dev/null

# $(call apt_install,NAME,CHECK,PACKAGES): nothing when CHECK passes; as root on Debian, install
# PACKAGES and check again; otherwise print what to install and fail.
define apt_install
	@if $(2); then \
	  echo "$(1): already installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "$(1): installing Debian packages (a few minutes): $(3)"; \
	  apt-get $(APT_OPTS) update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get $(APT_OPTS) install -y -qq --no-install-recommends $(3) >/dev/null; \
	  if $(2); then echo "$(1): installed"; else echo "$(1): still missing after apt-get install" >&2; exit 1; fi; \
	else \
	  echo "$(1) is missing. Install these Debian packages (as root): apt-get install $(3)" >&2; \
	  exit 1; \
	fi
endef

define check_only
	@if $(2); then echo "$(1): present"; else echo "$(1): missing ($(3))" >&2; exit 1; fi
endef

.PHONY: install install-python install-tex install-browser check-tex check-browser check-data \
	check-chapters chapter book html pdf test unit lint benchmark lock clean

install: install-python install-tex install-browser

install-python: $(VENV)/.installed

# The lock has a hash for every package, pip, setuptools and wheel included.
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip check
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@# Build matplotlib's font cache now: its first-run notice on stderr would fail the book build.
	MPLBACKEND=Agg $(PY) -c "import matplotlib.pyplot"
	touch $@

install-tex:
	$(call apt_install,TeX,$(TEX_OK),$(TEX_PACKAGES))

install-browser:
	$(call apt_install,Browser,$(BROWSER_OK),$(BROWSER_PACKAGES))

check-tex:
	$(call check_only,TeX,$(TEX_OK),$(TEX_PACKAGES))

check-browser:
	$(call check_only,Browser,$(BROWSER_OK),$(BROWSER_PACKAGES))

# Pre-flight: every registered raw file is present with its sha256 (size+mtime fingerprints
# are cached; a changed file is hashed again). Reports all bad files at once, before any chapter.
check-data: install-python
	$(PY) -m factcheck.data.registry --check --state $(BUILD)/.registry-fingerprints.json

LEDGER_CSV := chapters/generated/claims.csv
LEDGER_JSON := chapters/generated/claims.json

# The scorecard's CSV and JSON downloads (with resolved sources): regenerated only when the
# ledger, its sources or its code change.
$(LEDGER_CSV): $(wildcard data/*) references.bib $(wildcard factcheck/*.py factcheck/*/*.py) $(VENV)/.installed
	$(PY) -m factcheck.ledger.claims --csv $@ --json $(LEDGER_JSON)
	touch $@

# scripts/build.py: cache invalidation, a clean environment after a failed build, the scan of
# every executed notebook for stderr, and removal of a PDF that no longer matches the sources.
# The prose (no hand-typed numbers) and chapter-shape checks run first: under a second, and a
# number typed into prose can never be built or published.
check-chapters: install-python
	$(PY) scripts/check_chapters.py

html: check-data check-chapters $(LEDGER_CSV)
	$(PY) scripts/build.py html --build $(BUILD)

# One chapter, quickly: ledger, prose/shape and status-pin checks, then its cells in a fresh
# kernel (errors with the chapter's line, stderr). No rendering: `make html` does that.
chapter: install-python
	@if [ -z "$(NAME)" ]; then echo "usage: make chapter NAME=a004_expansion_prince_william" >&2; exit 2; fi
	$(PY) scripts/chapter.py $(NAME)

pdf: html install-tex
	$(PY) scripts/build.py pdf --build $(BUILD)

book: pdf

# TeX and Chromium are checked (installed as root) before the long build, not after it.
test: install-tex install-browser book
	$(PY) -m pytest

unit: install-python
	$(PY) -m pytest -m "not build"

# The same checks as the pre-commit hooks: ruff, the formatter, the glue discipline, the ledger.
lint: install-python
	$(VENV)/bin/ruff check factcheck tests scripts
	$(VENV)/bin/ruff format --check factcheck tests scripts
	$(PY) -m factcheck.ledger.prose chapters/*.md
	$(PY) -m factcheck.ledger.claims

benchmark: install
	$(PY) scripts/benchmark.py --repeat 3

# Regenerate the lock (with hashes) from requirements.in, in a throwaway venv with pip-tools.
# Resolve with the oldest supported Python (3.11; Debian 12 ships 3.11.2), so that every pin
# installs there: make lock LOCK_PYTHON=/usr/bin/python3.11 (tests/test_build.py checks it).
LOCK_PYTHON ?= $(PYTHON)
lock:
	rm -rf .lock-venv
	$(LOCK_PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "pip-tools==7.6.2"
	.lock-venv/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	  --no-emit-find-links --no-emit-index-url --output-file requirements.txt requirements.in
	rm -rf .lock-venv

clean:
	rm -rf $(BUILD) chapters/generated figures/*.png
