"""The blocking Bedrock client, shaped like boto3's so that migrating is an import swap."""

import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any, NamedTuple

import httpx

from ._urls import redact_userinfo
from .config import tls_verification
from .exceptions import ClientClosedError, ClientExceptions
from .pagination.config import PaginatorConfig
from .pagination.sync import Paginator
from .protocol import LIST_MODEL_CUSTOMIZATION_JOBS, OperationModel, validate_params
from .session import ClientSetup, Config, resolve_setup
from .transport.sync import SyncTransport
from .transport.wire import environment_sets_proxy

#: botocore's paginators-1.json entries for the operations this client supports.
PAGINATOR_CONFIGS: dict[str, dict[str, Any]] = {
    "list_model_customization_jobs": {
        "input_token": "nextToken",
        "output_token": "nextToken",
        "limit_key": "maxResults",
        "result_key": "modelCustomizationJobSummaries",
    },
}
OPERATIONS: dict[str, OperationModel] = {
    "list_model_customization_jobs": LIST_MODEL_CUSTOMIZATION_JOBS,
}


class ClientMeta(NamedTuple):
    """`client.meta`, as in boto3: where requests go."""

    region_name: str
    endpoint_url: str
    service_name: str = "bedrock"


class BedrockClient:
    """A Bedrock control-plane client for ListModelCustomizationJobs.

    Create it with `bedrockpage.client("bedrock", ...)`. Its httpx connection
    pool is reused across pages; close it with `close()` or a `with` block. An
    `httpx.Client` passed as `http_client` sends every request instead.
    """

    exceptions = ClientExceptions()

    def __init__(self, setup: ClientSetup, http_client: httpx.Client | None = None) -> None:
        self.meta = ClientMeta(setup.region_name, setup.endpoint_url)
        self._transport = SyncTransport(setup.call_settings, http_client or new_http_client(setup))
        self._closed = False

    def list_model_customization_jobs(self, **kwargs: Any) -> dict[str, Any]:
        """Call ListModelCustomizationJobs once; returns boto3's response dict."""
        return self._call(LIST_MODEL_CUSTOMIZATION_JOBS, kwargs)

    def can_paginate(self, operation_name: str) -> bool:
        return operation_name in PAGINATOR_CONFIGS

    def get_paginator(self, operation_name: str) -> Paginator:
        method = getattr(self, operation_name, None) if operation_name in OPERATIONS else None
        if method is None or operation_name not in PAGINATOR_CONFIGS:
            raise ValueError(
                f"Operation cannot be paginated: {operation_name!r}. "
                f"Paginated operations: {', '.join(sorted(PAGINATOR_CONFIGS))}."
            )
        return Paginator(method, paginator_config(operation_name))

    def close(self) -> None:
        self._closed = True
        self._transport.close()

    def __enter__(self) -> "BedrockClient":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"BedrockClient(region_name={self.meta.region_name!r}, "
            f"endpoint_url={redact_userinfo(self.meta.endpoint_url)!r})"
        )

    def _call(self, operation: OperationModel, params: Mapping[str, Any]) -> dict[str, Any]:
        if self._closed:
            raise ClientClosedError()
        validate_params(operation, params)
        return self._transport.call(operation, params)


_COMPILED_CONFIGS: dict[str, PaginatorConfig] = {}


def paginator_config(operation_name: str) -> PaginatorConfig:
    """Return the compiled paginator config of an operation (compiled once per process)."""
    config = _COMPILED_CONFIGS.get(operation_name)
    if config is None:
        config = PaginatorConfig.from_dict(PAGINATOR_CONFIGS[operation_name])
        _COMPILED_CONFIGS[operation_name] = config
    return config


def new_http_client(setup: ClientSetup) -> httpx.Client | httpx.HTTPTransport:
    """Return what a new client sends with: an `httpx.Client` if a proxy may apply, else
    httpx's pooling transport (`transport.wire` explains the choice)."""
    options = http_client_options(setup)
    if environment_sets_proxy():
        return httpx.Client(**options)
    return httpx.HTTPTransport(**transport_options(options))


def transport_options(client_options: dict[str, Any]) -> dict[str, Any]:
    """Return the `httpx.HTTPTransport` options that match `http_client_options`."""
    return {
        "verify": client_options["verify"],
        "limits": client_options["limits"],
        "trust_env": client_options["trust_env"],
    }


def http_client_options(setup: ClientSetup) -> dict[str, Any]:
    """Options shared by the sync and async httpx clients.

    Proxies come from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`,
    `NO_PROXY`), as httpx reads them with `trust_env=True`.
    """
    connect_timeout, read_timeout = setup.timeout
    max_connections = setup.max_pool_connections
    return {
        "timeout": httpx.Timeout(read_timeout, connect=connect_timeout),
        "verify": _tls_verify(setup),
        "limits": httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        "follow_redirects": False,
        "trust_env": True,
    }


def _tls_verify(setup: ClientSetup) -> bool | ssl.SSLContext:
    """Return httpx's `verify=`: a bool, or an SSL context built from the CA bundle path.

    httpx 0.28 and later deprecate a path in `verify=`, so a bundle becomes a context.
    """
    verify = setup.verify
    if setup.endpoint_url.startswith("http://"):
        # A plain-http endpoint never uses TLS; skipping the CA bundle load saves
        # a large part of cold start. Redirects are not followed, so no https
        # connection can come out of this client.
        return False
    return tls_verification(verify)


def client(
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
) -> BedrockClient:
    """Create a blocking Bedrock client, with boto3's argument names."""
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
    return BedrockClient(setup)


def check_service_name(service_name: str) -> None:
    if service_name != "bedrock":
        raise ValueError(
            f"Unknown service: {service_name!r}. bedrockpage supports only 'bedrock' "
            "(the Bedrock control plane)."
        )
