"""A loopback callback receiver that counts deliveries per run, to check "at most one callback per
run" (and that a callback went out at all) against the real collector."""

import http.server
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Received:
    """Callbacks seen so far, by run id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: Counter[str] = Counter()
        self._bodies: list[dict[str, Any]] = []

    def add(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._runs[str(body.get("run_id"))] += 1
            self._bodies.append(body)

    def per_run(self) -> Counter[str]:
        with self._lock:
            return Counter(self._runs)

    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._bodies)


@contextmanager
def callback_receiver() -> Iterator[tuple[str, Received]]:
    """Yields the URL to give as ``callback_url`` and what it received."""
    received = Received()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            received.add(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()
