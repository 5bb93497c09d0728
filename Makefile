# `make` sets up and builds everything; `make test` runs the whole suite.
# Python 3.11, 3.12 or 3.13: `make PYTHON=python3.13` makes .venv with that one; without
# PYTHON=…, the environment made before is kept (a new one is made with python3).
ifeq ($(origin PYTHON),undefined)
PYTHON := python3
CHOSEN :=
else
CHOSEN := $(PYTHON)
endif
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages: Pango for WeasyPrint, Voikko for Finnish hyphenation; for the tests, chromium
# (browser tests), poppler-utils (PDF text, fonts and page images), and Java and npm for the W3C
# HTML checker (COMMAND=PACKAGE: installed only where the command is missing).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libvoikko1 voikko-fi chromium poppler-utils \
	java=default-jre-headless npm=npm
NODE_TOOLS := tools/node/node_modules/.installed-stamp

export NO_MKDOCS_2_WARNING := 1

.PHONY: all setup system-deps venv build check site pdf serve test bench clean

all: build

setup: system-deps venv $(NODE_TOOLS)

system-deps:
	@tools/system-deps $(SYSTEM_PACKAGES)

venv:
	@tools/venv "$(PYTHON)" "$(CHOSEN)"

# The test tools from npm, as the lock file pins them; no install scripts (vnu-jar's would
# fetch a Java runtime: Debian's is used).
$(NODE_TOOLS): tools/node/package.json tools/node/package-lock.json
	npm ci --prefix tools/node --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

build: setup
	$(PY) build.py

check: setup
	$(PY) build.py check

site: setup
	$(PY) build.py site

pdf: setup
	$(PY) build.py pdf

serve: setup
	$(PY) build.py serve

test: setup
	$(PY) -m pytest

# Time and memory of every stage on synthetic cookbooks of 100 and 1000 recipes → bench/RESULTS.md
bench: setup
	$(PY) bench/run.py

clean:
	rm -rf build site
