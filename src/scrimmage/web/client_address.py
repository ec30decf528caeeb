"""Who is connecting: the peer's address, or the one a trusted reverse proxy forwarded.

``X-Forwarded-For`` is believed only when the connection comes from an address in the
``trusted_proxies`` setting; then the client is the rightmost forwarded address that is not
itself a trusted proxy. From anyone else the header is ignored, so a client cannot pick
the address its failed logins are counted against. ``X-Forwarded-Proto`` from a trusted
proxy is the scheme the client used (https in front of TLS), so the links the server
writes (upload URLs of the Kaggle client, redirects to downloads) keep it.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable

from fastapi import Request

from ..errors import ConfigError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(raw: str | Iterable[str] | None) -> tuple[Network, ...]:
    """The networks of the ``trusted_proxies`` setting ("10.0.0.1, 192.168.0.0/24", ...)."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    out, bad = [], []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            bad.append(item)
    if bad:
        raise ConfigError(f"trusted_proxies must list IP addresses or networks (e.g. 127.0.0.1, 10.0.0.0/8); "
                          f"not {', '.join(repr(b) for b in bad)}")
    return tuple(out)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request) -> str:
    """The address to count a client's attempts against (see the module's text)."""
    peer = request.client.host if request.client else ""
    proxies = getattr(request.app.state, "trusted_proxies", ())
    if not proxies or not _trusted(peer, proxies):
        return peer
    chain = [a.strip() for h in request.headers.getlist("x-forwarded-for") for a in h.split(",") if a.strip()]
    for address in reversed(chain):
        if not _trusted(address, proxies):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:  # a proxy passed on garbage: count it against the proxy
                return peer
    return peer


class ForwardedScheme:
    """An ASGI middleware: behind a trusted proxy, the request's scheme is the one it forwarded."""

    def __init__(self, app, proxies: tuple[Network, ...]):
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope, receive, send):
        if self.proxies and scope["type"] == "http" and scope.get("client") and _trusted(scope["client"][0], self.proxies):
            forwarded = [v for k, v in scope["headers"] if k == b"x-forwarded-proto"]
            # the first proxy's value is the scheme the client used
            scheme = forwarded[0].split(b",")[0].strip().lower().decode("latin-1") if forwarded else ""
            if scheme in ("http", "https"):
                scope = {**scope, "scheme": scheme}
        await self.app(scope, receive, send)


__all__ = ["ForwardedScheme", "client_address", "parse_proxies"]
