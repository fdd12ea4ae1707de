"""Fuzz the command line with random argv against the fault server on 127.0.0.1.

Every argv ends with `--endpoint-url <fault server>`, which wins over any
earlier value, so no request leaves loopback. The server has one job, so a
listing needs one request and `--max-pages-per-second` never waits.

`main` must return a documented exit code, never raise (except argparse's
SystemExit(0) for --help and --version) and never print a traceback. A usage,
configuration or service error is reported on exactly one stderr line.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from bedrockpage import cli
from tests.fuzz.conftest import examples_run, fuzz_settings
from tests.support.fault_server import FaultServer

EXIT_CODES = {
    cli.EXIT_OK,
    cli.EXIT_DEADLINE,
    cli.EXIT_INTERRUPTED,
    cli.EXIT_USAGE,
    cli.EXIT_CONFIG,
    cli.EXIT_SERVICE,
    cli.EXIT_OTHER,
}
#: What `run_main` returns when argparse exited after printing help or the version.
HELP_OR_VERSION = -1
ONE_LINE_CODES = {cli.EXIT_USAGE, cli.EXIT_CONFIG, cli.EXIT_SERVICE, cli.EXIT_OTHER}
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "AKIDCLIFUZZ",
    "AWS_SECRET_ACCESS_KEY": "cli-fuzz-secret",
    "AWS_REGION": "us-east-1",
}

# --debug is left out: it adds a handler to the root logger for the rest of the
# process, which the secret-hygiene tests cover on their own.
FLAGS = [
    cli.COMMAND,
    "--max-items",
    "--page-size",
    "--starting-token",
    "--no-paginate",
    "--max-seconds",
    "--max-pages-per-second",
    "--output",
    "--query",
    "--no-progress",
    "--explain",
    "--region",
    "--profile",
    "--cli-connect-timeout",
    "--cli-read-timeout",
    "--creation-time-after",
    "--creation-time-before",
    "--status-equals",
    "--name-contains",
    "--sort-by",
    "--sort-order",
    "--help",
    "-h",
    "--version",
    "--",
    "-",
    "--max",
    "--no",
]
VALUES = [
    "0",
    "1",
    "-1",
    "1000",
    "1e309",
    "nan",
    "inf",
    "0.000001",
    "json",
    "jsonl",
    "text",
    "table",
    "yaml",
    "us-east-1",
    "fips-us-east-1",
    "Completed",
    "CreationTime",
    "Descending",
    "2024-01-02T03:04:05Z",
    "eyJuZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==",
    "abc___1",
    "[].jobName",
    "modelCustomizationJobSummaries[0",
]
arguments = st.one_of(
    st.sampled_from(FLAGS),
    st.sampled_from(VALUES),
    st.text(max_size=12),
    st.sampled_from(FLAGS).flatmap(lambda flag: st.text(max_size=8).map(lambda v: f"{flag}={v}")),
)
VALUE_FLAGS = [
    "--max-items",
    "--page-size",
    "--starting-token",
    "--max-seconds",
    "--max-pages-per-second",
    "--output",
    "--query",
    "--region",
    "--cli-connect-timeout",
    "--cli-read-timeout",
    "--creation-time-after",
    "--creation-time-before",
    "--status-equals",
    "--name-contains",
    "--sort-by",
    "--sort-order",
]
SWITCHES = ["--no-paginate", "--no-progress"]
option_values = st.sampled_from(VALUES) | st.text(max_size=12) | st.integers(-5, 2000).map(str)
options = st.one_of(
    st.tuples(st.sampled_from(VALUE_FLAGS), option_values).map(list),
    st.sampled_from(SWITCHES).map(lambda switch: [switch]),
)
# Mostly well-formed command lines, so that many reach the server, plus free-form ones.
well_formed = st.lists(options, max_size=5).map(
    lambda groups: [cli.COMMAND, *[part for group in groups for part in group]]
)
free_form = st.tuples(st.booleans(), st.lists(arguments, max_size=8)).map(
    lambda pair: ([cli.COMMAND] if pair[0] else []) + pair[1]
)
argv_lists = st.one_of(well_formed, free_form)


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(1) as fault_server:
        yield fault_server


def run_main(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:
                assert exit_.code in (0, None), f"SystemExit({exit_.code!r}) for {argv}"
                assert stdout.getvalue(), f"SystemExit without output for {argv}"
                code = HELP_OR_VERSION
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return code, stdout.getvalue(), stderr.getvalue()


@fuzz_settings()
@given(argv=argv_lists)
def test_cli_fuzz(server: FaultServer, argv: list[str]) -> None:
    examples_run["command line"] += 1
    full_argv = [*argv, "--endpoint-url", server.url]

    with mock.patch.dict(os.environ, ENVIRONMENT):
        code, stdout, stderr = run_main(full_argv)

    event(f"exit code {code}")
    assert "Traceback" not in stdout + stderr, stderr
    if code == HELP_OR_VERSION:
        return
    assert code in EXIT_CODES, (code, stderr)
    if code in ONE_LINE_CODES and "--explain" not in argv and cli.COMMAND in argv:
        lines = stderr.splitlines()
        assert len(lines) == 1, f"{full_argv} printed {stderr!r}"
        assert lines[0].startswith(f"{cli.PROGRAM}: "), lines[0]
    if code == cli.EXIT_OK:
        assert stdout or "--output" in " ".join(argv)
