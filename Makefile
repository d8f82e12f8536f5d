# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@bash scripts/ensure-qt-libs.sh $(BIN)/python
	QT_QPA_PLATFORM= $(BIN)/metarr-desktop --demo

test: $(STAMP)
	@bash scripts/ensure-qt-libs.sh $(BIN)/python
	@bash scripts/ensure-xvfb.sh
	$(BIN)/ruff check metarr_desktop tests benchmarks
	$(BIN)/mypy metarr_desktop tests
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
