# Uppdrag: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JS_TOOLS := tests/js/node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench bench-ingest ingest-eval clean

$(BIN)/uppdrag: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/uppdrag

## Migrate, seed and serve on http://$(HOST):$(PORT) (SQLite under ./var unless DATABASE_URL is set).
## Reads are open to anonymous callers in this local demo; writes need a token or a signed-in person.
run: install
	$(BIN)/uppdrag migrate
	$(BIN)/uppdrag seed
	@echo ""
	@echo "To sign in to the pages (http://$(HOST):$(PORT)/), make yourself a person and a one-time link:"
	@echo "  $(BIN)/uppdrag user create you@example.se --name 'Your Name' --role admin"
	@echo "  PUBLIC_BASE_URL=http://$(HOST):$(PORT) $(BIN)/uppdrag user link you@example.se    # open it within 15 minutes"
	@echo ""
	PUBLIC_READ=$${PUBLIC_READ:-true} $(BIN)/uppdrag serve --host $(HOST) --port $(PORT)

## The whole test suite, on SQLite and PostgreSQL (the browser tests need node: npm ci --prefix tests/js),
## in TEST_WORKERS processes (pytest-xdist; each makes its own databases). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: install $(JS_TOOLS)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

$(JS_TOOLS): tests/js/package-lock.json
	if command -v npm >/dev/null; then npm ci --prefix tests/js --no-audit --no-fund && touch $@; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app tests bench
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench

## Ingest engine against the budget seeds and the annotated documents in tests/data/ingest
ingest-eval: install
	$(BIN)/python -m app.ingest.evaluate $(ARGS)

## Time to ingest a 100-page PDF (the budget text repeated)
bench-ingest: install
	$(BIN)/python -m bench.ingest

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
