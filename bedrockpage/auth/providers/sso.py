"""IAM Identity Center (SSO) and `aws login` profiles, which bedrockpage does not implement.

Both need a token cache written by the AWS CLI and a second AWS API, so a
profile configured for them stops the chain with an error that explains how
to get credentials with boto3. `credentials_from_botocore_session()` adapts
such a session for bedrockpage; it is called explicitly by the user, so
botocore is never imported here.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from ...config import SharedFiles
from ...exceptions import CredentialRetrievalError, NoCredentialsError
from ..credentials import Credentials
from ._base import LoadedCredentials
from ._profiles import full_profile

#: botocore 1.44's SSOProvider applies to profiles with either of these keys.
SSO_ROLE_KEYS = ("sso_role_name", "sso_account_id")
#: Keys that mark a profile as using IAM Identity Center in some form.
SSO_KEYS = ("sso_session", "sso_start_url", *SSO_ROLE_KEYS)


def _boto3_hint(profile: str) -> str:
    return (
        f"Create the credentials with boto3 and pass them in: "
        f"bedrockpage.auth.providers.credentials_from_botocore_session("
        f"boto3.Session(profile_name={profile!r}))."
    )


class SsoProvider:
    """Stops the chain for a profile with `sso_role_name` or `sso_account_id`."""

    method = "sso"

    def __init__(self, files: SharedFiles, profile: str) -> None:
        self._files = files
        self._profile = profile

    def load(self) -> LoadedCredentials | None:
        profile = full_profile(self._files, self._profile)
        if not any(key in profile for key in SSO_ROLE_KEYS):
            return None
        raise CredentialRetrievalError(
            self.method,
            f"profile {self._profile!r} uses IAM Identity Center (SSO), which bedrockpage does "
            f"not implement. Run `aws sso login --profile {self._profile}`, then "
            f"{_boto3_hint(self._profile)}",
        )


class LoginProvider:
    """Stops the chain for a profile with `login_session` (credentials from `aws login`)."""

    method = "login"

    def __init__(self, files: SharedFiles, profile: str) -> None:
        self._files = files
        self._profile = profile

    def load(self) -> LoadedCredentials | None:
        if "login_session" not in full_profile(self._files, self._profile):
            return None
        raise CredentialRetrievalError(
            self.method,
            f"profile {self._profile!r} uses console credentials from `aws login`, which "
            f"bedrockpage does not implement. Run `aws login --profile {self._profile}`, then "
            f"{_boto3_hint(self._profile)}",
        )


class _BotocoreSession(Protocol):
    def get_credentials(self) -> Any: ...


class BotocoreCredentials:
    """A `CredentialSource` backed by botocore's credential objects.

    botocore refreshes its own temporary credentials (SSO, login, anything in
    its chain), so every `get_frozen()` call requests a fresh snapshot from it.
    """

    def __init__(self, botocore_credentials: Any) -> None:
        self._botocore_credentials = botocore_credentials

    @property
    def method(self) -> str:
        return f"botocore:{getattr(self._botocore_credentials, 'method', None) or 'unknown'}"

    def get_frozen(self) -> Credentials:
        frozen = self._botocore_credentials.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token, method=self.method)

    async def get_frozen_async(self) -> Credentials:
        # A botocore refresh blocks on HTTP, so it runs in a worker thread.
        return await asyncio.to_thread(self.get_frozen)

    def __repr__(self) -> str:
        return f"BotocoreCredentials(method={self.method!r})"


def credentials_from_botocore_session(session: _BotocoreSession) -> BotocoreCredentials:
    """Wrap the credentials of a boto3 or botocore session for bedrockpage.

    Raises NoCredentialsError when the session has none.
    """
    botocore_credentials = session.get_credentials()
    if botocore_credentials is None:
        raise NoCredentialsError("The boto3/botocore session passed in found no credentials.")
    return BotocoreCredentials(botocore_credentials)
