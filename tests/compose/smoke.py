"""``make test-compose``: build and run docker-compose.yml for real, scaled, and check it works.

build → up -d --scale extraction=3 → wait for the gateway → every seed article through the
published port (in one batch request, then forced again one request each) → results checked →
Flower shows extraction on 3 distinct workers → the archive is the compose PostgreSQL (every seed
article is a row there, and ``GET /articles?q=`` finds each by a word of its title) → the
hardening holds on the running containers (Redis and PostgreSQL passwords, no port of theirs
published, maxmemory with noeviction, memory limits, a placeholder secret refused at start) →
``stop extraction`` while an extraction task runs lets it finish → a feed followed by the compose
scheduler and poller, its items articles, a watchlist's alert (tests/compose/monitor.py, with the
test-only feed server of tests/compose/monitor.yml) → down --remove-orphans -v, always, also on
failure. Works with ``docker compose`` or ``podman-compose`` (COMPOSE). Every wait is bounded.
"""

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import yaml

from services.localredis import free_port
from services.seeds import seed_submissions
from tests.compose.monitor import check_monitoring
from tests.compose.spec import to_bytes

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "newsflow-ci"
FLOWER_AUTH = ("ci", "ci-compose-secret")
EXTRACTION_WORKERS = 3
ROUNDS = 3  # seeds submitted once, then forced twice more: enough extraction tasks to spread
# Seed text repeated to this length keeps an extraction worker busy for about 15 s here (more
# than the engine's default 10 s stop timeout), well inside the 60 s soft time limit.
STOP_ARTICLE_CHARS = 40_000
SIGKILLED = 137
# docker-compose.yml's postgres service: POSTGRES_USER and POSTGRES_DB.
POSTGRES_USER = POSTGRES_DB = "newsflow"
# cgroup v2, then v1: where a container reads its own memory peak.
MEMORY_PEAK_FILES = (
    "/sys/fs/cgroup/memory.peak",
    "/sys/fs/cgroup/memory/memory.max_usage_in_bytes",
)
# A title word long enough to be a content word (not "the", "for"), the full-text query.
TITLE_WORD = re.compile(r"[A-Za-z]{5,}")


def log(message: str) -> None:
    print(f"[test-compose] {message}", flush=True)


def compose(base: list[str], *args: str, timeout: float, env: dict[str, str]) -> None:
    argv = [*base, "-p", PROJECT, *args]
    log("$ " + shlex.join(argv))
    subprocess.run(argv, cwd=ROOT, env=env, check=True, timeout=timeout)


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (httpx.HTTPError, ValueError) as exc:
            last = exc
        time.sleep(1)
    raise TimeoutError(f"{what}: not after {timeout:.0f}s (last: {last!r})")


def finished(client: httpx.Client, article_id: str) -> dict[str, Any] | None:
    result: dict[str, Any] = client.get(f"/articles/{article_id}").json()
    return result if result["status"] in ("done", "failed") else None


def submit_round(client: httpx.Client, items: list[dict[str, Any]], round_: int) -> list[str]:
    """The seeds in one batch request the first time (they travel together through the stages),
    then one request each, forced to run again: single tasks that spread over the workers."""
    if round_ == 0:
        accepted = client.post("/articles/batch", json=items).raise_for_status().json()
        assert accepted["accepted"] == len(items), accepted
        # A fresh deployment knows none of them: no stale results from an earlier run.
        assert not any(item["duplicate"] for item in accepted["items"]), accepted
        return [item["id"] for item in accepted["items"]]
    answers = [client.post("/articles?force=true", json=item) for item in items]
    return [answer.raise_for_status().json()["id"] for answer in answers]


def check_stack(gateway: str, flower: str) -> dict[str, str]:
    """The whole pipeline through the published ports; returns the seed articles' titles by id."""

    def ready() -> dict[str, Any] | None:
        body: dict[str, Any] = httpx.get(f"{gateway}/readyz", timeout=10).json()
        workers = body.get("workers", {}).get("extraction", [])
        return body if body["status"] == "ready" and len(workers) >= EXTRACTION_WORKERS else None

    ready_body = wait_for(ready, 300, "gateway ready with 3 extraction workers")
    log(f"ready: workers by queue {ready_body['workers']}")

    items = seed_submissions()
    titles: dict[str, str] = {}
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for round_ in range(ROUNDS):
            ids = submit_round(client, items, round_)
            for item, article_id in zip(items, ids, strict=True):
                result = wait_for(
                    partial(finished, client, article_id), 180, f"{item['source']} finished"
                )
                assert result["status"] == "done", (item["source"], result.get("error"))
                entities = result["extraction"]["entities"]
                assert result["document"]["title"] and entities and result["summary"]["sentences"]
                if round_ == 0:
                    titles[article_id] = result["document"]["title"]
                    people = sorted(e["name"] for e in entities if e["type"] == "PERSON")[:4]
                    log(
                        f"done: {item['source']}: {result['document']['title'][:60]!r}, "
                        f"{len(entities)} entities (people: {', '.join(people)}), "
                        f"{len(result['summary']['sentences'])} summary sentences, stages on "
                        + ", ".join(s["worker"] for s in result["stages"].values())
                    )

    def extraction_workers() -> set[str] | None:
        workers = set()
        for name in ("extraction.article", "extraction.batch"):
            tasks = httpx.get(
                f"{flower}/api/tasks", params={"taskname": name}, auth=FLOWER_AUTH, timeout=10
            ).json()
            workers |= {
                t["worker"]
                for t in tasks.values()
                if t.get("state") == "SUCCESS" and t.get("worker")
            }
        return workers if len(workers) >= EXTRACTION_WORKERS else None

    workers = wait_for(extraction_workers, 60, "Flower to show extraction tasks on 3 workers")
    log(f"Flower: extraction ran on {len(workers)} distinct workers: {sorted(workers)}")

    assert httpx.get(f"{flower}/api/workers", timeout=10).status_code == 401, "Flower without login"
    metrics = httpx.get(f"{flower}/metrics", auth=FLOWER_AUTH, timeout=10)
    assert metrics.status_code == 200 and "flower_events_total" in metrics.text, metrics.text[:200]
    log("Flower: login required; /metrics serves Prometheus metrics")
    return titles


def psql(engine: str, container: str, sql: str) -> str:
    """``sql``'s rows inside the postgres container (its local socket: no password there)."""
    argv = [engine, "exec", container, "psql", "-U", POSTGRES_USER, "-d", POSTGRES_DB]
    done = subprocess.run(
        [*argv, "-v", "ON_ERROR_STOP=1", "-tAc", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise ValueError(f"psql: {done.stderr.strip()[-300:]}")  # wait_for retries a ValueError
    return done.stdout.strip()


def memory_peak(engine: str, container: str) -> str:
    """The container's memory cgroup peak (page cache included), for its mem_limit; informative."""
    peak = subprocess.run(
        [engine, "exec", container, "sh", "-c", f"cat {' || cat '.join(MEMORY_PEAK_FILES)}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    ).stdout.split()
    return f"{int(peak[0]) // 2**20} MiB" if peak and peak[0].isdigit() else "unknown"


def check_archive(base: list[str], gateway: str, titles: dict[str, str]) -> None:
    """The archive is the compose PostgreSQL: every seed article is a row of ``articles`` there
    (the collector archives a run just after it ends ``done``), and the gateway's search, which
    reads the same database, finds each by a word of its title."""
    engine = engine_of(base)
    (postgres,) = containers(engine, "postgres")

    def archived() -> set[str] | None:
        ids = set(psql(engine, postgres, "select id from articles").split())
        return ids if set(titles) <= ids else None

    ids = wait_for(archived, 60, "every seed article archived in PostgreSQL")
    version = psql(engine, postgres, "show server_version")
    encoding = psql(engine, postgres, "show server_encoding")
    assert encoding == "UTF8", encoding
    log(f"postgres {version} ({encoding}): {len(ids)} rows in articles, every seed one among them")
    log(f"postgres container memory peak so far: {memory_peak(engine, postgres)}")

    with httpx.Client(base_url=gateway, timeout=30) as client:
        for article_id, title in titles.items():
            word = max(TITLE_WORD.findall(title), key=len)
            page = client.get("/articles", params={"q": word, "limit": 100})
            hits = [hit["id"] for hit in page.raise_for_status().json()["items"]]
            assert article_id in hits, (word, title, hits)
            log(f"GET /articles?q={word}: {len(hits)} hit(s), {title[:50]!r} among them")


def check_people_facing(gateway: str) -> None:
    """What a person opens in the deployed image: the results page and its assets, the API docs
    with every asset served locally, and the gateway's Prometheus metrics."""
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for path in ("/", "/docs", "/redoc"):
            page = client.get(path).raise_for_status().text
            local = re.findall(r'(?:src|href)="((?:/|static/)[^"#]+)"', page)
            for asset in local:
                client.get(asset if asset.startswith("/") else f"/{asset}").raise_for_status()
            outside = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
            assert not outside, (path, outside)
            log(f"GET {path}: {len(page)} bytes, {len(local)} local assets served, none outside")
        metrics = client.get("/metrics").raise_for_status().text
        depths = re.findall(r'^newsflow_queue_depth\{queue="(\w+)"\}', metrics, re.MULTILINE)
        assert {"ingest", "extraction", "summarization"} <= set(depths), depths
        log(f"GET /metrics: queue depths for {sorted(depths)}")


def engine_of(base: list[str]) -> str:
    return "podman" if "podman" in base[0] else base[0]


def output(argv: list[str], timeout: float = 120) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout.strip()


def containers(engine: str, service: str, stopped_too: bool = False) -> list[str]:
    labels = [f"com.docker.compose.project={PROJECT}", f"com.docker.compose.service={service}"]
    filters = [arg for label in labels for arg in ("--filter", f"label={label}")]
    return output([engine, "ps", "-q", *(["-a"] if stopped_too else []), *filters]).split()


def check_hardening(base: list[str], env: dict[str, str]) -> None:
    """What docker-compose.yml enforces, read from the running containers (docs/reliability.md)."""
    engine = engine_of(base)
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    (redis,) = containers(engine, "redis")
    bindings = json.loads(
        output([engine, "inspect", "--format", "{{json .HostConfig.PortBindings}}", redis])
    )
    assert not any((bindings or {}).values()), f"redis publishes {bindings}"
    anonymous = output([engine, "exec", redis, "sh", "-c", "env -u REDISCLI_AUTH redis-cli ping"])
    assert "NOAUTH" in anonymous, f"redis answered without a password: {anonymous!r}"

    def config(name: str) -> str:
        return output([engine, "exec", redis, "redis-cli", "config", "get", name]).split()[-1]

    redis_config = {n: config(n) for n in ("maxmemory", "maxmemory-policy", "appendonly")}
    assert int(redis_config["maxmemory"]) > 0, redis_config
    assert redis_config["maxmemory-policy"] == "noeviction", redis_config
    assert redis_config["appendonly"] == "yes", redis_config
    log(f"redis: no host port, NOAUTH without the password, {redis_config}")

    (postgres,) = containers(engine, "postgres")
    bindings = json.loads(
        output([engine, "inspect", "--format", "{{json .HostConfig.PortBindings}}", postgres])
    )
    assert not any((bindings or {}).values()), f"postgres publishes {bindings}"
    # From a client container over the compose network, as the gateway connects, without the
    # password (the official image trusts loopback inside its own container, so not from there).
    (gateway,) = containers(engine, "gateway")
    dsn = f"host=postgres user={POSTGRES_USER} dbname={POSTGRES_DB} connect_timeout=10"
    attempt = f"import psycopg; psycopg.connect({dsn!r})"
    anonymous_pg = subprocess.run(
        [engine, "exec", gateway, "python", "-c", attempt],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    said = anonymous_pg.stdout + anonymous_pg.stderr
    assert anonymous_pg.returncode != 0 and "password" in said, f"postgres without one: {said!r}"
    log("postgres: no host port, no login without the password over the network")

    limits = {}
    for service, definition in spec.items():
        expected = to_bytes(definition["mem_limit"])
        for container in containers(engine, service):
            memory = int(
                output([engine, "inspect", "--format", "{{.HostConfig.Memory}}", container])
            )
            assert memory == expected, (service, memory, expected)
        limits[service] = f"{expected // 2**20} MiB"
    log(f"memory limits applied: {limits}")

    placeholder = ["run", "--rm", "--no-deps", "-T", "-e", "CALLBACK_SECRET=change-me", "gateway"]
    refused = subprocess.run(
        [*base, "-p", PROJECT, *placeholder],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "CALLBACK_SECRET is a placeholder" in said, said[-2000:]
    log(f"gateway with CALLBACK_SECRET=change-me refused to start (exit {refused.returncode})")


def check_stop_lets_the_running_task_finish(
    base: list[str], env: dict[str, str], gateway: str, flower: str
) -> None:
    """``stop extraction`` during an extraction task: the worker finishes it within
    ``stop_grace_period`` (warm shutdown) instead of being killed at the engine's default 10 s.

    podman-compose 1.6 applies the grace period only to the replicas the file declares (number 1):
    those added by ``--scale`` are stopped first, so the task runs on replica 1.
    """
    engine = engine_of(base)
    number = '{{index .Config.Labels "com.docker.compose.container-number"}}'
    extraction = containers(engine, "extraction")
    extra = [c for c in extraction if output([engine, "inspect", "--format", number, c]) != "1"]
    if extra:
        output([engine, "stop", "-t", "100", *extra], timeout=300)
    (worker,) = set(extraction) - set(extra)
    texts = [item["text"] for item in seed_submissions() if "text" in item]
    text = "\n\n".join(texts * (STOP_ARTICLE_CHARS // sum(map(len, texts)) + 1))
    with httpx.Client(base_url=gateway, timeout=30) as client:
        submitted = client.post("/articles", json={"text": text[:STOP_ARTICLE_CHARS]})
        article_id = submitted.raise_for_status().json()["id"]

        def extraction_running() -> bool:
            tasks = httpx.get(
                f"{flower}/api/tasks",
                params={"taskname": "extraction.article", "state": "STARTED"},
                auth=FLOWER_AUTH,
                timeout=10,
            ).json()
            return any(article_id in str(task.get("args")) for task in tasks.values())

        wait_for(extraction_running, 120, "the long article's extraction to start")
        stopped_at = datetime.now(UTC)
        started = time.monotonic()
        compose(base, "stop", "extraction", timeout=300, env=env)
        took = time.monotonic() - started
        assert not containers(engine, "extraction"), "an extraction worker still runs"
        result = wait_for(partial(finished, client, article_id), 60, "the long article finished")
    stage = result["stages"]["extraction"]
    assert result["status"] == "done" and stage["attempts"] == 1, result.get("error")
    ran_on = (datetime.fromisoformat(stage["finished_at"]) - stopped_at).total_seconds()
    assert ran_on > 0, "the task finished before the stop: nothing was checked"
    code = int(output([engine, "inspect", "--format", "{{.State.ExitCode}}", worker]))
    assert code != SIGKILLED, "the extraction worker was killed in the middle of its task"
    log(
        f"stop extraction during a task: it ran on {ran_on:.1f} s after the stop and ended done "
        f"({stage['duration_ms'] / 1000:.1f} s of work); worker exit code {code}; stop took "
        f"{took:.0f} s"
    )


def teardown(base: list[str], env: dict[str, str]) -> None:
    """``down --remove-orphans -v``, then remove the project's volumes if any survived it
    (podman-compose 1.6 may try to remove a volume before its container is gone)."""
    compose(base, "down", "--remove-orphans", "-v", timeout=300, env=env)
    engine = engine_of(base)
    listed = subprocess.run(
        [engine, "volume", "ls", "-q", "--filter", f"name={PROJECT}_"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    leftovers = listed.stdout.split()
    if leftovers:
        log(f"removing volumes left behind: {leftovers}")
        subprocess.run([engine, "volume", "rm", "-f", *leftovers], timeout=60, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compose", default=os.environ.get("COMPOSE", "docker compose"))
    args = parser.parse_args()
    # The deployment, plus a test-only feed server for the monitoring check.
    files = ["-f", "docker-compose.yml", "-f", "tests/compose/monitor.yml"]
    base = [*shlex.split(args.compose), *files]
    feeds_dir = Path(tempfile.mkdtemp(prefix="newsflow-feeds-"))
    feeds_dir.chmod(0o755)
    gateway_port, flower_port = free_port(), free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(gateway_port),
        "FLOWER_PORT": str(flower_port),
        "FLOWER_BASIC_AUTH": ":".join(FLOWER_AUTH),
        "REDIS_PASSWORD": secrets.token_hex(16),
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "FEEDS_DIR": str(feeds_dir),
    }
    started = time.monotonic()
    try:
        teardown(base, env)  # leftovers of an aborted run must not answer for this one
        compose(base, "build", timeout=1800, env=env)
        compose(
            base, "up", "-d", "--scale", f"extraction={EXTRACTION_WORKERS}", timeout=300, env=env
        )
        gateway, flower = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{flower_port}"
        titles = check_stack(gateway, flower)
        check_archive(base, gateway, titles)
        check_people_facing(gateway)
        (redis_id,) = containers(engine_of(base), "redis")
        check_monitoring(gateway, feeds_dir, [engine_of(base), "exec", redis_id], wait_for, log)
        check_hardening(base, env)
        check_stop_lets_the_running_task_finish(base, env, gateway, flower)
    except Exception as exc:
        log(f"FAILED: {type(exc).__name__}: {exc}")
        subprocess.run(
            [*base, "-p", PROJECT, "logs", "--tail", "40"], cwd=ROOT, env=env, timeout=120
        )
        return 1
    finally:
        teardown(base, env)
        shutil.rmtree(feeds_dir, ignore_errors=True)
    log(f"PASSED in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
