"""The whole system as local processes: ``make dev`` runs this module in the foreground.

``COMMANDS`` is the single list of service commands; docker-compose.yml runs the same ones (a
static test checks it), and the integration tests start them through ``Stack`` as well. Bind
addresses and ports come from the environment (UVICORN_HOST/PORT, FLOWER_ADDRESS/PORT, and each
worker's METRICS_PORT and PROMETHEUS_MULTIPROC_DIR), so the commands themselves are identical
everywhere.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Final

from services.localredis import free_port, port_in_use, start_redis
from shared.redact import redact_url

CELERY_WORKER: Final = [
    "celery",
    "--app",
    "{app}",
    "worker",
    "--queues",
    "{queue}",
    "--hostname",
    "{node}@%h",
    "--loglevel",
    "INFO",
]


def worker_command(app: str, queue: str, node: str | None = None) -> list[str]:
    """How every Celery worker of the stack is started (and the bench's floor worker)."""
    return [arg.format(app=app, queue=queue, node=node or queue) for arg in CELERY_WORKER]


COMMANDS: Final[dict[str, list[str]]] = {
    "gateway": ["uvicorn", "--factory", "services.gateway.app:create_app", "--no-access-log"],
    "collector": worker_command("services.gateway.collector", "results", node="collector"),
    "callbacks": worker_command("services.gateway.notifier", "callbacks"),
    "ingest": worker_command("services.ingest.worker", "ingest"),
    "extraction": worker_command("services.extraction.worker", "extraction"),
    "summarization": worker_command("services.summarization.worker", "summarization"),
    # Monitoring (services/gateway/monitor): the poller of followed sources, and the one
    # scheduler (Celery beat) whose ticks say which sources are due.
    "poller": worker_command("services.gateway.monitor.worker", "sources", node="poller"),
    "scheduler": [
        "celery",
        "--app",
        "services.gateway.monitor.worker",
        "beat",
        "--loglevel",
        "INFO",
    ],
    "flower": ["celery", "--app", "services.gateway.broker", "flower"],
}

LOCAL_ENV: Final[dict[str, str]] = {
    "UVICORN_HOST": "127.0.0.1",
    "UVICORN_PORT": "8000",
    "FLOWER_ADDRESS": "127.0.0.1",
    "FLOWER_PORT": "5555",
    "FLOWER_BASIC_AUTH": "newsflow:newsflow",
    # The corpus archive: a SQLite file beside the Redis data, relative to where `make dev` runs.
    # Test stacks and benchmarks give their own (in their temporary directory), never this one.
    "DATABASE_URL": "sqlite:///.data/newsflow.db",
    "PYTHONUNBUFFERED": "1",
}
# The Celery workers: each serves its own /metrics (shared/metrics/serve.py).
WORKERS: Final = ("collector", "callbacks", "ingest", "extraction", "summarization", "poller")
# make dev's worker metrics ports, one each on loopback beside the gateway's 8000 and Flower's
# 5555 (9100 is node_exporter's); deploy/prometheus/prometheus.yml lists the same.
LOCAL_METRICS_PORTS: Final = {
    "collector": 9101,
    "callbacks": 9102,
    "ingest": 9103,
    "extraction": 9104,
    "summarization": 9105,
    "poller": 9106,
}
DEFAULT_REDIS_PORT: Final = 6390
STOP_GRACE_SECONDS: Final = 15.0
# Flower keeps no state (FLOWER_PERSISTENT is off) but lingers retrying a stopped broker.
STOP_GRACE_OVERRIDES: Final = {"flower": 3.0}


@dataclass
class Stack:
    """Starts and stops the service processes, each with its log file."""

    env: dict[str, str]
    log_dir: Path
    new_session: bool = True
    # Per-service additions to ``env`` (the bench's WORKER_CONCURRENCY for one stage).
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # Where the commands run (Celery and uvicorn import the app from there): another checkout's.
    cwd: Path | None = None
    # Each worker's metrics port; a worker not named gets a free one (tests, benchmarks).
    metrics_ports: dict[str, int] = field(default_factory=dict)
    # Where each worker's pool processes write their metrics (default: log_dir/metrics/<worker>).
    metrics_dir: Path | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    def start(self, *names: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        bin_dir = Path(sys.executable).parent
        for name in names or tuple(COMMANDS):
            argv = list(COMMANDS[name])
            argv[0] = str(bin_dir / argv[0]) if (bin_dir / argv[0]).exists() else argv[0]
            log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop()
            self._logs.append(log)
            self.processes[name] = subprocess.Popen(
                argv,
                env={**self.env, **self.metrics_env(name), **self.service_env.get(name, {})},
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=self.new_session,
            )

    def metrics_env(self, name: str) -> dict[str, str]:
        """A worker's own metrics port and multiprocess directory (emptied by the worker)."""
        if name not in WORKERS:
            return {}
        port = self.metrics_ports.setdefault(name, free_port())
        directory = (self.metrics_dir or self.log_dir / "metrics") / name
        return {"METRICS_PORT": str(port), "PROMETHEUS_MULTIPROC_DIR": str(directory)}

    def stop(self, *names: str, sig: int = signal.SIGTERM) -> None:
        targets = {n: p for n, p in self.processes.items() if not names or n in names}
        for process in targets.values():
            if process.poll() is None:
                process.send_signal(sig)
        started = time.monotonic()
        for name, process in targets.items():
            grace = STOP_GRACE_OVERRIDES.get(name, STOP_GRACE_SECONDS)
            try:
                process.wait(max(0.1, started + grace - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for name in targets:
            del self.processes[name]
        if not self.processes:
            for log in self._logs:
                log.close()
            self._logs.clear()

    def exited(self) -> dict[str, int]:
        return {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}


def local_env(redis_url: str) -> dict[str, str]:
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in LOCAL_ENV.items()}}
    env["REDIS_URL"] = redis_url
    return env


def main() -> int:
    """Foreground run: Ctrl-C (SIGINT to the whole process group) stops every process cleanly."""
    root = Path.cwd()
    redis_process = None
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        port = int(os.environ.get("NEWSFLOW_REDIS_PORT", DEFAULT_REDIS_PORT))
        if port_in_use(port):
            print(f"port {port} is taken: set NEWSFLOW_REDIS_PORT or REDIS_URL", file=sys.stderr)
            return 1
        redis_process = start_redis(port, root / ".data" / "redis", new_session=False)
        redis_url = f"redis://127.0.0.1:{port}/0"
    env = local_env(redis_url)
    stack = Stack(
        env,
        root / ".data" / "logs",
        new_session=False,
        metrics_ports=dict(LOCAL_METRICS_PORTS),
        metrics_dir=root / ".data" / "metrics",
    )
    stack.start()
    archive = redact_url(env["DATABASE_URL"])
    print(f"Newsflow is up (Redis {redact_url(redis_url)}, archive {archive}); logs in .data/logs/")
    print(f"  gateway  http://{env['UVICORN_HOST']}:{env['UVICORN_PORT']}/docs")
    user = env["FLOWER_BASIC_AUTH"].split(":")[0]
    print(f"  flower   http://{env['FLOWER_ADDRESS']}:{env['FLOWER_PORT']}/  (user {user})")
    ports = ", ".join(f"{name} :{port}" for name, port in stack.metrics_ports.items())
    print(f"  metrics  gateway /metrics; workers {ports}")
    print("Ctrl-C stops everything.")
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Explicit, because a shell may start us with SIGINT ignored.
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    while not stopping and not stack.exited():
        time.sleep(0.2)
    return_code = 0 if stopping else 1
    if not stopping:
        print(f"a service exited: {stack.exited()}; stopping", file=sys.stderr)
    # The terminal already sent SIGINT to the group; SIGTERM covers anyone who ignored it.
    stack.stop()
    if redis_process is not None:
        redis_process.terminate()
        redis_process.wait(10)
    return return_code


if __name__ == "__main__":
    raise SystemExit(main())
