"""Monitoring tests: the archive on both back-ends (the corpus tests' fixtures), a feed server."""

from collections.abc import Iterator

import pytest

from tests.corpus.conftest import archive_url, engine, results  # noqa: F401 - fixtures, re-exported
from tests.monitor.feedserver import FeedServer, feed_server


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server
