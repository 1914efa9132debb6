"""The client's address: REMOTE_ADDR, or X-Forwarded-For only when the request came through a trusted proxy.

settings.TRUSTED_PROXIES lists the proxies' addresses or networks (env TRUSTED_PROXIES="10.0.0.5,10.1.0.0/16").
X-Forwarded-For is read from the right: each hop added by a trusted proxy is skipped, the first address that is not
a trusted proxy is the client. A request that did not come from a trusted proxy keeps its REMOTE_ADDR whatever
X-Forwarded-For says (anyone can send that header).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    out = []
    for entry in entries:
        entry = (entry or "").strip()
        if entry:
            out.append(ipaddress.ip_network(entry, strict=False))
    return tuple(out)


def _ip(text: str):
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def _trusted(addr, networks) -> bool:
    return addr is not None and any(addr.version == n.version and addr in n for n in networks)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(_ip(remote or ""), networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()][:50]
    client = remote
    for hop in reversed(hops):
        addr = _ip(hop)
        if addr is None:  # a malformed hop: stop at the last address we could trust
            break
        client = str(addr)
        if not _trusted(addr, networks):
            break
    return client
