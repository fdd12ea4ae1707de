"""RefreshableCredentials: botocore's advisory (15 min) and mandatory (10 min) windows.

Time comes from an injected clock and threads meet on events, so nothing
sleeps and no test depends on timing.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from bedrockpage.auth.credentials import Credentials
from bedrockpage.auth.refresh import (
    RefreshableCredentials,
    StaticCredentials,
    TemporaryCredentials,
    parse_timestamp,
)
from bedrockpage.exceptions import CredentialRetrievalError
from tests.support.aws_files import FakeClock

SECRET = "SENTINEL-REFRESH-SECRET"
TOKEN = "SENTINEL-REFRESH-TOKEN"


class ScriptedRefresh:
    """A refresh function that hands out ASIAREFRESH1, 2, ... each valid for `lifetime` seconds."""

    def __init__(self, clock: FakeClock, lifetime: float = 3600) -> None:
        self.clock = clock
        self.lifetime = lifetime
        self.calls = 0
        self.failure: Exception | None = None

    def __call__(self) -> TemporaryCredentials:
        self.calls += 1
        if self.failure is not None:
            raise self.failure
        credentials = Credentials(f"ASIAREFRESH{self.calls}", SECRET, TOKEN, method="test")
        expiry = parse_timestamp(self.clock.iso_in(self.lifetime))
        return TemporaryCredentials(credentials, expiry)


def loaded(clock: FakeClock, refresh: Callable[[], TemporaryCredentials]) -> RefreshableCredentials:
    first = refresh()
    return RefreshableCredentials(refresh, method="test", initial=first, clock=clock)


def test_no_refresh_outside_advisory_window() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)

    clock.advance(3600 - 15 * 60)

    assert credentials.get_frozen().access_key == "ASIAREFRESH1"
    assert refresh.calls == 1


def test_refresh_inside_advisory_window() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)

    clock.advance(3600 - 15 * 60 + 1)

    assert credentials.get_frozen().access_key == "ASIAREFRESH2"
    assert refresh.calls == 2
    assert credentials.expiry_time == clock.now + timedelta(hours=1)


def test_refresh_needed_boundaries() -> None:
    clock = FakeClock()
    credentials = loaded(clock, ScriptedRefresh(clock))

    clock.advance(3600 - 15 * 60)
    assert not credentials.refresh_needed()
    clock.advance(1)
    assert credentials.refresh_needed()
    assert not credentials.refresh_needed(10 * 60)
    clock.advance(5 * 60)
    assert credentials.refresh_needed(10 * 60)


def test_advisory_failure_keeps_old_credentials(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    refresh.failure = CredentialRetrievalError("test", "service unavailable")

    clock.advance(3600 - 12 * 60)

    assert credentials.get_frozen().access_key == "ASIAREFRESH1"
    assert "advisory" in caplog.text
    assert "service unavailable" in caplog.text


def test_mandatory_failure_raises() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    refresh.failure = CredentialRetrievalError("test", "service unavailable")

    clock.advance(3600 - 9 * 60)

    with pytest.raises(CredentialRetrievalError) as raised:
        credentials.get_frozen()
    assert "service unavailable" in str(raised.value)


def test_mandatory_refresh_recovers() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    refresh.failure = CredentialRetrievalError("test", "service unavailable")
    clock.advance(3600 - 9 * 60)
    with pytest.raises(CredentialRetrievalError):
        credentials.get_frozen()

    refresh.failure = None

    assert credentials.get_frozen().access_key == "ASIAREFRESH3"


def test_refreshed_credentials_already_expired() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    refresh.lifetime = -60
    clock.advance(3600)

    with pytest.raises(CredentialRetrievalError) as raised:
        credentials.get_frozen()

    assert "already expired" in str(raised.value)


def test_deferred_credentials_fetch_on_first_use() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = RefreshableCredentials(refresh, method="test", clock=clock)

    assert refresh.calls == 0
    assert credentials.refresh_needed()
    assert credentials.get_frozen().access_key == "ASIAREFRESH1"
    assert credentials.get_frozen().access_key == "ASIAREFRESH1"
    assert refresh.calls == 1


def test_deferred_first_fetch_failure_raises() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    refresh.failure = CredentialRetrievalError("test", "no route to STS")
    credentials = RefreshableCredentials(refresh, method="test", clock=clock)

    with pytest.raises(CredentialRetrievalError):
        credentials.get_frozen()


def test_credentials_without_expiry_never_refresh() -> None:
    clock = FakeClock()
    calls = []

    def refresh() -> TemporaryCredentials:
        calls.append(1)
        return TemporaryCredentials(Credentials("AKIDSTATIC", SECRET))

    credentials = RefreshableCredentials(refresh, method="test", clock=clock)
    credentials.get_frozen()
    clock.advance(10 * 365 * 86400)

    assert credentials.get_frozen().access_key == "AKIDSTATIC"
    assert len(calls) == 1


def test_method_is_the_provider_name() -> None:
    clock = FakeClock()
    credentials = loaded(clock, ScriptedRefresh(clock))

    assert credentials.get_frozen().method == "test"


class BlockingRefresh(ScriptedRefresh):
    """A refresh that, after its first call, waits for `release` before returning."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> TemporaryCredentials:
        if self.calls >= 1:
            self.started.set()
            assert self.release.wait(timeout=30), "test never released the refresh"
        return super().__call__()


def test_advisory_refresh_does_not_block_others() -> None:
    clock = FakeClock()
    refresh = BlockingRefresh(clock)
    credentials = loaded(clock, refresh)
    clock.advance(3600 - 12 * 60)
    results: list[str] = []

    refresher = threading.Thread(target=lambda: results.append(credentials.get_frozen().access_key))
    refresher.start()
    assert refresh.started.wait(timeout=30)

    assert credentials.get_frozen().access_key == "ASIAREFRESH1"

    refresh.release.set()
    refresher.join(timeout=30)
    assert results == ["ASIAREFRESH2"]
    assert refresh.calls == 2


def test_mandatory_refresh_blocks_others_once() -> None:
    clock = FakeClock()
    refresh = BlockingRefresh(clock)
    credentials = loaded(clock, refresh)
    clock.advance(3600 - 5 * 60)
    results: list[str] = []
    lock = threading.Lock()

    def fetch() -> None:
        key = credentials.get_frozen().access_key
        with lock:
            results.append(key)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    threads[0].start()
    assert refresh.started.wait(timeout=30)
    for thread in threads[1:]:
        thread.start()
    refresh.release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert results == ["ASIAREFRESH2"] * 8
    assert refresh.calls == 2


def test_async_callers_share_one_refresh() -> None:
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    clock.advance(3600 - 5 * 60)

    async def fetch_all() -> list[str]:
        frozen = await asyncio.gather(*(credentials.get_frozen_async() for _ in range(10)))
        return [item.access_key for item in frozen]

    assert asyncio.run(fetch_all()) == ["ASIAREFRESH2"] * 10
    assert refresh.calls == 2


def test_async_refresh_runs_off_the_event_loop() -> None:
    clock = FakeClock()
    loop_threads: list[threading.Thread] = []
    refresh_threads: list[threading.Thread] = []
    scripted = ScriptedRefresh(clock)

    def refresh() -> TemporaryCredentials:
        refresh_threads.append(threading.current_thread())
        return scripted()

    credentials = RefreshableCredentials(refresh, method="test", clock=clock)

    async def fetch() -> str:
        loop_threads.append(threading.current_thread())
        return (await credentials.get_frozen_async()).access_key

    assert asyncio.run(fetch()) == "ASIAREFRESH1"
    assert refresh_threads[0] is not loop_threads[0]


def test_static_credentials_source() -> None:
    source = StaticCredentials(Credentials("AKIDSTATIC", SECRET, TOKEN, method="explicit"))

    assert source.get_frozen().access_key == "AKIDSTATIC"
    assert asyncio.run(source.get_frozen_async()).access_key == "AKIDSTATIC"
    assert source.method == "explicit"


def test_reprs_and_logs_hide_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    refresh = ScriptedRefresh(clock)
    credentials = loaded(clock, refresh)
    clock.advance(3600 - 12 * 60)
    credentials.get_frozen()
    static = StaticCredentials(Credentials("AKIDSTATIC", SECRET, TOKEN))

    for text in (repr(credentials), str(credentials), repr(static), caplog.text):
        assert SECRET not in text
        assert TOKEN not in text
    assert "ASIAREFRESH2" in repr(credentials)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T12:00:00Z", "2026-01-01T12:00:00+00:00"),
        ("2026-01-01T12:00:00.5Z", "2026-01-01T12:00:00.500000+00:00"),
        ("2026-01-01T12:00:00.123456789Z", "2026-01-01T12:00:00.123456+00:00"),
        ("2026-01-01T14:00:00+02:00", "2026-01-01T14:00:00+02:00"),
        ("2026-01-01T07:00:00-0500", "2026-01-01T07:00:00-05:00"),
        ("2026-01-01T12:00:00", "2026-01-01T12:00:00+00:00"),
        ("2026-01-01 12:00:00Z", "2026-01-01T12:00:00+00:00"),
    ],
)
def test_parse_timestamp_formats(text: str, expected: str) -> None:
    assert parse_timestamp(text).isoformat() == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01T00:00:00Z", "2026-01-01"])
def test_parse_timestamp_rejects(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_timestamp(text)

    assert repr(text) in str(raised.value)
