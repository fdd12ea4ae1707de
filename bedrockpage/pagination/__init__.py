"""Generic pagination: a sans-IO engine with sync and async drivers.

`Paginator` and `AsyncPaginator` accept a `paginators-1.json` entry and any
callable returning parsed pages, exactly like `botocore.paginate.Paginator`.
The async driver loads on first use, so a sync client never imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import PaginatorConfig, PagingParams, parse_pagination_config
from .engine import PaginationEngine
from .sync import PageIterator, Paginator
from .tokens import decode_starting_token, encode_token

if TYPE_CHECKING:
    from .aio import AsyncPageIterator, AsyncPaginator

_ASYNC_EXPORTS = ("AsyncPageIterator", "AsyncPaginator")

__all__ = [
    "AsyncPageIterator",
    "AsyncPaginator",
    "PageIterator",
    "PaginationEngine",
    "Paginator",
    "PaginatorConfig",
    "PagingParams",
    "decode_starting_token",
    "encode_token",
    "parse_pagination_config",
]


def __getattr__(name: str) -> Any:
    if name not in _ASYNC_EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import aio

    value = getattr(aio, name)
    globals()[name] = value
    return value
