# Every set-up step lives here: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export AWS_EC2_METADATA_DISABLED := true

.PHONY: install test demo lint bench conformance fuzz lambda-zip smoke clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The suite runs inside a fresh network namespace where only loopback exists,
# when the kernel allows it; the suite's own socket guard applies either way.
test: $(STAMP)
	scripts/loopback-only $(BIN)/python -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

lint: $(STAMP)
	$(BIN)/ruff check bedrockpage tests scripts bench examples
	$(BIN)/ruff format --check bedrockpage
	$(BIN)/mypy

# Quick check on another interpreter, for example:
#   make smoke PYTHON=~/.pyenv/versions/3.10.13/bin/python VENV=.venv-3.10
smoke: $(STAMP)
	scripts/loopback-only $(BIN)/python -m pytest -q -x -p no:cacheprovider \
		tests/test_engine_differential.py tests/test_sigv4.py tests/test_moto_e2e.py

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
