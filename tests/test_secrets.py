"""Secret hygiene: sentinel credentials stay out of logs, errors, reprs, CLI output, fixtures.

The sentinels are an access key id, a secret key, a session token and a
Bedrock API key (bearer token). Listings with retries and failures, and the
CLI with --debug and --explain, run against the fault server on 127.0.0.1
with every logger at DEBUG. Then every log record, exception message and
repr, and the CLI's stdout and stderr, are searched for each sentinel and for
12-character pieces of it.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

import bedrockpage
from bedrockpage import cli
from bedrockpage.auth.credentials import Credentials
from bedrockpage.auth.refresh import (
    RefreshableCredentials,
    StaticCredentials,
    TemporaryCredentials,
)
from bedrockpage.exceptions import BedrockPageError
from bedrockpage.session import BearerSigner, Config, LazyCredentials, SigV4Signer
from bedrockpage.transport.call import HttpRequest
from tests.support.fault_server import (
    FaultServer,
    Page,
    RecordingClient,
    ResetBeforeResponse,
    ResetMidBody,
    Respond,
    ServerError,
    Slow,
    Throttle,
    TruncatedJson,
    make_job,
)

ACCESS_KEY = "AKIDSENTINEL4ACCESS7Q"
SECRET_KEY = "sentinel/Secret+Key/0123456789abcdefABCDEF"
SESSION_TOKEN = "IQoJsentinelSessionToken/0123456789+abcdefXYZ=="
BEARER_TOKEN = "ABSKsentinelBearerToken0123456789abcdefXYZ"
SENTINELS = {
    "access key": ACCESS_KEY,
    "secret key": SECRET_KEY,
    "session token": SESSION_TOKEN,
    "bearer token": BEARER_TOKEN,
}
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_SIZE = 4


def leaks(text: str) -> list[str]:
    """Return the names of the sentinels found in `text`, whole or as a 12-character piece."""
    found = []
    for name, secret in SENTINELS.items():
        pieces = {secret[start : start + 12] for start in range(0, len(secret) - 11, 6)}
        if secret in text or any(piece in text for piece in pieces):
            found.append(name)
    return found


class LogCapture(logging.Handler):
    """Stores every record's message, arguments and exception text."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.name} {record.levelname} {record.getMessage()}")
        self.texts.append(repr(record.args))
        if record.exc_info:
            self.texts.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def captured_logs() -> Iterator[LogCapture]:
    capture = LogCapture()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    named = {name: logging.getLogger(name).level for name in ("bedrockpage", "httpx", "httpcore")}
    for name in named:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield capture
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old_level in named.items():
        logging.getLogger(name).setLevel(old_level)


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(10) as fault_server:
        yield fault_server


def error_texts(error: BaseException) -> list[str]:
    """Return str and repr of an error and of every error it was raised from."""
    texts = []
    current: BaseException | None = error
    while current is not None:
        texts.extend([str(current), repr(current)])
        response = getattr(current, "response", None)
        if response is not None:
            texts.append(repr(response))
        current = current.__cause__ or current.__context__
    return texts


def exercise_listings(server: FaultServer, client: RecordingClient) -> list[str]:
    """Run listings that retry, recover and fail; return the text of every error raised."""
    paginator = client.get_paginator()
    config = {"PaginationConfig": {"PageSize": PAGE_SIZE}}
    texts: list[str] = []
    skewed_date = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    skew_body = b'{"__type": "InvalidSignatureException", "message": "Signature expired"}'

    scripts: list[list[Any]] = [
        [Throttle(), ServerError(500), ResetBeforeResponse(), ResetMidBody(), Slow()],
        [Respond(403, skew_body, (("Date", skewed_date.strftime("%a, %d %b %Y %H:%M:%S GMT")),))],
        [ServerError(503, json_body=False)] * 3,
        [
            Page({"modelCustomizationJobSummaries": [make_job(0)], "nextToken": "A"}),
            Page({"modelCustomizationJobSummaries": [make_job(1)], "nextToken": "A"}),
        ],
        [TruncatedJson()],
        [
            Respond(
                403,
                b'{"message": "The security token included in the request is invalid."}',
                (("x-amzn-ErrorType", "UnrecognizedClientException"),),
            )
        ],
    ]
    for script in scripts:
        server.reset()
        server.script(*script)
        try:
            for _page in paginator.paginate(**config):
                pass
        except BedrockPageError as error:
            texts.extend(error_texts(error))
    return texts


def test_sigv4_listing_secrets_absent(server: FaultServer, captured_logs: LogCapture) -> None:
    with RecordingClient(
        server.url, access_key=ACCESS_KEY, secret_key=SECRET_KEY, session_token=SESSION_TOKEN
    ) as client:
        error_text = exercise_listings(server, client)

        assert error_text, "no listing failed, so no error message was checked"
        assert leaks("\n".join(error_text)) == []
        sent = server.requests[-1].headers
    assert captured_logs.texts
    assert leaks("\n".join(captured_logs.texts)) == []
    # The requests really carried the sentinels, so their absence above means something.
    assert sent["x-amz-security-token"] == SESSION_TOKEN
    assert ACCESS_KEY in sent["authorization"]


def test_bearer_listing_secrets_absent(server: FaultServer, captured_logs: LogCapture) -> None:
    with RecordingClient(server.url, bearer_token=BEARER_TOKEN) as client:
        error_text = exercise_listings(server, client)

        assert leaks("\n".join(error_text)) == []
        sent = server.requests[-1].headers
    assert leaks("\n".join(captured_logs.texts)) == []
    assert sent["authorization"] == f"Bearer {BEARER_TOKEN}"


def test_credential_reprs_hide_secrets() -> None:
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    static = StaticCredentials(credentials)
    lazy = LazyCredentials(lambda: static)
    lazy.get()
    refreshable = RefreshableCredentials(
        lambda: TemporaryCredentials(credentials), method="test", initial=None
    )
    refreshable.get_frozen()

    for text in (repr(credentials), str(credentials), repr(static), repr(lazy), repr(refreshable)):
        # NOTE: credential reprs show the access key id on purpose, to tell
        # credentials apart; AWS treats the id as an identifier, not a secret.
        assert leaks(text) in ([], ["access key"]), text
        assert "<redacted>" in text or "access_key=" in text, text


def test_reprs_hide_secrets(server: FaultServer) -> None:
    lazy = LazyCredentials(
        lambda: StaticCredentials(Credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN))
    )
    lazy.get()
    texts = [
        repr(SigV4Signer(lazy, "us-east-1")),
        repr(BearerSigner(BEARER_TOKEN)),
        repr(Config()),
        repr(HttpRequest("GET", server.url, {"Authorization": f"Bearer {BEARER_TOKEN}"})),
    ]
    for options in (
        {
            "aws_access_key_id": ACCESS_KEY,
            "aws_secret_access_key": SECRET_KEY,
            "aws_session_token": SESSION_TOKEN,
        },
        {"bearer_token": BEARER_TOKEN},
    ):
        with bedrockpage.client(
            "bedrock", region_name="us-east-1", endpoint_url=server.url, **options
        ) as client:
            paginator = client.get_paginator("list_model_customization_jobs")
            iterator = paginator.paginate(PaginationConfig={"PageSize": PAGE_SIZE})
            list(iterator)
            texts += [repr(client), str(client), repr(vars(client)), repr(client.meta)]
            texts += [repr(paginator), repr(vars(paginator)), repr(iterator), repr(vars(iterator))]

    for text in texts:
        assert leaks(text) == [], text


def run_cli(argv: list[str], environment: dict[str, str]) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with (
            mock.patch.dict(os.environ, environment),
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            code = cli.main(argv)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return code, stdout.getvalue() + stderr.getvalue()


CLI_ENVIRONMENTS = {
    "sigv4": {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN,
        "AWS_REGION": "us-east-1",
    },
    "bearer": {"AWS_BEARER_TOKEN_BEDROCK": BEARER_TOKEN, "AWS_REGION": "us-east-1"},
}


@pytest.mark.parametrize("auth", sorted(CLI_ENVIRONMENTS))
def test_cli_debug_output_secrets_absent(
    server: FaultServer, captured_logs: LogCapture, auth: str
) -> None:
    environment = CLI_ENVIRONMENTS[auth]
    base = [cli.COMMAND, "--endpoint-url", server.url, "--debug", "--cli-read-timeout", "0.2"]
    outputs = []

    server.reset()
    server.script(Throttle(), ResetBeforeResponse())
    code, output = run_cli([*base, "--page-size", str(PAGE_SIZE), "--explain"], environment)
    assert code == cli.EXIT_OK, output
    outputs.append(output)

    server.reset()
    server.script(*[ServerError(503, json_body=False)] * 4)
    code, output = run_cli([*base, "--output", "jsonl"], environment)
    assert code == cli.EXIT_SERVICE, output
    outputs.append(output)

    server.reset()
    code, output = run_cli([*base, "--starting-token", "eyJib2d1cyI6IDF9"], environment)
    assert code == cli.EXIT_USAGE, output
    outputs.append(output)

    assert captured_logs.texts, "the CLI logged nothing at DEBUG"
    for output in outputs:
        assert leaks(output) == [], output
    assert leaks("\n".join(captured_logs.texts)) == []


def test_fixture_files_hold_no_secrets() -> None:
    # The recorder signs with the moto server's test keys and its own session
    # token, so the files must contain none of those, besides our sentinels.
    from tests.support.http_fixtures import RECORDER_SESSION_TOKEN
    from tests.support.moto_server import SECRET_KEY as MOTO_SECRET_KEY

    if not FIXTURES_DIR.is_dir():
        pytest.fail(f"{FIXTURES_DIR} is missing; run `make fixtures`")
    files = sorted(path for path in FIXTURES_DIR.rglob("*") if path.is_file())
    assert files

    for path in files:
        text = path.read_text(encoding="utf-8")
        assert leaks(text) == [], path
        assert MOTO_SECRET_KEY not in text, path
        assert RECORDER_SESSION_TOKEN not in text, path
        assert "Signature=" not in text, path
        if path.suffix == ".json":
            for name, value in json.loads(text).get("request", {}).get("headers", []):
                if name.lower() in ("authorization", "x-amz-security-token"):
                    assert value == "<scrubbed>", (path, name)


@pytest.mark.moto
def test_fixture_recorder_scrubs_secrets(tmp_path: Path) -> None:
    from tests.support.http_fixtures import RECORDER_SESSION_TOKEN
    from tests.support.moto_server import SECRET_KEY as MOTO_SECRET_KEY

    script = Path(__file__).resolve().parent.parent / "scripts" / "record_fixtures.py"
    spec = importlib.util.spec_from_file_location("record_fixtures", script)
    assert spec is not None and spec.loader is not None
    recorder = importlib.util.module_from_spec(spec)
    # dataclasses looks the module up in sys.modules while the script runs.
    with mock.patch.dict(sys.modules, {"record_fixtures": recorder}):
        spec.loader.exec_module(recorder)
        count = recorder.record(tmp_path)

    assert count > 0
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert MOTO_SECRET_KEY not in text, path
            assert RECORDER_SESSION_TOKEN not in text, path
            assert "Signature=" not in text, path
