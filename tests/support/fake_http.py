"""A scripted HTTP server on 127.0.0.1 for the credential provider tests.

Each test starts its own `FakeHttpServer` on a free loopback port, registers
responses per (method, path), and reads back the requests it received. The
server runs in a daemon thread and never contacts anything itself.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    #: Path and query string, exactly as on the request line.
    path: str
    #: Header names in lower case; a repeated header keeps its last value.
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        """Return the body parsed as application/x-www-form-urlencoded."""
        return dict(parse_qsl(self.body.decode("ascii"), keep_blank_values=True))


@dataclass(frozen=True)
class CannedResponse:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> CannedResponse:
        body = json.dumps(payload).encode("utf-8")
        return cls(status, body, {"Content-Type": "application/json"})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> CannedResponse:
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})


#: Computes the response to one request.
Responder = Callable[[RecordedRequest], CannedResponse]


class _Route:
    """Responses for one (method, path): a responder, or a script whose last entry repeats."""

    def __init__(self, responses: tuple[CannedResponse | Responder, ...]) -> None:
        self._responses = list(responses)

    def respond(self, request: RecordedRequest) -> CannedResponse:
        response = self._responses.pop(0) if len(self._responses) > 1 else self._responses[0]
        if isinstance(response, CannedResponse):
            return response
        return response(request)


class FakeHttpServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that responds from registered routes.

    A request to an unregistered route gets a 404 whose body names the route,
    so a test that forgot a route fails with a readable message.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], _Route] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        # A short poll interval keeps stop() (which waits for one poll) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def route(self, method: str, path: str, *responses: CannedResponse | Responder) -> None:
        """Respond to `method path` with `responses` in order, repeating the last one."""
        if not responses:
            raise ValueError("route() needs at least one response")
        with self._lock:
            self._routes[(method.upper(), path)] = _Route(responses)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Return the requests whose path, without the query string, is `path`."""
        with self._lock:
            return [request for request in self.requests if request.path.split("?")[0] == path]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> FakeHttpServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _dispatch(self, request: RecordedRequest) -> CannedResponse:
        with self._lock:
            self.requests.append(request)
            route = self._routes.get((request.method, request.path.split("?")[0]))
        if route is None:
            return CannedResponse.text(f"no route for {request.method} {request.path}", 404)
        return route.respond(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                recorded = RecordedRequest(self.command, self.path, headers, body)
                response = server._dispatch(recorded)

                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

            do_GET = _handle
            do_PUT = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                # Request lines can carry credentials paths; keep stderr quiet.
                return

        return Handler
