"""HTTP settings of the transport: timeouts, TLS bundles, proxies, connection reuse,
the User-Agent and SDK headers, and logging that never shows a secret.

Traffic goes to `httpx.MockTransport` handlers or to servers this module starts
on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import ssl
import subprocess
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bedrockpage import _version
from bedrockpage._client import BedrockClient, http_client_options
from bedrockpage._urls import redact_userinfo
from bedrockpage.aio import AsyncBedrockClient
from bedrockpage.exceptions import (
    ClientError,
    ConfigError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from bedrockpage.session import ClientSetup, Config, resolve_setup

ACCESS_KEY = "AKIDSENTINEL0000000"
SECRET_KEY = "SENTINEL-SECRET-KEY-7f3a9c"
SESSION_TOKEN = "SENTINEL-SESSION-TOKEN-51be02"
BEARER_TOKEN = "SENTINEL-BEARER-TOKEN-c0ffee"
SECRETS = (SECRET_KEY, SESSION_TOKEN, BEARER_TOKEN)
EMPTY_PAGE = {"modelCustomizationJobSummaries": []}


def make_setup(
    endpoint_url: str = "http://127.0.0.1:9",
    *,
    config: Config | None = None,
    environ: dict[str, str] | None = None,
    bearer_token: str | None = None,
    verify: bool | str | None = None,
) -> ClientSetup:
    return resolve_setup(
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id=None if bearer_token else ACCESS_KEY,
        aws_secret_access_key=None if bearer_token else SECRET_KEY,
        aws_session_token=None if bearer_token else SESSION_TOKEN,
        profile=None,
        bearer_token=bearer_token,
        config=config,
        verify=verify,
        environ=environ or {},
    )


def mock_client(
    handler: Callable[[httpx.Request], httpx.Response], setup: ClientSetup | None = None
) -> tuple[BedrockClient, list[float]]:
    """Return a client over `handler` and the list its retry sleeps are recorded in."""
    setup = setup or make_setup()
    setup.call_settings.retry_policy.random = lambda: 0.5
    client = BedrockClient(setup, httpx.Client(transport=httpx.MockTransport(handler)))
    sleeps: list[float] = []
    client._transport._sleep = sleeps.append
    return client, sleeps


def scripted(*responses: httpx.Response | Exception) -> tuple[Callable[..., Any], list[Any]]:
    requests: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        reply = queue.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    return handler, requests


def throttled(request_id: str = "req-throttled") -> httpx.Response:
    return httpx.Response(
        429,
        headers={"x-amzn-ErrorType": "ThrottlingException", "x-amzn-RequestId": request_id},
        json={"message": "Rate exceeded"},
    )


def ok(request_id: str = "req-ok", body: dict[str, Any] | None = None) -> httpx.Response:
    return httpx.Response(200, headers={"x-amzn-RequestId": request_id}, json=body or EMPTY_PAGE)


# -- timeouts ----------------------------------------------------------------------


def test_default_timeouts_are_60_seconds() -> None:
    timeout = http_client_options(make_setup())["timeout"]

    assert timeout.connect == 60.0
    assert timeout.read == 60.0


def test_config_sets_timeouts() -> None:
    setup = make_setup(config=Config(connect_timeout=2.5, read_timeout=7))
    timeout = http_client_options(setup)["timeout"]

    assert timeout.connect == 2.5
    assert timeout.read == 7


@pytest.mark.parametrize("value", [0, -1, "60", True, None])
def test_invalid_timeout_rejected(value: Any) -> None:
    with pytest.raises(ConfigError, match="read_timeout"):
        Config(read_timeout=value)


def test_read_timeout_from_silent_server_is_retried() -> None:
    release = threading.Event()

    class Silent(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            release.wait(5)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    with _serve(Silent) as url:
        setup = make_setup(url, config=Config(read_timeout=0.2, retries={"total_max_attempts": 2}))
        client = BedrockClient(setup)
        sleeps: list[float] = []
        client._transport._sleep = sleeps.append
        try:
            with pytest.raises(ReadTimeoutError, match="Read timeout"):
                client.list_model_customization_jobs()
        finally:
            release.set()
            client.close()

    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectTimeout("timed out"), ConnectTimeoutError),
        (httpx.ConnectError("refused"), EndpointConnectionError),
        (httpx.ReadTimeout("slow"), ReadTimeoutError),
    ],
)
def test_httpx_errors_translated_and_retried(error: Exception, expected: type[Exception]) -> None:
    handler, requests = scripted(error, error, error)
    client, sleeps = mock_client(handler)

    with pytest.raises(expected):
        client.list_model_customization_jobs()

    assert len(requests) == 3
    assert len(sleeps) == 2


# -- TLS verification --------------------------------------------------------------


def test_ca_bundle_becomes_ssl_context(tls_files: tuple[Path, Path]) -> None:
    cert, _ = tls_files
    setup = make_setup("https://127.0.0.1:9", environ={"AWS_CA_BUNDLE": str(cert)})

    verify = http_client_options(setup)["verify"]

    assert isinstance(verify, ssl.SSLContext)
    assert verify.verify_mode == ssl.CERT_REQUIRED


def test_ca_bundle_from_config_file(tls_files: tuple[Path, Path], tmp_path: Path) -> None:
    cert, _ = tls_files
    config_file = tmp_path / "config"
    config_file.write_text(f"[default]\nca_bundle = {cert}\n")
    setup = make_setup("https://127.0.0.1:9", environ={"AWS_CONFIG_FILE": str(config_file)})

    assert setup.verify == str(cert)
    assert isinstance(http_client_options(setup)["verify"], ssl.SSLContext)


def test_ca_bundle_skipped_for_plain_http(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    setup = make_setup("http://127.0.0.1:9", environ={"AWS_CA_BUNDLE": str(missing)})

    assert http_client_options(setup)["verify"] is False


def test_missing_ca_bundle_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    setup = make_setup("https://127.0.0.1:9", environ={"AWS_CA_BUNDLE": str(missing)})

    with pytest.raises(ConfigError, match=r"missing\.pem"):
        http_client_options(setup)


def test_ca_bundle_gives_no_deprecation_warning(tls_files: tuple[Path, Path]) -> None:
    cert, _ = tls_files
    setup = make_setup("https://127.0.0.1:9", environ={"AWS_CA_BUNDLE": str(cert)})

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BedrockClient(setup).close()


def test_ca_bundle_verifies_loopback_tls_server(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    with _serve(_page_handler([EMPTY_PAGE]), tls=context) as url:
        trusted = BedrockClient(make_setup(url, environ={"AWS_CA_BUNDLE": str(cert)}))
        untrusted = BedrockClient(make_setup(url, config=Config(retries={"total_max_attempts": 1})))
        try:
            response = trusted.list_model_customization_jobs()
            with pytest.raises(EndpointConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
                untrusted.list_model_customization_jobs()
        finally:
            trusted.close()
            untrusted.close()

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


# -- proxies and connection reuse --------------------------------------------------


def test_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            _send_json(self, 200, EMPTY_PAGE)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    with _serve(Proxy) as proxy_url:
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        # The .test domain is reserved and never resolves: only the proxy is contacted.
        client = BedrockClient(make_setup("http://bedrock.example.test"))
        try:
            client.list_model_customization_jobs(maxResults=5)
        finally:
            client.close()

    assert seen == ["http://bedrock.example.test/model-customization-jobs?maxResults=5"]


def test_one_connection_serves_every_page() -> None:
    pages = [
        {"modelCustomizationJobSummaries": [_job(1)], "nextToken": "t1"},
        {"modelCustomizationJobSummaries": [_job(2)], "nextToken": "t2"},
        {"modelCustomizationJobSummaries": [_job(3)]},
    ]
    handler = _page_handler(pages)

    with _serve(handler) as url:
        client = BedrockClient(make_setup(url))
        try:
            paginator = client.get_paginator("list_model_customization_jobs")
            names = [
                job["jobName"]
                for page in paginator.paginate()
                for job in page["modelCustomizationJobSummaries"]
            ]
        finally:
            client.close()

    assert names == ["job-1", "job-2", "job-3"]
    assert len(handler.client_ports) == 3
    assert len(set(handler.client_ports)) == 1


def test_pool_size_from_config() -> None:
    limits = http_client_options(make_setup(config=Config(max_pool_connections=3)))["limits"]

    assert limits.max_connections == 3


# -- User-Agent and SDK headers ----------------------------------------------------


def test_user_agent_names_versions() -> None:
    handler, requests = scripted(ok())
    client, _ = mock_client(handler)

    client.list_model_customization_jobs()

    expected = (
        f"bedrockpage/{_version.__version__} httpx/{httpx.__version__} "
        f"Python/{platform.python_version()}"
    )
    assert requests[0].headers["User-Agent"] == expected


@pytest.mark.parametrize(
    ("config", "environ", "config_text", "expected"),
    [
        (Config(user_agent_appid="billing-job"), {"AWS_SDK_UA_APP_ID": "env"}, "", "billing-job"),
        (Config(), {"AWS_SDK_UA_APP_ID": "from-env"}, "sdk_ua_app_id = file\n", "from-env"),
        (Config(), {}, "sdk_ua_app_id = from-file\n", "from-file"),
        (Config(user_agent_appid="my app/1.0#2"), {}, "", "my-app-1.0#2"),
    ],
)
def test_user_agent_app_id(
    tmp_path: Path, config: Config, environ: dict[str, str], config_text: str, expected: str
) -> None:
    config_file = tmp_path / "config"
    config_file.write_text(f"[default]\n{config_text}")
    environ = {**environ, "AWS_CONFIG_FILE": str(config_file)}

    agent = make_setup(config=config, environ=environ).call_settings.user_agent

    assert agent.endswith(f" app/{expected}")


def test_sdk_headers_across_retries_and_calls() -> None:
    handler, requests = scripted(throttled(), throttled(), ok(), ok())
    client, _ = mock_client(handler)

    client.list_model_customization_jobs()
    client.list_model_customization_jobs()

    sdk_request = [request.headers["amz-sdk-request"] for request in requests]
    assert sdk_request == [
        "attempt=1; max=3",
        "attempt=2; max=3",
        "attempt=3; max=3",
        "attempt=1; max=3",
    ]
    ids = [request.headers["amz-sdk-invocation-id"] for request in requests]
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] != ids[0]
    assert str(uuid.UUID(ids[0])) == ids[0]


def test_sdk_request_ttl_from_date_header() -> None:
    first = throttled()
    first.headers["Date"] = "Wed, 04 Mar 2026 05:06:07 GMT"
    handler, requests = scripted(first, ok())
    setup = make_setup(config=Config(read_timeout=30))
    settings = setup.call_settings._replace(clock=_fixed_clock)
    client, _ = mock_client(handler, setup._replace(call_settings=settings))

    client.list_model_customization_jobs()

    assert requests[1].headers["amz-sdk-request"] == "ttl=20260304T050637Z; attempt=2; max=3"


def test_legacy_mode_announces_max_after_first_attempt() -> None:
    handler, requests = scripted(throttled(), ok())
    client, _ = mock_client(handler, make_setup(config=Config(retries={"mode": "legacy"})))

    client.list_model_customization_jobs()

    assert [r.headers["amz-sdk-request"] for r in requests] == ["attempt=1", "attempt=2; max=5"]


def test_async_client_retries_with_injected_sleep() -> None:
    handler, requests = scripted(throttled(), ok())
    setup = make_setup()
    setup.call_settings.retry_policy.random = lambda: 0.25
    sleeps: list[float] = []

    async def record_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def run() -> dict[str, Any]:
        transport = httpx.MockTransport(handler)
        async with AsyncBedrockClient(setup, httpx.AsyncClient(transport=transport)) as client:
            client._transport._sleep = record_sleep
            return await client.list_model_customization_jobs()

    response = asyncio.run(run())

    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert sleeps == [0.25]
    assert (
        requests[0].headers["amz-sdk-invocation-id"] == requests[1].headers["amz-sdk-invocation-id"]
    )


# -- logging -----------------------------------------------------------------------


def test_debug_log_per_request(caplog: pytest.LogCaptureFixture) -> None:
    handler, _ = scripted(throttled("req-A"), ok("req-B"))
    client, _ = mock_client(handler)
    caplog.set_level(logging.DEBUG, logger="bedrockpage")

    client.list_model_customization_jobs(maxResults=7)

    requests = [r for r in caplog.records if r.levelno == logging.DEBUG and "-> HTTP" in r.message]
    assert [r.getMessage() for r in requests] == [
        "GET http://127.0.0.1:9/model-customization-jobs?maxResults=7 -> HTTP 429 "
        "(request id req-A, attempt 1)",
        "GET http://127.0.0.1:9/model-customization-jobs?maxResults=7 -> HTTP 200 "
        "(request id req-B, attempt 2)",
    ]
    retries = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(retries) == 1
    assert "throttled" in retries[0].getMessage()
    assert "ThrottlingException" in retries[0].getMessage()
    assert "req-A" in retries[0].getMessage()


def test_quota_exhaustion_logged_as_warning(caplog: pytest.LogCaptureFixture) -> None:
    handler, _ = scripted(*[httpx.Response(500) for _ in range(3)])
    setup = make_setup()
    setup.call_settings.retry_policy.quota.available = 0
    client, _ = mock_client(handler, setup)
    caplog.set_level(logging.DEBUG, logger="bedrockpage")

    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    assert caught.value.response["ResponseMetadata"]["RetryQuotaReached"] is True
    warnings_logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("retry quota" in message for message in warnings_logged)


def test_url_userinfo_removed_from_logs() -> None:
    url = "https://user:pa55@bedrock.example.test/model-customization-jobs?maxResults=1"

    assert redact_userinfo(url) == (
        "https://***@bedrock.example.test/model-customization-jobs?maxResults=1"
    )


@pytest.mark.parametrize("auth", ["sigv4", "bearer"])
def test_no_secret_in_any_log_record(
    auth: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "bedrockpage"):
        caplog.set_level(logging.DEBUG, logger=name)
    bearer = BEARER_TOKEN if auth == "bearer" else None
    skew_error = httpx.Response(
        403,
        headers={
            "x-amzn-ErrorType": "InvalidSignatureException",
            "Date": "Wed, 04 Mar 2026 08:00:00 GMT",
        },
        json={"message": "Signature expired"},
    )
    handler, requests = scripted(
        throttled(),
        httpx.ConnectError("reset"),
        skew_error,
        ok(),
        httpx.Response(400, headers={"x-amzn-ErrorType": "ValidationException"}, json={}),
    )
    client, _ = mock_client(
        handler, make_setup(bearer_token=bearer, config=Config(retries={"total_max_attempts": 4}))
    )

    client.list_model_customization_jobs()
    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    sent_secret = requests[0].headers["Authorization"]
    assert (BEARER_TOKEN if bearer else "Signature=") in sent_secret
    texts = [record.getMessage() for record in caplog.records]
    texts += [record.exc_text or "" for record in caplog.records]
    texts += [repr(client), repr(caught.value), str(caught.value), repr(caught.value.response)]
    assert len(caplog.records) >= 8
    for secret in (*SECRETS, sent_secret):
        for text in texts:
            assert secret not in text


# -- helpers -----------------------------------------------------------------------


def _fixed_clock() -> Any:
    import datetime

    return datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)


def _job(number: int) -> dict[str, Any]:
    return {
        "jobArn": f"arn:aws:bedrock:us-east-1:123456789012:model-customization-job/j{number}",
        "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
        "jobName": f"job-{number}",
        "status": "Completed",
        "creationTime": "2026-01-01T00:00:00Z",
    }


def _send_json(handler: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("x-amzn-RequestId", str(uuid.uuid4()))
    handler.end_headers()
    handler.wfile.write(body)


def _page_handler(pages: list[dict[str, Any]]) -> Any:
    """Return a keep-alive handler class serving `pages` in order and recording client ports."""
    remaining = list(pages)
    ports: list[int] = []

    class Pages(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        client_ports = ports

        def do_GET(self) -> None:
            ports.append(self.client_address[1])
            _send_json(self, 200, remaining.pop(0))

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Pages


class _serve:
    """Run a `ThreadingHTTPServer` on a free 127.0.0.1 port; yields its base URL."""

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None = None
    ) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl CLI."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    yield cert, key


@pytest.mark.parametrize("code", [["ThrottlingException"], {"name": "x"}, 7])
def test_non_string_error_code_raises_client_error(code: Any) -> None:
    """A body code that is not a string stays in the error, as in botocore, and is not retried."""
    response = httpx.Response(400, headers={"x-amzn-RequestId": "req-odd"}, json={"code": code})
    handler, requests = scripted(response)
    client, sleeps = mock_client(handler)

    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    assert type(caught.value) is ClientError
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["ResponseMetadata"]["RequestId"] == "req-odd"
    assert len(requests) == 1
    assert sleeps == []
