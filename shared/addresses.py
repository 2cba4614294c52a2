"""Which network addresses Newsflow may contact on a user's behalf (URLs to fetch, callbacks).

Anything not globally routable is refused unless ALLOW_PRIVATE_URLS is set, so a submitted URL
cannot reach services inside the deployment.
"""

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(ip: IPAddress) -> bool:
    """Globally routable unicast: not private, loopback, link-local, CGNAT, reserved, multicast."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (raises ``socket.gaierror``)."""
    addresses: list[IPAddress] = []
    for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses
