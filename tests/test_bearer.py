"""Choice between a Bedrock API key and SigV4, compared with botocore 1.44.8.

botocore's choice is read from the Authorization header of a real request, captured by
a `before-send` handler that raises before anything is sent. Ours is read from a
request through `httpx.MockTransport`, and end to end from a loopback HTTP server.
"""

from __future__ import annotations

import asyncio
import http.server
import itertools
import json
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.exceptions
import httpx
import pytest
from botocore.config import Config as BotocoreConfig

from bedrockpage._client import BedrockClient
from bedrockpage._client import client as make_client
from bedrockpage.aio import async_client
from bedrockpage.auth.bearer import AuthChoice, preferred_scheme, resolve_auth
from bedrockpage.config import SharedFiles
from bedrockpage.exceptions import BedrockPageError, ConfigError, NoCredentialsError
from bedrockpage.session import Config, resolve_setup

TOKEN = "bedrock-api-key-TESTONLY0123456789abcdefABCDEF+/="
SIGV4_HEADERS = ("x-amz-date", "x-amz-security-token", "x-amz-content-sha256")

#: Variables that change authentication; each test starts with none of them set.
AUTH_ENV_VARS = (
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_AUTH_SCHEME_PREFERENCE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_USE_FIPS_ENDPOINT",
    "AWS_USE_DUALSTACK_ENDPOINT",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in AUTH_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


# --- Both clients ----------------------------------------------------------------------


class _RequestCaptured(Exception):
    """Raised by the before-send handler so botocore never opens a socket."""

    def __init__(self, headers: Mapping[str, Any]) -> None:
        super().__init__("request captured")
        self.headers = headers


def _capture_request(request: Any, **_: Any) -> None:
    raise _RequestCaptured(dict(request.headers))


def _scheme_of(authorization: str) -> str:
    if authorization.startswith("Bearer "):
        return "bearer:" + authorization.removeprefix("Bearer ")
    if authorization.startswith("AWS4-HMAC-SHA256 "):
        return "sigv4"
    raise AssertionError("unexpected Authorization scheme")


def botocore_choice(preference_in_code: str | None, with_keys: bool) -> str:
    """Return `bearer:<token>`, `sigv4` or `error` for a boto3 Bedrock client."""
    keys = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "x"} if with_keys else {}
    client = boto3.session.Session().client(
        "bedrock",
        region_name="us-east-1",
        config=BotocoreConfig(auth_scheme_preference=preference_in_code),
        **keys,
    )
    client.meta.events.register("before-send", _capture_request)
    try:
        client.list_model_customization_jobs()
    except _RequestCaptured as captured:
        authorization = captured.headers["Authorization"]
        if isinstance(authorization, bytes):
            authorization = authorization.decode()
        return _scheme_of(authorization)
    except (botocore.exceptions.NoAuthTokenError, botocore.exceptions.NoCredentialsError):
        return "error"
    raise AssertionError("botocore sent no request")


def ours_choice(
    preference_in_code: str | None, with_keys: bool, bearer_token: str | None = None
) -> str:
    """Return `bearer:<token>`, `sigv4` or `error` for our client on a mock transport."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"modelCustomizationJobSummaries": []})

    try:
        setup = resolve_setup(
            region_name="us-east-1",
            endpoint_url=None,
            aws_access_key_id="AKIDEXAMPLE" if with_keys else None,
            aws_secret_access_key="x" if with_keys else None,
            aws_session_token=None,
            profile=None,
            bearer_token=bearer_token,
            config=Config(auth_scheme_preference=preference_in_code),
            verify=None,
        )
        transport = httpx.Client(transport=httpx.MockTransport(handle))
        with BedrockClient(setup, http_client=transport) as client:
            client.list_model_customization_jobs()
    except (NoCredentialsError, ConfigError):
        return "error"
    assert len(sent) == 1
    return _scheme_of(sent[0].headers["Authorization"])


# --- Precedence matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Preference:
    """Where auth_scheme_preference is set: Config object, environment, profile key."""

    name: str
    in_code: str | None = None
    env: str | None = None
    config_file: str = ""
    credentials_file: str = ""
    extra_env: Mapping[str, str] = field(default_factory=dict)


PREFERENCES = [
    Preference("none"),
    Preference("Config sigv4", in_code="sigv4"),
    Preference("Config bearer", in_code="httpBearerAuth"),
    Preference("Config bearer then sigv4", in_code="httpBearerAuth,sigv4"),
    Preference("Config only separators", in_code=" , "),
    Preference("Config empty string", in_code=""),
    Preference("Config unknown names", in_code="foo, sigv4a ,bar"),
    Preference("Config wrong case", in_code="HTTPBEARERAUTH"),
    Preference("Config namespaced name", in_code="smithy.api#httpBearerAuth"),
    Preference("Config whitespace inside", in_code=" http Bearer\tAuth , sigv4"),
    Preference("env sigv4", env="sigv4"),
    Preference("env bearer", env="httpBearerAuth"),
    Preference("env unknown then bearer", env="noAuth,bogus,httpBearerAuth"),
    Preference("Config wins over env", in_code="sigv4", env="httpBearerAuth"),
    Preference("profile sigv4", config_file="[default]\nauth_scheme_preference = sigv4\n"),
    Preference(
        "profile bearer", config_file="[default]\nauth_scheme_preference = httpBearerAuth\n"
    ),
    Preference(
        "env wins over profile",
        env="sigv4",
        config_file="[default]\nauth_scheme_preference = httpBearerAuth\n",
    ),
    Preference(
        "credentials file bearer",
        credentials_file="[default]\nauth_scheme_preference = httpBearerAuth\n",
    ),
    Preference(
        "named profile bearer",
        config_file=(
            "[default]\nauth_scheme_preference = sigv4\n"
            "[profile dev]\nauth_scheme_preference = httpBearerAuth\n"
        ),
        extra_env={"AWS_PROFILE": "dev"},
    ),
]
ENV_TOKENS = {"no env token": None, "env token": TOKEN}
MATRIX = list(itertools.product(PREFERENCES, ENV_TOKENS.items(), [True, False]))


def _apply(
    preference: Preference, env_token: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_path = tmp_path / "config"
    credentials_path = tmp_path / "credentials"
    config_path.write_text(preference.config_file, encoding="utf-8")
    credentials_path.write_text(preference.credentials_file, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_path))
    if preference.env is not None:
        monkeypatch.setenv("AWS_AUTH_SCHEME_PREFERENCE", preference.env)
    if env_token is not None:
        monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", env_token)
    for name, value in preference.extra_env.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("preference", "env_token", "with_keys"),
    [(preference, token, keys) for preference, (_, token), keys in MATRIX],
    ids=[
        f"{preference.name}-{token_name}-{'keys' if keys else 'no keys'}"
        for preference, (token_name, _), keys in MATRIX
    ],
)
def test_choice_matches_botocore(
    preference: Preference,
    env_token: str | None,
    with_keys: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _apply(preference, env_token, tmp_path, monkeypatch)

    expected = botocore_choice(preference.in_code, with_keys)
    ours = ours_choice(preference.in_code, with_keys)

    assert ours == expected


def test_matrix_covers_all_outcomes() -> None:
    # The matrix must reach every preference source, or a passing run proves little.
    assert len(MATRIX) == len(PREFERENCES) * 4
    in_code = {preference.in_code for preference in PREFERENCES}
    assert {None, "sigv4", "httpBearerAuth", " , "} <= in_code


def test_matrix_outcomes_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = set()
    for name, preference in [("sigv4", "sigv4"), ("bearer", "httpBearerAuth")]:
        for token in (None, TOKEN):
            with monkeypatch.context() as patch:
                _apply(Preference(name, in_code=preference), token, tmp_path, patch)
                outcomes.add(ours_choice(preference, with_keys=True))

    assert outcomes == {"sigv4", "error", f"bearer:{TOKEN}"}


# --- The bearer_token argument and deliberate differences -------------------------------


@pytest.mark.parametrize("preference", [None, "sigv4", "httpBearerAuth"])
@pytest.mark.parametrize("env_token", [None, "other-env-token"])
def test_argument_always_selects_bearer(
    preference: str | None,
    env_token: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _apply(Preference("argument", env="sigv4"), env_token, tmp_path, monkeypatch)

    choice = ours_choice(preference, with_keys=True, bearer_token=TOKEN)

    assert choice == f"bearer:{TOKEN}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "is empty"),
        ("   ", "at position 0"),
        ("abc\n", "at position 3"),
        ("abc def", "at position 3"),
        ("abc\r\nX-Injected: 1", "at position 3"),
        ("t\u00f6ken", "at position 1"),
    ],
)
def test_invalid_env_token_raises(
    token: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore sends these as `Bearer <token>` (an empty one too) and leaves the failure
    # to the HTTP library; here client creation raises without echoing the token.
    _apply(Preference("none"), token, tmp_path, monkeypatch)
    assert botocore_choice(None, with_keys=True) == f"bearer:{token}"

    with pytest.raises(ConfigError, match=message) as raised:
        make_client(region_name="us-east-1")

    assert "AWS_BEARER_TOKEN_BEDROCK" in str(raised.value)
    if token.strip():
        assert token.strip() not in str(raised.value)


def test_invalid_argument_token_raises() -> None:
    with pytest.raises(ConfigError, match=r"bearer_token argument .* position 6"):
        make_client(region_name="us-east-1", bearer_token="secret\tvalue")


def test_bearer_preference_without_token_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore raises NoAuthTokenError at the first request; here client creation raises.
    _apply(Preference("env bearer", env="httpBearerAuth"), None, tmp_path, monkeypatch)

    with pytest.raises(NoCredentialsError, match="set AWS_BEARER_TOKEN_BEDROCK"):
        make_client(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")


def test_profile_preference_block_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file = "[default]\nauth_scheme_preference =\n  bedrock = httpBearerAuth\n"
    _apply(Preference("block", config_file=config_file), TOKEN, tmp_path, monkeypatch)

    with pytest.raises(ConfigError, match="Invalid auth_scheme_preference in profile 'default'"):
        resolve_auth(
            bearer_token=None,
            preference_in_code=None,
            environ=os.environ,
            files=SharedFiles(os.environ),
            profile="default",
        )


@pytest.mark.parametrize(
    ("preference", "scheme"),
    [
        (None, "sigv4"),
        ("", "sigv4"),
        ("httpBearerAuth", "httpBearerAuth"),
        ("sigv4,httpBearerAuth", "sigv4"),
        ("x,\thttpBearer Auth", "httpBearerAuth"),
        ("noAuth", "sigv4"),
        (",,,", "sigv4"),
    ],
)
def test_preferred_scheme(preference: str | None, scheme: str) -> None:
    assert preferred_scheme(preference) == scheme


# --- End to end against a loopback server -----------------------------------------------


class _RecordingHandler(http.server.BaseHTTPRequestHandler):
    """Serves an empty job list for every GET and records the request headers."""

    received: list[dict[str, str]]

    def do_GET(self) -> None:
        self.received.append({name.lower(): value for name, value in self.headers.items()})
        body = json.dumps({"modelCustomizationJobSummaries": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "req-1")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    received: list[dict[str, str]] = []
    handler = type("Handler", (_RecordingHandler,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _assert_bearer_only(headers: Mapping[str, str]) -> None:
    assert headers["authorization"] == f"Bearer {TOKEN}"
    for name in SIGV4_HEADERS:
        assert name not in headers, name


def test_argument_token_end_to_end(
    loopback_server: tuple[str, list[dict[str, str]]], caplog: pytest.LogCaptureFixture
) -> None:
    url, received = loopback_server

    with (
        caplog.at_level(logging.DEBUG),
        make_client(region_name="us-east-1", endpoint_url=url, bearer_token=TOKEN) as c,
    ):
        response = c.list_model_customization_jobs(maxResults=5)
        client_repr = repr(c)

    assert response["modelCustomizationJobSummaries"] == []
    assert len(received) == 1
    _assert_bearer_only(received[0])
    assert TOKEN not in caplog.text
    assert "Bearer" not in caplog.text
    assert TOKEN not in client_repr


def test_env_token_end_to_end_with_keys(
    loopback_server: tuple[str, list[dict[str, str]]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Explicit keys do not override the environment token, as in botocore.
    url, received = loopback_server
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", TOKEN)

    with (
        caplog.at_level(logging.DEBUG),
        make_client(
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret-key-TESTONLY",
            aws_session_token="session-token-TESTONLY",
        ) as c,
    ):
        c.list_model_customization_jobs()

    assert len(received) == 1
    _assert_bearer_only(received[0])
    for secret in (TOKEN, "secret-key-TESTONLY", "session-token-TESTONLY"):
        assert secret not in caplog.text


def test_token_absent_from_reprs_and_errors() -> None:
    choice = AuthChoice("httpBearerAuth", TOKEN)
    setup = resolve_setup(
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_session_token=None,
        profile=None,
        bearer_token=TOKEN,
        config=None,
        verify=None,
    )

    def reject(request: httpx.Request) -> httpx.Response:
        body = {"message": "The security token included in the request is invalid."}
        return httpx.Response(403, json=body, headers={"x-amzn-ErrorType": "AccessDeniedException"})

    transport = httpx.Client(transport=httpx.MockTransport(reject))
    with (
        BedrockClient(setup, http_client=transport) as client,
        pytest.raises(BedrockPageError) as raised,
    ):
        client.list_model_customization_jobs()

    assert TOKEN not in repr(choice)
    assert TOKEN not in repr(setup)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert TOKEN not in repr(getattr(raised.value, "response", None))


def test_async_client_sends_bearer(loopback_server: tuple[str, list[dict[str, str]]]) -> None:
    url, received = loopback_server

    async def call() -> dict[str, Any]:
        async with async_client(region_name="us-east-1", endpoint_url=url, bearer_token=TOKEN) as c:
            return await c.list_model_customization_jobs()

    response = asyncio.run(call())

    assert response["modelCustomizationJobSummaries"] == []
    assert len(received) == 1
    _assert_bearer_only(received[0])
