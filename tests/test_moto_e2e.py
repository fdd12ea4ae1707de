"""End to end against moto's server on 127.0.0.1: bedrockpage and boto3 side by side."""

from __future__ import annotations

import asyncio
import copy
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest

import bedrockpage
from bedrockpage.exceptions import ClientError, ValidationException
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer

pytestmark = pytest.mark.moto

JOB_COUNT = 25
OPERATION = "list_model_customization_jobs"


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    with MotoServer() as moto:
        moto.seed(JOB_COUNT)
        yield moto


@pytest.fixture(scope="module")
def ours(server: MotoServer) -> Iterator[bedrockpage.BedrockClient]:
    with bedrockpage.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def theirs(server: MotoServer) -> Any:
    return boto3.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def without_metadata(page: dict[str, Any]) -> dict[str, Any]:
    page = copy.deepcopy(page)
    page.pop("ResponseMetadata", None)
    return page


def pages_of(client: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], str | None]:
    iterator = client.get_paginator(OPERATION).paginate(**kwargs)
    pages = [without_metadata(page) for page in iterator]
    return pages, iterator.resume_token


@pytest.mark.parametrize(
    "pagination_config",
    [
        {},
        {"PageSize": 4},
        {"MaxItems": 7, "PageSize": 3},
        {"MaxItems": 6, "PageSize": 3},
        {"MaxItems": 1},
        {"MaxItems": 30, "PageSize": 1000},
    ],
    ids=["defaults", "page-size-4", "mid-page-stop", "boundary-stop", "one-item", "more-than-all"],
)
def test_pages_equal_boto3(ours: Any, theirs: Any, pagination_config: dict[str, Any]) -> None:
    expected = pages_of(theirs, PaginationConfig=dict(pagination_config))
    actual = pages_of(ours, PaginationConfig=dict(pagination_config))
    assert actual == expected


def test_full_result_equals_boto3(ours: Any, theirs: Any) -> None:
    config = {"MaxItems": 11, "PageSize": 4}
    expected = (
        theirs.get_paginator(OPERATION).paginate(PaginationConfig=dict(config)).build_full_result()
    )
    actual = (
        ours.get_paginator(OPERATION).paginate(PaginationConfig=dict(config)).build_full_result()
    )
    assert actual == expected
    assert len(actual["modelCustomizationJobSummaries"]) == 11
    assert "NextToken" in actual


@pytest.mark.parametrize("first, second", [("theirs", "ours"), ("ours", "theirs")])
def test_token_resumes_across_clients(ours: Any, theirs: Any, first: str, second: str) -> None:
    clients = {"ours": ours, "theirs": theirs}
    head = (
        clients[first]
        .get_paginator(OPERATION)
        .paginate(PaginationConfig={"MaxItems": 7, "PageSize": 3})
    )
    head_names = [job["jobName"] for page in head for job in page["modelCustomizationJobSummaries"]]

    tail = (
        clients[second]
        .get_paginator(OPERATION)
        .paginate(PaginationConfig={"PageSize": 3, "StartingToken": head.resume_token})
    )
    tail_names = [job["jobName"] for page in tail for job in page["modelCustomizationJobSummaries"]]

    assert len(head_names) == 7
    assert sorted(head_names + tail_names) == sorted(set(head_names + tail_names))
    assert len(head_names + tail_names) == JOB_COUNT


def test_single_call_matches_boto3(ours: Any, theirs: Any) -> None:
    expected = theirs.list_model_customization_jobs(maxResults=5, nameContains="job-01")
    actual = ours.list_model_customization_jobs(maxResults=5, nameContains="job-01")
    assert without_metadata(actual) == without_metadata(expected)

    metadata = actual["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == expected["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert metadata["RetryAttempts"] == 0
    assert set(metadata) >= {"RequestId", "HTTPStatusCode", "HTTPHeaders", "RetryAttempts"}


def test_timestamps_equal_boto3(ours: Any, theirs: Any) -> None:
    expected = theirs.list_model_customization_jobs()["modelCustomizationJobSummaries"]
    actual = ours.list_model_customization_jobs()["modelCustomizationJobSummaries"]
    for mine, reference in zip(actual, expected, strict=True):
        for key in ("creationTime", "lastModifiedTime", "endTime"):
            assert mine[key] == reference[key]
            assert (mine[key].tzinfo is None) == (reference[key].tzinfo is None)


def test_service_error_matches_boto3(ours: Any, theirs: Any) -> None:
    with pytest.raises(Exception) as expected:
        theirs.list_model_customization_jobs(sortBy="Nonsense")
    with pytest.raises(ValidationException) as actual:
        ours.list_model_customization_jobs(sortBy="Nonsense")

    assert isinstance(actual.value, ClientError)
    assert isinstance(actual.value, ours.exceptions.ValidationException)
    assert actual.value.response["Error"] == expected.value.response["Error"]  # type: ignore[attr-defined]
    assert actual.value.operation_name == "ListModelCustomizationJobs"
    assert str(actual.value) == str(expected.value)


@pytest.mark.parametrize(
    "pagination_config",
    [{}, {"PageSize": 4, "MaxItems": 13}, {"PageSize": 5, "MaxItems": 10}, {"MaxItems": 1}],
    ids=["defaults", "mid-page-stop", "boundary-stop", "one-item"],
)
def test_async_client_lists_same_jobs(
    server: MotoServer, ours: Any, pagination_config: dict[str, Any]
) -> None:
    """Pages, tokens and build_full_result() of the asyncio client equal the sync client's."""

    async def list_with_async_client() -> dict[str, Any]:
        async with bedrockpage.async_client(
            "bedrock",
            region_name=REGION,
            endpoint_url=server.url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        ) as client:
            paginator = client.get_paginator(OPERATION)
            iterator = paginator.paginate(PaginationConfig=dict(pagination_config))
            pages = [without_metadata(page) async for page in iterator]
            tail_config = {"StartingToken": iterator.resume_token} if iterator.resume_token else {}
            tail = [
                without_metadata(page)
                async for page in paginator.paginate(PaginationConfig=tail_config)
            ]
            full = await paginator.paginate(
                PaginationConfig=dict(pagination_config)
            ).build_full_result()
            return {"pages": pages, "token": iterator.resume_token, "tail": tail, "full": full}

    paginator = ours.get_paginator(OPERATION)
    iterator = paginator.paginate(PaginationConfig=dict(pagination_config))
    pages = [without_metadata(page) for page in iterator]
    tail_config = {"StartingToken": iterator.resume_token} if iterator.resume_token else {}
    expected = {
        "pages": pages,
        "token": iterator.resume_token,
        "tail": [
            without_metadata(page) for page in paginator.paginate(PaginationConfig=tail_config)
        ],
        "full": paginator.paginate(PaginationConfig=dict(pagination_config)).build_full_result(),
    }

    actual = asyncio.run(list_with_async_client())

    assert actual == expected
    listed = actual["pages"] + (actual["tail"] if actual["token"] else [])
    names = [job["jobName"] for page in listed for job in page["modelCustomizationJobSummaries"]]
    assert len(names) == len(set(names)) == JOB_COUNT


def test_listing_loads_no_boto_modules(server: MotoServer) -> None:
    script = f"""
import sys, bedrockpage
client = bedrockpage.client("bedrock", region_name="{REGION}", endpoint_url="{server.url}",
                            aws_access_key_id="{ACCESS_KEY}", aws_secret_access_key="{SECRET_KEY}")
paginator = client.get_paginator("{OPERATION}")
result = paginator.paginate(PaginationConfig={{"PageSize": 5}}).build_full_result()
assert len(result["modelCustomizationJobSummaries"]) == {JOB_COUNT}
HEAVY = {{"botocore", "boto3", "jmespath", "dateutil"}}
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print(heavy)
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


@pytest.mark.moto
def test_server_keeps_serving_past_log_buffer(server: MotoServer) -> None:
    """moto logs a line per request; 1,000 requests overflow an unread 64 KiB pipe."""
    with httpx.Client() as http:
        for _ in range(1000):
            assert http.get(f"{server.url}/moto-api/", timeout=5.0).status_code == 200
