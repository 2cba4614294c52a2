from shared.celery_app import celery_config
from shared.cores import available_cores
from shared.names import TASK_ROUTES
from shared.settings import Settings


def test_reliability_settings_are_deliberate() -> None:
    settings = Settings(redis_url="redis://example:6379/0", task_time_limit=200)
    conf = celery_config(settings)
    assert conf["accept_content"] == ["json"] and conf["task_serializer"] == "json"
    assert conf["task_acks_late"] and conf["task_reject_on_worker_lost"]
    assert conf["worker_prefetch_multiplier"] == 1
    assert conf["worker_send_task_events"]  # what Flower shows
    assert conf["broker_transport_options"]["visibility_timeout"] > settings.task_time_limit
    assert conf["task_soft_time_limit"] < conf["task_time_limit"]
    assert conf["task_routes"] == TASK_ROUTES
    # Outcomes travel as messages: no task writes its return value to the result backend.
    assert conf["task_ignore_result"] and conf["result_backend"] is None


def test_task_events_can_be_turned_off_where_nobody_watches_flower() -> None:
    assert celery_config(Settings())["worker_send_task_events"]
    assert not celery_config(Settings(task_events=False))["worker_send_task_events"]


def test_concurrency_follows_the_cores_unless_set() -> None:
    assert celery_config(Settings(worker_concurrency=3))["worker_concurrency"] == 3
    assert celery_config(Settings())["worker_concurrency"] == available_cores() >= 1


def test_tasks_route_to_the_five_queues() -> None:
    queues = [route["queue"] for route in TASK_ROUTES.values()]
    assert set(queues) == {
        "ingest",
        "extraction",
        "summarization",
        "results",
        "callbacks",
        "sources",
    }
    # A slow callback receiver must never hold up result collection: not the same queue.
    assert TASK_ROUTES["results.callback"] != TASK_ROUTES["results.collect"]


def test_flower_sees_the_stage_tasks_but_not_the_collectors_bookkeeping() -> None:
    from services.extraction.worker import app as extraction
    from services.gateway.collector import app as collector

    assert extraction.conf.worker_send_task_events
    assert not collector.conf.worker_send_task_events
