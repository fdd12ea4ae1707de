"""The rest-json protocol of ListModelCustomizationJobs: validation, serialization, parsing.

Pure functions without I/O, shared by the sync and async clients. The results
match botocore's; each module's docstring lists where and why they differ.
"""

from __future__ import annotations

from .model import LIST_MODEL_CUSTOMIZATION_JOBS, OperationModel, limit_type
from .parse import parse_error, parse_response, response_metadata
from .serialize import SerializedRequest, encode_query, serialize_request
from .timestamps import parse_timestamp, serialize_timestamp
from .validate import validate_params

__all__ = [
    "LIST_MODEL_CUSTOMIZATION_JOBS",
    "OperationModel",
    "SerializedRequest",
    "encode_query",
    "limit_type",
    "parse_error",
    "parse_response",
    "parse_timestamp",
    "response_metadata",
    "serialize_request",
    "serialize_timestamp",
    "validate_params",
]
