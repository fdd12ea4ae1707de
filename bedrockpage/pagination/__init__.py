"""Generic pagination: a sans-IO engine with sync and async drivers.

`Paginator` and `AsyncPaginator` accept a `paginators-1.json` entry and any
callable returning parsed pages, exactly like `botocore.paginate.Paginator`.
"""

from .aio import AsyncPageIterator, AsyncPaginator
from .config import PaginatorConfig, PagingParams, parse_pagination_config
from .engine import PaginationEngine
from .sync import PageIterator, Paginator
from .tokens import decode_starting_token, encode_token

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
