"""Client set-up: region, endpoint, authentication and HTTP settings from all sources.

Everything here runs once per client. Nothing reads the shared files unless a
setting is missing from the arguments and the environment.
"""

import datetime
import ipaddress
import logging
import os
import string
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from . import _version
from .auth.credentials import Credentials
from .auth.refresh import CredentialSource
from .config import SharedFiles, profile_value, resolve_profile_name, resolve_region
from .exceptions import ConfigError
from .transport.call import CallSettings, RequestSigner
from .transport.retries import DEFAULT_MAX_ATTEMPTS, RETRY_POLICIES, RetryPolicy
from .transport.skew import ClockSkew

logger = logging.getLogger("bedrockpage")

SERVICE_NAME = "bedrock"
SIGNING_NAME = "bedrock"
DEFAULT_TIMEOUT = 60.0
RETRY_MODES = ("standard", "legacy", "adaptive")
RETRIES_KEYS = ("mode", "max_attempts", "total_max_attempts")


class _ConfigFields(NamedTuple):
    connect_timeout: float = DEFAULT_TIMEOUT
    read_timeout: float = DEFAULT_TIMEOUT
    retries: Mapping[str, Any] | None = None
    use_fips_endpoint: bool | None = None
    use_dualstack_endpoint: bool | None = None
    user_agent_appid: str | None = None
    auth_scheme_preference: str | None = None
    max_pool_connections: int = 10


class Config(_ConfigFields):
    """Client options, named as in `botocore.config.Config`. A Config is immutable.

    Timeouts are in seconds. `retries` takes botocore's keys: `mode` ("standard",
    "legacy" or "adaptive"), `max_attempts` (retries after the first attempt, as in
    botocore) or `total_max_attempts` (all attempts; wins over `max_attempts`).
    Invalid values raise ConfigError when the Config is created.
    """

    # A NamedTuple, not a dataclass: creating a dataclass takes about 0.7 ms of
    # every cold start on CPython 3.11, a NamedTuple about 0.1 ms.
    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> "Config":
        config = super().__new__(cls, *args, **kwargs)
        _check_timeout("connect_timeout", config.connect_timeout)
        _check_timeout("read_timeout", config.read_timeout)
        _check_retries(config.retries)
        return config


class LazyCredentials:
    """Find the credential source on first use, then get fresh credentials from it per request.

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
        # NOTE: a refresh that is due runs here and blocks the caller. The async
        # client signs in the event loop, so a due STS refresh blocks the loop once.
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


class ClientSetup(NamedTuple):
    """Everything a client needs, resolved from arguments, environment and files."""

    region_name: str
    endpoint_url: str
    call_settings: CallSettings
    timeout: Any
    #: True, False, or the path of a CA bundle (PEM) to verify TLS with.
    verify: bool | str
    max_pool_connections: int = 10


def user_agent(appid: str | None) -> str:
    """Build the User-Agent: bedrockpage, httpx and Python versions, then `app/<appid>`.

    The app id gets botocore's sanitizing: characters outside ASCII letters,
    digits and ``!#$%&'*+-.^_`|~,`` become "-".
    """
    import httpx

    agent = (
        f"bedrockpage/{_version.__version__} httpx/{httpx.__version__} Python/{_python_version()}"
    )
    if not appid:
        return agent
    sanitized = "".join(char if char in _USER_AGENT_CHARACTERS else "-" for char in appid)
    return f"{agent} app/{sanitized}"


def _python_version() -> str:
    """Return what `platform.python_version()` returns on CPython, such as "3.11.7" or "3.13.0rc1".

    `sys.version` starts with that version. Importing `platform` takes about 1 ms of a cold
    start (`python -X importtime`, CPython 3.11).
    """
    return sys.version.split()[0]


_USER_AGENT_CHARACTERS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~,")


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

    from .endpoints import normalize_fips_region

    region = resolve_region(region_name, profile_name, files, environ)
    region, region_selects_fips = normalize_fips_region(region)
    if region_selects_fips:
        config = config._replace(use_fips_endpoint=True)
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
        user_agent=user_agent(_resolve_appid(config, environ, files, profile_name)),
        clock=lambda: datetime.datetime.now(datetime.timezone.utc),
        read_timeout=config.read_timeout,
        connect_timeout=config.connect_timeout,
    )
    return ClientSetup(
        region_name=region,
        endpoint_url=endpoint,
        call_settings=settings,
        timeout=(config.connect_timeout, config.read_timeout),
        verify=_resolve_verify(verify, environ, files, profile_name),
        max_pool_connections=config.max_pool_connections,
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
    if parts.scheme == "http" and not _is_loopback_host(parts.hostname or ""):
        from ._urls import redact_userinfo

        logger.warning(
            "Endpoint %s uses plain http: requests and signatures are not encrypted",
            redact_userinfo(url),
        )


def _is_loopback_host(hostname: str) -> bool:
    """Return True for `localhost` and addresses in 127.0.0.0/8 or ::1.

    A name that only starts with "127." (such as 127.example.com) is not loopback.
    """
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


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

    from .auth.refresh import StaticCredentials

    # A full key pair needs none of the providers, whose modules are a large part
    # of cold start. Partial explicit keys fail here, at client creation, as in botocore.
    if access_key is not None and secret_key is not None:
        explicit: Credentials | None = Credentials(access_key, secret_key, session_token)
    else:
        from .auth.providers import explicit_credentials

        explicit = explicit_credentials(access_key, secret_key, session_token)

    def find_source() -> CredentialSource:
        if explicit is not None:
            return StaticCredentials(explicit)

        from .auth.providers import resolve_credential_source

        return resolve_credential_source(
            profile_name=explicit_profile, region=region, environ=environ, files=files
        )

    return SigV4Signer(LazyCredentials(find_source), region)


def _resolve_retry_policy(
    config: Config, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> RetryPolicy:
    """Build the retry policy with botocore's precedence.

    The mode comes from `Config.retries["mode"]`, `AWS_RETRY_MODE`, the profile's
    `retry_mode`, else "standard". The total number of attempts comes from
    `total_max_attempts`, else `max_attempts + 1` (botocore's client option counts
    retries), else `AWS_MAX_ATTEMPTS` or the profile's `max_attempts` (both count
    all attempts), else 3 (5 in legacy mode).
    """
    retries = dict(config.retries or {})
    mode = retries.get("mode")
    if mode is None:
        mode = _retry_mode_setting(environ, files, profile)

    max_attempts = _total_max_attempts(retries, environ, files, profile)
    if max_attempts is None:
        max_attempts = DEFAULT_MAX_ATTEMPTS[mode]
    return RETRY_POLICIES[mode](max_attempts=max_attempts)


def _retry_mode_setting(environ: Mapping[str, str], files: SharedFiles, profile: str) -> str:
    from_env = environ.get("AWS_RETRY_MODE")
    mode = from_env or profile_value(files, profile, "retry_mode") or "standard"
    if mode not in RETRY_MODES:
        # botocore silently turns retries off for an unknown mode; a typo should not do that.
        source = "AWS_RETRY_MODE" if from_env else f"retry_mode in profile {profile!r}"
        raise ConfigError(
            f"Invalid retry mode {mode!r} from {source}: expected one of {', '.join(RETRY_MODES)}."
        )
    return mode


def _total_max_attempts(
    retries: Mapping[str, Any], environ: Mapping[str, str], files: SharedFiles, profile: str
) -> int | None:
    if "total_max_attempts" in retries:
        return int(retries["total_max_attempts"])
    if "max_attempts" in retries:
        return int(retries["max_attempts"]) + 1

    from_env = environ.get("AWS_MAX_ATTEMPTS")
    raw = from_env or profile_value(files, profile, "max_attempts")
    if raw is None:
        return None
    source = "AWS_MAX_ATTEMPTS" if from_env else f"max_attempts in profile {profile!r}"
    try:
        total = int(raw)
    except ValueError:
        total = 0
    if total < 1:
        raise ConfigError(
            f"Invalid {source} {raw!r}: expected the total number of attempts, "
            "an integer of 1 or more."
        )
    return total


def _check_retries(retries: Mapping[str, Any] | None) -> None:
    """Validate `Config.retries` as `botocore.config.Config` does, with clearer messages."""
    if retries is None:
        return
    for key, value in retries.items():
        if key not in RETRIES_KEYS:
            raise ConfigError(
                f"Invalid retries option {key!r}: expected one of {', '.join(RETRIES_KEYS)}."
            )
        if key == "mode" and value not in RETRY_MODES:
            raise ConfigError(
                f"Invalid retry mode {value!r}: expected one of {', '.join(RETRY_MODES)}."
            )
        if key == "max_attempts":
            _check_attempts(key, value, minimum=0, meaning="the number of retries")
        if key == "total_max_attempts":
            _check_attempts(key, value, minimum=1, meaning="the total number of attempts")


def _check_attempts(key: str, value: object, *, minimum: int, meaning: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            f"Invalid retries[{key!r}] {value!r}: expected {meaning}, "
            f"an integer of {minimum} or more."
        )


def _check_timeout(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigError(f"Invalid {name} {value!r}: expected a number of seconds above 0.")


def _resolve_appid(
    config: Config, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> str | None:
    return (
        config.user_agent_appid
        or environ.get("AWS_SDK_UA_APP_ID")
        or profile_value(files, profile, "sdk_ua_app_id")
    )


def _resolve_verify(
    verify: bool | str | None, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> bool | str:
    """Return the `verify=` argument, else the CA bundle path of `AWS_CA_BUNDLE` or `ca_bundle`.

    The bundle is only a path here; the httpx client options load it, for https only.
    """
    if verify is not None:
        return verify
    bundle = environ.get("AWS_CA_BUNDLE") or profile_value(files, profile, "ca_bundle")
    return bundle or True
