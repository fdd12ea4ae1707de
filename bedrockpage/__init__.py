"""bedrockpage: Bedrock's ListModelCustomizationJobs with botocore-exact pagination.

    import bedrockpage
    with bedrockpage.client("bedrock", region_name="us-east-1") as client:
        for page in client.get_paginator("list_model_customization_jobs").paginate(
            PaginationConfig={"MaxItems": 50, "PageSize": 25}
        ):
            ...

Names are loaded on first use, so `import bedrockpage` alone stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._client import BedrockClient, client
    from .aio import AsyncBedrockClient, async_client
    from .exceptions import (
        BedrockPageError,
        ClientError,
        NoCredentialsError,
        NoRegionError,
        PaginationError,
        ParamValidationError,
    )
    from .pagination import AsyncPaginator, Paginator
    from .session import Config

_EXPORTS = {
    "client": "._client",
    "BedrockClient": "._client",
    "async_client": ".aio",
    "AsyncBedrockClient": ".aio",
    "Config": ".session",
    "Paginator": ".pagination",
    "AsyncPaginator": ".pagination",
    "BedrockPageError": ".exceptions",
    "ClientError": ".exceptions",
    "NoCredentialsError": ".exceptions",
    "NoRegionError": ".exceptions",
    "PaginationError": ".exceptions",
    "ParamValidationError": ".exceptions",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'bedrockpage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value
