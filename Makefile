# Longreach: the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export LONGREACH_MODE ?= demo

.PHONY: run test bench lint chromium pdf-tools clean-demo help

help:
	@echo "make run    install into .venv (first time), create the demo organisation, serve on http://127.0.0.1:8000/"
	@echo "make test   install the test extras and run the whole suite (SQLite; set LONGREACH_DATABASE_URL for PostgreSQL)"
	@echo "make bench  run the benchmarks in benchmarks/"
	@echo "make lint   ruff, import-linter (the floors) and mypy --strict"
	@echo "make clean-demo  delete ./var (the demo database, keys and credentials)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/longreach up

# Browser tests drive Debian's Chromium; it is installed here when missing (as root),
# never downloaded by Playwright.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium"; exit 1; fi; \
	fi

# Documents are laid out as PDF with the system's fonts: Noto for Latin, Cyrillic and the Arabic script
# (Uyghur, Arabic, Persian), WenQuanYi for Han; poppler's pdftoppm turns pages into images to check them.
PDF_PACKAGES := fonts-noto-core fonts-wqy-microhei poppler-utils
pdf-tools:
	@if ! fc-list : family 2>/dev/null | grep -q "WenQuanYi Micro Hei" || ! fc-list : family | grep -q "Noto Naskh Arabic" || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null); \
	  else echo "PDF documents need fonts and poppler: sudo apt-get install -y $(PDF_PACKAGES)"; exit 1; fi; \
	fi

test: $(VENV)/.installed-test chromium pdf-tools
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	LONGREACH_MODE=test $(BIN)/mypy src/longreach
	@# Two workers (the CI machine has two cores), a file's tests on one worker so module fixtures are made
	@# once. The browser tests run apart: Playwright's event loop would stay open in a worker and refuse
	@# the database tests given to it afterwards.
	LONGREACH_MODE=test $(BIN)/python -m pytest -q -n 2 --dist loadfile --ignore=tests/e2e --durations=10
	LONGREACH_MODE=test $(BIN)/python -m pytest -q -n 2 --dist loadfile tests/e2e --durations=10

$(VENV)/.installed-bench: pyproject.toml | $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	LONGREACH_MODE=test $(BIN)/python benchmarks/crypto.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/registry.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/intake_load.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/vault.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/messages.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/names.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/dedup.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/legal_documents.py
	LONGREACH_MODE=test $(BIN)/python benchmarks/insight.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports
	LONGREACH_MODE=test $(BIN)/mypy src/longreach

clean-demo:
	rm -rf var
