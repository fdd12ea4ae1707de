"""Suite-wide safety settings and shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests import netguard

# Applied at import, before any test module (or botocore) is loaded: no test may
# reach instance metadata, container credentials or a real AWS host.
netguard.install()
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for _name in (
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK",
):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


@pytest.fixture(autouse=True)
def _no_blocked_connections() -> Iterator[None]:
    """Fail any test during which the guard rejected a connection, even a swallowed one."""
    start = len(netguard.blocked_attempts)
    yield
    blocked = netguard.blocked_attempts[start:]
    assert not blocked, f"non-loopback network access attempted: {blocked}"
