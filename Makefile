# The README's two commands: `make run` and `make test`. Both install into .venv on first use.
PYTHON ?= python3
# Where `make run` serves: make run PORT=8000 (HOST=0.0.0.0 to be reached from other machines).
HOST ?= 127.0.0.1
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint benchmark clean translations catalog wheel

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

# After changing a text of the interface: gather the texts into the template and the French catalog,
# then translate what is new (tests/test_catalog.py lists what is missing).
catalog: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o tracker/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i tracker/translations/messages.pot -d tracker/translations

run: $(VENV)/.installed-run translations
	$(BIN)/tracker init
	$(BIN)/tracker demo --if-empty
	TRACKER_ENV=development $(BIN)/tracker run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(VENV)/.installed-benchmark: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,benchmark]'
	touch $@

benchmark: $(VENV)/.installed-benchmark
	$(BIN)/python benchmarks/metrics.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/trail.py
	$(BIN)/python benchmarks/signing.py
	$(BIN)/python benchmarks/sheet.py
	$(BIN)/python benchmarks/load.py

# The package to install elsewhere: dist/tracker-VERSION-py3-none-any.whl, with the templates, the
# static files, the help's documents and the compiled French catalog inside.
wheel:
	rm -rf build
	$(PYTHON) -m pip wheel --quiet --no-deps --wheel-dir dist .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist
