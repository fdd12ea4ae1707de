"""Shared config and credentials files written into a test's temporary directory."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path


def write_shared_files(
    directory: Path, *, config: str = "", credentials: str = ""
) -> dict[str, str]:
    """Write both files and return the environment variables that point at them."""
    config_path = directory / "config"
    credentials_path = directory / "credentials"
    config_path.write_text(textwrap.dedent(config), encoding="utf-8")
    credentials_path.write_text(textwrap.dedent(credentials), encoding="utf-8")
    return {
        "AWS_CONFIG_FILE": str(config_path),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials_path),
    }


class FakeClock:
    """A clock that moves only when a test advances it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def iso_in(self, seconds: float) -> str:
        """Return the instant `seconds` from now as an ISO 8601 UTC string, as AWS sends it."""
        return (self.now + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
