"""At most one callback per run: a Redis marker per run id, and a lock while one is in flight.

Celery delivers a task at least once (late acks), and a run's end can be reported twice (the
sweeper and a late worker); so the callback task checks a marker before sending and sets it, with
``SET NX``, when the delivery succeeded or finally failed. A short lock keeps two copies of the
task from delivering at the same time. The one window left: a worker killed after the receiver's
2xx and before the marker is written sends again when the task is redelivered; receivers that
must not act twice dedupe on ``run_id`` (docs/security.md).
"""

from redis import Redis

from services.gateway.store import PREFIX


def marker_key(run_id: str) -> str:
    return f"{PREFIX}:callback:{run_id}"


def lock_key(run_id: str) -> str:
    return f"{PREFIX}:callback-lock:{run_id}"


def finished(redis: Redis, run_id: str) -> bool:
    """True once this run's callback was delivered or given up."""
    return bool(redis.exists(marker_key(run_id)))


def claim(redis: Redis, run_id: str, seconds: float) -> bool:
    """Take the in-flight lock for ``seconds`` (longer than one delivery); False if taken."""
    return bool(redis.set(lock_key(run_id), "1", nx=True, px=max(1, int(seconds * 1000))))


def release(redis: Redis, run_id: str) -> None:
    redis.delete(lock_key(run_id))


def finish(redis: Redis, run_id: str, outcome: str, ttl_seconds: int) -> bool:
    """Record the final outcome; False if another delivery already did (it wins)."""
    return bool(redis.set(marker_key(run_id), outcome, nx=True, ex=ttl_seconds or None))
