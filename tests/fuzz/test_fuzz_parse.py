"""Fuzz the response parser and the call state machine with random responses.

`parse_response` may raise only `ResponseParserError`, naming the HTTP status.
`parse_error` never raises and always returns a code and a message.
`OperationCall`, fed random statuses, headers and bodies, ends only with a
result, a `ClientError` or an `HTTPClientError`, within `max_attempts`.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bedrockpage.exceptions import ClientError, HTTPClientError, ResponseParserError
from bedrockpage.protocol import LIST_MODEL_CUSTOMIZATION_JOBS, parse_error, parse_response
from bedrockpage.session import SigV4Signer
from bedrockpage.transport.call import (
    CallSettings,
    Finished,
    OperationCall,
    SendRequest,
    Sleep,
)
from bedrockpage.transport.retries import RetryPolicy
from bedrockpage.transport.skew import ClockSkew
from tests.fuzz.conftest import examples_run, fuzz_settings

OPERATION = LIST_MODEL_CUSTOMIZATION_JOBS
MAX_ATTEMPTS = 3

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)
timestamps = (
    st.sampled_from(
        ["2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05Z", "1704164645", "not a time", ""]
    )
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=True)
)
summary_members = st.fixed_dictionaries(
    {},
    optional={
        "jobArn": json_scalars,
        "jobName": json_scalars,
        "status": json_scalars,
        "creationTime": timestamps | json_values,
        "lastModifiedTime": timestamps,
        "endTime": timestamps,
        "statusDetails": st.dictionaries(
            st.sampled_from(["validationDetails", "trainingDetails", "other"]),
            st.fixed_dictionaries({}, optional={"creationTime": timestamps, "status": json_scalars})
            | json_values,
            max_size=3,
        )
        | json_values,
    },
)
near_model_documents = st.fixed_dictionaries(
    {},
    optional={
        "modelCustomizationJobSummaries": st.lists(summary_members | json_values, max_size=4)
        | json_values,
        "nextToken": json_values,
        "ResponseMetadata": json_values,
        "__type": json_scalars,
    },
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    near_model_documents.map(lambda value: json.dumps(value).encode()),
    near_model_documents.map(lambda value: json.dumps(value).encode()[:-3]),
    st.sampled_from(
        [b"", b"   ", b"<html><body>502</body></html>", b"<!DOCTYPE html><html></html>", b"\xff"]
    ),
    st.text(max_size=100).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
header_names = st.sampled_from(
    [
        "x-amzn-requestid",
        "x-amz-request-id",
        "x-amz-id-2",
        "x-amzn-errortype",
        "x-amzn-query-error",
        "x-amz-retry-after",
        "date",
        "content-type",
    ]
) | st.text(min_size=1, max_size=12)
headers = st.dictionaries(header_names, st.text(max_size=40), max_size=5)
statuses = st.integers(min_value=100, max_value=599)


@fuzz_settings()
@given(body=bodies, status=st.integers(200, 299), request_id=st.text(max_size=20))
def test_parse_response_fuzz(body: bytes, status: int, request_id: str) -> None:
    examples_run["response parser"] += 1

    try:
        result = parse_response(OPERATION, body, status=status, request_id=request_id)
    except ResponseParserError as error:
        assert f"HTTP {status}" in str(error)
        return
    assert isinstance(result, dict)
    assert "ResponseMetadata" not in result
    jobs = result.get("modelCustomizationJobSummaries", [])
    for job in jobs:
        if isinstance(job, dict) and "creationTime" in job:
            assert isinstance(job["creationTime"], datetime.datetime)


@fuzz_settings()
@given(status=statuses, headers=headers, body=bodies)
def test_parse_error_fuzz(status: int, headers: dict[str, str], body: bytes) -> None:
    examples_run["error parser"] += 1

    parsed = parse_error(status, headers, body)

    assert "Code" in parsed["Error"]
    assert "Message" in parsed["Error"]


def new_call_settings() -> CallSettings:
    from bedrockpage.session import LazyCredentials

    def no_credentials() -> Any:
        raise AssertionError("the fuzz signer must not need credentials")

    class FixedSigner(SigV4Signer):
        def __call__(self, *args: Any, **kwargs: Any) -> dict[str, str]:
            return {"Authorization": "AWS4-HMAC-SHA256 fuzz"}

    return CallSettings(
        endpoint_url="http://127.0.0.1:9",
        signer=FixedSigner(LazyCredentials(no_credentials), "us-east-1"),
        retry_policy=RetryPolicy(max_attempts=MAX_ATTEMPTS),
        clock_skew=ClockSkew(),
        user_agent="fuzz",
        clock=lambda: datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
    )


def next_request_or_end(call: OperationCall) -> SendRequest | None:
    """Return the next request to send, or None when the call ended in a documented way."""
    try:
        event = call.next_event()
        while isinstance(event, Sleep):
            assert event.seconds >= 0
            event = call.next_event()
    except (ClientError, HTTPClientError):
        return None
    if isinstance(event, Finished):
        assert isinstance(event.result.get("ResponseMetadata"), dict)
        return None
    assert isinstance(event, SendRequest)
    return event


@fuzz_settings()
@given(
    responses=st.lists(st.tuples(statuses, headers, bodies) | st.just(None), min_size=1, max_size=6)
)
def test_operation_call_fuzz(responses: list[tuple[int, dict[str, str], bytes] | None]) -> None:
    examples_run["operation call"] += 1
    call = OperationCall(OPERATION, {"maxResults": 5}, new_call_settings())

    for attempts, response in enumerate(responses, start=1):
        if next_request_or_end(call) is None:
            return
        # One clock-skew resend may come on top of max_attempts.
        assert attempts <= MAX_ATTEMPTS + 1
        if response is None:
            call.receive_transport_error(HTTPClientError("fuzzed connection failure"))
        else:
            call.receive_response(*response)
    next_request_or_end(call)
