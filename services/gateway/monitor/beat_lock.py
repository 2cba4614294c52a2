"""One scheduler at a time: a lease in Redis that a Celery beat must hold before it ticks.

Compose runs one ``scheduler`` replica, but an operator can still start a second (``--scale``,
a stray ``make dev``, a new container while the old one stops). The second waits at start-up,
a hot standby, until the lease lapses: the first renews it every third of its lifetime, so it
lapses only when the first is gone. Even two ticking beats would poll nothing twice (a poll
claims its source, sources.claim); the lease only keeps the ticks from doubling.
"""

import logging
import os
import secrets
import threading
import time

from redis import Redis

from services.gateway.store import PREFIX

log = logging.getLogger(__name__)
LOCK_KEY = f"{PREFIX}:scheduler-lock"

# Renew only a lease that is still ours (compare and extend, atomically).
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class BeatLock:
    def __init__(self, redis: Redis, lease_seconds: float) -> None:
        self.redis = redis
        self.lease_ms = max(1000, int(lease_seconds * 1000))
        self.token = secrets.token_hex(16)
        self._stop = threading.Event()
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    def try_acquire(self) -> bool:
        return bool(self.redis.set(LOCK_KEY, self.token, nx=True, px=self.lease_ms))

    def acquire(self, poll_seconds: float = 1.0) -> None:
        """Block until the lease is ours (a standby scheduler waits here), then keep it."""
        announced = False
        while not self.try_acquire():
            if not announced:
                log.warning("another scheduler holds the lease; standing by")
                announced = True
            time.sleep(poll_seconds)
        log.info("scheduler lease taken")
        threading.Thread(target=self._keep, name="beat-lock", daemon=True).start()

    def renew(self) -> bool:
        return bool(self._renew(keys=[LOCK_KEY], args=[self.token, self.lease_ms]))

    def _keep(self) -> None:
        while not self._stop.wait(self.lease_ms / 3000):
            try:
                # Lost (Redis restarted without persistence, or a long pause): take it back if
                # free; if another scheduler has it now, stop ticking by exiting.
                if not self.renew() and not self.try_acquire():
                    log.error("scheduler lease lost to another scheduler; exiting")
                    os._exit(3)
            except Exception:  # Redis blinked: the lease outlives a short outage
                log.warning("renewing the scheduler lease failed", exc_info=True)

    def release(self) -> None:
        self._stop.set()
        self._release(keys=[LOCK_KEY], args=[self.token])
