"""Run control: deadline, checkpoints, items view and pacing, with injected clocks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

from bedrockpage._client import BedrockClient
from bedrockpage._client import client as new_client
from bedrockpage.exceptions import ParamValidationError, ThrottlingException
from bedrockpage.pagination import AsyncPaginator, Paginator
from bedrockpage.pagination.control import Deadline, PageControl
from bedrockpage.session import resolve_setup
from tests.support.fake_service import FakeListing, make_pages
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

CONFIG = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "items",
}
SIZES = [3, 3, 3, 3, 3, 3]
ALL_ITEMS = list(range(sum(SIZES)))


class FakeClock:
    """A monotonic clock that moves only when a test advances it or something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


class TimedListing(FakeListing):
    """A `FakeListing` whose every call takes `durations[i]` seconds of fake time."""

    def __init__(self, pages: list[dict[str, Any]], clock: FakeClock, durations: list[float]):
        super().__init__(pages)
        self.clock = clock
        self.durations = durations

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.clock.now += self.durations[min(len(self.calls), len(self.durations) - 1)]
        return super().__call__(**kwargs)


def paginator(clock: FakeClock, durations: list[float]) -> tuple[Paginator, TimedListing]:
    listing = TimedListing(make_pages(SIZES), clock, durations)
    return Paginator(listing, CONFIG), listing


def controlled(clock: FakeClock, **fields: Any) -> PageControl:
    return PageControl(clock=clock, sleep=clock.sleep, async_sleep=clock.async_sleep, **fields)


def items_of(pages: list[dict[str, Any]]) -> list[int]:
    return [item for page in pages for item in page["items"]]


# -- deadline -------------------------------------------------------------------


def test_deadline_stops_between_pages() -> None:
    clock = FakeClock()
    pages_paginator, listing = paginator(clock, [1.0])
    iterator = pages_paginator.paginate(
        control=controlled(clock), deadline=Deadline.at(5.5, clock=clock), safety_margin=1.0
    )

    pages = list(iterator)

    # Before page 5 the time is 4.0: 1.5 s left, less than the 1 s estimate plus the 1 s margin.
    assert len(pages) == 4
    assert len(listing.calls) == 4
    assert iterator.stopped_for_deadline
    assert iterator.stop_reason == "deadline"
    assert not iterator.complete
    assert clock.now == 4.0


def test_deadline_token_resumes_exactly() -> None:
    clock = FakeClock()
    first_paginator, _ = paginator(clock, [1.0])
    first = first_paginator.paginate(
        PaginationConfig={"MaxItems": 7},
        control=controlled(clock),
        deadline=Deadline.at(2.5, clock=clock),
        safety_margin=0.0,
    )
    delivered = items_of(list(first))
    assert first.stopped_for_deadline
    assert first.checkpoint_token is not None

    rest_paginator, _ = paginator(FakeClock(), [0.0])
    rest = items_of(
        list(rest_paginator.paginate(PaginationConfig={"StartingToken": first.checkpoint_token}))
    )

    assert delivered == [0, 1, 2, 3, 4, 5]
    assert delivered + rest == ALL_ITEMS


def test_deadline_estimate_uses_slowest_page() -> None:
    clock = FakeClock()
    pages_paginator, listing = paginator(clock, [0.5, 3.0, 0.5])
    iterator = pages_paginator.paginate(
        control=controlled(clock), deadline=Deadline.at(6.5, clock=clock), safety_margin=0.0
    )

    list(iterator)

    # After pages of 0.5 s, 3 s and 0.5 s the time is 4.0; 2.5 s are left, but the
    # slowest recent page took 3 s, so the run stops rather than risk page 4.
    assert len(listing.calls) == 3
    assert iterator.stopped_for_deadline


def test_deadline_first_page_estimate() -> None:
    clock = FakeClock()
    pages_paginator, listing = paginator(clock, [1.0])
    iterator = pages_paginator.paginate(
        control=controlled(clock, first_page_estimate=2.0),
        deadline=Deadline.at(2.5, clock=clock),
        safety_margin=1.0,
    )

    assert list(iterator) == []
    assert listing.calls == []
    assert iterator.stopped_for_deadline
    assert iterator.checkpoint_token is None


def test_run_that_finishes_is_not_stopped() -> None:
    clock = FakeClock()
    pages_paginator, _ = paginator(clock, [0.1])
    iterator = pages_paginator.paginate(
        control=controlled(clock), deadline=Deadline.at(100.0, clock=clock)
    )

    assert items_of(list(iterator)) == ALL_ITEMS
    assert iterator.complete
    assert not iterator.stopped_for_deadline
    assert iterator.checkpoint_token is None


def test_deadline_in_seconds_uses_control_clock() -> None:
    clock = FakeClock()
    clock.now = 1000.0
    pages_paginator, listing = paginator(clock, [1.0])
    iterator = pages_paginator.paginate(control=controlled(clock), deadline=3.5, safety_margin=0.0)

    list(iterator)

    assert len(listing.calls) == 3
    assert iterator.stopped_for_deadline


def test_deadline_from_remaining_millis() -> None:
    clock = FakeClock()
    pages_paginator, listing = paginator(clock, [1.0])

    def remaining_millis() -> int:
        return int((2.5 - clock.now) * 1000)

    iterator = pages_paginator.paginate(
        control=controlled(clock), deadline=remaining_millis, safety_margin=0.0
    )
    list(iterator)

    assert len(listing.calls) == 2
    assert iterator.stopped_for_deadline


@pytest.mark.parametrize(
    "options, fragment",
    [
        ({"deadline": "soon"}, "Invalid deadline 'soon'"),
        ({"safety_margin": -1}, "Invalid safety_margin -1"),
        ({"max_pages_per_second": 0}, "Invalid max_pages_per_second 0"),
        ({"on_page": "print"}, "Invalid on_page 'print'"),
        ({"control": {"deadline": 3}}, "pass a PageControl instance"),
    ],
    ids=["deadline-text", "negative-margin", "zero-rate", "on-page-text", "control-dict"],
)
def test_invalid_control_options(options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ParamValidationError) as caught:
        Paginator(FakeListing(make_pages([1])), CONFIG).paginate(**options)
    assert fragment in str(caught.value)


# -- checkpoints and items ------------------------------------------------------


def test_on_page_tokens_resume_after_each_page() -> None:
    checkpoints: list[tuple[list[int], str | None]] = []
    listing = FakeListing(make_pages(SIZES))
    iterator = Paginator(listing, CONFIG).paginate(
        PaginationConfig={"MaxItems": 10},
        on_page=lambda page, token: checkpoints.append((list(page["items"]), token)),
    )

    pages = list(iterator)

    assert [items for items, _token in checkpoints] == [page["items"] for page in pages]
    assert checkpoints[-1][1] == iterator.resume_token
    delivered: list[int] = []
    for items, token in checkpoints:
        delivered += items
        resumed = Paginator(FakeListing(make_pages(SIZES)), CONFIG).paginate(
            PaginationConfig={"StartingToken": token}
        )
        assert delivered + items_of(list(resumed)) == ALL_ITEMS, token


def test_on_page_last_token_is_none() -> None:
    tokens: list[str | None] = []
    Paginator(FakeListing(make_pages([2, 2])), CONFIG).paginate(
        on_page=lambda _page, token: tokens.append(token)
    ).build_full_result()

    assert len(tokens) == 2
    assert tokens[0] is not None
    assert tokens[1] is None


def test_items_walks_jobs() -> None:
    iterator = Paginator(FakeListing(make_pages(SIZES)), CONFIG).paginate(
        PaginationConfig={"StartingToken": None, "MaxItems": 8}
    )

    assert list(iterator.items()) == ALL_ITEMS[:8]
    assert iterator.resume_token is not None


# -- pacing ---------------------------------------------------------------------


def test_pacing_spaces_request_starts() -> None:
    clock = FakeClock()
    pages_paginator, _ = paginator(clock, [0.2])
    iterator = pages_paginator.paginate(control=controlled(clock), max_pages_per_second=2)

    assert items_of(list(iterator)) == ALL_ITEMS
    assert clock.sleeps == pytest.approx([0.3] * 5)


def test_pacing_slow_pages_never_wait() -> None:
    clock = FakeClock()
    pages_paginator, _ = paginator(clock, [0.6])
    list(pages_paginator.paginate(control=controlled(clock), max_pages_per_second=2))

    assert clock.sleeps == []


def test_pacing_wait_counts_against_deadline() -> None:
    clock = FakeClock()
    pages_paginator, listing = paginator(clock, [0.0])
    iterator = pages_paginator.paginate(
        control=controlled(clock),
        max_pages_per_second=0.5,
        deadline=Deadline.at(5.0, clock=clock),
        safety_margin=0.5,
    )

    list(iterator)

    # Requests start at 0, 2 and 4; a fourth at 6 would pass the deadline, so no sleep for it.
    assert len(listing.calls) == 3
    assert clock.sleeps == [2.0, 2.0]
    assert iterator.stopped_for_deadline


# -- async ----------------------------------------------------------------------


def async_paginator(
    clock: FakeClock, durations: list[float]
) -> tuple[AsyncPaginator, TimedListing]:
    listing = TimedListing(make_pages(SIZES), clock, durations)

    async def method(**kwargs: Any) -> dict[str, Any]:
        return listing(**kwargs)

    return AsyncPaginator(method, CONFIG), listing


def test_async_deadline_and_resume() -> None:
    clock = FakeClock()
    pages_paginator, listing = async_paginator(clock, [1.0])
    checkpoints: list[str | None] = []
    iterator = pages_paginator.paginate(
        control=controlled(clock),
        deadline=Deadline.at(3.5, clock=clock),
        safety_margin=0.0,
        on_page=lambda _page, token: checkpoints.append(token),
    )

    async def collect() -> list[int]:
        return [item async for item in iterator.items()]

    delivered = asyncio.run(collect())

    assert delivered == ALL_ITEMS[:9]
    assert len(listing.calls) == 3
    assert iterator.stopped_for_deadline
    assert checkpoints[-1] == iterator.checkpoint_token
    rest = Paginator(FakeListing(make_pages(SIZES)), CONFIG).paginate(
        PaginationConfig={"StartingToken": iterator.checkpoint_token}
    )
    assert delivered + list(rest.items()) == ALL_ITEMS


def test_async_pacing_uses_async_sleep() -> None:
    clock = FakeClock()
    pages_paginator, _ = async_paginator(clock, [0.0])
    iterator = pages_paginator.paginate(control=controlled(clock), max_pages_per_second=4)

    async def collect() -> list[dict[str, Any]]:
        return [page async for page in iterator]

    assert len(asyncio.run(collect())) == len(SIZES)
    assert clock.sleeps == [0.25] * 5


# -- retries under a deadline ---------------------------------------------------


def throttling_client(calls: list[httpx.Request]) -> BedrockClient:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            429,
            headers={"x-amzn-errortype": "ThrottlingException"},
            json={"message": "Too many requests"},
        )

    setup = resolve_setup(
        region_name=REGION,
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=None,
        verify=None,
        environ={},
    )
    client = BedrockClient(setup, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    return client


@pytest.mark.parametrize(
    "deadline, expected_attempts",
    [(None, 3), (1.0, 1)],
    ids=["no-deadline", "deadline-leaves-no-time"],
)
def test_retry_never_sleeps_past_deadline(deadline: float | None, expected_attempts: int) -> None:
    clock = FakeClock()
    calls: list[httpx.Request] = []
    client = throttling_client(calls)
    slept: list[float] = []
    client._transport._sleep = slept.append

    # With 1.0 s left and a 1.0 s margin, the first page may start, but no
    # retry delay fits before the deadline.
    iterator = client.get_paginator("list_model_customization_jobs").paginate(
        control=controlled(clock), deadline=deadline, safety_margin=1.0
    )
    with pytest.raises(ThrottlingException):
        list(iterator)

    assert len(calls) == expected_attempts
    assert len(slept) == expected_attempts - 1
    assert iterator.checkpoint_token is None


def test_refused_retry_returns_quota() -> None:
    """A retry the deadline refuses gives its quota back, so later calls can still retry."""
    clock = FakeClock()
    client = throttling_client([])
    client._transport._sleep = lambda seconds: None
    quota = client._transport.settings.retry_policy.quota
    before = quota.available

    iterator = client.get_paginator("list_model_customization_jobs").paginate(
        control=controlled(clock), deadline=1.0, safety_margin=1.0
    )
    with pytest.raises(ThrottlingException):
        list(iterator)

    assert quota.available == before


# -- against moto server --------------------------------------------------------

JOB_COUNT = 11


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as moto:
        moto.seed(JOB_COUNT, prefix="control")
        yield moto


@pytest.mark.moto
def test_moto_deadline_token_resumes_in_botocore(server: MotoServer) -> None:
    clock = FakeClock()
    with new_client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ) as client:
        iterator = client.get_paginator("list_model_customization_jobs").paginate(
            PaginationConfig={"PageSize": 2},
            control=controlled(clock),
            deadline=Deadline.at(3.5, clock=clock),
            safety_margin=1.0,
            # Each page costs one fake second: pages start at 0, 1 and 2, and at 3
            # only 0.5 s is left.
            on_page=lambda _page, _token: clock.sleep(1.0),
        )
        ours = [job["jobName"] for job in iterator.items()]

    assert len(ours) == 6
    assert iterator.stopped_for_deadline

    theirs = boto3.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    rest = (
        theirs.get_paginator("list_model_customization_jobs")
        .paginate(PaginationConfig={"StartingToken": iterator.checkpoint_token, "PageSize": 2})
        .build_full_result()
    )
    names = ours + [job["jobName"] for job in rest["modelCustomizationJobSummaries"]]
    assert len(names) == JOB_COUNT
    assert sorted(names) == [f"control-{index:03d}" for index in range(JOB_COUNT)]


@pytest.mark.moto
def test_moto_async_client_stops_for_deadline(server: MotoServer) -> None:
    from bedrockpage.aio import async_client

    clock = FakeClock()

    async def list_names() -> tuple[list[str], Any]:
        async with async_client(
            "bedrock",
            region_name=REGION,
            endpoint_url=server.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ) as client:
            iterator = client.get_paginator("list_model_customization_jobs").paginate(
                PaginationConfig={"PageSize": 3},
                control=controlled(clock),
                deadline=Deadline.at(2.5, clock=clock),
                safety_margin=1.0,
                on_page=lambda _page, _token: clock.sleep(1.0),
            )
            names = [job["jobName"] async for job in iterator.items()]
            rest = client.get_paginator("list_model_customization_jobs").paginate(
                PaginationConfig={"PageSize": 3, "StartingToken": iterator.checkpoint_token}
            )
            names += [job["jobName"] async for job in rest.items()]
            return names, iterator

    names, iterator = asyncio.run(list_names())

    # Pages start at 0 and 1 fake seconds; at 2 only 0.5 s is left, under the 1 s margin.
    assert iterator.stopped_for_deadline
    assert names == [f"control-{index:03d}" for index in range(JOB_COUNT)]
