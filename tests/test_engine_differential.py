"""The engine against botocore's Paginator on generated page sequences."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import PaginationError as BotocorePaginationError
from botocore.paginate import Paginator as BotocorePaginator
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrockpage.pagination import Paginator
from tests.support.fake_service import FakeListing, make_pages

MAX_EXAMPLES = 400

BEDROCK_CONFIG = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "items",
}


class _Shape:
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name


class _Model:
    """The slice of botocore's OperationModel that its Paginator reads."""

    def __init__(self, limit_key: str, type_name: str = "integer") -> None:
        self.input_shape = type("InputShape", (), {"members": {limit_key: _Shape(type_name)}})()


def run_paginator(paginator: Any, pagination_config: dict[str, Any]) -> dict[str, Any]:
    """Drive a paginator to the end, capturing pages as delivered and its tokens."""
    iterator = paginator.paginate(PaginationConfig=dict(pagination_config))
    pages = [copy.deepcopy(page) for page in iterator]
    return {"pages": pages, "resume_token": iterator.resume_token}


def both(
    pages: list[dict[str, Any]], config: dict[str, Any]
) -> tuple[Any, FakeListing, Any, FakeListing]:
    theirs_service = FakeListing(pages)
    ours_service = FakeListing(pages)
    theirs = BotocorePaginator(theirs_service, config, _Model(config["limit_key"]))
    ours = Paginator(ours_service, config)
    return theirs, theirs_service, ours, ours_service


page_sizes = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=7)
max_items = st.none() | st.integers(min_value=1, max_value=30)
page_size = st.none() | st.integers(min_value=1, max_value=10)
last_token = st.sampled_from([None, "", ...])


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(sizes=page_sizes, max_items=max_items, page_size=page_size, last=last_token)
def test_chained_runs_match_botocore(
    sizes: list[int], max_items: int | None, page_size: int | None, last: Any
) -> None:
    pages = make_pages(sizes, last_token=last)
    theirs, theirs_service, ours, ours_service = both(pages, BEDROCK_CONFIG)
    config: dict[str, Any] = {"MaxItems": max_items, "PageSize": page_size}
    delivered: list[int] = []

    # Resume until the listing ends; each leg must match botocore exactly. Every
    # leg but the last delivers at least one item, so this many legs suffice.
    for _leg in range(sum(sizes) + 1):
        expected = run_paginator(theirs, config)
        actual = run_paginator(ours, config)
        assert actual == expected
        assert ours_service.calls == theirs_service.calls

        expected_full = theirs.paginate(PaginationConfig=dict(config)).build_full_result()
        actual_full = ours.paginate(PaginationConfig=dict(config)).build_full_result()
        assert actual_full == expected_full

        delivered += [item for page in actual["pages"] for item in page["items"]]
        if expected["resume_token"] is None:
            break
        config["StartingToken"] = expected["resume_token"]
    else:
        pytest.fail(f"The listing did not end after {sum(sizes) + 1} resumed runs: {config}")

    assert delivered == list(range(sum(sizes)))


@settings(max_examples=200, deadline=None)
@given(sizes=page_sizes, max_items=max_items, start=st.integers(0, 6), amount=st.integers(0, 6))
def test_legacy_and_handmade_tokens_match_botocore(
    sizes: list[int], max_items: int | None, start: int, amount: int
) -> None:
    pages = make_pages(sizes)
    start = min(start, len(pages) - 1)
    token_value = "None" if start == 0 else f"t{start}"
    theirs, theirs_service, ours, ours_service = both(pages, BEDROCK_CONFIG)

    for starting_token in (f"{token_value}___{amount}", token_value if start else None):
        config = {"MaxItems": max_items, "StartingToken": starting_token}
        assert run_paginator(ours, config) == run_paginator(theirs, config)
        assert ours_service.calls == theirs_service.calls


def test_consecutive_duplicate_token_matches_botocore_message() -> None:
    pages = [{"items": [1], "nextToken": "t1"}, {"items": [2], "nextToken": "t1"}]
    theirs, _, ours, ours_service = both(pages, BEDROCK_CONFIG)

    with pytest.raises(BotocorePaginationError) as expected:
        list(theirs.paginate())
    from bedrockpage.exceptions import PaginationError

    with pytest.raises(PaginationError) as actual:
        list(ours.paginate())
    assert str(actual.value) == str(expected.value)
    assert len(ours_service.calls) == 2
