"""HTTPS by default: default endpoints use https, TLS verification stays on unless turned off.

A plain-http endpoint that is not loopback is allowed but logs a warning.
These tests only build clients; none of them connects anywhere, and the
suite's socket guard would fail any test that tried.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import bedrockpage
from bedrockpage._client import http_client_options
from bedrockpage.endpoints import _table, resolve_endpoint
from bedrockpage.exceptions import ClientClosedError, ConfigError
from bedrockpage.session import resolve_setup

KEYS = {"aws_access_key_id": "AKIDHTTPSTEST", "aws_secret_access_key": "https-test-secret"}
WARNING_TEXT = "uses plain http"


@pytest.fixture
def warnings_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.WARNING, logger="bedrockpage")
    yield caplog


def build(endpoint_url: str | None = None, **options: object) -> bedrockpage.BedrockClient:
    return bedrockpage.client(
        "bedrock",
        region_name=str(options.pop("region_name", "us-east-1")),
        endpoint_url=endpoint_url,
        **KEYS,  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def setup_for(endpoint_url: str | None = None, **options: object) -> object:
    return resolve_setup(
        region_name=str(options.pop("region_name", "us-east-1")),
        endpoint_url=endpoint_url,
        aws_access_key_id=KEYS["aws_access_key_id"],
        aws_secret_access_key=KEYS["aws_secret_access_key"],
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=None,
        verify=options.pop("verify", None),  # type: ignore[arg-type]
        environ=options.pop("environ", None),  # type: ignore[arg-type]
    )


# -- plain http -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://bedrock.example.com",
        "http://10.0.0.5:8080",
        "http://169.254.169.254",
        "http://127.example.com",
        "http://[2001:db8::1]:8080",
    ],
)
def test_plain_http_non_loopback_warns(warnings_logged: pytest.LogCaptureFixture, url: str) -> None:
    with build(url) as client:
        assert client.meta.endpoint_url == url

    warnings = [r for r in warnings_logged.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert WARNING_TEXT in warnings[0].getMessage()
    assert url in warnings[0].getMessage()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://localhost:4566",
        "http://[::1]:8080",
        "https://bedrock.example.com",
    ],
)
def test_loopback_or_https_no_warning(warnings_logged: pytest.LogCaptureFixture, url: str) -> None:
    with build(url):
        pass

    assert [r.getMessage() for r in warnings_logged.records if r.levelno >= logging.WARNING] == []


def test_plain_http_warning_hides_password(warnings_logged: pytest.LogCaptureFixture) -> None:
    with build("http://user:hunter2-password@bedrock.example.com"):
        pass

    messages = [r.getMessage() for r in warnings_logged.records]
    assert any(WARNING_TEXT in message for message in messages)
    assert not any("hunter2-password" in message for message in messages)


def test_plain_http_skips_tls_setup() -> None:
    setup = setup_for("http://127.0.0.1:8080")

    assert http_client_options(setup)["verify"] is False  # type: ignore[arg-type]


# -- default endpoints --------------------------------------------------------------------


def all_regions() -> list[str]:
    return sorted({region for partition in _table.PARTITIONS for region in partition.regions})


def test_default_endpoints_use_https() -> None:
    regions = all_regions()
    assert len(regions) > 20

    for region in regions:
        for use_fips in (False, True):
            for use_dualstack in (False, True):
                try:
                    url = resolve_endpoint(region, use_fips=use_fips, use_dualstack=use_dualstack)
                except ConfigError:
                    continue  # the variant does not exist in this partition
                assert url.startswith("https://"), (region, use_fips, use_dualstack, url)


def test_default_endpoint_matches_botocore() -> None:
    import botocore.session

    session = botocore.session.get_session()
    their = session.create_client("bedrock", region_name="eu-west-3", **KEYS)

    with build(region_name="eu-west-3") as ours:
        assert ours.meta.endpoint_url == their.meta.endpoint_url
        assert ours.meta.endpoint_url.startswith("https://")


# -- certificate verification ---------------------------------------------------------------


def test_verification_on_by_default() -> None:
    setup = setup_for(environ={})

    verify = http_client_options(setup)["verify"]  # type: ignore[arg-type]

    assert setup.verify is True  # type: ignore[attr-defined]
    assert verify is True or (
        isinstance(verify, ssl.SSLContext)
        and verify.verify_mode == ssl.CERT_REQUIRED
        and verify.check_hostname
    )


def test_verification_off_only_when_asked() -> None:
    setup = setup_for(verify=False, environ={})

    assert http_client_options(setup)["verify"] is False  # type: ignore[arg-type]


def test_ca_bundle_keeps_verification() -> None:
    bundle = ssl.get_default_verify_paths().cafile
    if bundle is None:
        pytest.fail("this Python has no default CA file to use as a bundle")
    setup = setup_for(environ={"AWS_CA_BUNDLE": bundle})

    verify = http_client_options(setup)["verify"]  # type: ignore[arg-type]

    assert isinstance(verify, ssl.SSLContext)
    assert verify.verify_mode == ssl.CERT_REQUIRED
    assert verify.check_hostname


# -- the package-level client() ---------------------------------------------------------------


def test_client_callable_after_submodule_import() -> None:
    # A submodule named `client` would replace the package's client() function
    # once imported; importing the implementation modules first must not.
    code = (
        "import bedrockpage.aio\n"
        "from bedrockpage._client import BedrockClient\n"
        "import bedrockpage\n"
        "c = bedrockpage.client('bedrock', region_name='us-east-1',"
        " aws_access_key_id='a', aws_secret_access_key='b')\n"
        "assert isinstance(c, BedrockClient), type(c)\n"
        "c.close()\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("caller", ["client", "credential provider"])
def test_missing_ca_bundle_names_path(caller: str, tmp_path: Any) -> None:
    missing = str(tmp_path / "missing-bundle.pem")

    with pytest.raises(ConfigError) as caught:
        if caller == "client":
            bedrockpage.client(
                "bedrock",
                region_name="us-east-1",
                endpoint_url="https://127.0.0.1:9",
                aws_access_key_id="AKIDEXAMPLE",
                aws_secret_access_key="secret",
                verify=missing,
            )
        else:
            from bedrockpage.auth.providers._http import HttpRequest, send_with_httpx

            send_with_httpx(HttpRequest("GET", "https://127.0.0.1:9/", verify=missing))

    assert missing in str(caught.value)
    assert "PEM file" in str(caught.value)


def test_client_repr_hides_endpoint_password() -> None:
    with bedrockpage.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url="http://user:pa55word@127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    ) as client:
        text = repr(client)

    assert "pa55word" not in text
    assert "***@127.0.0.1:9" in text


def test_closed_client_names_the_fix() -> None:
    client = bedrockpage.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )
    client.close()

    with pytest.raises(ClientClosedError, match="Create a new one"):
        client.list_model_customization_jobs()
    with pytest.raises(ClientClosedError):
        list(client.get_paginator("list_model_customization_jobs").paginate())


def test_closed_async_client_names_the_fix() -> None:
    async def call_after_close() -> None:
        async with bedrockpage.async_client(
            "bedrock",
            region_name="us-east-1",
            endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
        ) as client:
            pass
        await client.list_model_customization_jobs()

    with pytest.raises(ClientClosedError, match="Create a new one"):
        asyncio.run(call_after_close())
