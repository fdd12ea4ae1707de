"""Client set-up: region, endpoint, authentication and HTTP settings from all sources.

Everything here runs once per client. Nothing reads the shared files unless a
setting is missing from the arguments and the environment.
"""

from __future__ import annotations

import datetime
import logging
import os
import platform
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import _version
from .auth.credentials import Credentials
from .auth.refresh import CredentialSource
from .config import SharedFiles, profile_value, resolve_profile_name, resolve_region
from .exceptions import ConfigError
from .transport.call import CallSettings, RequestSigner
from .transport.retries import RetryPolicy
from .transport.skew import ClockSkew

logger = logging.getLogger("bedrockpage")

SERVICE_NAME = "bedrock"
SIGNING_NAME = "bedrock"
DEFAULT_TIMEOUT = 60.0
RETRY_MODES = ("standard", "legacy", "adaptive")


@dataclass(frozen=True)
class Config:
    """Client options, named as in `botocore.config.Config`.

    Timeouts are in seconds. `retries` takes `{"mode": "standard", "max_attempts": 3}`.
    """

    connect_timeout: float = DEFAULT_TIMEOUT
    read_timeout: float = DEFAULT_TIMEOUT
    retries: Mapping[str, Any] | None = None
    use_fips_endpoint: bool | None = None
    use_dualstack_endpoint: bool | None = None
    user_agent_appid: str | None = None
    auth_scheme_preference: str | None = None
    max_pool_connections: int = 10


class LazyCredentials:
    """Finds the credential source on first use, then asks it for fresh credentials per request.

    Thread-safe. The chain runs at the first signed request, not at client
    creation, as in botocore; temporary credentials refresh before they expire.
    """

    def __init__(self, find_source: Callable[[], CredentialSource]) -> None:
        self._find_source = find_source
        self._source: CredentialSource | None = None
        self._lock = threading.Lock()

    def get(self) -> Credentials:
        with self._lock:
            if self._source is None:
                self._source = self._find_source()
            source = self._source
        # NOTE: a refresh that is due runs here, blocking the caller; the async
        # client signs in the event loop, so a due STS refresh blocks it once.
        return source.get_frozen()

    def __repr__(self) -> str:
        return f"LazyCredentials(source={self._source!r})"


class SigV4Signer:
    """Signs each attempt with SigV4 for one region and signing name."""

    def __init__(
        self, credentials: LazyCredentials, region: str, service: str = SIGNING_NAME
    ) -> None:
        self._credentials = credentials
        self._region = region
        self._service = service

    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, now: datetime.datetime
    ) -> dict[str, str]:
        from .auth.sigv4 import sign_request

        return sign_request(
            method=method,
            url=url,
            headers=headers,
            body=body,
            credentials=self._credentials.get(),
            region=self._region,
            service=self._service,
            timestamp=now,
        )

    def __repr__(self) -> str:
        return f"SigV4Signer(region={self._region!r}, service={self._service!r})"


class BearerSigner:
    """Sends a Bedrock API key as `Authorization: Bearer`; no SigV4."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, now: datetime.datetime
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def __repr__(self) -> str:
        return "BearerSigner(token=<redacted>)"


@dataclass(frozen=True)
class ClientSetup:
    """Everything a client needs, resolved from arguments, environment and files."""

    region_name: str
    endpoint_url: str
    call_settings: CallSettings
    timeout: Any
    verify: bool | str


def user_agent(appid: str | None) -> str:
    import httpx

    agent = (
        f"bedrockpage/{_version.__version__} httpx/{httpx.__version__} "
        f"Python/{platform.python_version()}"
    )
    return f"{agent} app/{appid}" if appid else agent


def resolve_setup(
    *,
    region_name: str | None,
    endpoint_url: str | None,
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None,
    profile: str | None,
    bearer_token: str | None,
    config: Config | None,
    verify: bool | str | None,
    environ: Mapping[str, str] | None = None,
) -> ClientSetup:
    environ = os.environ if environ is None else environ
    config = config or Config()
    files = SharedFiles(environ)
    profile_name = resolve_profile_name(profile, environ)

    region = resolve_region(region_name, profile_name, files, environ)
    endpoint = _resolve_endpoint(endpoint_url, region, config, environ, files, profile_name)
    signer = _resolve_signer(
        aws_access_key_id,
        aws_secret_access_key,
        aws_session_token,
        bearer_token,
        profile,
        region,
        config,
        environ,
        files,
    )
    settings = CallSettings(
        endpoint_url=endpoint,
        signer=signer,
        retry_policy=_resolve_retry_policy(config, environ, files, profile_name),
        clock_skew=ClockSkew(),
        user_agent=user_agent(config.user_agent_appid or environ.get("AWS_SDK_UA_APP_ID")),
        clock=lambda: datetime.datetime.now(datetime.timezone.utc),
    )
    return ClientSetup(
        region_name=region,
        endpoint_url=endpoint,
        call_settings=settings,
        timeout=(config.connect_timeout, config.read_timeout),
        verify=_resolve_verify(verify, environ, files, profile_name),
    )


def _resolve_endpoint(
    endpoint_url: str | None,
    region: str,
    config: Config,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
) -> str:
    from .endpoints import configured_endpoint_url, resolve_endpoint, resolve_flags

    configured = configured_endpoint_url(endpoint_url, environ, files, profile)
    use_fips, use_dualstack = resolve_flags(
        config.use_fips_endpoint, config.use_dualstack_endpoint, environ, files, profile
    )
    url = resolve_endpoint(
        region, use_fips=use_fips, use_dualstack=use_dualstack, endpoint_url=configured
    )
    _warn_if_plain_http(url)
    return url


def _warn_if_plain_http(url: str) -> None:
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    is_loopback = hostname in {"localhost", "::1"} or hostname.startswith("127.")
    if parts.scheme == "http" and not is_loopback:
        logger.warning(
            "Endpoint %s uses plain http: requests and signatures are not encrypted", url
        )


def _resolve_signer(
    access_key: str | None,
    secret_key: str | None,
    session_token: str | None,
    bearer_token: str | None,
    explicit_profile: str | None,
    region: str,
    config: Config,
    environ: Mapping[str, str],
    files: SharedFiles,
) -> RequestSigner:
    from .auth.bearer import resolve_auth

    profile_name = resolve_profile_name(explicit_profile, environ)
    choice = resolve_auth(
        bearer_token=bearer_token,
        preference_in_code=config.auth_scheme_preference,
        environ=environ,
        files=files,
        profile=profile_name,
    )
    if choice.bearer_token is not None:
        logger.debug("Using bearer authentication (Bedrock API key)")
        return BearerSigner(choice.bearer_token)

    from .auth.providers import explicit_credentials, resolve_credential_source
    from .auth.refresh import StaticCredentials

    # Partial explicit keys fail here, at client creation, as in botocore.
    explicit = explicit_credentials(access_key, secret_key, session_token)

    def find_source() -> CredentialSource:
        if explicit is not None:
            return StaticCredentials(explicit)
        return resolve_credential_source(
            profile_name=explicit_profile, region=region, environ=environ, files=files
        )

    return SigV4Signer(LazyCredentials(find_source), region)


def _resolve_retry_policy(
    config: Config, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> RetryPolicy:
    retries = dict(config.retries or {})
    mode = (
        retries.get("mode")
        or environ.get("AWS_RETRY_MODE")
        or profile_value(files, profile, "retry_mode")
    )
    mode = mode or "standard"
    if mode not in RETRY_MODES:
        raise ConfigError(f"Invalid retry mode {mode!r}: expected one of {', '.join(RETRY_MODES)}.")

    raw_attempts = (
        retries.get("max_attempts")
        or environ.get("AWS_MAX_ATTEMPTS")
        or profile_value(files, profile, "max_attempts")
    )
    max_attempts = 3
    if raw_attempts is not None:
        try:
            max_attempts = int(raw_attempts)
        except (TypeError, ValueError):
            raise ConfigError(
                f"Invalid max_attempts {raw_attempts!r}: expected an integer of 1 or more."
            ) from None
        if max_attempts < 1:
            raise ConfigError(
                f"Invalid max_attempts {raw_attempts!r}: expected an integer of 1 or more."
            )
    # NOTE: the legacy and adaptive modes currently use standard mode's
    # decisions; only the mode name is validated.
    return RetryPolicy(max_attempts=max_attempts, mode=mode)


def _resolve_verify(
    verify: bool | str | None, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> bool | str:
    if verify is not None:
        return verify
    bundle = environ.get("AWS_CA_BUNDLE") or profile_value(files, profile, "ca_bundle")
    return bundle or True
