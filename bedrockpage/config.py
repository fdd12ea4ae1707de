"""Settings from arguments, the environment and the shared AWS files.

The precedence is botocore's: an explicit argument wins over the environment,
which wins over the profile in the shared config file. The shared files are
read lazily and at most once per `SharedFiles` object, because most Lambda
functions get everything from the environment and never need them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .exceptions import ConfigError, NoRegionError

if TYPE_CHECKING:
    import ssl

DEFAULT_CONFIG_FILE = "~/.aws/config"
DEFAULT_CREDENTIALS_FILE = "~/.aws/credentials"

#: A parsed section: plain keys map to strings, nested blocks (`s3 =` followed by
#: indented `key = value` lines) map to dicts.
Section = dict[str, "str | dict[str, str]"]


def _parse_ini(path: str) -> dict[str, Section]:
    """Read an AWS-style ini file; a missing file reads as empty."""
    expanded = os.path.expanduser(path)
    if not os.path.isfile(expanded):
        return {}

    # Imported here: with no shared files (Lambda, containers) it is never needed.
    import configparser

    parser = configparser.RawConfigParser()
    try:
        parser.read(expanded, encoding="utf-8")
    except configparser.Error as error:
        raise ConfigError(f"Unable to parse config file {expanded}: {error}") from error

    return {name: _parse_section(parser.items(name)) for name in parser.sections()}


def _parse_section(items: list[tuple[str, str]]) -> Section:
    section: Section = {}
    for key, value in items:
        if value.startswith("\n"):
            section[key] = _parse_nested(value)
        else:
            section[key] = value
    return section


def _parse_nested(value: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in value.splitlines():
        if not line.strip():
            continue
        key, sep, nested_value = line.partition("=")
        if not sep:
            raise ConfigError(
                f"Unable to parse nested config line {line.strip()!r}: expected key = value"
            )
        nested[key.strip()] = nested_value.strip()
    return nested


class SharedFiles:
    """The shared config and credentials files, read on first use.

    Paths come from `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` when set.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ
        self._config: dict[str, Section] | None = None
        self._credentials: dict[str, Section] | None = None

    def __repr__(self) -> str:
        return (
            f"SharedFiles(config_path={self.config_path!r}, "
            f"credentials_path={self.credentials_path!r})"
        )

    @property
    def config_path(self) -> str:
        return self.environ.get("AWS_CONFIG_FILE", DEFAULT_CONFIG_FILE)

    @property
    def credentials_path(self) -> str:
        return self.environ.get("AWS_SHARED_CREDENTIALS_FILE", DEFAULT_CREDENTIALS_FILE)

    def config_sections(self) -> dict[str, Section]:
        if self._config is None:
            self._config = _parse_ini(self.config_path)
        return self._config

    def credentials_sections(self) -> dict[str, Section]:
        if self._credentials is None:
            self._credentials = _parse_ini(self.credentials_path)
        return self._credentials

    def profile_config(self, profile: str) -> Section:
        """Return the `[profile NAME]` section (or `[default]`) of the config file."""
        sections = self.config_sections()
        if profile == "default":
            merged = dict(sections.get("default", {}))
            merged.update(sections.get("profile default", {}))
            return merged
        return dict(sections.get(f"profile {profile}", {}))

    def profile_credentials(self, profile: str) -> Section:
        """Return the `[NAME]` section of the credentials file."""
        return dict(self.credentials_sections().get(profile, {}))

    def section(self, kind: str, name: str) -> Section:
        """Return a typed section of the config file, such as `[services NAME]`."""
        return dict(self.config_sections().get(f"{kind} {name}", {}))

    def has_profile(self, profile: str) -> bool:
        return bool(self.profile_config(profile)) or profile in self.credentials_sections()


def resolve_profile_name(profile: str | None, environ: Mapping[str, str]) -> str:
    """Return the active profile: the argument, `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, `default`.

    botocore 1.44 reads AWS_DEFAULT_PROFILE before AWS_PROFILE, so the older name wins.
    """
    return profile or environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE") or "default"


def profile_value(files: SharedFiles, profile: str, key: str) -> str | None:
    """Return a plain string key of the profile's config section, if set."""
    value = files.profile_config(profile).get(key)
    return value if isinstance(value, str) else None


def resolve_region(
    region_name: str | None, profile: str, files: SharedFiles, environ: Mapping[str, str]
) -> str:
    """Return the region from the argument, `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile."""
    region = (
        region_name
        or environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or profile_value(files, profile, "region")
    )
    if not region:
        raise NoRegionError()
    return region


def parse_bool(name: str, value: str | bool | None) -> bool | None:
    """Parse a boolean setting the way botocore does: `true`/`false`, case-insensitive."""
    if value is None or isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ConfigError(f"Invalid value {value!r} for {name}: expected true or false.")


def tls_verification(verify: str | bool) -> ssl.SSLContext | bool:
    """Turn `verify=` into httpx's form: a bool, or an SSL context for a CA bundle.

    httpx 0.28 and later deprecate a path string in `verify=`. A directory is
    loaded as a CA path, anything else as a PEM file of CA certificates.
    """
    if isinstance(verify, bool):
        return verify

    import ssl

    try:
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(
            f"Invalid CA bundle {verify!r} (from verify=, AWS_CA_BUNDLE or ca_bundle): {error}. "
            "Point it at a readable PEM file of CA certificates."
        ) from None
