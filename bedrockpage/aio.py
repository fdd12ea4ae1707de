"""The asyncio Bedrock client: the same API as `BedrockClient`, awaited."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._client import (
    OPERATIONS,
    PAGINATOR_CONFIGS,
    ClientMeta,
    check_service_name,
    http_client_options,
    paginator_config,
    transport_options,
)
from ._urls import redact_userinfo
from .exceptions import ClientClosedError, ClientExceptions
from .pagination.aio import AsyncPaginator
from .protocol import LIST_MODEL_CUSTOMIZATION_JOBS, OperationModel, validate_params
from .session import ClientSetup, Config, resolve_setup
from .transport.aio import AsyncTransport
from .transport.wire import environment_sets_proxy


class AsyncBedrockClient:
    """An asyncio Bedrock client; its httpx connection pool is reused across pages.

    Use it as `async with bedrockpage.async_client("bedrock", ...) as client:`.
    """

    exceptions = ClientExceptions()

    def __init__(self, setup: ClientSetup, http_client: httpx.AsyncClient | None = None) -> None:
        self.meta = ClientMeta(setup.region_name, setup.endpoint_url)
        self._transport = AsyncTransport(
            setup.call_settings, http_client or new_async_http_client(setup)
        )
        self._closed = False

    async def list_model_customization_jobs(self, **kwargs: Any) -> dict[str, Any]:
        """Call ListModelCustomizationJobs once; returns boto3's response dict."""
        return await self._call(LIST_MODEL_CUSTOMIZATION_JOBS, kwargs)

    def can_paginate(self, operation_name: str) -> bool:
        return operation_name in PAGINATOR_CONFIGS

    def get_paginator(self, operation_name: str) -> AsyncPaginator:
        if operation_name not in OPERATIONS or operation_name not in PAGINATOR_CONFIGS:
            raise ValueError(
                f"Operation cannot be paginated: {operation_name!r}. "
                f"Paginated operations: {', '.join(sorted(PAGINATOR_CONFIGS))}."
            )
        return AsyncPaginator(getattr(self, operation_name), paginator_config(operation_name))

    async def close(self) -> None:
        self._closed = True
        await self._transport.close()

    async def __aenter__(self) -> AsyncBedrockClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return (
            f"AsyncBedrockClient(region_name={self.meta.region_name!r}, "
            f"endpoint_url={redact_userinfo(self.meta.endpoint_url)!r})"
        )

    async def _call(self, operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        if self._closed:
            raise ClientClosedError()
        validate_params(operation, params)
        return await self._transport.call(operation, params)


def async_client(
    service_name: str = "bedrock",
    *,
    region_name: str | None = None,
    endpoint_url: str | None = None,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None,
    profile: str | None = None,
    bearer_token: str | None = None,
    config: Config | None = None,
    verify: bool | str | None = None,
) -> AsyncBedrockClient:
    """Create an asyncio Bedrock client, with boto3's argument names."""
    check_service_name(service_name)
    setup = resolve_setup(
        region_name=region_name,
        endpoint_url=endpoint_url,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        profile=profile,
        bearer_token=bearer_token,
        config=config,
        verify=verify,
    )
    return AsyncBedrockClient(setup)


def new_async_http_client(setup: ClientSetup) -> httpx.AsyncClient | httpx.AsyncHTTPTransport:
    """Return what a new async client sends with, chosen as `new_http_client` chooses."""
    options = http_client_options(setup)
    if environment_sets_proxy():
        return httpx.AsyncClient(**options)
    return httpx.AsyncHTTPTransport(**transport_options(options))
