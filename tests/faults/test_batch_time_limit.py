"""A batch past its soft time limit (shared/batch_stage.py) reports what it finished and sends the
articles it did not reach alone, each then under its own limits; on a stack of its own with
short time limits, so the test takes seconds, not the default minute."""

from collections.abc import Iterator
from typing import Final

import httpx
import pytest

from services.localredis import free_port
from shared import faults
from tests.conftest import RedisServer
from tests.faults.articles import article
from tests.faults.conftest import FAULT_ENV
from tests.integration.conftest import Running, run_stack, wait_finished

pytestmark = pytest.mark.faults
SOFT_LIMIT_SECONDS: Final = 6  # a stage takes about a second here, a few on a busy machine
LIMITS: Final = {
    "TASK_SOFT_TIME_LIMIT": str(SOFT_LIMIT_SECONDS),
    "TASK_TIME_LIMIT": str(SOFT_LIMIT_SECONDS + 4),
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    redis = RedisServer(port=free_port(), data_dir=tmp_path_factory.mktemp("limits-redis"))
    redis.start()
    try:
        logs = tmp_path_factory.mktemp("limits-logs")
        with run_stack(redis.url, logs, {**FAULT_ENV, **LIMITS}) as up:
            yield up
    finally:
        redis.stop()


def test_a_batch_past_its_soft_limit_sends_the_rest_alone(limited: Running) -> None:
    items = [{"text": article(930 + n)} for n in range(3)]
    items[1] = {"text": f"{article(931)} {faults.OUTLIVE_SOFT_LIMIT}"}
    with httpx.Client(base_url=limited.gateway, timeout=30) as client:
        response = client.post("/articles/batch", json=items)
        assert response.status_code == 202, response.text
        ids = [item["id"] for item in response.json()["items"]]
        results = [wait_finished(client, article_id, timeout=120) for article_id in ids]
    assert [r["status"] for r in results] == ["done", "failed", "done"]
    slow = results[1]
    assert slow["error"]["stage"] == "ingest"
    assert slow["error"]["type"] == "SoftTimeLimitExceeded"
    # The first finished in the batch; the one it never reached ran alone, as did the slow one.
    tasks = [r["stages"]["ingest"]["task_id"] for r in results]
    assert len(set(tasks)) == 3
    log = (limited.log_dir / "ingest.log").read_text(errors="replace")
    assert "batch past its soft time limit; 2 articles go alone" in log
