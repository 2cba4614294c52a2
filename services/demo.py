"""``make demo``: start Newsflow, put every seed article through the gateway, print what came back.

A newcomer's first command: it needs nothing but ``make install`` (which ``make demo`` runs) and
leaves nothing running.
"""

import html
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

from services.localredis import free_port, port_in_use, start_redis
from services.seeds import seed_submissions
from services.stack import Stack, local_env

TIMEOUT_SECONDS = 180.0


def wait_for(url: str, stack: Stack, timeout: float = TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.exited():
            raise RuntimeError(f"a service exited during start-up: {stack.exited()}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout}s")


def show(result: dict[str, Any], source: str) -> None:
    doc, extraction, summary = (
        result.get("document") or {},
        result.get("extraction") or {},
        result.get("summary") or {},
    )
    print("=" * 100)
    print(f"{source}  ->  {result['id']}  [{result['status']}]")
    if result["status"] != "done":
        print(f"  error: {result.get('error')}")
    print(f"  title:     {doc.get('title')}")
    print(f"  language:  {doc.get('language')}   published: {doc.get('published_at')}")
    print(f"  words:     {doc.get('word_count')}")
    timings = ", ".join(
        f"{stage} {s['duration_ms']:.0f} ms on {s['worker']}"
        for stage, s in result["stages"].items()
        if s.get("duration_ms") is not None
    )
    print(f"  stages:    {timings}")
    for warning in extraction.get("warnings", []):
        print(f"  warning:   {warning}")
    by_type: dict[str, list[str]] = defaultdict(list)
    for entity in extraction.get("entities", []):
        by_type[entity["type"]].append(f"{entity['name']} ×{entity['count']}")
    for kind, names in sorted(by_type.items()):
        print(
            textwrap.fill(
                ", ".join(names), 100, initial_indent=f"  {kind:<10} ", subsequent_indent=" " * 13
            )
        )
    for place in extraction.get("places", []):
        where = f"{place.get('latitude')}, {place.get('longitude')}"
        print(f"  place:     {place['name']} ({place.get('country_code')}) {where}")
    for date in extraction.get("dates", []):
        span = (
            date.get("value")
            if not date.get("end_value")
            else f"{date['value']} .. {date['end_value']}"
        )
        print(f"  date:      {date['text']!r} -> {span} ({date.get('granularity')})")
    for quote in extraction.get("quotes", []):
        said = textwrap.shorten(quote["text"], 60, placeholder=" …")
        print(f"  quote:     {quote.get('speaker') or '(unattributed)'}: “{said}”")
    if extraction.get("keyphrases"):
        print(
            textwrap.fill(
                ", ".join(k["text"] for k in extraction["keyphrases"][:10]),
                100,
                initial_indent="  keyphrases ",
                subsequent_indent=" " * 13,
            )
        )
    print(f"  summary ({summary.get('method')} {summary.get('method_version')}):")
    for sentence in summary.get("sentences", []):
        print(
            textwrap.fill(
                sentence["text"], 100, initial_indent="    • ", subsequent_indent="      "
            )
        )


def corpus_tour(client: httpx.Client, results: list[tuple[str, dict[str, Any]]]) -> str:
    """The archive after the run: a search by a title word, and the most mentioned entities."""
    done = [
        r for _, r in results if r["status"] == "done" and (r.get("document") or {}).get("title")
    ]
    if not done:
        return ""
    word = max(done[0]["document"]["title"].split(), key=len)
    hits = client.get("/articles", params={"q": word}).json()["items"]
    top = client.get("/entities", params={"top": 5}).json()
    lines = ["=" * 100, f"corpus: GET /articles?q={word} -> {[h['id'] for h in hits]}"]
    for hit in hits[:1]:
        for snippet in hit["snippets"]:
            plain = html.unescape(snippet.replace("<mark>", "[").replace("</mark>", "]"))
            lines.append(f"        {plain}")
    named = ", ".join(f"{e['name']} ({e['type']}, {e['articles']})" for e in top)
    lines.append(f"corpus: GET /entities?top=5 -> {named}")
    return "\n".join(lines)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="newsflow-demo-") as tmp:
        redis_port = free_port()
        redis = start_redis(redis_port, Path(tmp) / "redis")
        env = local_env(f"redis://127.0.0.1:{redis_port}/0")
        env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'archive.db'}"  # gone with the demo
        for key, default in (("UVICORN_PORT", 8000), ("FLOWER_PORT", 5555)):
            if port_in_use(int(env.get(key, default))):
                env[key] = str(free_port())
        gateway = f"http://127.0.0.1:{env['UVICORN_PORT']}"
        stack = Stack(env, Path(".data") / "demo-logs")
        flower = f"http://127.0.0.1:{env['FLOWER_PORT']}"
        print(f"starting Newsflow (gateway {gateway}, Flower {flower}) ...")
        stack.start()
        try:
            wait_for(f"{gateway}/readyz", stack)
            with httpx.Client(base_url=gateway, timeout=30) as client:
                items = seed_submissions()
                started = time.monotonic()
                accepted = (
                    client.post("/articles/batch", json=items).raise_for_status().json()["items"]
                )
                results = []
                for item, acc in zip(items, accepted, strict=True):
                    while (result := client.get(f"/articles/{acc['id']}").json())["status"] not in (
                        "done",
                        "failed",
                    ):
                        if time.monotonic() - started > TIMEOUT_SECONDS:
                            raise TimeoutError(f"{item['source']} did not finish")
                        time.sleep(0.2)
                    results.append((item["source"], result))
                elapsed = time.monotonic() - started
                corpus = corpus_tour(client, results)
            for source, result in results:
                show(result, source)
            print(corpus)
            done = sum(r["status"] == "done" for _, r in results)
            print("=" * 100)
            print(
                f"{done}/{len(results)} articles done in {elapsed:.1f} s (logs: .data/demo-logs/)"
            )
            return 0 if done == len(results) else 1
        finally:
            stack.stop()
            redis.terminate()
            redis.wait(10)


if __name__ == "__main__":
    sys.exit(main())
