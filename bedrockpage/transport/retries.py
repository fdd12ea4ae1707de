"""botocore's `standard` retry mode (botocore 1.44), as pure decisions.

- At most `max_attempts` attempts in all (3 by default).
- Retried: the throttling error codes, the transient codes, HTTP 500/502/503/504,
  HTTP 429 with an unmodeled code, and connection errors and timeouts.
- Delay before retry i (0-based): `random() * min(scale * 2**i, 20)` seconds,
  where scale is 1 s for throttling errors and 0.05 s otherwise, raised toward
  an `x-amz-retry-after` header (in milliseconds) by at most 5 s.
- A client-wide retry quota of 500 units: a retry costs 14 (5 for throttling);
  a success gives back the last cost, or 1 when no retry was needed.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..exceptions import MODELED_ERRORS

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


@dataclass
class RetryQuota:
    """The token bucket that stops retry storms; shared by all calls of one client."""

    capacity: int = INITIAL_QUOTA
    available: int = INITIAL_QUOTA
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def acquire(self, amount: int) -> bool:
        with self._lock:
            if amount > self.available:
                return False
            self.available -= amount
            return True

    def release(self, amount: int) -> None:
        with self._lock:
            self.available = min(self.capacity, self.available + amount)


@dataclass(frozen=True)
class Outcome:
    """What one attempt produced, as the retry policy sees it."""

    status: int | None = None
    error_code: str | None = None
    headers: Mapping[str, str] | None = None
    #: True for connection errors and timeouts (no HTTP response).
    transport_error: bool = False

    @property
    def is_throttling(self) -> bool:
        if self.error_code in THROTTLING_CODES:
            return True
        modeled = self.error_code in MODELED_ERRORS
        return self.status in THROTTLING_STATUS_CODES and not modeled

    @property
    def is_retryable(self) -> bool:
        if self.transport_error or self.is_throttling:
            return True
        return self.error_code in TRANSIENT_CODES or self.status in TRANSIENT_STATUS_CODES


@dataclass(frozen=True)
class Retry:
    """A decision to retry: sleep `delay` seconds first; `quota_cost` was taken from the quota."""

    delay: float
    quota_cost: int


@dataclass
class RetryPolicy:
    """Decides whether and when to retry; `random` is injectable for deterministic tests."""

    max_attempts: int = 3
    mode: str = "standard"
    quota: RetryQuota = field(default_factory=RetryQuota)
    random: Callable[[], float] = random.random

    def plan_retry(self, attempt: int, outcome: Outcome) -> Retry | None:
        """Return the retry after attempt number `attempt` (from 1), or None to stop.

        Acquires retry quota when it returns a retry.
        """
        if not outcome.is_retryable or attempt >= self.max_attempts:
            return None
        cost = THROTTLING_RETRY_COST if outcome.is_throttling else RETRY_COST
        if not self.quota.acquire(cost):
            return None
        return Retry(delay=self._backoff(attempt, outcome), quota_cost=cost)

    def record_success(self, last_retry: Retry | None) -> None:
        """Give quota back after a 2xx: the last retry's cost, or 1 without retries."""
        self.quota.release(last_retry.quota_cost if last_retry else NO_RETRY_INCREMENT)

    def _backoff(self, attempt: int, outcome: Outcome) -> float:
        scale = THROTTLING_BASE_SCALE if outcome.is_throttling else BASE_SCALE
        delay = self.random() * min(scale * 2.0 ** (attempt - 1), MAX_BACKOFF)

        retry_after = _retry_after_seconds(outcome.headers)
        if retry_after is not None:
            delay = max(delay, min(retry_after, RETRY_AFTER_MAX_ADDITIONAL + delay))
        return delay


def _retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    if not headers:
        return None
    value = headers.get("x-amz-retry-after")
    if value is None:
        return None
    try:
        return int(value) / 1000
    except ValueError:
        return None
