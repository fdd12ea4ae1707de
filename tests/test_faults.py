"""The listing under scripted server faults, over HTTP on 127.0.0.1.

Each test states the outcome of one scenario: either the exact jobs after
retries, or one error carrying the status, code, message and request id, with
`checkpoint_token` pointing after the last page delivered. Retry sleeps are
recorded by `RecordingClient`, never slept. The client's read timeout is 0.2 s,
so the slow-response scenarios take about 0.2 s per attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from bedrockpage.exceptions import (
    BedrockPageError,
    ClientError,
    ConnectionClosedError,
    InternalServerException,
    PaginationError,
    ReadTimeoutError,
    ResponseParserError,
    ThrottlingException,
    ValidationException,
)
from tests.support.fault_server import (
    RESULT_KEY,
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    AsyncRecordingClient,
    FaultServer,
    HtmlPage,
    Page,
    RecordingClient,
    ResetBeforeResponse,
    ResetMidBody,
    Respond,
    ServerError,
    Slow,
    Throttle,
    TruncatedJson,
    WrongContentType,
    make_job,
    page_token,
)

JOB_COUNT = 10
PAGE_SIZE = 4
ALL_NAMES = [f"job-{index:05d}" for index in range(JOB_COUNT)]
FIRST_PAGE = ALL_NAMES[:PAGE_SIZE]
MAX_ATTEMPTS = 3


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(JOB_COUNT) as fault_server:
        yield fault_server


@pytest.fixture
def fresh(server: FaultServer) -> FaultServer:
    server.reset(JOB_COUNT)
    return server


@pytest.fixture
def client(fresh: FaultServer) -> Iterator[RecordingClient]:
    with RecordingClient(fresh.url, max_attempts=MAX_ATTEMPTS) as recording_client:
        yield recording_client


class Run:
    """One paginated run, collected until it ends or raises."""

    def __init__(self, client: RecordingClient, **pagination: Any) -> None:
        config = {"PageSize": PAGE_SIZE, **pagination}
        self.iterator = client.get_paginator().paginate(PaginationConfig=config)
        self.names: list[str] = []
        self.pages = 0
        self.error: BedrockPageError | None = None
        try:
            for page in self.iterator:
                self.pages += 1
                self.names.extend(job["jobName"] for job in page.get(RESULT_KEY, []))
        except BedrockPageError as error:
            # Anything else is not a documented error and fails the test as raised.
            self.error = error


def names_after_resume(client: RecordingClient, token: str | None) -> list[str]:
    resumed = client.get_paginator().paginate(
        PaginationConfig={"PageSize": PAGE_SIZE, "StartingToken": token}
    )
    return [job["jobName"] for page in resumed for job in page.get(RESULT_KEY, [])]


# -- faults the client recovers from ---------------------------------------------------

RECOVERABLE = [
    pytest.param(Throttle(), id="throttling-429"),
    pytest.param(ServerError(500, json_body=True), id="500-json"),
    pytest.param(ServerError(500, json_body=False), id="500-empty"),
    pytest.param(ServerError(502, json_body=True), id="502-json"),
    pytest.param(ServerError(502, json_body=False), id="502-empty"),
    pytest.param(ServerError(503, json_body=True), id="503-json"),
    pytest.param(ServerError(503, json_body=False), id="503-empty"),
    pytest.param(ServerError(504, json_body=True), id="504-json"),
    pytest.param(ServerError(504, json_body=False), id="504-empty"),
    pytest.param(HtmlPage(502), id="html-502"),
    pytest.param(HtmlPage(503, doctype=True), id="html-doctype-503"),
    pytest.param(ResetBeforeResponse(), id="reset-before-response"),
    pytest.param(ResetMidBody(), id="reset-mid-body"),
    pytest.param(Slow(), id="slow-past-read-timeout"),
]


@pytest.mark.parametrize("fault", RECOVERABLE)
def test_fault_on_first_page_retried(
    fresh: FaultServer, client: RecordingClient, fault: Any
) -> None:
    fresh.script(fault)

    run = Run(client)

    assert run.error is None
    assert run.names == ALL_NAMES
    assert len(client.sleeps) == 1
    assert len(fresh.requests) == 4  # 3 pages plus the retried attempt
    assert run.iterator.complete


@pytest.mark.parametrize("fault", RECOVERABLE)
def test_fault_twice_mid_listing_retried(
    fresh: FaultServer, client: RecordingClient, fault: Any
) -> None:
    fresh.script(Page(_normal_page(0)), fault, fault)

    run = Run(client)

    assert run.error is None
    assert run.names == ALL_NAMES
    assert len(client.sleeps) == 2
    assert [request.query.get("nextToken") for request in fresh.requests[1:4]] == [
        [page_token(PAGE_SIZE)]
    ] * 3


def test_throttling_backoff_grows(fresh: FaultServer, client: RecordingClient) -> None:
    client.setup.call_settings.retry_policy.random = lambda: 1.0  # type: ignore[attr-defined]
    fresh.script(Throttle(), Throttle())

    run = Run(client)

    assert run.names == ALL_NAMES
    # Throttling uses a 1 s base with full jitter, so a random() of 1.0 gives 1 s, then 2 s.
    assert client.sleeps == [1.0, 2.0]


def test_wrong_content_type_still_parsed(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(WrongContentType("text/html; charset=utf-8"), WrongContentType("text/plain"))

    run = Run(client)

    assert run.error is None
    assert run.names == ALL_NAMES
    assert client.sleeps == []


# About 10 MB of JSON: the server needs more than the 0.2 s read timeout to encode it.
ENORMOUS_PAGE_JOBS = 15_000


@pytest.fixture
def patient_client(fresh: FaultServer) -> Iterator[RecordingClient]:
    with RecordingClient(fresh.url, read_timeout=30.0) as recording_client:
        yield recording_client


def test_enormous_page(fresh: FaultServer, patient_client: RecordingClient) -> None:
    jobs = [make_job(index) for index in range(ENORMOUS_PAGE_JOBS)]
    fresh.script(Page({RESULT_KEY: jobs, "nextToken": page_token(PAGE_SIZE)}))

    run = Run(patient_client)

    assert run.error is None
    assert patient_client.sleeps == []
    assert run.names == [job["jobName"] for job in jobs] + ALL_NAMES[PAGE_SIZE:]


def test_enormous_page_cut_by_max_items(
    fresh: FaultServer, patient_client: RecordingClient
) -> None:
    jobs = [make_job(index) for index in range(ENORMOUS_PAGE_JOBS)]
    fresh.script(Page({RESULT_KEY: jobs, "nextToken": page_token(PAGE_SIZE)}))

    run = Run(patient_client, MaxItems=10_000)

    assert run.error is None
    assert patient_client.sleeps == []
    assert run.names == [job["jobName"] for job in jobs[:10_000]]
    assert run.iterator.resume_token is not None


# -- pages that end or skip without an error -------------------------------------------


@pytest.mark.parametrize("token", [None, ""], ids=["null-token", "empty-token"])
def test_null_or_empty_token_ends_listing(
    fresh: FaultServer, client: RecordingClient, token: Any
) -> None:
    fresh.script(Page({RESULT_KEY: _normal_page(0)[RESULT_KEY], "nextToken": token}))

    run = Run(client)

    assert run.error is None
    assert run.names == FIRST_PAGE
    assert len(fresh.requests) == 1
    assert run.iterator.complete
    assert run.iterator.checkpoint_token is None


def test_page_without_result_key_skipped(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page({"nextToken": page_token(0)}))

    run = Run(client)

    # The service sent an empty page that still carries a token: botocore follows it too.
    assert run.error is None
    assert run.pages == 4
    assert run.names == ALL_NAMES


def test_last_page_without_result_key(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page(_normal_page(0)), Page({}))

    run = Run(client)

    assert run.error is None
    assert run.names == FIRST_PAGE
    assert run.iterator.complete


# -- faults that end the run with one clear error ----------------------------------------


def test_throttling_exhausts_retries(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page(_normal_page(0)), Throttle(), Throttle(), Throttle())

    run = Run(client)

    assert isinstance(run.error, ThrottlingException)
    response = run.error.response
    assert response["Error"]["Code"] == "ThrottlingException"
    assert response["Error"]["Message"] == Throttle().message
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["ResponseMetadata"]["RequestId"] == "req-4"
    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert response["ResponseMetadata"]["MaxAttemptsReached"] is True
    assert "reached max retries: 2" in str(run.error)
    assert run.names == FIRST_PAGE
    assert run.iterator.checkpoint_token is not None
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


@pytest.mark.parametrize(
    ("fault", "code", "message", "error_class"),
    [
        (
            ServerError(500, json_body=True),
            "InternalServerException",
            "InternalServerException from the fault server",
            InternalServerException,
        ),
        (ServerError(503, json_body=False), "503", "Service Unavailable", ClientError),
        (ServerError(504, json_body=False), "504", "Gateway Timeout", ClientError),
        (HtmlPage(502), "502", "Bad Gateway", ClientError),
    ],
    ids=["500-json", "503-empty", "504-empty", "html-502"],
)
def test_server_error_exhausts_retries(
    fresh: FaultServer,
    client: RecordingClient,
    fault: Any,
    code: str,
    message: str,
    error_class: type[ClientError],
) -> None:
    fresh.script(Page(_normal_page(0)), *[fault] * MAX_ATTEMPTS)

    run = Run(client)

    assert type(run.error) is error_class
    assert isinstance(run.error, ClientError)
    error = run.error.response["Error"]
    assert error["Code"] == code
    assert error["Message"] == message
    assert run.error.response["ResponseMetadata"]["HTTPStatusCode"] == fault.status
    assert run.error.response["ResponseMetadata"]["RequestId"] == "req-4"
    assert len(client.sleeps) == MAX_ATTEMPTS - 1
    assert run.names == FIRST_PAGE
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


def test_html_with_doctype_is_message(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(*[HtmlPage(503, doctype=True)] * MAX_ATTEMPTS)

    run = Run(client)

    # botocore's generic-error test only matches a body starting with <html>, so a
    # DOCTYPE page becomes the message under the status code.
    assert isinstance(run.error, ClientError)
    assert run.error.response["Error"]["Code"] == "503"
    assert "503 Bad Gateway" in run.error.response["Error"]["Message"]
    assert run.names == []
    assert run.iterator.checkpoint_token is None


def test_validation_error_not_retried(fresh: FaultServer, client: RecordingClient) -> None:
    body = b'{"message": "1 validation error detected"}'
    fresh.script(
        Page(_normal_page(0)),
        Respond(400, body, (("x-amzn-ErrorType", "ValidationException"),)),
    )

    run = Run(client)

    assert isinstance(run.error, ValidationException)
    assert run.error.response["Error"]["Message"] == "1 validation error detected"
    assert run.error.response["ResponseMetadata"]["RequestId"] == "req-2"
    assert client.sleeps == []
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


@pytest.mark.parametrize(
    "fault",
    [ResetBeforeResponse(), ResetMidBody()],
    ids=["reset-before-response", "reset-mid-body"],
)
def test_connection_resets_exhaust_retries(
    fresh: FaultServer, client: RecordingClient, fault: Any
) -> None:
    fresh.script(Page(_normal_page(0)), *[fault] * MAX_ATTEMPTS)

    run = Run(client)

    assert isinstance(run.error, ConnectionClosedError)
    assert fresh.url in str(run.error)
    assert "/model-customization-jobs" in run.error.url
    assert len(client.sleeps) == MAX_ATTEMPTS - 1
    assert run.names == FIRST_PAGE
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


def test_slow_responses_exhaust_retries(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page(_normal_page(0)), *[Slow()] * MAX_ATTEMPTS)

    run = Run(client)

    assert isinstance(run.error, ReadTimeoutError)
    assert "Read timeout" in str(run.error)
    assert len(client.sleeps) == MAX_ATTEMPTS - 1
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


def test_truncated_json_raises(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page(_normal_page(0)), TruncatedJson())

    run = Run(client)

    # A complete HTTP response with a bad body is not retried, as in botocore.
    assert isinstance(run.error, ResponseParserError)
    assert client.sleeps == []
    message = str(run.error)
    assert "HTTP 200" in message
    assert "invalid JSON" in message
    assert "req-2" in message
    assert run.names == FIRST_PAGE
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


def test_truncated_json_boto3_ends_silently(fresh: FaultServer) -> None:
    # The oracle for why the test above matters: boto3 (botocore 1.44.8) reads the
    # cut body as an empty last page and reports a complete listing.
    fresh.script(Page(_normal_page(0)), TruncatedJson())
    boto_client = boto3.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=fresh.url,
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
    )
    paginator = boto_client.get_paginator("list_model_customization_jobs")

    pages = list(paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE}))

    names = [job["jobName"] for page in pages for job in page.get(RESULT_KEY, [])]
    assert names == FIRST_PAGE


def test_html_body_on_200_raises(fresh: FaultServer, client: RecordingClient) -> None:
    html = b"<html><body>Sign in to the corporate proxy</body></html>"
    fresh.script(Respond(200, html, (("Content-Type", "text/html"),)))

    run = Run(client)

    assert isinstance(run.error, ResponseParserError)
    assert "Sign in to the corporate proxy" in str(run.error)
    assert "req-1" in str(run.error)


@pytest.mark.parametrize("body", [b"null", b"[]", b'"page"', b"42"])
def test_non_object_json_on_200_raises(
    fresh: FaultServer, client: RecordingClient, body: bytes
) -> None:
    fresh.script(Respond(200, body, (("Content-Type", "application/json"),)))

    run = Run(client)

    assert isinstance(run.error, ResponseParserError)
    assert "expected a JSON object" in str(run.error)


def test_error_body_on_200_not_retried(fresh: FaultServer, client: RecordingClient) -> None:
    body = {"__type": "ValidationException", "message": "maxResults is out of range"}
    fresh.script(Page(_normal_page(0)), Page(body))

    run = Run(client)

    assert isinstance(run.error, ValidationException)
    assert run.error.response["Error"]["Message"] == "maxResults is out of range"
    assert run.error.response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert run.error.response["ResponseMetadata"]["RequestId"] == "req-2"
    assert run.names == FIRST_PAGE
    assert names_after_resume(client, run.iterator.checkpoint_token) == ALL_NAMES[PAGE_SIZE:]


def test_throttling_body_on_200_retried(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(Page({"__type": "ThrottlingException", "message": "Rate exceeded"}))

    run = Run(client)

    assert run.error is None
    assert run.names == ALL_NAMES
    assert len(client.sleeps) == 1


# -- broken token chains ---------------------------------------------------------------


def test_token_repeating_itself_stops(fresh: FaultServer, client: RecordingClient) -> None:
    repeat = page_token(PAGE_SIZE)
    fresh.script(Page(_normal_page(0)), Page({RESULT_KEY: [make_job(99)], "nextToken": repeat}))

    run = Run(client)

    assert isinstance(run.error, PaginationError)
    assert repeat in str(run.error)
    assert run.names == [*FIRST_PAGE, "job-00099"]
    assert len(fresh.requests) == 2


def test_token_cycle_stops_before_repeat(fresh: FaultServer, client: RecordingClient) -> None:
    fresh.script(
        Page({RESULT_KEY: [make_job(0)], "nextToken": "A"}),
        Page({RESULT_KEY: [make_job(1)], "nextToken": "B"}),
        Page({RESULT_KEY: [make_job(2)], "nextToken": "A"}),
    )

    run = Run(client)

    assert isinstance(run.error, PaginationError)
    assert "'A'" in str(run.error)
    assert run.names == ["job-00000", "job-00001", "job-00002"]
    # The cycle is caught before the page for the repeated token is requested.
    assert len(fresh.requests) == 3
    assert fresh.pending_faults == 0


def test_token_cycle_loops_in_boto3(fresh: FaultServer) -> None:
    # The oracle: botocore 1.44.8 only compares a token with the one before it, so
    # an A -> B -> A cycle keeps requesting pages; the test stops it after 10.
    fresh.script(
        *[
            Page({RESULT_KEY: [make_job(index)], "nextToken": "AB"[index % 2]})
            for index in range(12)
        ]
    )
    boto_client = boto3.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=fresh.url,
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
    )
    pages = boto_client.get_paginator("list_model_customization_jobs").paginate()

    count = 0
    for _page in pages:
        count += 1
        if count == 10:
            break

    assert count == 10


def _normal_page(offset: int) -> dict[str, Any]:
    jobs = [make_job(index) for index in range(offset, min(offset + PAGE_SIZE, JOB_COUNT))]
    page: dict[str, Any] = {RESULT_KEY: jobs}
    if offset + PAGE_SIZE < JOB_COUNT:
        page["nextToken"] = page_token(offset + PAGE_SIZE)
    return page


# -- the asyncio client under the same faults ---------------------------------------------


async def run_async(client: AsyncRecordingClient) -> tuple[list[str], Any, BedrockPageError | None]:
    iterator = client.get_paginator().paginate(PaginationConfig={"PageSize": PAGE_SIZE})
    names: list[str] = []
    try:
        async for page in iterator:
            names.extend(job["jobName"] for job in page.get(RESULT_KEY, []))
    except BedrockPageError as error:
        return names, iterator, error
    return names, iterator, None


def run_async_listing(
    server: FaultServer, *faults: Any
) -> tuple[list[str], Any, BedrockPageError | None, list[float]]:
    async def scenario() -> tuple[list[str], Any, BedrockPageError | None, list[float]]:
        client = AsyncRecordingClient(server.url, max_attempts=MAX_ATTEMPTS)
        try:
            server.script(*faults)
            names, iterator, error = await run_async(client)
        finally:
            await client.close()
        return names, iterator, error, client.sleeps

    return asyncio.run(scenario())


@pytest.mark.parametrize(
    "fault",
    [Throttle(), ServerError(503, json_body=False), ResetMidBody(), Slow()],
    ids=["throttling", "503-empty", "reset-mid-body", "slow"],
)
def test_async_fault_retried(fresh: FaultServer, fault: Any) -> None:
    names, iterator, error, sleeps = run_async_listing(fresh, Page(_normal_page(0)), fault)

    assert error is None
    assert names == ALL_NAMES
    assert len(sleeps) == 1
    assert iterator.complete


def test_async_retries_exhausted(fresh: FaultServer) -> None:
    faults = [ServerError(500)] * MAX_ATTEMPTS
    names, iterator, error, sleeps = run_async_listing(fresh, Page(_normal_page(0)), *faults)

    assert isinstance(error, InternalServerException)
    assert error.response["ResponseMetadata"]["RequestId"] == "req-4"
    assert len(sleeps) == MAX_ATTEMPTS - 1
    assert names == FIRST_PAGE
    assert iterator.checkpoint_token is not None


@pytest.mark.parametrize(
    ("fault", "error_class"),
    [
        (TruncatedJson(), ResponseParserError),
        (Page({"__type": "ValidationException", "message": "bad"}), ValidationException),
    ],
    ids=["truncated-json", "error-body-on-200"],
)
def test_async_bad_page_raises(
    fresh: FaultServer, fault: Any, error_class: type[BedrockPageError]
) -> None:
    names, iterator, error, _sleeps = run_async_listing(fresh, Page(_normal_page(0)), fault)

    assert isinstance(error, error_class)
    assert names == FIRST_PAGE
    assert iterator.checkpoint_token is not None


def test_async_token_cycle_stops(fresh: FaultServer) -> None:
    names, _iterator, error, _sleeps = run_async_listing(
        fresh,
        Page({RESULT_KEY: [make_job(0)], "nextToken": "A"}),
        Page({RESULT_KEY: [make_job(1)], "nextToken": "B"}),
        Page({RESULT_KEY: [make_job(2)], "nextToken": "A"}),
    )

    assert isinstance(error, PaginationError)
    assert names == ["job-00000", "job-00001", "job-00002"]
    assert len(fresh.requests) == 3
