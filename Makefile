# The course's two everyday commands are `make book` and `make test` (see README.md).
# Both create .venv and install the pinned dependencies when needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard solutions/*))
MATHJAX_VERSION ?= 3.2.2

.PHONY: help install system-packages dist book book-ja ja-catalogs ja-notebooks instructor-book browser hub linkcheck test pytest release check-release serve clean lock vendor-mathjax bench

help:
	@echo "make book     build the HTML book into _build/html (executes every chapter)"
	@echo "make dist     build the learner's kit, a wheel, into $(KIT_DIST)/ (the book offers it)"
	@echo "make test     build the book (both editions), then run the whole test suite, browser tests included"
	@echo "make book-ja  build the Japanese edition (日本語版) into _build/ja/html (reuses the execution cache)"
	@echo "make ja-catalogs      re-extract the English prose and update locales/ja/LC_MESSAGES/*.po"
	@echo "make ja-notebooks     regenerate the Japanese exercise notebooks (chapters/exercises_ja/)"
	@echo "make instructor-book  build the instructor edition (with the solutions) into _build/instructor/html"
	@echo "make linkcheck        check the external links of the book (needs the network; not part of make test)"
	@echo "make release  regenerate the released exercise notebooks with nbgrader"
	@echo "make bench    run every benchmark in bench/ (results in bench/results/; the book shows the GRU ones)"
	@echo "make serve    serve the built book on http://localhost:8000"
	@echo "make clean    remove build outputs (keeps .venv)"

# Debian packages that grading and its tests need, installed by `make test` and `make pytest`
# (not by `make book`, which needs no root): bubblewrap sandboxes each submission when
# grading; postgresql is the server the test suite starts to test a PostgreSQL gradebook.
SYSTEM_PACKAGES := bubblewrap postgresql

install: $(STAMP)

system-packages:
	@if ! dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "warning: as root, run: apt-get install $(SYSTEM_PACKAGES) (grading needs bubblewrap)"; fi; fi

$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
	touch $(STAMP)

# -W: warnings are errors; -n: nitpicky cross-references; --keep-going: report them all.
# Sphinx rewrites only changed pages; after a change to the table of contents or the config,
# every page's navigation may change, so then write them all (the execution cache still holds).
BOOK_ALL = $(shell [ _build/html/index.html -nt _toc.yml ] && [ _build/html/index.html -nt _config.yml ] || echo --all)

# The learner's kit (kit/pyproject.toml): one wheel with the gatedrnn package and pinned
# dependencies, for a learner's own Python. Built offline from the repository's gatedrnn/;
# the exercise pages offer it for download, so the book needs it first.
KIT_DIST ?= _build/dist
KIT_VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' kit/pyproject.toml)
KIT_WHEEL := $(KIT_DIST)/gated_rnn_kit-$(KIT_VERSION)-py3-none-any.whl
dist: $(KIT_WHEEL)
$(KIT_WHEEL): $(STAMP) $(wildcard kit/*) $(shell find gatedrnn -type f -not -path '*/__pycache__/*')
	rm -rf kit/build gated_rnn_kit.egg-info   # stale build files would go into the wheel
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir $(KIT_DIST) ./kit
	rm -rf kit/build gated_rnn_kit.egg-info

book: $(STAMP) $(KIT_WHEEL)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going $(BOOK_ALL)

# The instructor edition: the same book plus the solution notebooks, marked as such on every
# page. Its _config.yml and _toc.yml are generated from the repository's (one source of truth)
# into _build/instructor/; it shares the default build's execution cache.
instructor-book: $(STAMP) $(KIT_WHEEL)
	$(BIN)/python -m autograder.instructor_book _build/instructor
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config _build/instructor/_config.yml \
	  --toc _build/instructor/_toc.yml --path-output _build/instructor --warningiserror --nitpick --keep-going
	ln -sfn _build/html _build/instructor/html   # jupyter-book writes to <path-output>/_build/html

# The Japanese edition: the same sources, prose from the gettext catalogs in locales/ja/.
# Its _config.yml is generated from the repository's; it shares the execution cache, so no
# notebook runs again. Published under the English edition's ja/ (relative language links).
book-ja: $(STAMP) $(KIT_WHEEL)
	$(BIN)/python -m autograder.japanese_book _build/ja
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config _build/ja/_config.yml \
	  --path-output _build/ja --warningiserror --nitpick --keep-going
	ln -sfn _build/html _build/ja/html   # jupyter-book writes to <path-output>/_build/html
	mkdir -p _build/html && ln -sfn ../ja/html _build/html/ja

# Re-extract the English prose into message templates (one per page) and merge them into the
# Japanese catalogs: new messages come in untranslated, changed ones fuzzy, removed ones obsolete.
# Not --warningiserror: a chapter whose execution fails still has its prose extracted (make book
# is where that failure counts).
ja-catalogs: $(STAMP) $(KIT_WHEEL)
	$(BIN)/python -m autograder.japanese_book _build/gettext --gettext
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --config _build/gettext/_config.yml \
	  --path-output _build/gettext --builder custom --custom-builder gettext --keep-going
	$(BIN)/sphinx-intl update -p _build/gettext/_build/gettext -d locales -l ja --line-width -1
	$(BIN)/python -m autograder.ja_catalogs --tidy
	$(BIN)/python -m autograder.ja_notebooks

# The Japanese exercise notebooks (chapters/exercises_ja/): the released ones, their markdown
# translated through the catalogs. Run after `make release` or a translation of an exercise page.
ja-notebooks: $(STAMP)
	$(BIN)/python -m autograder.ja_notebooks

# Headless Chromium for the browser tests (tests/test_browser.py) and a CJK font so that the
# screenshots show the glossary's Japanese terms. Debian packages; installing needs root.
BROWSER_PACKAGES := chromium fonts-noto-cjk
browser:
	@if dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "make browser: no apt-get here; install Chromium and a CJK font (Debian: $(BROWSER_PACKAGES)) yourself" >&2; exit 1; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make browser: installing $(BROWSER_PACKAGES) needs root; run: sudo apt-get install -y $(BROWSER_PACKAGES)" >&2; \
	  echo "(or skip the browser tests: .venv/bin/python -m pytest -m 'not browser')" >&2; exit 1; fi; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PACKAGES)

# The class hub's packages and environment (deploy/jupyterhub/setup.sh install: sudo, bubblewrap,
# configurable-http-proxy from npm, JupyterHub and the course in /opt/gated-rnn-hub), for
# tests/test_hub.py. Needs root; without it, says what to run.
hub: $(STAMP)
	@if [ "$$(id -u)" != 0 ]; then \
	  echo "make hub: setting up the class hub needs root; run: sudo deploy/jupyterhub/setup.sh install" >&2; \
	  echo "(or skip the hub test: .venv/bin/python -m pytest -m 'not hub')" >&2; exit 1; fi; \
	deploy/jupyterhub/setup.sh install

# External links only (internal ones are checked by every build, as errors). Needs the network.
linkcheck: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter-book build . --builder linkcheck

test: book book-ja instructor-book browser system-packages hub
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest

# Only the tests that need no built book (fast feedback while editing code).
pytest: $(STAMP) system-packages
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -m "not book"

release: $(STAMP)
	mkdir -p _build
	for a in $(ASSIGNMENTS); do PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nbgrader generate_assignment $$a --force --db sqlite:///$(CURDIR)/_build/release-gradebook.db || exit 1; done

# Every bench/*.py script, one after the other; each writes its results under bench/results/.
BENCHMARKS := $(wildcard bench/*.py)
# The book executes chapters only when their code changes; drop the cache so that the next
# `make book` shows the new results.
bench: $(STAMP)
	for b in $(BENCHMARKS); do $(BIN)/python $$b || exit 1; done
	rm -rf _build/.jupyter_cache

serve:
	$(BIN)/python -m http.server --directory _build/html 8000

clean:
	rm -rf _build

lock: $(STAMP)
	echo "# Full lock of the course environment (pip freeze). Refresh with: make lock" > constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//' >> constraints.txt

vendor-mathjax:
	rm -rf _build/mathjax && mkdir -p _build/mathjax
	cd _build/mathjax && npm pack mathjax@$(MATHJAX_VERSION) && tar xzf mathjax-$(MATHJAX_VERSION).tgz
	cd _build/mathjax/package/es5 && mkdir -p ../../keep/output/chtml ../../keep/input/tex && \
	  cp tex-chtml.js tex-svg.js ../../keep/ && cp -r a11y ui ../../keep/ && cp -r output/chtml/fonts ../../keep/output/chtml/ && \
	  cp -r input/tex/extensions ../../keep/input/tex/ && cp ../LICENSE ../../keep/
	cp chapters/_static/mathjax/README.md _build/mathjax/keep/ && rm -rf chapters/_static/mathjax && mv _build/mathjax/keep chapters/_static/mathjax
