"""The provider interface and the errors several providers share."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ...exceptions import CredentialRetrievalError
from ..credentials import Credentials
from ..refresh import RefreshableCredentials, parse_timestamp

#: A provider's result: fixed credentials, or temporary ones that refresh themselves.
LoadedCredentials = Credentials | RefreshableCredentials


class CredentialProvider(Protocol):
    """One link of the chain.

    `load()` returns None when its source is not configured, so the chain
    moves on, and raises (CredentialRetrievalError, ConfigError) when the
    source is configured but fails, so the chain stops.
    """

    #: botocore's name for the provider, also the `method` of the credentials it returns.
    method: str

    def load(self) -> LoadedCredentials | None: ...


def partial_credentials_error(
    provider: str, missing: str, present: str
) -> CredentialRetrievalError:
    return CredentialRetrievalError(
        provider,
        f"partial credentials found: {present} is set but {missing} is missing or empty. "
        f"Set {missing}, or remove {present}.",
    )


def parse_expiration(provider: str, value: object, *, name: str = "Expiration") -> datetime:
    """Parse an expiry timestamp from a credential source, naming the source on failure."""
    if not isinstance(value, str):
        raise CredentialRetrievalError(
            provider, f"{name} must be an ISO 8601 string, got {type(value).__name__}."
        )
    try:
        return parse_timestamp(value, name=name)
    except ValueError as error:
        raise CredentialRetrievalError(provider, str(error)) from None
