"""The Redis transport with one client per pool still moves messages, and really shares it."""

from kombu.connection import Connection

from shared.celery_app import celery_config
from shared.settings import Settings
from shared.transport import TRANSPORT, Transport, transport_for
from tests.conftest import RedisServer


def test_plain_redis_urls_get_our_transport_and_other_brokers_keep_theirs() -> None:
    assert transport_for("redis://:secret@redis:6379/0") == TRANSPORT
    assert transport_for("rediss://redis:6380/0") == TRANSPORT
    assert transport_for("sentinel://host:26379") is None
    assert transport_for("amqp://guest@rabbit//") is None
    assert celery_config(Settings(redis_url="redis://r:6379/0"))["broker_transport"] == TRANSPORT


def test_messages_flow_through_one_client_per_pool(redis_server: RedisServer) -> None:
    with Connection(redis_server.url, transport=TRANSPORT) as connection:
        assert isinstance(connection.transport, Transport)
        queue = connection.SimpleQueue("newsflow-transport-test")
        for number in range(3):
            queue.put({"n": number})
        received = []
        for _ in range(3):
            message = queue.get(timeout=5)
            received.append(message.payload["n"])
            message.ack()
        assert received == [0, 1, 2]
        channel = queue.channel
        client = channel._create_client()
        assert channel._create_client() is client
        channel._pool = None  # what a fork or reconnect does: a new pool, so a new client
        assert channel._create_client() is not client
        queue.close()
