"""``make dev``'s runner: the whole system in the foreground, and Ctrl-C stops all of it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.localredis import free_port
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.integration


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    gateway_port = free_port()
    env.update(
        NEWSFLOW_REDIS_PORT=str(free_port()),
        UVICORN_PORT=str(gateway_port),
        FLOWER_PORT=str(free_port()),
    )
    # Its own session, like a terminal's foreground job: SIGINT goes to the whole group.
    runner = subprocess.Popen(
        [sys.executable, "-m", "services.stack"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pgid = runner.pid
    try:
        wait_until(
            lambda: (
                httpx.get(f"http://127.0.0.1:{gateway_port}/readyz", timeout=5).status_code == 200
            ),
            120,
            "make dev's stack to be ready",
        )
        assert (tmp_path / ".data" / "redis").is_dir()  # its own Redis, data under .data/
        started = time.monotonic()
        os.killpg(pgid, signal.SIGINT)
        assert runner.wait(30) == 0
        deadline = time.monotonic() + 10
        while group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(pgid), "processes left after Ctrl-C"
        assert time.monotonic() - started < 30
    finally:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)
        output = runner.stdout.read().decode() if runner.stdout else ""
        print(output[-2000:])
