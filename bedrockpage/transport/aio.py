"""The asyncio transport: drives `OperationCall` over one reused `httpx.AsyncClient`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ..protocol import OperationModel
from .call import CallSettings, Finished, OperationCall, Sleep
from .errors import translate_httpx_error
from .sync import _lower_headers, httpx_timeout


class AsyncTransport:
    def __init__(
        self,
        settings: CallSettings,
        http_client: httpx.AsyncClient,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._http = http_client
        self._sleep = sleep

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
                response = await self._http.request(
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

    async def close(self) -> None:
        await self._http.aclose()
