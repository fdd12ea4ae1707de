"""The blocking transport: drives `OperationCall` over httpx, reusing connections across calls."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..protocol import OperationModel
from .call import AttemptTimeout, CallSettings, Finished, HttpRequest, OperationCall, Sleep
from .errors import translate_httpx_error
from .wire import attempt_timeout, default_timeout, lower_headers, transport_request


class SyncTransport:
    """Sends each call's requests through an `httpx.Client` or httpx's pooling transport.

    See `wire` for when each is used.
    """

    def __init__(
        self,
        settings: CallSettings,
        http: httpx.Client | httpx.BaseTransport,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._http = http
        self._sleep = sleep
        # The last response body stays referenced until the next one has been read.
        # When a whole page is freed at once, glibc's malloc gives the top of its
        # heap back to the system and the next page faults the same memory in
        # again. Over three listings of 20,000 jobs in pages of 1,000 from
        # bench/server.py (CPython 3.11, glibc), keeping one body cut minor page
        # faults from 19,500 to 5,900 and CPU time by about 13 %.
        self._previous_body = b""
        self._default_timeout = (
            http.timeout
            if isinstance(http, httpx.Client)
            else default_timeout(settings.connect_timeout, settings.read_timeout)
        )

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
                response = self._send(request, event.timeout)
            except httpx.TransportError as error:
                call.receive_transport_error(translate_httpx_error(error, request.url))
            else:
                self._previous_body = response.content
                call.receive_response(
                    response.status_code, lower_headers(response), response.content
                )

    def close(self) -> None:
        self._http.close()

    def _send(self, request: HttpRequest, timeout: AttemptTimeout | None) -> httpx.Response:
        """Send `request` and read the whole body."""
        timeout_value = attempt_timeout(timeout, self._default_timeout)
        if isinstance(self._http, httpx.Client):
            return self._http.request(
                request.method, request.url, headers=request.headers, timeout=timeout_value
            )

        response = self._http.handle_request(transport_request(request, timeout_value))
        try:
            response.read()
        except BaseException:
            response.close()
            raise
        return response
