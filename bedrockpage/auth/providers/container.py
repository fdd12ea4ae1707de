"""Credentials from the ECS / EKS Pod Identity container credentials endpoint.

The provider applies only when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (sent
to http://169.254.170.2, or to the provider's `base_url`) or
AWS_CONTAINER_CREDENTIALS_FULL_URI is set. Either URL must use
https or name a host from botocore 1.44's allow list: a loopback address,
169.254.170.2 (ECS), 169.254.170.23 or fd00:ec2::23 (EKS Pod Identity), or
localhost. The list keeps a plain-http credential request on the instance.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from ...exceptions import ConfigError, CredentialRetrievalError, HTTPClientError
from ..credentials import Credentials
from ..refresh import Clock, RefreshableCredentials, TemporaryCredentials, utc_now
from ._base import LoadedCredentials, parse_expiration
from ._http import HttpRequest, HttpSend

logger = logging.getLogger("bedrockpage.auth.providers")

METHOD = "container-role"
RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
AUTH_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
AUTH_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"

ECS_HOST = "169.254.170.2"
#: botocore's base URL for the relative URI. The provider takes another, so tests use loopback.
ECS_BASE_URL = f"http://{ECS_HOST}"
ALLOWED_HOSTS = (ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost")
#: botocore's ContainerMetadataFetcher: 2 s timeout, 3 attempts, 1 s between attempts.
TIMEOUT_SECONDS = 2.0
ATTEMPTS = 3
RETRY_DELAY_SECONDS = 1.0

_REQUIRED_FIELDS = ("AccessKeyId", "SecretAccessKey", "Token", "Expiration")


def container_credentials_url(
    environ: Mapping[str, str], base_url: str = ECS_BASE_URL
) -> str | None:
    """Return the URL to fetch, or None when neither variable is set; the relative URI wins."""
    if RELATIVE_URI in environ:
        return f"{base_url.rstrip('/')}{environ[RELATIVE_URI]}"
    if FULL_URI in environ:
        return environ[FULL_URI]
    return None


def validate_full_uri(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return

    host = parts.hostname or ""
    if host in ALLOWED_HOSTS:
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass

    raise ConfigError(
        f"Unsupported host {host!r} in {FULL_URI} {url!r}: use https, a loopback address or one "
        f"of these hosts: {', '.join(ALLOWED_HOSTS)}."
    )


class ContainerProvider:
    method = METHOD

    def __init__(
        self,
        environ: Mapping[str, str],
        http: HttpSend,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock = utc_now,
        base_url: str = ECS_BASE_URL,
    ) -> None:
        self._environ = environ
        self._http = http
        self._sleep = sleep
        self._clock = clock
        self._base_url = base_url

    def load(self) -> LoadedCredentials | None:
        url = container_credentials_url(self._environ, self._base_url)
        if url is None:
            return None
        validate_full_uri(url)

        fetched = self._fetch(url)
        return RefreshableCredentials(
            lambda: self._fetch(url), method=METHOD, initial=fetched, clock=self._clock
        )

    def _fetch(self, url: str) -> TemporaryCredentials:
        last_error = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(RETRY_DELAY_SECONDS)
            request = HttpRequest("GET", url, self._headers(), timeout=TIMEOUT_SECONDS)
            try:
                response = self._http(request)
            except HTTPClientError as error:
                last_error = str(error)
                logger.debug("Container credentials request to %s failed: %s", url, error)
                continue

            if response.status_code != 200:
                # The error body of the credentials endpoint contains no secrets, only what failed.
                last_error = f"received non 200 response {response.status_code}: {response.text}"
                logger.debug("Container credentials endpoint %s %s", url, last_error)
                continue

            try:
                payload = json.loads(response.body)
            except ValueError:
                last_error = "the response is not valid JSON"
                logger.debug("Container credentials endpoint %s returned invalid JSON", url)
                continue
            return _parse_payload(payload)

        raise CredentialRetrievalError(
            METHOD,
            f"container credentials from {url} failed after {ATTEMPTS} attempts: {last_error}",
        )

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        token = self._authorization_token()
        if token is not None:
            headers["Authorization"] = token
        return headers

    def _authorization_token(self) -> str | None:
        # The token file wins over the variable and is read on every request, because the
        # agent rotates it.
        if AUTH_TOKEN_FILE in self._environ:
            path = self._environ[AUTH_TOKEN_FILE]
            try:
                with open(path, encoding="utf-8") as file:
                    token: str | None = file.read()
            except OSError as error:
                raise CredentialRetrievalError(
                    METHOD,
                    f"the authorization token file {path!r} named by {AUTH_TOKEN_FILE} could not "
                    f"be read ({error.strerror}).",
                ) from None
        else:
            token = self._environ.get(AUTH_TOKEN)

        if token is not None and ("\r" in token or "\n" in token):
            raise CredentialRetrievalError(
                METHOD,
                "the container authorization token contains a line break, which is not a legal "
                f"header value; check {AUTH_TOKEN_FILE} or {AUTH_TOKEN}.",
            )
        return token


def _parse_payload(payload: Any) -> TemporaryCredentials:
    if not isinstance(payload, dict):
        raise CredentialRetrievalError(METHOD, "the response is not a JSON object.")
    missing = [name for name in _REQUIRED_FIELDS if not isinstance(payload.get(name), str)]
    if missing:
        raise CredentialRetrievalError(METHOD, f"the response is missing {', '.join(missing)}.")

    credentials = Credentials(
        payload["AccessKeyId"], payload["SecretAccessKey"], payload["Token"], method=METHOD
    )
    return TemporaryCredentials(credentials, parse_expiration(METHOD, payload["Expiration"]))
