"""The blocking transport: drives `OperationCall` over one reused `httpx.Client`."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..protocol import OperationModel
from .call import AttemptTimeout, CallSettings, Finished, OperationCall, Sleep
from .errors import translate_httpx_error


class SyncTransport:
    def __init__(
        self,
        settings: CallSettings,
        http_client: httpx.Client,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._http = http_client
        self._sleep = sleep

    def call(self, operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        call = OperationCall(operation, params, self.settings)
        while True:
            event = call.next_event()
            if isinstance(event, Finished):
                return event.result
            if isinstance(event, Sleep):
                self._sleep(event.seconds)
                continue

            request = event.request
            try:
                response = self._http.request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    timeout=httpx_timeout(event.timeout, self._http.timeout),
                )
            except httpx.TransportError as error:
                call.receive_transport_error(translate_httpx_error(error, request.url))
            else:
                call.receive_response(
                    response.status_code, _lower_headers(response), response.content
                )

    def close(self) -> None:
        self._http.close()


def httpx_timeout(timeout: AttemptTimeout | None, client_timeout: httpx.Timeout) -> httpx.Timeout:
    """Return the httpx timeout of one attempt: the client's, or the deadline-capped one.

    Write and pool timeouts take the read value, as in the client's own timeout.
    """
    if timeout is None:
        return client_timeout
    return httpx.Timeout(timeout.read, connect=timeout.connect)


def _lower_headers(response: httpx.Response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}
