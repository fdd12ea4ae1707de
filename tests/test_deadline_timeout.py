"""A deadline bounds a request that is already waiting for the server.

Each request's connect and read timeouts are capped at the time left before the
deadline minus the safety margin. A timeout caused by that cap ends the run as a
deadline stop; a timeout shorter than the time left stays a `ReadTimeoutError`.

The server is `FaultServer` on 127.0.0.1 with a `Slow(30)` fault, which accepts
the request and sends the page only after 30 s or when the server stops. The elapsed
times are measured with `time.monotonic`; no test sleeps. The slack allowed
above each deadline (`SLACK_SECONDS`) is an estimate for a loaded CI machine.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.paginate import TokenEncoder

from bedrockpage import cli
from bedrockpage.exceptions import ReadTimeoutError
from bedrockpage.pagination.control import DeadlineTimeoutError, remaining_time
from bedrockpage.protocol import LIST_MODEL_CUSTOMIZATION_JOBS
from bedrockpage.transport.call import AttemptTimeout, OperationCall, SendRequest
from tests.support.fault_server import (
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    AsyncRecordingClient,
    FaultServer,
    Normal,
    RecordingClient,
    Slow,
    build_setup,
    page_token,
)

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 3
JOB_COUNT = 6
FIRST_PAGE = [f"job-{index:05d}" for index in range(PAGE_SIZE)]
#: The client's read timeout in the deadline tests: far longer than any deadline here.
LONG_READ_TIMEOUT = 60.0
DEADLINE_SECONDS = 0.8
SLACK_SECONDS = 0.5
CHILD_TIMEOUT = 60.0
#: The resume token after the first page, encoded by botocore as its Paginator does.
TOKEN_AFTER_FIRST_PAGE = TokenEncoder().encode({"nextToken": page_token(PAGE_SIZE)})


@pytest.fixture()
def server() -> Iterator[FaultServer]:
    # Per test, so that stopping the server releases the request still waiting on it.
    with FaultServer(JOB_COUNT) as fault_server:
        yield fault_server


def job_names(pages: list[dict[str, Any]]) -> list[str]:
    return [job["jobName"] for page in pages for job in page["modelCustomizationJobSummaries"]]


# -- the sans-IO decision -----------------------------------------------------------


def first_send(seconds_left: float | None, *, read_timeout: float = 60.0) -> SendRequest:
    setup = build_setup(
        "http://127.0.0.1:9",
        read_timeout=read_timeout,
        max_attempts=3,
        access_key=TEST_ACCESS_KEY,
        secret_key=TEST_SECRET_KEY,
        session_token=None,
        bearer_token=None,
    )
    marker = remaining_time.set(lambda: seconds_left)
    try:
        event = OperationCall(LIST_MODEL_CUSTOMIZATION_JOBS, {}, setup.call_settings).next_event()
    finally:
        remaining_time.reset(marker)
    assert isinstance(event, SendRequest)
    return event


def test_timeout_capped_at_time_left() -> None:
    event = first_send(0.75)

    assert event.timeout == AttemptTimeout(connect=0.75, read=0.75)


def test_timeout_cap_keeps_shorter_timeouts() -> None:
    # build_setup sets a 1 s connect timeout, which is already below the 5 s cap.
    event = first_send(5.0)

    assert event.timeout == AttemptTimeout(connect=1.0, read=5.0)


def test_timeout_uncapped_without_deadline() -> None:
    assert first_send(None).timeout is None


def test_timeout_uncapped_when_timeouts_fit() -> None:
    assert first_send(5.0, read_timeout=0.3).timeout is None


def test_timeout_cap_has_floor_after_deadline() -> None:
    event = first_send(-2.0)

    assert event.timeout is not None
    assert event.timeout.read > 0
    assert event.timeout.connect > 0


# -- sync and async page iterators --------------------------------------------------


def test_sync_iterator_stops_at_deadline(server: FaultServer) -> None:
    server.script(Normal(), Slow(seconds=30))
    client = RecordingClient(server.url, read_timeout=LONG_READ_TIMEOUT)
    try:
        iterator = client.get_paginator().paginate(
            PaginationConfig={"PageSize": PAGE_SIZE}, deadline=DEADLINE_SECONDS, safety_margin=0.0
        )
        started = time.monotonic()
        pages = list(iterator)
        elapsed = time.monotonic() - started
    finally:
        client.close()

    assert elapsed < DEADLINE_SECONDS + SLACK_SECONDS
    assert job_names(pages) == FIRST_PAGE
    assert iterator.stopped_for_deadline
    assert iterator.stop_reason == "deadline"
    assert iterator.checkpoint_token == TOKEN_AFTER_FIRST_PAGE
    assert not iterator.complete
    assert client.sleeps == []
    assert len(server.requests) == 2


def test_sync_iterator_margin_shortens_cap(server: FaultServer) -> None:
    server.script(Slow(seconds=30))
    client = RecordingClient(server.url, read_timeout=LONG_READ_TIMEOUT)
    try:
        iterator = client.get_paginator().paginate(deadline=1.0, safety_margin=0.6)
        started = time.monotonic()
        pages = list(iterator)
        elapsed = time.monotonic() - started
    finally:
        client.close()

    assert elapsed < 0.4 + SLACK_SECONDS
    assert pages == []
    assert iterator.stopped_for_deadline
    assert iterator.checkpoint_token is None


def test_async_iterator_stops_at_deadline(server: FaultServer) -> None:
    server.script(Normal(), Slow(seconds=30))

    async def collect() -> tuple[Any, list[dict[str, Any]], float]:
        client = AsyncRecordingClient(server.url, read_timeout=LONG_READ_TIMEOUT)
        try:
            iterator = client.get_paginator().paginate(
                PaginationConfig={"PageSize": PAGE_SIZE},
                deadline=DEADLINE_SECONDS,
                safety_margin=0.0,
            )
            started = time.monotonic()
            pages = [page async for page in iterator]
            return iterator, pages, time.monotonic() - started
        finally:
            await client.close()

    iterator, pages, elapsed = asyncio.run(collect())

    assert elapsed < DEADLINE_SECONDS + SLACK_SECONDS
    assert job_names(pages) == FIRST_PAGE
    assert iterator.stopped_for_deadline
    assert iterator.stop_reason == "deadline"
    assert iterator.checkpoint_token == TOKEN_AFTER_FIRST_PAGE
    assert len(server.requests) == 2


def test_short_read_timeout_still_raises(server: FaultServer) -> None:
    # The 0.3 s read timeout ends each attempt long before the 5 s deadline, so
    # the timeouts are the service's failure: retried, then raised.
    server.script(*[Slow(seconds=30)] * 3)
    client = RecordingClient(server.url, read_timeout=0.3, max_attempts=3)
    try:
        iterator = client.get_paginator().paginate(deadline=5.0, safety_margin=0.0)
        with pytest.raises(ReadTimeoutError) as raised:
            list(iterator)
    finally:
        client.close()

    assert not isinstance(raised.value, DeadlineTimeoutError)
    assert not iterator.stopped_for_deadline
    assert iterator.stop_reason is None
    assert len(client.sleeps) == 2
    assert len(server.requests) == 3


def test_async_short_read_timeout_still_raises(server: FaultServer) -> None:
    server.script(Slow(seconds=30))

    async def collect() -> Any:
        client = AsyncRecordingClient(server.url, read_timeout=0.3, max_attempts=1)
        try:
            iterator = client.get_paginator().paginate(deadline=5.0, safety_margin=0.0)
            with pytest.raises(ReadTimeoutError) as raised:
                [page async for page in iterator]
            assert not isinstance(raised.value, DeadlineTimeoutError)
            return iterator
        finally:
            await client.close()

    iterator = asyncio.run(collect())

    assert not iterator.stopped_for_deadline


# -- command line and Lambda handler ------------------------------------------------


def test_cli_max_seconds_bounds_waiting_request(server: FaultServer) -> None:
    server.script(Normal(), Slow(seconds=30))
    env = dict(os.environ, AWS_ACCESS_KEY_ID=TEST_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=TEST_SECRET_KEY)
    command = [
        sys.executable,
        "-m",
        "bedrockpage",
        cli.COMMAND,
        "--endpoint-url",
        server.url,
        "--region",
        "us-east-1",
        "--output",
        "jsonl",
        "--page-size",
        str(PAGE_SIZE),
        "--max-seconds",
        "1",
    ]

    started = time.monotonic()
    completed = subprocess.run(
        command, capture_output=True, text=True, env=env, check=False, timeout=CHILD_TIMEOUT
    )
    elapsed = time.monotonic() - started

    assert completed.returncode == cli.EXIT_DEADLINE, completed.stderr
    assert elapsed < 3.0
    assert "stopped after 1 s (--max-seconds)" in completed.stderr
    assert "after 1 pages and 3 jobs; resume with:" in completed.stderr
    assert "Traceback" not in completed.stderr
    delivered = [json.loads(line)["jobName"] for line in completed.stdout.splitlines()]
    assert delivered == FIRST_PAGE

    lines = completed.stderr.splitlines()
    hint = next(index for index, line in enumerate(lines) if line.endswith("resume with:"))
    resume = shlex.split(lines[hint + 1])
    assert resume[:2] == ["bedrockpage", cli.COMMAND]
    assert resume[resume.index("--starting-token") + 1] == TOKEN_AFTER_FIRST_PAGE


class WallClockContext:
    """A Lambda context whose remaining time follows the monotonic clock."""

    def __init__(self, budget_seconds: float) -> None:
        self.end = time.monotonic() + budget_seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self.end - time.monotonic()) * 1000)


def load_lambda_example(server: FaultServer, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", server.url)
    monkeypatch.setenv("LISTING_SAFETY_MARGIN_SECONDS", "0.2")

    spec = importlib.util.spec_from_file_location(
        "lambda_handler", ROOT / "examples" / "lambda_handler.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lambda_handler_returns_before_deadline(
    server: FaultServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.script(Normal(), Slow(seconds=30))
    example = load_lambda_example(server, monkeypatch)

    started = time.monotonic()
    result = example.handler({"pageSize": PAGE_SIZE}, WallClockContext(1.0))
    elapsed = time.monotonic() - started

    assert elapsed < 1.0
    assert result["stoppedForDeadline"] is True
    assert result["error"] is None
    assert [job["jobName"] for job in result["jobs"]] == FIRST_PAGE
    assert result["nextToken"] == TOKEN_AFTER_FIRST_PAGE
    assert result["complete"] is False
