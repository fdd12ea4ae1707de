"""Choice between SigV4 and a Bedrock API key (HTTP bearer authentication).

Bedrock's service model lists two auth schemes, `aws.auth#sigv4` and
`smithy.api#httpBearerAuth`. botocore 1.39 and later (checked against 1.44.8,
`handlers._set_auth_scheme_preference_signer`) picks between them like this:

1. `auth_scheme_preference` (Config object, else `AWS_AUTH_SCHEME_PREFERENCE`,
   else the profile's `auth_scheme_preference`) reorders the service's schemes;
   the first one the service supports wins, and SigV4 is the default.
2. When `AWS_BEARER_TOKEN_BEDROCK` is set, bearer authentication wins anyway,
   unless the preference was set in code (a `Config` argument) and chose SigV4.
   Explicit access keys do not change that.

A `bearer_token=` client argument, which boto3 lacks, always selects bearer
authentication.

The profile key is read from the config file's profile overlaid with the credentials
file's section of the same name, as botocore merges them. Unlike botocore, an empty
token or one with whitespace or control characters raises `ConfigError` at client
creation: botocore sends `Authorization: Bearer ` with an empty token, and fails in
the HTTP library with the header value, token included, in the message.
"""

from collections.abc import Mapping
from typing import NamedTuple

from ..config import SharedFiles
from ..exceptions import ConfigError, NoCredentialsError

BEARER_TOKEN_ENV = "AWS_BEARER_TOKEN_BEDROCK"
PREFERENCE_ENV = "AWS_AUTH_SCHEME_PREFERENCE"
PREFERENCE_KEY = "auth_scheme_preference"

SIGV4 = "sigv4"
BEARER = "httpBearerAuth"
#: Bedrock's auth schemes in the service model's order, by their short names.
SERVICE_SCHEMES = (SIGV4, BEARER)


class AuthChoice(NamedTuple):
    """The selected scheme; `bearer_token` is set only for bearer authentication."""

    scheme: str
    bearer_token: str | None = None

    def __repr__(self) -> str:
        token = "<redacted>" if self.bearer_token is not None else None
        return f"AuthChoice(scheme={self.scheme!r}, bearer_token={token})"


def resolve_auth(
    *,
    bearer_token: str | None,
    preference_in_code: str | None,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
) -> AuthChoice:
    """Select the auth scheme for a client, as botocore does for Bedrock."""
    if bearer_token is not None:
        return _bearer(bearer_token, "the bearer_token argument")

    preference = preference_in_code
    if not preference:
        preference = environ.get(PREFERENCE_ENV) or _profile_preference(files, profile)
    scheme = preferred_scheme(preference)

    env_token = environ.get(BEARER_TOKEN_ENV)
    if env_token is not None and (scheme == BEARER or not preference_in_code):
        return _bearer(env_token, BEARER_TOKEN_ENV)

    if scheme == BEARER:
        raise NoCredentialsError(
            f"auth_scheme_preference {preference!r} selects httpBearerAuth, but no bearer "
            f"token is set: set {BEARER_TOKEN_ENV} or pass bearer_token=, or put sigv4 first."
        )
    return AuthChoice(SIGV4)


def preferred_scheme(preference: str | None) -> str:
    """Return the first of Bedrock's schemes in a comma-separated preference list.

    Whitespace inside names is dropped and unknown names are skipped, as in
    botocore; a list naming none of Bedrock's schemes leaves SigV4 first.
    """
    names = []
    for item in (preference or "").split(","):
        name = item.replace(" ", "").replace("\t", "")
        if name:
            names.append(name)

    for name in dict.fromkeys([*names, *SERVICE_SCHEMES]):
        if name in SERVICE_SCHEMES:
            return name
    return SIGV4


def _profile_preference(files: SharedFiles, profile: str) -> str | None:
    scoped = files.profile_config(profile)
    scoped.update(files.profile_credentials(profile))
    value = scoped.get(PREFERENCE_KEY)
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(
        f"Invalid {PREFERENCE_KEY} in profile {profile!r}: expected a comma-separated list "
        "such as 'httpBearerAuth,sigv4', found a nested block."
    )


def _bearer(token: str, source: str) -> AuthChoice:
    if not token:
        raise ConfigError(f"The bearer token from {source} is empty: set a Bedrock API key.")

    # Never echo the token: only the position of the first bad character is shown.
    for position, char in enumerate(token):
        if not (char.isascii() and char.isprintable()) or char == " ":
            raise ConfigError(
                f"The bearer token from {source} contains whitespace or a control or "
                f"non-ASCII character at position {position}: set the Bedrock API key "
                "exactly as issued, without spaces or line breaks."
            )
    return AuthChoice(BEARER, token)
