"""Response parsing for the rest-json protocol: result pages, errors and ResponseMetadata.

The results equal botocore's `RestJSONParser` output, with these deliberate differences:

* Unknown response fields (keys that are not in the service model, at any level)
  are passed through unchanged, where botocore drops them. A field the service
  adds before the model describes it is then visible at once. Like modeled
  fields, unknown fields whose value is null are left out. The values of
  unknown fields are not converted or looked into.
* A 2xx body that is not valid UTF-8 JSON, is not a JSON object or has a
  modeled field of the wrong JSON type raises ResponseParserError. Botocore
  returns an empty result for invalid JSON (which would end a pagination
  early without an error) and crashes on the other cases.
* Timestamp strings are parsed by `timestamps.parse_timestamp`, which accepts
  a fixed set of forms where botocore accepts whatever dateutil parses.
* `response_metadata` sets `RequestId` whenever the response carries one.
  Botocore leaves it out for 5xx responses with an empty or HTML body, and
  for error responses it reads only `x-amzn-RequestId`, not `x-amz-request-id`.
* An error body that is JSON but not an object, or not UTF-8, is read as an
  unparseable body (its text becomes the message). Botocore crashes on these.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Mapping
from datetime import datetime
from itertools import chain
from typing import Any

from ..exceptions import ResponseParserError
from .model import LIST_MODEL_CUSTOMIZATION_JOBS, OperationModel, StructureModel
from .timestamps import convert_aws_iso_members, convert_aws_iso_page, parse_timestamp

# The key under which the client stores ResponseMetadata; a body field of that
# name would be overwritten, so it is dropped here.
_RESPONSE_METADATA = "ResponseMetadata"
_EXCERPT_LENGTH = 200


def parse_response(
    operation: OperationModel,
    body: bytes,
    *,
    status: int = 200,
    request_id: str = "",
) -> dict[str, Any]:
    """Parse a 2xx response body into botocore's result dict, without ResponseMetadata.

    An empty (or all-whitespace) body gives `{}`, as in botocore. `status` and
    `request_id` only go into the ResponseParserError raised for a body that
    cannot be parsed.
    """
    document = _load_document(body, status, request_id)
    if document is None:
        return {}

    document.pop(_RESPONSE_METADATA, None)
    try:
        return _parse_structure(operation.output, document, operation.output.name)
    except ResponseParserError as error:
        raise _parser_error(str(error), body, status, request_id) from error


def parse_error(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    operation: OperationModel = LIST_MODEL_CUSTOMIZATION_JOBS,
) -> dict[str, Any]:
    """Parse an error response into botocore's dict, without ResponseMetadata.

    The result has `Error` with `Code` and `Message` (and `QueryErrorCode` and
    `Type` when an `x-amzn-query-error` header is present), plus the members of
    the modeled error (`message`) when the code is any error of the service.
    Add `ResponseMetadata` with `response_metadata`.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    if _is_generic_error(status, body):
        # A 5xx from a proxy or load balancer: there is no code or message to read.
        return {"Error": {"Code": str(status), "Message": http.client.responses.get(status, "")}}

    document = _error_document(body)
    error: dict[str, Any] = {
        "Message": document.get("message", document.get("Message", "")),
        "Code": "",
    }
    _set_code_from_type(error, document, status, lowered)
    _set_code_from_header_or_body(error, document, lowered)

    parsed: dict[str, Any] = {"Error": error}
    code = error["Code"]
    modeled = operation.service_errors.get(code) if isinstance(code, str) else None
    if modeled is not None:
        for member in modeled.members:
            if document.get(member) is not None:
                parsed[member] = document[member]
    return parsed


def response_metadata(
    status: int, headers: Mapping[str, str], retry_attempts: int
) -> dict[str, Any]:
    """Build botocore's ResponseMetadata: RequestId, HTTPStatusCode, HTTPHeaders, RetryAttempts.

    Header names are matched case-insensitively and lowercased in `HTTPHeaders`.
    `HostId` is set, from `x-amz-id-2`, when the id comes from `x-amz-request-id`.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    metadata: dict[str, Any] = {}
    if "x-amzn-requestid" in lowered:
        metadata["RequestId"] = lowered["x-amzn-requestid"]
    elif "x-amz-request-id" in lowered:
        metadata["RequestId"] = lowered["x-amz-request-id"]
        metadata["HostId"] = lowered.get("x-amz-id-2", "")

    metadata["HTTPStatusCode"] = status
    metadata["HTTPHeaders"] = lowered
    metadata["RetryAttempts"] = retry_attempts
    return metadata


def _parse_structure(model: StructureModel, value: object, path: str) -> dict[str, Any]:
    """Convert the modeled members of one JSON object; copy the others."""
    if not isinstance(value, dict):
        raise ResponseParserError(f"{path} must be a JSON object, got {_json_type(value)}")

    parsed: dict[str, Any] = {}
    for name, item in value.items():
        if item is None:
            continue
        if name in model.timestamps:
            parsed[name] = _parse_timestamp_member(item, f"{path}.{name}")
        elif name in model.structures:
            parsed[name] = _parse_structure(model.structures[name], item, f"{path}.{name}")
        elif name in model.structure_lists:
            parsed[name] = _parse_list(model.structure_lists[name], item, f"{path}.{name}")
        else:
            parsed[name] = item
    return parsed


def _parse_timestamp_member(value: object, path: str) -> Any:
    if isinstance(value, datetime):
        # Converted by the quick path of `_parse_list`: json.loads never returns a datetime.
        return value
    if not isinstance(value, (str, int, float)):
        raise ResponseParserError(f"{path} must be a timestamp, got {_json_type(value)}")
    try:
        return parse_timestamp(value)
    except ResponseParserError as error:
        raise ResponseParserError(f"{path}: {error}") from error


def _parse_list(model: StructureModel, value: object, path: str) -> list[Any]:
    """Convert a list of structures in place: the JSON document is the parser's own."""
    if not isinstance(value, list):
        raise ResponseParserError(f"{path} must be a JSON array, got {_json_type(value)}")

    # Null items stay null, as in botocore, which treats every list as sparse.
    for index in _convert_flat_items(model, value):
        item = value[index]
        if item is not None:
            value[index] = _parse_structure(model, item, f"{path}[{index}]")
    return value


def _convert_flat_items(model: StructureModel, items: list[Any]) -> list[int]:
    """Convert the flat items in place the quick way; return the indexes of all others.

    A flat item is a JSON object whose values are all strings: it has no nulls to
    drop and no nested structures, so converting its timestamps is all the full
    parser would do. Listings are made of such items, thousands per page.
    """
    names = model.timestamps
    if _all_flat(items):
        if convert_aws_iso_page(items, names):
            return []
        return convert_aws_iso_members(items, range(len(items)), names)

    flat: list[int] = []
    others: list[int] = []
    for index, item in enumerate(items):
        (flat if _is_flat(item) else others).append(index)
    return others + convert_aws_iso_members(items, flat, names)


def _all_flat(items: list[Any]) -> bool:
    # One join over every value of every item checks a whole page in C: it raises
    # TypeError for any item that is not a dict and for any value that is not a string.
    try:
        "".join(chain.from_iterable(map(dict.values, items)))
    except TypeError:
        return False
    return True


def _is_flat(item: object) -> bool:
    if type(item) is not dict:
        return False
    try:
        "".join(item.values())
    except TypeError:
        return False
    return True


def _load_document(body: bytes, status: int, request_id: str) -> dict[str, Any] | None:
    """Decode and load the JSON object of a 2xx body; None for an empty body.

    The decoded text, as large as the body, is freed before the caller converts
    the document, which lowers the peak memory of each page.
    """
    text = _decode_body(body, status, request_id)
    # isspace() stops at the first other character; strip() would copy the whole body.
    if not text or text.isspace():
        return None

    try:
        document = json.loads(text)
    except ValueError as error:
        raise _parser_error(f"invalid JSON ({error})", body, status, request_id) from error
    if not isinstance(document, dict):
        raise _parser_error(
            f"expected a JSON object, got {_json_type(document)}", body, status, request_id
        )
    return document


def _decode_body(body: bytes, status: int, request_id: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _parser_error(f"body is not UTF-8 ({error})", body, status, request_id) from error


def _parser_error(reason: str, body: bytes, status: int, request_id: str) -> ResponseParserError:
    excerpt = body[:_EXCERPT_LENGTH]
    more = f" (first {_EXCERPT_LENGTH} of {len(body)} bytes)" if len(body) > len(excerpt) else ""
    return ResponseParserError(
        f"Unable to parse the response body (HTTP {status}, request id "
        f"{request_id or 'unknown'}): {reason}. Body{more}: {excerpt!r}"
    )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _is_generic_error(status: int, body: bytes) -> bool:
    # Botocore's test: only 5xx responses, and only an empty body or one starting with <html>.
    if status < 500:
        return False
    stripped = body.strip()
    return not stripped or stripped.startswith(b"<html>")


def _error_document(body: bytes) -> dict[str, Any]:
    """Read an error body as botocore does: {} when empty, {"message": text} when not JSON."""
    if not body:
        return {}

    text = body.decode("utf-8", errors="replace")
    try:
        document = json.loads(text)
    except ValueError:
        return {"message": text}
    if not isinstance(document, dict):
        return {"message": text}
    return document


def _set_code_from_type(
    error: dict[str, Any], document: dict[str, Any], status: int, headers: dict[str, str]
) -> None:
    """Set the code from `__type`, else the status code (botocore's BaseJSONParser step)."""
    code = document.get("__type", str(status))
    if code is None:
        return

    # Botocore fails on a non-string __type; str() keeps the error readable.
    code = _strip_code(code if isinstance(code, str) else str(code))
    if "x-amzn-query-error" in headers:
        code = _query_compatible_code(code, headers["x-amzn-query-error"], error)
    error["Code"] = code


def _set_code_from_header_or_body(
    error: dict[str, Any], document: dict[str, Any], headers: dict[str, str]
) -> None:
    """Override the code from `x-amzn-ErrorType`, else body `code`/`Code` (RestJSONParser step)."""
    if "x-amzn-errortype" in headers:
        code: Any = headers["x-amzn-errortype"]
    elif "code" in document or "Code" in document:
        code = document.get("code", document.get("Code", ""))
    else:
        return
    if code is None:
        return
    # A non-string body code is kept as it is, as in botocore.
    error["Code"] = _strip_code(code) if isinstance(code, str) else code


def _strip_code(code: str) -> str:
    """Remove a `:detail` suffix and a `namespace#` prefix from an error code."""
    return code.split(":", 1)[0].rsplit("#", 1)[-1]


def _query_compatible_code(code: str, header: str, error: dict[str, Any]) -> str:
    """Apply `x-amzn-query-error: Code;Type`, sent by services that once used the query protocol."""
    parts = header.split(";")
    if len(parts) == 2 and parts[0]:
        error["QueryErrorCode"] = code
        error["Type"] = parts[1]
        return parts[0]
    return code
