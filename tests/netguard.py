"""A process-wide guard that rejects every connection outside loopback.

Installed by conftest.py before any test module is imported. It patches
`socket.socket.connect`/`connect_ex` (used by httpx, http.client and asyncio),
`sendto`/`sendmsg` (datagrams), and the resolver functions `getaddrinfo`,
`gethostbyname`, `gethostbyname_ex` and `gethostbyaddr`, so not even a DNS
query leaves the machine. It records each rejected attempt, so a test that
swallows the error still fails.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}

blocked_attempts: list[str] = []

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_sendto = socket.socket.sendto
_real_sendmsg = socket.socket.sendmsg
_real_getaddrinfo = socket.getaddrinfo
_real_gethostbyname = socket.gethostbyname
_real_gethostbyname_ex = socket.gethostbyname_ex
_real_gethostbyaddr = socket.gethostbyaddr


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


def _guarded_sendto(self: socket.socket, *args: Any) -> int:
    # sendto(data, address) or sendto(data, flags, address)
    _check(args[-1], self.family)
    return _real_sendto(self, *args)


def _guarded_sendmsg(self: socket.socket, *args: Any) -> int:
    # sendmsg(buffers, ancdata, flags, address): the address is optional.
    if len(args) >= 4 and args[3] is not None:
        _check(args[3], self.family)
    return _real_sendmsg(self, *args)


def _check_lookup(function: str, host: Any) -> None:
    if host is not None and not is_loopback_host(host):
        blocked_attempts.append(f"{function}({host!r})")
        raise socket.gaierror(socket.EAI_NONAME, f"test suite blocked a lookup of {host!r}")


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    _check_lookup("getaddrinfo", host)
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_gethostbyname(host: str) -> str:
    _check_lookup("gethostbyname", host)
    return _real_gethostbyname(host)


def _guarded_gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
    _check_lookup("gethostbyname_ex", host)
    return _real_gethostbyname_ex(host)


def _guarded_gethostbyaddr(host: str) -> tuple[str, list[str], list[str]]:
    _check_lookup("gethostbyaddr", host)
    return _real_gethostbyaddr(host)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _guarded_sendto  # type: ignore[method-assign,assignment]
    socket.socket.sendmsg = _guarded_sendmsg  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.gethostbyname = _guarded_gethostbyname
    socket.gethostbyname_ex = _guarded_gethostbyname_ex
    socket.gethostbyaddr = _guarded_gethostbyaddr
