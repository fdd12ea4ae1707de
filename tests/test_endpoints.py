"""Endpoint resolution compared with botocore and boto3 (1.44.8), without any network.

botocore's result is the URL of a real request, captured by a `before-send` handler
that raises before anything is sent. Ours is the URL of a real request through an
`httpx.MockTransport`, plus `client.meta`, so both sides go through client creation.
"""

from __future__ import annotations

import asyncio
import gzip
import importlib.util
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import botocore
import botocore.session
import httpx
import pytest
from botocore.config import Config as BotocoreConfig

from bedrockpage._client import BedrockClient
from bedrockpage.aio import async_client
from bedrockpage.endpoints import _table, normalize_fips_region, resolve_endpoint
from bedrockpage.exceptions import ConfigError
from bedrockpage.session import Config, resolve_setup

REPO_ROOT = Path(__file__).resolve().parent.parent
BOTOCORE_DATA = Path(botocore.__file__).resolve().parent / "data"
REQUEST_PATH = "/model-customization-jobs"
FLAG_COMBINATIONS = [(False, False), (True, False), (False, True), (True, True)]

#: Regions that no botocore file lists but that botocore still resolves: regex-only
#: members of each partition, an unknown name that falls back to aws, and FIPS
#: pseudo-regions that botocore rewrites to a region plus use_fips_endpoint.
EXTRA_REGIONS = (
    "us-west-9",
    "cn-south-7",
    "us-gov-south-5",
    "us-iso-north-4",
    "us-isob-south-2",
    "eu-isoe-north-3",
    "us-isof-west-8",
    "eusc-de-west-2",
    "xx-unknown-1",
    "fips-us-gov-west-1",
    "us-gov-east-1-fips",
    "us-east-1-fips",
    "fips-ca-central-1",
)

#: Variables that change endpoint resolution; each test starts with none of them set.
ENDPOINT_ENV_VARS = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_AUTH_SCHEME_PREFERENCE",
    "AWS_SDK_UA_APP_ID",
    "AWS_RETRY_MODE",
    "AWS_MAX_ATTEMPTS",
)


def botocore_regions() -> list[str]:
    """Return every region name in botocore's partitions.json, endpoints.json and rule set."""
    regions: set[str] = set()
    partitions = json.loads((BOTOCORE_DATA / "partitions.json").read_text(encoding="utf-8"))
    for partition in partitions["partitions"]:
        regions.update(partition["regions"])

    endpoints = json.loads((BOTOCORE_DATA / "endpoints.json").read_text(encoding="utf-8"))
    for partition in endpoints["partitions"]:
        regions.update(partition["regions"])
        regions.update(partition["services"].get("bedrock", {}).get("endpoints", {}))

    rule_set_path = BOTOCORE_DATA / "bedrock" / _table.API_VERSION / "endpoint-rule-set-1.json.gz"
    with gzip.open(rule_set_path, "rt", encoding="utf-8") as file:
        regions.update(_region_literals(json.load(file)))
    return sorted(regions)


def credential_scope_regions() -> set[str]:
    """Return Bedrock's endpoints.json entries whose credentialScope sets a signing region."""
    endpoints = json.loads((BOTOCORE_DATA / "endpoints.json").read_text(encoding="utf-8"))
    return {
        name
        for partition in endpoints["partitions"]
        for name, entry in partition["services"].get("bedrock", {}).get("endpoints", {}).items()
        if "region" in entry.get("credentialScope", {})
    }


def _region_literals(node: Any) -> Iterator[str]:
    """Yield the string literals the rule set compares Region with, if any."""
    if isinstance(node, list):
        for item in node:
            yield from _region_literals(item)
    elif isinstance(node, dict):
        argv = node.get("argv", [])
        if node.get("fn") == "stringEquals" and {"ref": "Region"} in argv:
            yield from (arg for arg in argv if isinstance(arg, str))
        for value in node.values():
            yield from _region_literals(value)


ALL_REGIONS = [*botocore_regions(), *EXTRA_REGIONS]
CREDENTIAL_SCOPE_REGIONS = credential_scope_regions()
SWEEP_CASES = [
    (region, fips, dualstack) for region in ALL_REGIONS for fips, dualstack in FLAG_COMBINATIONS
]


# --- Both clients ----------------------------------------------------------------------


class _RequestCaptured(Exception):
    """Raised by the before-send handler so botocore never opens a socket."""

    def __init__(self, url: str, headers: Mapping[str, Any]) -> None:
        super().__init__(url)
        self.url = url
        self.headers = headers


def _capture_request(request: Any, **_: Any) -> None:
    raise _RequestCaptured(request.url, dict(request.headers))


@dataclass(frozen=True)
class Outcome:
    """Where a client sends ListModelCustomizationJobs, and what its `meta` reports."""

    request_url: str
    meta_endpoint_url: str
    meta_region_name: str
    signing_region: str


def _signing_region(authorization: str | bytes) -> str:
    """Return the region of a SigV4 Authorization header's credential scope."""
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    credential = authorization.split("Credential=", 1)[1].split(",", 1)[0]
    return credential.split("/")[2]


_shared_boto3_session: boto3.session.Session | None = None


def _boto3_session(fresh: bool) -> boto3.session.Session:
    # A fresh session re-reads the environment and config files. The sweep shares one.
    global _shared_boto3_session
    if fresh:
        return boto3.session.Session()
    if _shared_boto3_session is None:
        _shared_boto3_session = boto3.session.Session()
    return _shared_boto3_session


def boto3_outcome(
    region: str | None,
    *,
    fips: bool | None = None,
    dualstack: bool | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
    fresh_session: bool = True,
) -> Outcome:
    """Create a boto3 Bedrock client and capture its first request.

    botocore's errors propagate, so a caller can compare them with ours.
    """
    session = (
        boto3.session.Session(profile_name=profile) if profile else _boto3_session(fresh_session)
    )
    client = session.client(
        "bedrock",
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=BotocoreConfig(use_fips_endpoint=fips, use_dualstack_endpoint=dualstack),
    )
    client.meta.events.register("before-send", _capture_request)
    try:
        client.list_model_customization_jobs()
    except _RequestCaptured as captured:
        return Outcome(
            captured.url,
            client.meta.endpoint_url,
            client.meta.region_name,
            _signing_region(captured.headers["Authorization"]),
        )
    raise AssertionError("botocore sent no request")


def bedrockpage_outcome(
    region: str | None,
    *,
    fips: bool | None = None,
    dualstack: bool | None = None,
    endpoint_url: str | None = None,
    profile: str | None = None,
) -> Outcome:
    """Create our client on a mock transport and capture its first request."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"modelCustomizationJobSummaries": []})

    setup = resolve_setup(
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        aws_session_token=None,
        profile=profile,
        bearer_token=None,
        config=Config(use_fips_endpoint=fips, use_dualstack_endpoint=dualstack),
        verify=None,
    )
    with BedrockClient(
        setup, http_client=httpx.Client(transport=httpx.MockTransport(handle))
    ) as client:
        client.list_model_customization_jobs()
        assert len(sent) == 1
        return Outcome(
            str(sent[0].url),
            client.meta.endpoint_url,
            client.meta.region_name,
            _signing_region(sent[0].headers["Authorization"]),
        )


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENDPOINT_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


# --- Every region times every flag combination ------------------------------------------


def test_sweep_covers_every_partition() -> None:
    partitions = json.loads((BOTOCORE_DATA / "partitions.json").read_text(encoding="utf-8"))
    names = {partition["id"] for partition in partitions["partitions"]}
    covered = {
        partition.name
        for partition in _table.PARTITIONS
        if any(region in partition.regions for region in ALL_REGIONS)
    }

    assert names == covered
    assert {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e"} <= names
    assert {"aws-iso-f", "aws-eusc"} <= names
    assert len(SWEEP_CASES) == 4 * len(ALL_REGIONS)


@pytest.mark.parametrize(("region", "fips", "dualstack"), SWEEP_CASES)
def test_endpoint_matches_botocore(region: str, fips: bool, dualstack: bool) -> None:
    try:
        expected = boto3_outcome(region, fips=fips, dualstack=dualstack, fresh_session=False)
    except botocore.exceptions.BotoCoreError as botocore_error:
        with pytest.raises(ConfigError) as raised:
            bedrockpage_outcome(region, fips=fips, dualstack=dualstack)
        message = str(raised.value)
        assert "Cannot resolve the Bedrock endpoint" in message, botocore_error
        assert repr(normalize_fips_region(region)[0]) in message
        assert ("dual-stack" in message) == dualstack
        assert ("FIPS" in message) == (fips or "fips" in region)
        return

    ours = bedrockpage_outcome(region, fips=fips, dualstack=dualstack)

    assert ours.request_url == expected.request_url
    assert ours.meta_endpoint_url + REQUEST_PATH == expected.request_url
    assert ours.meta_region_name == expected.meta_region_name
    if expected.meta_region_name not in CREDENTIAL_SCOPE_REGIONS:
        assert ours.signing_region == expected.signing_region


def test_credential_scope_pseudo_regions_sign_differently() -> None:
    # NOTE: botocore signs for the credentialScope region of an endpoints.json entry,
    # such as us-east-1 for the pseudo-region bedrock-us-east-1, and ours signs for the
    # region name. Only pseudo-regions whose rule-set host does not exist are affected.
    assert CREDENTIAL_SCOPE_REGIONS
    assert all(region.startswith("bedrock-") for region in CREDENTIAL_SCOPE_REGIONS)

    expected = boto3_outcome("bedrock-us-east-1")
    ours = bedrockpage_outcome("bedrock-us-east-1")

    assert expected.signing_region == "us-east-1"
    assert ours.signing_region == "bedrock-us-east-1"


def test_meta_matches_boto3_for_plain_regions() -> None:
    # boto3's meta.endpoint_url comes from botocore's endpoints.json resolver, while its
    # requests go to the rule set's URL. Ours reports the request URL. Both agree on every
    # region listed in a partition, except dual-stack in aws-iso and aws-iso-b.
    checked = 0
    for partition in _table.PARTITIONS:
        for region in partition.regions:
            if region.endswith("-global"):
                continue
            for fips, dualstack in FLAG_COMBINATIONS:
                try:
                    expected = boto3_outcome(
                        region, fips=fips, dualstack=dualstack, fresh_session=False
                    )
                except botocore.exceptions.BotoCoreError:
                    continue
                if partition.name in ("aws-iso", "aws-iso-b") and dualstack:
                    continue  # boto3's meta names an aws-partition host there
                ours = bedrockpage_outcome(region, fips=fips, dualstack=dualstack)
                assert ours.meta_endpoint_url == expected.meta_endpoint_url, (region, fips)
                assert ours.meta_region_name == expected.meta_region_name, region
                checked += 1
    assert checked > 150


@pytest.mark.parametrize("region", ["aws-cn-global", "bedrock-us-east-1", "us-iso-east-1"])
def test_meta_reports_request_url_not_legacy(region: str) -> None:
    dualstack = region == "us-iso-east-1"
    expected = boto3_outcome(region, dualstack=dualstack)
    ours = bedrockpage_outcome(region, dualstack=dualstack)

    assert expected.meta_endpoint_url + REQUEST_PATH != expected.request_url
    assert ours.meta_endpoint_url + REQUEST_PATH == expected.request_url


def test_fips_pseudo_region_logs_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="bedrockpage"):
        ours = bedrockpage_outcome("fips-us-gov-west-1")

    assert ours.request_url == "https://bedrock-fips.us-gov-west-1.amazonaws.com" + REQUEST_PATH
    assert ours.meta_region_name == "us-gov-west-1"
    assert "fips-us-gov-west-1" in caplog.text


def test_legacy_dualstack_gap_raises() -> None:
    with pytest.raises(botocore.exceptions.EndpointVariantError):
        boto3_outcome("eu-isoe-west-1", dualstack=True)

    with pytest.raises(ConfigError, match=r"no dual-stack endpoint in partition 'aws-iso-e'"):
        resolve_endpoint("eu-isoe-west-1", use_dualstack=True)


def test_missing_region_raises() -> None:
    with pytest.raises(ConfigError, match=r"Missing Region.*Set a region"):
        resolve_endpoint("")


# --- Endpoint URLs and flags from arguments, environment and config files ---------------


@dataclass(frozen=True)
class SettingsCase:
    """One configuration, applied to both clients."""

    name: str
    env: Mapping[str, str]
    config_file: str = ""
    credentials_file: str = ""
    endpoint_url: str | None = None
    fips: bool | None = None
    dualstack: bool | None = None
    profile: str | None = None
    region: str | None = "us-west-2"


SETTINGS_CASES = [
    SettingsCase("no settings", {}),
    SettingsCase("endpoint_url argument", {}, endpoint_url="https://arg.example.com"),
    SettingsCase("service env var", {"AWS_ENDPOINT_URL_BEDROCK": "https://svc.example.com"}),
    SettingsCase("global env var", {"AWS_ENDPOINT_URL": "https://global.example.com"}),
    SettingsCase(
        "service env var wins over global",
        {
            "AWS_ENDPOINT_URL_BEDROCK": "https://svc.example.com",
            "AWS_ENDPOINT_URL": "https://global.example.com",
        },
    ),
    SettingsCase(
        "argument wins over env",
        {"AWS_ENDPOINT_URL_BEDROCK": "https://svc.example.com"},
        endpoint_url="http://127.0.0.1:8080",
    ),
    SettingsCase(
        "empty service env var is skipped",
        {"AWS_ENDPOINT_URL_BEDROCK": "", "AWS_ENDPOINT_URL": "https://global.example.com"},
    ),
    SettingsCase(
        "profile endpoint_url",
        {},
        config_file="[default]\nendpoint_url = https://profile.example.com\n",
    ),
    SettingsCase(
        "services section",
        {},
        config_file=(
            "[default]\nservices = custom\nendpoint_url = https://profile.example.com\n"
            "[services custom]\nbedrock =\n  endpoint_url = https://services.example.com\n"
        ),
    ),
    SettingsCase(
        "services section without bedrock",
        {},
        config_file=(
            "[default]\nservices = custom\nendpoint_url = https://profile.example.com\n"
            "[services custom]\ns3 =\n  endpoint_url = https://s3.example.com\n"
        ),
    ),
    SettingsCase(
        "global env var wins over services section",
        {"AWS_ENDPOINT_URL": "https://global.example.com"},
        config_file=(
            "[default]\nservices = custom\n"
            "[services custom]\nbedrock =\n  endpoint_url = https://services.example.com\n"
        ),
    ),
    SettingsCase(
        "named profile via AWS_PROFILE",
        {"AWS_PROFILE": "dev"},
        config_file=(
            "[default]\nendpoint_url = https://default.example.com\n"
            "[profile dev]\nendpoint_url = https://dev.example.com\n"
        ),
    ),
    SettingsCase(
        "named profile argument",
        {},
        config_file="[profile dev]\nendpoint_url = https://dev.example.com\nregion = eu-west-1\n",
        profile="dev",
        region=None,
    ),
    SettingsCase(
        "profile ignores configured endpoints",
        {"AWS_ENDPOINT_URL": "https://global.example.com"},
        config_file=(
            "[default]\nignore_configured_endpoint_urls = true\n"
            "endpoint_url = https://profile.example.com\n"
        ),
    ),
    SettingsCase(
        "env ignores configured endpoints",
        {
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE",
            "AWS_ENDPOINT_URL_BEDROCK": "https://svc.example.com",
        },
    ),
    SettingsCase(
        "env false overrides profile ignore",
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"},
        config_file=(
            "[default]\nignore_configured_endpoint_urls = true\n"
            "endpoint_url = https://profile.example.com\n"
        ),
    ),
    SettingsCase(
        "ignore keeps the argument",
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        endpoint_url="https://arg.example.com",
    ),
    SettingsCase(
        "empty ignore env overrides profile",
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": ""},
        config_file=(
            "[default]\nignore_configured_endpoint_urls = true\n"
            "endpoint_url = https://profile.example.com\n"
        ),
    ),
    SettingsCase(
        "credentials file endpoint_url",
        {},
        credentials_file="[default]\nendpoint_url = https://creds.example.com\n",
    ),
    SettingsCase("endpoint with path", {}, endpoint_url="https://proxy.example.com/prefix"),
    SettingsCase("endpoint with trailing slash", {}, endpoint_url="https://proxy.example.com/"),
    SettingsCase("endpoint path with slash", {}, endpoint_url="https://proxy.example.com/p/"),
    SettingsCase("endpoint with port", {}, endpoint_url="http://localhost:4566"),
    SettingsCase("FIPS from env", {"AWS_USE_FIPS_ENDPOINT": "true"}),
    SettingsCase("dual-stack from env", {"AWS_USE_DUALSTACK_ENDPOINT": "True"}),
    SettingsCase(
        "both flags from env",
        {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
    ),
    SettingsCase("FIPS from profile", {}, config_file="[default]\nuse_fips_endpoint = true\n"),
    SettingsCase(
        "dual-stack from profile", {}, config_file="[default]\nuse_dualstack_endpoint = true\n"
    ),
    SettingsCase(
        "env false overrides profile true",
        {"AWS_USE_FIPS_ENDPOINT": "false"},
        config_file="[default]\nuse_fips_endpoint = true\n",
    ),
    SettingsCase(
        "empty env overrides profile true",
        {"AWS_USE_DUALSTACK_ENDPOINT": ""},
        config_file="[default]\nuse_dualstack_endpoint = true\n",
    ),
    SettingsCase(
        "Config false overrides env true",
        {"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"},
        fips=False,
        dualstack=False,
    ),
    SettingsCase("FIPS in a China region", {"AWS_USE_FIPS_ENDPOINT": "true"}, region="cn-north-1"),
    SettingsCase("region from env", {"AWS_DEFAULT_REGION": "us-gov-west-1"}, region=None),
    SettingsCase(
        "region from profile", {}, config_file="[default]\nregion = eusc-de-east-1\n", region=None
    ),
]


def _write_settings(case: SettingsCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_path = tmp_path / "config"
    credentials_path = tmp_path / "credentials"
    config_path.write_text(case.config_file, encoding="utf-8")
    credentials_path.write_text(case.credentials_file, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_path))
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)


def _outcomes(case: SettingsCase) -> tuple[Outcome, Outcome]:
    arguments: dict[str, Any] = {
        "fips": case.fips,
        "dualstack": case.dualstack,
        "endpoint_url": case.endpoint_url,
        "profile": case.profile,
    }
    return boto3_outcome(case.region, **arguments), bedrockpage_outcome(case.region, **arguments)


@pytest.mark.parametrize("case", SETTINGS_CASES, ids=[case.name for case in SETTINGS_CASES])
def test_settings_match_botocore(
    case: SettingsCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_settings(case, tmp_path, monkeypatch)

    expected, ours = _outcomes(case)

    assert ours.request_url == expected.request_url
    assert ours.meta_endpoint_url == expected.meta_endpoint_url
    assert ours.meta_region_name == expected.meta_region_name
    assert ours.signing_region == expected.signing_region


# --- Deliberate differences from botocore -----------------------------------------------


DIVERGENT_CASES = [
    (
        SettingsCase(
            "endpoint argument with FIPS in Config",
            {},
            endpoint_url="https://arg.example.com",
            fips=True,
        ),
        r"Turn off FIPS.*or remove the custom endpoint URL",
    ),
    (
        SettingsCase(
            "env endpoint with dual-stack env",
            {
                "AWS_ENDPOINT_URL_BEDROCK": "https://svc.example.com",
                "AWS_USE_DUALSTACK_ENDPOINT": "true",
            },
        ),
        r"Turn off dual-stack.*or remove the custom endpoint URL",
    ),
    (
        SettingsCase(
            "profile endpoint with profile FIPS",
            {},
            config_file=(
                "[default]\nendpoint_url = https://profile.example.com\nuse_fips_endpoint = true\n"
            ),
        ),
        r"Turn off FIPS.*or remove the custom endpoint URL",
    ),
    (
        SettingsCase("FIPS env var of 1", {"AWS_USE_FIPS_ENDPOINT": "1"}),
        r"Invalid value '1' for AWS_USE_FIPS_ENDPOINT: expected true or false",
    ),
    (
        SettingsCase(
            "dual-stack profile key of yes",
            {},
            config_file="[default]\nuse_dualstack_endpoint = yes\n",
        ),
        r"Invalid value 'yes' for use_dualstack_endpoint in profile 'default'",
    ),
    (
        SettingsCase(
            "ignore endpoints env var of on",
            {
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "on",
                "AWS_ENDPOINT_URL": "https://global.example.com",
            },
        ),
        r"Invalid value 'on' for AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    ),
]


@pytest.mark.parametrize(
    ("case", "message"), DIVERGENT_CASES, ids=[case.name for case, _ in DIVERGENT_CASES]
)
def test_divergence_raises_where_botocore_drops(
    case: SettingsCase, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_settings(case, tmp_path, monkeypatch)
    arguments: dict[str, Any] = {
        "fips": case.fips,
        "dualstack": case.dualstack,
        "endpoint_url": case.endpoint_url,
    }

    expected = boto3_outcome(case.region, **arguments)
    with pytest.raises(ConfigError, match=message):
        bedrockpage_outcome(case.region, **arguments)

    # botocore silently sends to the plain regional or the custom endpoint instead.
    assert "fips" not in expected.request_url
    assert "api.aws" not in expected.request_url


def test_services_entry_plain_value_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = SettingsCase(
        "services entry without a block",
        {},
        config_file=(
            "[default]\nservices = custom\n[services custom]\nbedrock = https://x.example.com\n"
        ),
    )
    _write_settings(case, tmp_path, monkeypatch)

    with pytest.raises(AttributeError):
        boto3_outcome(case.region)
    with pytest.raises(ConfigError, match=r"Invalid bedrock entry .*expected a nested block"):
        bedrockpage_outcome(case.region)


def test_missing_services_section_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = SettingsCase("missing services section", {}, config_file="[default]\nservices = gone\n")
    _write_settings(case, tmp_path, monkeypatch)

    with pytest.raises(ConfigError, match=r"no \[services gone\] section"):
        bedrockpage_outcome(case.region)


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("us-east-1\n", "Invalid region 'us-east-1\\\\n'"),
        ("-us-east-1", "Invalid region '-us-east-1'"),
        ("us_east_1", "Invalid region 'us_east_1'"),
        ("123", "Invalid region '123'"),
    ],
)
def test_invalid_region_raises(region: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_endpoint(region)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com", "the scheme must be http or https"),
        ("https://exa mple.com", "remove the whitespace"),
        ("https://example.com:99999", "Invalid endpoint URL"),
        ("https://", "invalid or missing host"),
        ("https://bad_host.example.com", "invalid or missing host"),
    ],
)
def test_invalid_endpoint_url_raises(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_endpoint("us-east-1", endpoint_url=url)


def test_endpoint_url_password_is_redacted() -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_endpoint(
            "us-east-1", use_fips=True, endpoint_url="https://user:hunter2@proxy.example.com"
        )

    assert "hunter2" not in str(raised.value)
    assert "https://***@proxy.example.com" in str(raised.value)


def test_ipv6_endpoint_url_accepted() -> None:
    assert resolve_endpoint("us-east-1", endpoint_url="http://[::1]:8080") == "http://[::1]:8080"


# --- The generated table ----------------------------------------------------------------


def _load_generator() -> ModuleType:
    path = REPO_ROOT / "scripts" / "generate_endpoints.py"
    spec = importlib.util.spec_from_file_location("generate_endpoints", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_endpoints", module)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_table() -> None:
    generator = _load_generator()
    table_path = REPO_ROOT / "bedrockpage" / "endpoints" / "_table.py"

    assert generator.render_table().encode("utf-8") == table_path.read_bytes()
    assert botocore.__version__ == _table.BOTOCORE_VERSION


def test_generator_check_mode_passes(capsys: pytest.CaptureFixture[str]) -> None:
    generator = _load_generator()

    assert generator.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_generator_check_mode_flags_stale(tmp_path: Path) -> None:
    generator = _load_generator()
    stale = tmp_path / "_table.py"
    stale.write_text("# stale\n", encoding="utf-8")

    assert generator.main(["--check", "--output", str(stale)]) == 1


@pytest.mark.parametrize(
    "condition",
    [
        {"fn": "parseURL", "argv": [{"ref": "Endpoint"}]},
        {"fn": "isSet", "argv": [{"ref": "UseArnRegion"}]},
        {"fn": "stringEquals", "argv": [{"ref": "Endpoint"}, "x"]},
        {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, {"ref": "UseDualStack"}]},
    ],
)
def test_generator_rejects_unknown_condition(condition: dict[str, Any]) -> None:
    generator = _load_generator()

    with pytest.raises(generator.RuleSetNotSupportedError):
        generator.translate_condition(condition, True, "rules[0]")


def test_generator_rejects_endpoint_properties() -> None:
    generator = _load_generator()
    endpoint = {"url": "https://x", "properties": {"authSchemes": [{"name": "sigv4"}]}}

    with pytest.raises(generator.RuleSetNotSupportedError, match="properties"):
        generator.endpoint_url_template(endpoint, True, "rules[0]")


@pytest.mark.parametrize("region", ["us-gov-west-1-fips", "eusc-de-east-1"])
def test_async_client_meta_matches_boto3(region: str) -> None:
    expected = boto3_outcome(region, dualstack=True)

    async def meta() -> tuple[str, str]:
        config = Config(use_dualstack_endpoint=True)
        async with async_client(region_name=region, config=config) as client:
            return client.meta.endpoint_url, client.meta.region_name

    endpoint_url, region_name = asyncio.run(meta())

    assert endpoint_url + REQUEST_PATH == expected.request_url
    assert region_name == expected.meta_region_name
