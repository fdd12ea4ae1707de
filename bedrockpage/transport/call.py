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
Each attempt is signed anew, with the clock-skew correction applied, right
before it is sent (after any backoff or rate-limiter wait).

A 2xx response whose JSON body carries `__type` is handled as the error it
names (retried when that error is retryable), unlike botocore, which reads it
as an empty result.

A skew correction resends the request once without consulting the retry
policy. That resend counts in `RetryAttempts` and in `amz-sdk-request`, and it
may exceed `max_attempts` by one.
"""

import datetime
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, Protocol

from .._urls import redact_userinfo
from ..exceptions import (
    MODELED_ERRORS,
    ClientError,
    ConnectTimeoutError,
    HTTPClientError,
    ReadTimeoutError,
    ResponseParserError,
)
from ..pagination.control import DeadlineTimeoutError, remaining_time
from ..protocol import (
    OperationModel,
    encode_query,
    parse_error,
    parse_response,
    response_metadata,
    serialize_request,
)
from .retries import Outcome, RetryDecision, RetryPolicy
from .skew import ClockSkew

logger = logging.getLogger("bedrockpage.transport")

#: The body key of a rest-json error document that names the error code.
_ERROR_TYPE_KEY = "__type"
#: The `Date` format botocore parses to compute the `ttl` of `amz-sdk-request`.
_HTTP_DATE_FORMAT = "%a, %d %b %Y %H:%M:%S %Z"
_TTL_FORMAT = "%Y%m%dT%H%M%SZ"
#: The smallest timeout a deadline cap sets, in seconds. With a timeout of 0, httpx 0.29
#: connects on a non-blocking socket and raises ConnectError, not a timeout.
_MIN_CAPPED_TIMEOUT = 0.001


class RequestSigner(Protocol):
    """Adds authentication headers to a request about to be sent."""

    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, now: datetime.datetime
    ) -> dict[str, str]: ...


class HttpRequest(NamedTuple):
    method: str
    url: str
    headers: dict[str, str]
    body: bytes = b""

    def __repr__(self) -> str:
        # The signed headers hold credentials; a repr names only what was requested.
        return f"HttpRequest({self.method} {self.url})"


class AttemptTimeout(NamedTuple):
    """Seconds for one attempt, in place of the client's timeouts; write and pool use `read`."""

    connect: float
    read: float


class SendRequest(NamedTuple):
    request: HttpRequest
    attempt: int
    #: Timeouts capped at the time left before a paginator's deadline; None keeps the client's.
    timeout: AttemptTimeout | None = None


class Sleep(NamedTuple):
    seconds: float


class Finished(NamedTuple):
    result: dict[str, Any]


Event = SendRequest | Sleep | Finished


class CallSettings(NamedTuple):
    """Settings shared by every call of one client."""

    endpoint_url: str
    signer: RequestSigner
    retry_policy: RetryPolicy
    clock_skew: ClockSkew
    user_agent: str
    clock: Callable[[], datetime.datetime]
    #: Seconds; botocore adds it to the server's time for the `ttl` of `amz-sdk-request`.
    read_timeout: float = 60.0
    #: Seconds; the httpx client's connect timeout, which a deadline may lower per attempt.
    connect_timeout: float = 60.0


class OperationCall:
    """A single API call, from serialized parameters to the parsed result or an error."""

    def __init__(
        self, operation: OperationModel, params: Mapping[str, Any], settings: CallSettings
    ) -> None:
        self.operation = operation
        self.settings = settings
        self.attempt = 0
        self.invocation_id = _new_invocation_id()

        serialized = serialize_request(operation, params)
        query = encode_query(serialized.query)
        self._url = (
            settings.endpoint_url.rstrip("/") + serialized.path + (f"?{query}" if query else "")
        )
        self._log_url = redact_userinfo(self._url)
        self._method = serialized.method

        self._next: Event | None = None
        self._resume: Callable[[], Event] = self._start_attempt
        self._last_quota_cost: int | None = None
        self._ttl: str | None = None
        # The last response's Date with the clock readings around it; parsed only
        # when a retry needs the ttl, because strptime's first call costs milliseconds.
        self._ttl_inputs: tuple[str, datetime.datetime, datetime.datetime] | None = None
        self._skew_retried = False
        self._error: BaseException | None = None
        self._sleeping = False
        self._attempt_timeout: AttemptTimeout | None = None
        self._next = self._start_attempt()

    def next_event(self) -> Event:
        if self._error is not None:
            raise self._error
        if self._next is None and self._sleeping:
            # The driver has slept: only now sign and send, or wait again.
            self._sleeping = False
            self._next = self._resume()
        assert self._next is not None, "next_event() called while a response is awaited"
        event, self._next = self._next, None
        self._sleeping = isinstance(event, Sleep)
        return event

    # -- responses -----------------------------------------------------------

    def receive_response(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        logger.debug(
            "%s %s -> HTTP %s (request id %s, attempt %d)",
            self._method,
            self._log_url,
            status,
            _request_id(headers),
            self.attempt,
        )
        self._update_ttl(headers)
        if 200 <= status < 300:
            self._receive_success(status, headers, body)
        else:
            self._receive_error(status, headers, body)

    def receive_transport_error(self, error: HTTPClientError) -> None:
        logger.debug(
            "%s %s failed on attempt %d: %s", self._method, self._log_url, self.attempt, error
        )
        capped_seconds = self._deadline_cap_hit(error)
        if capped_seconds is not None:
            # The deadline, not the service, ended the attempt, so the retry policy
            # neither records nor retries it.
            self._error = DeadlineTimeoutError(
                f"{type(error).__name__} on endpoint URL {self._log_url!r} after "
                f"{capped_seconds:.3f} s, the time left before the deadline",
                url=self._log_url,
                error=error,
            )
            return

        outcome = Outcome(error=error)
        self.settings.retry_policy.record_response(outcome)
        decision = self.settings.retry_policy.decide(self.attempt, outcome)
        if decision.retries and self._retry_fits_deadline(decision):
            self._schedule_retry(decision, outcome)
        else:
            self._error = error

    def _receive_success(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
            result = parse_response(
                self.operation, body, status=status, request_id=_request_id(headers) or ""
            )
        except ResponseParserError as error:
            # As in botocore, an unparseable 2xx body is raised at once, without a retry.
            error.url = self._log_url
            self._error = error
            return
        if _ERROR_TYPE_KEY in result:
            # A 2xx whose body names an error type is that error, not a page.
            # Botocore drops the unknown key and returns an empty last page,
            # which ends a listing early without any error.
            self._receive_error(status, headers, body)
            return

        policy = self.settings.retry_policy
        outcome = Outcome(status=status)
        policy.record_response(outcome)
        decision = policy.decide(self.attempt, outcome)
        policy.record_success(self._last_quota_cost)

        result["ResponseMetadata"] = response_metadata(status, headers, self.attempt - 1)
        result["ResponseMetadata"].update(decision.metadata())
        self._next = Finished(result)

    def _receive_error(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        parsed = parse_error(status, headers, body, operation=self.operation)
        raw_code = parsed.get("Error", {}).get("Code")
        # A non-string body code stays in the response, as in botocore, but
        # matches no retryable, skew or modeled error code.
        code = raw_code if isinstance(raw_code, str) else None
        metadata = response_metadata(status, headers, self.attempt - 1)
        parsed["ResponseMetadata"] = metadata
        outcome = Outcome(status=status, error_code=code, headers=metadata["HTTPHeaders"])
        self.settings.retry_policy.record_response(outcome)

        if self._correct_clock_skew(code, headers, metadata.get("RequestId")):
            return

        decision = self.settings.retry_policy.decide(self.attempt, outcome)
        metadata.update(decision.metadata())
        if decision.retries and self._retry_fits_deadline(decision):
            self._schedule_retry(decision, outcome, metadata.get("RequestId"))
            return

        self._log_final_error(decision, outcome)
        error_class = MODELED_ERRORS.get(code or "", ClientError)
        self._error = error_class(parsed, self.operation.name)

    def _deadline_cap_hit(self, error: HTTPClientError) -> float | None:
        """Return the capped timeout in seconds when the deadline cap caused `error`, else None."""
        capped = self._attempt_timeout
        if capped is None:
            return None
        if (
            isinstance(error, ConnectTimeoutError)
            and capped.connect < self.settings.connect_timeout
        ):
            return capped.connect
        if isinstance(error, ReadTimeoutError) and capped.read < self.settings.read_timeout:
            return capped.read
        return None

    def _retry_fits_deadline(self, decision: RetryDecision) -> bool:
        if _fits_deadline(decision.delay, self.operation.name):
            return True
        self.settings.retry_policy.cancel_retry(decision)
        return False

    def _correct_clock_skew(
        self, code: str | None, headers: Mapping[str, str], request_id: str | None
    ) -> bool:
        if self._skew_retried:
            return False
        if not self.settings.clock_skew.correct(code, headers, self._now()):
            return False

        self._skew_retried = True
        logger.warning(
            "Clock skew detected on %s (%s, request id %s): signing with an offset of "
            "%+.0f s from now on and resending",
            self.operation.name,
            code,
            request_id,
            self.settings.clock_skew.offset.total_seconds(),
        )
        self._next = self._start_attempt()
        return True

    # -- retries -------------------------------------------------------------

    def _schedule_retry(
        self, decision: RetryDecision, outcome: Outcome, request_id: str | None = None
    ) -> None:
        assert decision.delay is not None
        self._last_quota_cost = decision.quota_cost
        logger.info(
            "Retrying %s after attempt %d of %d (%s%s, request id %s) in %.3f s",
            self.operation.name,
            self.attempt,
            self.settings.retry_policy.max_attempts,
            _describe(outcome),
            ", throttled" if outcome.is_throttling else "",
            request_id,
            decision.delay,
        )
        self._resume = self._start_attempt
        self._next = Sleep(decision.delay)

    def _log_final_error(self, decision: RetryDecision, outcome: Outcome) -> None:
        if decision.quota_reached:
            logger.warning(
                "Not retrying %s after attempt %d (%s): the client's retry quota is used up",
                self.operation.name,
                self.attempt,
                _describe(outcome),
            )
        elif decision.max_attempts_reached and self.attempt > 1:
            logger.info(
                "Giving up on %s after %d attempts (%s)",
                self.operation.name,
                self.attempt,
                _describe(outcome),
            )

    # -- requests ------------------------------------------------------------

    def _start_attempt(self) -> Event:
        self.attempt += 1
        return self._send_when_allowed()

    def _send_when_allowed(self) -> Event:
        """Return the signed request, or a Sleep when the adaptive rate limiter requires a wait."""
        wait = self.settings.retry_policy.send_delay()
        if wait > 0:
            logger.debug(
                "Client-side rate limit: waiting %.3f s before attempt %d of %s",
                wait,
                self.attempt,
                self.operation.name,
            )
            self._resume = self._send_when_allowed
            return Sleep(wait)
        self._attempt_timeout = _deadline_timeout(self.settings)
        return SendRequest(self._build_request(), self.attempt, self._attempt_timeout)

    def _build_request(self) -> HttpRequest:
        headers = {
            "User-Agent": self.settings.user_agent,
            "amz-sdk-invocation-id": self.invocation_id,
            "amz-sdk-request": self._sdk_request_header(),
        }
        headers.update(self.settings.signer(self._method, self._url, headers, b"", self._now()))
        return HttpRequest(self._method, self._url, headers)

    def _sdk_request_header(self) -> str:
        policy = self.settings.retry_policy
        self._apply_ttl_inputs()
        parts = [] if self._ttl is None else [f"ttl={self._ttl}"]
        parts.append(f"attempt={self.attempt}")
        if self.attempt > 1 or policy.announces_max_on_first_attempt:
            parts.append(f"max={policy.max_attempts}")
        return "; ".join(parts)

    def _update_ttl(self, headers: Mapping[str, str]) -> None:
        """Keep botocore's `ttl`: the server's time plus the read timeout.

        A response without a parseable `Date` keeps the previous value, as botocore does.
        """
        date = headers.get("date")
        if not date:
            return
        received = _naive_utc(self.settings.clock())
        local = _naive_utc(self.settings.clock())
        self._ttl_inputs = (date, received, local)

    def _apply_ttl_inputs(self) -> None:
        # Every response is followed by at most one request header, so the inputs
        # are always applied before the next response replaces them.
        if self._ttl_inputs is None:
            return
        date, received, local = self._ttl_inputs
        self._ttl_inputs = None
        try:
            server_time = datetime.datetime.strptime(date, _HTTP_DATE_FORMAT)
        except ValueError:
            return
        timeout = datetime.timedelta(seconds=self.settings.read_timeout)
        self._ttl = (local + timeout + (server_time - received)).strftime(_TTL_FORMAT)

    def _now(self) -> datetime.datetime:
        return self.settings.clock() + self.settings.clock_skew.offset


def _new_invocation_id() -> str:
    """Return a random version 4 UUID in the form of `str(uuid.uuid4())`.

    The `uuid` module is not used because on Linux it imports `platform` and runs
    `uname`: 1 to 2 ms of a cold start (`python -X importtime`, CPython 3.11).
    """
    value = bytearray(os.urandom(16))
    value[6] = (value[6] & 0x0F) | 0x40  # version 4
    value[8] = (value[8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = value.hex()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _describe(outcome: Outcome) -> str:
    if outcome.error is not None:
        return type(outcome.error).__name__
    if outcome.error_code:
        return f"{outcome.error_code}, HTTP {outcome.status}"
    return f"HTTP {outcome.status}"


def _naive_utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def _fits_deadline(delay: float | None, operation_name: str) -> bool:
    """Return False when sleeping `delay` seconds for a retry would pass the caller's deadline.

    The deadline comes from a deadline-bound paginator (`pagination/control.py`).
    """
    remaining = remaining_time.get()
    seconds_left = remaining() if remaining is not None else None
    if delay is None or seconds_left is None or delay < seconds_left:
        return True
    logger.info(
        "Not retrying %s: the retry delay of %.3f s would pass the deadline (%.3f s left)",
        operation_name,
        delay,
        seconds_left,
    )
    return False


def _deadline_timeout(settings: CallSettings) -> AttemptTimeout | None:
    """Return the client's timeouts capped at the time left before the caller's deadline.

    Returns None, keeping the client's timeouts, outside a deadline-bound run or
    when both timeouts already end before the deadline.

    NOTE: httpx applies the read timeout to each socket read, so a server that
    keeps sending a byte now and then can still hold a request past the deadline.
    """
    remaining = remaining_time.get()
    seconds_left = remaining() if remaining is not None else None
    if seconds_left is None:
        return None
    if seconds_left >= max(settings.connect_timeout, settings.read_timeout):
        return None

    cap = max(seconds_left, _MIN_CAPPED_TIMEOUT)
    return AttemptTimeout(
        connect=min(settings.connect_timeout, cap), read=min(settings.read_timeout, cap)
    )


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in ("x-amzn-requestid", "x-amz-request-id"):
        value = headers.get(name)
        if value:
            return value
    return None
