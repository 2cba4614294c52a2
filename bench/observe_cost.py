"""CPU per request of the gateway's Observe middleware (request id, access line, metrics).

``python -m bench.observe_cost``: a trivial ASGI app called in-process with and without the
middleware, its JSON access line written to memory; prints microseconds of CPU per request.
"""

import asyncio
import io
import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.observe import Observe
from shared.logs import make_handler

REQUESTS: Final = 20_000  # enough for a stable mean on one core (about a second)
SCOPE: Final[Scope] = {
    "type": "http",
    "method": "GET",
    "path": "/articles/a_123",
    "headers": [(b"x-request-id", b"abc-1")],
}


async def trivial(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _receive() -> Message:
    return {"type": "http.request", "body": b""}


async def _send(message: Message) -> None:
    return None


def cpu_per_request(app: ASGIApp, requests: int) -> float:
    async def run() -> None:
        for _ in range(requests):
            await app(dict(SCOPE), _receive, _send)

    started = time.process_time()
    asyncio.run(run())
    return (time.process_time() - started) / requests


def main() -> None:
    handler = make_handler("gateway", "json")
    handler.setStream(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    bare = cpu_per_request(trivial, REQUESTS)
    observed = cpu_per_request(Observe(trivial), REQUESTS)
    print(
        f"bare {bare * 1e6:.1f} us, with Observe {observed * 1e6:.1f} us: "
        f"{(observed - bare) * 1e6:.1f} us of CPU per request"
    )


if __name__ == "__main__":
    main()
