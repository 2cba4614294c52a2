"""Guarantee 4: load. ``FAULTS_LOAD_N`` submissions, half of them distinct articles and half
duplicates of those, from concurrent clients, against one worker process per stage (the
default ``WORKER_CONCURRENCY=1``) and the fault tests' short sweeper deadline: the backlog lasts
longer than the deadline at the documented size, so the sweeper is looking at waiting runs all
along. Every distinct article must complete, and no run may happen twice: each duplicate answers
with the first submission's article, and each stage's message runs exactly once (the stage
shell's per-message delivery counter in Redis, ``newsflow:deliveries:*``, read after the run).
Peak RSS of every process and Redis's peak memory are printed.
"""

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import httpx
import pytest
from redis import Redis

from services.gateway.store import ArticleStore
from shared.deliveries import DELIVERIES_PREFIX
from shared.names import STAGES
from tests.faults.articles import article
from tests.faults.conftest import Faulty
from tests.faults.effects import effects_once, events_of
from tests.faults.processes import peak_memory, redis_memory
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.faults
LOAD_N: Final = int(os.environ.get("FAULTS_LOAD_N", "200"))
DISTINCT: Final = LOAD_N // 2
CLIENTS: Final = 8
FIRST_ARTICLE: Final = 10_000  # article numbers no other fault test submits
# One worker per stage: a few articles a second on a quiet core; generous for a busy machine.
FINISH_SECONDS: Final = 120 + 2 * DISTINCT


def deliveries(redis: Redis) -> dict[str, int]:
    """Deliveries of every stage message so far, by message (task id and retry)."""
    keys = list(redis.scan_iter(f"{DELIVERIES_PREFIX}:*", count=1000))
    values = redis.mget(keys) if keys else []
    return {k.decode(): int(v) for k, v in zip(keys, values, strict=True) if v is not None}


def test_load_completes_without_duplicate_runs(faulty: Faulty) -> None:
    redis = Redis.from_url(faulty.redis.url)
    store = ArticleStore(redis)
    delivered_before = deliveries(redis)
    texts = [article(FIRST_ARTICLE + i) for i in range(DISTINCT)]

    with (
        httpx.Client(base_url=faulty.up.gateway, timeout=60) as client,
        peak_memory(faulty.up.stack) as peaks,
    ):

        def post(text: str) -> dict[str, Any]:
            response = client.post("/articles", json={"text": text})
            assert response.status_code in (200, 202), response.text
            body: dict[str, Any] = response.json()
            return body

        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = list(pool.map(post, texts + texts))
        submitted = time.monotonic() - started
        ids = [a["id"] for a in answers[:DISTINCT]]
        assert len(set(ids)) == DISTINCT

        def all_finished() -> bool:
            records = [store.get(i) for i in ids]
            return all(r is not None and r.status in ("done", "failed") for r in records)

        wait_until(all_finished, FINISH_SECONDS, f"{DISTINCT} articles to finish")
        finished = time.monotonic() - started
    memory = redis_memory(faulty.redis.url)

    assert [a["id"] for a in answers[DISTINCT:]] == ids  # a duplicate answers with its article
    new_runs = {i: 0 for i in ids}
    for answer in answers:
        new_runs[answer["id"]] += not answer["duplicate"]
    assert set(new_runs.values()) == {1}, {i: n for i, n in new_runs.items() if n != 1}

    problems: dict[str, list[str]] = {}
    for article_id in ids:
        record = store.get(article_id)
        assert record is not None
        found = effects_once(record, events_of(redis, article_id))
        if record.redrives or any(record.stages[s].attempts != 1 for s in STAGES):
            found.append(f"redrives {record.redrives}, stages {record.stages}")
        if found:
            problems[article_id] = found
    assert not problems, problems

    delivered = {k: n for k, n in deliveries(redis).items() if k not in delivered_before}
    assert len(delivered) == len(STAGES) * DISTINCT, len(delivered)
    assert set(delivered.values()) == {1}, {k: n for k, n in delivered.items() if n != 1}
    redis.close()
    print(
        f"\nload: {LOAD_N} submissions ({DISTINCT} distinct) in {submitted:.1f} s, all done "
        f"{finished:.1f} s after the first ({DISTINCT / finished:.2f} articles/s); "
        f"{len(delivered)} stage messages, each run once\n"
        f"load: peak RSS MB {json.dumps({k: v // 1024 for k, v in sorted(peaks.items())})}; "
        f"redis used_memory_peak {memory['used_memory_peak'] / 2**20:.1f} MB"
    )
