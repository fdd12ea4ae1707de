"""The asyncio transport: drives `OperationCall` over httpx, reusing connections across calls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ..protocol import OperationModel
from .call import AttemptTimeout, CallSettings, Finished, HttpRequest, OperationCall, Sleep
from .errors import translate_httpx_error
from .wire import attempt_timeout, default_timeout, lower_headers, transport_request


class AsyncTransport:
    """Sends each call's requests through an `httpx.AsyncClient` or httpx's pooling transport.

    See `wire` for when each is used.
    """

    def __init__(
        self,
        settings: CallSettings,
        http: httpx.AsyncClient | httpx.AsyncBaseTransport,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._http = http
        self._sleep = sleep
        # Kept until the next body has been read, for the reason given in SyncTransport.
        self._previous_body = b""
        self._default_timeout = (
            http.timeout
            if isinstance(http, httpx.AsyncClient)
            else default_timeout(settings.connect_timeout, settings.read_timeout)
        )

    async def call(self, operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        call = OperationCall(operation, params, self.settings)
        while True:
            event = call.next_event()
            if isinstance(event, Finished):
                return event.result
            if isinstance(event, Sleep):
                await self._sleep(event.seconds)
                continue

            request = event.request
            try:
                response = await self._send(request, event.timeout)
            except httpx.TransportError as error:
                call.receive_transport_error(translate_httpx_error(error, request.url))
            else:
                self._previous_body = response.content
                call.receive_response(
                    response.status_code, lower_headers(response), response.content
                )

    async def close(self) -> None:
        await self._http.aclose()

    async def _send(self, request: HttpRequest, timeout: AttemptTimeout | None) -> httpx.Response:
        """Send `request` and read the whole body."""
        timeout_value = attempt_timeout(timeout, self._default_timeout)
        if isinstance(self._http, httpx.AsyncClient):
            return await self._http.request(
                request.method, request.url, headers=request.headers, timeout=timeout_value
            )

        response = await self._http.handle_async_request(transport_request(request, timeout_value))
        try:
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
        return response
