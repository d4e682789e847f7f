# Two commands on a fresh machine: `make demo` and `make test`; both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-min test-browsers lint bench docs sample-data clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crm-metrics report --config configs/example.yaml --period quarter

test: $(STAMP)
	$(BIN)/python -m pytest

# Headless Chromium for the html tests (they skip without it); CI can run this before `make test`.
test-browsers:
	sh scripts/install-test-browsers

# The same suite on the oldest versions pyproject.toml allows (pinned in constraints-min.txt), in a
# venv of its own, rebuilt from scratch whenever either file changes so no newer package lingers.
VENV_MIN := .venv-min
STAMP_MIN := $(VENV_MIN)/.installed

$(STAMP_MIN): pyproject.toml constraints-min.txt
	rm -rf $(VENV_MIN)
	$(PYTHON) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MIN)/bin/python -m pip install --quiet -c constraints-min.txt -e '.[dev]'
	touch $(STAMP_MIN)

test-min: $(STAMP_MIN)
	$(VENV_MIN)/bin/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check crm_metrics tests
	$(BIN)/mypy

# Not part of `make test`: writes ~1 GB of seeded exports to $$CRM_METRICS_BENCH_DIR
# (default ~/.cache/crm-metrics-bench) once, then times crm-metrics against DuckDB and polars.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# docs/metrics.md's metric rows from metrics/spec.py and metrics/reference.py (a test checks them).
docs: $(STAMP)
	$(BIN)/python -m crm_metrics.metrics.reference docs/metrics.md

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py

clean:
	rm -rf $(VENV) $(VENV_MIN) .pytest_cache .mypy_cache .ruff_cache
