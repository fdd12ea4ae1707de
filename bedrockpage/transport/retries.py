"""botocore's three retry modes (botocore 1.44.8), as pure decisions.

`standard` (`botocore.retries.standard`, the default):
- At most `max_attempts` attempts in all (3 by default).
- Retried: the throttling error codes, the transient error codes, HTTP 500/502/503/504,
  HTTP 429 whose error code is not one of the operation's modeled errors, and
  connection errors and timeouts.
- Delay before the retry after attempt n (from 1): `random() * min(scale * 2**(n-1), 20)`
  seconds, where scale is 1 s for throttling errors and 0.05 s otherwise, raised
  toward an `x-amz-retry-after` header (milliseconds) by at most 5 s.
- A client-wide retry quota of 500 units: a retry costs 14, or 5 for a throttling
  error. A 2xx gives back the last retry's cost, or 1 when the call needed no retry.

`legacy` (`botocore.retryhandler` with the `__default__` policies of `_retry.json`):
- At most 5 attempts in all by default.
- Retried: HTTP 429, 500, 502, 503, 504 and 509, HTTP 400 with one of `LEGACY_THROTTLING_CODES`,
  and connection errors, closed connections and read timeouts.
- Delay before the retry after attempt n: `random() * 2**(n-1)` seconds, without a cap.
- No retry quota.

`adaptive` (`botocore.retries.adaptive`): standard's decisions plus `ClientRateLimiter`,
a token bucket whose rate follows CUBIC once the service has throttled the client.
"""

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import ClassVar, NamedTuple

from ..exceptions import (
    MODELED_ERRORS,
    ConnectionClosedError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
    ResponseParserError,
)

logger = logging.getLogger("bedrockpage.transport")

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
TRANSIENT_STATUS_CODES = frozenset({500, 502, 503, 504})
THROTTLING_STATUS_CODES = frozenset({429})

MAX_BACKOFF = 20.0
THROTTLING_BASE_SCALE = 1.0
BASE_SCALE = 0.05
RETRY_AFTER_MAX_ADDITIONAL = 5.0

INITIAL_QUOTA = 500
RETRY_COST = 14
THROTTLING_RETRY_COST = 5
NO_RETRY_INCREMENT = 1

DEFAULT_MAX_ATTEMPTS = {"standard": 3, "adaptive": 3, "legacy": 5}

#: Legacy mode retries these codes only on HTTP 400, as `_retry.json` lists them.
LEGACY_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "ProvisionedThroughputExceededException",
    }
)
LEGACY_RETRY_STATUS_CODES = frozenset({429, 500, 502, 503, 504, 509})
#: botocore's `GENERAL_CONNECTION_ERROR` exceptions, mapped to bedrockpage's classes
#: (`ConnectTimeoutError` derives from `EndpointConnectionError`).
LEGACY_RETRY_EXCEPTIONS: tuple[type[HTTPClientError], ...] = (
    EndpointConnectionError,
    ConnectionClosedError,
    ReadTimeoutError,
)


class RetryQuota:
    """The token bucket that stops retry storms, shared by all calls of one client."""

    def __init__(self, capacity: int = INITIAL_QUOTA, available: int = INITIAL_QUOTA) -> None:
        self.capacity = capacity
        self.available = available
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RetryQuota(capacity={self.capacity!r}, available={self.available!r})"

    def acquire(self, amount: int) -> bool:
        with self._lock:
            if amount > self.available:
                return False
            self.available -= amount
            return True

    def release(self, amount: int) -> None:
        with self._lock:
            self.available = min(self.capacity, self.available + amount)


class Outcome(NamedTuple):
    """The result of one attempt, as input to the retry policy."""

    status: int | None = None
    error_code: str | None = None
    headers: Mapping[str, str] | None = None
    #: The connection error or timeout when no HTTP response arrived.
    error: BaseException | None = None

    @property
    def is_throttling(self) -> bool:
        """Standard mode's throttling test (`ThrottlingErrorDetector`)."""
        if self.error_code in THROTTLING_CODES:
            return True
        modeled = self.error_code in MODELED_ERRORS
        return self.status in THROTTLING_STATUS_CODES and not modeled

    @property
    def is_retryable(self) -> bool:
        """Standard mode's retry test, without the attempt limit."""
        if self.error is not None:
            # botocore retries its ConnectionError and HTTPClientError classes but
            # raises a ResponseParserError at once.
            return not isinstance(self.error, ResponseParserError)
        if self.is_throttling:
            return True
        return self.error_code in TRANSIENT_CODES or self.status in TRANSIENT_STATUS_CODES


class RetryDecision(NamedTuple):
    """The verdict on one failed attempt.

    `delay` is None when the call stops. The two flags are botocore's
    `MaxAttemptsReached` and `RetryQuotaReached` response metadata.
    """

    delay: float | None
    quota_cost: int | None = None
    max_attempts_reached: bool = False
    quota_reached: bool = False

    @property
    def retries(self) -> bool:
        return self.delay is not None

    def metadata(self) -> dict[str, bool]:
        """Return the keys botocore adds to `ResponseMetadata` for this decision."""
        flags: dict[str, bool] = {}
        if self.max_attempts_reached:
            flags["MaxAttemptsReached"] = True
        if self.quota_reached:
            flags["RetryQuotaReached"] = True
        return flags


class RetryPolicy:
    """botocore's `standard` retry mode; `random` is injectable for deterministic tests.

    `decide` also runs for successful attempts, because botocore's handler does
    and sets `MaxAttemptsReached` on a success at the last allowed attempt.
    """

    mode: ClassVar[str] = "standard"
    #: botocore sends `max=` in `amz-sdk-request` from the first attempt in this mode.
    announces_max_on_first_attempt: ClassVar[bool] = True

    def __init__(
        self,
        max_attempts: int | None = None,
        quota: RetryQuota | None = None,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.max_attempts = (
            DEFAULT_MAX_ATTEMPTS[self.mode] if max_attempts is None else max_attempts
        )
        self.quota = RetryQuota() if quota is None else quota
        self.random = random

    def __repr__(self) -> str:
        return f"{type(self).__name__}(max_attempts={self.max_attempts!r}, quota={self.quota!r})"

    def decide(self, attempt: int, outcome: Outcome) -> RetryDecision:
        """Return whether and when to retry after attempt number `attempt` (from 1).

        Takes the retry's cost from the quota when it returns a retry.
        """
        if attempt >= self.max_attempts:
            return RetryDecision(delay=None, max_attempts_reached=True)
        if not outcome.is_retryable:
            return RetryDecision(delay=None)

        cost = THROTTLING_RETRY_COST if outcome.is_throttling else RETRY_COST
        if not self.quota.acquire(cost):
            return RetryDecision(delay=None, quota_reached=True)
        return RetryDecision(delay=self._backoff(attempt, outcome), quota_cost=cost)

    def cancel_retry(self, decision: RetryDecision) -> None:
        """Give back the quota a retry took when the caller does not make that retry."""
        if decision.quota_cost:
            self.quota.release(decision.quota_cost)

    def record_success(self, last_quota_cost: int | None) -> None:
        """Give quota back after a 2xx: the last retry's cost, or 1 without retries."""
        self.quota.release(last_quota_cost or NO_RETRY_INCREMENT)

    def record_response(self, outcome: Outcome) -> None:
        """Note every attempt's outcome; only the adaptive mode uses it."""

    def send_delay(self) -> float:
        """Return how long to wait before sending; only the adaptive mode waits."""
        return 0.0

    def _backoff(self, attempt: int, outcome: Outcome) -> float:
        scale = THROTTLING_BASE_SCALE if outcome.is_throttling else BASE_SCALE
        delay = self.random() * min(scale * 2.0 ** (attempt - 1), MAX_BACKOFF)

        retry_after = _retry_after_seconds(outcome.headers)
        if retry_after is not None:
            delay = max(delay, min(retry_after, RETRY_AFTER_MAX_ADDITIONAL + delay))
        return delay


class LegacyRetryPolicy(RetryPolicy):
    """botocore's `legacy` retry mode: fixed status and code lists, no quota, no cap on delays."""

    mode: ClassVar[str] = "legacy"
    # botocore fills in `max=` only once the first response has been checked.
    announces_max_on_first_attempt: ClassVar[bool] = False

    def decide(self, attempt: int, outcome: Outcome) -> RetryDecision:
        if not _legacy_retryable(outcome):
            return RetryDecision(delay=None)
        if attempt >= self.max_attempts:
            # botocore flags this only on responses; exceptions propagate unchanged.
            return RetryDecision(delay=None, max_attempts_reached=outcome.error is None)
        return RetryDecision(delay=self.random() * 2.0 ** (attempt - 1))

    def record_success(self, last_quota_cost: int | None) -> None:
        """Legacy mode has no quota."""


def _legacy_retryable(outcome: Outcome) -> bool:
    if outcome.error is not None:
        return isinstance(outcome.error, LEGACY_RETRY_EXCEPTIONS)
    if outcome.status in LEGACY_RETRY_STATUS_CODES:
        return True
    return outcome.status == 400 and outcome.error_code in LEGACY_THROTTLING_CODES


class AdaptiveRetryPolicy(RetryPolicy):
    """botocore's `adaptive` retry mode: standard decisions plus a client-side rate limiter."""

    mode: ClassVar[str] = "adaptive"

    def __init__(
        self,
        max_attempts: int | None = None,
        quota: RetryQuota | None = None,
        random: Callable[[], float] = random.random,
        rate_limiter: "ClientRateLimiter | None" = None,
    ) -> None:
        super().__init__(max_attempts, quota, random)
        self.rate_limiter = ClientRateLimiter() if rate_limiter is None else rate_limiter

    def record_response(self, outcome: Outcome) -> None:
        self.rate_limiter.record_response(throttled=outcome.is_throttling)

    def send_delay(self) -> float:
        return self.rate_limiter.acquire_or_wait()


def _retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    value = headers.get("x-amz-retry-after")
    if value is None:
        return None
    try:
        seconds = int(value) / 1000
    except (ValueError, OverflowError):
        return None
    return seconds if seconds >= 0 else None


# -- adaptive mode: botocore.retries.bucket, .throttling and .adaptive ---------


class TokenBucket:
    """Send tokens refilled at `max_rate` per second (`botocore.retries.bucket.TokenBucket`).

    botocore blocks in `acquire`. This class returns the wait instead, so the
    caller sleeps (or awaits) and calls again.
    """

    MIN_RATE = 0.5

    def __init__(self, max_rate: float, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._current_capacity = 0.0
        self._last_timestamp: float | None = None
        self._fill_rate = self.MIN_RATE
        self._max_capacity = 1.0
        self.max_rate = max_rate

    @property
    def max_rate(self) -> float:
        return self._fill_rate

    @max_rate.setter
    def max_rate(self, value: float) -> None:
        # Tokens earned at the old rate are credited before the rate changes.
        self._refill()
        self._fill_rate = max(value, self.MIN_RATE)
        self._max_capacity = value if value >= 1 else 1.0
        self._current_capacity = min(self._current_capacity, self._max_capacity)

    @property
    def available_capacity(self) -> float:
        return self._current_capacity

    def acquire_or_wait(self, amount: float = 1.0) -> float:
        """Take `amount` tokens and return 0, or return the seconds until they are there."""
        self._refill()
        if amount <= self._current_capacity:
            self._current_capacity -= amount
            return 0.0
        return (amount - self._current_capacity) / self._fill_rate

    def _refill(self) -> None:
        timestamp = self._clock()
        if self._last_timestamp is None:
            self._last_timestamp = timestamp
            return
        fill_amount = (timestamp - self._last_timestamp) * self._fill_rate
        self._current_capacity = min(self._max_capacity, self._current_capacity + fill_amount)
        self._last_timestamp = timestamp


class CubicCalculator:
    """The CUBIC send-rate curve (`botocore.retries.throttling.CubicCalculator`)."""

    SCALE_CONSTANT = 0.4
    BETA = 0.7

    def __init__(self, starting_max_rate: float, start_time: float) -> None:
        self.w_max = starting_max_rate
        self.k = self._zero_point()
        self.last_fail = start_time

    def success_received(self, timestamp: float) -> float:
        elapsed = timestamp - self.last_fail
        return self.SCALE_CONSTANT * (elapsed - self.k) ** 3 + self.w_max

    def error_received(self, current_rate: float, timestamp: float) -> float:
        self.w_max = current_rate
        self.k = self._zero_point()
        self.last_fail = timestamp
        return current_rate * self.BETA

    def _zero_point(self) -> float:
        scaled: float = (self.w_max * (1 - self.BETA)) / self.SCALE_CONSTANT
        return float(scaled ** (1 / 3.0))


class RateClocker:
    """The smoothed rate at which the client sends (`botocore.retries.adaptive.RateClocker`)."""

    SMOOTHING = 0.8
    TIME_BUCKET_RANGE = 0.5

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.measured_rate = 0.0
        self._last_bucket = float(math.floor(clock()))
        self._time_bucket_scale = 1 / self.TIME_BUCKET_RANGE
        self._count = 0

    def record(self) -> float:
        t = self._clock()
        bucket = math.floor(t * self._time_bucket_scale) / self._time_bucket_scale
        self._count += 1
        if bucket > self._last_bucket:
            current_rate = self._count / float(bucket - self._last_bucket)
            self.measured_rate = current_rate * self.SMOOTHING + self.measured_rate * (
                1 - self.SMOOTHING
            )
            self._count = 0
            self._last_bucket = bucket
        return self.measured_rate


class ClientRateLimiter:
    """Client-side rate limiting of adaptive mode (`botocore.retries.adaptive.ClientRateLimiter`).

    Off until the first throttling response; from then on every attempt takes a
    token before it is sent. `clock` returns seconds (monotonic by default, where
    botocore reads `time.time()`); tests inject a fake one. Thread-safe.
    """

    MAX_RATE_ADJUST_SCALE = 2.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._rate_adjustor = CubicCalculator(starting_max_rate=0, start_time=clock())
        self._token_bucket = TokenBucket(max_rate=1, clock=clock)
        self._rate_clocker = RateClocker(clock)
        self.enabled = False
        self._lock = threading.Lock()

    @property
    def send_rate(self) -> float:
        """The token bucket's fill rate in requests per second."""
        return self._token_bucket.max_rate

    def acquire_or_wait(self) -> float:
        """Take a send token and return 0, or return the seconds to wait before asking again."""
        with self._lock:
            if not self.enabled:
                return 0.0
            return self._token_bucket.acquire_or_wait()

    def record_response(self, *, throttled: bool) -> None:
        """Adjust the send rate after any attempt, failed or not."""
        with self._lock:
            measured_rate = self._rate_clocker.record()
            timestamp = self._clock()
            if not throttled:
                new_rate = self._rate_adjustor.success_received(timestamp)
            else:
                rate_to_use = measured_rate
                if self.enabled:
                    rate_to_use = min(measured_rate, self._token_bucket.max_rate)
                new_rate = self._rate_adjustor.error_received(rate_to_use, timestamp)
                self.enabled = True
                logger.debug(
                    "Throttled: client-side send rate now %.3f requests/s (measured %.3f)",
                    max(
                        min(new_rate, self.MAX_RATE_ADJUST_SCALE * measured_rate),
                        TokenBucket.MIN_RATE,
                    ),
                    measured_rate,
                )
            self._token_bucket.max_rate = min(new_rate, self.MAX_RATE_ADJUST_SCALE * measured_rate)


RETRY_POLICIES: dict[str, type[RetryPolicy]] = {
    "standard": RetryPolicy,
    "legacy": LegacyRetryPolicy,
    "adaptive": AdaptiveRetryPolicy,
}
