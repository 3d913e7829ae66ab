# The two commands a newcomer needs: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: help install install-dev run test lint bench translations messages db demo clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

# Tests and tooling (pytest, playwright, ruff, mypy...) on top: a second stamp, so `make run`
# never installs them and a change to either file reinstalls what it lists.
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv and install requirements.txt (production)

install-dev: $(VENV)/.installed-dev ## Also install requirements-dev.txt (tests, lint, types)

translations: $(VENV)/.installed ## Compile the Chinese message catalogue
	$(BIN)/pybabel compile --statistics -d market/translations

messages: $(VENV)/.installed ## Extract new UI strings (and the solver's reasons) into the catalogue
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o market/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i market/translations/messages.pot -d market/translations

db: install translations ## Create or migrate the database, load the catalogue
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-catalog

demo: db ## Load the demo district when the database has no companies yet
	$(FLASK) seed-demo --if-empty

run: demo ## Install, prepare the SQLite database with demo data, start the web app and the worker
	@echo "Starting the background worker (runs, schedule, what-if, notifications) and the web app on http://$(HOST):$(PORT)"
	@$(FLASK) demo-logins
	@trap 'trap - EXIT INT TERM; kill 0' EXIT INT TERM; \
	  $(FLASK) worker & \
	  $(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev translations ## Install and run the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/pytest

lint: install-dev ## Ruff and mypy (settings in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install ## Solver benchmarks (not part of the tests); see bench/README.md for the app ones
	$(BIN)/python -m bench.solver_bench --sizes district,city --runs 7

clean: ## Remove the venv and caches
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
