# Every set-up step lives here: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export AWS_EC2_METADATA_DISABLED := true

.PHONY: install test demo lint bench conformance fuzz fixtures lambda-zip smoke clean

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

# Speed, memory and size against boto3 and bare httpx; writes bench/results/report.md.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# The paginator differential test on every botocore paginator config, with more examples.
conformance: $(STAMP)
	CONFORMANCE_EXAMPLES=200 scripts/loopback-only $(BIN)/python -m pytest -q tests/conformance

# The fuzz targets with many more examples than make test runs.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=20000 scripts/loopback-only $(BIN)/python -m pytest -q tests/fuzz

# Re-record the HTTP fixtures in fixtures/ from a moto server on loopback.
fixtures: $(STAMP)
	$(BIN)/python scripts/record_fixtures.py

# A Lambda deployment zip of bedrockpage and its runtime dependencies.
lambda-zip: $(STAMP)
	$(BIN)/python scripts/build_lambda_zip.py

# Quick check on another interpreter, for example:
#   make smoke PYTHON=~/.pyenv/versions/3.10.13/bin/python VENV=.venv-3.10
smoke: $(STAMP)
	scripts/loopback-only $(BIN)/python -m pytest -q -x -p no:cacheprovider \
		tests/test_engine_differential.py tests/test_sigv4.py tests/test_moto_e2e.py

clean:
	rm -rf $(VENV) .venv-* .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
