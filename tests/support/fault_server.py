"""A Bedrock ListModelCustomizationJobs server on 127.0.0.1 that fails on request.

`FaultServer` serves `GET /model-customization-jobs` over a fixed list of jobs,
with `maxResults`/`nextToken` and the JSON shape Bedrock sends. Each request
first takes the next scripted fault, if any, from a queue; when the queue is
empty the request gets the normal page. So

    server.script(Throttle(), ResetBeforeResponse())

makes the next request fail with a 429, the one after it with a connection
reset, and every later request succeed. Every request is recorded in
`server.requests`, so a test can count attempts and read the parameters sent.

The server does not check signatures. It runs in threads of the test process
and stops in `stop()` (or at the end of a `with` block) without waiting for
slow responses, because a slow response waits on an event that `stop()` sets.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import sys
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

LIST_PATH = "/model-customization-jobs"
RESULT_KEY = "modelCustomizationJobSummaries"
DEFAULT_MAX_RESULTS = 100
ACCOUNT = "123456789012"
REGION = "us-east-1"


def make_job(index: int) -> dict[str, Any]:
    """Return the summary of job number `index`, as Bedrock lists it."""
    return {
        "jobArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:model-customization-job/job{index:05d}",
        "baseModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.titan-text-express-v1",
        "jobName": f"job-{index:05d}",
        "status": "Completed",
        "lastModifiedTime": "2024-01-02T04:04:05.123Z",
        "creationTime": f"2024-01-02T03:{index // 60 % 60:02d}:{index % 60:02d}.123Z",
        "endTime": "2024-01-02T05:04:05.123Z",
        "customModelArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/model{index:05d}",
        "customModelName": f"model-{index:05d}",
        "customizationType": "FINE_TUNING",
    }


def page_token(offset: int) -> str:
    """Return the `nextToken` the server hands out for the page starting at `offset`."""
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def token_offset(token: str) -> int | None:
    """Return the offset a `nextToken` of this server points to, or None if it is not one."""
    try:
        text = base64.b64decode(token.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    prefix, _, number = text.partition(":")
    if prefix != "offset" or not number.isdigit():
        return None
    return int(number)


# -- scripted faults -----------------------------------------------------------


@dataclass(frozen=True)
class Normal:
    """The normal page, for scripts that let some requests through before a fault."""


@dataclass(frozen=True)
class Respond:
    """A response with this status, body and headers, plus `x-amzn-RequestId` unless set."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Throttle:
    """A 429 response with Bedrock's `ThrottlingException` body and error-type header."""

    message: str = "Too many requests, please wait before trying again."


@dataclass(frozen=True)
class ServerError:
    """A 5xx response, with Bedrock's JSON error body when `json_body` is set, else empty."""

    status: int = 500
    json_body: bool = True


@dataclass(frozen=True)
class HtmlPage:
    """An HTML error page, as a proxy or load balancer sends it."""

    status: int = 502
    doctype: bool = False


@dataclass(frozen=True)
class ResetBeforeResponse:
    """A connection reset (TCP RST) before any byte of the response."""


@dataclass(frozen=True)
class ResetMidBody:
    """The status line, headers and half the normal page body, then a connection reset."""


@dataclass(frozen=True)
class TruncatedJson:
    """A 200 response whose JSON body is cut in half, with a Content-Length that matches."""


@dataclass(frozen=True)
class WrongContentType:
    """The normal page with this Content-Type instead of application/json."""

    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Slow:
    """The normal page after `seconds` (or when the server stops, if sooner)."""

    seconds: float = 2.0


@dataclass(frozen=True)
class Page:
    """A 200 response with this JSON document instead of the normal page."""

    document: dict[str, Any]


Fault = (
    Normal
    | Respond
    | Throttle
    | ServerError
    | HtmlPage
    | ResetBeforeResponse
    | ResetMidBody
    | TruncatedJson
    | WrongContentType
    | Slow
    | Page
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    #: The scripted fault that produced the response; None for a normal page.
    fault: Fault | None
    #: The `x-amzn-RequestId` sent back: `req-<n>` for the n-th request (from 1).
    request_id: str


@dataclass
class _State:
    jobs: list[dict[str, Any]]
    faults: deque[Fault] = field(default_factory=deque)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FaultServer:
    """A threaded HTTP server on a free 127.0.0.1 port serving `jobs`, with scripted faults."""

    def __init__(self, jobs: Iterable[dict[str, Any]] | int = 0) -> None:
        job_list = [make_job(i) for i in range(jobs)] if isinstance(jobs, int) else list(jobs)
        self._state = _State(jobs=job_list)
        self._server = _Server(("127.0.0.1", 0), _Handler, self._state)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def jobs(self) -> list[dict[str, Any]]:
        return self._state.jobs

    @jobs.setter
    def jobs(self, jobs: list[dict[str, Any]]) -> None:
        with self._state.lock:
            self._state.jobs = list(jobs)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def script(self, *faults: Fault) -> None:
        """Queue faults: each of the next requests takes one, in order."""
        with self._state.lock:
            self._state.faults.extend(faults)

    def reset(self, jobs: Iterable[dict[str, Any]] | int | None = None) -> None:
        """Forget queued faults and recorded requests; replace the jobs when given."""
        with self._state.lock:
            self._state.faults.clear()
            self._state.requests.clear()
            if jobs is not None:
                self._state.jobs = (
                    [make_job(i) for i in range(jobs)] if isinstance(jobs, int) else list(jobs)
                )

    @property
    def pending_faults(self) -> int:
        with self._state.lock:
            return len(self._state.faults)

    def stop(self) -> None:
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops connections when a test fires many requests.
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore writes to connections that a reset fault or a timed-out client closed."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handle_error(request, client_address)

    def __init__(self, address: tuple[str, int], handler: type, state: _State) -> None:
        self.state = state
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    request_id = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: pytest shows failures, not every request."""

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        state = self.server.state
        with state.lock:
            fault = state.faults.popleft() if state.faults else None
            self.request_id = f"req-{len(state.requests) + 1}"
            headers = {name.lower(): value for name, value in self.headers.items()}
            state.requests.append(
                RecordedRequest("GET", url.path, query, headers, fault, self.request_id)
            )
            jobs = state.jobs

        if url.path != LIST_PATH:
            self._send_json(404, {"message": f"Unknown path {url.path}"}, "ResourceNotFound")
            return
        self._answer(fault, query, jobs)

    def _answer(self, fault: Fault | None, query: dict[str, list[str]], jobs: list[Any]) -> None:
        if isinstance(fault, ResetBeforeResponse):
            self._reset()
            return
        if isinstance(fault, Respond):
            self._send(fault.status, fault.body, dict(fault.headers))
            return
        if isinstance(fault, Throttle):
            body = {"message": fault.message}
            self._send_json(429, body, "ThrottlingException:http://internal.amazon.com/coral/")
            return
        if isinstance(fault, ServerError):
            self._server_error(fault)
            return
        if isinstance(fault, HtmlPage):
            self._html_page(fault)
            return
        if isinstance(fault, Page):
            self._send_json(200, fault.document)
            return
        if isinstance(fault, Slow):
            self.server.state.stopping.wait(fault.seconds)

        status, document, error_type = _normal_page(query, jobs)
        body = json.dumps(document).encode()
        if isinstance(fault, ResetMidBody):
            self._send_head(status, len(body), {"Content-Type": "application/json"})
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._reset()
            return
        if isinstance(fault, TruncatedJson):
            self._send(status, body[: len(body) // 2], {"Content-Type": "application/json"})
            return
        content_type = "application/json"
        if isinstance(fault, WrongContentType):
            content_type = fault.content_type
        headers = {"Content-Type": content_type}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        self._send(status, body, headers)

    def _server_error(self, fault: ServerError) -> None:
        if not fault.json_body:
            self._send(fault.status, b"", {})
            return
        code = "ServiceUnavailableException" if fault.status == 503 else "InternalServerException"
        self._send_json(fault.status, {"message": f"{code} from the fault server"}, code)

    def _html_page(self, fault: HtmlPage) -> None:
        prefix = "<!DOCTYPE html>\n" if fault.doctype else ""
        html = f"{prefix}<html><body><h1>{fault.status} Bad Gateway</h1></body></html>"
        self._send(fault.status, html.encode(), {"Content-Type": "text/html"})

    def _send_json(self, status: int, document: Any, error_type: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["x-amzn-ErrorType"] = error_type
        self._send(status, json.dumps(document).encode(), headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self._send_head(status, len(body), headers)
        self.wfile.write(body)
        self.wfile.flush()

    def _send_head(self, status: int, length: int, headers: dict[str, str]) -> None:
        self.send_response_only(status)
        names = {name.lower() for name in headers}
        if "x-amzn-requestid" not in names:
            self.send_header("x-amzn-RequestId", self.request_id)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _normal_page(
    query: dict[str, list[str]], jobs: list[dict[str, Any]]
) -> tuple[int, dict[str, Any], str | None]:
    """Return (status, document, error type) of Bedrock's response to a listing request."""
    max_results_text = query.get("maxResults", [str(DEFAULT_MAX_RESULTS)])[-1]
    if not max_results_text.isdigit() or not 1 <= int(max_results_text) <= 1000:
        message = f"1 validation error detected: Value '{max_results_text}' at 'maxResults'"
        return 400, {"message": message}, "ValidationException"
    max_results = int(max_results_text)

    offset = 0
    if "nextToken" in query:
        token = query["nextToken"][-1]
        parsed = token_offset(token)
        if parsed is None or parsed > len(jobs):
            return 400, {"message": f"Invalid pagination token: {token!r}"}, "ValidationException"
        offset = parsed

    page: dict[str, Any] = {RESULT_KEY: jobs[offset : offset + max_results]}
    if offset + max_results < len(jobs):
        page["nextToken"] = page_token(offset + max_results)
    return 200, page, None


# -- a client whose retry sleeps are recorded, not slept --------------------------

TEST_ACCESS_KEY = "AKIDFAULTSERVER"
TEST_SECRET_KEY = "fault-server-secret"


def build_setup(
    endpoint_url: str,
    *,
    read_timeout: float,
    max_attempts: int,
    access_key: str,
    secret_key: str,
    session_token: str | None,
    bearer_token: str | None,
) -> Any:
    """Resolve a client set-up as `bedrockpage.client()` does, with a short read timeout."""
    from bedrockpage.session import Config, resolve_setup

    config = Config(
        connect_timeout=1.0,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": max_attempts},
    )
    return resolve_setup(
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=None if bearer_token else access_key,
        aws_secret_access_key=None if bearer_token else secret_key,
        aws_session_token=None if bearer_token else session_token,
        profile=None,
        bearer_token=bearer_token,
        config=config,
        verify=None,
    )


class RecordingClient:
    """`BedrockClient`'s call path with the retry sleep replaced by a list of delays.

    `BedrockClient` has no public way to inject the sleep, so this builds the same
    pieces (`resolve_setup`, `SyncTransport`, `validate_params`, `Paginator`) itself.
    """

    def __init__(
        self,
        endpoint_url: str,
        *,
        read_timeout: float = 0.2,
        max_attempts: int = 3,
        access_key: str = TEST_ACCESS_KEY,
        secret_key: str = TEST_SECRET_KEY,
        session_token: str | None = None,
        bearer_token: str | None = None,
    ) -> None:
        from bedrockpage._client import new_http_client
        from bedrockpage.transport.sync import SyncTransport

        self.setup = build_setup(
            endpoint_url,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            access_key=access_key,
            secret_key=secret_key,
            session_token=session_token,
            bearer_token=bearer_token,
        )
        #: The delay of every retry the client would have slept, in seconds.
        self.sleeps: list[float] = []
        self.transport = SyncTransport(
            self.setup.call_settings, new_http_client(self.setup), sleep=self.sleeps.append
        )

    def list_model_customization_jobs(self, **params: Any) -> dict[str, Any]:
        from bedrockpage.protocol import LIST_MODEL_CUSTOMIZATION_JOBS, validate_params

        validate_params(LIST_MODEL_CUSTOMIZATION_JOBS, params)
        return self.transport.call(LIST_MODEL_CUSTOMIZATION_JOBS, params)

    def get_paginator(self, operation_name: str = "list_model_customization_jobs") -> Any:
        from bedrockpage._client import paginator_config
        from bedrockpage.pagination.sync import Paginator

        return Paginator(self.list_model_customization_jobs, paginator_config(operation_name))

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> RecordingClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncRecordingClient:
    """`AsyncBedrockClient`'s call path with the retry sleep replaced by a list of delays."""

    def __init__(
        self, endpoint_url: str, *, read_timeout: float = 0.2, max_attempts: int = 3
    ) -> None:
        import httpx

        from bedrockpage._client import http_client_options
        from bedrockpage.transport.aio import AsyncTransport

        self.setup = build_setup(
            endpoint_url,
            read_timeout=read_timeout,
            max_attempts=max_attempts,
            access_key=TEST_ACCESS_KEY,
            secret_key=TEST_SECRET_KEY,
            session_token=None,
            bearer_token=None,
        )
        #: The delay of every retry the client would have slept, in seconds.
        self.sleeps: list[float] = []
        self.transport = AsyncTransport(
            self.setup.call_settings,
            httpx.AsyncClient(**http_client_options(self.setup)),
            sleep=self._record_sleep,
        )

    async def _record_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def list_model_customization_jobs(self, **params: Any) -> dict[str, Any]:
        from bedrockpage.protocol import LIST_MODEL_CUSTOMIZATION_JOBS, validate_params

        validate_params(LIST_MODEL_CUSTOMIZATION_JOBS, params)
        return await self.transport.call(LIST_MODEL_CUSTOMIZATION_JOBS, params)

    def get_paginator(self, operation_name: str = "list_model_customization_jobs") -> Any:
        from bedrockpage._client import paginator_config
        from bedrockpage.pagination.aio import AsyncPaginator

        return AsyncPaginator(self.list_model_customization_jobs, paginator_config(operation_name))

    async def close(self) -> None:
        await self.transport.close()
