"""Manners towards the hosts we poll: robots.txt, and one request per host per delay.

Both are kept in Redis, so every poller process (and replica) shares them: robots.txt is fetched
once per host per ``ROBOTS_TTL_SECONDS``, and a host is polled at most once per
``HOST_DELAY_SECONDS`` (or its robots.txt Crawl-delay, when longer) by all pollers together.
"""

import json
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from redis import Redis

from services.gateway.monitor import robots
from services.gateway.store import PREFIX
from shared.fetch import Fetched, FetchError
from shared.settings import Settings

USER_AGENT = "Newsflow-monitor/0.1 (feed polling; +https://github.com/newsflow)"
MAX_ROBOTS_CHARS = 512 * 1024  # Google reads the first 500 KiB of a robots.txt; so do we
# An unreachable robots.txt (5xx, 429, network) is "disallow all" for now, and asked again soon.
UNREACHABLE_TTL_SECONDS = 600


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class HostManners:
    def __init__(
        self,
        redis: Redis,
        settings: Settings,
        fetch: Callable[[str, Mapping[str, str]], Fetched],
    ) -> None:
        self.redis = redis
        self.settings = settings
        self.fetch = fetch

    def _rules(self, url: str) -> robots.RobotsRules:
        key = f"{PREFIX}:robots:{origin(url)}"
        cached = self.redis.get(key)
        if cached is not None:
            status, body = json.loads(cached)
        else:
            ttl = self.settings.robots_ttl_seconds
            try:
                answer = self.fetch(origin(url) + "/robots.txt", {})
                status, body = (
                    answer.status,
                    answer.body[:MAX_ROBOTS_CHARS].decode("utf-8", "replace"),
                )
            except FetchError as exc:
                status = exc.status or 503  # no answer at all counts as a server error
                body = ""
                if status >= 500 or status == 429:  # throttled or down: ask again soon
                    ttl = UNREACHABLE_TTL_SECONDS
            self.redis.set(key, json.dumps([status, body]), ex=ttl)
        return robots.rules_for_status(status, body)

    def allowed(self, url: str) -> bool:
        return robots.allowed(self._rules(url), USER_AGENT, url)

    def wait_seconds(self, url: str) -> float:
        """0 when this poller may request ``url``'s host now (and holds it for the delay);
        otherwise how long until it may."""
        delay = max(
            self.settings.host_delay_seconds, robots.crawl_delay(self._rules(url), USER_AGENT) or 0
        )
        key = f"{PREFIX}:host-slot:{origin(url)}"
        if self.redis.set(key, "1", nx=True, px=max(1, int(delay * 1000))):
            return 0.0
        remaining = self.redis.pttl(key)
        return max(0.05, remaining / 1000) if remaining and remaining > 0 else 0.05
