"""Cutting a sequence into bounded consecutive batches: the pipeline's stage messages
(shared/batching.py) and the CLI's batch requests (services/cli/submit.py) are cut alike.

Kept apart from ``batching`` so that a client can use it without importing Celery.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def cut(
    items: Sequence[T], size: Callable[[T], int], max_items: int, max_chars: int
) -> list[list[T]]:
    """Consecutive batches of at most ``max_items`` items and ``max_chars`` of ``size``; an item
    as large as ``max_chars`` goes alone. Order is kept."""
    batches: list[list[T]] = []
    current: list[T] = []
    chars = 0
    for item in items:
        n = size(item)
        if current and (len(current) >= max_items or chars + n > max_chars):
            batches.append(current)
            current, chars = [], 0
        current.append(item)
        chars += n
    if current:
        batches.append(current)
    return batches
