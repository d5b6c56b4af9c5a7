# Two commands: `make run` (the app on the sandbox) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean qt-libs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	touch $(STAMP)

# Qt's platform plugins load system libraries a fresh machine may lack (xcb-cursor, xkbcommon-x11...).
qt-libs:
	@sh scripts/install-qt-libs

run: qt-libs $(STAMP)
	$(BIN)/plx-desktop --sandbox

test: qt-libs $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# `make bench BENCH_ARGS=--write-doc` also rewrites docs/PERFORMANCE.md; `--large` adds 1,000,000.
bench: $(STAMP)
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info
