"""fetch_url against a real HTTP server on 127.0.0.1: refusals, caps, redirects and errors."""

import contextlib
import gzip
import http.server
import ipaddress
import socket
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from services.ingest.fetch import FetchError, decode_body, fetch_url, is_public_address
from shared.settings import Settings
from tests.loopback import serving

SEED = Path(__file__).resolve().parents[2] / "seeds" / "hamburg-flood-walls.html"
ALLOW = Settings(allow_private_urls=True)
BIG = b"x" * 10_000
STORY = b"A story worth fetching.\n\nIt has two paragraphs."


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


# 1 GB of zeros, gzipped twice: about a kilobyte on the wire.
BOMB = gzip.compress(gzip.compress(b"\0" * 1_000_000_000, 9), 9)
ENCODED: dict[str, tuple[str, bytes]] = {
    "/gzip": ("gzip", gzip.compress(STORY)),
    "/deflate": ("deflate", zlib.compress(STORY)),
    "/raw-deflate": ("deflate", _raw_deflate(STORY)),
    "/bomb": ("gzip, gzip", BOMB),
    "/brotli": ("br", b"\x0b\x00\x80hello\x03"),
    "/corrupt": ("gzip", b"\x1f\x8b not really gzip"),
}


class Handler(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, status: int, body: bytes, content_type: str, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        path = self.path
        if path == "/article.html":
            self.reply(200, SEED.read_bytes(), "text/html; charset=utf-8")
        elif path == "/plain.txt":
            self.reply(200, "Café\n\nBody.".encode(), "text/plain; charset=utf-8")
        elif path == "/latin1.html":
            body = '<html><head><meta charset="iso-8859-1"></head><p>Café</p></html>'
            self.reply(200, body.encode("latin-1"), "text/html")
        elif path == "/host":
            self.reply(200, (self.headers["Host"] or "").encode(), "text/plain")
        elif path == "/big":
            self.reply(200, BIG, "text/plain")
        elif path == "/big-unannounced":
            self.reply(200, BIG, "text/plain", length=False)
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path in ENCODED:
            encoding, encoded = ENCODED[path]
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Encoding", encoding)
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)
        elif path == "/json":
            self.reply(200, b"{}", "application/json")
        elif path == "/unavailable":
            self.reply(503, b"try later", "text/plain")
        elif path == "/slow":
            time.sleep(1.5)
            with contextlib.suppress(OSError):  # the client has long given up
                self.reply(200, b"late", "text/plain")
        else:
            self.reply(404, b"not found", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as address:
        yield address


def fetch_error(url: str, settings: Settings) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_url(url, settings)
    return caught.value


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_addresses_are_refused_before_any_request(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    before = len(Handler.requests)
    error = fetch_error(f"http://{host}:{port}/article.html", Settings(allow_private_urls=False))
    assert not error.retryable
    assert "non-public address" in str(error) and "ALLOW_PRIVATE_URLS" in str(error)
    assert len(Handler.requests) == before


def test_allowed_private_fetch_returns_the_page(server: str) -> None:
    page = fetch_url(f"http://{server}/article.html", ALLOW)
    assert page.is_html and page.content_type == "text/html"
    assert "Hamburg backs €640m plan" in page.content
    assert page.url == f"http://{server}/article.html"


def test_pinned_request_keeps_the_host_header(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    page = fetch_url(f"http://localhost:{port}/host", ALLOW)
    assert page.content == f"localhost:{port}" and page.content_type == "text/plain"


def test_redirects_are_followed_and_bounded(server: str) -> None:
    assert fetch_url(f"http://{server}/redirect", ALLOW).url == f"http://{server}/article.html"
    error = fetch_error(f"http://{server}/loop", ALLOW)
    assert "redirects" in str(error) and not error.retryable


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_size_cap(server: str, path: str) -> None:
    capped = Settings(allow_private_urls=True, url_max_bytes=1_000)
    error = fetch_error(f"http://{server}{path}", capped)
    assert "1000 bytes" in str(error) and not error.retryable
    assert len(fetch_url(f"http://{server}{path}", ALLOW).content) == len(BIG)


@pytest.mark.parametrize(
    ("path", "message", "retryable"),
    [
        ("/missing", "HTTP 404", False),
        ("/unavailable", "HTTP 503", True),
        ("/json", "unsupported content type 'application/json'", False),
    ],
)
def test_http_failures(server: str, path: str, message: str, retryable: bool) -> None:
    error = fetch_error(f"http://{server}{path}", ALLOW)
    assert message in str(error) and path in str(error)
    assert error.retryable is retryable


def test_timeout_is_retryable(server: str) -> None:
    hurried = Settings(allow_private_urls=True, url_fetch_timeout_seconds=0.3)
    error = fetch_error(f"http://{server}/slow", hurried)
    assert error.retryable and "timed out" in str(error)


def test_refused_connection_and_bad_scheme_are_final() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        error = fetch_error(f"http://127.0.0.1:{port}/", ALLOW)
    assert not error.retryable and "cannot connect" in str(error)
    assert not fetch_error("ftp://example.org/file", ALLOW).retryable


def test_charset_from_header_meta_or_guess(server: str) -> None:
    assert "Café" in fetch_url(f"http://{server}/latin1.html", ALLOW).content
    assert fetch_url(f"http://{server}/plain.txt", ALLOW).content.startswith("Café")
    assert decode_body("Café".encode(), None, "text/plain") == "Café"
    assert decode_body("Café".encode("cp1252"), None, "text/plain") == "Café"
    assert decode_body(b"abc", "no-such-codec", "text/plain") == "abc"


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
    ],
)
def test_public_address_classification(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_bodies_are_decoded(server: str, path: str) -> None:
    assert fetch_url(f"http://{server}{path}", ALLOW).content == STORY.decode()


def test_a_decompression_bomb_is_cut_at_the_cap_without_expanding_in_memory(server: str) -> None:
    settings = Settings(allow_private_urls=True, url_max_bytes=1_000_000)
    assert len(BOMB) < 100_000  # small on the wire
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than the 1000000 bytes"):
            fetch_url(f"http://{server}/bomb", settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # the cap plus a few bounded steps, never the gigabyte


@pytest.mark.parametrize(
    ("path", "message"),
    [("/brotli", "unsupported content encoding 'br'"), ("/corrupt", "corrupt gzip body")],
)
def test_unknown_or_corrupt_encodings_are_final_errors(
    server: str, path: str, message: str
) -> None:
    with pytest.raises(FetchError, match=message) as caught:
        fetch_url(f"http://{server}{path}", ALLOW)
    assert caught.value.retryable is False
