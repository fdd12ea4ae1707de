"""The command line, run as a user would: a subprocess against moto on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest

from bedrockpage import cli
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

JOB_COUNT = 12


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as moto:
        moto.seed(JOB_COUNT, prefix="cli")
        yield moto


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = credentials_env()
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bedrockpage", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def credentials_env() -> dict[str, str]:
    return dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY)


def listing_args(server: MotoServer) -> list[str]:
    return ["list-model-customization-jobs", "--endpoint-url", server.url, "--region", REGION]


def listing(server: MotoServer, *flags: str) -> subprocess.CompletedProcess[str]:
    return run(*listing_args(server), *flags)


def test_cli_output_matches_paginator(server: MotoServer) -> None:
    completed = listing(server, "--max-items", "5", "--page-size", "2")
    assert completed.returncode == 0, completed.stderr

    output = json.loads(completed.stdout)
    theirs = boto3.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    expected = (
        theirs.get_paginator("list_model_customization_jobs")
        .paginate(PaginationConfig={"MaxItems": 5, "PageSize": 2})
        .build_full_result()
    )
    for job in expected["modelCustomizationJobSummaries"]:
        for key in ("creationTime", "lastModifiedTime", "endTime"):
            job[key] = job[key].isoformat()
    assert output == expected


def test_cli_resumes_with_printed_token(server: MotoServer) -> None:
    first = json.loads(listing(server, "--max-items", "5", "--page-size", "3").stdout)
    rest = listing(server, "--starting-token", first["NextToken"], "--page-size", "3")
    assert rest.returncode == 0, rest.stderr

    names = [job["jobName"] for job in first["modelCustomizationJobSummaries"]]
    names += [job["jobName"] for job in json.loads(rest.stdout)["modelCustomizationJobSummaries"]]
    assert sorted(names) == [f"cli-{index:03d}" for index in range(JOB_COUNT)]


def test_cli_no_paginate_makes_one_call(server: MotoServer) -> None:
    completed = listing(server, "--no-paginate", "--page-size", "4")
    output = json.loads(completed.stdout)
    assert len(output["modelCustomizationJobSummaries"]) == 4
    assert "nextToken" in output
    assert "ResponseMetadata" not in output


@pytest.mark.parametrize(
    "flags, code, fragment",
    [
        (("--max-items", "0"), cli.EXIT_USAGE, "--max-items"),
        (("--page-size", "abc"), cli.EXIT_USAGE, "invalid integer value"),
        (("--bogus",), cli.EXIT_USAGE, "--bogus"),
        (("--starting-token", "eyJmb28iOiAiYmFyIn0="), cli.EXIT_USAGE, "StartingToken"),
        (("--sort-by", "Nonsense"), cli.EXIT_SERVICE, "ValidationException"),
        (("--no-paginate", "--max-items", "3"), cli.EXIT_USAGE, "--max-items"),
        (("--no-paginate", "--starting-token", "abc"), cli.EXIT_USAGE, "--starting-token"),
    ],
    ids=[
        "max-items-zero",
        "page-size-text",
        "unknown-flag",
        "foreign-token",
        "service-error",
        "no-paginate-max-items",
        "no-paginate-token",
    ],
)
def test_cli_errors_are_one_line(
    server: MotoServer, flags: tuple[str, ...], code: int, fragment: str
) -> None:
    completed = listing(server, *flags)
    assert completed.returncode == code
    assert fragment in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1


def test_cli_without_region_says_what_to_set() -> None:
    env = {"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}
    completed = run(
        "list-model-customization-jobs", "--endpoint-url", "http://127.0.0.1:9", env=env
    )
    assert completed.returncode == cli.EXIT_CONFIG
    assert "AWS_REGION" in completed.stderr


def test_cli_full_disk_is_one_line(server: MotoServer) -> None:
    with open("/dev/full", "w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "bedrockpage", *listing_args(server), "--output", "jsonl"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=credentials_env(),
            check=False,
        )

    assert completed.returncode == cli.EXIT_OTHER
    assert completed.stderr.count("\n") == 1
    assert "No space left on device" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_cli_closed_pipe_is_quiet(server: MotoServer) -> None:
    """A reader that stops early (`| head -c 1`) ends the run quietly.

    jsonl writes each job as its one-job page arrives, so eleven more requests
    and writes follow the first line, long after the reader has gone.
    """
    flags = ["--output", "jsonl", "--page-size", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "bedrockpage", *listing_args(server), *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=credentials_env(),
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(1) == b"{"
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)

    assert stderr == ""
    assert process.returncode == cli.EXIT_OTHER
