"""Example budget and counters for the fuzz targets.

`FUZZ_EXAMPLES` sets the examples per target (`make fuzz` sets 20000); the
default keeps `make test` fast. Each target counts the examples it runs, and
the counts are printed in pytest's terminal summary.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, settings

DEFAULT_FUZZ_EXAMPLES = 150

#: Examples run per target in this session, shrinking runs included.
examples_run: Counter[str] = Counter()


def fuzz_examples() -> int:
    raw = os.environ.get("FUZZ_EXAMPLES", str(DEFAULT_FUZZ_EXAMPLES))
    try:
        count = int(raw)
    except ValueError:
        raise ValueError(f"Invalid FUZZ_EXAMPLES {raw!r}: expected a positive integer.") from None
    if count < 1:
        raise ValueError(f"Invalid FUZZ_EXAMPLES {raw!r}: expected a positive integer.")
    return count


def fuzz_settings(share: float = 1.0) -> settings:
    """Return hypothesis settings for one target; `share` scales the example budget."""
    return settings(
        max_examples=max(1, int(fuzz_examples() * share)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not examples_run:
        return
    terminalreporter.section("fuzz examples run")
    for target, count in sorted(examples_run.items()):
        terminalreporter.write_line(f"{target}: {count}")
