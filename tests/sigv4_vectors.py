"""Loader for the AWS SigV4 test suite copied under tests/data/sigv4-testsuite.

Each vector folder contains ``<name>.req`` (raw request), ``.creq`` (canonical request),
``.sts`` (string to sign), ``.authz`` (Authorization value) and ``.sreq`` (signed request).
All vectors sign with the fixed inputs below. The suite's README.md describes the formats.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

SUITE_DIR = Path(__file__).parent / "data" / "sigv4-testsuite"

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
SERVICE = "service"
TIMESTAMP = datetime.datetime(2015, 8, 30, 12, 36, 0, tzinfo=datetime.timezone.utc)

# Characters that may appear unencoded in an HTTP request target (RFC 3986 reserved and
# unreserved characters, plus "%" of existing escapes). Any other character, such as a
# space or non-ASCII text, is percent-encoded by an HTTP client before sending.
_REQUEST_TARGET_SAFE = "!#$&'()*+,/:;=?@[]~%"


@dataclass(frozen=True)
class Vector:
    """One test-suite vector: the parsed request and the expected signing outputs."""

    name: str
    method: str
    #: Request target exactly as written in the .req request line.
    raw_target: str
    #: (name, value) pairs in file order; folded lines are joined with a space.
    headers: tuple[tuple[str, str], ...]
    body: bytes
    creq: str
    sts: str
    authz: str
    sreq: str

    @property
    def host(self) -> str:
        return next(value for name, value in self.headers if name.lower() == "host")

    @property
    def wire_target(self) -> str:
        """The request target as an HTTP client sends it."""
        return quote(self.raw_target, safe=_REQUEST_TARGET_SAFE)

    @property
    def wire_url(self) -> str:
        return f"https://{self.host}{self.wire_target}"

    @property
    def raw_url(self) -> str:
        return f"https://{self.host}{self.raw_target}"

    def sreq_header(self, name: str) -> str | None:
        """Return the value of header ``name`` in the signed request without surrounding
        whitespace, or None."""
        _request_line, headers, _body = _parse_message(self.sreq)
        values = (value.strip() for key, value in headers if key.lower() == name.lower())
        return next(values, None)


def load_vectors() -> list[Vector]:
    """Load every vector folder (one containing a .req file) under SUITE_DIR, sorted by name."""
    return [_load_vector(req_path) for req_path in sorted(SUITE_DIR.rglob("*.req"))]


def _load_vector(req_path: Path) -> Vector:
    name = req_path.stem
    request_line, headers, body = _parse_message(_read(req_path))
    method, _, rest = request_line.partition(" ")
    # The target may contain a raw space (normalize-path/get-space), so the HTTP version is
    # split off from the right.
    raw_target, _, _version = rest.rpartition(" ")

    return Vector(
        name=name,
        method=method,
        raw_target=raw_target,
        headers=tuple(headers),
        body=body.encode("utf-8"),
        creq=_read(req_path.with_suffix(".creq")),
        sts=_read(req_path.with_suffix(".sts")),
        authz=_read(req_path.with_suffix(".authz")),
        sreq=_read(req_path.with_suffix(".sreq")),
    )


def _read(path: Path) -> str:
    # newline="" keeps the bytes as written: the expected files are compared byte for byte.
    with path.open(encoding="utf-8", newline="") as file:
        return file.read()


def _parse_message(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """Split a raw HTTP message into request line, header pairs and body.

    Lines end in LF. The body follows the first blank line. A line that starts with a
    space or tab continues the previous header value (obsolete line folding, RFC 7230
    section 3.2.4), and the fold is replaced by one space.
    """
    head, _, body = text.partition("\n\n")
    # A file without a body may still end in one newline after the last header.
    request_line, *header_lines = head.removesuffix("\n").split("\n")

    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return request_line, headers, body
