"""Request building and response reading shared by the sync and async transports.

A transport sends through one of two httpx objects. An `httpx.Client` (or
`AsyncClient`) applies its own settings: the user's client, or ours when the
environment sets a proxy, because the client applies `HTTP_PROXY`,
`HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`. Otherwise the transport calls
httpx's connection-pooling transport directly, which skips the client layer's
URL merging, cookies, redirects, auth flow and event hooks: a signed AWS call
uses none of them, and they cost about 130 µs per request (CPython 3.11).
"""

from __future__ import annotations

from urllib.request import getproxies

import httpx

from .call import AttemptTimeout, HttpRequest

#: The headers `httpx.Client` sends by default, sent on the direct path too so that
#: both paths put the same request on the wire. Only the encodings httpx always
#: decodes are offered.
CLIENT_DEFAULT_HEADERS = {
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "Connection": "keep-alive",
}

_PROXY_SCHEMES = ("http", "https", "all")


def environment_sets_proxy() -> bool:
    """Return True when `httpx.Client(trust_env=True)` could route a request through a proxy.

    httpx reads proxies with `urllib.request.getproxies()` and mounts one for each
    of these schemes that has a value.
    """
    proxies = getproxies()
    return any(proxies.get(scheme) for scheme in _PROXY_SCHEMES)


def default_timeout(connect: float, read: float) -> httpx.Timeout:
    """Return a client's timeouts; write and pool take the read value, as in httpx."""
    return httpx.Timeout(read, connect=connect)


def attempt_timeout(timeout: AttemptTimeout | None, default: httpx.Timeout) -> httpx.Timeout:
    """Return the httpx timeout of one attempt: the default, or the deadline-capped one.

    Write and pool timeouts take the read value, as in the client's own timeout.
    """
    if timeout is None:
        return default
    return httpx.Timeout(timeout.read, connect=timeout.connect)


def transport_request(request: HttpRequest, timeout: httpx.Timeout) -> httpx.Request:
    """Build the request for httpx's transport, as `httpx.Client` would build it."""
    return httpx.Request(
        request.method,
        request.url,
        headers={**CLIENT_DEFAULT_HEADERS, **request.headers},
        extensions={"timeout": timeout.as_dict()},
    )


def lower_headers(response: httpx.Response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}
