"""Translation of httpx failures into bedrockpage's transport errors."""

from __future__ import annotations

import httpx

from ..exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)


def translate_httpx_error(error: httpx.TransportError, url: str) -> HTTPClientError:
    """Return the bedrockpage error for an httpx transport failure on `url`."""
    if isinstance(error, httpx.ConnectTimeout):
        return ConnectTimeoutError(
            f"Connect timeout on endpoint URL: {url!r}", url=url, error=error
        )
    if isinstance(error, httpx.TimeoutException):
        return ReadTimeoutError(f"Read timeout on endpoint URL: {url!r}", url=url, error=error)
    if isinstance(error, httpx.ProxyError):
        # botocore raises ProxyConnectionError, one of its connection errors, which
        # every retry mode retries.
        return EndpointConnectionError(
            f"Failed to connect to the proxy for endpoint URL: {url!r} ({error})",
            url=url,
            error=error,
        )
    if isinstance(error, httpx.ConnectError):
        return EndpointConnectionError(
            f"Could not connect to the endpoint URL: {url!r} ({error})", url=url, error=error
        )
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return ConnectionClosedError(
            f"Connection was closed before we received a valid response from endpoint URL: "
            f"{url!r} ({error})",
            url=url,
            error=error,
        )
    return HTTPClientError(
        f"An HTTP client error occurred on {url!r}: {error}", url=url, error=error
    )
