# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO := build/demo

.PHONY: demo test setup bench clean

$(BIN)/digest: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/digest

setup: $(BIN)/digest

demo:
	@bash scripts/system-deps.sh runtime
	@$(MAKE) --no-print-directory setup
	rm -rf $(DEMO)
	mkdir -p build
	cp -r examples $(DEMO)
	$(BIN)/digest --config $(DEMO)/digest.toml run

test:
	@bash scripts/system-deps.sh test
	@$(MAKE) --no-print-directory setup
	$(BIN)/python -m pytest -q

bench:
	@bash scripts/system-deps.sh runtime
	@$(MAKE) --no-print-directory setup
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/extraction_rules.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/dedup.py --sizes 10000,100000
	$(BIN)/python bench/stories.py
	$(BIN)/python bench/summarize.py
	$(BIN)/python bench/topics.py --out build/topics
	$(BIN)/python bench/summarize.py --topic build/topics/report.jsonl
	$(BIN)/python bench/search.py --sizes 10000,100000
	$(BIN)/python bench/render.py
	$(BIN)/python bench/bigstory.py
	$(BIN)/python bench/day.py
	$(BIN)/python bench/flat.py

clean:
	rm -rf build $(VENV)
