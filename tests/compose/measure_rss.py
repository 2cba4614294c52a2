"""Peak memory of every process of the local stack: what docker-compose.yml's limits are sized from.

``python -m tests.compose.measure_rss`` starts a private redis-server and the services exactly as
``make dev`` does (services/stack.py), sends the seed articles ``--rounds`` times (then forced),
then one article of the largest accepted size, and samples every service's process tree (main
process and pool children) until each article is finished. Prints, per service, the peak of the
tree's summed RSS over the seed rounds and over the whole run (an upper bound: pool children share
pages with their parent), the peak of its summed PSS (closer to what the container's memory cgroup
is charged), and Redis's own peak.
"""

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
import psutil
from redis import Redis

from services.localredis import free_port, start_redis
from services.seeds import seed_submissions
from services.stack import COMMANDS, Stack, local_env

MIB = 1024 * 1024
SAMPLE_SECONDS = 0.5


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Summed RSS and PSS of a process and its descendants, bytes."""
    rss = pss = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    for member in members:
        try:
            info = member.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


class Sampler(threading.Thread):
    def __init__(self, pids: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.processes = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.peak_rss = dict.fromkeys(pids, 0)
        self.peak_pss = dict.fromkeys(pids, 0)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_SECONDS):
            for name, process in self.processes.items():
                rss, pss = tree_memory(process)
                self.peak_rss[name] = max(self.peak_rss[name], rss)
                self.peak_pss[name] = max(self.peak_pss[name], pss)


def wait_finished(client: httpx.Client, ids: Iterable[str], timeout: float) -> list[str]:
    statuses = []
    for article_id in ids:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = str(client.get(f"/articles/{article_id}").json()["status"])
            if status in ("done", "failed"):
                break
            time.sleep(0.5)
        statuses.append(status)
    return statuses


def largest_article(max_bytes: int) -> dict[str, Any]:
    """Plain text of the seed articles repeated until its JSON body nearly reaches the limit."""
    texts = [s["text"] for s in seed_submissions() if "text" in s]
    paragraphs: list[str] = []
    size = 0
    while True:
        text = texts[len(paragraphs) % len(texts)]
        size += len(json.dumps(text + "\n\n").encode())
        if size > max_bytes - 1_000:
            return {"text": "\n\n".join(paragraphs), "source": "largest"}
        paragraphs.append(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-bytes", type=int, default=2_000_000, help="MAX_ARTICLE_BYTES")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        redis_port, gateway_port, flower_port = free_port(), free_port(), free_port()
        redis_process = start_redis(redis_port, Path(tmp) / "redis")
        env = local_env(f"redis://127.0.0.1:{redis_port}/0")
        env.update(UVICORN_PORT=str(gateway_port), FLOWER_PORT=str(flower_port))
        env.update(RATE_LIMIT_PER_MINUTE="0", MAX_ARTICLE_BYTES=str(args.max_bytes))
        env.update(DATABASE_URL=f"sqlite:///{Path(tmp) / 'newsflow.db'}")
        stack = Stack(env, Path(tmp) / "logs")
        stack.start()
        try:
            sampler = Sampler({n: p.pid for n, p in stack.processes.items()})
            sampler.start()
            gateway = f"http://127.0.0.1:{gateway_port}"
            with httpx.Client(base_url=gateway, timeout=60) as client:
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline:
                    try:
                        if client.get("/readyz").status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    time.sleep(1)
                items = seed_submissions()
                for round_ in range(args.rounds):
                    query = "?force=true" if round_ else ""
                    accepted = client.post(f"/articles/batch{query}", json=items).json()
                    ids = [item["id"] for item in accepted["items"]]
                    print(f"round {round_ + 1}: {wait_finished(client, ids, 180)}", flush=True)
                time.sleep(2 * SAMPLE_SECONDS)
                seeds_rss = dict(sampler.peak_rss)
                big = client.post("/articles", json=largest_article(args.max_bytes))
                assert big.status_code == 202, big.text[:300]
                started = time.monotonic()
                wait_finished(client, [big.json()["id"]], 300)
                result = client.get(f"/articles/{big.json()['id']}").json()
                stages = {n: s["status"] for n, s in result["stages"].items()}
                print(f"largest article: {result['status']} in {time.monotonic() - started:.0f}s")
                print(f"  stages {stages}, error {result.get('error')}")
                time.sleep(2 * SAMPLE_SECONDS)
            sampler.stopping.set()
            sampler.join()
            redis_peak = int(Redis(port=redis_port).info("memory")["used_memory_peak"])
        finally:
            stack.stop()
            redis_process.terminate()
            redis_process.wait(10)
    print(f"{'service':<14} {'seeds RSS':>10} {'peak RSS':>10} {'peak PSS':>10}  (MiB)")
    for name in COMMANDS:
        rss, pss = sampler.peak_rss[name] / MIB, sampler.peak_pss[name] / MIB
        print(f"{name:<14} {seeds_rss[name] / MIB:>10.0f} {rss:>10.0f} {pss:>10.0f}")
    print(f"{'redis':<14} {redis_peak / MIB:>12.1f} (used_memory_peak)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
