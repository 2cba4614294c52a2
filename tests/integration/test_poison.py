"""A message no stage can use is reported as failed (a FAILURE in Flower, with its reason) and
does not block its queue."""

import httpx
import pytest

from shared.celery_app import make_celery
from shared.names import TASK_EXTRACTION
from shared.settings import Settings
from tests.conftest import RedisServer
from tests.integration.conftest import Running, flower_task, wait_finished

pytestmark = pytest.mark.integration


def test_poison_message_fails_alone(
    running: Running, redis_server: RedisServer, client: httpx.Client
) -> None:
    celery = make_celery("test-sender", Settings(redis_url=redis_server.url))
    poison = celery.send_task(
        TASK_EXTRACTION,
        args=[{"article_id": "a_poison", "run_id": "r", "document": "not a document"}],
    )

    task = flower_task(running.flower, str(poison.id), "FAILURE")
    assert "ValidationError" in str(task["exception"]), task

    response = client.post(
        "/articles", json={"text": "Kenya's tea exports rose in March, the board said."}
    )
    assert wait_finished(client, response.json()["id"])["status"] == "done"
