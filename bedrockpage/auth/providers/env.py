"""Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and friends."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ...exceptions import CredentialRetrievalError
from ..credentials import Credentials
from ..refresh import Clock, RefreshableCredentials, TemporaryCredentials, utc_now
from ._base import LoadedCredentials, parse_expiration, partial_credentials_error

logger = logging.getLogger("bedrockpage.auth.providers")

ACCESS_KEY = "AWS_ACCESS_KEY_ID"
SECRET_KEY = "AWS_SECRET_ACCESS_KEY"
#: botocore reads the older AWS_SECURITY_TOKEN first; the first non-empty one wins.
TOKEN_NAMES = ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN")
EXPIRATION = "AWS_CREDENTIAL_EXPIRATION"


class EnvProvider:
    """Credentials from environment variables; with AWS_CREDENTIAL_EXPIRATION they refresh.

    A refresh reads the variables again, because a supervisor process may
    rewrite them (botocore does the same).
    """

    method = "env"

    def __init__(self, environ: Mapping[str, str], *, clock: Clock = utc_now) -> None:
        self._environ = environ
        self._clock = clock

    def load(self) -> LoadedCredentials | None:
        if not self._environ.get(ACCESS_KEY, ""):
            return None

        logger.info("Found credentials in environment variables.")
        fetched = self._fetch(require_expiry=False)
        if fetched.expiry_time is None:
            return fetched.credentials

        return RefreshableCredentials(
            lambda: self._fetch(require_expiry=True),
            method=self.method,
            initial=fetched,
            clock=self._clock,
        )

    def _fetch(self, *, require_expiry: bool) -> TemporaryCredentials:
        access_key = self._environ.get(ACCESS_KEY, "")
        if not access_key:
            # Only a refresh gets here: load() checked the variable first.
            raise CredentialRetrievalError(
                self.method, f"{ACCESS_KEY} is no longer set, so the credentials cannot refresh."
            )

        secret_key = self._environ.get(SECRET_KEY, "")
        if not secret_key:
            raise partial_credentials_error(self.method, SECRET_KEY, ACCESS_KEY)

        token = next((self._environ[name] for name in TOKEN_NAMES if self._environ.get(name)), None)

        expiration = self._environ.get(EXPIRATION, "")
        if require_expiry and not expiration:
            raise partial_credentials_error(self.method, EXPIRATION, ACCESS_KEY)

        credentials = Credentials(access_key, secret_key, token, method=self.method)
        expiry_time = (
            parse_expiration(self.method, expiration, name=EXPIRATION) if expiration else None
        )
        return TemporaryCredentials(credentials, expiry_time)
