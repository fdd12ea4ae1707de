"""Credentials of the EC2 instance profile from the instance metadata service (IMDS).

The flow is botocore 1.44's `InstanceMetadataFetcher`: PUT /latest/api/token
for an IMDSv2 session token, falling back to IMDSv1 (no token) when the PUT
returns 403, 404 or 405 or times out, unless IMDSv1 is disabled. Then GET
/latest/meta-data/iam/security-credentials/ for the role name and GET that
path plus the role for the credentials. Any failure to reach the service
means "not on EC2": the provider returns None.

Settings: AWS_EC2_METADATA_DISABLED=true skips the provider;
AWS_EC2_METADATA_SERVICE_ENDPOINT and AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE
(or AWS_IMDS_USE_IPV6) choose the endpoint; AWS_METADATA_SERVICE_TIMEOUT
(seconds, default 1) and AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1) bound
each request; AWS_EC2_METADATA_V1_DISABLED forbids the IMDSv1 fallback. Each
of them except AWS_EC2_METADATA_DISABLED may also be set in the profile, with
the lower-case name without the AWS_ prefix.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from ...config import SharedFiles
from ...exceptions import ConfigError, CredentialRetrievalError, HTTPClientError, ReadTimeoutError
from ..credentials import Credentials
from ..refresh import (
    ADVISORY_REFRESH_SECONDS,
    Clock,
    RefreshableCredentials,
    TemporaryCredentials,
    parse_timestamp,
    utc_now,
)
from ._base import LoadedCredentials
from ._http import HttpRequest, HttpResponse, HttpSend
from ._profiles import bool_setting, int_setting, setting

logger = logging.getLogger("bedrockpage.auth.providers")

METHOD = "iam-role"
IPV4_ENDPOINT = "http://169.254.169.254/"
IPV6_ENDPOINT = "http://[fd00:ec2::254]/"
TOKEN_PATH = "latest/api/token"
CREDENTIALS_PATH = "latest/meta-data/iam/security-credentials/"
#: Lifetime requested for the IMDSv2 session token, in seconds (6 hours, as botocore).
TOKEN_TTL_SECONDS = "21600"

_REQUIRED_FIELDS = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")
_UNSAFE_URL_CHARACTERS = frozenset("\t\r\n")


class _ImdsUnavailable(Exception):
    """No usable response from the metadata service within the attempts.

    Normal on hosts outside EC2, so the chain moves on instead of failing.
    """


def metadata_disabled(environ: Mapping[str, str]) -> bool:
    return environ.get("AWS_EC2_METADATA_DISABLED", "false").lower() == "true"


def resolve_imds_endpoint(environ: Mapping[str, str], files: SharedFiles, profile: str) -> str:
    """Return the base URL: a custom endpoint, else the IPv6 or IPv4 address by endpoint mode."""
    mode = setting(
        environ,
        files,
        profile,
        env_name="AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        config_key="ec2_metadata_service_endpoint_mode",
    )
    if mode is not None and mode.lower() not in ("ipv4", "ipv6"):
        raise ConfigError(
            f"Invalid EC2 Instance Metadata endpoint mode: {mode!r}. Valid endpoint modes "
            "(case-insensitive): ipv4, ipv6."
        )
    if mode is not None:
        use_ipv6 = mode.lower() == "ipv6"
    else:
        use_ipv6 = bool_setting(
            environ, files, profile, env_name="AWS_IMDS_USE_IPV6", config_key="imds_use_ipv6"
        )

    custom = setting(
        environ,
        files,
        profile,
        env_name="AWS_EC2_METADATA_SERVICE_ENDPOINT",
        config_key="ec2_metadata_service_endpoint",
    )
    if custom:
        if use_ipv6:
            logger.warning("Custom IMDS endpoint and IPv6 mode are both set; using the endpoint.")
        _validate_endpoint(custom)
        return custom
    return IPV6_ENDPOINT if use_ipv6 else IPV4_ENDPOINT


def _validate_endpoint(url: str) -> None:
    parts = urlsplit(url)
    if _UNSAFE_URL_CHARACTERS.intersection(url) or not parts.scheme or not parts.hostname:
        raise ConfigError(
            f"Invalid endpoint EC2 Instance Metadata endpoint: {url!r}; expected a URL such as "
            "http://169.254.169.254/."
        )


class InstanceMetadataProvider:
    """Reads its settings when built (as botocore does), and contacts IMDS only in `load()`."""

    method = METHOD

    def __init__(
        self,
        environ: Mapping[str, str],
        files: SharedFiles,
        profile: str,
        http: HttpSend,
        *,
        clock: Clock = utc_now,
        jitter_seconds: Callable[[], int] = lambda: random.randint(120, 600),
    ) -> None:
        self._disabled = metadata_disabled(environ)
        self._base_url = resolve_imds_endpoint(environ, files, profile)
        self._timeout = int_setting(
            environ,
            files,
            profile,
            env_name="AWS_METADATA_SERVICE_TIMEOUT",
            config_key="metadata_service_timeout",
            default=1,
        )
        self._attempts = int_setting(
            environ,
            files,
            profile,
            env_name="AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            config_key="metadata_service_num_attempts",
            default=1,
        )
        self._v1_disabled = bool_setting(
            environ,
            files,
            profile,
            env_name="AWS_EC2_METADATA_V1_DISABLED",
            config_key="ec2_metadata_v1_disabled",
        )
        self._http = http
        self._clock = clock
        self._jitter_seconds = jitter_seconds

    def load(self) -> LoadedCredentials | None:
        if self._disabled:
            logger.debug("Access to EC2 metadata has been disabled.")
            return None

        fetched = self._retrieve()
        if fetched is None:
            return None
        logger.info("Found credentials from the instance profile role via %s", self._base_url)
        return RefreshableCredentials(
            self._refresh, method=METHOD, initial=fetched, clock=self._clock
        )

    def _refresh(self) -> TemporaryCredentials:
        if self._disabled:
            raise CredentialRetrievalError(METHOD, "AWS_EC2_METADATA_DISABLED is now true.")
        fetched = self._retrieve()
        if fetched is None:
            raise CredentialRetrievalError(
                METHOD,
                f"the instance metadata service at {self._base_url} returned no credentials.",
            )
        return fetched

    def _retrieve(self) -> TemporaryCredentials | None:
        try:
            token = self._fetch_token()
            role = self._get(CREDENTIALS_PATH, token).text
            response = self._get(CREDENTIALS_PATH + role, token, require_json=True)
        except _ImdsUnavailable:
            logger.debug(
                "No usable response from the instance metadata service at %s after %d attempts",
                self._base_url,
                self._attempts,
            )
            return None

        payload = json.loads(response.body)
        if not isinstance(payload, dict) or not all(
            isinstance(payload.get(name), str) for name in _REQUIRED_FIELDS
        ):
            if isinstance(payload, dict) and "Code" in payload:
                logger.debug("Instance metadata returned an error: %s", payload.get("Code"))
            return None

        credentials = Credentials(
            payload["AccessKeyId"], payload["SecretAccessKey"], payload["Token"], method=METHOD
        )
        return TemporaryCredentials(credentials, self._expiry_time(payload["Expiration"]))

    def _fetch_token(self) -> str | None:
        """Return an IMDSv2 token, or None to fall back to IMDSv1."""
        request = HttpRequest(
            "PUT",
            self._url(TOKEN_PATH),
            {"x-aws-ec2-metadata-token-ttl-seconds": TOKEN_TTL_SECONDS},
            timeout=self._timeout,
        )
        for _attempt in range(self._attempts):
            try:
                response = self._http(request)
            except ReadTimeoutError:
                return None
            except HTTPClientError as error:
                logger.debug("IMDS token request to %s failed: %s", request.url, error)
                continue

            if response.status_code == 200:
                return response.text
            if response.status_code in (403, 404, 405):
                return None
            if response.status_code == 400:
                logger.debug("IMDS rejected the token request with HTTP 400")
                raise _ImdsUnavailable()
        return None

    def _get(self, path: str, token: str | None, *, require_json: bool = False) -> HttpResponse:
        if token is None and self._v1_disabled:
            raise CredentialRetrievalError(
                METHOD,
                "Unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled "
                "(AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled).",
            )
        headers = {"x-aws-ec2-metadata-token": token} if token is not None else {}
        request = HttpRequest("GET", self._url(path), headers, timeout=self._timeout)

        for _attempt in range(self._attempts):
            try:
                response = self._http(request)
            except HTTPClientError as error:
                logger.debug("IMDS request to %s failed: %s", request.url, error)
                continue
            if response.status_code == 200 and response.body and _is_usable(response, require_json):
                return response
            logger.debug("IMDS returned HTTP %s for %s", response.status_code, request.url)
        raise _ImdsUnavailable()

    def _url(self, path: str) -> str:
        separator = "" if self._base_url.endswith("/") else "/"
        return f"{self._base_url}{separator}{path}"

    def _expiry_time(self, expiration: str) -> datetime | None:
        """Parse the expiry and extend it when it is already close, as botocore does.

        When IMDS keeps serving credentials that expire within the refresh
        window (during an outage of the credential service), the expiry is
        moved to now plus 15 minutes and 2 to 10 minutes of jitter. The
        credentials stay in use and refreshes are spread out instead of
        happening on every request.
        """
        try:
            expiry = parse_timestamp(expiration)
        except ValueError:
            logger.debug("Unable to parse the IMDS Expiration %r", expiration)
            raise CredentialRetrievalError(
                METHOD, f"the instance metadata Expiration {expiration!r} is not ISO 8601."
            ) from None

        offset = timedelta(seconds=ADVISORY_REFRESH_SECONDS + self._jitter_seconds())
        now = self._clock().astimezone(timezone.utc)
        if now >= expiry - offset:
            logger.info(
                "Attempting credential expiration extension due to a credential service "
                "availability issue. A refresh of these credentials will be attempted again "
                "within the next %.0f minutes.",
                offset.total_seconds() / 60,
            )
            return now + offset
        return expiry


def _is_usable(response: HttpResponse, require_json: bool) -> bool:
    if not require_json:
        return True
    try:
        json.loads(response.body)
    except ValueError:
        return False
    return True
