"""A process-wide guard that rejects every connection outside loopback.

Installed by conftest.py before any test module is imported. It patches
`socket.socket.connect`/`connect_ex` (used by httpx, http.client and asyncio)
and `socket.getaddrinfo` (so not even a DNS query leaves the machine), and it
records each rejected attempt so a test that swallows the error still fails.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

blocked_attempts: list[str] = []

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NonLoopbackConnectionError(ConnectionRefusedError):
    """Raised instead of connecting to an address outside 127.0.0.0/8 and ::1."""


def is_loopback_host(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    host = host.strip("[]").split("%", 1)[0]
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check(address: Any, family: int) -> None:
    if family == socket.AF_UNIX:
        return
    host = address[0] if isinstance(address, tuple) else address
    if not is_loopback_host(host):
        blocked_attempts.append(f"connect to {address!r}")
        raise NonLoopbackConnectionError(f"test suite blocked a connection to {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check(address, self.family)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check(address, self.family)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not is_loopback_host(host):
        blocked_attempts.append(f"getaddrinfo({host!r})")
        raise socket.gaierror(socket.EAI_NONAME, f"test suite blocked a lookup of {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
