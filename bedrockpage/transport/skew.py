"""Clock-skew correction: sign with the server's idea of the time after a skew error."""

from __future__ import annotations

import datetime
import email.utils
import threading
from collections.abc import Mapping

SKEW_ERROR_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "AuthFailure",
    }
)

#: SigV4 signatures are valid for 5 minutes around the server's time. A gap
#: above 4 minutes is taken as skew rather than as a genuinely bad signature.
SKEW_THRESHOLD = datetime.timedelta(minutes=4)


class ClockSkew:
    """The offset added to the local clock when signing, shared by a client's calls."""

    def __init__(self, offset: datetime.timedelta = datetime.timedelta(0)) -> None:
        self.offset = offset
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClockSkew(offset={self.offset!r})"

    def correct(
        self, error_code: str | None, headers: Mapping[str, str], local_now: datetime.datetime
    ) -> bool:
        """Adopt the server's time when `error_code` is a skew error; return True if it changed.

        `local_now` is the corrected time used for the failed request, so a second
        skew error against an already corrected clock changes nothing.
        """
        if error_code not in SKEW_ERROR_CODES:
            return False
        server_time = _parse_http_date(headers.get("date"))
        if server_time is None:
            return False

        gap = server_time - local_now
        if abs(gap) <= SKEW_THRESHOLD:
            return False
        with self._lock:
            self.offset += gap
        return True


def _parse_http_date(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed
