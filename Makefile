# The two commands of the README's quickstart: `make demo` and `make test`.
# Both set up .venv first, so they work on a fresh machine.

VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.hunter-installed

.PHONY: setup demo test lint typecheck imports pytest bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall only when the project's metadata changes; the editable install sees new modules.
# The inspect-test extra (inspect-evals, whose dependencies install cleanly beside ours: datasets
# and pyarrow are the heavy ones) and the fake Inspect model provider, a local package whose
# entry point Inspect reads: tests/inspect run inspect_evals' real tasks offline with them.
$(STAMP): pyproject.toml tests/inspect_fake_provider/pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[dev,inspect-test]" -e tests/inspect_fake_provider
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(PY) -m hunter.demo --store runs

lint: setup
	$(BIN)/ruff check hunter perturbers analysis tests
	$(BIN)/ruff format --check hunter perturbers analysis tests

# mypy cannot see through the editable install's import hook, so it checks a tree of symlinks
# that lays the three folders out as the one package they are installed as.
typecheck: setup
	rm -rf build/typecheck && mkdir -p build/typecheck/hunter
	for f in hunter/*; do ln -s "$$(pwd)/$$f" build/typecheck/hunter/; done
	ln -s "$$(pwd)/perturbers" build/typecheck/hunter/perturbers
	ln -s "$$(pwd)/analysis" build/typecheck/hunter/analysis
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p hunter

# The architecture's import rules (.importlinter). grimp reads the package from disk and does not
# follow symlinks, so it gets a copy of the three folders laid out as the one package.
imports: setup
	rm -rf build/imports && mkdir -p build/imports
	cp -r hunter build/imports/hunter
	cp -r perturbers build/imports/hunter/perturbers
	cp -r analysis build/imports/hunter/analysis
	cd build/imports && PYTHONPATH=. ../../$(BIN)/lint-imports --config ../../.importlinter

pytest: setup
	$(BIN)/pytest

test: lint typecheck imports pytest

bench: setup
	$(BIN)/hunter bench world
	$(BIN)/hunter bench engine
	$(BIN)/hunter bench analysis
	$(BIN)/hunter bench hunt --quick

clean:
	rm -rf build .venv *.egg-info
