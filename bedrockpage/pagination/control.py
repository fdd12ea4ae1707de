"""Run control for paginated listings: a deadline, checkpoints and pacing, without I/O.

Rules this module keeps:

- A run stops between pages, never in the middle of one, when the next page
  could not finish before `deadline - safety_margin`. The next page is
  estimated to take as long as the slowest of the last few pages (or
  `first_page_estimate` before any page arrived).
- A run that stopped for the deadline reports `stop_reason == "deadline"`; the
  iterator's `checkpoint_token` then resumes exactly after the last item
  delivered.
- While a request of a deadline-bound run is in flight, `remaining_seconds()`
  is published to the transport, which does not sleep for a retry that would
  end past the deadline and raises the last error instead.
- The transport also caps each request's connect and read timeouts at
  `remaining_seconds()`. A request that times out because of that cap raises
  `DeadlineTimeoutError`, and the drivers end the run as a deadline stop. A
  timeout shorter than the time left stays the transport's own error.
- Pacing: with `max_pages_per_second = r`, requests start at least `1 / r`
  seconds apart, measured from the start of the previous request. Retries
  inside one request are not paced; the retry policy spaces those.
- `on_page(page, resume_token)` runs for each page before the iterator yields
  it. `resume_token` resumes after that page, or is None when it was the last.

The drivers (`sync.py`, `aio.py`) do the sleeping, with the `sleep` and
`async_sleep` functions of `PageControl`, so a test can inject a fake clock
and sleep (tests/test_control.py does).
"""

import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any, NamedTuple

from ..exceptions import HTTPClientError, ParamValidationError

logger = logging.getLogger("bedrockpage.pagination")

#: Seconds kept free before the deadline when the caller sets no margin.
DEFAULT_SAFETY_MARGIN = 1.0
#: How many recent page durations the next-page estimate looks at.
ESTIMATE_WINDOW = 5

Clock = Callable[[], float]
PageCallback = Callable[[dict[str, Any], "str | None"], object]

#: Keyword arguments of `paginate()` that configure run control, not the request.
CONTROL_OPTIONS = ("deadline", "safety_margin", "max_pages_per_second", "on_page", "control")

#: Returns the seconds a request may still use before the caller's deadline, or None.
#: A deadline-bound run sets it around each request. The transport (`transport/call.py`)
#: caps each attempt's timeouts at it and does not sleep for a retry that would end past it.
remaining_time: ContextVar[Callable[[], float | None] | None] = ContextVar(
    "bedrockpage_remaining_time", default=None
)


class DeadlineTimeoutError(HTTPClientError):
    """A request timed out because its timeout was capped at the time left before the deadline.

    The page drivers catch it and end the run as a deadline stop. Code wrapping
    the paginated method sees it on its way out, as an `HTTPClientError`.
    """


async def _asyncio_sleep(seconds: float) -> None:
    # Imported here so that sync-only programs (and Lambda cold starts) skip asyncio.
    import asyncio

    await asyncio.sleep(seconds)


class Deadline:
    """A point in time on a monotonic clock, after which no new page is requested.

    Build it with `Deadline.at(monotonic_time)`, `Deadline.after(seconds)` or
    `Deadline.from_remaining_millis(context.get_remaining_time_in_millis)`.
    """

    def __init__(self, remaining: Callable[[], float]) -> None:
        self._remaining = remaining

    @classmethod
    def at(cls, monotonic_time: float, *, clock: Clock = time.monotonic) -> "Deadline":
        """Return a deadline at `monotonic_time`, a value of `clock` (`time.monotonic`)."""
        return cls(lambda: monotonic_time - clock())

    @classmethod
    def after(cls, seconds: float, *, clock: Clock = time.monotonic) -> "Deadline":
        """Return a deadline `seconds` from now."""
        return cls.at(clock() + seconds, clock=clock)

    @classmethod
    def from_remaining_millis(cls, remaining_millis: Callable[[], float]) -> "Deadline":
        """Return a deadline read from a function giving the milliseconds left.

        AWS Lambda's `context.get_remaining_time_in_millis` is such a function.
        """
        return cls(lambda: remaining_millis() / 1000.0)

    def remaining(self) -> float:
        """Return the seconds left before the deadline; negative once it has passed."""
        return float(self._remaining())

    def __repr__(self) -> str:
        return f"Deadline(remaining={self.remaining():.3f} s)"


def as_deadline(
    value: Deadline | float | Callable[[], float] | None, clock: Clock
) -> Deadline | None:
    """Convert the `deadline=` argument of `paginate()`.

    A number is seconds from now. A callable returns the milliseconds left, as
    Lambda's `context.get_remaining_time_in_millis` does. For a monotonic time,
    pass `Deadline.at(time)`.
    """
    if value is None or isinstance(value, Deadline):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Deadline.after(float(value), clock=clock)
    if callable(value):
        return Deadline.from_remaining_millis(value)
    raise ParamValidationError(
        f"Invalid deadline {value!r}: pass seconds from now (a number), a function returning "
        "the milliseconds left (such as a Lambda context's get_remaining_time_in_millis), "
        "or Deadline.at(time.monotonic() + seconds)."
    )


class _PageControlFields(NamedTuple):
    deadline: Deadline | None = None
    safety_margin: float = DEFAULT_SAFETY_MARGIN
    max_pages_per_second: float | None = None
    on_page: PageCallback | None = None
    first_page_estimate: float = 0.0
    clock: Clock = time.monotonic
    sleep: Callable[[float], object] = time.sleep
    async_sleep: Callable[[float], Awaitable[object]] = _asyncio_sleep


class PageControl(_PageControlFields):
    """The deadline, pacing and checkpoint callback of one `paginate()` run, immutable.

    Times are seconds. `clock` must be monotonic; `sleep` and `async_sleep`
    wait for pacing (sync and async drivers). Invalid values raise
    ParamValidationError when the PageControl is created.
    """

    # A NamedTuple, not a dataclass, to keep class creation out of the cold start.
    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> "PageControl":
        control = super().__new__(cls, *args, **kwargs)
        _check_non_negative("safety_margin", control.safety_margin)
        _check_non_negative("first_page_estimate", control.first_page_estimate)
        rate = control.max_pages_per_second
        if rate is not None and (isinstance(rate, bool) or not _is_number(rate) or rate <= 0):
            raise ParamValidationError(
                f"Invalid max_pages_per_second {rate!r}: pass a number greater than 0, "
                "or None for no pacing."
            )
        if control.on_page is not None and not callable(control.on_page):
            raise ParamValidationError(
                f"Invalid on_page {control.on_page!r}: pass a function taking (page, resume_token)."
            )
        return control

    def start(self) -> "ControlledRun":
        return ControlledRun(self)


def pop_control_options(kwargs: dict[str, Any]) -> PageControl:
    """Remove the run-control keywords from `paginate()` arguments and build a `PageControl`.

    `control=PageControl(...)` passes a prepared object (with an injected clock,
    for example); the other keywords then override its fields.
    """
    options = {name: kwargs.pop(name) for name in CONTROL_OPTIONS if name in kwargs}
    base = options.pop("control", None) or PageControl()
    if not isinstance(base, PageControl):
        raise ParamValidationError(f"Invalid control {base!r}: pass a PageControl instance.")
    if not options:
        return base

    if "deadline" in options:
        options["deadline"] = as_deadline(options["deadline"], base.clock)
    # Built anew rather than with _replace, so that the new values are checked.
    return PageControl(**{**base._asdict(), **options})


class ControlledRun:
    """The control state of one run: page timings, pacing and the stop decision."""

    def __init__(self, control: PageControl) -> None:
        self.control = control
        #: "deadline" when the run stopped because the next page would not fit.
        self.stop_reason: str | None = None
        self._durations: deque[float] = deque(maxlen=ESTIMATE_WINDOW)
        self._last_request_start: float | None = None
        self._request_start: float | None = None
        # The seconds left at the last deadline check, with the `clock` reading then.
        self._deadline_reading: tuple[float, float] | None = None

    def next_delay(self) -> float | None:
        """Return the seconds to wait before the next request, or None to stop for the deadline."""
        delay = self._pacing_delay()
        deadline = self.control.deadline
        if deadline is None:
            return delay

        needed = delay + self.estimate_next_page() + self.control.safety_margin
        seconds_left = deadline.remaining()
        self._deadline_reading = (seconds_left, self.control.clock())
        if seconds_left < needed:
            self.stop_reason = "deadline"
            return None
        return delay

    def estimate_next_page(self) -> float:
        """Return the expected duration of the next page: the slowest recent page."""
        if not self._durations:
            return self.control.first_page_estimate
        return max(self._durations)

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Time one request and publish the deadline to the transport while it runs."""
        start = self.control.clock()
        self._last_request_start = start
        publish = self.control.deadline is not None
        marker = remaining_time.set(self.remaining_seconds) if publish else None
        try:
            yield
        finally:
            if marker is not None:
                remaining_time.reset(marker)
        self._durations.append(max(0.0, self.control.clock() - start))

    def stop_for_deadline(self, error: DeadlineTimeoutError) -> None:
        """Record that a request timed out at the deadline, which ends the run."""
        logger.info("Stopping the listing at the deadline: %s", error)
        self.stop_reason = "deadline"

    def page_received(self, page: dict[str, Any], resume_token: str | None) -> None:
        if self.control.on_page is not None:
            self.control.on_page(page, resume_token)

    def remaining_seconds(self) -> float | None:
        """Return the seconds a request may still use: time left minus the safety margin.

        After a deadline check, the time left is that check's reading minus the
        `clock` time since, so the deadline function (a Lambda context's, say) is
        called once per page, not again by the transport for each attempt. This
        assumes the deadline and `clock` advance at the same rate.
        """
        deadline = self.control.deadline
        if deadline is None:
            return None
        if self._deadline_reading is None:
            seconds_left = deadline.remaining()
        else:
            seconds_then, read_at = self._deadline_reading
            seconds_left = seconds_then - (self.control.clock() - read_at)
        return seconds_left - self.control.safety_margin

    def _pacing_delay(self) -> float:
        rate = self.control.max_pages_per_second
        if rate is None or self._last_request_start is None:
            return 0.0
        next_start = self._last_request_start + 1.0 / rate
        return max(0.0, next_start - self.control.clock())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_non_negative(name: str, value: Any) -> None:
    if not _is_number(value) or value < 0:
        raise ParamValidationError(
            f"Invalid {name} {value!r}: pass a number of seconds, 0 or more."
        )
