"""Resume without loss: an interrupted listing plus its resumption equals the whole listing.

A plan is a list of interruptions, each ending one run of the paginator:

- `fail` after k pages: the (k+1)-th request raises;
- `stop` after k pages: the caller leaves the loop;
- `restart` after k pages: like `stop`, but the next run uses a new client and
  paginator, as after a process restart, with the token passed as plain text;
- `limit` m: the run has `MaxItems` m, so it may stop in the middle of a page.

After each run the next one starts from the iterator's `checkpoint_token`, with
the same `PageSize` and the remaining `MaxItems`. After the plan, one last run
goes to the end. The concatenated items must equal the uninterrupted listing
with the same `PageSize` and `MaxItems`: no duplicate and no gap.

The engine runs against an in-memory fake with many examples, then, with fewer
examples, against moto server and the fault server over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import bedrockpage
from bedrockpage.exceptions import ClientError
from bedrockpage.pagination.sync import Paginator
from tests.support.fault_server import (
    RESULT_KEY,
    FaultServer,
    Normal,
    RecordingClient,
    ServerError,
)
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

ENGINE_EXAMPLES = 1500
HTTP_EXAMPLES = 25
FAKE_CONFIG = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "items",
}


class ServiceDown(Exception):
    """The failure a fake service raises where a plan puts one."""


@dataclass(frozen=True)
class Interruption:
    kind: str  # "fail", "stop", "restart" or "limit"
    amount: int  # pages before a fail/stop/restart; MaxItems of a limit run


interruptions = st.builds(
    Interruption,
    kind=st.sampled_from(["fail", "stop", "restart", "limit"]),
    amount=st.integers(min_value=0, max_value=6),
).filter(lambda step: step.kind != "limit" or step.amount > 0)


@dataclass
class ResumeLog:
    """Items delivered across all runs of one plan, and how each run ended."""

    items: list[Any] = field(default_factory=list)
    run_endings: list[str] = field(default_factory=list)


# -- the drive loop, shared by every back end --------------------------------------------


def run_plan(
    new_paginator: Callable[[], Paginator],
    arm_failure: Callable[[int], None],
    item_key: Callable[[Any], Any],
    plan: list[Interruption],
    page_size: int | None,
    max_items: int | None,
) -> ResumeLog:
    """Run the listing through every interruption of `plan`, then to the end."""
    log = ResumeLog()
    paginator = new_paginator()
    token: str | None = None
    for step in [*plan, None]:
        remaining = None if max_items is None else max_items - len(log.items)
        if remaining == 0:
            break
        if step is not None and step.kind == "limit":
            remaining = step.amount if remaining is None else min(remaining, step.amount)
        if step is not None and step.kind == "fail":
            arm_failure(step.amount)

        config: dict[str, Any] = {}
        if page_size is not None:
            config["PageSize"] = page_size
        if remaining is not None:
            config["MaxItems"] = remaining
        if token is not None:
            config["StartingToken"] = token

        iterator = paginator.paginate(PaginationConfig=config)
        pages = 0
        ending = "end"
        try:
            for page in iterator:
                log.items.extend(item_key(item) for item in page.get(_result_key(page), []))
                pages += 1
                if step is not None and step.kind in ("stop", "restart") and pages == step.amount:
                    ending = step.kind
                    break
        except (ServiceDown, ClientError):
            ending = "fail"
        log.run_endings.append(ending)
        if currently_in_test_context():
            event(f"a run ended with {ending}")

        if step is None:
            assert ending == "end", f"the final run ended with {ending}"
            break
        if step.kind == "fail":
            arm_failure(-1)

        token = iterator.checkpoint_token
        # None after a page means the service sent the last page; None before any
        # page means the run failed on its first request and starts over.
        if token is None and pages > 0:
            break
        if step.kind == "restart":
            token = json.loads(json.dumps(token))
            paginator = new_paginator()
    return log


def _result_key(page: dict[str, Any]) -> str:
    return RESULT_KEY if RESULT_KEY in page else "items"


def assert_no_loss(log: ResumeLog, expected: list[Any]) -> None:
    assert len(log.items) == len(set(log.items)), f"duplicates in {log.items}"
    missing = [item for item in expected if item not in log.items]
    assert not missing, f"missing {missing}"
    assert log.items == expected


# -- engine with an in-memory fake -----------------------------------------------------


@dataclass
class OffsetListing:
    """A paginated fake: `maxResults` items from the offset in the token `o<offset>`."""

    items: list[int]
    default_page_size: int
    fail_after: int = -1
    calls_since_armed: int = 0

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        if self.fail_after >= 0:
            if self.calls_since_armed == self.fail_after:
                raise ServiceDown("scripted failure")
            self.calls_since_armed += 1

        size = kwargs.get("maxResults", self.default_page_size)
        token = kwargs.get("nextToken")
        offset = 0 if token is None else int(token[1:])
        page: dict[str, Any] = {"items": self.items[offset : offset + size]}
        if offset + size < len(self.items):
            page["nextToken"] = f"o{offset + size}"
        return page

    def arm(self, pages_before_failure: int) -> None:
        self.fail_after = pages_before_failure
        self.calls_since_armed = 0


@settings(max_examples=ENGINE_EXAMPLES, deadline=None)
@given(
    item_count=st.integers(min_value=0, max_value=40),
    default_page_size=st.integers(min_value=1, max_value=7),
    page_size=st.none() | st.integers(min_value=1, max_value=9),
    max_items=st.none() | st.integers(min_value=1, max_value=45),
    plan=st.lists(interruptions, max_size=6),
)
def test_engine_resume_without_loss(
    item_count: int,
    default_page_size: int,
    page_size: int | None,
    max_items: int | None,
    plan: list[Interruption],
) -> None:
    service = OffsetListing(list(range(item_count)), default_page_size)
    expected = list(range(item_count))[:max_items]

    log = run_plan(
        lambda: Paginator(service, FAKE_CONFIG),
        service.arm,
        lambda item: item,
        plan,
        page_size,
        max_items,
    )

    assert_no_loss(log, expected)


def test_engine_resume_example_mid_page() -> None:
    # A hand-checked plan: a MaxItems stop inside page 2, a failure on the next
    # request, a restart after one page, then the rest.
    service = OffsetListing(list(range(10)), 4)
    plan = [Interruption("limit", 6), Interruption("fail", 0), Interruption("restart", 1)]

    log = run_plan(
        lambda: Paginator(service, FAKE_CONFIG), service.arm, lambda item: item, plan, 4, None
    )

    assert log.items == list(range(10))
    assert log.run_endings == ["end", "fail", "restart", "end"]


def test_chained_mid_page_tokens_match_botocore() -> None:
    # Two MaxItems stops inside the same page: the second token must count the
    # items the first one skipped. botocore 1.44.8 is the oracle for the bytes.
    from botocore.paginate import Paginator as BotocorePaginator

    service = OffsetListing(list(range(3)), 3)
    ours = Paginator(service, FAKE_CONFIG)
    theirs = BotocorePaginator(service, FAKE_CONFIG, None)
    our_token: str | None = None
    their_token: str | None = None
    our_items: list[int] = []

    for _ in range(3):
        our_config: dict[str, Any] = {"MaxItems": 1, "StartingToken": our_token}
        their_config: dict[str, Any] = {"MaxItems": 1, "StartingToken": their_token}
        our_run = ours.paginate(PaginationConfig=our_config)
        their_run = theirs.paginate(PaginationConfig=their_config)
        our_items.extend(item for page in our_run for item in page["items"])
        list(their_run)
        our_token, their_token = our_run.resume_token, their_run.resume_token
        assert our_token == their_token

    assert our_items == [0, 1, 2]


# -- over HTTP: moto server -----------------------------------------------------------

MOTO_JOBS = 11


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        server.seed(MOTO_JOBS)
        yield server


@pytest.fixture(scope="module")
def moto_client(moto: MotoServer) -> Iterator[bedrockpage.BedrockClient]:
    with bedrockpage.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=moto.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ) as client:
        yield client


class FailingMethod:
    """Wraps a client method; raises `ServiceDown` on the request a plan names."""

    def __init__(self, method: Callable[..., dict[str, Any]]) -> None:
        self._method = method
        self._fail_after = -1
        self._calls = 0

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        if self._fail_after >= 0:
            if self._calls == self._fail_after:
                raise ServiceDown("scripted failure")
            self._calls += 1
        return self._method(**kwargs)

    def arm(self, pages_before_failure: int) -> None:
        self._fail_after = pages_before_failure
        self._calls = 0


@pytest.mark.moto
@settings(
    max_examples=HTTP_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    page_size=st.none() | st.integers(min_value=1, max_value=5),
    max_items=st.none() | st.integers(min_value=1, max_value=13),
    plan=st.lists(interruptions, min_size=1, max_size=4),
)
def test_moto_resume_without_loss(
    moto_client: bedrockpage.BedrockClient,
    page_size: int | None,
    max_items: int | None,
    plan: list[Interruption],
) -> None:
    from bedrockpage._client import paginator_config

    method = FailingMethod(moto_client.list_model_customization_jobs)
    whole = moto_client.get_paginator("list_model_customization_jobs").paginate(
        PaginationConfig={"PageSize": page_size, "MaxItems": max_items}
    )
    expected = [job["jobArn"] for page in whole for job in page[RESULT_KEY]]
    assert len(expected) == min(MOTO_JOBS, max_items or MOTO_JOBS)

    log = run_plan(
        lambda: Paginator(method, paginator_config("list_model_customization_jobs")),
        method.arm,
        lambda job: job["jobArn"],
        plan,
        page_size,
        max_items,
    )

    assert_no_loss(log, expected)


# -- over HTTP: the fault server -----------------------------------------------------------


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@settings(
    max_examples=HTTP_EXAMPLES * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    job_count=st.integers(min_value=4, max_value=25),
    page_size=st.none() | st.integers(min_value=1, max_value=6),
    max_items=st.none() | st.integers(min_value=1, max_value=30),
    plan=st.lists(interruptions, min_size=1, max_size=5),
)
def test_fault_server_resume_without_loss(
    fault_server: FaultServer,
    job_count: int,
    page_size: int | None,
    max_items: int | None,
    plan: list[Interruption],
) -> None:
    fault_server.reset(job_count)
    expected = [f"job-{index:05d}" for index in range(job_count)][:max_items]
    clients: list[RecordingClient] = []

    def new_paginator() -> Paginator:
        client = RecordingClient(fault_server.url, max_attempts=2)
        clients.append(client)
        paginator: Paginator = client.get_paginator()
        return paginator

    def arm_failure(pages_before_failure: int) -> None:
        # Two 503 responses use up both attempts, so the run ends with a ClientError.
        if pages_before_failure >= 0:
            fault_server.script(*[Normal()] * pages_before_failure, *[ServerError(503)] * 2)
        else:
            fault_server.reset()

    try:
        log = run_plan(
            new_paginator, arm_failure, lambda job: job["jobName"], plan, page_size, max_items
        )
    finally:
        for client in clients:
            client.close()

    assert_no_loss(log, expected)
