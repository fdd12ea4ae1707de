"""The two ways a transport sends: through an httpx client, or straight to httpx's pool.

A client that bedrockpage creates sends through httpx's pooling transport unless
the environment sets a proxy; a client given `http_client` sends through it.
Both must put the same request on the wire. Servers here run on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from httpx._utils import get_environment_proxies

from bedrockpage._client import BedrockClient, http_client_options, new_http_client
from bedrockpage.aio import AsyncBedrockClient, new_async_http_client
from bedrockpage.exceptions import ConnectionClosedError, ReadTimeoutError
from bedrockpage.session import Config
from bedrockpage.transport.wire import environment_sets_proxy
from tests.test_transport import make_setup

PAGE = json.dumps(
    {
        "modelCustomizationJobSummaries": [
            {"jobName": "job-1", "creationTime": "2024-01-02T03:04:05.123Z"}
        ]
    }
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-amzn-RequestId: req-1\r\n"
    b"Content-Length: " + str(len(PAGE)).encode() + b"\r\n\r\n" + PAGE
)
#: Headers whose values change with every request: the clock and a random id.
VARYING = {b"x-amz-date", b"authorization", b"amz-sdk-invocation-id"}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@contextmanager
def recording_server(
    reply: bytes = RESPONSE, *, close_after_reply: bool = False
) -> Iterator[tuple[str, list[bytes]]]:
    """Serve `reply` to every request on 127.0.0.1; yield the URL and the raw request heads."""
    heads: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            # One thread per connection: clients keep theirs open between requests.
            threading.Thread(
                target=_answer, args=(connection, reply, heads, close_after_reply), daemon=True
            ).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", heads
    finally:
        stop.set()
        thread.join()
        listener.close()


def _answer(
    connection: socket.socket, reply: bytes, heads: list[bytes], close_after_reply: bool
) -> None:
    with connection:
        _answer_requests(connection, reply, heads, close_after_reply)


def _answer_requests(
    connection: socket.socket, reply: bytes, heads: list[bytes], close_after_reply: bool
) -> None:
    buffer = b""
    while True:
        while b"\r\n\r\n" not in buffer:
            chunk = connection.recv(65536)
            if not chunk:
                return
            buffer += chunk
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        heads.append(head)
        connection.sendall(reply)
        if close_after_reply:
            return


def masked(head: bytes) -> list[tuple[bytes, bytes]]:
    """The request line and headers in wire order, with the varying values masked."""
    request_line, *lines = head.split(b"\r\n")
    headers = [tuple(line.split(b": ", 1)) for line in lines]
    return [(b"", request_line)] + [
        (name, b"<varies>" if name.lower() in VARYING else value) for name, value in headers
    ]


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.mark.usefixtures("no_proxy_environment")
def test_sync_paths_send_the_same_request() -> None:
    with recording_server() as (url, heads):
        setup = make_setup(url)
        direct = BedrockClient(setup)
        through_client = BedrockClient(setup, httpx.Client(**http_client_options(setup)))
        with direct, through_client:
            direct_result = direct.list_model_customization_jobs(maxResults=5, nextToken="a/b=")
            client_result = through_client.list_model_customization_jobs(
                maxResults=5, nextToken="a/b="
            )

    assert isinstance(direct._transport._http, httpx.HTTPTransport)
    assert len(heads) == 2
    assert masked(heads[0]) == masked(heads[1])
    assert [name for name, _ in masked(heads[0])][1:5] == [
        b"Host",
        b"Accept",
        b"Accept-Encoding",
        b"Connection",
    ]
    assert direct_result == client_result


@pytest.mark.usefixtures("no_proxy_environment")
def test_async_paths_send_the_same_request() -> None:
    async def run(url: str) -> tuple[object, object, object]:
        setup = make_setup(url)
        direct = AsyncBedrockClient(setup)
        through_client = AsyncBedrockClient(setup, httpx.AsyncClient(**http_client_options(setup)))
        async with direct, through_client:
            first = await direct.list_model_customization_jobs(maxResults=5)
            second = await through_client.list_model_customization_jobs(maxResults=5)
        return direct._transport._http, first, second

    with recording_server() as (url, heads):
        http, direct_result, client_result = asyncio.run(run(url))

    assert isinstance(http, httpx.AsyncHTTPTransport)
    assert masked(heads[0]) == masked(heads[1])
    assert direct_result == client_result


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"HTTPS_PROXY": "http://127.0.0.1:9"},
        {"http_proxy": "127.0.0.1:9"},
        {"ALL_PROXY": "http://127.0.0.1:9"},
        {"NO_PROXY": "*"},
        {"NO_PROXY": "example.com"},
        {"HTTPS_PROXY": ""},
        {"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "*"},
        {"FTP_PROXY": "http://127.0.0.1:9"},
    ],
)
@pytest.mark.usefixtures("no_proxy_environment")
def test_client_path_whenever_httpx_would_mount_a_proxy(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    httpx_proxies = {key: value for key, value in get_environment_proxies().items() if value}
    setup = make_setup()

    sync_http = new_http_client(setup)
    async_http = new_async_http_client(setup)

    # Taking the client path where httpx mounts no proxy (NO_PROXY=*) is allowed: it
    # is the slower path with the same result.
    if httpx_proxies:
        assert environment_sets_proxy()
    if not environment_sets_proxy():
        assert not httpx_proxies
    assert isinstance(sync_http, httpx.Client) == environment_sets_proxy()
    assert isinstance(async_http, httpx.AsyncClient) == environment_sets_proxy()
    sync_http.close()
    asyncio.run(async_http.aclose())


@pytest.mark.usefixtures("no_proxy_environment")
def test_direct_path_timeouts_and_closed_connections() -> None:
    silent = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    config = Config(read_timeout=0.2, connect_timeout=1, retries={"total_max_attempts": 1})
    try:
        with (
            BedrockClient(make_setup(url, config=config)) as client,
            pytest.raises(ReadTimeoutError, match="Read timeout on endpoint URL"),
        ):
            client.list_model_customization_jobs()
    finally:
        silent.close()

    # The body ends 10 bytes before its Content-Length, then the server closes.
    with recording_server(RESPONSE[:-10], close_after_reply=True) as (url, _):
        config = Config(read_timeout=5, retries={"total_max_attempts": 1})
        with (
            BedrockClient(make_setup(url, config=config)) as client,
            pytest.raises(ConnectionClosedError),
        ):
            client.list_model_customization_jobs()
