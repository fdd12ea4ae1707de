"""Static access keys from files: the shared credentials and config files, and two legacy files."""

from __future__ import annotations

import configparser
import logging
import os
from collections.abc import Mapping

from ...config import SharedFiles
from ...exceptions import ConfigError
from ..credentials import Credentials
from ._base import LoadedCredentials, partial_credentials_error
from ._profiles import plain_values

logger = logging.getLogger("bedrockpage.auth.providers")

ACCESS_KEY = "aws_access_key_id"
SECRET_KEY = "aws_secret_access_key"
#: Same order as the environment: the older aws_security_token wins when both are present.
TOKEN_KEYS = ("aws_security_token", "aws_session_token")


def _static_credentials(section: Mapping[str, str], method: str) -> Credentials | None:
    """Build credentials from a profile section that has `aws_access_key_id`, as botocore does.

    A key that is present but empty still counts as present.
    """
    if ACCESS_KEY not in section:
        return None
    if SECRET_KEY not in section:
        raise partial_credentials_error(method, SECRET_KEY, ACCESS_KEY)

    token = next((section[key] for key in TOKEN_KEYS if key in section), None)
    return Credentials(section[ACCESS_KEY], section[SECRET_KEY], token, method=method)


class SharedCredentialsFileProvider:
    """Keys from the profile's section of ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE)."""

    method = "shared-credentials-file"

    def __init__(self, files: SharedFiles, profile: str) -> None:
        self._files = files
        self._profile = profile

    def load(self) -> LoadedCredentials | None:
        section = self._files.credentials_sections().get(self._profile)
        if section is None:
            return None

        credentials = _static_credentials(plain_values(section), self.method)
        if credentials is not None:
            logger.info(
                "Found credentials in shared credentials file: %s", self._files.credentials_path
            )
        return credentials


class ConfigFileProvider:
    """Keys from the profile's section of ~/.aws/config (AWS_CONFIG_FILE)."""

    method = "config-file"

    def __init__(self, files: SharedFiles, profile: str) -> None:
        self._files = files
        self._profile = profile

    def load(self) -> LoadedCredentials | None:
        section = plain_values(self._files.profile_config(self._profile))
        credentials = _static_credentials(section, self.method)
        if credentials is not None:
            logger.info("Found credentials in config file: %s", self._files.config_path)
        return credentials


class Ec2CredentialsFileProvider:
    """Keys from the file named by AWS_CREDENTIAL_FILE, the format of the old EC2 API tools.

    The file has `AWSAccessKeyId=...` and `AWSSecretKey=...` lines and no session token.
    """

    method = "ec2-credentials-file"

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def load(self) -> LoadedCredentials | None:
        if "AWS_CREDENTIAL_FILE" not in self._environ:
            return None

        path = os.path.expanduser(self._environ["AWS_CREDENTIAL_FILE"])
        values = _read_key_value_file(path)
        if "AWSAccessKeyId" not in values:
            return None
        if "AWSSecretKey" not in values:
            raise partial_credentials_error(self.method, "AWSSecretKey", "AWSAccessKeyId")

        logger.info("Found credentials in AWS_CREDENTIAL_FILE.")
        return Credentials(values["AWSAccessKeyId"], values["AWSSecretKey"], method=self.method)


def _read_key_value_file(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as file:
            contents = file.read()
    except OSError as error:
        raise ConfigError(
            f"The file {path!r} named by AWS_CREDENTIAL_FILE could not be read "
            f"({error.strerror}): fix the path or unset AWS_CREDENTIAL_FILE."
        ) from None

    values: dict[str, str] = {}
    for line in contents.splitlines():
        key, separator, value = line.partition("=")
        if separator:
            values[key.strip()] = value.strip()
    return values


class BotoConfigProvider:
    """Keys from the [Credentials] section of a boto 2 config file.

    The file is BOTO_CONFIG when set, else the first of /etc/boto.cfg and ~/.boto that exists
    with keys.
    """

    method = "boto-config"
    DEFAULT_PATHS = ("/etc/boto.cfg", "~/.boto")

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def load(self) -> LoadedCredentials | None:
        if "BOTO_CONFIG" in self._environ:
            candidates: tuple[str, ...] = (self._environ["BOTO_CONFIG"],)
        else:
            candidates = self.DEFAULT_PATHS

        for candidate in candidates:
            path = os.path.expanduser(os.path.expandvars(candidate))
            if not os.path.isfile(path):
                continue
            section = _read_ini_section(path, "Credentials")
            credentials = _static_credentials(section, self.method)
            if credentials is not None:
                logger.info("Found credentials in boto config file: %s", path)
                # The boto 2 format has no session token.
                return Credentials(
                    credentials.access_key, credentials.secret_key, method=self.method
                )
        return None


def _read_ini_section(path: str, name: str) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ConfigError(f"Unable to parse config file {path}: {error}") from None
    if not parser.has_section(name):
        return {}
    return dict(parser.items(name))
