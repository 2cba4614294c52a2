"""The scheduler's lease (a real Redis): one holder at a time, renewed only by its holder, free
again when released or when its holder stops renewing."""

import threading
import time

from redis import Redis

from services.gateway.monitor.beat_lock import LOCK_KEY, BeatLock
from tests.conftest import RedisServer

REDIS_DB = 13  # a database of the session's Redis no other test uses


def redis(server: RedisServer) -> Redis:
    client = Redis(port=server.port, db=REDIS_DB)
    client.delete(LOCK_KEY)
    return client


def test_one_holder_at_a_time(redis_server: RedisServer) -> None:
    client = redis(redis_server)
    first, second = BeatLock(client, 5), BeatLock(client, 5)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert not second.renew()  # a standby cannot extend someone else's lease
    assert first.renew()
    second.release()  # nor release it
    assert client.get(LOCK_KEY) == first.token.encode()
    first.release()
    assert second.try_acquire()


def test_a_standby_takes_over_when_the_holder_stops_renewing(redis_server: RedisServer) -> None:
    client = redis(redis_server)
    holder = BeatLock(client, 1)
    assert holder.try_acquire()  # taken, but never renewed: as a killed scheduler leaves it
    standby = BeatLock(client, 1)
    took = threading.Event()

    def wait_for_it() -> None:
        standby.acquire(poll_seconds=0.1)
        took.set()

    thread = threading.Thread(target=wait_for_it)
    thread.start()
    assert not took.wait(0.5)  # still the holder's
    assert took.wait(5)  # lapsed after its second: the standby holds it now
    time.sleep(1.5)  # and keeps it, renewing, past its own lease
    assert client.get(LOCK_KEY) == standby.token.encode()
    standby.release()
    assert client.get(LOCK_KEY) is None
