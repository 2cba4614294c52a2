"""Fixtures shared by every test: a private redis-server (never the machine's own on 6379) and a
private PostgreSQL server (initdb + pg_ctl in a temp dir; never a server the machine runs)."""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.localpostgres import PostgresServer
from services.localredis import free_port, start_redis


def pytest_configure(config: pytest.Config) -> None:
    """Every app and stack a test starts without naming an archive gets a throwaway one, never
    the repo's ``.data/newsflow.db`` (the default of ``make dev``)."""
    del config
    if "DATABASE_URL" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="newsflow-tests-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'archive.db'}"


# Seconds a test that fills a rate window wants left in the current minute before it starts.
RATE_WINDOW_MARGIN_SECONDS = 10.0


@pytest.fixture
def one_rate_window() -> None:
    """Rate limits count in fixed one-minute windows (services/gateway/limits.py): a test that
    fills one starts early enough in a minute that its requests cannot straddle two windows (a
    request past the boundary would find a fresh allowance). At most a few seconds' wait."""
    left = 60 - time.time() % 60
    if left < RATE_WINDOW_MARGIN_SECONDS:
        time.sleep(left + 0.05)


@dataclass
class RedisServer:
    """A redis-server of the test session's own; tests may stop and restart it."""

    port: int
    data_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = start_redis(self.port, self.data_dir)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(port=free_port(), data_dir=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    # Directly under /tmp, not pytest's private base directory: under root the server runs as the
    # postgres user, which must reach its directory, and pytest makes its own private again
    # whenever a session starts.
    folder = Path(tempfile.mkdtemp(prefix="newsflow-postgres-"))
    server = PostgresServer(port=free_port(), data_dir=folder / "data")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)
