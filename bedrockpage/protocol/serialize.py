"""Request serialization: parameters to the method, path and query string botocore sends.

Callers run `validate_params` first. Serialization assumes valid input and
only rejects names that are not input members.
"""

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote

from ..exceptions import ParamValidationError
from .model import InputMember, OperationModel
from .timestamps import serialize_timestamp

# Characters botocore leaves unescaped in query keys and values (`percent_encode`).
_SAFE_CHARS = "-_.~"


class SerializedRequest(NamedTuple):
    """The parts of an HTTP request that depend on the parameters."""

    method: str
    path: str
    #: (name, value) pairs, not yet percent-encoded, in the order they are sent.
    query: tuple[tuple[str, str], ...]


def serialize_request(operation: OperationModel, params: Mapping[str, Any]) -> SerializedRequest:
    """Build the request for `params` as botocore's RestJSONSerializer does.

    The query keeps the order of `params`, because botocore adds query members
    in the order of the caller's keyword arguments. Parameters whose value is
    None are left out, as botocore does. Integers are sent as `str(value)` (so
    True is sent as "True", as by botocore) and timestamps as UTC ISO 8601.
    """
    members = {member.name: member for member in operation.input_members}
    query: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue

        member = members.get(name)
        if member is None:
            valid_names = ", ".join(members)
            raise ParamValidationError(
                f'Unknown parameter in input: "{name}", must be one of: {valid_names}'
            )
        query.append((member.location_name, _query_value(member, value)))

    return SerializedRequest(
        method=operation.http_method,
        path=operation.request_uri,
        query=tuple(query),
    )


def encode_query(query: Iterable[tuple[str, str]]) -> str:
    """Percent-encode query pairs as botocore's `percent_encode_sequence` does.

    Keys and values are UTF-8 encoded and quoted with only `-_.~` left as they
    are (a space becomes %20, not +). Pairs are joined with `&`. An empty query
    gives an empty string.
    """
    return "&".join(
        f"{quote(name, safe=_SAFE_CHARS)}={quote(value, safe=_SAFE_CHARS)}" for name, value in query
    )


def _query_value(member: InputMember, value: Any) -> str:
    if member.type == "timestamp":
        return serialize_timestamp(value)
    if member.type == "integer":
        return str(value)
    # A str subclass is sent as its characters, not its str(), like botocore's UTF-8 encoding.
    return str.__str__(value) if isinstance(value, str) else str(value)
