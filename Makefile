# HikiScreen: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# What a local demo needs; a real deployment sets its own environment (README.md).
DEMO_ENV := DEBUG=1 LOG_FORMAT=plain
# `make run PORT=8123` serves elsewhere; the demo links it prints carry that port.
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run serve test setup setup-dev system-deps system-deps-test lint typecheck \
        migrate demo-data collectstatic vendor clean

help:
	@echo "make run    set up everything and serve the demo on http://127.0.0.1:$(PORT) (PORT=8000)"
	@echo "make test   set up and run the whole check suite (lint, types, migrations, pytest)"
	@echo "make bench  performance figures (out/bench.json); make bench-load: under gunicorn"
	@echo "make bench-scale  page times and export rate at 1k-100k screenings (PostgreSQL; SCALE_SIZES=...,1000000 for 1M)"

# --- Setup ---------------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

system-deps:
	scripts/system_deps.sh runtime

system-deps-test:
	scripts/system_deps.sh test

setup: system-deps $(VENV)/.runtime-installed

setup-dev: system-deps-test $(VENV)/.dev-installed

# --- The demo ------------------------------------------------------------------------
migrate: setup
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

demo-data: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_instruments
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo --base-url http://127.0.0.1:$(PORT)

# The dev server and, beside it, a task worker (urgent alerts, e-mails; docs/tasks.md).
# Ctrl-C stops both; the trap also stops the worker if the server exits by itself.
run: demo-data
	@echo "Serving HikiScreen on http://127.0.0.1:$(PORT) with a task worker (stop both with Ctrl-C)"
	$(DEMO_ENV) SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py run_tasks & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-like serving with gunicorn, exactly as the Docker image does (README.md).
# Needs DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS in the environment.
serve: collectstatic
	PATH="$(CURDIR)/$(BIN):$$PATH" PYTHON=$(BIN)/python scripts/start.sh

# --- Checks --------------------------------------------------------------------------
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(DEMO_ENV) $(BIN)/mypy .
	$(DEMO_ENV) $(BIN)/mypy --strict questionnaires/scoring

test: setup-dev lint typecheck
	$(DEMO_ENV) $(BIN)/python manage.py makemigrations --check --dry-run \
		|| (echo "Model changes without a migration: run makemigrations" && false)
	$(BIN)/pytest

# --- Maintenance ---------------------------------------------------------------------
collectstatic: setup
	SECRET_KEY=$${SECRET_KEY:-collectstatic-only} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} \
		$(BIN)/python manage.py collectstatic --noinput

vendor:
	scripts/vendor_assets.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache .hypothesis

# --- Report fonts ----------------------------------------------------------------------
# Japanese reports use static/fonts/HikiScreenSansJP-*.otf: Debian's Noto Sans CJK JP
# (fonts-noto-cjk) cut down to the characters of the Japanese texts, committed so that
# nothing is built at deploy time. Run after a translation or the instrument bank gains
# a character (tests/reports/test_fonts.py says when) and commit static/fonts/.
.PHONY: fonts
fonts: setup
	$(BIN)/python scripts/build_report_fonts.py

# --- Report samples --------------------------------------------------------------------
# Sample PDFs (positive / at-risk / negative / urgent / shared × clinician / family / self
# × en, ja, it, plus the family summary with the safety concern shared)
# from questionnaires/reports/examples/ into out/samples/ (git-ignored).
.PHONY: samples
samples: setup
	$(DEMO_ENV) $(BIN)/python -m questionnaires.reports.samples out/samples

# --- Benchmarks (README.md, Performance); figures, never timed tests ------------------
# `make bench`: scoring, PDF and questionnaire-page figures on the current database
# (DATABASE_URL, default SQLite), production settings. `make bench-load`: gunicorn on
# a scratch PostgreSQL database (127.0.0.1:5432), app beside its ceiling (bench/load.py).
BENCH_ENV := SECRET_KEY=$${SECRET_KEY:-bench-only} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-localhost} \
	EMAIL_URL=$${EMAIL_URL:-dummymail://} DEBUG=0 LOG_LEVEL=WARNING
.PHONY: bench bench-load bench-scale
bench: collectstatic migrate
	mkdir -p out
	$(BENCH_ENV) $(BIN)/python manage.py benchmark --export-rows 10000 --json out/bench.json

bench-load: setup
	$(BIN)/python -m bench.load --json out/bench-load.json
	$(BIN)/python -m bench.mixed --json out/bench-mixed.json

# Page times, plans and export rate at 1k, 10k and 100k screenings, each in a scratch
# PostgreSQL database filled with COPY and dropped afterwards (bench/scale.py;
# SCALE_SIZES=1000,10000,100000,1000000 for a million: filled in about 4 min, 12.4 GB
# of disk, about 20 min in all with its pages and export on 2 cores).
SCALE_SIZES ?= 1000,10000,100000
bench-scale: setup
	mkdir -p out
	$(BIN)/python -m bench.scale --sizes $(SCALE_SIZES) --json out/bench-scale.json
