# orgwork — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
DEMO_MEMBERS ?= 3000
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run setup install install-dev migrate demo test test-pg lint bench bench-scale faults browser pdf-libs worker clean fuzz

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(STAMP)
install-dev: $(DEVSTAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

## setup: install and migrate, idempotent
setup: migrate

demo: setup
	$(BIN)/python manage.py demo --if-empty --members $(DEMO_MEMBERS)
	$(BIN)/python manage.py demo_meetings --if-empty
	-$(BIN)/python manage.py deadlines  # reminders for the work that waits; a failing provider is reported, not fatal to `make run`

## run: set everything up, load demo data into an empty database, serve on $(HOST):$(PORT) with the job worker
run: demo
	@echo ""
	@echo "  组工云 orgwork: http://$(HOST):$(PORT)/   (演示账号见 README：admin / county / town / secretary / member，密码 Zugong#2026)"
	@echo ""
	@$(BIN)/python manage.py run_huey -q & HUEY_PID=$$!; \
	trap "kill $$HUEY_PID 2>/dev/null" EXIT INT TERM; \
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

worker: setup
	$(BIN)/python manage.py run_huey

## browser: Debian's Chromium for the UI tests (skipped when it truly cannot be installed)
browser:
	@bash scripts/ensure-chromium.sh

LAYERS := $(firstword $(wildcard ../shared/tools/layers.py) scripts/layers.py)

## pdf-libs: pango and the Noto CJK fonts for WeasyPrint (the PDF letters and notices), from Debian's packages
pdf-libs:
	@bash scripts/ensure-pdf-libs.sh

## test: ruff, the layer check, and the whole pytest suite on SQLite
test: $(DEVSTAMP) browser pdf-libs
	$(BIN)/ruff check orgwork $(wildcard bench)
	$(BIN)/python $(LAYERS) orgwork
	$(BIN)/python manage.py gate_table --check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest $(PYTEST_ARGS)

## test-pg: the same suite on PostgreSQL (DATABASE_URL or the local server)
test-pg: $(DEVSTAMP) browser pdf-libs
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orgwork} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEVSTAMP)
	$(BIN)/ruff check orgwork $(wildcard bench)
	$(BIN)/python $(LAYERS) orgwork

## bench: every benchmark on SQLite and PostgreSQL beside its ceiling, at the issue's sizes (BENCH_SIZE=20000 for a quick run; BENCH_POSTGRES_URL names a database it may drop)
bench: $(DEVSTAMP)
	BENCH_SIZE=$${BENCH_SIZE:-100000} $(BIN)/python -m bench $(BENCH_ARGS)

## faults: concurrent writers on PostgreSQL leave totals exact (bench/faults.py; docs/scaling.md)
faults: $(DEVSTAMP)
	$(BIN)/python -m bench.faults dues $(FAULTS_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts

## fuzz: schemathesis over every API operation with a bigger budget than CI's (FUZZ_EXAMPLES per operation and mode)
fuzz: $(DEVSTAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} FUZZ_SEED=$${FUZZ_SEED:-$$RANDOM} $(BIN)/pytest orgwork/core/tests/test_api_fuzz.py -q -s

## bench-scale: the size curve on PostgreSQL (docs/scaling.md) — SIZES="1e4 1e5 1e6" (1e6: ~5 GB, ~6 min on 2 busy cores); 1e7 as measured: SIZES=1e7 LEAN_FROM=1e7 (no score entries, no dues: ~15 GB, ~40 min; the full set needs ~55 GB and ~1 h); SCALE_PREFIX=postgres://…/scale_ names the databases (<prefix><size>, dropped and re-created; DROP=1 drops each after its figures)
bench-scale: $(DEVSTAMP)
	SIZES="$${SIZES:-1e4 1e5 1e6}" $(BIN)/python -m bench.scale --prefix "$${SCALE_PREFIX:-postgres://postgres@127.0.0.1:5432/scale_}" --lean-from "$${LEAN_FROM:-1e99}" $${DROP:+--drop} $(BENCH_ARGS)
