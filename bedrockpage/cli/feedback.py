"""Terminal feedback besides the result: redacted debug logs, progress and `--explain` lines.

Also the SIGINT handling that keeps Ctrl-C from splitting a page and its resume token.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import IO

from .arguments import PROGRAM

# -- logging ----------------------------------------------------------------------

_SECRET_PATTERNS = (
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"}\n]+"), r"\1<redacted>"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1<redacted>"),
    (re.compile(r"(?i)(signature=)[0-9a-f]+"), r"\1<redacted>"),
    (
        re.compile(r"(?i)(x-amz-security-token['\"]?\s*[:=]\s*['\"]?)[^'\",}&\s]+"),
        r"\1<redacted>",
    ),
    (
        re.compile(
            r"(?i)((?:secret_?access_?key|session_?token)['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+"
        ),
        r"\1<redacted>",
    ),
)


class RedactingFilter(logging.Filter):
    """Replaces credentials in log messages with `<redacted>`.

    The package never logs a secret; this filter also covers the messages of
    libraries underneath (httpx, httpcore) at DEBUG level.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, replacement in _SECRET_PATTERNS:
            message = pattern.sub(replacement, message)
        record.msg = message
        record.args = None
        return True


def configure_debug_logging(stream: IO[str]) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)


class ThrottleCounter(logging.Handler):
    """Counts the retries the transport logs for throttling errors ("Retrying ..., throttled")."""

    def __init__(self, on_throttle: Callable[[], None]) -> None:
        super().__init__(level=logging.INFO)
        self._on_throttle = on_throttle

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Retrying") and "throttled" in record.getMessage():
            self._on_throttle()


@contextlib.contextmanager
def counting_throttles(on_throttle: Callable[[], None]) -> Iterator[None]:
    logger = logging.getLogger("bedrockpage.transport")
    handler = ThrottleCounter(on_throttle)
    previous_level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


class Progress:
    """One status line on stderr (pages, jobs, elapsed time, throttles), redrawn in place."""

    def __init__(self, stream: IO[str], enabled: bool, clock: Callable[[], float]) -> None:
        self.enabled = enabled
        self.pages = 0
        self.items = 0
        self.throttles = 0
        self._stream = stream
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        return self._clock() - self._start

    def page(self, items: int) -> None:
        self.pages += 1
        self.items += items
        self.draw()

    def throttle(self) -> None:
        self.throttles += 1
        self.draw()

    def draw(self) -> None:
        if not self.enabled:
            return
        self._stream.write(
            f"\r\x1b[K{PROGRAM}: {self.pages} pages, {self.items} jobs, "
            f"{self.elapsed():.1f} s, {self.throttles} throttled"
        )
        self._stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


class Explainer:
    """Writes `--explain` lines on stderr; silent when disabled."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.enabled = enabled
        self._stream = stream

    def say(self, message: str) -> None:
        if self.enabled:
            self._stream.write(f"explain: {message}\n")
            self._stream.flush()


def describe_token(token: str) -> str:
    """Return what a pagination token holds: botocore's JSON state, or a raw service token."""
    import base64
    import binascii
    import json

    try:
        state = json.loads(base64.b64decode(token.encode("utf-8"), validate=True))
    except (ValueError, binascii.Error):
        return "a raw service token (sent as nextToken unchanged)"
    if not isinstance(state, dict):
        return "a raw service token (sent as nextToken unchanged)"
    return f"botocore token {json.dumps(state)}"


class Terminated(KeyboardInterrupt):
    """SIGTERM, as sent by `timeout`, containers and process managers to stop a run."""


class InterruptGuard:
    """Turns SIGINT and SIGTERM into exceptions, but never while a page is being written.

    Writing a page and recording its resume token happen together, so the
    printed resume command never skips or repeats a job. SIGINT raises
    KeyboardInterrupt and SIGTERM raises `Terminated`, a subclass of it.
    """

    def __init__(self) -> None:
        self._writing = False
        self._pending: KeyboardInterrupt | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        interrupt = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
        if self._writing:
            self._pending = interrupt
            return
        raise interrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        try:
            previous = {
                signum: signal.signal(signum, self.handle)
                for signum in (signal.SIGINT, signal.SIGTERM)
            }
        except ValueError:  # not the main thread: keep Python's default handlers
            yield
            return
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
        if self._pending is not None:
            interrupt, self._pending = self._pending, None
            raise interrupt
