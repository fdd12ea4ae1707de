"""AWS Signature Version 4 (AWS4-HMAC-SHA256) request signing with an Authorization header.

The rules follow botocore's ``botocore.auth.SigV4Auth`` (checked against botocore 1.44.8)
for every service except Amazon S3: the canonical URI is the wire path with dot segments
removed and duplicate slashes collapsed, percent-encoded once more. Each step of the
algorithm is a public function so tests can compare it with the AWS test-suite files.

The module is pure: no I/O, no logging and no HTTP client import.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias
from urllib.parse import SplitResult, quote, unquote_to_bytes, urlsplit

from bedrockpage.auth.credentials import Credentials

__all__ = [
    "ALGORITHM",
    "AMZ_DATE_FORMAT",
    "EMPTY_PAYLOAD_HASH",
    "UNSIGNED_HEADERS",
    "AuthHeaders",
    "HeaderInput",
    "authorization_header",
    "canonical_request",
    "credential_scope",
    "format_amz_date",
    "payload_hash",
    "sign_request",
    "signature",
    "signing_key",
    "string_to_sign",
]

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"

#: SHA-256 of the empty body, the payload hash of every GET request.
EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#: Header names (lowercase) that are never signed: proxies and tracing agents may add,
#: drop or rewrite them in transit. Same list as botocore 1.44.8
#: ``botocore.auth.SIGNED_HEADERS_BLACKLIST``.
UNSIGNED_HEADERS = frozenset(
    {
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)

#: Request headers as a mapping, or as (name, value) pairs when a name repeats.
HeaderInput: TypeAlias = Mapping[str, str] | Sequence[tuple[str, str]]

# Headers that sign_request() sets itself, so a value the caller passed is neither signed
# nor sent: the returned headers replace it.
_REPLACED_HEADERS = frozenset({"authorization", "x-amz-date"})
_REPLACED_HEADERS_WITH_TOKEN = _REPLACED_HEADERS | {"x-amz-security-token"}

_DEFAULT_PORTS = {"http": 80, "https": 443}

# RFC 3986 unreserved characters besides letters and digits, which quote() never encodes.
_UNRESERVED_MARKS = "-_.~"

# Derived keys depend on the UTC date, so live entries go stale within a day. A full cache
# is emptied at once. That keeps it bounded without a lock, because CPython runs
# dict.clear() and item assignment atomically.
SIGNING_KEY_CACHE_SIZE = 32
_signing_key_cache: dict[tuple[str, str, str, str], bytes] = {}


class AuthHeaders(dict[str, str]):
    """Headers returned by sign_request(), with the signature and session token redacted in repr."""

    def __repr__(self) -> str:
        redacted = {name: _redact_header(name, value) for name, value in self.items()}
        return f"AuthHeaders({redacted!r})"

    __str__ = __repr__


def sign_request(
    *,
    method: str,
    url: str,
    headers: HeaderInput,
    body: bytes,
    credentials: Credentials,
    region: str,
    service: str,
    timestamp: datetime.datetime,
) -> AuthHeaders:
    """Sign one request and return the headers to add: X-Amz-Date, Authorization and,
    when ``credentials.token`` is set, X-Amz-Security-Token.

    ``url`` must be exactly the URL sent on the wire, query already percent-encoded.
    ``headers`` are the other headers that will be sent. Host is taken from the URL unless
    given. Given Authorization and X-Amz-Date headers, and X-Amz-Security-Token when the
    credentials carry a token, are ignored because the returned values replace them. Pass
    repeated headers as pairs (for httpx, ``Headers.multi_items()``): ``Headers.items()``
    joins them with ", ", while the service joins them with ",".

    A given X-Amz-Content-SHA256 header is used as the payload hash instead of hashing
    ``body``, as botocore does. Raises ValueError for a naive ``timestamp``, empty
    credentials, region or service, service "s3", or a URL without scheme and host.
    """
    _check_signing_inputs(credentials, region, service)
    date_time = format_amz_date(timestamp)
    date_stamp = date_time[:8]
    token = credentials.token or None

    signed_headers_input = _headers_to_sign(headers, date_time, token)
    body_hash = _given_payload_hash(signed_headers_input)
    if body_hash is None:
        body_hash = payload_hash(body)
    creq, signed_headers = _build_canonical_request(
        method, _split_url(url), signed_headers_input, body_hash
    )

    scope = credential_scope(date_stamp, region, service)
    sts = string_to_sign(amz_date=date_time, credential_scope=scope, canonical_request=creq)
    key = signing_key(credentials.secret_key, date_stamp, region, service)

    result = AuthHeaders()
    result["X-Amz-Date"] = date_time
    result["Authorization"] = authorization_header(
        access_key=credentials.access_key,
        credential_scope=scope,
        signed_headers=signed_headers,
        signature=signature(key, sts),
    )
    if token:
        result["X-Amz-Security-Token"] = token
    return result


def format_amz_date(timestamp: datetime.datetime) -> str:
    """Format an aware datetime as the UTC ``X-Amz-Date`` value, e.g. ``20150830T123600Z``."""
    if not isinstance(timestamp, datetime.datetime):
        raise TypeError(
            f"timestamp must be a datetime.datetime, got {type(timestamp).__name__}: {timestamp!r}"
        )
    if timestamp.utcoffset() is None:
        raise ValueError(
            f"timestamp {timestamp.isoformat()} is naive. Pass an aware UTC datetime such as "
            "datetime.datetime.now(datetime.timezone.utc)"
        )
    return timestamp.astimezone(datetime.timezone.utc).strftime(AMZ_DATE_FORMAT)


def payload_hash(body: bytes) -> str:
    """Return the hex SHA-256 of the request body."""
    if not body:
        return EMPTY_PAYLOAD_HASH
    return hashlib.sha256(body).hexdigest()


def canonical_request(*, method: str, url: str, headers: HeaderInput, payload_hash: str) -> str:
    """Build the canonical request text for ``url`` as sent on the wire.

    ``headers`` are all headers to sign, X-Amz-Date (and X-Amz-Security-Token) included;
    names in UNSIGNED_HEADERS are skipped and Host is added from the URL when missing. The
    result contains the session token in clear text when one is signed, so never log it.
    """
    creq, _signed_headers = _build_canonical_request(
        method, _split_url(url), _header_items(headers), payload_hash
    )
    return creq


def credential_scope(date_stamp: str, region: str, service: str) -> str:
    """Return the credential scope ``<yyyymmdd>/<region>/<service>/aws4_request``."""
    return f"{date_stamp}/{region}/{service}/aws4_request"


def string_to_sign(*, amz_date: str, credential_scope: str, canonical_request: str) -> str:
    """Build the string to sign from the hex SHA-256 of the canonical request."""
    request_hash = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{credential_scope}\n{request_hash}"


def signing_key(secret_key: str, date_stamp: str, region: str, service: str) -> bytes:
    """Derive the signing key by chained HMAC-SHA256 over date, region, service and
    ``aws4_request``, cached per (secret key, date, region, service)."""
    cache_key = (secret_key, date_stamp, region, service)
    cached = _signing_key_cache.get(cache_key)
    if cached is not None:
        return cached

    key = _hmac_sha256(f"AWS4{secret_key}".encode(), date_stamp)
    key = _hmac_sha256(key, region)
    key = _hmac_sha256(key, service)
    key = _hmac_sha256(key, "aws4_request")

    if len(_signing_key_cache) >= SIGNING_KEY_CACHE_SIZE:
        _signing_key_cache.clear()
    _signing_key_cache[cache_key] = key
    return key


def signature(signing_key: bytes, string_to_sign: str) -> str:
    """Return the hex HMAC-SHA256 of the string to sign under the derived signing key."""
    return hmac.new(signing_key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(
    *, access_key: str, credential_scope: str, signed_headers: str, signature: str
) -> str:
    """Format the ``Authorization`` header value."""
    return (
        f"{ALGORITHM} Credential={access_key}/{credential_scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


def _check_signing_inputs(credentials: Credentials, region: str, service: str) -> None:
    if not credentials.access_key or not credentials.secret_key:
        raise ValueError(
            f"cannot sign with {credentials!r}: the access key id and the secret key must "
            "both be non-empty"
        )
    if not region:
        raise ValueError("region is empty. Pass an AWS region name such as 'us-east-1'")
    if not service:
        raise ValueError("service is empty. Pass the SigV4 signing name, such as 'bedrock'")
    if service == "s3":
        # S3 signs the path exactly as sent, without normalizing or encoding it again.
        raise ValueError(
            "service 's3' is not supported: S3 needs its own canonical URI rules, which this "
            "signer does not implement"
        )


def _split_url(url: str) -> SplitResult:
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        raise ValueError(
            f"url {url!r} is not absolute. Pass the full URL as sent, e.g. "
            "'https://bedrock.us-east-1.amazonaws.com/model-customization-jobs'"
        )
    return parts


def _header_items(headers: HeaderInput) -> Iterable[tuple[str, str]]:
    if isinstance(headers, Mapping):
        return headers.items()
    return headers


def _headers_to_sign(
    headers: HeaderInput, date_time: str, token: str | None
) -> list[tuple[str, str]]:
    replaced = _REPLACED_HEADERS_WITH_TOKEN if token else _REPLACED_HEADERS
    items = [
        (name, value) for name, value in _header_items(headers) if name.lower() not in replaced
    ]

    items.append(("x-amz-date", date_time))
    if token:
        items.append(("x-amz-security-token", token))
    return items


def _given_payload_hash(headers: Iterable[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "x-amz-content-sha256":
            return value
    return None


def _build_canonical_request(
    method: str, url_parts: SplitResult, headers: Iterable[tuple[str, str]], body_hash: str
) -> tuple[str, str]:
    """Return the canonical request and its signed-headers list."""
    canonical_headers, signed_headers = _canonical_headers(headers, url_parts)
    creq = "\n".join(
        (
            method.upper(),
            _canonical_uri(url_parts.path),
            _canonical_query(url_parts.query),
            canonical_headers,
            signed_headers,
            body_hash,
        )
    )
    return creq, signed_headers


def _canonical_uri(path: str) -> str:
    # The wire path is already percent-encoded, and services other than S3 encode it once
    # more, so "%20" on the wire is signed as "%2520".
    return quote(_remove_dot_segments(path) if path else "/", safe="/~")


def _remove_dot_segments(path: str) -> str:
    """Remove "." and ".." segments (RFC 3986 section 5.2.4) and collapse repeated slashes,
    keeping a leading and a trailing slash, as botocore.utils.remove_dot_segments does."""
    segments: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if segments:
                segments.pop()
        else:
            segments.append(segment)

    leading = "/" if path[0] == "/" else ""
    trailing = "/" if path[-1] == "/" and segments else ""
    return leading + "/".join(segments) + trailing


def _canonical_query(query: str) -> str:
    if not query:
        return ""

    pairs = []
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        pairs.append((_reencode_query_component(name), _reencode_query_component(value)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _reencode_query_component(component: str) -> str:
    # Decoding then encoding with the RFC 3986 unreserved set gives the form that botocore
    # signs for query parameters, and leaves a query encoded that way unchanged. botocore
    # signs a URL's query verbatim, so the two differ only for a wire query in another form,
    # such as "%e1" or a raw "/".
    # NOTE: a raw "+" is signed as "%2B", a literal plus. A service that decodes "+" in the
    # query as a space would compute "%20" instead; encode spaces as "%20" to avoid the case.
    return quote(unquote_to_bytes(component), safe=_UNRESERVED_MARKS)


def _canonical_headers(
    headers: Iterable[tuple[str, str]], url_parts: SplitResult
) -> tuple[str, str]:
    """Return the canonical headers block (each line ending in a newline) and the
    signed-headers list."""
    values_by_name: dict[str, list[str]] = {}
    for name, value in headers:
        lowered = name.lower()
        if lowered in UNSIGNED_HEADERS:
            continue
        # Trim the value and collapse inner whitespace runs to one space.
        values_by_name.setdefault(lowered, []).append(" ".join(value.split()))

    if "host" not in values_by_name:
        values_by_name["host"] = [_host_from_url(url_parts)]

    names = sorted(values_by_name)
    block = "".join(f"{name}:{','.join(values_by_name[name])}\n" for name in names)
    return block, ";".join(names)


def _host_from_url(url_parts: SplitResult) -> str:
    """Return the Host header value that HTTP clients send: the lowercase host name without
    user info, with the port only when it is not the scheme's default."""
    host = url_parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"

    try:
        port = url_parts.port
    except ValueError as exc:
        raise ValueError(f"url {url_parts.geturl()!r} has an invalid port: {exc}") from exc
    if port is not None and port != _DEFAULT_PORTS.get(url_parts.scheme):
        host = f"{host}:{port}"
    return host


def _hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _redact_header(name: str, value: str) -> str:
    if name == "X-Amz-Security-Token":
        return "<redacted>"
    if name == "Authorization":
        head, separator, _signature = value.rpartition("Signature=")
        if separator:
            return f"{head}Signature=<redacted>"
        return "<redacted>"
    return value
