# Two commands on a fresh machine (Python 3.11 and make):
#   make book   builds the site in _build/html (creates .venv on first use)
#   make test   runs the tests (builds the book first: some tests read it)
#   make pdf    prints the whole book to _build/pdf/carnet-de-bord.pdf
#   make bench  times builds, tests and national-size election files
#               (RUNS=3 runs) and writes data/bench.json

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
RUNS ?= 3

.PHONY: book test sources published pdf bench clean

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $@

sources: $(INSTALLED)
	$(BIN)/python -m carnet.sources
	$(BIN)/python -m carnet.site
	$(BIN)/python -m carnet.cache

published: sources
	$(BIN)/python -m carnet.catalogue

book: published
	$(BIN)/jupyter-book build . --warningiserror --keep-going

test: book
	$(BIN)/python -m pytest

pdf: published
	$(BIN)/jupyter-book build . --builder singlehtml --warningiserror --keep-going
	$(BIN)/python -m carnet.pdf

bench: sources
	$(BIN)/python -m carnet.bench --runs $(RUNS)

clean:
	rm -rf _build data/raw data/clean data/published assets/vendor
