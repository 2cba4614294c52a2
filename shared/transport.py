"""Celery's Redis transport, minus a Redis client object built for every broker call.

kombu's Redis channel builds a new ``redis.Redis`` over its connection pool for each publish,
acknowledgement and event (``Channel.conn_or_acquire``); with redis-py 8 each costs about 0.3 ms
of CPU, and a message takes a dozen such calls, so on a light stage this was a third of the
worker's CPU (docs/performance.md). A client object holds no connection and no state of its own
(the pool hands out connections per command, thread-safely), so one per pool serves every call;
a new pool (after a fork or a reconnect) gets a new client.
"""

from typing import Any
from urllib.parse import urlsplit

from kombu.transport import redis as kombu_redis

SCHEMES = ("redis", "rediss")
TRANSPORT = "shared.transport:Transport"


class Channel(kombu_redis.Channel):
    _shared_client: tuple[Any, Any] | None = None  # (pool, client over that pool)

    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:
            return super()._create_client(asynchronous=True)  # type: ignore[no-untyped-call]
        pool = self.pool
        if self._shared_client is None or self._shared_client[0] is not pool:
            self._shared_client = (pool, super()._create_client())  # type: ignore[no-untyped-call]
        return self._shared_client[1]


class Transport(kombu_redis.Transport):
    Channel = Channel


def transport_for(broker_url: str) -> str | None:
    """Our transport for plain Redis URLs; other brokers (sentinel://, amqp://) keep kombu's."""
    return TRANSPORT if urlsplit(broker_url).scheme in SCHEMES else None
