"""Run moto's server with a fixed, stepping clock for Bedrock model customization jobs.

Moto stamps each job with `datetime.now()` three times (creation, last
modification, end). This entry point replaces that clock in
`moto.bedrock.models` only, so recorded responses carry the same timestamps
on every run. Each call returns the previous value plus the step:

    python -m tests.support.moto_clock 2024-03-01T08:00:00 900 -H 127.0.0.1 -p 5000

The first two arguments are the first `now()` value (ISO 8601, naive like
moto's own clock) and the step in seconds; the rest go to `moto.server`.
"""

from __future__ import annotations

import datetime
import itertools
import sys
from collections.abc import Iterator

import moto.bedrock.models
from moto.server import main as moto_server_main


def install_clock(start: datetime.datetime, step: datetime.timedelta) -> None:
    """Make `datetime.now()` in moto's Bedrock models return start, start + step, ..."""
    ticks: Iterator[datetime.datetime] = (start + step * index for index in itertools.count())

    class SteppingDatetime(datetime.datetime):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> SteppingDatetime:
            moment = next(ticks)
            return cls.fromisoformat(moment.isoformat())

    # The module did `from datetime import datetime`, so its global is replaced.
    setattr(moto.bedrock.models, "datetime", SteppingDatetime)  # noqa: B010


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        raise SystemExit(
            "usage: python -m tests.support.moto_clock START STEP_SECONDS [moto.server args]"
        )
    start = datetime.datetime.fromisoformat(argv[0])
    step = datetime.timedelta(seconds=float(argv[1]))
    install_clock(start, step)
    moto_server_main(argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
