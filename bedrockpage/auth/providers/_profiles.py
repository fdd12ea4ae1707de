"""Profile lookups shared by the providers.

botocore's providers read two views of a profile. The "full" view is the
config-file profile updated with the same-named section of the credentials
file (botocore's `session.full_config`); assume-role, web identity, SSO and
`credential_process` read it, so `role_arn` or `credential_process` work in
either file. The config-file provider reads the config file alone and the
shared-credentials-file provider reads the credentials file alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...config import Section, SharedFiles
from ...exceptions import ConfigError


def plain_values(section: Section) -> dict[str, str]:
    """Drop nested blocks (`s3 =` followed by indented lines), which are never credentials."""
    return {key: value for key, value in section.items() if isinstance(value, str)}


def full_profile(files: SharedFiles, profile: str) -> dict[str, str]:
    merged = plain_values(files.profile_config(profile))
    merged.update(plain_values(files.profile_credentials(profile)))
    return merged


def profile_exists(files: SharedFiles, profile: str) -> bool:
    """Return True when either file has a section for `profile`, even an empty one."""
    config_sections = files.config_sections()
    if f"profile {profile}" in config_sections:
        return True
    if profile == "default" and "default" in config_sections:
        return True
    return profile in files.credentials_sections()


def setting(
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
    *,
    env_name: str,
    config_key: str,
) -> str | None:
    """Return a setting from the environment, else from the profile of the config file."""
    value = environ.get(env_name)
    if value is not None:
        return value
    config_value = files.profile_config(profile).get(config_key)
    return config_value if isinstance(config_value, str) else None


def int_setting(
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
    *,
    env_name: str,
    config_key: str,
    default: int,
) -> int:
    value = setting(environ, files, profile, env_name=env_name, config_key=config_key)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(
            f"Invalid value {value!r} for {env_name} / {config_key}: expected a whole number."
        ) from None


def bool_setting(
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
    *,
    env_name: str,
    config_key: str,
) -> bool:
    value = setting(environ, files, profile, env_name=env_name, config_key=config_key)
    if value is None:
        return False
    # botocore's ensure_boolean: any value other than "true" (any case) is false.
    return value.lower() == "true"
