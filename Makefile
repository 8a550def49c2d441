# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO := build/demo

.PHONY: demo test setup system-deps bench clean

$(BIN)/digest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/digest

system-deps:
	@bash scripts/system-deps.sh

setup: system-deps $(BIN)/digest

demo: setup
	rm -rf $(DEMO)
	mkdir -p build
	cp -r examples $(DEMO)
	$(BIN)/digest --config $(DEMO)/digest.toml run

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dedup.py --sizes 10000,100000
	$(BIN)/python bench/summarize.py bench/data/seeds-story.jsonl
	$(BIN)/python bench/render.py

clean:
	rm -rf build $(VENV)
