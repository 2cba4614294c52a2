"""Count deliveries of one message, so a message that kills its worker is tried a bounded number
of times (a poison message would otherwise be redelivered forever: late acks give it back each
time its process dies).

The count lives in Redis, not in the worker: the process that dies cannot remember anything.
"""

from typing import Final

from redis import Redis

DELIVERIES_PREFIX: Final = "newsflow:deliveries"


def delivery_key(task_id: str, retries: int) -> str:
    """A retry is a new message under the same task id, so it counts afresh."""
    return f"{DELIVERIES_PREFIX}:{task_id}:{retries}"


def count_delivery(redis: Redis, task_id: str, retries: int, ttl_seconds: int) -> int:
    """Record one more delivery of this message and return how many there have been."""
    key = delivery_key(task_id, retries)
    with redis.pipeline() as pipe:
        pipe.incr(key)
        pipe.expire(key, ttl_seconds)
        count, _ = pipe.execute()
    return int(count)


def over_limit(deliveries: int, max_deliveries: int) -> bool:
    """The work runs on deliveries 1..max; the next one only reports the failure."""
    return deliveries > max_deliveries


def should_requeue(deliveries: int, max_deliveries: int) -> bool:
    """A message whose outcome could not be reported goes back to the queue, but not forever: once
    even the failure report has failed ``max_deliveries`` times, the sweeper owns the run."""
    return deliveries < 2 * max_deliveries
