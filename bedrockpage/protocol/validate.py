"""Request parameter validation with botocore's rules and report text.

Like botocore's `ParamValidator`, this checks unknown names, types, the minimum
length of strings and the minimum value of integers, and collects every error
into one report. Also like botocore, it does not check enum values, maximum
length, maximum value or patterns: the service rejects those, and values added
to the service later keep working.

Differences from botocore:

* Timestamp strings must be one of the forms in `timestamps.ACCEPTED_FORMATS`.
  Botocore accepts whatever dateutil parses ("Jan 2 2024", for example). For a
  rejected string the report line is botocore's followed by the accepted forms.
* Bytes are rejected for timestamps. Botocore reads numeric bytes such as
  b"0" as epoch seconds, a form no documented caller relies on.
* Timestamps that botocore crashes on (an epoch number too large for a
  timedelta, a datetime that leaves the supported range when converted to UTC)
  are reported as invalid.
* A string that contains a lone surrogate cannot be UTF-8 encoded for the URL.
  Botocore fails later with UnicodeEncodeError. This module reports it.
* Any `Mapping` is accepted as the parameter container, where botocore requires a `dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..exceptions import ParamValidationError
from .model import InputMember, OperationModel
from .timestamps import ACCEPTED_FORMATS, to_utc

# Type lists exactly as botocore's report prints them.
_STRING_TYPES = str(str)
_INTEGER_TYPES = str(int)
_TIMESTAMP_TYPES = f"{datetime}, timestamp-string"
_STRUCTURE_TYPES = str(dict)


def validate_params(operation: OperationModel, params: Mapping[str, Any]) -> None:
    """Check request parameters; raise ParamValidationError with every problem found."""
    errors = check_params(operation, params)
    if errors:
        raise ParamValidationError(report="\n".join(errors))


def check_params(operation: OperationModel, params: object) -> list[str]:
    """Return botocore's report lines for `params`, an empty list when they are valid.

    Lines come in botocore's order: every unknown name in parameter order, then
    the errors of the known parameters in parameter order.
    """
    if not isinstance(params, Mapping):
        return [_invalid_type("input", params, _STRUCTURE_TYPES)]

    members = {member.name: member for member in operation.input_members}
    errors = [
        _unknown_parameter(name, operation)
        for name in params
        if not isinstance(name, str) or name not in members
    ]

    for name, value in params.items():
        if isinstance(name, str) and name in members:
            error = _check_member(members[name], value)
            if error is not None:
                errors.append(error)
    return errors


def _check_member(member: InputMember, value: object) -> str | None:
    if member.type == "string":
        return _check_string(member, value)
    if member.type == "integer":
        return _check_integer(member, value)
    return _check_timestamp(member, value)


def _check_string(member: InputMember, value: object) -> str | None:
    if not isinstance(value, str):
        return _invalid_type(member.name, value, _STRING_TYPES)

    if member.min is not None and len(value) < member.min:
        return (
            f"Invalid length for parameter {member.name}, value: {len(value)}, "
            f"valid min length: {member.min}"
        )

    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"Invalid value for parameter {member.name}, value: {value!r}: it contains "
            f"a lone surrogate at index {error.start} that cannot be encoded as UTF-8"
        )
    return None


def _check_integer(member: InputMember, value: object) -> str | None:
    # bool is an int subclass, and botocore accepts it: True is sent as "True".
    if not isinstance(value, int):
        return _invalid_type(member.name, value, _INTEGER_TYPES)

    if member.min is not None and value < member.min:
        return (
            f"Invalid value for parameter {member.name}, value: {value}, "
            f"valid min value: {member.min}"
        )
    return None


def _check_timestamp(member: InputMember, value: object) -> str | None:
    try:
        to_utc(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        line = _invalid_type(member.name, value, _TIMESTAMP_TYPES)
        if isinstance(value, str):
            return f"{line} (accepted strings: {ACCEPTED_FORMATS})"
        return line
    return None


def _invalid_type(name: str, value: object, valid_types: str) -> str:
    return (
        f"Invalid type for parameter {name}, value: {value}, "
        f"type: {type(value)}, valid types: {valid_types}"
    )


def _unknown_parameter(name: object, operation: OperationModel) -> str:
    valid_names = ", ".join(member.name for member in operation.input_members)
    return f'Unknown parameter in input: "{name}", must be one of: {valid_names}'
