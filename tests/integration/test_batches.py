"""A batch submission travels several articles to a message through every stage
(shared/batching.py), and an article its batch cannot finish takes the single path and fails
alone."""

from typing import Any

import httpx
import pytest

from shared.settings import Settings
from tests.integration.conftest import Running, flower_task, wait_finished

pytestmark = pytest.mark.integration
CITIES = (
    "Lagos", "Quito", "Hanoi", "Tbilisi", "Perth", "Bergen", "Cusco", "Dakar", "Izmir", "Oulu",
)  # fmt: skip


def _articles(tag: str) -> list[dict[str, Any]]:
    return [
        {
            "text": f"The mayor of {city} opened a new {tag} bridge on Monday. "
            f"Officials in {city} said traffic would fall by a third within a year."
        }
        for city in CITIES
    ]


def test_a_batch_travels_several_articles_to_a_message(
    running: Running, client: httpx.Client
) -> None:
    per_message = Settings().batch_max_articles
    assert per_message < len(CITIES)  # so the submission needs two messages a stage
    response = client.post("/articles/batch", json=_articles("batched"))
    assert response.status_code == 202, response.text
    ids = [item["id"] for item in response.json()["items"]]
    results = [wait_finished(client, article_id) for article_id in ids]
    assert [r["status"] for r in results] == ["done"] * len(ids)
    for stage in ("ingest", "extraction", "summarization"):
        tasks = [r["stages"][stage]["task_id"] for r in results]
        # In order: the first messages full, the last with the rest.
        assert tasks[:per_message] == [tasks[0]] * per_message, stage
        assert len(set(tasks)) == 2, stage
        starts = [r["stages"][stage]["started_at"] for r in results[:per_message]]
        assert starts == sorted(starts) and len(set(starts)) == per_message  # each timed alone
    assert all(r["extraction"]["places"] for r in results)
    assert all(r["summary"]["sentences"] for r in results)

    batch_task = results[0]["stages"]["extraction"]["task_id"]
    task = flower_task(running.flower, batch_task, "SUCCESS")
    assert task["name"] == "extraction.batch"
    assert f"{per_message} done, 0 sent alone" in str(task["result"])
    assert ids[0] in str(task["args"]) and "mayor" not in str(task["args"])  # ids, not text


def test_an_article_its_batch_cannot_finish_fails_alone(client: httpx.Client) -> None:
    items = _articles("failing")[:3]
    items.insert(1, {"text": "* * *"})  # passes validation; ingest finds no article text in it
    response = client.post("/articles/batch", json=items)
    assert response.status_code == 202, response.text
    ids = [item["id"] for item in response.json()["items"]]
    results = [wait_finished(client, article_id) for article_id in ids]
    assert [r["status"] for r in results] == ["done", "failed", "done", "done"]
    failed = results[1]
    assert failed["error"]["stage"] == "ingest"
    assert failed["error"]["type"] == "EmptyArticleError"
    # The others finished in their batch; the failed one was given back and ran on its own.
    ingest_tasks = [r["stages"]["ingest"]["task_id"] for r in results]
    assert ingest_tasks[0] == ingest_tasks[2] == ingest_tasks[3] != ingest_tasks[1]
