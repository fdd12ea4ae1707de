"""The floor baselines: the least work a correct ListModelCustomizationJobs client does.

Each request is signed with SigV4 (hashlib and hmac, no session token), and
each page's three timestamps become datetimes with `datetime.fromisoformat`.
`list_page_httpx` sends the request with httpx, `list_page_http_client` with
the standard library's `http.client`. Neither retries, validates parameters or
reads configuration; this is what bedrockpage's extra work is measured against.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

PATH = "/model-customization-jobs"
REGION = "us-east-1"
SERVICE = "bedrock"
TIMESTAMP_KEYS = ("creationTime", "lastModifiedTime", "endTime")
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

if sys.version_info >= (3, 11):
    _parse_timestamp = datetime.fromisoformat
else:

    def _parse_timestamp(value: str) -> datetime:
        # Python 3.10's fromisoformat rejects the "Z" suffix.
        return datetime.fromisoformat(value.replace("Z", "+00:00"))


def canonical_query(params: dict[str, str]) -> str:
    pairs = sorted(
        (quote(key, safe="-_.~"), quote(value, safe="-_.~")) for key, value in params.items()
    )
    return "&".join(f"{key}={value}" for key, value in pairs)


def sigv4_headers(host: str, query: str, access_key: str, secret_key: str) -> dict[str, str]:
    """Sign `GET /model-customization-jobs?query` for `host`; returns the headers to send."""
    now = datetime.now(timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    canonical_request = (
        f"GET\n{PATH}\n{query}\nhost:{host}\nx-amz-content-sha256:{EMPTY_SHA256}\n"
        f"x-amz-date:{amz_date}\n\nhost;x-amz-content-sha256;x-amz-date\n{EMPTY_SHA256}"
    )
    scope = f"{date}/{REGION}/{SERVICE}/aws4_request"
    string_to_sign = (
        f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n"
        + hashlib.sha256(canonical_request.encode()).hexdigest()
    )
    key = f"AWS4{secret_key}".encode()
    for part in (date, REGION, SERVICE, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "x-amz-date": amz_date,
        "x-amz-content-sha256": EMPTY_SHA256,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
            f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={signature}"
        ),
    }


def parse_page(body: bytes) -> dict[str, Any]:
    page: dict[str, Any] = json.loads(body)
    for job in page.get("modelCustomizationJobSummaries", ()):
        for key in TIMESTAMP_KEYS:
            if key in job:
                job[key] = _parse_timestamp(job[key])
    return page


def page_params(page_size: int, token: str | None) -> dict[str, str]:
    params = {"maxResults": str(page_size)}
    if token is not None:
        params["nextToken"] = token
    return params


def list_page_httpx(
    http: Any, endpoint: str, host: str, page_size: int, token: str | None, keys: tuple[str, str]
) -> dict[str, Any]:
    query = canonical_query(page_params(page_size, token))
    response = http.get(f"{endpoint}{PATH}?{query}", headers=sigv4_headers(host, query, *keys))
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
    return parse_page(response.content)


def list_page_http_client(
    connection: Any, host: str, page_size: int, token: str | None, keys: tuple[str, str]
) -> dict[str, Any]:
    query = canonical_query(page_params(page_size, token))
    headers = sigv4_headers(host, query, *keys)
    connection.request("GET", f"{PATH}?{query}", headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
    return parse_page(body)
