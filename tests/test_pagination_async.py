"""`AsyncPaginator` over an async callable gives what `Paginator` gives over a sync one."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bedrockpage.pagination import AsyncPaginator, Paginator
from tests.support.fake_service import FakeListing, make_pages

CONFIG = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "items",
}


def async_method(service: FakeListing) -> Any:
    async def call(**kwargs: Any) -> dict[str, Any]:
        await asyncio.sleep(0)
        return service(**kwargs)

    return call


async def run_async(service: FakeListing, config: dict[str, Any]) -> dict[str, Any]:
    paginator = AsyncPaginator(async_method(service), CONFIG)
    iterator = paginator.paginate(PaginationConfig=dict(config))
    pages = [copy.deepcopy(page) async for page in iterator]
    full = await paginator.paginate(PaginationConfig=dict(config)).build_full_result()
    found = [
        item async for item in paginator.paginate(PaginationConfig=dict(config)).search("items")
    ]
    return {"pages": pages, "resume": iterator.resume_token, "full": full, "search": found}


def run_sync(service: FakeListing, config: dict[str, Any]) -> dict[str, Any]:
    paginator = Paginator(service, CONFIG)
    iterator = paginator.paginate(PaginationConfig=dict(config))
    pages = [copy.deepcopy(page) for page in iterator]
    full = paginator.paginate(PaginationConfig=dict(config)).build_full_result()
    found = list(paginator.paginate(PaginationConfig=dict(config)).search("items"))
    return {"pages": pages, "resume": iterator.resume_token, "full": full, "search": found}


@settings(max_examples=100, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6),
    max_items=st.none() | st.integers(min_value=1, max_value=20),
    page_size=st.none() | st.integers(min_value=1, max_value=9),
)
def test_async_driver_matches_sync(
    sizes: list[int], max_items: int | None, page_size: int | None
) -> None:
    pages = make_pages(sizes)
    config: dict[str, Any] = {"MaxItems": max_items, "PageSize": page_size}
    sync_service = FakeListing(pages)
    async_service = FakeListing(pages)

    for _leg in range(30):
        expected = run_sync(sync_service, config)
        actual = asyncio.run(run_async(async_service, config))
        assert actual == expected
        assert async_service.calls == sync_service.calls
        if expected["resume"] is None:
            break
        config["StartingToken"] = expected["resume"]
