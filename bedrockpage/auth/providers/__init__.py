"""Credential providers and botocore's default chain that tries them in order."""

from __future__ import annotations

from .chain import (
    default_chain,
    explicit_credentials,
    resolve_credential_source,
    resolve_credentials,
)
from .sso import credentials_from_botocore_session

__all__ = [
    "credentials_from_botocore_session",
    "default_chain",
    "explicit_credentials",
    "resolve_credential_source",
    "resolve_credentials",
]
