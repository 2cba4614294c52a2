"""A loopback HTTP server whose pages a test changes as it goes: feeds, articles, robots.txt.

Each path answers what the test last put there; a page with an ETag answers 304 to a request
that names it (If-None-Match), as news sites' CDNs do. Every request is logged, so a test can
count the fetches of a feed or check that one was conditional.
"""

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stops reading (a size cap, a timeout) is a case under test, not news."""


@dataclass
class Page:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: bool = True  # answer with an ETag (and 304 when it is sent back)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Served:
    path: str
    headers: dict[str, str]
    status: int


class FeedServer:
    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.log: list[Served] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    page = server.pages.get(self.path)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if page is None:
                    status, body, extra = 404, b"not found", {"Content-Type": "text/plain"}
                else:
                    tag = '"' + hashlib.sha256(page.body).hexdigest()[:16] + '"'
                    extra = {"Content-Type": page.content_type, **page.headers}
                    if page.etag:
                        extra["ETag"] = tag
                    if page.etag and headers.get("if-none-match") == tag and page.status == 200:
                        status, body = 304, b""
                    else:
                        status, body = page.status, page.body
                with server._lock:
                    server.log.append(Served(self.path, headers, status))
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def put(self, path: str, page: Page) -> str:
        with self._lock:
            self.pages[path] = page
        return self.base + path

    def served(self, path: str) -> list[Served]:
        with self._lock:
            return [s for s in self.log if s.path == path]


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def rss(title: str, items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 feed: each item's guid, link, title, description and pubDate as given."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>http://example.invalid/</link>",
        "<description>test feed</description>",
    ]
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items() if k != "guid")
        guid = item.get("guid")
        permalink = "" if guid is None else f'<guid isPermaLink="false">{guid}</guid>'
        parts.append(f"<item>{permalink}{fields}</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()
