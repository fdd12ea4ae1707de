"""Container credentials and IMDSv2 against fakes on 127.0.0.1.

The relative container URI goes to the fake through the provider's base URL
(botocore always uses http://169.254.170.2), and instance metadata through
AWS_EC2_METADATA_SERVICE_ENDPOINT; every other test disables both.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import ContainerProvider as BotocoreContainerProvider
from botocore.credentials import InstanceMetadataProvider as BotocoreInstanceMetadataProvider
from botocore.utils import ContainerMetadataFetcher, InstanceMetadataFetcher

from bedrockpage.auth.providers import resolve_credential_source
from bedrockpage.auth.providers._http import HttpRequest, send_with_httpx
from bedrockpage.auth.providers.container import ContainerProvider, validate_full_uri
from bedrockpage.auth.providers.imds import InstanceMetadataProvider
from bedrockpage.auth.refresh import RefreshableCredentials
from bedrockpage.config import SharedFiles
from bedrockpage.exceptions import ConfigError, CredentialRetrievalError, NoCredentialsError
from tests.support.aws_files import FakeClock, write_shared_files
from tests.support.fake_http import CannedResponse, FakeHttpServer, RecordedRequest
from tests.support.fake_sts import FakeSts, botocore_authorization
from tests.support.moto_server import free_loopback_port

SECRET = "SENTINEL-CONTAINER-SECRET"
TOKEN = "SENTINEL-CONTAINER-TOKEN"
AUTH_TOKEN = "SENTINEL-AUTHORIZATION-TOKEN"
IMDS_TOKEN = "SENTINEL-IMDS-SESSION-TOKEN"
CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/"


@pytest.fixture
def server() -> Iterator[FakeHttpServer]:
    with FakeHttpServer() as fake:
        yield fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def credentials_json(clock: FakeClock, key: str = "ASIACONTAINER", seconds: int = 3600) -> Any:
    return {
        "AccessKeyId": key,
        "SecretAccessKey": SECRET,
        "Token": TOKEN,
        "Expiration": clock.iso_in(seconds),
        "RoleArn": "arn:aws:iam::123456789012:role/task",
    }


def no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected sleep of {seconds} s")


# --- container credentials ---------------------------------------------------------------


def test_container_full_uri(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route("GET", "/creds", CannedResponse.json(credentials_json(clock)))
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds"}

    loaded = ContainerProvider(environ, send_with_httpx, sleep=no_sleep, clock=clock).load()

    assert isinstance(loaded, RefreshableCredentials)
    frozen = loaded.get_frozen()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("ASIACONTAINER", SECRET, TOKEN)
    assert frozen.method == "container-role"
    assert loaded.expiry_time == clock.now + timedelta(hours=1)
    (request,) = server.requests
    assert request.headers["accept"] == "application/json"
    assert "authorization" not in request.headers


def test_container_relative_uri_uses_base_url(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route("GET", "/v2/credentials/task-id", CannedResponse.json(credentials_json(clock)))
    environ = {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-id?source=ecs",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/never-used",
    }

    provider = ContainerProvider(environ, send_with_httpx, clock=clock, base_url=server.url)
    loaded = provider.load()

    assert loaded is not None
    assert [request.path for request in server.requests] == ["/v2/credentials/task-id?source=ecs"]


def test_container_authorization_token(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route("GET", "/creds", CannedResponse.json(credentials_json(clock)))
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN,
    }

    ContainerProvider(environ, send_with_httpx, clock=clock).load()

    assert server.requests[0].headers["authorization"] == AUTH_TOKEN


def test_container_token_file_wins_and_is_reread(
    server: FakeHttpServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.route(
        "GET",
        "/creds",
        CannedResponse.json(credentials_json(clock, "ASIAFIRST")),
        CannedResponse.json(credentials_json(clock, "ASIASECOND", seconds=7200)),
    )
    token_file = tmp_path / "token"
    token_file.write_text("token-from-file-1", encoding="utf-8")
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": "token-from-variable",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file),
    }
    loaded = ContainerProvider(environ, send_with_httpx, clock=clock).load()
    assert loaded is not None

    token_file.write_text("token-from-file-2", encoding="utf-8")
    clock.advance(3600 - 5 * 60)

    assert loaded.get_frozen().access_key == "ASIASECOND"
    tokens = [request.headers["authorization"] for request in server.requests]
    assert tokens == ["token-from-file-1", "token-from-file-2"]


def test_container_token_with_line_break(server: FakeHttpServer, clock: FakeClock) -> None:
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN + "\r\nX-Injected: 1",
    }

    with pytest.raises(CredentialRetrievalError) as raised:
        ContainerProvider(environ, send_with_httpx, clock=clock).load()

    assert "line break" in str(raised.value)
    assert AUTH_TOKEN not in str(raised.value)
    assert server.requests == []


def test_container_missing_token_file(server: FakeHttpServer, clock: FakeClock) -> None:
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/nonexistent/token",
    }

    with pytest.raises(CredentialRetrievalError) as raised:
        ContainerProvider(environ, send_with_httpx, clock=clock).load()

    assert "/nonexistent/token" in str(raised.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/creds",
        "http://127.0.0.2/creds",
        "http://[::1]:80/creds",
        "http://localhost/creds",
        "http://LOCALHOST/creds",
        "http://169.254.170.2/creds",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
        "http://[FD00:EC2::23]/v1/credentials",
        "https://credentials.example.com/creds",
        "HTTPS://credentials.example.com/creds",
        "http://credentials.example.com/creds",
        "http://localhost.localdomain/creds",
        "http://169.254.169.254/creds",
        "http://10.0.0.1/creds",
        "http://127.1/creds",
        "http://0x7f000001/creds",
        "http:///creds",
    ],
)
def test_container_allowed_hosts_match_botocore(url: str) -> None:
    try:
        ContainerMetadataFetcher()._validate_allowed_url(url)
        botocore_allows = True
    except ValueError:
        botocore_allows = False

    try:
        validate_full_uri(url)
        we_allow = True
    except ConfigError:
        we_allow = False

    assert we_allow == botocore_allows


def test_container_rejected_host_sends_nothing(clock: FakeClock) -> None:
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"}

    def fail(request: HttpRequest) -> Any:
        raise AssertionError(f"sent {request!r}")

    with pytest.raises(ConfigError) as raised:
        ContainerProvider(environ, fail, clock=clock).load()

    assert "credentials.example.com" in str(raised.value)


def test_container_retries_then_succeeds(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route(
        "GET",
        "/creds",
        CannedResponse.text("agent starting", 503),
        CannedResponse.text("{not json"),
        CannedResponse.json(credentials_json(clock)),
    )
    sleeps: list[float] = []
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds"}

    loaded = ContainerProvider(environ, send_with_httpx, sleep=sleeps.append, clock=clock).load()

    assert loaded is not None
    assert len(server.requests) == 3
    assert sleeps == [1.0, 1.0]


def test_container_gives_up_after_three_attempts(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route("GET", "/creds", CannedResponse.text("role not found", 404))
    sleeps: list[float] = []
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds"}

    with pytest.raises(CredentialRetrievalError) as raised:
        ContainerProvider(environ, send_with_httpx, sleep=sleeps.append, clock=clock).load()

    assert "404" in str(raised.value)
    assert "role not found" in str(raised.value)
    assert len(server.requests) == 3


def test_container_unreachable(clock: FakeClock) -> None:
    closed_port = free_loopback_port()
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"http://127.0.0.1:{closed_port}/creds"}
    sleeps: list[float] = []

    with pytest.raises(CredentialRetrievalError) as raised:
        ContainerProvider(environ, send_with_httpx, sleep=sleeps.append, clock=clock).load()

    assert f"127.0.0.1:{closed_port}" in str(raised.value)


def test_container_missing_fields(server: FakeHttpServer, clock: FakeClock) -> None:
    payload = credentials_json(clock)
    del payload["Token"]
    server.route("GET", "/creds", CannedResponse.json(payload))
    environ = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds"}

    with pytest.raises(CredentialRetrievalError) as raised:
        ContainerProvider(environ, send_with_httpx, clock=clock).load()

    assert "Token" in str(raised.value)
    assert SECRET not in str(raised.value)


def test_container_secrets_stay_out_of_logs(
    server: FakeHttpServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.route(
        "GET",
        "/creds",
        CannedResponse.text("busy", 500),
        CannedResponse.json(credentials_json(clock)),
    )
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN,
    }

    loaded = ContainerProvider(environ, send_with_httpx, sleep=lambda _: None, clock=clock).load()

    for secret in (SECRET, TOKEN, AUTH_TOKEN):
        assert secret not in caplog.text
        assert secret not in repr(loaded)


def test_chain_container_relative_uri(server: FakeHttpServer, clock: FakeClock) -> None:
    server.route("GET", "/v2/credentials/abc", CannedResponse.json(credentials_json(clock)))
    environ = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc",
        "BOTO_CONFIG": os.devnull,
    }

    source = resolve_credential_source(
        environ=environ, clock=clock, sleep=no_sleep, container_base_url=server.url
    )

    assert source.method == "container-role"
    assert source.get_frozen().access_key == "ASIACONTAINER"


def test_assume_role_from_container_source(
    server: FakeHttpServer, clock: FakeClock, tmp_path: Path
) -> None:
    server.route("GET", "/creds", CannedResponse.json(credentials_json(clock)))
    sts = FakeSts(server)
    config = (
        "[profile ecs-role]\nrole_arn = arn:aws:iam::123456789012:role/bedrock-reader\n"
        "credential_source = EcsContainer\n"
    )
    environ = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        **write_shared_files(tmp_path, config=config),
    }

    source = resolve_credential_source(
        profile_name="ecs-role",
        region="us-west-2",
        environ=environ,
        sts_endpoint_url=server.url,
        clock=clock,
    )
    frozen = source.get_frozen()

    assert frozen.access_key == "ASIASTSFAKE1"
    (request,) = sts.calls
    expected = botocore_authorization(
        request,
        server.url + "/",
        access_key="ASIACONTAINER",
        secret_key=SECRET,
        token=TOKEN,
        region="us-west-2",
        service="sts",
    )
    assert request.headers["authorization"] == expected


# --- instance metadata (IMDSv2) ----------------------------------------------------------


class FakeImds:
    """Routes of the instance metadata service for one role, with IMDSv2 token checks."""

    def __init__(self, server: FakeHttpServer, clock: FakeClock, role: str = "bedrock-role"):
        self.server = server
        self.clock = clock
        self.role = role
        self.expiry_seconds = 6 * 3600
        self.access_keys = iter(f"ASIAIMDS{number}" for number in range(1, 100))
        server.route("PUT", "/latest/api/token", self._token)
        server.route("GET", CREDENTIALS_PATH, self._role_name)
        server.route("GET", CREDENTIALS_PATH + role, self._credentials)

    def environ(self, **variables: str) -> dict[str, str]:
        return {"AWS_EC2_METADATA_SERVICE_ENDPOINT": self.server.url + "/", **variables}

    def _token(self, request: RecordedRequest) -> CannedResponse:
        if request.headers.get("x-aws-ec2-metadata-token-ttl-seconds") != "21600":
            return CannedResponse.text("missing TTL header", 400)
        return CannedResponse.text(IMDS_TOKEN)

    def _authorized(self, request: RecordedRequest) -> bool:
        return request.headers.get("x-aws-ec2-metadata-token") in (None, IMDS_TOKEN)

    def _role_name(self, request: RecordedRequest) -> CannedResponse:
        if not self._authorized(request):
            return CannedResponse.text("Unauthorized", 401)
        return CannedResponse.text(self.role)

    def _credentials(self, request: RecordedRequest) -> CannedResponse:
        if not self._authorized(request):
            return CannedResponse.text("Unauthorized", 401)
        payload = {
            "Code": "Success",
            "LastUpdated": self.clock.iso_in(0),
            "Type": "AWS-HMAC",
            "AccessKeyId": next(self.access_keys),
            "SecretAccessKey": SECRET,
            "Token": TOKEN,
            "Expiration": self.clock.iso_in(self.expiry_seconds),
        }
        return CannedResponse.text(json.dumps(payload))


def imds_provider(
    environ: dict[str, str], clock: FakeClock, files: SharedFiles | None = None
) -> InstanceMetadataProvider:
    files = files or SharedFiles(
        {"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/x"}
    )
    return InstanceMetadataProvider(
        environ, files, "default", send_with_httpx, clock=clock, jitter_seconds=lambda: 300
    )


def test_imds_token_then_role_then_credentials(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)

    loaded = imds_provider(imds.environ(), clock).load()

    assert isinstance(loaded, RefreshableCredentials)
    frozen = loaded.get_frozen()
    assert (frozen.access_key, frozen.secret_key, frozen.token) == ("ASIAIMDS1", SECRET, TOKEN)
    assert frozen.method == "iam-role"
    assert [(request.method, request.path) for request in server.requests] == [
        ("PUT", "/latest/api/token"),
        ("GET", CREDENTIALS_PATH),
        ("GET", CREDENTIALS_PATH + "bedrock-role"),
    ]
    for request in server.requests[1:]:
        assert request.headers["x-aws-ec2-metadata-token"] == IMDS_TOKEN


def test_imds_endpoint_without_trailing_slash(server: FakeHttpServer, clock: FakeClock) -> None:
    FakeImds(server, clock)

    loaded = imds_provider({"AWS_EC2_METADATA_SERVICE_ENDPOINT": server.url}, clock).load()

    assert loaded is not None
    assert server.requests[0].path == "/latest/api/token"


def test_imds_disabled_sends_nothing(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)

    for value in ("true", "TRUE", "True"):
        loaded = imds_provider(imds.environ(AWS_EC2_METADATA_DISABLED=value), clock).load()
        assert loaded is None
    assert server.requests == []


def test_imds_falls_back_to_v1(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    server.route("PUT", "/latest/api/token", CannedResponse.text("Forbidden", 403))

    loaded = imds_provider(imds.environ(), clock).load()

    assert loaded is not None
    for request in server.requests[1:]:
        assert "x-aws-ec2-metadata-token" not in request.headers


def test_imds_v1_disabled(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    server.route("PUT", "/latest/api/token", CannedResponse.text("Not Found", 404))

    with pytest.raises(CredentialRetrievalError) as raised:
        imds_provider(imds.environ(AWS_EC2_METADATA_V1_DISABLED="true"), clock).load()

    assert "IMDSv1 has been disabled" in str(raised.value)
    assert len(server.requests) == 1


def test_imds_bad_token_request(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    server.route("PUT", "/latest/api/token", CannedResponse.text("Bad Request", 400))

    assert imds_provider(imds.environ(), clock).load() is None
    assert len(server.requests) == 1


def test_imds_unreachable_is_not_configured(clock: FakeClock) -> None:
    environ = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{free_loopback_port()}/"}

    assert imds_provider(environ, clock).load() is None


def test_imds_attempts_setting(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    server.route(
        "GET", CREDENTIALS_PATH, CannedResponse.text("", 500), CannedResponse.text(imds.role)
    )

    environ = imds.environ(AWS_METADATA_SERVICE_NUM_ATTEMPTS="2")
    loaded = imds_provider(environ, clock).load()

    assert loaded is not None
    assert len(server.requests_to(CREDENTIALS_PATH)) == 2


def test_imds_refreshes_before_expiry(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    loaded = imds_provider(imds.environ(), clock).load()
    assert loaded is not None
    assert loaded.get_frozen().access_key == "ASIAIMDS1"

    clock.advance(6 * 3600 - 16 * 60)
    assert loaded.get_frozen().access_key == "ASIAIMDS1"

    clock.advance(2 * 60)
    assert loaded.get_frozen().access_key == "ASIAIMDS2"
    assert len(server.requests_to("/latest/api/token")) == 2


def test_imds_extends_expiry_near_the_end(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    imds.expiry_seconds = 5 * 60

    loaded = imds_provider(imds.environ(), clock).load()

    assert isinstance(loaded, RefreshableCredentials)
    assert loaded.expiry_time == clock.now + timedelta(seconds=15 * 60 + 300)


def test_imds_invalid_endpoint_mode() -> None:
    files = SharedFiles({"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/x"})

    with pytest.raises(ConfigError) as raised:
        InstanceMetadataProvider(
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"}, files, "default", send_with_httpx
        )

    assert "ipv5" in str(raised.value)


def test_imds_endpoint_from_config_file(
    server: FakeHttpServer, clock: FakeClock, tmp_path: Path
) -> None:
    FakeImds(server, clock)
    config = f"[default]\nec2_metadata_service_endpoint = {server.url}/\n"
    files = SharedFiles(write_shared_files(tmp_path, config=config))

    loaded = imds_provider({}, clock, files).load()

    assert loaded is not None


def test_imds_secrets_stay_out_of_logs(
    server: FakeHttpServer, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    imds = FakeImds(server, clock)

    loaded = imds_provider(imds.environ(), clock).load()

    for secret in (SECRET, TOKEN, IMDS_TOKEN):
        assert secret not in caplog.text
        assert secret not in repr(loaded)


def test_chain_reaches_imds_last(server: FakeHttpServer, clock: FakeClock, tmp_path: Path) -> None:
    imds = FakeImds(server, clock)
    environ = imds.environ(BOTO_CONFIG=os.devnull, **write_shared_files(tmp_path))

    source = resolve_credential_source(environ=environ, clock=clock)

    assert source.method == "iam-role"
    assert source.get_frozen().access_key == "ASIAIMDS1"


def test_chain_env_keys_skip_imds(server: FakeHttpServer, clock: FakeClock, tmp_path: Path) -> None:
    imds = FakeImds(server, clock)
    environ = imds.environ(
        AWS_ACCESS_KEY_ID="AKIDENV",
        AWS_SECRET_ACCESS_KEY="s",
        BOTO_CONFIG=os.devnull,
        **write_shared_files(tmp_path),
    )

    source = resolve_credential_source(environ=environ, clock=clock)

    assert source.get_frozen().access_key == "AKIDENV"
    assert server.requests == []


def test_chain_unreachable_imds_finds_nothing(clock: FakeClock, tmp_path: Path) -> None:
    environ = {
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": f"http://127.0.0.1:{free_loopback_port()}/",
        "BOTO_CONFIG": os.devnull,
        **write_shared_files(tmp_path),
    }

    with pytest.raises(NoCredentialsError):
        resolve_credential_source(environ=environ, clock=clock)


@pytest.mark.parametrize("endpoint", ["169.254.169.254", "http://", "http://host\n.example/"])
def test_imds_invalid_endpoint(endpoint: str) -> None:
    files = SharedFiles({"AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/x"})

    with pytest.raises(ConfigError) as raised:
        InstanceMetadataProvider(
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": endpoint}, files, "default", send_with_httpx
        )

    assert repr(endpoint) in str(raised.value)


# --- the same fakes driven by botocore ---------------------------------------------------


def test_imds_requests_match_botocore(server: FakeHttpServer, clock: FakeClock) -> None:
    imds = FakeImds(server, clock)
    fetcher = InstanceMetadataFetcher(
        timeout=1,
        num_attempts=1,
        env={},
        config={"ec2_metadata_service_endpoint": server.url + "/"},
    )
    theirs = BotocoreInstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    their_requests = list(server.requests)
    server.requests.clear()

    ours = imds_provider(imds.environ(), clock).load()

    assert theirs is not None
    assert ours is not None
    assert [(r.method, r.path) for r in server.requests] == [
        (r.method, r.path) for r in their_requests
    ]
    for mine, reference in zip(server.requests, their_requests, strict=True):
        for header in ("x-aws-ec2-metadata-token", "x-aws-ec2-metadata-token-ttl-seconds"):
            assert mine.headers.get(header) == reference.headers.get(header)
    assert ours.get_frozen().secret_key == theirs.get_frozen_credentials().secret_key


def test_container_requests_match_botocore(server: FakeHttpServer) -> None:
    # botocore reads the real clock, so the fake credentials expire an hour from now.
    clock = FakeClock(datetime.now(timezone.utc))
    server.route("GET", "/creds", CannedResponse.json(credentials_json(clock)))
    environ = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": f"{server.url}/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AUTH_TOKEN,
    }
    theirs = BotocoreContainerProvider(environ=environ).load()

    ours = ContainerProvider(environ, send_with_httpx, clock=clock).load()

    their_request, our_request = server.requests
    assert our_request.path == their_request.path
    for header in ("accept", "authorization"):
        assert our_request.headers[header] == their_request.headers[header]
    assert ours is not None
    assert ours.get_frozen().token == theirs.get_frozen_credentials().token
