# The README's two commands: `make run` and `make test`. Both install into .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint benchmark clean translations

$(VENV)/.installed-run: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

translations: $(VENV)/.installed-run
	$(BIN)/pybabel compile --use-fuzzy -d tracker/translations >/dev/null

run: $(VENV)/.installed-run translations
	$(BIN)/tracker init
	$(BIN)/tracker demo --if-empty
	TRACKER_ENV=development $(BIN)/tracker run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmark: $(VENV)/.installed-test
	$(BIN)/python benchmarks/metrics.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/reports.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
