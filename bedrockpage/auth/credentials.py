"""Credential values and the provider chain that finds them."""

from typing import NamedTuple


class Credentials(NamedTuple):
    """An access key pair with an optional session token.

    The repr shows only the access key id; the secret key and the session
    token never appear in reprs, logs or error messages.
    """

    access_key: str
    secret_key: str = ""
    token: str | None = None
    #: Which provider found these credentials ("explicit", "env", "shared-credentials-file", ...).
    method: str = "explicit"

    def __repr__(self) -> str:
        token = ", token=<redacted>" if self.token else ""
        return (
            f"Credentials(access_key={self.access_key!r}, secret_key=<redacted>{token}, "
            f"method={self.method!r})"
        )

    def __str__(self) -> str:
        return self.__repr__()
