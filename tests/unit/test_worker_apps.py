"""Every Celery app is built from the settings its caller gives, and nothing is built at import."""

import subprocess
import sys
from collections.abc import Callable

import pytest

from services.extraction import worker as extraction
from services.gateway import broker, collector, notifier
from services.gateway.monitor import worker as monitor
from services.ingest import worker as ingest
from services.summarization import worker as summarization
from shared.celery_app import NewsflowCelery, settings_of
from shared.names import (
    TASK_ALERT_DELIVER,
    TASK_ALERTS_PENDING,
    TASK_CALLBACK,
    TASK_COLLECT,
    TASK_COLLECT_BATCH,
    TASK_EXTRACTION,
    TASK_EXTRACTION_BATCH,
    TASK_INGEST,
    TASK_INGEST_BATCH,
    TASK_SOURCE_POLL,
    TASK_SOURCES_DUE,
    TASK_SUMMARIZATION,
    TASK_SUMMARIZATION_BATCH,
)
from shared.settings import Settings

Factory = Callable[[Settings], NewsflowCelery]
FACTORIES: dict[str, tuple[Factory, set[str]]] = {
    "ingest": (ingest.create_app, {TASK_INGEST, TASK_INGEST_BATCH}),
    "extraction": (extraction.create_app, {TASK_EXTRACTION, TASK_EXTRACTION_BATCH}),
    "summarization": (summarization.create_app, {TASK_SUMMARIZATION, TASK_SUMMARIZATION_BATCH}),
    "collector": (collector.create_app, {TASK_COLLECT, TASK_COLLECT_BATCH}),
    "callbacks": (notifier.create_app, {TASK_CALLBACK, TASK_ALERT_DELIVER}),
    "monitor": (monitor.create_app, {TASK_SOURCES_DUE, TASK_SOURCE_POLL, TASK_ALERTS_PENDING}),
    "gateway": (broker.create_app, set()),
}


@pytest.mark.parametrize("service", sorted(FACTORIES))
def test_an_app_runs_its_own_tasks_under_the_settings_it_was_given(service: str) -> None:
    factory, names = FACTORIES[service]
    first = Settings(redis_url="redis://first.example:6390/3", task_max_retries=2)
    second = Settings(redis_url="redis://second.example:6391/4", task_max_retries=5)
    apps = [factory(first), factory(second)]
    for app, settings in zip(apps, (first, second), strict=True):
        assert settings_of(app) is settings
        assert app.conf.broker_url == settings.redis_url
        ours = {name for name in app.tasks if not name.startswith("celery.")}
        assert ours == names
    if service in ("ingest", "extraction", "summarization"):
        # Each app holds its own task, not the first app's (Celery shares tasks unless told not).
        name = next(name for name in names if not name.endswith(".batch"))
        assert [app.tasks[name].max_retries for app in apps] == [2, 5]
        for name in names:
            assert apps[0].tasks[name] is not apps[1].tasks[name]


def test_importing_a_worker_module_builds_no_app() -> None:
    modules = [
        "services.ingest.worker",
        "services.extraction.worker",
        "services.summarization.worker",
        "services.gateway.collector",
        "services.gateway.notifier",
        "services.gateway.monitor.worker",
        "services.gateway.broker",
    ]
    code = (
        f"import importlib\nfor m in {modules!r}: importlib.import_module(m)\n"
        "from shared.celery_app import default_app\n"
        "assert default_app.cache_info().currsize == 0, 'an app was built at import'\n"
        "import services.gateway.collector as c\n"
        "assert c.app.main == 'collector' and default_app.cache_info().currsize == 1\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
