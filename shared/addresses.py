"""Which network addresses Newsflow may contact on a user's behalf (URLs to fetch, callbacks).

The one implementation of the outbound address policy, used by the fetcher (ingest) and the
callback sender (gateway). Anything not globally routable is refused unless ALLOW_PRIVATE_URLS is
set, so a submitted URL cannot reach services inside the deployment. The host is resolved once,
*every* address it resolves to is checked, and the request is then sent to one of those checked
addresses (pinned: the URL's host replaced by the IP, with the original Host header and TLS server
name), so a DNS answer that changes between check and connect ("rebinding") cannot slip through.

Imports httpx: only the ingest and gateway images, which make outbound requests, import this.
"""

import ipaddress
import socket

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL may not be contacted (or its host cannot be resolved now: ``retryable``)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def is_public_address(ip: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, CGNAT, reserved, multicast."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in resolver order (raises ``socket.gaierror``)."""
    addresses: list[IPAddress] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def ascii_host(url: httpx.URL) -> str:
    """The host IDNA-encoded, as DNS and TLS want it."""
    return url.raw_host.decode("ascii")


def checked_addresses(url: httpx.URL, allow_private: bool) -> list[IPAddress]:
    """The addresses a request to ``url`` may be pinned to; refuses if *any* is not public."""
    if url.scheme not in ("http", "https"):
        raise AddressRefused(
            f"only http and https URLs are allowed, not {url.scheme!r}", retryable=False
        )
    if not url.host:
        raise AddressRefused("URL has no host", retryable=False)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = resolve(ascii_host(url), port)
    except socket.gaierror as exc:
        raise AddressRefused(
            f"cannot resolve host {url.host!r}: {exc.strerror}",
            retryable=exc.errno == socket.EAI_AGAIN,
        ) from exc
    if not allow_private:
        for ip in addresses:
            if not is_public_address(ip):
                raise AddressRefused(
                    f"refusing non-public address {ip} of host {url.host!r}"
                    " (set ALLOW_PRIVATE_URLS to allow)",
                    retryable=False,
                )
    if not addresses:
        raise AddressRefused(f"host {url.host!r} has no address", retryable=False)
    return addresses


def pinned_request(
    client: httpx.Client | httpx.AsyncClient,
    method: str,
    url: httpx.URL,
    ip: IPAddress,
    *,
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
) -> httpx.Request:
    """A request to ``ip`` that the server sees as one to ``url`` (Host header, TLS SNI)."""
    host_header = url.netloc.decode("ascii").rpartition("@")[2]
    extensions = {"sni_hostname": ascii_host(url)} if url.scheme == "https" else {}
    return client.build_request(
        method,
        url.copy_with(host=str(ip)),
        headers={**(headers or {}), "Host": host_header},
        content=content,
        extensions=extensions,
    )
