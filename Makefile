# The two commands of the README: `make site` and `make test`. Both set up what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-site
TESTED := $(VENV)/.installed-test
NODE   := node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test browser check accuracy serve bench bench-scale clean

# what a build needs (OCR of scanned reports included), without the test tools
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[ocr]'
	touch $(STAMP)

# and the test tools (pytest, playwright, frictionless, ...)
$(TESTED): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,ocr]'
	touch $(TESTED)

# Pagefind, which indexes the built site for its search, from npm as package-lock.json pins it, with
# Debian's Node and npm (installed if missing)
$(NODE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Node and npm (Debian) for the site's search index"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >/dev/null \
	  || { echo "could not install Node and npm (not root?): install them, then run make again"; exit 1; }; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE)

## build the site from reports/ into site/ (SITE_ARGS="--part K/N": a CI matrix's part, docs/national.md)
site: $(STAMP) $(NODE)
	$(BIN)/python -m builder site --site-dir site $(SITE_ARGS)

## run the tests
test: $(TESTED) $(NODE) browser
	$(BIN)/python -m pytest -q

## Debian's Chromium (and CJK fonts) for the browser tests, and rclone for the deploy's test, if missing
browser:
	@command -v chromium >/dev/null 2>&1 && command -v rclone >/dev/null 2>&1 || { \
	  echo "installing Chromium for the browser tests and rclone for the deploy's"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk rclone) >/dev/null \
	  || echo "could not install Chromium and rclone (not root?): the browser and deploy tests will be skipped"; }

## score the extractor on the gold records the repository ships, for the site's 数据准确性 page
accuracy: $(TESTED)
	$(BIN)/python -m pytest -q tests/test_accuracy.py

## extract and validate every report, print the findings (what CI runs on a pull request)
check: $(STAMP)
	$(BIN)/python -m builder check

## serve the built site (its search index included) locally at http://127.0.0.1:8000
serve: site
	$(BIN)/python -m http.server --directory site --bind 127.0.0.1 8000

## measure extraction speed and each reader (seconds per page, memory, accuracy)
bench: $(TESTED)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_readers.py

## build the site from 100, 1,000 and 10,000 synthetic reports and measure every stage (about an hour)
bench-scale: $(TESTED) $(NODE)
	$(BIN)/python benchmarks/bench_scale.py --sizes 100 1000 10000 --runs 3

clean:
	rm -rf site .pytest_cache
