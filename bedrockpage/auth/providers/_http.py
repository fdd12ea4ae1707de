"""The small HTTP interface the credential providers use, with an httpx default.

Providers send at most a few requests per credential refresh (STS, container
credentials, instance metadata), so each one goes through a plain callable.
Tests and embedders inject their own callable or an `httpx.Client`; httpx is
imported only when a provider actually sends a request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from ...config import tls_verification
from ...exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: Connect and read timeout in seconds.
    timeout: float = 5.0
    #: TLS verification: True, False or the path of a CA bundle (`AWS_CA_BUNDLE`).
    verify: str | bool = True
    #: Whether proxy settings from the environment (HTTPS_PROXY, NO_PROXY) apply.
    trust_env: bool = False

    def __repr__(self) -> str:
        # Headers can carry an Authorization value or a session token, so they stay out.
        return f"HttpRequest(method={self.method!r}, url={self.url!r})"


@dataclass(frozen=True)
class HttpResponse:
    status_code: int
    #: Header names in lower case.
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        # The body of a credentials response contains secrets.
        return f"HttpResponse(status_code={self.status_code})"


#: Sends one request and returns the response, or raises an `HTTPClientError` subclass.
HttpSend = Callable[[HttpRequest], HttpResponse]

#: The accepted `http=` values: a send callable, an `httpx.Client`, or None for the default.
HttpOption = Union[HttpSend, "httpx.Client", None]


def send_with_httpx(request: HttpRequest, client: httpx.Client | None = None) -> HttpResponse:
    """Send `request` with httpx, mapping transport failures to bedrockpage's HTTP errors.

    Without `client`, a short-lived client is created for this one request so
    that `verify` and `trust_env` apply per request.
    """
    import httpx

    try:
        if client is not None:
            response = client.request(
                request.method,
                request.url,
                headers=dict(request.headers),
                content=request.body,
                timeout=request.timeout,
            )
        else:
            with httpx.Client(
                timeout=request.timeout,
                verify=tls_verification(request.verify),
                trust_env=request.trust_env,
            ) as own_client:
                response = own_client.request(
                    request.method, request.url, headers=dict(request.headers), content=request.body
                )
    except httpx.ConnectTimeout as error:
        raise ConnectTimeoutError(
            f"Connect timeout on endpoint URL: {request.url!r}", url=request.url, error=error
        ) from error
    except httpx.TimeoutException as error:
        raise ReadTimeoutError(
            f"Read timeout on endpoint URL: {request.url!r}", url=request.url, error=error
        ) from error
    except httpx.ConnectError as error:
        raise EndpointConnectionError(
            f"Could not connect to the endpoint URL: {request.url!r}", url=request.url, error=error
        ) from error
    except (httpx.RemoteProtocolError, httpx.ReadError) as error:
        raise ConnectionClosedError(
            f"Connection was closed before a full response arrived from {request.url!r}",
            url=request.url,
            error=error,
        ) from error
    except httpx.HTTPError as error:
        raise HTTPClientError(
            f"HTTP request to {request.url!r} failed: {error}", url=request.url, error=error
        ) from error

    headers = {name.lower(): value for name, value in response.headers.items()}
    return HttpResponse(response.status_code, headers, response.content)


def as_sender(http: HttpOption) -> HttpSend:
    """Turn the `http=` option into a send callable."""
    if http is None:
        return send_with_httpx

    request_method = getattr(http, "request", None)
    if callable(request_method) and hasattr(http, "send"):
        client = http

        def send_with_client(request: HttpRequest) -> HttpResponse:
            return send_with_httpx(request, client)  # type: ignore[arg-type]

        return send_with_client

    if not callable(http):
        raise TypeError(f"http must be a callable or an httpx.Client, got {type(http).__name__}")
    return http
