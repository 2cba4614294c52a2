"""The corpus API's queries at size: each kind run many times with parameters from the corpus.

Each case calls the lead's query functions (search, entities, storylist, export) exactly as the
gateway does, on a pooled connection, and is timed end to end (SQL plus building the response
models). One unmeasured call per case warms the connection pool and the plan cache first. The
slowest call of a case is recorded statement by statement, so a case over its target can be
explained (corpus_explain.py), and the garbage collector's pauses inside each timed call are
recorded too, so a tail that is not the SQL's can be told apart. A streamed case (the export)
also records its time to the first line, the latency a client sees, beside its total.
"""

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Engine, event

from bench.corpus_samples import Samples
from services.gateway.corpus.entities import entity_detail, top_entities
from services.gateway.corpus.export import export_lines
from services.gateway.corpus.search import find_articles
from services.gateway.corpus.storylist import list_stories
from shared.models.corpus import ArticleFilters

OWNER = ""  # no tenants: the benchmark's articles have no owner
RUNS = 50  # the "p50/p95 over e.g. 50 runs"
EXPORT_RUNS = 5  # each streams ten thousand rows
EXPORT_ROWS = 10_000
CASE_BUDGET_S = 120.0  # a case slower than this stops early (at least MIN_RUNS), noted in runs
MIN_RUNS = 5
PAGE = 20  # the API's default page size
TOP = 20
WEEK = timedelta(days=7)
QUARTER = timedelta(days=90)
MONTH = timedelta(days=30)
EXPORT_WINDOW_SHARE = 0.15  # of the date range: ~15k of 100k articles, so 10k rows exist


@dataclass(frozen=True)
class Answer:
    results: int  # how many results the call got
    first_ms: float | None = None  # a stream's time to its first line


Call = Callable[[], Answer]  # one timed query
Prepare = Callable[[Engine, random.Random, Samples], Call]  # draws parameters, untimed


@dataclass
class Statement:
    sql: str
    parameters: Any


@dataclass
class CaseRun:
    name: str
    ms: list[float]
    results: list[int]
    slowest: list[Statement] = field(default_factory=list)
    gc_ms: list[float] = field(default_factory=list)  # collector pauses inside each call
    full_gcs: int = 0  # generation-2 collections inside the timed calls
    first_ms: list[float] = field(default_factory=list)  # streams only


def _window(rng: random.Random, s: Samples, width: timedelta) -> tuple[datetime, datetime]:
    span = max((s.latest - s.earliest - width).total_seconds(), 0.0)
    since = s.earliest + timedelta(seconds=rng.uniform(0, span))
    return since, since + width


def _search(filters: Callable[[random.Random, Samples], ArticleFilters]) -> Prepare:
    def prepare(engine: Engine, rng: random.Random, s: Samples) -> Call:
        drawn = filters(rng, s)

        def call() -> Answer:
            with engine.connect() as conn:
                return Answer(len(find_articles(conn, OWNER, drawn, PAGE).items))

        return call

    return prepare


def _second_page(engine: Engine, rng: random.Random, s: Samples) -> Call:
    """The first page is set-up (untimed); the timed call follows its cursor."""
    filters = ArticleFilters(q=rng.choice(s.common_words))
    with engine.connect() as conn:
        cursor = find_articles(conn, OWNER, filters, PAGE).next_cursor

    def call() -> Answer:
        with engine.connect() as conn:
            return Answer(len(find_articles(conn, OWNER, filters, PAGE, cursor).items))

    return call


def _week(rng: random.Random, s: Samples) -> ArticleFilters:
    since, until = _window(rng, s, WEEK)
    return ArticleFilters(since=since, until=until)


def _combined(rng: random.Random, s: Samples) -> ArticleFilters:
    return ArticleFilters(
        q=rng.choice(s.common_words),
        entity=rng.choice(s.popular_entities),
        since=s.latest - QUARTER,
    )


def _top(width: timedelta | None) -> Prepare:
    def prepare(engine: Engine, rng: random.Random, s: Samples) -> Call:
        since, until = _window(rng, s, width) if width else (None, None)

        def call() -> Answer:
            with engine.connect() as conn:
                return Answer(len(top_entities(conn, OWNER, None, since, until, TOP)))

        return call

    return prepare


def _detail(pick: Callable[[Samples], list[str]]) -> Prepare:
    def prepare(engine: Engine, rng: random.Random, s: Samples) -> Call:
        key = rng.choice(pick(s))

        def call() -> Answer:
            with engine.connect() as conn:
                found = entity_detail(conn, OWNER, key, None, None)
            return Answer(found.articles if found else 0)

        return call

    return prepare


def _stories(width: timedelta | None) -> Prepare:
    def prepare(engine: Engine, rng: random.Random, s: Samples) -> Call:
        since, until = _window(rng, s, width) if width else (None, None)

        def call() -> Answer:
            with engine.connect() as conn:
                return Answer(len(list_stories(conn, OWNER, since, until, PAGE, None).items))

        return call

    return prepare


def _export(engine: Engine, rng: random.Random, s: Samples) -> Call:
    """The newest ten thousand articles of a window wide enough to hold them, streamed: the
    first line's time is what the gateway waits for before it answers (routes/export.py)."""
    since, until = _window(rng, s, (s.latest - s.earliest) * EXPORT_WINDOW_SHARE)
    filters = ArticleFilters(since=since, until=until)

    def call() -> Answer:
        started = time.perf_counter()
        lines = export_lines(engine, OWNER, filters, "jsonl")
        try:
            if next(lines, None) is None:
                return Answer(0, (time.perf_counter() - started) * 1000)
            first_ms = (time.perf_counter() - started) * 1000
            return Answer(1 + sum(1 for _ in islice(lines, EXPORT_ROWS - 1)), first_ms)
        finally:
            close = getattr(lines, "close", None)
            if close is not None:
                close()

    return call


def _q(words: Callable[[Samples], list[str]], quote: bool = False) -> Prepare:
    def filters(rng: random.Random, s: Samples) -> ArticleFilters:
        word = rng.choice(words(s))
        return ArticleFilters(q=f'"{word}"' if quote else word)

    return _search(filters)


def cases() -> list[tuple[str, Prepare, int]]:
    """(name, query, runs) for every query kind the issue lists."""
    return [
        ("search: common word", _q(lambda s: s.common_words), RUNS),
        ("search: rare word", _q(lambda s: s.rare_words), RUNS),
        ("search: phrase", _q(lambda s: s.phrases, quote=True), RUNS),
        (
            "search: entity (popular)",
            _search(lambda r, s: ArticleFilters(entity=r.choice(s.popular_entities))),
            RUNS,
        ),
        (
            "search: entity (rare)",
            _search(lambda r, s: ArticleFilters(entity=r.choice(s.rare_entities))),
            RUNS,
        ),
        ("search: place", _search(lambda r, s: ArticleFilters(place=r.choice(s.places))), RUNS),
        ("search: 7-day window", _search(_week), RUNS),
        ("search: q + entity + since 90 days", _search(_combined), RUNS),
        ("search: second page (cursor)", _second_page, RUNS),
        ("top entities: all time", _top(None), RUNS),
        ("top entities: 7-day window", _top(WEEK), RUNS),
        ("entity detail: popular", _detail(lambda s: s.popular_entities), RUNS),
        ("entity detail: rare", _detail(lambda s: s.rare_entities), RUNS),
        ("stories: latest", _stories(None), RUNS),
        ("stories: 30-day window", _stories(MONTH), RUNS),
        (f"export: {EXPORT_ROWS:,} rows (jsonl)", _export, EXPORT_RUNS),
    ]


class _Recorder:
    """The statements an engine runs while ``active``."""

    def __init__(self, engine: Engine) -> None:
        self.active = False
        self.statements: list[Statement] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        if self.active:
            self.statements.append(Statement(sql, parameters))


class GcPauses:
    """The garbage collector's pauses while ``active``, through ``gc.callbacks``."""

    def __init__(self) -> None:
        self.active = False
        self.ms = 0.0
        self.full = 0
        self._started = 0.0
        gc.callbacks.append(self._seen)

    def _seen(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self.active:
            self.ms += (time.perf_counter() - self._started) * 1000
            self.full += info["generation"] == 2

    def reset(self) -> None:
        self.ms, self.full = 0.0, 0

    def close(self) -> None:
        gc.callbacks.remove(self._seen)


def measure(engine: Engine, samples: Samples, seed: int = 0) -> list[CaseRun]:
    recorder = _Recorder(engine)
    pauses = GcPauses()
    out = []
    try:
        for name, query, runs in cases():
            rng = random.Random(f"{seed}:{name}")
            query(engine, random.Random(f"warm:{name}"), samples)()
            run = CaseRun(name, [], [])
            slowest = -1.0
            budget_ends = time.perf_counter() + CASE_BUDGET_S
            for done in range(runs):
                if done >= MIN_RUNS and time.perf_counter() > budget_ends:
                    break
                call = query(engine, rng, samples)
                recorder.active, recorder.statements = True, []
                pauses.reset()
                pauses.active = True
                started = time.perf_counter()
                answer = call()
                ms = (time.perf_counter() - started) * 1000
                recorder.active = pauses.active = False
                run.ms.append(ms)
                run.results.append(answer.results)
                run.gc_ms.append(pauses.ms)
                run.full_gcs += pauses.full
                if answer.first_ms is not None:
                    run.first_ms.append(answer.first_ms)
                if ms > slowest:
                    slowest, run.slowest = ms, recorder.statements
            out.append(run)
    finally:
        pauses.close()
    return out
