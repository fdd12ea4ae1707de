"""One operation call as a sans-IO state machine: sign, send, retry, parse.

The sync and async transports drive the same `OperationCall`:

    call = OperationCall(...)
    while True:
        event = call.next_event()          # SendRequest | Sleep | Finished
        if SendRequest: send it, then call.receive_response(...) or
                        call.receive_transport_error(...)
        if Sleep: sleep event.seconds
        if Finished: return event.result

`next_event` raises the final error (a `ClientError` subclass, an
`HTTPClientError` subclass or `ResponseParserError`) when no retry is left.
Each attempt is signed anew, with the clock-skew correction applied.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..exceptions import MODELED_ERRORS, ClientError, HTTPClientError, ResponseParserError
from ..protocol import (
    OperationModel,
    encode_query,
    parse_error,
    parse_response,
    response_metadata,
    serialize_request,
)
from .retries import Outcome, Retry, RetryPolicy
from .skew import ClockSkew

logger = logging.getLogger("bedrockpage.transport")


class RequestSigner(Protocol):
    """Adds authentication headers to a request about to be sent."""

    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, now: datetime.datetime
    ) -> dict[str, str]: ...


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""

    def __repr__(self) -> str:
        # The signed headers hold credentials; a repr names only what was requested.
        return f"HttpRequest({self.method} {self.url})"


@dataclass(frozen=True)
class SendRequest:
    request: HttpRequest
    attempt: int


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Finished:
    result: dict[str, Any]


Event = SendRequest | Sleep | Finished


@dataclass(frozen=True)
class CallSettings:
    """What every call of one client shares."""

    endpoint_url: str
    signer: RequestSigner
    retry_policy: RetryPolicy
    clock_skew: ClockSkew
    user_agent: str
    clock: Callable[[], datetime.datetime]


class OperationCall:
    """A single API call, from serialized parameters to the parsed result or an error."""

    def __init__(
        self, operation: OperationModel, params: Mapping[str, Any], settings: CallSettings
    ) -> None:
        self.operation = operation
        self.settings = settings
        self.attempt = 0
        self.invocation_id = str(uuid.uuid4())

        serialized = serialize_request(operation, params)
        query = encode_query(serialized.query)
        self._url = (
            settings.endpoint_url.rstrip("/") + serialized.path + (f"?{query}" if query else "")
        )
        self._method = serialized.method

        self._next: Event | None = None
        self._last_retry: Retry | None = None
        self._skew_retried = False
        self._error: BaseException | None = None
        self._schedule_attempt()

    def next_event(self) -> Event:
        if self._error is not None:
            raise self._error
        assert self._next is not None, "next_event() called while a response is awaited"
        event, self._next = self._next, None
        if isinstance(event, Sleep):
            self._schedule_attempt()
        return event

    # -- responses -----------------------------------------------------------

    def receive_response(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        request_id = _request_id(headers)
        logger.debug(
            "%s %s -> %s (request id %s, attempt %d)",
            self._method,
            self._url,
            status,
            request_id,
            self.attempt,
        )
        if 200 <= status < 300:
            self._receive_success(status, headers, body)
        else:
            self._receive_error(status, headers, body)

    def receive_transport_error(self, error: HTTPClientError) -> None:
        logger.debug("%s %s failed on attempt %d: %s", self._method, self._url, self.attempt, error)
        self._retry_or_fail(Outcome(transport_error=True), error)

    def _receive_success(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
            result = parse_response(
                self.operation, body, status=status, request_id=_request_id(headers) or ""
            )
        except ResponseParserError as error:
            # A cut-off body is transient; retrying beats handing out a short page.
            error.url = self._url
            self._retry_or_fail(Outcome(status=status, transport_error=True), error)
            return

        self.settings.retry_policy.record_success(self._last_retry)
        result["ResponseMetadata"] = response_metadata(status, headers, self.attempt - 1)
        self._next = Finished(result)

    def _receive_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        parsed = parse_error(status, headers, body)
        code = parsed.get("Error", {}).get("Code")
        metadata = response_metadata(status, headers, self.attempt - 1)
        parsed["ResponseMetadata"] = metadata

        if not self._skew_retried and self.settings.clock_skew.correct(code, headers, self._now()):
            self._skew_retried = True
            logger.warning(
                "Clock skew detected (%s); corrected by %.0f s and retrying (request id %s)",
                code,
                self.settings.clock_skew.offset.total_seconds(),
                metadata.get("RequestId"),
            )
            self._schedule_attempt()
            return

        error_class = MODELED_ERRORS.get(code or "", ClientError)
        outcome = Outcome(status=status, error_code=code, headers=metadata["HTTPHeaders"])
        self._retry_or_fail(outcome, None, parsed, error_class)

    # -- retries -------------------------------------------------------------

    def _retry_or_fail(
        self,
        outcome: Outcome,
        error: BaseException | None,
        parsed: dict[str, Any] | None = None,
        error_class: type[ClientError] = ClientError,
    ) -> None:
        retry = self.settings.retry_policy.plan_retry(self.attempt, outcome)
        if retry is not None:
            self._last_retry = retry
            level = logging.INFO if outcome.is_throttling else logging.DEBUG
            logger.log(
                level,
                "Retrying %s after attempt %d (%s) in %.3f s",
                self.operation.name,
                self.attempt,
                outcome.error_code or outcome.status or type(error).__name__,
                retry.delay,
            )
            self._next = Sleep(retry.delay)
            return

        if parsed is not None:
            if self.attempt >= self.settings.retry_policy.max_attempts and outcome.is_retryable:
                parsed["ResponseMetadata"]["MaxAttemptsReached"] = True
            self._error = error_class(parsed, self.operation.name)
        else:
            assert error is not None
            self._error = error

    # -- requests ------------------------------------------------------------

    def _schedule_attempt(self) -> None:
        self.attempt += 1
        self._next = SendRequest(self._build_request(), self.attempt)

    def _build_request(self) -> HttpRequest:
        max_attempts = self.settings.retry_policy.max_attempts
        headers = {
            "User-Agent": self.settings.user_agent,
            "amz-sdk-invocation-id": self.invocation_id,
            "amz-sdk-request": f"attempt={self.attempt}; max={max_attempts}",
        }
        headers.update(self.settings.signer(self._method, self._url, headers, b"", self._now()))
        return HttpRequest(self._method, self._url, headers)

    def _now(self) -> datetime.datetime:
        return self.settings.clock() + self.settings.clock_skew.offset


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in ("x-amzn-requestid", "x-amz-request-id"):
        value = headers.get(name)
        if value:
            return value
    return None
