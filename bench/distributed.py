"""The pipeline as its real processes: private redis-server, gateway, collector, stage workers.

Articles go in through ``POST /articles`` with at most ``in_flight`` unfinished at a time (a
closed loop that keeps every queue non-empty without piling up an unbounded backlog). The bench
learns an article ended when it leaves the store's set of open runs, one ``ZMSCORE`` per poll,
and reads timings from the stored results afterwards: every latency below is from the services'
own clocks (submitted -> stage started/finished -> finished), not from the bench's polling.
"""

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from redis import Redis

from bench.processes import MemorySampler, cpu_seconds
from services.gateway.store import OPEN_KEY, article_key
from services.localredis import free_port, start_redis, wait_for_redis
from services.stack import Stack, local_env
from shared.models import ArticleResult

# The pipeline and the poller (/readyz waits for a consumer on every queue); no scheduler: the
# bench follows no source, so nothing would tick.
SERVICES = ("gateway", "collector", "callbacks", "ingest", "extraction", "summarization", "poller")
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Timed:
    """A submission's round trip seen by the client, and the part of it the gateway says it
    spent inside the app (``Server-Timing``; None from code that does not send it)."""

    round_trip_ms: float
    app_ms: float | None


@dataclass
class StackRun:
    """What one run measured; ``results`` are the stored records of the measured articles."""

    label: str
    seconds: float
    results: list[ArticleResult]
    submit_ms: dict[str, Timed]  # article id -> the POST's round trip, and the app's part
    cpu_s: dict[str, float]
    redis_commands: int
    bench_commands: int
    redis_memory_bytes: int  # used_memory grown over the phase: the stored results and events
    memory: MemorySampler

    @property
    def articles(self) -> int:
        return len(self.results)

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds


@dataclass
class LocalStack:
    base_url: str
    redis: Redis
    redis_pid: int
    stack: Stack

    def pids(self) -> dict[str, int]:
        pids = {name: process.pid for name, process in self.stack.processes.items()}
        return {**pids, "redis": self.redis_pid}


@contextmanager
def local_stack(
    service_env: dict[str, dict[str, str]], log_dir: Path, code: Path | None = None
) -> Iterator[LocalStack]:
    """The ``make dev`` processes but Flower on a fresh private Redis, running the code of this
    checkout or of ``code``, another one (its directory first on the path)."""
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
        port = free_port()
        redis_process = start_redis(port, Path(tmp) / "redis")
        url = f"redis://127.0.0.1:{port}/0"
        env = local_env(url)
        gateway_port = free_port()
        env.update({"UVICORN_PORT": str(gateway_port), "RATE_LIMIT_PER_MINUTE": "0"})
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'archive.db'}"  # fresh, as the Redis is
        if code is not None:
            env["PYTHONPATH"] = str(code)
        stack = Stack(env, log_dir.resolve(), service_env=service_env, cwd=code)
        try:
            wait_for_redis(url)
            stack.start(*SERVICES)
            yield LocalStack(
                f"http://127.0.0.1:{gateway_port}", Redis.from_url(url), redis_process.pid, stack
            )
        finally:
            stack.stop()
            redis_process.terminate()
            redis_process.wait(10)


def _wait_for_gateway(client: httpx.Client, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if client.get("/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("the gateway did not become ready")


def _timed(response: httpx.Response, began: float) -> Timed:
    elapsed = 1000 * (time.perf_counter() - began)
    timing = response.headers.get("server-timing", "")
    app = next((p.removeprefix("dur=") for p in timing.split(";") if p.startswith("dur=")), None)
    return Timed(elapsed, float(app) if app is not None else None)


def _submit(client: httpx.Client, body: dict[str, Any]) -> tuple[str, Timed]:
    began = time.perf_counter()
    response = client.post("/articles", json=body)
    timed = _timed(response, began)
    if response.status_code != 202:
        raise RuntimeError(f"submission refused: {response.status_code} {response.text[:300]}")
    return str(response.json()["id"]), timed


def _submit_batch(client: httpx.Client, bodies: list[dict[str, Any]]) -> tuple[list[str], Timed]:
    began = time.perf_counter()
    response = client.post("/articles/batch", json=bodies)
    timed = _timed(response, began)
    items = response.json().get("items", []) if response.status_code == 202 else []
    if len(items) != len(bodies) or not all("id" in item for item in items):
        raise RuntimeError(f"batch refused: {response.status_code} {response.text[:300]}")
    return [str(item["id"]) for item in items], timed


def drive(
    local: LocalStack,
    client: httpx.Client,
    articles: list[dict[str, Any]],
    in_flight: int,
    batch: int = 1,
) -> tuple[list[str], list[Timed], int, float]:
    """Submit ``articles`` keeping ``in_flight`` open, one at a time (``POST /articles``) or
    ``batch`` at a time (``POST /articles/batch``); returns ids, submit times (a batch's for
    each of its articles), bench commands and the seconds from the first submission to the last
    article's end."""
    ids: list[str] = []
    submit_ms: list[Timed] = []
    open_ids: list[str] = []
    commands = 0
    pending = list(articles)
    began = time.perf_counter()
    while pending or open_ids:
        while pending and len(open_ids) < in_flight:
            if batch > 1:
                group, pending = pending[:batch], pending[batch:]
                sent, timed = _submit_batch(client, group)
            else:
                article_id, timed = _submit(client, pending.pop(0))
                sent = [article_id]
            ids.extend(sent)
            submit_ms.extend([timed] * len(sent))
            open_ids.extend(sent)
        time.sleep(POLL_SECONDS)
        scores = local.redis.zmscore(OPEN_KEY, open_ids)
        commands += 1
        open_ids = [aid for aid, score in zip(open_ids, scores, strict=True) if score is not None]
    return ids, submit_ms, commands, time.perf_counter() - began


def fetch_results(redis: Redis, ids: list[str]) -> list[ArticleResult]:
    raws = redis.mget([article_key(aid) for aid in ids])
    return [ArticleResult.model_validate_json(raw) for raw in raws if raw]


@dataclass(frozen=True)
class Phase:
    label: str
    articles: list[dict[str, Any]]
    in_flight: int
    batch: int = 1  # articles a submission: 1 is POST /articles, more is POST /articles/batch
    bracket: bool = False  # run inside ``measure``'s ``around`` (in-process runs either side)


# Runs a phase (the callable) with whatever the caller does around it, the stack up and idle:
# the batched phase's in-process runs (bench/pipeline.py).
Around = Callable[[LocalStack, Phase, Callable[[], "StackRun"]], "StackRun"]


def measure(
    phases: list[Phase],
    warmup: list[dict[str, Any]],
    service_env: dict[str, dict[str, str]],
    log_dir: Path,
    code: Path | None = None,
    start_timeout: float = 300.0,
    around: Around | None = None,
) -> list[StackRun]:
    """Start a fresh stack, warm every pool process, then measure each phase in turn (a phase
    to ``bracket`` inside ``around``)."""
    with (
        local_stack(service_env, log_dir, code) as local,
        httpx.Client(timeout=60) as client,
    ):
        client.base_url = httpx.URL(local.base_url)
        _wait_for_gateway(client, time.monotonic() + start_timeout)
        drive(local, client, warmup, in_flight=len(warmup))  # loads models in every process
        runs = []
        for phase in phases:

            def run(phase: Phase = phase) -> StackRun:
                return _measure_phase(local, client, phase)

            runs.append(around(local, phase, run) if around and phase.bracket else run())
    return runs


def _measure_phase(local: LocalStack, client: httpx.Client, phase: Phase) -> StackRun:
    pids = local.pids()
    cpu_before = cpu_seconds(pids)
    commands_before = int(local.redis.info("stats")["total_commands_processed"])
    memory_before = int(local.redis.info("memory")["used_memory"])
    with MemorySampler(pids) as memory:
        ids, submit_ms, bench_commands, seconds = drive(
            local, client, phase.articles, phase.in_flight, phase.batch
        )
    stats = local.redis.info("stats")
    commands = int(stats["total_commands_processed"]) - commands_before
    cpu_after = cpu_seconds(pids)
    return StackRun(
        label=phase.label,
        seconds=seconds,
        results=fetch_results(local.redis, ids),
        submit_ms=dict(zip(ids, submit_ms, strict=True)),
        cpu_s={n: cpu_after[n] - cpu_before.get(n, 0.0) for n in cpu_after},
        redis_commands=commands,
        bench_commands=bench_commands + 1,  # and the INFO closing the window
        memory=memory,
        redis_memory_bytes=int(local.redis.info("memory")["used_memory"]) - memory_before,
    )
