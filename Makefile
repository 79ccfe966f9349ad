# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench bench-dask lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,dask]"
	touch $@ $(STAMP)

run: $(STAMP)
	@mkdir -p out
	$(BIN)/textmill run pipelines/news.yaml seeds/ -o out/news.jsonl
	@echo "Output: out/news.jsonl"
	@$(BIN)/python -c "import json; [print(f\"{r['id']}: \" + ', '.join(f'{k}={len(v)}' for k, v in r.items() if isinstance(v, list) and k != 'errors')) for r in map(json.loads, open('out/news.jsonl'))]"

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP)
	$(BIN)/python tests/bench/run_bench.py

bench-dask: $(TEST_STAMP)
	$(BIN)/python tests/bench/bench_dask.py

lint: $(TEST_STAMP)
	$(BIN)/python -m pip install -q ruff
	$(BIN)/ruff check core plugins tests

clean:
	rm -rf $(VENV) out build *.egg-info
