"""The error hierarchy, shaped like botocore's so `except` clauses port unchanged.

Every exception the package raises on purpose derives from `BedrockPageError`.
Messages name the offending value and what to do about it; none of them ever
carries a secret (secret key, session token, bearer token, Authorization).
"""

from __future__ import annotations

from typing import Any


class BedrockPageError(Exception):
    """Base class of every error bedrockpage raises on purpose."""


class ClientClosedError(BedrockPageError, RuntimeError):
    """A call on a client after `close()` or after its `with` block ended."""

    def __init__(self) -> None:
        super().__init__(
            "This client is closed, so it cannot send requests. Create a new one with "
            "bedrockpage.client(...) or keep calls inside its `with` block."
        )


class ParamValidationError(BedrockPageError, ValueError):
    """Invalid input, rejected before any request is sent."""

    def __init__(self, report: str) -> None:
        super().__init__(f"Parameter validation failed:\n{report}")
        self.report = report


class PaginationError(BedrockPageError):
    """The pagination state cannot continue: a bad token, a token cycle, a bad config."""

    def __init__(self, message: str) -> None:
        super().__init__(f"Error during pagination: {message}")
        self.message = message


class NoRegionError(BedrockPageError):
    """No region was given and none was found in the environment or config file."""

    def __init__(self) -> None:
        super().__init__(
            "You must specify a region: pass region_name=..., set AWS_REGION or "
            "AWS_DEFAULT_REGION, or set region in the profile of ~/.aws/config."
        )


class NoCredentialsError(BedrockPageError):
    """No credentials were found by any provider of the chain."""

    def __init__(self, detail: str = "") -> None:
        message = (
            "Unable to locate credentials: pass aws_access_key_id and aws_secret_access_key, "
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile in "
            "~/.aws/credentials."
        )
        super().__init__(f"{message} {detail}".strip())


class ConfigError(BedrockPageError):
    """A configuration value (environment variable, config file key, argument) is invalid."""


class CredentialRetrievalError(BedrockPageError):
    """A credential provider was configured but failed to return credentials."""

    def __init__(self, provider: str, error_msg: str) -> None:
        super().__init__(f"Error when retrieving credentials from {provider}: {error_msg}")
        self.provider = provider
        self.error_msg = error_msg


class HTTPClientError(BedrockPageError):
    """The request could not be completed at the HTTP level (no service error response)."""

    def __init__(self, message: str, *, url: str = "", error: BaseException | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.error = error


class EndpointConnectionError(HTTPClientError):
    """The connection to the endpoint failed (refused, reset, DNS failure)."""


class ConnectTimeoutError(EndpointConnectionError):
    """Connecting to the endpoint timed out."""


class ReadTimeoutError(HTTPClientError):
    """The endpoint did not send the response in time."""


class ConnectionClosedError(HTTPClientError):
    """The endpoint closed the connection before the whole response arrived."""


class ResponseParserError(HTTPClientError):
    """A response body could not be parsed (truncated JSON, HTML from a proxy, wrong shape)."""


class ClientError(BedrockPageError):
    """The service returned an error response.

    `response` has botocore's shape: `{"Error": {"Code", "Message"}, "ResponseMetadata": {...}}`.
    """

    def __init__(self, error_response: dict[str, Any], operation_name: str) -> None:
        error = error_response.get("Error", {})
        retry_info = self._retry_suffix(error_response)
        message = (
            f"An error occurred ({error.get('Code', 'Unknown')}) when calling the "
            f"{operation_name} operation{retry_info}: {error.get('Message', 'Unknown')}"
        )
        super().__init__(message)
        self.response = error_response
        self.operation_name = operation_name

    @staticmethod
    def _retry_suffix(error_response: dict[str, Any]) -> str:
        attempts = error_response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        if attempts and error_response.get("ResponseMetadata", {}).get("MaxAttemptsReached"):
            return f" (reached max retries: {attempts})"
        return ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.response, self.operation_name))


class ValidationException(ClientError):
    """The service rejected the request's input (HTTP 400)."""


class AccessDeniedException(ClientError):
    """The caller is not allowed to list model customization jobs (HTTP 403)."""


class ThrottlingException(ClientError):
    """The request rate is over the account's quota (HTTP 429)."""


class InternalServerException(ClientError):
    """The service failed while handling the request (HTTP 500)."""


#: Error codes modeled for ListModelCustomizationJobs, mapped to their classes.
MODELED_ERRORS: dict[str, type[ClientError]] = {
    cls.__name__: cls
    for cls in (
        ValidationException,
        AccessDeniedException,
        ThrottlingException,
        InternalServerException,
    )
}


_ClientErrorBase = ClientError


class ClientExceptions:
    """The `client.exceptions` namespace: modeled errors plus `ClientError`."""

    ClientError = ClientError
    ValidationException = ValidationException
    AccessDeniedException = AccessDeniedException
    ThrottlingException = ThrottlingException
    InternalServerException = InternalServerException

    def from_code(self, error_code: str) -> type[_ClientErrorBase]:
        """Return the class raised for `error_code`, `ClientError` for unmodeled codes."""
        return MODELED_ERRORS.get(error_code, ClientError)
