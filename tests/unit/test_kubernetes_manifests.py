"""Static checks of deploy/kubernetes against the code it deploys, offline.

Core objects are validated against the Kubernetes schemas that the pinned ``kubernetes-validate``
bundles (strict: an unknown field fails); KEDA's objects, which no bundled schema covers, and every
cross-reference (commands, queues, settings, secrets, time limits) are checked here by hand.
"""

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from fastapi.testclient import TestClient
from flower import urls
from flower.views.monitor import Healthcheck, Metrics
from pydantic import ValidationError

from services.gateway.app import create_app
from services.gateway.monitor.beat_lock import LOCK_KEY
from services.stack import COMMANDS
from services.stack import WORKERS as STACK_WORKERS
from shared.celery_app import celery_config
from shared.secret_policy import url_password
from shared.settings import Settings
from tests.compose.spec import interpolate, to_bytes, to_seconds

ROOT: Final = Path(__file__).resolve().parents[2]
K8S: Final = ROOT / "deploy" / "kubernetes"
SECRET_TEMPLATE: Final = K8S / "secret.example.yaml"
# The oldest Kubernetes the manifests claim to run on and the newest the pinned schemas know.
KUBERNETES_VERSIONS: Final = ("1.30.0", "1.37.0")
WORKERS: Final = ("collector", "callbacks", "ingest", "extraction", "summarization", "poller")
STAGES: Final = ("ingest", "extraction", "summarization")
# Safe to run many (docs in each manifest); the collector and the poller are deliberately left out.
AUTOSCALED: Final = {"callbacks", *STAGES}
# A fixed replica count, out of keda.yaml (each manifest says why): the collector and the poller
# are safe to scale by hand; the scheduler (Celery beat) must stay one.
FIXED_REPLICAS: Final = {"collector": 1, "poller": 1, "scheduler": 1}
# Exactly one at any time: two would double every tick (rollouts stop the old pod first).
SINGLETONS: Final = {"scheduler"}
# The processes that open the corpus archive (services/gateway/corpus): the gateway reads it, the
# collector writes it, callbacks deliver watchlist alerts from it, the poller and the scheduler
# (the monitor's app) keep the followed sources there.
ARCHIVE_CLIENTS: Final = {"gateway", "collector", "callbacks", "poller", "scheduler"}
# Variables the pod specs use to build REDIS_URL (and KEDA reads); the processes ignore them.
DEPLOYMENT_VARS: Final = {"REDIS_ADDRESS", "REDIS_PASSWORD"}
# Read by uvicorn and Flower themselves, not by Settings.
PROCESS_PREFIXES: Final = ("UVICORN_", "FLOWER_")
REAL_SECRETS: Final = {
    "REDIS_PASSWORD": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "DATABASE_URL": "postgresql+psycopg://newsflow:4c3b2a1908f7e6d5@db.example.internal:5432/newsflow",
    "FLOWER_BASIC_AUTH": "ops:9c8b7a6d5e4f",
    "API_KEYS": "5b7e0c1d9a2f",
    "CALLBACK_SECRET": "e4d3c2b1a0f9e8d7",
}
# Margin past the hard time limit for a killed task's outcome to be reported (as for compose).
REPORT_MARGIN_SECONDS: Final = 5
QUANTITY: Final = re.compile(r"^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$")
UNITS: Final = {
    None: 1,
    "m": 0.001,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
}
REFERENCE: Final = re.compile(r"\$\((\w+)\)")

Object = dict[str, Any]


def documents(path: Path) -> list[Object]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


KUSTOMIZATION: Final[Object] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
OBJECTS: Final = [doc for name in KUSTOMIZATION["resources"] for doc in documents(K8S / name)]
SECRET: Final = documents(SECRET_TEMPLATE)[0]


def named(kind: str) -> dict[str, Object]:
    return {o["metadata"]["name"]: o for o in OBJECTS if o["kind"] == kind}


DEPLOYMENTS: Final = named("Deployment")
SCALED_OBJECTS: Final = named("ScaledObject")
CONFIG: Final[dict[str, str]] = next(iter(named("ConfigMap").values()))["data"]


def key(obj: Object) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def pod(name: str) -> Object:
    spec: Object = DEPLOYMENTS[name]["spec"]["template"]["spec"]
    return spec


def container(name: str) -> Object:
    containers = pod(name)["containers"]
    assert len(containers) == 1, name
    only: Object = containers[0]
    return only


def quantity(value: str | int) -> float:
    match = QUANTITY.match(str(value))
    assert match, f"not a quantity: {value!r}"
    return float(match[1]) * UNITS[match[2]]


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


def resolved_env(name: str, secret: dict[str, str]) -> dict[str, str]:
    """The environment Kubernetes gives the container: envFrom first, then env in order, each
    ``$(VAR)`` expanded from what is defined before it; a missing optional secret key is skipped."""
    env: dict[str, str] = {}
    spec = container(name)
    for source in spec.get("envFrom", []):
        assert source["configMapRef"]["name"] == "newsflow-config", name
        env.update(CONFIG)
    for var in spec.get("env", []):
        if "value" in var:
            env[var["name"]] = REFERENCE.sub(lambda m: env.get(m[1], m[0]), str(var["value"]))
            continue
        ref = var["valueFrom"]["secretKeyRef"]
        assert ref["name"] == SECRET["metadata"]["name"], (name, var["name"])
        if ref["key"] in secret:
            env[var["name"]] = secret[ref["key"]]
        else:
            assert ref.get("optional"), f"{name}: {var['name']} needs secret key {ref['key']}"
    return env


def compose() -> Object:
    data: Object = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def test_kustomization_applies_every_manifest_but_the_secret_template() -> None:
    manifests = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", SECRET_TEMPLATE.name}
    assert set(KUSTOMIZATION["resources"]) == manifests
    namespace = KUSTOMIZATION["namespace"]
    assert list(named("Namespace")) == [namespace]
    for obj in [*OBJECTS, SECRET]:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace, key(obj)


CORE_OBJECTS: Final = [o for o in [*OBJECTS, SECRET] if not o["apiVersion"].startswith("keda.sh/")]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("obj", CORE_OBJECTS, ids=key)
def test_core_objects_match_the_kubernetes_schema(obj: Object, version: str) -> None:
    validated = kubernetes_validate.validate(obj, version, strict=True)
    assert validated == version.rsplit(".", 1)[0]  # a bundled schema, not a fallback


def test_schema_validation_refuses_a_misspelt_field() -> None:
    broken = copy.deepcopy(DEPLOYMENTS["extraction"])
    spec = broken["spec"]["template"]["spec"]
    spec["terminationGracePeriod"] = spec.pop("terminationGracePeriodSeconds")
    with pytest.raises(kubernetes_validate.ValidationError, match="terminationGracePeriod"):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_every_service_runs_the_command_make_dev_runs() -> None:
    assert set(DEPLOYMENTS) == set(COMMANDS)
    for name, command in COMMANDS.items():
        assert container(name)["command"] == command, name
        assert "args" not in container(name), name


def test_images_and_memory_limits_are_the_ones_compose_uses() -> None:
    services = compose()["services"]
    for name in DEPLOYMENTS:
        assert container(name)["image"] == services[name]["image"], name
        resources = container(name)["resources"]
        limit = quantity(resources["limits"]["memory"])
        assert limit == to_bytes(services[name]["mem_limit"]), name
        # Requested in full: a node short of memory would otherwise kill a busy worker.
        assert quantity(resources["requests"]["memory"]) == limit, name


def test_stage_workers_request_one_core_per_pool_process() -> None:
    for name in WORKERS:
        env = resolved_env(name, REAL_SECRETS)
        # Explicit and positive: the pods have no CPU limit, so a pool sized from the container's
        # cores would be sized from the node's.
        concurrency = int(env["WORKER_CONCURRENCY"])
        assert concurrency >= 1, name
        if name in STAGES:
            assert quantity(container(name)["resources"]["requests"]["cpu"]) == concurrency, name


def test_every_variable_is_a_setting_or_a_process_variable() -> None:
    settings = {field.upper() for field in Settings.model_fields}
    names = set(CONFIG) | set(SECRET["stringData"])
    for name in DEPLOYMENTS:
        names |= {var["name"] for var in container(name).get("env", [])}
    unknown = {
        n
        for n in names
        if n not in settings and n not in DEPLOYMENT_VARS and not n.startswith(PROCESS_PREFIXES)
    }
    assert not unknown, f"neither a setting of shared/settings.py nor a process variable: {unknown}"


def clear_settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in {f.upper() for f in Settings.model_fields} | DEPLOYMENT_VARS:
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_settings_refuse_the_secret_template_and_accept_real_secrets(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear_settings_env(monkeypatch)
    for variable, value in resolved_env(name, SECRET["stringData"]).items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match="REDIS_URL carries a placeholder password"):
        Settings()

    clear_settings_env(monkeypatch)
    for variable, value in resolved_env(name, REAL_SECRETS).items():
        monkeypatch.setenv(variable, value)
    settings = Settings()
    assert settings.newsflow_env == "production"
    url = urlsplit(settings.redis_url)
    assert url_password(settings.redis_url) == REAL_SECRETS["REDIS_PASSWORD"]
    assert f"{url.hostname}:{url.port}" == CONFIG["REDIS_ADDRESS"]
    for scaled in SCALED_OBJECTS.values():
        assert url.path == f"/{scaled['spec']['triggers'][0]['metadata']['databaseIndex']}"


def test_every_placeholder_of_the_template_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each placeholder of the template, alone among real secrets, stops the process naming it."""
    for secret_key, placeholder in SECRET["stringData"].items():
        broken = {**REAL_SECRETS, secret_key: placeholder}
        clear_settings_env(monkeypatch)
        for variable, value in (
            resolved_env("gateway", broken) | resolved_env("flower", broken)
        ).items():
            monkeypatch.setenv(variable, value)
        name = "REDIS_URL" if secret_key == "REDIS_PASSWORD" else secret_key
        with pytest.raises(ValidationError, match=f"{name} (carries|holds|is|has) a placeholder"):
            Settings()


def test_the_archive_clients_get_postgres_from_the_secret_and_nobody_else_does() -> None:
    """Every process that opens the corpus archive needs the managed PostgreSQL (a SQLite file
    cannot live on the read-only root filesystem, and replicas must share one archive)."""
    template = SECRET["stringData"]["DATABASE_URL"]
    assert urlsplit(template).scheme == "postgresql+psycopg"
    assert set(DEPLOYMENTS) >= ARCHIVE_CLIENTS
    for name in DEPLOYMENTS:
        env = resolved_env(name, REAL_SECRETS)
        if name in ARCHIVE_CLIENTS:
            assert env["DATABASE_URL"] == REAL_SECRETS["DATABASE_URL"], name
        else:
            assert "DATABASE_URL" not in env, name


def test_workers_are_given_the_hard_time_limit_to_finish_a_task() -> None:
    default = Settings.model_fields["task_time_limit"].default
    hard_limit = max(default, int(CONFIG["TASK_TIME_LIMIT"]))
    assert int(CONFIG["TASK_SOFT_TIME_LIMIT"]) < hard_limit
    services = compose()["services"]
    for name in DEPLOYMENTS:
        grace = pod(name)["terminationGracePeriodSeconds"]
        assert grace >= to_seconds(services[name]["stop_grace_period"]), name
        if name in WORKERS:
            assert grace >= hard_limit + REPORT_MARGIN_SECONDS, name


def test_collector_poller_and_scheduler_run_a_fixed_count_and_are_not_autoscaled() -> None:
    targets = {s["spec"]["scaleTargetRef"]["name"] for s in SCALED_OBJECTS.values()}
    assert targets == AUTOSCALED
    for name, replicas in FIXED_REPLICAS.items():
        assert DEPLOYMENTS[name]["spec"]["replicas"] == replicas, name
        assert name not in targets, name
    for name in AUTOSCALED:
        # The HPA owns replicas: a value here would reset them on every apply.
        assert "replicas" not in DEPLOYMENTS[name]["spec"], name


@pytest.mark.parametrize("name", sorted(SINGLETONS))
def test_a_singleton_is_one_replica_that_a_rollout_never_doubles(name: str) -> None:
    spec = DEPLOYMENTS[name]["spec"]
    assert spec["replicas"] == 1
    # A RollingUpdate would start the new pod before the old one stops: two beats for a moment.
    assert spec["strategy"] == {"type": "Recreate"}
    assert name not in {s["spec"]["scaleTargetRef"]["name"] for s in SCALED_OBJECTS.values()}


def test_scheduler_is_alive_while_a_scheduler_holds_the_lease() -> None:
    """The probe compose runs: the lease key that monitor/beat_lock.py takes exists in Redis."""
    healthcheck = compose()["services"]["scheduler"]["healthcheck"]["test"]
    assert healthcheck[0] == "CMD"
    assert f"exists('{LOCK_KEY}')" in healthcheck[-1]
    assert "os.environ['REDIS_URL']" in healthcheck[-1]
    env = resolved_env("scheduler", REAL_SECRETS)
    assert url_password(env["REDIS_URL"]) == REAL_SECRETS["REDIS_PASSWORD"]
    for probe in ("startupProbe", "livenessProbe"):
        spec = container("scheduler")[probe]
        assert spec["exec"]["command"] == healthcheck[1:], probe
        assert spec["timeoutSeconds"] >= 1, probe
    # Nothing routes to it (no Service), and no metrics port: beat runs no task.
    assert "readinessProbe" not in container("scheduler")
    assert "ports" not in container("scheduler")
    assert "METRICS_PORT" not in env
    assert "annotations" not in DEPLOYMENTS["scheduler"]["spec"]["template"]["metadata"]


@pytest.mark.parametrize("name", sorted(AUTOSCALED))
def test_scaled_object_reads_the_queue_its_deployment_consumes(name: str) -> None:
    scaled = SCALED_OBJECTS[name]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    target = spec["scaleTargetRef"]
    assert (target.get("apiVersion", "apps/v1"), target.get("kind", "Deployment")) == (
        "apps/v1",
        "Deployment",
    )
    assert target["name"] in DEPLOYMENTS
    assert target.get("envSourceContainerName", container(name)["name"]) == container(name)["name"]
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "redis"
    metadata = trigger["metadata"]
    queues = option(container(target["name"])["command"], "--queues").split(",")
    assert [metadata["listName"]] == queues
    assert int(metadata["listLength"]) > 0
    assert metadata["addressFromEnv"] in resolved_env(name, REAL_SECRETS)

    auth = named("TriggerAuthentication")[trigger["authenticationRef"]["name"]]
    assert auth["apiVersion"] == "keda.sh/v1alpha1"
    refs = {ref["parameter"]: ref for ref in auth["spec"]["secretTargetRef"]}
    password = refs["password"]
    assert password["name"] == SECRET["metadata"]["name"]
    assert password["key"] in SECRET["stringData"]
    pods_key = next(v for v in container(name)["env"] if v["name"] == "REDIS_PASSWORD")
    assert pods_key["valueFrom"]["secretKeyRef"]["key"] == password["key"]

    assert spec["minReplicaCount"] >= 1
    assert spec["maxReplicaCount"] >= spec["minReplicaCount"]
    assert spec["cooldownPeriod"] > 0


def test_no_message_carries_a_priority() -> None:
    """A priority of 3 or more puts a message on a sub-list (``queue\\x06\\x163``) that the
    ScaledObjects' listName does not count."""
    assert not [k for k in celery_config(Settings()) if "priority" in k]
    setters = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("services", "shared")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bpriority\s*=", line)
    ]
    assert not setters


@pytest.mark.parametrize("name", WORKERS)
def test_worker_probes_ping_their_own_node(name: str) -> None:
    healthcheck = compose()["services"][name]["healthcheck"]["test"]
    assert healthcheck[0] == "CMD-SHELL"
    expected = ["sh", "-c", interpolate(healthcheck[1], {})]
    node = option(COMMANDS[name], "--hostname").split("@")[0]
    assert f"--destination {node}@$HOSTNAME" in expected[2]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        spec = container(name)[probe]
        assert spec["exec"]["command"] == expected, (name, probe)
        assert spec["timeoutSeconds"] > int(option(expected[2].split(), "--timeout")), probe


def test_http_probes_and_metrics_annotations_name_real_paths() -> None:
    # Without its lifespan the app has no Redis: /healthz answers, anything unknown is a 404.
    gateway = TestClient(create_app(Settings()))
    for probe in ("readinessProbe", "livenessProbe"):
        assert gateway.get(container("gateway")[probe]["httpGet"]["path"]).status_code == 200
    # Flower's routes are tornado URLSpecs or (pattern, handler) tuples.
    flower_paths = {
        (s.regex.pattern if hasattr(s, "regex") else s[0]).rstrip("$") for s in urls.handlers
    }
    for probe in ("readinessProbe", "livenessProbe"):
        assert container("flower")[probe]["httpGet"]["path"] in flower_paths, probe

    # Prometheus scrapes without credentials: Flower's /metrics and /healthcheck must stay open.
    assert not hasattr(Metrics.get, "__wrapped__") and not hasattr(Healthcheck.get, "__wrapped__")
    annotations = DEPLOYMENTS["flower"]["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] in flower_paths
    assert (
        int(annotations["prometheus.io/port"]) == container("flower")["ports"][0]["containerPort"]
    )
    # The gateway's /metrics (docs/operations.md): a route of the app, on the container's port.
    gateway_annotations = DEPLOYMENTS["gateway"]["spec"]["template"]["metadata"]["annotations"]
    assert gateway_annotations["prometheus.io/scrape"] == "true"
    # Routed (no Redis without the lifespan, so it fails, but it is not a 404).
    unstarted = TestClient(create_app(Settings()), raise_server_exceptions=False)
    assert unstarted.get(gateway_annotations["prometheus.io/path"]).status_code != 404
    port = int(gateway_annotations["prometheus.io/port"])
    assert port == container("gateway")["ports"][0]["containerPort"]


def test_pods_meet_the_restricted_pod_security_standard() -> None:
    (namespace,) = named("Namespace").values()
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    uid = int(re.findall(r"--uid (\d+)", (ROOT / "Dockerfile").read_text())[0])
    for name in DEPLOYMENTS:
        spec = pod(name)
        assert spec["automountServiceAccountToken"] is False, name
        # Service links would inject FLOWER_PORT=tcp://... where Flower reads its port.
        assert spec["enableServiceLinks"] is False, name
        security = spec["securityContext"]
        assert security["runAsNonRoot"] is True and security["runAsUser"] == uid, name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", name
        context = container(name)["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context["capabilities"] == {"drop": ["ALL"]}, name
        mounts = {m["mountPath"]: m["name"] for m in container(name)["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], name


@pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl (with kustomize) not installed"
)
def test_kustomize_builds_the_same_objects() -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    objects = [doc for doc in yaml.safe_load_all(built) if doc]
    assert sorted(map(key, objects)) == sorted(map(key, OBJECTS))
    commands = {
        o["metadata"]["name"]: o["spec"]["template"]["spec"]["containers"][0]["command"]
        for o in objects
        if o["kind"] == "Deployment"
    }
    assert commands == COMMANDS


def test_workers_serve_metrics_from_their_own_tmp_and_carry_scrape_annotations() -> None:
    # The workers `make dev` gives a metrics port (services/stack.py) are the ones deployed here.
    assert set(WORKERS) == set(STACK_WORKERS)
    for name in WORKERS:
        env = resolved_env(name, REAL_SECRETS)
        annotations = DEPLOYMENTS[name]["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == env["METRICS_PORT"], name
        assert annotations["prometheus.io/path"] == "/metrics", name
        assert env["METRICS_ADDRESS"] == "0.0.0.0", name
        # Written by the pool processes: on the writable emptyDir, under a read-only root.
        mounts = {m["mountPath"] for m in container(name)["volumeMounts"]}
        assert any(env["PROMETHEUS_MULTIPROC_DIR"].startswith(f"{m}/") for m in mounts), name
        ports = [p["containerPort"] for p in container(name)["ports"]]
        assert int(env["METRICS_PORT"]) in ports, name
    assert "PROMETHEUS_MULTIPROC_DIR" not in resolved_env("gateway", REAL_SECRETS)
