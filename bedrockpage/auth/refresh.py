"""Temporary credentials that refresh themselves before they expire.

The refresh windows and locking follow botocore's `RefreshableCredentials`
(botocore 1.44): within 15 minutes of expiry (the advisory window) one caller
refreshes while the others keep using the current credentials, and a failed
refresh is logged and ignored. Within 10 minutes of expiry (the mandatory
window) every caller waits for the refresh, and a failure is raised.
"""

import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, Protocol

from ..exceptions import CredentialRetrievalError
from .credentials import Credentials

logger = logging.getLogger("bedrockpage.auth.refresh")

#: Seconds before expiry at which one caller starts a refresh without blocking the others.
ADVISORY_REFRESH_SECONDS = 15 * 60
#: Seconds before expiry at which every caller blocks until the refresh is done.
MANDATORY_REFRESH_SECONDS = 10 * 60

#: Returns the current time as a timezone-aware datetime.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class TemporaryCredentials(NamedTuple):
    """Credentials with the time they expire (None for credentials that never expire)."""

    credentials: Credentials
    expiry_time: datetime | None = None


#: Fetches a new set of credentials. It raises on failure; it never returns partial values.
RefreshFunction = Callable[[], TemporaryCredentials]


class CredentialSource(Protocol):
    """Anything that hands out a consistent `Credentials` snapshot for signing one request."""

    @property
    def method(self) -> str: ...

    def get_frozen(self) -> Credentials: ...

    async def get_frozen_async(self) -> Credentials: ...


class StaticCredentials:
    """A `CredentialSource` for credentials without an expiry (access keys, explicit arguments)."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    @property
    def method(self) -> str:
        return self._credentials.method

    def get_frozen(self) -> Credentials:
        return self._credentials

    async def get_frozen_async(self) -> Credentials:
        return self._credentials

    def __repr__(self) -> str:
        return f"StaticCredentials({self._credentials!r})"


class RefreshableCredentials:
    """Temporary credentials that call `refresh_using` shortly before they expire.

    With `initial=None` the credentials are deferred: the first `get_frozen()`
    call fetches them, so building a provider chain sends no request.
    Thread-safe: one lock guards the refresh. Async callers use
    `get_frozen_async()`, which runs a needed refresh in a worker thread so the
    event loop never blocks on STS or a metadata service.
    """

    def __init__(
        self,
        refresh_using: RefreshFunction,
        *,
        method: str,
        initial: TemporaryCredentials | None = None,
        clock: Clock = utc_now,
        advisory_timeout: float = ADVISORY_REFRESH_SECONDS,
        mandatory_timeout: float = MANDATORY_REFRESH_SECONDS,
    ) -> None:
        self._refresh_using = refresh_using
        self._method = method
        self._clock = clock
        self._advisory_timeout = advisory_timeout
        self._mandatory_timeout = mandatory_timeout
        self._refresh_lock = threading.Lock()
        self._frozen: Credentials | None = None
        self._expiry_time: datetime | None = None
        if initial is not None:
            self._publish(initial)

    @property
    def method(self) -> str:
        return self._method

    @property
    def expiry_time(self) -> datetime | None:
        return self._expiry_time

    def refresh_needed(self, refresh_in: float | None = None) -> bool:
        """Return True when the credentials expire within `refresh_in` seconds.

        `refresh_in` defaults to the advisory window.
        """
        if self._frozen is None:
            return True
        if self._expiry_time is None:
            return False
        if refresh_in is None:
            refresh_in = self._advisory_timeout
        remaining = (self._expiry_time - self._clock()).total_seconds()
        return remaining < refresh_in

    def get_frozen(self) -> Credentials:
        """Return a consistent snapshot, refreshing first when the expiry is near.

        Raises CredentialRetrievalError (or the provider's error) when a
        mandatory refresh fails.
        """
        self._refresh()
        frozen = self._frozen
        if frozen is None:  # pragma: no cover - _refresh either publishes or raises
            raise CredentialRetrievalError(self._method, "credentials were never loaded")
        return frozen

    async def get_frozen_async(self) -> Credentials:
        """Return `get_frozen()`, running a needed refresh in a worker thread."""
        frozen = self._frozen
        if frozen is not None and not self.refresh_needed():
            return frozen
        # Imported here: a sync client would otherwise pay for asyncio at start-up.
        import asyncio

        return await asyncio.to_thread(self.get_frozen)

    def _refresh(self) -> None:
        if not self.refresh_needed(self._advisory_timeout):
            return

        # In the advisory window only one caller refreshes; the others go on
        # with the current credentials instead of waiting for it.
        if self._refresh_lock.acquire(blocking=False):
            try:
                if not self.refresh_needed(self._advisory_timeout):
                    return
                is_mandatory = self.refresh_needed(self._mandatory_timeout)
                self._protected_refresh(is_mandatory=is_mandatory)
            finally:
                self._refresh_lock.release()
            return

        if self.refresh_needed(self._mandatory_timeout):
            with self._refresh_lock:
                if not self.refresh_needed(self._mandatory_timeout):
                    return
                self._protected_refresh(is_mandatory=True)

    def _protected_refresh(self, *, is_mandatory: bool) -> None:
        """Refresh while holding the lock; keep the old credentials if an advisory refresh fails."""
        try:
            fetched = self._refresh_using()
        except Exception as error:
            period = "mandatory" if is_mandatory else "advisory"
            logger.warning(
                "Refreshing temporary credentials from %s failed during the %s refresh period: %s",
                self._method,
                period,
                error,
            )
            if is_mandatory:
                raise
            return

        self._publish(fetched)

        if self.refresh_needed(0):
            raise CredentialRetrievalError(
                self._method,
                f"the refreshed credentials are already expired (expiry {self._expiry_time}); "
                "check the clock of this machine and the credential source.",
            )

    def _publish(self, fetched: TemporaryCredentials) -> None:
        self._frozen = fetched.credentials._replace(method=self._method)
        self._expiry_time = fetched.expiry_time
        logger.debug("Credentials from %s expire at %s", self._method, self._expiry_time)

    def __repr__(self) -> str:
        access_key = self._frozen.access_key if self._frozen else None
        return (
            f"RefreshableCredentials(method={self._method!r}, access_key={access_key!r}, "
            f"expiry_time={self._expiry_time!r})"
        )


# Compiled by `re` on first use: static credentials never need it.
_TIMESTAMP = (
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$"
)


def parse_timestamp(value: str, *, name: str = "Expiration") -> datetime:
    """Parse an ISO 8601 timestamp such as `2025-01-01T00:00:00Z` into an aware datetime.

    A timestamp without an offset is taken as UTC. `datetime.fromisoformat`
    is not enough on Python 3.10, which rejects `Z` and fractions that are
    not 3 or 6 digits long.
    """
    match = re.match(_TIMESTAMP, value.strip())
    if match is None:
        raise ValueError(
            f"Invalid {name} timestamp {value!r}: expected ISO 8601 such as 2025-01-01T00:00:00Z."
        )

    year, month, day, hour, minute, second = (int(part) for part in match.group(1, 2, 3, 4, 5, 6))
    microsecond = int((match.group(7) or "0")[:6].ljust(6, "0"))
    tzinfo = timezone.utc
    if match.group(9):
        offset = timedelta(hours=int(match.group(10)), minutes=int(match.group(11)))
        tzinfo = timezone(-offset if match.group(9) == "-" else offset)

    try:
        return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tzinfo)
    except ValueError as error:
        raise ValueError(f"Invalid {name} timestamp {value!r}: {error}.") from error
