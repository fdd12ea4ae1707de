"""The default credential provider chain, in botocore 1.44's order.

`create_credential_resolver` in botocore/credentials.py builds, for the
active profile:

    env, assume-role,
    assume-role-with-web-identity, sso, shared-credentials-file, login,
    custom-process, config-file,
    ec2-credentials-file, boto-config, container-role, iam-role

and drops `env` when the profile was named explicitly (botocore: a Session
created with `profile=`), so the named profile is not shadowed by stray
environment keys. The first provider that returns credentials wins; a
provider that is configured but fails stops the chain with its error.
"""

from __future__ import annotations

import getpass
import logging
import os
import time
from collections.abc import Callable, Mapping

from ...config import SharedFiles, resolve_profile_name
from ...exceptions import ConfigError, CredentialRetrievalError, NoCredentialsError
from ..credentials import Credentials
from ..refresh import Clock, CredentialSource, RefreshableCredentials, StaticCredentials, utc_now
from ._base import CredentialProvider, LoadedCredentials
from ._http import HttpOption, as_sender
from ._profiles import full_profile, profile_exists, setting
from .assume_role import AssumeRoleProvider, MfaPrompter
from .container import ECS_BASE_URL, ContainerProvider
from .env import EnvProvider
from .files import (
    BotoConfigProvider,
    ConfigFileProvider,
    Ec2CredentialsFileProvider,
    SharedCredentialsFileProvider,
)
from .imds import InstanceMetadataProvider, metadata_disabled
from .process import ProcessProvider, RunCommand, run_command
from .sso import SSO_KEYS, LoginProvider, SsoProvider
from .sts import StsClient, resolve_sts_endpoint
from .web_identity import WebIdentityProvider

logger = logging.getLogger("bedrockpage.auth.providers")


def explicit_credentials(
    aws_access_key_id: str | None,
    aws_secret_access_key: str | None,
    aws_session_token: str | None = None,
) -> Credentials | None:
    """Return credentials passed as arguments, or None when neither key was passed.

    As in botocore, a session token without both keys is ignored, and one
    key without the other is an error.
    """
    if aws_access_key_id is not None and aws_secret_access_key is not None:
        return Credentials(aws_access_key_id, aws_secret_access_key, aws_session_token)

    if aws_access_key_id is None and aws_secret_access_key is None:
        if aws_session_token is not None:
            logger.debug("Ignoring aws_session_token passed without an access key pair.")
        return None

    missing = "aws_secret_access_key" if aws_access_key_id is not None else "aws_access_key_id"
    present = "aws_access_key_id" if aws_access_key_id is not None else "aws_secret_access_key"
    raise CredentialRetrievalError(
        "explicit",
        f"partial credentials found: {present} was passed without {missing}. Pass both, or "
        "neither to use the default credential chain.",
    )


def default_chain(
    *,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile_name: str,
    explicit_profile: bool,
    http: HttpOption = None,
    region: str | None = None,
    sts_endpoint_url: str | None = None,
    clock: Clock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    mfa_prompter: MfaPrompter = getpass.getpass,
    run: RunCommand = run_command,
    container_base_url: str = ECS_BASE_URL,
) -> list[CredentialProvider]:
    """Build the providers for `profile_name` in botocore's order.

    `region` is the region of the client being created; STS calls go to its
    regional endpoint unless `sts_endpoint_url` or AWS_ENDPOINT_URL_STS sets
    another. `container_base_url` is where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
    is sent (botocore always uses http://169.254.170.2). Building the chain
    sends no request, but invalid instance metadata settings raise ConfigError
    here, as they do in botocore.
    """
    sender = as_sender(http)
    ca_bundle = setting(
        environ, files, profile_name, env_name="AWS_CA_BUNDLE", config_key="ca_bundle"
    )

    def sts_client() -> StsClient:
        endpoint = resolve_sts_endpoint(
            environ=environ,
            files=files,
            profile=profile_name,
            region=region,
            endpoint_url=sts_endpoint_url,
        )
        return StsClient(sender, endpoint, verify=ca_bundle or True, clock=clock, sleep=sleep)

    def profile_providers(name: str, disable_env_vars: bool) -> list[CredentialProvider]:
        return [
            WebIdentityProvider(
                environ=environ,
                files=files,
                profile=name,
                sts=sts_client,
                disable_env_vars=disable_env_vars,
                clock=clock,
            ),
            SsoProvider(files, name),
            SharedCredentialsFileProvider(files, name),
            LoginProvider(files, name),
            ProcessProvider(files, name, run=run, clock=clock),
            ConfigFileProvider(files, name),
        ]

    env = EnvProvider(environ, clock=clock)
    container = ContainerProvider(
        environ, sender, sleep=sleep, clock=clock, base_url=container_base_url
    )
    instance_metadata = InstanceMetadataProvider(environ, files, profile_name, sender, clock=clock)
    assume_role = AssumeRoleProvider(
        files=files,
        profile=profile_name,
        sts=sts_client,
        credential_sources={
            "Environment": env,
            "Ec2InstanceMetadata": instance_metadata,
            "EcsContainer": container,
        },
        profile_chain=lambda name: profile_providers(name, True),
        mfa_prompter=mfa_prompter,
        clock=clock,
    )

    providers: list[CredentialProvider] = [
        env,
        assume_role,
        *profile_providers(profile_name, explicit_profile),
        Ec2CredentialsFileProvider(environ),
        BotoConfigProvider(environ),
        container,
        instance_metadata,
    ]
    if explicit_profile:
        providers.remove(env)
        logger.debug("Skipping environment variable credentials: a profile was named explicitly.")
    return providers


def as_credential_source(credentials: LoadedCredentials) -> CredentialSource:
    if isinstance(credentials, RefreshableCredentials):
        return credentials
    return StaticCredentials(credentials)


def resolve_credential_source(
    *,
    aws_access_key_id: str | None = None,
    aws_secret_access_key: str | None = None,
    aws_session_token: str | None = None,
    profile_name: str | None = None,
    region: str | None = None,
    environ: Mapping[str, str] | None = None,
    files: SharedFiles | None = None,
    http: HttpOption = None,
    sts_endpoint_url: str | None = None,
    clock: Clock = utc_now,
    sleep: Callable[[float], None] = time.sleep,
    mfa_prompter: MfaPrompter = getpass.getpass,
    run: RunCommand = run_command,
    container_base_url: str = ECS_BASE_URL,
) -> CredentialSource:
    """Find credentials: explicit arguments first, then the default chain.

    Returns a source to keep for the life of a client: call `get_frozen()`
    (or `await get_frozen_async()`) before signing each request, so temporary
    credentials refresh before they expire. Raises NoCredentialsError when no
    provider has credentials, and ConfigError for a named profile that
    neither shared file contains.
    """
    explicit = explicit_credentials(aws_access_key_id, aws_secret_access_key, aws_session_token)
    if explicit is not None:
        return StaticCredentials(explicit)

    environ = os.environ if environ is None else environ
    files = SharedFiles(environ) if files is None else files
    profile = resolve_profile_name(profile_name, environ)
    if profile != "default" and not profile_exists(files, profile):
        raise ConfigError(
            f"The config profile ({profile}) could not be found in {files.config_path} or "
            f"{files.credentials_path}."
        )

    providers = default_chain(
        environ=environ,
        files=files,
        profile_name=profile,
        explicit_profile=profile_name is not None,
        http=http,
        region=region,
        sts_endpoint_url=sts_endpoint_url,
        clock=clock,
        sleep=sleep,
        mfa_prompter=mfa_prompter,
        run=run,
        container_base_url=container_base_url,
    )
    for provider in providers:
        logger.debug("Looking for credentials via: %s", provider.method)
        loaded = provider.load()
        if loaded is not None:
            logger.info("Found credentials via %s for profile %r", provider.method, profile)
            return as_credential_source(loaded)

    raise NoCredentialsError(
        _missing_credentials_hint(environ, files, profile, explicit=profile_name is not None)
    )


def resolve_credentials(**kwargs: object) -> Credentials:
    """Return a `Credentials` snapshot from `resolve_credential_source(**kwargs)`.

    For a one-off request. A long-lived client keeps the source instead,
    because a snapshot of temporary credentials stops working when they expire.
    """
    return resolve_credential_source(**kwargs).get_frozen()  # type: ignore[arg-type]


def _missing_credentials_hint(
    environ: Mapping[str, str], files: SharedFiles, profile: str, *, explicit: bool
) -> str:
    hints = [
        f"Searched the environment, profile {profile!r} of {files.config_path} and "
        f"{files.credentials_path}, container and instance metadata."
    ]
    if explicit and environ.get("AWS_ACCESS_KEY_ID"):
        hints.append(
            "AWS_ACCESS_KEY_ID was ignored because the profile was named explicitly; "
            "add keys to the profile or do not pass profile_name."
        )
    if any(key in full_profile(files, profile) for key in SSO_KEYS):
        hints.append(
            f"Profile {profile!r} has SSO settings but no sso_account_id and sso_role_name; "
            "bedrockpage does not implement SSO, so use "
            "bedrockpage.auth.providers.credentials_from_botocore_session()."
        )
    if metadata_disabled(environ):
        hints.append("Instance metadata was skipped because AWS_EC2_METADATA_DISABLED is true.")
    return " ".join(hints)
