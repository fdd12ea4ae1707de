"""A loopback ListModelCustomizationJobs server with precomputed page bodies.

Run as `python bench/server.py --jobs 20000`: it binds 127.0.0.1 on a free port,
prints `PORT <n>` on stdout once it accepts connections, and exits when its
stdin closes (the benchmark runner died or finished) or after `--max-seconds`.

It serves `GET /model-customization-jobs` with `maxResults` (1 to 1000, default
100) and `nextToken`, over HTTP/1.1 keep-alive. Requests are not authenticated,
so any signature passes. Responses for the page sizes in `--precompute` are
built before the port is printed, so timing never includes JSON encoding. Other
page sizes are built on first request and cached.
"""

from __future__ import annotations

import argparse
import base64
import email.utils
import json
import os
import socketserver
import sys
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATH = "/model-customization-jobs"
ACCOUNT = "123456789012"
REGION = "us-east-1"
DEFAULT_MAX_RESULTS = 100
MAX_RESULTS_LIMIT = 1000

_STATUSES = ("Completed", "Completed", "Completed", "Failed", "Stopped", "InProgress")
_TYPES = ("FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION")
_BASE_MODELS = (
    "amazon.titan-text-express-v1:0:8k",
    "amazon.nova-micro-v1:0:128k",
    "meta.llama3-1-8b-instruct-v1:0:128k",
    "anthropic.claude-3-haiku-20240307-v1:0:200k",
)


def wire_timestamp(moment: datetime) -> str:
    """Format a UTC datetime as Bedrock sends it: `2024-01-02T03:04:05.123Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def synthetic_job(index: int) -> dict[str, Any]:
    """Build one job summary with the fields and value shapes Bedrock returns."""
    created = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc) + timedelta(
        minutes=17 * index, milliseconds=(index * 137) % 1000
    )
    ended = created + timedelta(hours=2, seconds=index % 3600, milliseconds=(index * 71) % 1000)
    status = _STATUSES[index % len(_STATUSES)]
    job_id = f"{index:04x}{(index * 2654435761) % 16**8:08x}"
    base_model = _BASE_MODELS[index % len(_BASE_MODELS)]
    job: dict[str, Any] = {
        "jobArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:model-customization-job/"
        f"{base_model.split(':')[0]}/{job_id}",
        "baseModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{base_model}",
        "jobName": f"bench-customization-job-{index:05d}",
        "status": status,
        "creationTime": wire_timestamp(created),
        "lastModifiedTime": wire_timestamp(ended if status != "InProgress" else created),
        "customizationType": _TYPES[index % len(_TYPES)],
    }
    if status != "InProgress":
        job["endTime"] = wire_timestamp(ended)
    if status == "Completed":
        job["customModelArn"] = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{job_id}"
        job["customModelName"] = f"bench-custom-model-{index:05d}"
    return job


def encode_token(offset: int) -> str:
    """Build an opaque token in Bedrock's style; standard base64 exercises URL quoting."""
    return base64.b64encode(f'{{"offset":{offset},"v":2,"pad":"~~~"}}'.encode()).decode()


def decode_token(token: str) -> int:
    return int(json.loads(base64.b64decode(token, validate=True))["offset"])


def http_response(status: int, body: bytes, error_type: str | None = None) -> bytes:
    """Build a response as Bedrock's front end sends it; each page keeps one request id."""
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    headers = [
        f"HTTP/1.1 {status} {reason}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"x-amzn-RequestId: {uuid.uuid4()}",
        # Built once per page: a few minutes stale at most, far below any skew threshold.
        f"Date: {email.utils.formatdate(usegmt=True)}",
        "Connection: keep-alive",
    ]
    if error_type is not None:
        headers.append(f"x-amzn-ErrorType: {error_type}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + body


class PageStore:
    """Page bodies keyed by (maxResults, offset), built once."""

    def __init__(self, job_count: int) -> None:
        self.job_count = job_count
        self._jobs = [synthetic_job(index) for index in range(job_count)]
        self._bodies: dict[tuple[int, int], bytes] = {}
        self._responses: dict[tuple[int, int], bytes] = {}
        self._lock = threading.Lock()

    def precompute(self, page_size: int) -> None:
        for offset in range(0, max(self.job_count, 1), page_size):
            self.response(page_size, offset)

    def response(self, page_size: int, offset: int) -> bytes:
        """Return the whole HTTP response, status line to body, for one page."""
        key = (page_size, offset)
        response = self._responses.get(key)
        if response is None:
            built = http_response(200, self.body(page_size, offset))
            with self._lock:
                response = self._responses.setdefault(key, built)
        return response

    def body(self, page_size: int, offset: int) -> bytes:
        key = (page_size, offset)
        body = self._bodies.get(key)
        if body is None:
            with self._lock:
                body = self._bodies.setdefault(key, self._encode(page_size, offset))
        return body

    @staticmethod
    def error(status: int, error_type: str, message: str) -> bytes:
        body = json.dumps({"message": message}).encode()
        return http_response(status, body, error_type)

    def _encode(self, page_size: int, offset: int) -> bytes:
        end = offset + page_size
        page: dict[str, Any] = {"modelCustomizationJobSummaries": self._jobs[offset:end]}
        if end < self.job_count:
            page["nextToken"] = encode_token(end)
        return json.dumps(page, separators=(",", ":")).encode()


class PageHandler(socketserver.StreamRequestHandler):
    """A minimal HTTP/1.1 keep-alive loop: the clients send only bodiless GETs.

    `http.server` parses every header with `email.parser`. This loop skips the
    headers, so the server adds as little as it can to the client's wall time.
    """

    # Small writes must not wait for delayed ACKs, or every page costs about 40 ms.
    disable_nagle_algorithm = True
    store: PageStore

    def handle(self) -> None:
        while True:
            request_line = self.rfile.readline(65537)
            if not request_line:
                return
            if not self._skip_headers():
                return
            self.wfile.write(self._response(request_line))

    def _skip_headers(self) -> bool:
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return False
            if line in (b"\r\n", b"\n"):
                return True

    def _response(self, request_line: bytes) -> bytes:
        try:
            method, target, _ = request_line.decode("ascii").split(" ", 2)
        except (UnicodeDecodeError, ValueError):
            return self.store.error(400, "ValidationException", "Malformed request line")
        url = urlsplit(target)
        if method != "GET" or url.path != PATH:
            return self.store.error(404, "UnknownOperationException", "Unknown operation")

        query = parse_qs(url.query, keep_blank_values=True)
        try:
            page_size = int(query.get("maxResults", [DEFAULT_MAX_RESULTS])[0])
            offset = decode_token(query["nextToken"][0]) if "nextToken" in query else 0
        except (ValueError, KeyError, TypeError):
            return self.store.error(400, "ValidationException", "Invalid maxResults or nextToken")
        if not 1 <= page_size <= MAX_RESULTS_LIMIT or not 0 <= offset <= self.store.job_count:
            return self.store.error(
                400, "ValidationException", "maxResults or nextToken out of range"
            )
        return self.store.response(page_size, offset)


def exit_when_stdin_closes() -> None:
    sys.stdin.buffer.read()
    os._exit(0)


def exit_after(seconds: float) -> None:
    """Exit the process when stdin closes or after `seconds`, whatever it is doing."""
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    deadline = threading.Timer(seconds, os._exit, args=(0,))
    deadline.daemon = True
    deadline.start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20000, help="number of jobs served")
    parser.add_argument(
        "--precompute",
        default="1000,100",
        help="page sizes to build before serving, comma-separated",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=1800.0,
        help="exit after this many seconds at the latest",
    )
    args = parser.parse_args()
    # Armed before the pages are built, so that even a stuck start-up ends.
    exit_after(args.max_seconds)

    store = PageStore(args.jobs)
    for page_size in (int(size) for size in args.precompute.split(",") if size):
        store.precompute(page_size)
    PageHandler.store = store

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), PageHandler)
    server.daemon_threads = True

    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
