"""Credentials from STS AssumeRoleWithWebIdentity (EKS IRSA, GitHub Actions OIDC, ...).

Each setting is read from its environment variable first, then from the
profile: AWS_WEB_IDENTITY_TOKEN_FILE / `web_identity_token_file`,
AWS_ROLE_ARN / `role_arn`, AWS_ROLE_SESSION_NAME / `role_session_name`. The
environment is ignored when the profile was named explicitly and for source
profiles of an assumed role, as in botocore 1.44.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from ...config import SharedFiles
from ...exceptions import ConfigError, CredentialRetrievalError
from ..refresh import Clock, RefreshableCredentials, TemporaryCredentials, utc_now
from ._base import LoadedCredentials
from ._profiles import full_profile
from .sts import StsClient

logger = logging.getLogger("bedrockpage.auth.providers")

METHOD = "assume-role-with-web-identity"
_ENV_NAMES = {
    "web_identity_token_file": "AWS_WEB_IDENTITY_TOKEN_FILE",
    "role_arn": "AWS_ROLE_ARN",
    "role_session_name": "AWS_ROLE_SESSION_NAME",
}


class WebIdentityProvider:
    """Returns deferred credentials; the token file is read again on every refresh."""

    method = METHOD

    def __init__(
        self,
        *,
        environ: Mapping[str, str],
        files: SharedFiles,
        profile: str,
        sts: Callable[[], StsClient],
        disable_env_vars: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self._environ = environ
        self._files = files
        self._profile = profile
        self._sts = sts
        self._disable_env_vars = disable_env_vars
        self._clock = clock

    def load(self) -> LoadedCredentials | None:
        token_path = self._setting("web_identity_token_file")
        if not token_path:
            return None

        role_arn = self._setting("role_arn")
        if not role_arn:
            raise ConfigError(
                "The provided profile or the current environment is configured to assume role "
                "with web identity but has no role ARN configured: set role_arn in the profile "
                "or the AWS_ROLE_ARN environment variable."
            )

        params = {
            "RoleArn": role_arn,
            "RoleSessionName": self._setting("role_session_name")
            or f"bedrockpage-session-{int(self._clock().timestamp())}",
        }

        def refresh() -> TemporaryCredentials:
            call_params = {**params, "WebIdentityToken": _read_token(token_path)}
            return self._sts().assume_role_with_web_identity(call_params, provider=METHOD)

        logger.debug("Assuming role %s with the web identity token in %s", role_arn, token_path)
        return RefreshableCredentials(refresh, method=METHOD, clock=self._clock)

    def _setting(self, key: str) -> str | None:
        if not self._disable_env_vars:
            value = self._environ.get(_ENV_NAMES[key])
            if value is not None:
                return value
        return full_profile(self._files, self._profile).get(key)


def _read_token(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError as error:
        raise CredentialRetrievalError(
            METHOD,
            f"the web identity token file {path!r} could not be read ({error.strerror}); check "
            "AWS_WEB_IDENTITY_TOKEN_FILE or web_identity_token_file.",
        ) from None
