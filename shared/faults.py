"""Test-only fault injection, so the fault tests (tests/faults) can break a stage on purpose.

Inert unless ``FAULT_INJECTION=true`` is set in the worker's environment (never in production
configuration): then an article whose text carries one of these markers makes the stage shell
misbehave in that one way. Markers are plain words so every stage sees them in its payload.
"""

import contextlib
import json
import os
import signal
import time
from typing import Any, Final

from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError

KILL_WORKER: Final = "NEWSFLOWFAULTKILLWORKER"  # the pool process SIGKILLs itself at task start
REPORT_FAILS: Final = "NEWSFLOWFAULTREPORTFAILS"  # the first report of each stage cannot be sent
SWALLOW_SOFT_LIMIT: Final = "NEWSFLOWFAULTHANG"  # hangs, swallowing the soft time limit
OUTLIVE_SOFT_LIMIT: Final = "NEWSFLOWFAULTSLOW"  # works on until the soft time limit stops it
# The collector's pool process dies once a run's end is stored: before it hands the run's
# callback on, or just after (before it takes the callback off the store's outbox).
DIE_BEFORE_CALLBACK: Final = "NEWSFLOWFAULTDIEBEFORECALLBACK"
DIE_AFTER_CALLBACK: Final = "NEWSFLOWFAULTDIEAFTERCALLBACK"
# The collector's pool process dies around archiving a finished run: before it writes the
# archive, or after (before it takes the run off the store's archive outbox).
DIE_BEFORE_ARCHIVE: Final = "NEWSFLOWFAULTDIEBEFOREARCHIVE"
DIE_AFTER_ARCHIVE: Final = "NEWSFLOWFAULTDIEAFTERARCHIVE"
# The poller's pool process dies right after a feed item's first submission, before it records
# the item (the marker is in the item's URL; a resubmission, a duplicate, is not struck again).
DIE_AFTER_SUBMIT: Final = "NEWSFLOWFAULTDIEAFTERSUBMIT"
HANG_STEP_SECONDS: Final = 0.1


def marked(enabled: bool, payload: Any, marker: str) -> bool:
    return enabled and marker in json.dumps(payload)


def before_work(enabled: bool, payload: Any) -> None:
    """Faults that strike once the message is delivered, before the stage's core runs."""
    if marked(enabled, payload, KILL_WORKER):
        os.kill(os.getpid(), signal.SIGKILL)
    if marked(enabled, payload, OUTLIVE_SOFT_LIMIT):
        while True:  # a slow article: the soft limit's exception ends it, as it would real work
            time.sleep(HANG_STEP_SECONDS)
    if marked(enabled, payload, SWALLOW_SOFT_LIMIT):
        while True:  # as a library that catches Exception would: only the hard limit ends this
            with contextlib.suppress(SoftTimeLimitExceeded):
                time.sleep(HANG_STEP_SECONDS)


def before_report(enabled: bool, payload: Any, deliveries: int) -> None:
    """The broker is unreachable when the first delivery tries to report its outcome."""
    if deliveries == 1 and marked(enabled, payload, REPORT_FAILS):
        raise OperationalError("fault injection: broker unreachable at report time")


def around_callback(enabled: bool, text: str | None, sent: bool) -> None:
    """The collector's process dies around handing on a run's callback."""
    if marked(enabled, text, DIE_AFTER_CALLBACK if sent else DIE_BEFORE_CALLBACK):
        os.kill(os.getpid(), signal.SIGKILL)


def around_archive(enabled: bool, text: str | None, written: bool) -> None:
    """The collector's process dies around writing a finished run to the archive."""
    if marked(enabled, text, DIE_AFTER_ARCHIVE if written else DIE_BEFORE_ARCHIVE):
        os.kill(os.getpid(), signal.SIGKILL)


def after_submit(enabled: bool, url: str, duplicate: bool) -> None:
    """The poller's process dies between submitting a new feed item and recording it."""
    if enabled and not duplicate and DIE_AFTER_SUBMIT in url:
        os.kill(os.getpid(), signal.SIGKILL)
