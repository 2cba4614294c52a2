"""The gateway's metrics: requests by route and status, their latency, and what waits in Redis.

Routes are labelled by their template (``/articles/{article_id}``), never the raw path, so the
number of series stays fixed whatever ids clients send. Queue depths and open articles are read
from Redis when Prometheus scrapes (services/gateway/routes/metrics.py), so they are current and
the same whichever gateway replica answers.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

UNMATCHED_ROUTE: Final = "unmatched"  # a path no route matched (404s): one label value for all
KNOWN_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS: Final = Counter(
    "newsflow_http_requests_total",
    "Requests answered by the gateway, by method, route template and status code.",
    ["method", "route", "status"],
)
# Prometheus's default buckets (5 ms to 10 s): the gateway's own work is milliseconds
# (docs/performance.md) and every slow path (a corpus query, a broker outage) is under 10 s.
HTTP_LATENCY: Final = Histogram(
    "newsflow_http_request_duration_seconds",
    "Time to the response's headers, by method and route template (an event stream or an "
    "export counts its wait, not its length).",
    ["method", "route"],
)


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "OTHER"


@dataclass(frozen=True)
class StoreCounts:
    """What waits in Redis at one scrape."""

    queue_depths: Mapping[str, int]
    open_articles: int  # runs neither done nor failed: queued or running
    stored_articles: int  # records kept in Redis (ARTICLE_TTL_SECONDS)
    outboxes: Mapping[str, int]  # finished runs not yet archived / called back


def store_families(counts: StoreCounts | None) -> list[GaugeMetricFamily]:
    """The scrape-time gauges; ``None`` (Redis did not answer) leaves them out and says so."""
    up = GaugeMetricFamily("newsflow_store_up", "1 when Redis answered this scrape, else 0.")
    up.add_metric([], 0 if counts is None else 1)
    if counts is None:
        return [up]
    queue = GaugeMetricFamily(
        "newsflow_queue_depth",
        "Messages waiting in each Celery queue: what an autoscaler scales a stage on.",
        labels=["queue"],
    )
    for name, depth in counts.queue_depths.items():
        queue.add_metric([name], depth)
    articles = GaugeMetricFamily(
        "newsflow_articles",
        "Articles in the store by status: open (queued or running) or stored (all kept).",
        labels=["status"],
    )
    articles.add_metric(["open"], counts.open_articles)
    articles.add_metric(["stored"], counts.stored_articles)
    outbox = GaugeMetricFamily(
        "newsflow_outbox_depth",
        "Finished runs the collector has yet to archive or to call back (the sweeper catches up).",
        labels=["outbox"],
    )
    for name, depth in counts.outboxes.items():
        outbox.add_metric([name], depth)
    return [up, queue, articles, outbox]


class Snapshot(Collector):
    """Families computed beforehand, exposed once (a registry of one scrape)."""

    def __init__(self, families: Iterable[GaugeMetricFamily]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[GaugeMetricFamily]:
        return iter(self.families)
