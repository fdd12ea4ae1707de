"""botocore's pagination token format, byte for byte.

A token is `base64(json.dumps(state))` with json's default separators, where
`state` maps each input token name to the service's token value and may carry:

- `boto_truncate_amount`: how many items of the page fetched with that state
  were already delivered (a resume point in the middle of a page);
- `boto_encoded_keys`: paths of values that were `bytes` and are stored as
  base64 text, so the JSON stays valid.

Tokens in this format move freely between boto3, the AWS CLI and bedrockpage.
Older botocore releases wrote `token1___token2___N`; those are still read.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from ..exceptions import PaginationError

TRUNCATE_AMOUNT_KEY = "boto_truncate_amount"
ENCODED_KEYS_KEY = "boto_encoded_keys"
LEGACY_SEPARATOR = "___"

Path = list[Any]


def encode_token(state: dict[str, Any]) -> str:
    """Encode a pagination state exactly as botocore's `TokenEncoder` does."""
    try:
        json_string = json.dumps(state)
    except (TypeError, UnicodeDecodeError):
        encoded_state, encoded_paths = _encode_bytes(state, [])
        encoded_state[ENCODED_KEYS_KEY] = encoded_paths
        json_string = json.dumps(encoded_state)
    return base64.b64encode(json_string.encode("utf-8")).decode("utf-8")


def _encode_bytes(data: Any, path: Path) -> tuple[Any, list[Path]]:
    """Replace every bytes value below `data` with base64 text, collecting their paths."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)  # type: ignore[assignment]
    elif isinstance(data, bytes):
        return base64.b64encode(data).decode("utf-8"), [path]
    else:
        return data, []

    encoded_paths: list[Path] = []
    converted = {}
    for key, value in items:
        new_value, paths = _encode_bytes(value, [*path, key])
        converted[key] = new_value
        encoded_paths.extend(paths)

    if isinstance(data, list):
        return list(converted.values()), encoded_paths
    return converted, encoded_paths


class StartingPoint(NamedTuple):
    """The start of a paginated run: service tokens plus items to skip on the first page."""

    tokens: dict[str, Any]
    truncate_amount: int
    #: True when the token points into the middle of a page (it carried a truncation amount).
    mid_page: bool


def decode_starting_token(token: str, input_tokens: Sequence[str]) -> StartingPoint:
    """Decode a `StartingToken` and check it against the paginator's input tokens.

    A string that is not botocore's format (not base64 JSON of an object) is a
    raw service token, as botocore treats it: people paste `nextToken` values.
    A botocore-format token is validated completely here, before any request,
    so a bad one never costs a page.
    """
    if not isinstance(token, str):
        raise PaginationError(
            f"StartingToken must be a string, got {type(token).__name__}: {token!r}."
        )

    state = _decode_json_state(token)
    if state is None:
        return _parse_legacy_token(token, input_tokens)
    return _validate_state(token, state, input_tokens)


def _decode_json_state(token: str) -> dict[str, Any] | None:
    """Return the decoded state, or None when the token is not botocore's JSON format."""
    try:
        raw = base64.b64decode(token.encode("utf-8"))
        state = json.loads(raw.decode("utf-8"))
    except (ValueError, TypeError, binascii.Error):
        return None
    if not isinstance(state, dict):
        # NOTE: botocore fails with AttributeError on base64 JSON that is not an
        # object; treating it as a raw service token is the only useful reading.
        return None
    return state


def _validate_state(
    token: str, state: dict[str, Any], input_tokens: Sequence[str]
) -> StartingPoint:
    encoded_paths = state.pop(ENCODED_KEYS_KEY, None)
    if encoded_paths is not None:
        _decode_encoded_paths(token, state, encoded_paths)

    has_amount = TRUNCATE_AMOUNT_KEY in state
    amount = state.pop(TRUNCATE_AMOUNT_KEY, 0)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise PaginationError(
            f"Invalid StartingToken {_excerpt(token)}: {TRUNCATE_AMOUNT_KEY} must be a "
            f"non-negative integer, got {amount!r}. Use a token returned by a paginator."
        )

    if sorted(state) != sorted(input_tokens):
        raise PaginationError(
            f"Invalid StartingToken {_excerpt(token)}: it decodes to a paginator token with "
            f"keys {sorted(state)}, but this operation expects {sorted(input_tokens)}. "
            "Use a token returned by this operation's paginator; to pass a raw service "
            f"token, give it as {input_tokens[0]}=... instead."
        )
    return StartingPoint(tokens=state, truncate_amount=amount, mid_page=has_amount)


def _decode_encoded_paths(token: str, state: dict[str, Any], encoded_paths: Any) -> None:
    """Turn the base64 text at each recorded path back into bytes, in place."""
    try:
        for path in encoded_paths:
            container: Any = state
            for step in path[:-1]:
                container = container[step]
            container[path[-1]] = base64.b64decode(container[path[-1]].encode("utf-8"))
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise PaginationError(
            f"Invalid StartingToken {_excerpt(token)}: {ENCODED_KEYS_KEY} does not match "
            f"the token's content ({error!r})."
        ) from None


def _parse_legacy_token(token: str, input_tokens: Sequence[str]) -> StartingPoint:
    """Read `tok1___tok2___N` tokens, or a raw service token, as botocore does."""
    parts = token.split(LEGACY_SEPARATOR)
    amount = 0
    has_amount = False
    if len(parts) == len(input_tokens) + 1:
        try:
            amount = int(parts[-1])
            parts = parts[:-1]
            has_amount = True
        except ValueError:
            parts = [token]

    if amount < 0:
        raise PaginationError(
            f"Invalid StartingToken {_excerpt(token)}: the legacy truncation amount {amount} "
            "is negative."
        )
    if len(parts) > len(input_tokens):
        raise PaginationError(
            f"Invalid StartingToken {_excerpt(token)}: it has {len(parts)} parts separated by "
            f"'{LEGACY_SEPARATOR}' but this operation has {len(input_tokens)} input token(s)."
        )

    values = [None if part == "None" else part for part in parts]
    values += [None] * (len(input_tokens) - len(values))
    return StartingPoint(
        tokens=dict(zip(input_tokens, values, strict=False)),
        truncate_amount=amount,
        mid_page=has_amount,
    )


def _excerpt(token: str, limit: int = 60) -> str:
    return repr(token if len(token) <= limit else token[:limit] + "...")
