"""The Lambda example, driven with a fake context against moto server on loopback."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

ROOT = Path(__file__).resolve().parent.parent
JOB_COUNT = 11
NAMES = [f"lambda-{index:03d}" for index in range(JOB_COUNT)]

pytestmark = pytest.mark.moto


class FakeContext:
    """A Lambda context whose clock advances one second every time the time left is read.

    The paginator reads the time left once before each page, so with
    `budget_seconds = 3.5` and a 1 s safety margin it requests pages at 3.5, 2.5
    and 1.5 s left, then stops at 0.5 s left.
    """

    def __init__(self, budget_seconds: float) -> None:
        self.remaining_millis = budget_seconds * 1000
        self.reads = 0

    def get_remaining_time_in_millis(self) -> int:
        remaining = int(self.remaining_millis)
        self.remaining_millis -= 1000
        self.reads += 1
        return remaining


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as moto:
        moto.seed(JOB_COUNT, prefix="lambda")
        yield moto


@pytest.fixture()
def example(server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", server.url)
    monkeypatch.setenv("LISTING_SAFETY_MARGIN_SECONDS", "1")

    spec = importlib.util.spec_from_file_location(
        "lambda_handler", ROOT / "examples" / "lambda_handler.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def invoke(example: ModuleType, event: dict[str, Any], budget_seconds: float) -> dict[str, Any]:
    result: dict[str, Any] = example.handler(event, FakeContext(budget_seconds))
    return result


def names_of(result: dict[str, Any]) -> list[str]:
    return [job["jobName"] for job in result["jobs"]]


def test_two_invocations_chain_without_loss(example: ModuleType) -> None:
    first = invoke(example, {"pageSize": 2}, budget_seconds=3.5)

    assert names_of(first) == NAMES[:6]
    assert first["stoppedForDeadline"] is True
    assert first["complete"] is False
    assert first["error"] is None
    assert first["nextToken"] is not None

    second = invoke(example, {"pageSize": 2, "startingToken": first["nextToken"]}, 3.5)

    # Five jobs are left: pages of 2, 2 and 1, the last one with no next token.
    assert names_of(second) == NAMES[6:]
    assert second["complete"] is True
    assert second["stoppedForDeadline"] is False
    assert second["nextToken"] is None
    assert names_of(first) + names_of(second) == NAMES


def test_mid_page_token_chains(example: ModuleType) -> None:
    results = [invoke(example, {"pageSize": 4, "maxItems": 3}, 60.0)]
    while not results[-1]["complete"]:
        event = {"pageSize": 4, "maxItems": 3, "startingToken": results[-1]["nextToken"]}
        results.append(invoke(example, event, 60.0))
        assert len(results) <= JOB_COUNT, "the chain does not end"

    listed = [name for result in results for name in names_of(result)]
    assert listed == NAMES
    assert [len(result["jobs"]) for result in results] == [3, 3, 3, 2]


def test_no_time_for_a_page_returns_no_token(example: ModuleType) -> None:
    result = invoke(example, {"pageSize": 2}, budget_seconds=0.5)

    assert result["jobs"] == []
    assert result["stoppedForDeadline"] is True
    assert result["nextToken"] is None
    assert result["complete"] is False


def test_job_summaries_are_json_ready(example: ModuleType) -> None:
    result = invoke(example, {"maxItems": 1}, 60.0)

    job = result["jobs"][0]
    assert sorted(job) == ["creationTime", "jobArn", "jobName", "status"]
    assert isinstance(job["creationTime"], str)
    assert job["jobArn"].endswith(":model-customization-job/lambda-000")


def test_zip_has_runtime_packages_only(tmp_path: Path) -> None:
    output = tmp_path / "bedrockpage-lambda.zip"
    completed = subprocess.run(
        [sys.executable, "scripts/build_lambda_zip.py", "--mode", "copy", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert completed.returncode == 0, completed.stderr
    names = zipfile.ZipFile(output).namelist()
    top_level = {name.split("/")[0] for name in names}
    assert "lambda_handler.py" in top_level
    assert {"bedrockpage", "httpx", "httpcore", "h11", "anyio", "idna", "certifi"} <= top_level
    assert not {"botocore", "boto3", "moto", "pytest", "jmespath"} & top_level
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in names)
    assert "boto3 " in completed.stdout
    assert f"{output}" in completed.stdout or output.name in completed.stdout
