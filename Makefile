# `make` sets up and builds everything; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Debian packages: Pango for WeasyPrint, Voikko for Finnish hyphenation, chromium for the
# browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libvoikko1 voikko-fi chromium

export NO_MKDOCS_2_WARNING := 1

.PHONY: all setup system-deps build check site pdf serve test bench clean

all: build

setup: system-deps $(STAMP)

system-deps:
	@tools/system-deps $(SYSTEM_PACKAGES)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

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
