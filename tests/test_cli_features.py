"""The command line's output formats, query, progress, interrupts and deadline, run as a user would.

Pipes: a subprocess with captured stdout and stderr. Terminal: a subprocess whose
stderr is a pseudo-terminal (`pty`), so progress is drawn; Ctrl-C is a SIGINT
sent to the child's process group while it waits for a slow loopback server.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import boto3
import jmespath
import pytest

from bedrockpage import cli
from tests.support.fault_server import FaultServer, Normal, Slow, Throttle
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

JOB_COUNT = 9
NAMES = [f"feat-{index:03d}" for index in range(JOB_COUNT)]
CHILD_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as moto:
        moto.seed(JOB_COUNT, prefix="feat")
        yield moto


@pytest.fixture()
def fault_server() -> Iterator[FaultServer]:
    with FaultServer(jobs=6) as fake:
        yield fake


def environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)
    env.update(extra)
    return env


def command(url: str, *flags: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "bedrockpage",
        cli.COMMAND,
        "--endpoint-url",
        url,
        "--region",
        REGION,
        *flags,
    ]


def run(url: str, *flags: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(url, *flags),
        capture_output=True,
        text=True,
        env=environment(**env),
        check=False,
        timeout=CHILD_TIMEOUT,
    )


def boto3_result(server: MotoServer, **pagination: Any) -> dict[str, Any]:
    client = boto3.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    result = (
        client.get_paginator("list_model_customization_jobs")
        .paginate(PaginationConfig=pagination)
        .build_full_result()
    )
    for job in result["modelCustomizationJobSummaries"]:
        for key, value in job.items():
            if hasattr(value, "isoformat"):
                job[key] = value.isoformat()
    return dict(result)


def resume_command_of(stderr: str) -> list[str]:
    """Return the argv of the resume command printed on stderr."""
    lines = stderr.splitlines()
    index = next(i for i, line in enumerate(lines) if line.endswith("resume with:"))
    words = shlex.split(lines[index + 1])
    assert words[:2] == ["bedrockpage", cli.COMMAND]
    return [sys.executable, "-m", "bedrockpage", *words[1:]]


def job_names_of_jsonl(stdout: str) -> list[str]:
    return [json.loads(line)["jobName"] for line in stdout.splitlines()]


# -- output formats through pipes -------------------------------------------------


def test_jsonl_streams_one_job_per_line(server: MotoServer) -> None:
    completed = run(server.url, "--output", "jsonl", "--page-size", "4")

    assert completed.returncode == 0, completed.stderr
    jobs = [json.loads(line) for line in completed.stdout.splitlines()]
    assert jobs == boto3_result(server)["modelCustomizationJobSummaries"]


def test_query_matches_jmespath_on_boto3_result(server: MotoServer) -> None:
    expression = "modelCustomizationJobSummaries[?jobName > 'feat-005'].[jobName, status]"
    completed = run(server.url, "--query", expression, "--max-items", "8", "--page-size", "3")

    assert completed.returncode == 0, completed.stderr
    expected = jmespath.search(expression, boto3_result(server, MaxItems=8, PageSize=3))
    assert json.loads(completed.stdout) == expected
    assert len(expected) == 2


def test_query_with_jsonl_applies_to_each_job(server: MotoServer) -> None:
    completed = run(server.url, "--output", "jsonl", "--query", "jobName", "--max-items", "3")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == [json.dumps(name) for name in NAMES[:3]]


def test_text_output_like_aws_cli(server: MotoServer) -> None:
    completed = run(server.url, "--output", "text", "--max-items", "2", "--page-size", "1")

    assert completed.returncode == 0, completed.stderr
    expected_result = boto3_result(server, MaxItems=2, PageSize=1)
    jobs = expected_result["modelCustomizationJobSummaries"]
    columns = sorted(jobs[0])
    # The AWS CLI prints a dict's scalars first (here the NextToken, no prefix), then
    # one line per list element, prefixed with the list's key in upper case.
    expected = [expected_result["NextToken"]] + [
        "\t".join(["MODELCUSTOMIZATIONJOBSUMMARIES", *(str(job[key]) for key in columns)])
        for job in jobs
    ]
    assert completed.stdout.splitlines() == expected


def test_text_output_of_scalar_list(server: MotoServer) -> None:
    completed = run(
        server.url, "--output", "text", "--query", "modelCustomizationJobSummaries[].jobName"
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "\t".join(NAMES) + "\n"


def test_table_output_boxes_every_row(server: MotoServer) -> None:
    completed = run(
        server.url,
        "--output",
        "table",
        "--query",
        "modelCustomizationJobSummaries[].{name: jobName, status: status}",
    )

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len({len(line) for line in lines}) == 1, completed.stdout
    assert "ListModelCustomizationJobs" in lines[1]
    assert [cell.strip() for cell in lines[3].split("|")[1:3]] == ["name", "status"]
    rows = [line for line in lines if line.startswith("|  feat-")]
    assert [row.split("|")[1].strip() for row in rows] == NAMES
    assert all(row.split("|")[2].strip() == "InProgress" for row in rows)


def test_table_rows_from_list_of_lists(server: MotoServer) -> None:
    completed = run(
        server.url,
        "--output",
        "table",
        "--query",
        "modelCustomizationJobSummaries[].[jobName, status]",
    )

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert len({len(line) for line in lines}) == 1, completed.stdout
    rows = [line for line in lines if line.startswith("|  feat-")]
    assert [row.split("|")[1].strip() for row in rows] == NAMES
    assert all(row.split("|")[2].strip() == "InProgress" for row in rows)


def test_invalid_query_is_usage_error(server: MotoServer) -> None:
    completed = run(server.url, "--query", "[?")

    assert completed.returncode == cli.EXIT_USAGE
    assert "invalid --query expression" in completed.stderr
    assert "\\n" not in completed.stderr
    assert completed.stderr.count("\n") == 1
    assert "Traceback" not in completed.stderr


def test_query_without_jmespath_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "jmespath", None)

    code = cli.main([cli.COMMAND, "--region", REGION, "--query", "jobName"])

    assert code == cli.EXIT_USAGE
    assert "pip install 'bedrockpage[jmespath]'" in capsys.readouterr().err


def test_jmespath_not_imported_without_query(server: MotoServer) -> None:
    program = (
        "import sys\n"
        "from bedrockpage import cli\n"
        f"code = cli.main({[cli.COMMAND, '--endpoint-url', server.url, '--region', REGION]!r})\n"
        "print('jmespath' in sys.modules, code, file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
        timeout=CHILD_TIMEOUT,
    )

    assert completed.stderr.splitlines()[-1] == "False 0"


# -- explain, debug, timeouts, help -----------------------------------------------


def test_explain_shows_requests_tokens_and_cuts(server: MotoServer) -> None:
    completed = run(server.url, "--explain", "--max-items", "3", "--page-size", "2")

    assert completed.returncode == 0, completed.stderr
    lines = completed.stderr.splitlines()
    assert lines[1] == "explain: request 1: GET /model-customization-jobs?maxResults=2"
    assert lines[2].startswith("explain: response 1: 2 jobs, nextToken ")
    assert any(
        line.startswith("explain: request 2: GET /model-customization-jobs?maxResults=2&nextToken=")
        for line in lines
    )
    assert "explain: page 2: kept 1 of 2 jobs" in completed.stderr
    next_token = json.loads(completed.stdout)["NextToken"]
    assert (
        f"explain: --max-items 3 reached; NextToken {next_token} is botocore token"
        in completed.stderr
    )
    assert '"boto_truncate_amount": 1}' in lines[-1]


def test_explain_decodes_starting_token(server: MotoServer) -> None:
    first = json.loads(run(server.url, "--max-items", "1").stdout)
    completed = run(
        server.url, "--explain", "--starting-token", first["NextToken"], "--max-items", "1"
    )

    assert completed.returncode == 0, completed.stderr
    assert f"starting token {first['NextToken']!r} is botocore token" in completed.stderr
    assert '"boto_truncate_amount": 1' in completed.stderr


def test_debug_logs_without_secrets(server: MotoServer) -> None:
    session_token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE"
    completed = run(server.url, "--debug", "--max-items", "1", AWS_SESSION_TOKEN=session_token)

    assert completed.returncode == 0, completed.stderr
    assert " DEBUG " in completed.stderr
    assert "bedrockpage.transport" in completed.stderr
    assert SECRET_KEY not in completed.stderr
    assert session_token not in completed.stderr


def test_redacting_filter_hides_credentials() -> None:
    import logging

    record = logging.LogRecord(
        "x",
        logging.DEBUG,
        __file__,
        1,
        "headers %s",
        (
            {
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=0123abcd",
                "X-Amz-Security-Token": "session-secret",
            },
        ),
        None,
    )
    cli.RedactingFilter().filter(record)

    message = record.getMessage()
    assert "0123abcd" not in message
    assert "session-secret" not in message
    assert "Credential=AKID" not in message
    assert message.count("<redacted>") == 2


def test_read_timeout_flag_applies(fault_server: FaultServer) -> None:
    fault_server.script(Slow(seconds=30))

    completed = run(fault_server.url, "--cli-read-timeout", "0.5", AWS_MAX_ATTEMPTS="1")

    assert completed.returncode == cli.EXIT_OTHER
    assert "timeout" in completed.stderr.lower()


@pytest.mark.parametrize("flag", ["--cli-read-timeout", "--cli-connect-timeout", "--max-seconds"])
def test_time_flags_reject_zero(flag: str) -> None:
    completed = run("http://127.0.0.1:9", flag, "0")

    assert completed.returncode == cli.EXIT_USAGE
    assert "must be a number greater than 0" in completed.stderr


def test_help_lists_exit_codes() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "bedrockpage", cli.COMMAND, "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=CHILD_TIMEOUT,
    )

    assert completed.returncode == 0
    for code in (0, 124, 130, 252, 253, 254, 255):
        assert f"\n  {code} " in completed.stdout


# -- deadline -----------------------------------------------------------------------


def test_max_seconds_stops_and_resume_completes(server: MotoServer) -> None:
    # One page per second and a 1.5 s budget: the third page cannot start in time.
    first = run(
        server.url,
        "--output",
        "jsonl",
        "--page-size",
        "2",
        "--max-pages-per-second",
        "1",
        "--max-seconds",
        "1.5",
    )

    assert first.returncode == cli.EXIT_DEADLINE, first.stderr
    assert "stopped after 1.5 s (--max-seconds)" in first.stderr
    delivered = job_names_of_jsonl(first.stdout)
    assert 0 < len(delivered) < JOB_COUNT

    resume = resume_command_of(first.stderr)
    assert "--max-seconds" in resume
    rest = subprocess.run(
        [arg for arg in resume if arg not in {"--max-seconds", "1.5"}],
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
        timeout=CHILD_TIMEOUT,
    )
    assert rest.returncode == 0, rest.stderr
    assert delivered + job_names_of_jsonl(rest.stdout) == NAMES


def test_max_seconds_json_output_carries_next_token(server: MotoServer) -> None:
    completed = run(
        server.url, "--page-size", "3", "--max-pages-per-second", "1", "--max-seconds", "0.5"
    )

    assert completed.returncode == cli.EXIT_DEADLINE, completed.stderr
    output = json.loads(completed.stdout)
    assert [job["jobName"] for job in output["modelCustomizationJobSummaries"]] == NAMES[:3]
    assert resume_command_of(completed.stderr)[-1] == output["NextToken"]


# -- in a terminal: progress and Ctrl-C ---------------------------------------------


class TerminalRun:
    """The CLI with stderr on a pseudo-terminal and stdout on a pipe."""

    def __init__(self, argv: list[str], **env: str) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=environment(**env),
            start_new_session=True,
        )
        os.close(slave)
        self.terminal = b""

    def read_stdout_line(self) -> bytes:
        assert self.process.stdout is not None
        return self.process.stdout.readline()

    def finish(self) -> tuple[int, str, str]:
        assert self.process.stdout is not None
        stdout = self.process.stdout.read().decode()
        code = self.process.wait(timeout=CHILD_TIMEOUT)
        self._drain_terminal()
        os.close(self.master)
        return code, stdout, self.terminal.decode(errors="replace")

    def interrupt(self, signum: int = signal.SIGINT) -> None:
        os.killpg(self.process.pid, signum)

    def _drain_terminal(self) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.5)
            if not ready:
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            self.terminal += chunk


def wait_for_requests(server: FaultServer, count: int) -> None:
    """Poll until the server has received `count` requests (readiness, not a timing guess)."""
    deadline = time.monotonic() + CHILD_TIMEOUT
    while len(server.requests) < count:
        assert time.monotonic() < deadline, f"only {len(server.requests)} requests arrived"
        time.sleep(0.01)


def test_terminal_shows_progress_with_throttles(fault_server: FaultServer) -> None:
    fault_server.script(Normal(), Throttle())
    session = TerminalRun(command(fault_server.url, "--page-size", "2", "--output", "jsonl"))

    code, stdout, terminal = session.finish()

    assert code == 0, terminal
    assert len(stdout.splitlines()) == 6
    assert "bedrockpage: 1 pages, 2 jobs" in terminal
    assert "3 pages, 6 jobs" in terminal
    assert "1 throttled" in terminal
    assert terminal.endswith("\r\x1b[K")


def test_no_progress_flag_and_pipes_stay_quiet(fault_server: FaultServer) -> None:
    session = TerminalRun(command(fault_server.url, "--no-progress", "--output", "jsonl"))
    code, _stdout, terminal = session.finish()
    piped = run(fault_server.url, "--output", "jsonl")

    assert code == 0
    assert terminal == ""
    assert piped.returncode == 0
    assert piped.stderr == ""


def test_ctrl_c_prints_resume_command(fault_server: FaultServer) -> None:
    # The second request waits on the server, so SIGINT arrives mid-request.
    fault_server.script(Normal(), Slow(seconds=30))
    session = TerminalRun(command(fault_server.url, "--page-size", "2", "--output", "jsonl"))

    first_line = session.read_stdout_line()
    second_line = session.read_stdout_line()
    wait_for_requests(fault_server, 2)
    session.interrupt()
    code, stdout, terminal = session.finish()

    assert code == cli.EXIT_INTERRUPTED, terminal
    delivered = job_names_of_jsonl((first_line + second_line).decode() + stdout)
    assert delivered == ["job-00000", "job-00001"]
    assert "interrupted after 1 pages and 2 jobs; resume with:" in terminal
    assert "Traceback" not in terminal

    resume = resume_command_of(terminal.replace("\r\x1b[K", "").replace("\r", ""))
    rest = subprocess.run(
        resume,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
        timeout=CHILD_TIMEOUT,
    )
    assert rest.returncode == 0, rest.stderr
    assert delivered + job_names_of_jsonl(rest.stdout) == [f"job-{i:05d}" for i in range(6)]


def test_sigterm_prints_resume_command(fault_server: FaultServer) -> None:
    # `timeout`, containers and process managers stop a run with SIGTERM.
    fault_server.script(Normal(), Slow(seconds=30))
    session = TerminalRun(command(fault_server.url, "--page-size", "2", "--output", "jsonl"))

    first_line = session.read_stdout_line()
    second_line = session.read_stdout_line()
    wait_for_requests(fault_server, 2)
    session.interrupt(signal.SIGTERM)
    code, stdout, terminal = session.finish()

    assert code == cli.EXIT_TERMINATED, terminal
    delivered = job_names_of_jsonl((first_line + second_line).decode() + stdout)
    assert delivered == ["job-00000", "job-00001"]
    assert "terminated after 1 pages and 2 jobs; resume with:" in terminal
    assert "--starting-token" in terminal
    assert "Traceback" not in terminal


def test_ctrl_c_with_json_writes_partial_result(fault_server: FaultServer) -> None:
    fault_server.script(Normal(), Slow(seconds=30))
    session = TerminalRun(
        command(fault_server.url, "--page-size", "2", "--max-items", "5", "--explain")
    )

    wait_for_requests(fault_server, 2)
    session.interrupt()
    code, stdout, terminal = session.finish()

    assert code == cli.EXIT_INTERRUPTED, terminal
    output = json.loads(stdout)
    assert [job["jobName"] for job in output["modelCustomizationJobSummaries"]] == [
        "job-00000",
        "job-00001",
    ]
    resume = resume_command_of(terminal.replace("\r\x1b[K", ""))
    assert resume[-1] == output["NextToken"]
    assert resume[resume.index("--max-items") + 1] == "3"
