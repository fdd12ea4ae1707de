"""Replay the recorded HTTP fixtures in fixtures/ through bedrockpage and through botocore.

respx answers bedrockpage's request (sync and async) with the fixture response;
a botocore 1.44.8 client gets the same response from a `before-send` handler.
Both results, or both errors, must be equal, and the request bedrockpage sends
must match the recorded method, path and query. The endpoint is a closed
loopback port, so a request that escaped the mocks would fail, not leave the machine.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.config
import botocore.session
import httpx
import pytest
import respx
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError as BotocoreClientError
from urllib3 import HTTPHeaderDict

import bedrockpage
from bedrockpage.exceptions import ClientError
from bedrockpage.session import Config
from tests.support.http_fixtures import (
    FIXTURES_DIR,
    PLACEHOLDER_ACCOUNT_ID,
    RECORDER_SESSION_TOKEN,
    SCRUBBED,
    SECRET_HEADERS,
    Fixture,
    dump_fixture,
    load_fixtures,
)
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY

ENDPOINT = "http://127.0.0.1:9"
SESSION_TOKEN = "replay-session-token"
FIXTURES = load_fixtures()
FIXTURE_IDS = [fixture.name for fixture in FIXTURES]

REQUIRED_SCENARIOS = {
    "list-first-page",
    "list-middle-page",
    "list-last-page",
    "list-filtered-status",
    "list-empty",
    "error-moto-invalid-sort-by",
    "error-moto-invalid-token",
    "error-throttling",
    "error-access-denied",
    "error-internal-server",
    "error-validation-max-results",
}


class FixtureBody:
    """The `raw` object botocore's AWSResponse reads the body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def botocore_call(fixture: Fixture) -> tuple[dict[str, Any] | BotocoreClientError, str]:
    """Run the call through botocore and return its result (or ClientError) and the sent URL."""
    client = botocore.session.get_session().create_client(
        "bedrock",
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    sent_urls: list[str] = []

    def respond(request: Any, **_: Any) -> AWSResponse:
        sent_urls.append(request.url)
        headers = HTTPHeaderDict()
        for name, value in fixture.response_headers:
            headers.add(name, value)
        return AWSResponse(request.url, fixture.status, headers, FixtureBody(fixture.body_bytes()))

    client.meta.events.register("before-send.bedrock.ListModelCustomizationJobs", respond)
    try:
        result: dict[str, Any] | BotocoreClientError = client.list_model_customization_jobs(
            **fixture.call_params()
        )
    except BotocoreClientError as error:
        result = error
    assert len(sent_urls) == 1
    return result, sent_urls[0]


def our_client() -> bedrockpage.BedrockClient:
    return bedrockpage.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=ENDPOINT,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        config=Config(retries={"total_max_attempts": 1}),
    )


def fixture_response(fixture: Fixture) -> httpx.Response:
    return httpx.Response(
        fixture.status, headers=fixture.response_headers, content=fixture.body_bytes()
    )


def our_sync_call(fixture: Fixture) -> tuple[dict[str, Any] | ClientError, httpx.Request]:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{ENDPOINT}/model-customization-jobs").mock(
            return_value=fixture_response(fixture)
        )
        with our_client() as client:
            try:
                result: dict[str, Any] | ClientError = client.list_model_customization_jobs(
                    **fixture.call_params()
                )
            except ClientError as error:
                result = error
    assert route.call_count == 1
    return result, route.calls.last.request


def our_async_call(fixture: Fixture) -> tuple[dict[str, Any] | ClientError, httpx.Request]:
    async def call() -> dict[str, Any] | ClientError:
        async with bedrockpage.async_client(
            "bedrock",
            region_name=REGION,
            endpoint_url=ENDPOINT,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=SESSION_TOKEN,
            config=Config(retries={"total_max_attempts": 1}),
        ) as client:
            try:
                return await client.list_model_customization_jobs(**fixture.call_params())
            except ClientError as error:
                return error

    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(f"{ENDPOINT}/model-customization-jobs").mock(
            return_value=fixture_response(fixture)
        )
        result = asyncio.run(call())
    assert route.call_count == 1
    return result, route.calls.last.request


def is_generic_server_error(fixture: Fixture) -> bool:
    """A 5xx with an empty or HTML body, for which botocore drops the request id."""
    body = fixture.body_bytes().strip()
    return fixture.status >= 500 and (not body or body.startswith(b"<html>"))


def assert_same_error(fixture: Fixture, ours: ClientError, expected: BotocoreClientError) -> None:
    assert type(ours).__name__ == type(expected).__name__
    assert ours.operation_name == expected.operation_name
    assert ours.response["Error"] == expected.response["Error"]

    our_metadata = dict(ours.response["ResponseMetadata"])
    expected_metadata = dict(expected.response["ResponseMetadata"])
    if is_generic_server_error(fixture) and "RequestId" not in expected_metadata:
        # bedrockpage keeps the request id of a generic 5xx, where botocore drops it.
        assert our_metadata.pop("RequestId") == dict(fixture.response_headers)["x-amzn-RequestId"]
    assert our_metadata == expected_metadata

    modeled = {key: value for key, value in ours.response.items() if key != "ResponseMetadata"}
    assert modeled == {k: v for k, v in expected.response.items() if k != "ResponseMetadata"}


def assert_same_outcome(
    fixture: Fixture,
    ours: dict[str, Any] | ClientError,
    expected: dict[str, Any] | BotocoreClientError,
) -> None:
    if isinstance(expected, BotocoreClientError):
        assert isinstance(ours, ClientError), f"expected {type(expected).__name__}, got {ours}"
        assert_same_error(fixture, ours, expected)
    else:
        assert not isinstance(ours, ClientError), f"unexpected error {ours}"
        assert ours == expected


def assert_request_matches(fixture: Fixture, request: httpx.Request) -> None:
    recorded = fixture.request
    assert request.method == recorded["method"]
    assert request.url.path == recorded["path"]
    assert request.url.query.decode("ascii") == recorded["query"]


# -- replay ------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES, ids=FIXTURE_IDS)
def test_sync_replay_matches_botocore(fixture: Fixture) -> None:
    expected, botocore_url = botocore_call(fixture)
    ours, request = our_sync_call(fixture)

    assert_request_matches(fixture, request)
    assert str(request.url) == botocore_url
    assert_same_outcome(fixture, ours, expected)


@pytest.mark.parametrize("fixture", FIXTURES, ids=FIXTURE_IDS)
def test_async_replay_matches_botocore(fixture: Fixture) -> None:
    expected, _ = botocore_call(fixture)
    ours, request = our_async_call(fixture)

    assert_request_matches(fixture, request)
    assert_same_outcome(fixture, ours, expected)


def test_replay_pages_chain() -> None:
    """The recorded pages follow each other: each request carries the previous nextToken."""
    by_name = {fixture.name: fixture for fixture in FIXTURES}
    first, middle, last = (
        by_name["list-first-page"],
        by_name["list-middle-page"],
        by_name["list-last-page"],
    )

    assert middle.params["nextToken"] == first.document["response"]["body"]["nextToken"]
    assert last.params["nextToken"] == middle.document["response"]["body"]["nextToken"]
    assert last.document["response"]["body"].get("nextToken") is None


def test_replay_last_page_has_no_token() -> None:
    fixture = next(fixture for fixture in FIXTURES if fixture.name == "list-last-page")

    ours, _ = our_sync_call(fixture)

    assert isinstance(ours, dict)
    assert "nextToken" not in ours
    assert ours["modelCustomizationJobSummaries"]


# -- the fixture files themselves -------------------------------------------


def test_fixtures_cover_required_scenarios() -> None:
    assert REQUIRED_SCENARIOS - set(FIXTURE_IDS) == set()


@pytest.mark.parametrize("fixture", FIXTURES, ids=FIXTURE_IDS)
def test_fixture_file_is_canonical(fixture: Fixture) -> None:
    text = (FIXTURES_DIR / f"{fixture.name}.json").read_text(encoding="utf-8")

    assert dump_fixture(json.loads(text)) == text
    assert fixture.document["scenario"] == fixture.name
    assert fixture.document["source"]
    headers = {name.lower(): value for name, value in fixture.response_headers}
    assert headers["content-length"] == str(len(fixture.body_bytes()))


@pytest.mark.parametrize(
    "fixture", [fixture for fixture in FIXTURES if fixture.handmade], ids=lambda f: f.name
)
def test_handmade_error_follows_aws_format(fixture: Fixture) -> None:
    headers = {name.lower(): value for name, value in fixture.response_headers}

    names = [name.lower() for name, _ in fixture.response_headers]
    assert fixture.status >= 400
    assert len(names) == len(set(names))
    assert "x-amzn-requestid" in headers
    assert "\n" not in fixture.document["source"]
    if headers.get("content-type") == "application/json":
        body = json.loads(fixture.body_bytes())
        assert "message" in body or "Message" in body
        assert "x-amzn-errortype" in headers or "__type" in body


@pytest.mark.parametrize("fixture", FIXTURES, ids=FIXTURE_IDS)
def test_fixture_contains_no_secret(fixture: Fixture) -> None:
    text = (FIXTURES_DIR / f"{fixture.name}.json").read_text(encoding="utf-8")

    assert SECRET_KEY not in text
    assert RECORDER_SESSION_TOKEN not in text
    assert ACCESS_KEY not in text
    assert "AWS4-HMAC-SHA256" not in text
    assert "Signature=" not in text
    for name, value in fixture.request["headers"]:
        if name.lower() in SECRET_HEADERS:
            assert value == SCRUBBED
    account_ids = set(re.findall(r"(?<![0-9])[0-9]{12}(?![0-9])", text))
    assert account_ids <= {PLACEHOLDER_ACCOUNT_ID}


@pytest.mark.moto
def test_recorder_reproduces_fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-recording from moto gives the committed files byte for byte."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "record_fixtures.py"
    spec = importlib.util.spec_from_file_location("record_fixtures", script)
    assert spec is not None and spec.loader is not None
    recorder = importlib.util.module_from_spec(spec)
    # dataclasses look the module up in sys.modules while the class body runs.
    monkeypatch.setitem(sys.modules, "record_fixtures", recorder)
    spec.loader.exec_module(recorder)

    count = recorder.record(tmp_path)

    committed = {
        path.name: path.read_text(encoding="utf-8") for path in FIXTURES_DIR.glob("*.json")
    }
    recorded = {path.name: path.read_text(encoding="utf-8") for path in tmp_path.glob("*.json")}
    assert count == len(committed)
    assert sorted(recorded) == sorted(committed)
    for name, text in committed.items():
        assert recorded[name] == text, f"{name} differs from a fresh recording"
