"""A Celery worker's ``/metrics``: its main process serves the sum of what its pool processes
counted, through prometheus_client's multiprocess mode.

prometheus_client picks that mode when it is imported, from PROMETHEUS_MULTIPROC_DIR in the
environment, so the directory is given by whoever starts the worker (services/stack.py,
docker-compose.yml): one per worker, emptied here before any pool process starts, since files
left by an earlier run would be added to this run's counts.
"""

import logging
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)


def empty_directory(path: Path) -> None:
    """Remove the value files (``*.db``) of an earlier run; create the directory if need be."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def multiprocess_registry(path: Path) -> CollectorRegistry:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(path))  # type: ignore[no-untyped-call]
    return registry


def serve_worker_metrics(port: int, address: str, multiproc_dir: str) -> WSGIServer | None:
    """Serve ``/metrics`` on ``address:port`` from a daemon thread; None when off or misconfigured.

    Pool processes forked later inherit the listening socket: they close their copy
    (shared/observe.py), or a pool process outliving a killed worker would keep the port.
    """
    if port == 0:
        return None
    if not multiproc_dir:
        log.error(
            "METRICS_PORT=%d but PROMETHEUS_MULTIPROC_DIR is not set: the pool processes' metrics "
            "would be invisible, so none are served",
            port,
        )
        return None
    server, _ = start_http_server(
        port, address, registry=multiprocess_registry(Path(multiproc_dir))
    )
    log.info("metrics served on http://%s:%d/metrics", address, port)
    return server
