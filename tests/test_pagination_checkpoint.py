"""`checkpoint_token` after every page and after a failed request, sync and async."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
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

page_sizes = st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6)
max_items = st.none() | st.integers(min_value=1, max_value=20)


class FailingListing(FakeListing):
    """A FakeListing whose request number `fail_at` (0-based) raises once."""

    def __init__(self, pages: list[dict[str, Any]], fail_at: int) -> None:
        super().__init__(pages)
        self.fail_at = fail_at

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        if len(self.calls) == self.fail_at:
            self.calls.append(copy.deepcopy(kwargs))
            raise ConnectionError("connection reset by peer")
        return super().__call__(**kwargs)


def remaining_items(pages: list[dict[str, Any]], token: str | None) -> list[int]:
    """Items a fresh run starting at `token` delivers (the whole listing for None)."""
    config = {} if token is None else {"StartingToken": token}
    iterator = Paginator(FakeListing(pages), CONFIG).paginate(PaginationConfig=config)
    return [item for page in iterator for item in page["items"]]


@settings(max_examples=150, deadline=None)
@given(sizes=page_sizes, limit=max_items, start_after=st.integers(min_value=0, max_value=12))
def test_checkpoint_resumes_after_each_page(
    sizes: list[int], limit: int | None, start_after: int
) -> None:
    pages = make_pages(sizes)
    total = sum(sizes)
    start_after = min(start_after, total)
    starting_token = _token_after(pages, start_after)
    if starting_token is None:
        # No token resumes after the last item: the run starts from the beginning.
        start_after = 0
    config: dict[str, Any] = {"MaxItems": limit}
    if starting_token is not None:
        config["StartingToken"] = starting_token

    iterator = Paginator(FakeListing(pages), CONFIG).paginate(PaginationConfig=config)
    assert iterator.checkpoint_token == starting_token

    delivered = list(range(start_after))
    for page in iterator:
        delivered += page["items"]
        checkpoint = iterator.checkpoint_token
        if checkpoint is None:
            assert delivered == list(range(total))
        else:
            assert remaining_items(pages, checkpoint) == list(range(len(delivered), total))

    if iterator.resume_token is not None:
        assert iterator.checkpoint_token == iterator.resume_token


def _token_after(pages: list[dict[str, Any]], count: int) -> str | None:
    """A botocore resume token that starts after the first `count` items."""
    if count == 0:
        return None
    iterator = Paginator(FakeListing(pages), CONFIG).paginate(PaginationConfig={"MaxItems": count})
    list(iterator)
    return iterator.resume_token


def test_resume_token_stays_none_without_max_items() -> None:
    iterator = Paginator(FakeListing(make_pages([2, 2, 2])), CONFIG).paginate()
    checkpoints = []
    for _page in iterator:
        checkpoints.append(iterator.checkpoint_token)

    assert checkpoints[0] is not None
    assert checkpoints[-1] is None
    assert iterator.resume_token is None


@pytest.mark.parametrize("fail_at", [0, 1, 2, 3])
def test_checkpoint_kept_after_failed_request(fail_at: int) -> None:
    pages = make_pages([3, 3, 3, 3])
    service = FailingListing(pages, fail_at)
    iterator = Paginator(service, CONFIG).paginate(PaginationConfig={"PageSize": 3})
    delivered: list[int] = []

    with pytest.raises(ConnectionError):
        for page in iterator:
            delivered += page["items"]

    assert delivered == list(range(3 * fail_at))
    assert remaining_items(pages, iterator.checkpoint_token) == list(range(3 * fail_at, 12))


def test_async_checkpoint_matches_sync() -> None:
    pages = make_pages([2, 0, 3, 1])
    sync_service = FailingListing(pages, 3)
    async_service = FailingListing(pages, 3)

    async def call_async(**kwargs: Any) -> dict[str, Any]:
        await asyncio.sleep(0)
        return async_service(**kwargs)

    sync_iterator = Paginator(sync_service, CONFIG).paginate()
    expected = []
    with pytest.raises(ConnectionError):
        for page in sync_iterator:
            expected.append((page, sync_iterator.checkpoint_token))

    async def collect() -> tuple[list[Any], str | None]:
        iterator = AsyncPaginator(call_async, CONFIG).paginate()
        seen = []
        with pytest.raises(ConnectionError):
            async for page in iterator:
                seen.append((page, iterator.checkpoint_token))
        return seen, iterator.checkpoint_token

    actual, final_checkpoint = asyncio.run(collect())
    assert actual == expected
    assert final_checkpoint == sync_iterator.checkpoint_token
    assert async_service.calls == sync_service.calls
