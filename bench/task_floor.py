"""What one Celery message costs Newsflow when its task does no work: the floor under the ratio.

A private redis-server (append-only, as ``make dev``) and one worker of ``bench.floor_app``,
whose task validates a stage message (a real BBC article's Document, as ingest sends extraction)
and returns. The queue gets ``--messages`` such messages; the CPU time of the sender, of the
worker (main and pool process) and of redis-server is read over the run. Then 20 messages go
one at a time, 0.1 s apart: from ``send_task`` to the task running is one hop's latency on an
idle worker (the floor under the gateway + collector overhead). Variants:

- ``stages``: as the stage workers run (prefork pool, late acks, task events for Flower);
- ``no-events``: the same without task events (Flower would show no task);
- ``solo``: events on, the task run in the worker's main process (no pool hand-off, and no hard
  time limit or crash isolation);
- ``batch8``: as the stages, each message carrying eight such stage messages (a design this
  project does not have): what an article's share of a message would cost if articles travelled
  in batches, the option docs/performance.md weighs against the ratio target.

    .venv/bin/python -m bench.task_floor [--messages 2000] [--variants stages,no-events,solo,batch8]

Prints a Markdown table, then one JSON object as the last line. ``make bench`` runs it too and
reports the ceiling this floor puts on the throughput ratio (``ceiling``).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil
from celery import Celery
from redis import Redis

from bench.articles import bench_articles
from bench.floor_app import IDLE_PREFIX, QUEUE, STARTED, TASK, create_app
from bench.processes import cpu_seconds
from services.ingest.core import build_document
from services.localredis import free_port, start_redis
from services.stack import worker_command
from shared.celery_app import brief_args
from shared.models import ArticleSubmission, StageRequest
from shared.settings import Settings

VARIANTS: dict[str, tuple[str, bool, int]] = {  # name: (pool, task events, articles a message)
    "stages": ("prefork", True, 1),
    "no-events": ("prefork", False, 1),
    "solo": ("solo", True, 1),
    "batch8": ("prefork", True, 8),
}
BATCHED = "batch8"
WARM_UP = 50
# The idle phase: messages sent one at a time, this far apart, for one hop's latency alone.
IDLE_MESSAGES = 20
IDLE_GAP_SECONDS = 0.1
DRAIN_SECONDS = 300.0
POLL_SECONDS = 0.02
# An article's messages: ingest, extraction and summarization (task events on), and the
# collector's three outcomes (events off: services/gateway/collector.py).
STAGE_MESSAGES = 3
COLLECTOR_MESSAGES = 3


@dataclass
class Floor:
    variant: str
    messages: int
    send_ms: float
    worker_ms: float
    redis_ms: float
    messages_per_s: float
    redis_commands: float
    idle_hop_ms_p50: float
    idle_hop_ms_p95: float
    articles_per_message: int = 1

    @property
    def total_ms(self) -> float:
        return self.send_ms + self.worker_ms + self.redis_ms

    @property
    def article_ms(self) -> float:
        """One article's share of a message."""
        return self.total_ms / self.articles_per_message


def stage_message(settings: Settings) -> dict[str, Any]:
    """An extraction message for a real article (the bench's first BBC one)."""
    body = bench_articles(8)[-1]
    submission = ArticleSubmission.model_validate(body)
    document = build_document("floor", submission, settings)
    return StageRequest(article_id=document.article_id, run_id="r", document=document).model_dump(
        mode="json"
    )


def _body(
    payload: dict[str, Any], batch: int, run_id: str | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """A message's argument: the stage message, or ``batch`` of them; ``run_id`` marks it."""
    first = payload if run_id is None else {**payload, "run_id": run_id}
    return first if batch == 1 else [first] + [payload] * (batch - 1)


def _send(app: Celery, body: dict[str, Any] | list[dict[str, Any]]) -> None:
    first = body[0] if isinstance(body, list) else body
    app.send_task(TASK, args=[body], argsrepr=brief_args(first))


def _drained(redis: Redis) -> bool:
    return not redis.llen(QUEUE) and not redis.hlen("unacked")


def _wait_drained(redis: Redis) -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    while not _drained(redis):
        if time.monotonic() > deadline:
            raise SystemExit("the floor worker did not drain its queue")
        time.sleep(POLL_SECONDS)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _idle_hops(app: Celery, payload: dict[str, Any], batch: int, redis: Redis) -> list[float]:
    """Milliseconds from ``send_task`` to the task running in the pool process, one message at a
    time on an idle worker: what a message adds to an article's latency when nothing waits."""
    sent: dict[str, float] = {}
    for index in range(IDLE_MESSAGES):
        run_id = f"{IDLE_PREFIX}{index}"
        body = _body(payload, batch, run_id)
        sent[run_id] = time.time()
        _send(app, body)
        time.sleep(IDLE_GAP_SECONDS)
    _wait_drained(redis)
    started = {_text(k): float(v) for k, v in redis.hgetall(STARTED).items()}
    redis.delete(STARTED)
    return [(started[run] - at) * 1000 for run, at in sent.items()]


def _commands(redis: Redis) -> int:
    return int(redis.info("stats")["total_commands_processed"])


def run_variant(
    name: str, messages: int, payload: dict[str, Any], redis_url: str, work: Path
) -> Floor:
    pool, events, batch = VARIANTS[name]
    body = _body(payload, batch)
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "WORKER_CONCURRENCY": "1",
        "METRICS_PORT": str(free_port()),
        "PROMETHEUS_MULTIPROC_DIR": str(work / f"metrics-{name}"),
        "FLOOR_TASK_EVENTS": "1" if events else "0",
    }
    argv = [*worker_command("bench.floor_app", QUEUE, node=f"floor-{name}"), "--pool", pool]
    argv[0] = str(Path(sys.executable).parent / argv[0])  # this venv's celery
    with (work / f"worker-{name}.log").open("wb") as log:
        worker = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    app = create_app(Settings(redis_url=redis_url))
    redis = Redis.from_url(redis_url)
    redis_pid = int(redis.info("server")["process_id"])
    try:
        for _ in range(WARM_UP):
            _send(app, body)
        _wait_drained(redis)
        time.sleep(1.0)  # the last warm-up's events and acks are over
        pids = {"worker": worker.pid, "redis": redis_pid}
        before, commands_before = cpu_seconds(pids), _commands(redis)
        began, sent_cpu = time.monotonic(), time.process_time()
        for _ in range(messages):
            _send(app, body)
        sent_cpu = time.process_time() - sent_cpu
        _wait_drained(redis)
        wall = time.monotonic() - began
        after = cpu_seconds(pids)
        # The drain polls (two commands each) are the bench's, not the message's.
        polls = wall / POLL_SECONDS * 2
        commands = _commands(redis) - commands_before - polls
        hops = _idle_hops(app, payload, batch, redis)
        per = 1000.0 / messages
        return Floor(
            variant=name,
            messages=messages,
            send_ms=round(sent_cpu * per, 3),
            worker_ms=round((after["worker"] - before["worker"]) * per, 3),
            redis_ms=round((after["redis"] - before["redis"]) * per, 3),
            messages_per_s=round(messages / wall, 1),
            redis_commands=round(commands / messages, 1),
            idle_hop_ms_p50=round(statistics.median(hops), 2),
            idle_hop_ms_p95=round(statistics.quantiles(hops, n=20)[-1], 2),
            articles_per_message=batch,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            for process in psutil.Process(worker.pid).children(recursive=True):
                process.kill()
            worker.kill()
        redis.delete(QUEUE, "unacked", "unacked_index")


def measure_floor(messages: int, variants: list[str] | None = None) -> dict[str, Any]:
    """Each variant's floor, on its own redis-server: what ``make bench`` adds to its report."""
    with tempfile.TemporaryDirectory(prefix="newsflow-floor-") as tmp:
        work = Path(tmp)
        port = free_port()
        server = start_redis(port, work / "redis", appendonly=True)
        redis_url = f"redis://127.0.0.1:{port}/0"
        try:
            payload = stage_message(Settings(redis_url=redis_url))
            floors = [
                run_variant(name, messages, payload, redis_url, work)
                for name in variants or list(VARIANTS)
            ]
        finally:
            server.terminate()
            server.wait(10)
    return {
        "messages": messages,
        "payload_kb": round(len(json.dumps(payload)) / 1024, 2),
        "variants": {
            f.variant: {
                **asdict(f),
                "total_ms": round(f.total_ms, 3),
                "article_ms": round(f.article_ms, 3),
            }
            for f in floors
        },
    }


def messages_ms(floor: dict[str, Any]) -> float:
    """An article's messages at their floor: CPU ms before any work is done."""
    variants = floor["variants"]
    return float(
        STAGE_MESSAGES * variants["stages"]["total_ms"]
        + COLLECTOR_MESSAGES * variants["no-events"]["total_ms"]
    )


def ceiling(inprocess_cpu_ms: float, floor: dict[str, Any]) -> float:
    """The highest CPU ratio the design allows: the in-process cores' CPU against the same plus
    an article's messages at their floor, as if the gateway, the collector's record merges and
    archive write, and every stage shell cost nothing more."""
    return _ratio(inprocess_cpu_ms, messages_ms(floor))


def batched_ceiling(inprocess_cpu_ms: float, floor: dict[str, Any]) -> float | None:
    """The same ceiling had articles travelled in batches (``batch8``): an article's six messages
    at its share of a batch message; None when that variant was not measured."""
    batched = floor["variants"].get(BATCHED)
    if batched is None:
        return None
    return _ratio(
        inprocess_cpu_ms, (STAGE_MESSAGES + COLLECTOR_MESSAGES) * float(batched["article_ms"])
    )


def _ratio(inprocess_cpu_ms: float, messages_cpu_ms: float) -> float:
    return round(inprocess_cpu_ms / (inprocess_cpu_ms + messages_cpu_ms), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    floor = measure_floor(args.messages, args.variants.split(","))
    print("\n".join(floor_markdown(floor)))
    print(json.dumps(floor))


def floor_markdown(floor: dict[str, Any]) -> list[str]:
    lines = [
        f"### One message, no work ({floor['messages']} messages of {floor['payload_kb']} KB; "
        "CPU ms each)",
        "",
        "| variant | articles a message | sender | worker | redis | all | an article's share "
        "| messages/s | Redis commands | one hop idle, ms p50 / p95 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in floor["variants"].values():
        lines.append(
            f"| {f['variant']} | {f['articles_per_message']} | {f['send_ms']} "
            f"| {f['worker_ms']} | {f['redis_ms']} | {f['total_ms']} | {f['article_ms']} "
            f"| {f['messages_per_s']} "
            f"| {f['redis_commands']} | {f['idle_hop_ms_p50']} / {f['idle_hop_ms_p95']} |"
        )
    return lines


if __name__ == "__main__":
    main()
