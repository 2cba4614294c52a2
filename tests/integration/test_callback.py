"""A callback_url is POSTed one signed notification, from the callbacks worker, when its article
finishes."""

import http.server
import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.gateway.callback import SIGNATURE_HEADER, verify
from tests.integration.conftest import CALLBACK_SECRET, FLOWER_AUTH, Running, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def receiver() -> Iterator[tuple[str, "queue.Queue[tuple[dict[str, str], bytes]]"]]:
    received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.put((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def test_callback_is_signed_and_says_done(
    running: Running,
    client: httpx.Client,
    receiver: tuple[str, "queue.Queue[tuple[dict[str, str], bytes]]"],
) -> None:
    url, received = receiver
    text = "The Bank of England held rates at 5.25% on Thursday, Governor Andrew Bailey said."
    response = client.post("/articles", json={"text": text, "callback_url": url})
    assert response.status_code == 202, response.text
    headers, body = received.get(timeout=60)
    assert verify(CALLBACK_SECRET, headers[SIGNATURE_HEADER], body, now=time.time())
    assert not verify(CALLBACK_SECRET, headers[SIGNATURE_HEADER], body, now=time.time() + 3600)
    note = json.loads(body)
    assert (note["id"], note["status"]) == (response.json()["id"], "done")
    assert client.get(note["links"]["self"]).json()["status"] == "done"
    with pytest.raises(queue.Empty):  # one run, one callback
        received.get(timeout=3)

    def callback_worker() -> str | None:
        tasks = httpx.get(f"{running.flower}/api/tasks", auth=FLOWER_AUTH, timeout=10).json()
        workers = [
            str(t.get("worker"))
            for t in tasks.values()
            if t.get("name") == "results.callback" and note["run_id"] in str(t.get("args"))
        ]
        return workers[0] if workers and workers[0] != "None" else None

    # Sent from its own worker, not the collector: a slow receiver cannot hold up collection.
    assert wait_until(callback_worker, 30, "flower to show the callback task").startswith(
        "callbacks@"
    )
