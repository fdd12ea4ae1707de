"""Credentials from STS AssumeRole for a profile with `role_arn`.

The source credentials come from `source_profile` (which may itself assume a
role, to any depth) or from `credential_source` (Environment,
Ec2InstanceMetadata or EcsContainer). The rules, including which
self-references are allowed, follow botocore 1.44's `AssumeRoleProvider`.
"""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Mapping, Sequence

from ...config import SharedFiles
from ...exceptions import ConfigError, CredentialRetrievalError
from ..credentials import Credentials
from ..refresh import Clock, RefreshableCredentials, RefreshFunction, TemporaryCredentials, utc_now
from ._base import CredentialProvider, LoadedCredentials
from ._profiles import full_profile, profile_exists
from .sts import StsClient

logger = logging.getLogger("bedrockpage.auth.providers")

METHOD = "assume-role"
#: `credential_source` values; botocore compares them case-sensitively.
CREDENTIAL_SOURCES = ("Environment", "Ec2InstanceMetadata", "EcsContainer")

#: Returns the providers that read a source profile's own credentials, in chain order.
ProfileChainFactory = Callable[[str], Sequence[CredentialProvider]]
#: Asks the user for an MFA code; receives the prompt text.
MfaPrompter = Callable[[str], str]


def has_role(profile: Mapping[str, str]) -> bool:
    """Return True for a profile that this provider handles.

    A profile that also sets `web_identity_token_file` belongs to the web identity provider.
    """
    return "role_arn" in profile and "web_identity_token_file" not in profile


def has_static_keys(profile: Mapping[str, str]) -> bool:
    return "aws_access_key_id" in profile or "aws_secret_access_key" in profile


def freeze(credentials: LoadedCredentials) -> Credentials:
    if isinstance(credentials, RefreshableCredentials):
        return credentials.get_frozen()
    return credentials


class AssumeRoleProvider:
    """Returns deferred credentials: STS is called on first use, not when the chain is built."""

    method = METHOD

    def __init__(
        self,
        *,
        files: SharedFiles,
        profile: str,
        sts: Callable[[], StsClient],
        credential_sources: Mapping[str, CredentialProvider],
        profile_chain: ProfileChainFactory,
        mfa_prompter: MfaPrompter = getpass.getpass,
        clock: Clock = utc_now,
    ) -> None:
        self._files = files
        self._profile = profile
        self._sts = sts
        self._credential_sources = credential_sources
        self._profile_chain = profile_chain
        self._mfa_prompter = mfa_prompter
        self._clock = clock

    def load(self) -> LoadedCredentials | None:
        if not has_role(full_profile(self._files, self._profile)):
            return None
        return self._assume_role(self._profile, visited=[self._profile])

    def _assume_role(self, profile_name: str, visited: list[str]) -> RefreshableCredentials:
        profile = full_profile(self._files, profile_name)
        self._validate_source(profile_name, profile, visited)
        source = self._source_credentials(profile_name, profile, visited)

        params = self._assume_role_params(profile_name, profile)
        mfa_serial = profile.get("mfa_serial")
        refresh = self._refresher(source, params, mfa_serial)

        logger.debug("Profile %r assumes role %s", profile_name, params["RoleArn"])
        return RefreshableCredentials(refresh, method=METHOD, clock=self._clock)

    def _assume_role_params(self, profile_name: str, profile: Mapping[str, str]) -> dict[str, str]:
        params = {"RoleArn": profile["role_arn"]}
        params["RoleSessionName"] = profile.get("role_session_name") or (
            f"bedrockpage-session-{int(self._clock().timestamp())}"
        )
        if profile.get("external_id") is not None:
            params["ExternalId"] = profile["external_id"]
        if profile.get("mfa_serial") is not None:
            params["SerialNumber"] = profile["mfa_serial"]

        duration = profile.get("duration_seconds")
        if duration is not None:
            try:
                params["DurationSeconds"] = str(int(duration))
            except ValueError:
                raise ConfigError(
                    f"Invalid duration_seconds {duration!r} in profile {profile_name!r}: expected "
                    "a whole number of seconds such as 3600."
                ) from None
        return params

    def _refresher(
        self, source: LoadedCredentials, params: Mapping[str, str], mfa_serial: str | None
    ) -> RefreshFunction:
        mfa_code_used = False

        def refresh() -> TemporaryCredentials:
            nonlocal mfa_code_used
            call_params = dict(params)
            if mfa_serial is not None:
                # An MFA code is valid once, so only the first call can use one (botocore
                # raises RefreshWithMFAUnsupportedError in the same case).
                if mfa_code_used:
                    raise CredentialRetrievalError(
                        METHOD,
                        f"credentials that need an MFA code ({mfa_serial}) cannot refresh; "
                        "create a new client to enter a new code.",
                    )
                mfa_code_used = True
                call_params["TokenCode"] = self._mfa_prompter(f"Enter MFA code for {mfa_serial}: ")
            return self._sts().assume_role(freeze(source), call_params, provider=METHOD)

        return refresh

    def _validate_source(
        self, profile_name: str, profile: Mapping[str, str], visited: list[str]
    ) -> None:
        source_profile = profile.get("source_profile")
        credential_source = profile.get("credential_source")

        if source_profile is not None and credential_source is not None:
            raise ConfigError(
                f'The profile "{profile_name}" contains both source_profile and '
                "credential_source: keep one of them."
            )
        if source_profile is None and credential_source is None:
            raise CredentialRetrievalError(
                METHOD,
                f'the profile "{profile_name}" has role_arn but neither source_profile nor '
                "credential_source: set one of them to say which credentials call AssumeRole.",
            )
        if credential_source is not None:
            if credential_source not in self._credential_sources:
                raise ConfigError(
                    f'The credential source "{credential_source}" referenced in profile '
                    f'"{profile_name}" is not valid: use one of {", ".join(CREDENTIAL_SOURCES)}.'
                )
            return

        assert source_profile is not None
        self._validate_source_profile(profile_name, source_profile, visited)

    def _validate_source_profile(
        self, profile_name: str, source_profile: str, visited: list[str]
    ) -> None:
        if not profile_exists(self._files, source_profile):
            raise ConfigError(
                f'The source_profile "{source_profile}" referenced in the profile '
                f'"{profile_name}" does not exist.'
            )
        if source_profile not in visited:
            return

        # A profile may name itself as source_profile when it also contains static keys,
        # because the keys then sign the AssumeRole call. Any other repeat is a cycle.
        is_self_reference = source_profile == profile_name
        if is_self_reference and has_static_keys(full_profile(self._files, source_profile)):
            return
        chain = " -> ".join([*visited, source_profile])
        raise ConfigError(
            f"Infinite loop in credential configuration detected: {chain}. Attempting to load "
            f'from profile "{source_profile}" which has already been visited.'
        )

    def _source_credentials(
        self, profile_name: str, profile: Mapping[str, str], visited: list[str]
    ) -> LoadedCredentials:
        credential_source = profile.get("credential_source")
        if credential_source is not None:
            return self._credentials_from_source(profile_name, credential_source)

        source_profile = profile["source_profile"]
        visited.append(source_profile)
        return self._credentials_from_profile(source_profile, visited)

    def _credentials_from_source(
        self, profile_name: str, credential_source: str
    ) -> LoadedCredentials:
        credentials = self._credential_sources[credential_source].load()
        if credentials is None:
            raise CredentialRetrievalError(
                credential_source,
                f"No credentials found in credential_source referenced in profile {profile_name}",
            )
        return credentials

    def _credentials_from_profile(self, profile_name: str, visited: list[str]) -> LoadedCredentials:
        profile = full_profile(self._files, profile_name)
        if has_static_keys(profile) or not has_role(profile):
            for provider in self._profile_chain(profile_name):
                credentials = provider.load()
                if credentials is not None:
                    return credentials
            raise ConfigError(
                f'The source profile "{profile_name}" must have credentials: add '
                "aws_access_key_id and aws_secret_access_key, credential_process or role_arn "
                "to it."
            )
        return self._assume_role(profile_name, visited)
