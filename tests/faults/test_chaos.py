"""Guarantee 3: exactly-once effects under chaos.

``FAULTS_CHAOS_N`` articles (generated, distinct) are submitted through the gateway, each with a
callback to a loopback receiver, in batches, one just before each fault of a plan that a chaos
thread works through, a few seconds apart: the pool process of each stage's worker and of the
collector is SIGKILLed while it holds a message; each of those services is SIGKILLed whole (main
process and pool) while it holds a message, and started again; redis-server is SIGKILLed
(appendonly on, ``appendfsync everysec``: Redis's default and compose's) and started again on its
files; the gateway is SIGKILLed and started again. The client retries a submission until it is
accepted, as a client should.

Then every article must end ``done``, stored once (one record, in the index once, one run), with
exactly one event per stage outcome and one terminal event in its stream, and its run must reach
the receiver at most once (and, here, exactly once).
"""

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import httpx
import pytest
from redis import Redis
from redis.exceptions import RedisError

from services.gateway.store import INDEX_KEY, ArticleStore
from services.gateway.sweeper import CALLBACK_GRACE_SECONDS
from services.localredis import free_port
from shared.names import QUEUE_RESULTS, STAGE_QUEUES, STAGES
from tests.conftest import RedisServer
from tests.faults.articles import article
from tests.faults.conftest import FAULT_ENV, RUN_DEADLINE_SECONDS, SWEEP_INTERVAL_SECONDS
from tests.faults.effects import effects_once, events_of
from tests.faults.processes import (
    busy,
    crash_redis,
    kill_and_restart,
    kill_pool_child,
    peak_memory,
    redis_memory,
)
from tests.faults.receiver import callback_receiver
from tests.integration.conftest import Running, run_stack, wait_until

pytestmark = pytest.mark.faults
CHAOS_N: Final = int(os.environ.get("FAULTS_CHAOS_N", "30"))
PAUSE_SECONDS: Final = 3.0  # between two faults: the stack is never quiet for long
BUSY_WAIT_SECONDS: Final = 20.0  # how long a fault waits for its victim to hold a message
REDIS_DOWN_SECONDS: Final = 3.0
GATEWAY_DOWN_SECONDS: Final = 1.0
TASK_TIME_LIMIT: Final = 30  # a stage takes about a second here, a few when the machine is busy
CHAOS_ENV: Final = {
    **FAULT_ENV,
    "TASK_SOFT_TIME_LIMIT": str(TASK_TIME_LIMIT - 10),
    "TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
}
# Once the faults stop: a message held by a killed worker counts as in flight for the hard time
# limit, a stalled run is swept after the deadline, then the backlog drains.
RECOVERY_SECONDS: Final = TASK_TIME_LIMIT + RUN_DEADLINE_SECONDS + 120 + CHAOS_N
QUEUE_OF_SERVICE: Final[dict[str, str]] = {
    **{stage: queue for stage, queue in STAGE_QUEUES.items()},
    "collector": QUEUE_RESULTS,
}
WORKERS: Final = ("ingest", "extraction", "summarization", "collector")
PLAN: Final = (
    *(("pool", name) for name in WORKERS),
    ("service", "ingest"),
    ("redis", "redis"),
    ("service", "extraction"),
    ("gateway", "gateway"),
    ("service", "summarization"),
    ("service", "collector"),
)


@dataclass
class Monkey:
    """Strikes each fault of ``PLAN`` in turn, in a thread, recording what it hit. Before each
    fault it lets the submitter send the next batch of articles, so that the fault meets work in
    flight (and the gateway and Redis faults meet submissions)."""

    up: Running
    redis: RedisServer
    batch: int
    released: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    struck: list[tuple[str, str, bool]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, name="chaos", daemon=True)

    def _wait_busy(self, queue: str) -> bool:
        client = Redis.from_url(self.redis.url, socket_timeout=2)
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        try:
            while time.monotonic() < deadline and not self.stopping.is_set():
                try:
                    if busy(client, queue, within=TASK_TIME_LIMIT):
                        return True
                except RedisError:
                    pass
                time.sleep(0.02)
            return False
        finally:
            client.close()

    def _run(self) -> None:
        stack = self.up.stack
        for kind, target in PLAN:
            if self.stopping.wait(PAUSE_SECONDS):
                return
            self.released.release(self.batch)
            hit = True
            if kind in ("pool", "service"):
                hit = self._wait_busy(QUEUE_OF_SERVICE[target])
            if kind == "pool":
                hit = kill_pool_child(stack, target) and hit
            elif kind == "service":
                kill_and_restart(stack, target)
            elif kind == "redis":
                crash_redis(self.redis, REDIS_DOWN_SECONDS)
            else:
                kill_and_restart(stack, target, GATEWAY_DOWN_SECONDS)
            self.struck.append((kind, target, hit))
            print(f"chaos: {kind} {target}{'' if hit else ' (idle)'}", flush=True)
        self.released.release(CHAOS_N)  # whatever is left


def submit(client: httpx.Client, body: dict[str, Any], give_up_after: float = 120) -> str:
    """POST until accepted: connection errors (gateway down) and 5xx (Redis down) are retried."""
    deadline = time.monotonic() + give_up_after
    while True:
        try:
            response = client.post("/articles", json=body)
            if response.status_code in (200, 202):
                return str(response.json()["id"])
            assert response.status_code >= 500 or response.status_code == 429, response.text
            last: object = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        assert time.monotonic() < deadline, f"not accepted after {give_up_after} s: {last!r}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def chaos_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, RedisServer]]:
    """A stack of its own: this test kills and restarts every part of it, Redis included."""
    redis = RedisServer(port=free_port(), data_dir=tmp_path_factory.mktemp("chaos-redis"))
    redis.start()
    try:
        with run_stack(redis.url, tmp_path_factory.mktemp("chaos-logs"), CHAOS_ENV) as up:
            yield up, redis
    finally:
        redis.stop()


def test_exactly_once_effects_under_chaos(chaos_stack: tuple[Running, RedisServer]) -> None:
    up, redis_server = chaos_stack
    monkey = Monkey(up, redis_server, batch=-(-CHAOS_N // len(PLAN)))
    started = time.monotonic()
    ids: list[str] = []
    with (
        callback_receiver() as (url, received),
        peak_memory(up.stack) as peaks,
        httpx.Client(base_url=up.gateway, timeout=10) as client,
    ):
        monkey.thread.start()
        try:
            for i in range(CHAOS_N):
                while not monkey.released.acquire(timeout=1):
                    assert monkey.thread.is_alive(), "the chaos thread died"
                ids.append(submit(client, {"text": article(i), "callback_url": url}))
            monkey.thread.join()
        finally:
            monkey.stopping.set()
            monkey.thread.join()
        chaos_over = time.monotonic()
        assert not up.stack.exited(), up.stack.exited()
        assert len(set(ids)) == CHAOS_N

        redis = Redis.from_url(redis_server.url)
        store = ArticleStore(redis)

        def all_finished() -> bool:
            records = [store.get(i) for i in ids]
            return all(r is not None and r.status in ("done", "failed") for r in records)

        wait_until(all_finished, RECOVERY_SECONDS, "every article to finish after the chaos")
        finished = time.monotonic()
        records = {i: store.get(i) for i in ids}
        runs = {r.run_id for r in records.values() if r is not None}
        wait_until(
            lambda: runs <= set(received.per_run()),
            CALLBACK_GRACE_SECONDS + 60,
            "a callback for every run",
        )
        time.sleep(CALLBACK_GRACE_SECONDS + 3 * SWEEP_INTERVAL_SECONDS)  # a second would be here
        callbacks = received.per_run()

    problems = {}
    for article_id, record in records.items():
        assert record is not None, article_id
        found = effects_once(record, events_of(redis, article_id))
        if found:
            problems[article_id] = found
    assert not problems, problems
    assert redis.zcard(INDEX_KEY) == CHAOS_N and all(redis.zscore(INDEX_KEY, i) for i in ids)
    twice = {run: n for run, n in callbacks.items() if n > 1}
    assert not twice, f"runs called back more than once: {twice}"

    retried = Counter(
        s for r in records.values() if r is not None for s in STAGES if r.stages[s].attempts > 1
    )
    redrives = sum(r.redrives for r in records.values() if r is not None)
    hits = sum(hit for _, _, hit in monkey.struck)
    assert len(monkey.struck) == len(PLAN) and hits >= len(PLAN) - 2, monkey.struck
    assert sum(retried.values()) + redrives >= 1, "no fault reached an article's work"
    memory = redis_memory(redis_server.url)
    redis.close()
    print(
        f"\nchaos: {CHAOS_N} articles, {len(monkey.struck)} faults ({hits} hit a busy process), "
        f"all done {finished - chaos_over:.1f} s after the last fault "
        f"({finished - started:.1f} s in all); runs with a stage delivered again: "
        f"{dict(retried)}; re-drives: {redrives}; callbacks: {sum(callbacks.values())} for "
        f"{len(runs)} runs, at most {max(callbacks.values())} per run\n"
        f"chaos: peak RSS MB {json.dumps({k: v // 1024 for k, v in sorted(peaks.items())})}; "
        f"redis used_memory_peak {memory['used_memory_peak'] / 2**20:.1f} MB"
    )
