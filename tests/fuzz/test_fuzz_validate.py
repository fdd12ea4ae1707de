"""Fuzz request parameter validation.

`validate_params` may raise only `ParamValidationError`, and its report must
name every unknown parameter, or a rejected one when all names are known.
Parameters it accepts must serialize into a request without any error.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bedrockpage.exceptions import ParamValidationError
from bedrockpage.protocol import (
    LIST_MODEL_CUSTOMIZATION_JOBS,
    encode_query,
    serialize_request,
    validate_params,
)
from tests.fuzz.conftest import examples_run, fuzz_settings

OPERATION = LIST_MODEL_CUSTOMIZATION_JOBS
MEMBER_NAMES = [member.name for member in OPERATION.input_members]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=False),
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1),
    st.binary(max_size=10),
    st.datetimes(timezones=st.none() | st.timezones()),
    st.dates(),
    st.sampled_from(
        ["2024-01-02T03:04:05Z", "2024-01-02", "1704164645", "Completed", "CreationTime", ""]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
names = st.sampled_from(MEMBER_NAMES) | st.text(max_size=12) | st.integers()


@fuzz_settings()
@given(params=st.dictionaries(names, values, max_size=5))
def test_validate_params_fuzz(params: dict[Any, Any]) -> None:
    examples_run["parameter validation"] += 1

    try:
        validate_params(OPERATION, params)
    except ParamValidationError as error:
        report = error.report
        assert report, "an empty report"
        unknown = [name for name in params if name not in MEMBER_NAMES]
        for name in unknown:
            assert f'"{name}"' in report, report
        if not unknown:
            assert any(name in report for name in params), report
        return

    request = serialize_request(OPERATION, params)
    query = encode_query(request.query)
    assert query.isascii()
    sent_names = {name for name, value in params.items() if value is not None}
    assert len(request.query) == len(sent_names)


@fuzz_settings(0.2)
@given(params=st.none() | st.integers() | st.text() | st.lists(st.integers(), max_size=2))
def test_validate_rejects_non_mapping(params: Any) -> None:
    examples_run["parameter validation, non-mapping"] += 1

    try:
        validate_params(OPERATION, params)
    except ParamValidationError as error:
        assert "input" in error.report
        assert type(params).__name__ in error.report
    else:
        raise AssertionError(f"{params!r} was accepted as parameters")


def test_timestamp_forms_accepted() -> None:
    # A fixed check next to the fuzz: the documented forms must pass.
    for value in (
        datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc),
        "2024-01-02T03:04:05Z",
        1704164645,
        Decimal("1704164645.5"),
    ):
        validate_params(OPERATION, {"creationTimeAfter": value})
