"""Killing and restarting the stack's real processes, and measuring their memory.

Every service runs in its own session (``Stack(new_session=True)``), so a service's process group
is its main process and its pool children: killing the group is what an out-of-memory kill or a
crashed container does to it.
"""

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import cast

import psutil
from redis import Redis

from services.gateway.sweeper import UNACKED_INDEX_KEY, UNACKED_KEY
from services.stack import Stack
from shared.deliveries import delivery_key
from shared.names import STAGE_QUEUES
from tests.conftest import RedisServer


def pool_children(stack: Stack, name: str) -> list[psutil.Process]:
    process = stack.processes.get(name)
    if process is None or process.poll() is not None:
        return []
    try:
        return psutil.Process(process.pid).children()
    except psutil.NoSuchProcess:
        return []


def kill_pool_child(stack: Stack, name: str) -> bool:
    """SIGKILL the service's pool process(es); the main process starts new ones. False if none."""
    killed = False
    for child in pool_children(stack, name):
        try:
            child.send_signal(signal.SIGKILL)
            killed = True
        except psutil.NoSuchProcess:
            pass
    return killed


def busy(redis: Redis, queue: str, within: float = 2.0) -> bool:
    """A worker took a message of ``queue`` in the last ``within`` seconds, still holds it and, for
    a stage, has started on it (counted its delivery): with one process and a prefetch of one, the
    message it is working on. Kombu's Redis transport keeps delivered, unacknowledged messages in
    the hash ``unacked`` as ``[message, exchange, routing key]`` and their delivery time in
    ``unacked_index``; an older entry may be held by a worker killed earlier."""
    since = time.time() - within
    tags = cast(list[bytes], redis.zrangebyscore(UNACKED_INDEX_KEY, since, "+inf"))
    for raw in redis.hmget(UNACKED_KEY, tags) if tags else []:
        if raw is None:
            continue
        message, _exchange, routing_key = json.loads(raw)
        if routing_key != queue:
            continue
        if queue not in STAGE_QUEUES.values():
            return True
        headers = message.get("headers", {})
        if redis.exists(delivery_key(headers.get("id", ""), headers.get("retries", 0))):
            return True
    return False


def kill_and_restart(stack: Stack, name: str, down_seconds: float = 0.0) -> None:
    """SIGKILL the whole service (main process and pool), then start it again."""
    process = stack.processes[name]
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)
    time.sleep(down_seconds)
    stack.start(name)


def crash_redis(redis: RedisServer, down_seconds: float) -> None:
    """SIGKILL redis-server (no shutdown save, as in a crash), then start it on its data again."""
    assert redis.process is not None
    redis.process.kill()
    redis.process.wait(10)
    redis.process = None
    time.sleep(down_seconds)
    redis.start()


def high_water_kb(pid: int) -> int:
    """The process's peak resident set so far (Linux ``VmHWM``), in kB; 0 if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_by_role(stack: Stack) -> dict[str, int]:
    """Peak RSS in kB so far of each service's main process and of its largest pool process."""
    peaks: dict[str, int] = {}
    for name, process in list(stack.processes.items()):
        if process.poll() is not None:
            continue
        peaks[name] = high_water_kb(process.pid)
        children = pool_children(stack, name)
        if children:
            peaks[f"{name} pool"] = max(high_water_kb(c.pid) for c in children)
    return peaks


@contextmanager
def peak_memory(stack: Stack, every: float = 0.5) -> Iterator[dict[str, int]]:
    """While the block runs, keep each role's peak RSS in kB (pool processes come and go, so
    their high-water marks are sampled, not only read at the end)."""
    peaks: dict[str, int] = {}
    stopping = threading.Event()

    def sample() -> None:
        while True:
            for role, kb in rss_by_role(stack).items():
                peaks[role] = max(peaks.get(role, 0), kb)
            if stopping.wait(every):
                return

    thread = threading.Thread(target=sample, name="memory", daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        stopping.set()
        thread.join(5)
        for role, kb in rss_by_role(stack).items():
            peaks[role] = max(peaks.get(role, 0), kb)


def redis_memory(url: str) -> dict[str, int]:
    """Redis's own peak and current memory (INFO memory), in bytes."""
    client = Redis.from_url(url)
    try:
        info = client.info("memory")
    finally:
        client.close()
    return {key: int(info[key]) for key in ("used_memory_peak", "used_memory")}
