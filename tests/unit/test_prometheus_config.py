"""deploy/prometheus scrapes what docker-compose.yml and `make dev` serve, and nothing else."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.stack import LOCAL_ENV, LOCAL_METRICS_PORTS, WORKERS
from tests.compose.spec import service_env

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "REDIS_PASSWORD": "0f1e2d3c",
    "POSTGRES_PASSWORD": "7a6b5c4d",
    "FLOWER_BASIC_AUTH": "a:b",
}


def load(path: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / path).read_text())
    return data


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load("docker-compose.yml")


def jobs(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {job["job_name"]: job for job in config["scrape_configs"]}


def test_every_compose_worker_serves_metrics_on_the_compose_network_only(
    compose: dict[str, Any],
) -> None:
    for name in WORKERS:
        service = compose["services"][name]
        env = service_env(service, SECRETS)
        assert env["METRICS_ADDRESS"] == "0.0.0.0", name
        assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/"), name
        assert str(env["METRICS_PORT"]) in [str(p) for p in service["expose"]], name
        assert "ports" not in service, name
    # In multiprocess mode the gateway's own counts would vanish from its /metrics.
    for name in ("gateway", "flower"):
        assert "PROMETHEUS_MULTIPROC_DIR" not in service_env(compose["services"][name], SECRETS)


def test_compose_scrape_config_names_the_gateway_and_every_worker(
    compose: dict[str, Any],
) -> None:
    config = jobs(load("deploy/prometheus/prometheus.yml"))
    gateway = service_env(compose["services"]["gateway"], SECRETS)
    assert config["newsflow-gateway"]["static_configs"][0]["targets"] == [
        f"gateway:{gateway['UVICORN_PORT']}"
    ]
    (discovery,) = config["newsflow-workers"]["dns_sd_configs"]
    assert sorted(discovery["names"]) == sorted(WORKERS)
    for name in WORKERS:
        env = service_env(compose["services"][name], SECRETS)
        assert str(discovery["port"]) == str(env["METRICS_PORT"]), name


def test_local_scrape_config_matches_make_dev_ports() -> None:
    config = jobs(load("deploy/prometheus/prometheus-local.yml"))
    assert config["newsflow-gateway"]["static_configs"][0]["targets"] == [
        f"127.0.0.1:{LOCAL_ENV['UVICORN_PORT']}"
    ]
    targets = {
        entry["labels"]["service"]: entry["targets"]
        for entry in config["newsflow-workers"]["static_configs"]
    }
    assert targets == {name: [f"127.0.0.1:{port}"] for name, port in LOCAL_METRICS_PORTS.items()}
    assert set(LOCAL_METRICS_PORTS) == set(WORKERS)
