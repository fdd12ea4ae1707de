"""Differential tests of bedrockpage.protocol.timestamps against botocore.

Response direction: wire strings and numbers through botocore's
`utils.parse_timestamp` and ours. Request direction: datetimes, strings and
numbers through botocore's `Serializer._convert_timestamp_to_str` and ours.
Also run on Python 3.10, where `datetime.fromisoformat` takes neither `Z` nor
fractions other than 3 or 6 digits.
"""

from __future__ import annotations

import os
import string
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from botocore.serialize import RestJSONSerializer
from botocore.utils import parse_timestamp as botocore_parse_timestamp
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrockpage.exceptions import ResponseParserError
from bedrockpage.protocol.timestamps import (
    ACCEPTED_FORMATS,
    convert_aws_iso_members,
    convert_aws_iso_page,
    parse_timestamp,
    serialize_timestamp,
)

#: Examples per differential property.
MAX_EXAMPLES = 1000

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Epoch seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
MIN_EPOCH = -62135596800
MAX_EPOCH = 253402300799

BOTOCORE_SERIALIZER = RestJSONSerializer()


@pytest.fixture(autouse=True, scope="module")
def _utc_local_zone() -> Iterator[None]:
    """Run with the local zone set to UTC.

    Botocore returns epoch values, and zero offsets that dateutil matches to the
    local zone name, in the local zone (`tzlocal()`). With a UTC local zone their
    utcoffset() is 0, as ours is, so the tests can compare offsets too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


# -- strategies --------------------------------------------------------------


def _two(value: int) -> str:
    return f"{value:02d}"


@st.composite
def iso_8601_strings(draw: st.DrawFn) -> str:
    """ISO 8601 strings of the accepted grammar, including impossible dates and offsets."""
    year = f"{draw(st.integers(0, 9999)):04d}"
    month = _two(draw(st.integers(0, 13)))
    day = _two(draw(st.integers(0, 32)))
    text = f"{year}-{month}-{day}"
    if draw(st.booleans()):
        return text

    separator = draw(st.sampled_from("Tt "))
    text += f"{separator}{_two(draw(st.integers(0, 24)))}:{_two(draw(st.integers(0, 60)))}"
    if draw(st.booleans()):
        text += f":{_two(draw(st.integers(0, 60)))}"
        if draw(st.booleans()):
            point = draw(st.sampled_from(".,"))
            text += point + draw(st.text(string.digits, min_size=1, max_size=12))

    zone = draw(
        st.one_of(
            st.just(""),
            st.sampled_from(["Z", "z"]),
            st.builds(
                lambda sign, hours, minutes, colon: f"{sign}{_two(hours)}{colon}{_two(minutes)}",
                st.sampled_from("+-"),
                st.integers(0, 24),
                st.integers(0, 99),
                st.sampled_from(["", ":"]),
            ),
            st.builds(
                lambda sign, hours: f"{sign}{_two(hours)}",
                st.sampled_from("+-"),
                st.integers(0, 24),
            ),
        )
    )
    return text + zone


@st.composite
def rfc_1123_strings(draw: st.DrawFn) -> str:
    """RFC 1123 dates; the weekday is random, because dateutil and ours ignore it."""
    weekday = draw(st.sampled_from([""] + [f"{name}, " for name in WEEKDAYS]))
    day = draw(st.integers(0, 32))
    day_text = _two(day) if draw(st.booleans()) else str(day)
    month = draw(st.sampled_from(MONTHS))
    year = draw(st.integers(1000, 9999))
    clock = f"{_two(draw(st.integers(0, 24)))}:{_two(draw(st.integers(0, 60)))}"
    if draw(st.booleans()):
        clock += f":{_two(draw(st.integers(0, 60)))}"
    zone = draw(
        st.one_of(
            st.sampled_from(["GMT", "UTC", "Z"]),
            st.builds(
                lambda sign, hours, minutes: f"{sign}{_two(hours)}{_two(minutes)}",
                st.sampled_from("+-"),
                st.integers(0, 24),
                st.integers(0, 59),
            ),
        )
    )
    return f"{weekday}{day_text} {month} {year} {clock} {zone}"


@st.composite
def aws_iso_strings(draw: st.DrawFn, mutate: bool = False) -> str:
    """The fast-path layout (`…T03:04:05[.fff|.ffffff]Z`).

    With `mutate`, one string in five has one character replaced, which may
    leave the grammar: such strings only go to the soundness property.
    """
    moment = draw(st.datetimes())
    text = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
    fraction_width = draw(st.sampled_from([0, 3, 6]))
    if fraction_width:
        text += "." + f"{moment.microsecond:06d}"[:fraction_width]
    text += "Z"

    if mutate and draw(st.integers(0, 4)) == 0:
        index = draw(st.integers(0, len(text) - 1))
        replacement = draw(st.one_of(st.characters(codec="utf-8"), st.sampled_from("+-:.Z 0")))
        text = text[:index] + replacement + text[index + 1 :]
    return text


finite_floats = st.floats(
    min_value=MIN_EPOCH, max_value=MAX_EPOCH, allow_nan=False, allow_infinity=False
)
epoch_numbers = st.one_of(
    st.integers(MIN_EPOCH, MAX_EPOCH),
    finite_floats,
    st.integers(),
    st.floats(),
    st.booleans(),
)
# Numeric strings are epoch seconds for botocore too, as long as they are in range.
# Out of range, botocore tries dateutil: see test_parse_compact_datetime_rejected.
numeric_strings = st.one_of(
    st.integers(MIN_EPOCH, MAX_EPOCH).map(str),
    finite_floats.map(repr),
    finite_floats.map(lambda value: f"{value:e}"),
    st.integers(0, 10**6).map(lambda value: f" {value:_} "),
    st.sampled_from(["nan", "inf", "-inf", "1e20", "20240102"]),
)
wire_strings = st.one_of(iso_8601_strings(), rfc_1123_strings(), aws_iso_strings(), numeric_strings)


# -- helpers -----------------------------------------------------------------


def botocore_parse(value: Any) -> datetime | Exception:
    """Return botocore's datetime, or the exception it raises.

    An offset of 24 hours or more ("+24:00", "+23:75") gives a datetime whose
    utcoffset() raises ValueError, so it cannot be compared or converted. Such
    a value counts as rejected; ours rejects it when parsing.
    """
    try:
        result: datetime = botocore_parse_timestamp(value)
        result.utcoffset()
    except (ValueError, TypeError, OverflowError, RuntimeError) as error:
        return error
    return result


def botocore_serialize(value: Any) -> str | Exception:
    try:
        result: str = BOTOCORE_SERIALIZER._convert_timestamp_to_str(value, "iso8601")
    except (ValueError, TypeError, OverflowError, RuntimeError) as error:
        return error
    return result


def assert_same_datetime(ours: datetime, expected: datetime) -> None:
    assert (ours.tzinfo is None) == (expected.tzinfo is None), (ours, expected)
    assert ours == expected
    assert ours.utcoffset() == expected.utcoffset()


# -- response direction ------------------------------------------------------


@settings(max_examples=MAX_EXAMPLES)
@given(wire_strings)
def test_parse_grammar_matches_botocore(value: str) -> None:
    """Each string of the accepted grammar parses when botocore's does, to the same value."""
    expected = botocore_parse(value)
    if isinstance(expected, Exception):
        with pytest.raises(ResponseParserError):
            parse_timestamp(value)
        return

    assert_same_datetime(parse_timestamp(value), expected)


@settings(max_examples=MAX_EXAMPLES)
@given(st.one_of(epoch_numbers, st.text(), aws_iso_strings(mutate=True)))
def test_parse_any_value_sound(value: Any) -> None:
    """Outside the grammar ours may reject more, but never accepts what botocore rejects."""
    expected = botocore_parse(value)
    try:
        ours = parse_timestamp(value)
    except ResponseParserError:
        return

    assert not isinstance(expected, Exception), (value, ours, expected)
    assert_same_datetime(ours, expected)


@settings(max_examples=MAX_EXAMPLES)
@given(st.one_of(aws_iso_strings(mutate=True), st.text()))
def test_members_fast_path_sound(value: str) -> None:
    """The in-place path of listings converts only values that botocore reads the same way."""
    items = [{"creationTime": value, "jobName": "job"}]
    leftovers = convert_aws_iso_members(items, range(1), ("creationTime", "endTime"))

    if leftovers:
        assert leftovers == [0]
        assert items == [{"creationTime": value, "jobName": "job"}]
        return
    expected = botocore_parse(value)
    assert not isinstance(expected, Exception), (value, items, expected)
    assert_same_datetime(items[0]["creationTime"], expected)
    assert items[0]["jobName"] == "job"
    assert "endTime" not in items[0]


@settings(max_examples=MAX_EXAMPLES)
@given(aws_iso_strings(), st.integers(0, 26), st.characters(min_codepoint=128))
def test_members_fast_path_rejects_non_ascii(value: str, index: int, character: str) -> None:
    """A character outside ASCII anywhere sends the item to the full parser."""
    index = min(index, len(value) - 1)
    mutated = value[:index] + character + value[index + 1 :]
    items = [{"creationTime": mutated}]

    assert convert_aws_iso_members(items, range(1), ("creationTime",)) == [0]
    assert items == [{"creationTime": mutated}]


@settings(max_examples=MAX_EXAMPLES)
@given(aws_iso_strings())
def test_members_fast_path_takes_aws_form(value: str) -> None:
    """Every string in the form AWS sends takes the in-place path, none falls back."""
    items = [{"creationTime": value}]

    assert convert_aws_iso_members(items, range(1), ("creationTime",)) == []
    assert_same_datetime(items[0]["creationTime"], parse_timestamp(value))


@st.composite
def flat_pages(draw: st.DrawFn) -> list[dict[str, str]]:
    """Items whose timestamps are in the AWS form (of mixed lengths), with some near misses."""
    values = aws_iso_strings(mutate=draw(st.booleans()))
    items = []
    for _ in range(draw(st.integers(0, 12))):
        item = {"jobName": draw(st.text(max_size=4))}
        for name in ("creationTime", "endTime"):
            if draw(st.booleans()):
                item[name] = draw(values)
        items.append(item)
    return items


@settings(max_examples=MAX_EXAMPLES)
@given(flat_pages())
def test_page_path_equals_item_path(items: list[dict[str, str]]) -> None:
    """The whole-page path converts exactly when every item passes the per-item path."""
    names = ("creationTime", "endTime")
    by_item = [dict(item) for item in items]
    leftovers = convert_aws_iso_members(by_item, range(len(by_item)), names)
    original = [dict(item) for item in items]

    converted = convert_aws_iso_page(items, names)

    assert converted == (not leftovers)
    assert items == (by_item if converted else original)


def test_page_path_restores_strings_on_failure() -> None:
    items = [
        {"creationTime": "2024-01-02T03:04:05.123Z", "endTime": "2024-01-02T03:04:05Z"},
        {"creationTime": "2024-01-02T03:04:05.123456Z"},
        {"endTime": "2024-01-02T03:04:05.123+00:00"},
    ]
    original = [dict(item) for item in items]

    assert not convert_aws_iso_page(items, ("creationTime", "endTime"))
    assert items == original


def test_members_fast_path_reports_partly_converted_items() -> None:
    """An item with one bad member is reported even after its other members were converted."""
    items = [
        {"creationTime": "2024-01-02T03:04:05.123Z", "endTime": "2024-13-02T03:04:05.123Z"},
        {"creationTime": "2024-01-02T03:04:05Z"},
        {"creationTime": "2024-01-02 03:04:05"},
    ]

    assert convert_aws_iso_members(items, range(3), ("creationTime", "endTime")) == [0, 2]
    assert items[0]["endTime"] == "2024-13-02T03:04:05.123Z"
    assert items[1]["creationTime"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert items[2]["creationTime"] == "2024-01-02 03:04:05"


@settings(max_examples=MAX_EXAMPLES)
@given(epoch_numbers)
def test_parse_epoch_numbers(value: int | float) -> None:
    expected = botocore_parse(value)
    if isinstance(expected, Exception):
        with pytest.raises(ResponseParserError):
            parse_timestamp(value)
        return

    assert_same_datetime(parse_timestamp(value), expected)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2024-01-02T03:04:05.123Z", datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=timezone.utc)),
        ("2024-01-02T03:04:05.1Z", datetime(2024, 1, 2, 3, 4, 5, 100000, tzinfo=timezone.utc)),
        ("2024-01-02T03:04:05.12345Z", datetime(2024, 1, 2, 3, 4, 5, 123450, tzinfo=timezone.utc)),
        (
            "2024-01-02T03:04:05.9999999Z",
            datetime(2024, 1, 2, 3, 4, 5, 999999, tzinfo=timezone.utc),
        ),
        ("2024-01-02 03:04:05", datetime(2024, 1, 2, 3, 4, 5)),
        ("2024-01-02", datetime(2024, 1, 2)),
        (
            "2024-01-02T03:04:05+05:30",
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("Tue, 02 Jan 2024 03:04:05 GMT", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("1704164645", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        (1704164645.5, datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc)),
    ],
)
def test_parse_known_forms(wire: str | float, expected: datetime) -> None:
    """Fixed cases, checked against botocore too so a wrong literal here cannot pass."""
    ours = parse_timestamp(wire)
    assert_same_datetime(ours, expected)
    assert_same_datetime(ours, botocore_parse_timestamp(wire))


def test_parse_moto_naive_form() -> None:
    """Moto sends `%Y-%m-%d %H:%M:%S` without a zone; botocore returns it naive."""
    ours = parse_timestamp("2024-01-02 03:04:05")
    assert ours.tzinfo is None
    assert ours == botocore_parse_timestamp("2024-01-02 03:04:05")


def test_parse_error_names_value() -> None:
    with pytest.raises(ResponseParserError) as caught:
        parse_timestamp("next Tuesday")
    assert "next Tuesday" in str(caught.value)
    assert ACCEPTED_FORMATS in str(caught.value)


def test_parse_compact_datetime_rejected() -> None:
    """A digit string out of epoch range is rejected, where botocore falls back to dateutil.

    Dateutil reads "20240102030405" as 2024-01-02 03:04:05. Ours reads only
    epoch seconds from digit strings, so it reports the value as out of range.
    """
    assert botocore_parse_timestamp("20240102030405") == datetime(2024, 1, 2, 3, 4, 5)
    with pytest.raises(ResponseParserError, match="out of range"):
        parse_timestamp("20240102030405")


def test_parse_rejects_day_long_offset() -> None:
    """Botocore returns a datetime whose utcoffset() raises; ours rejects the string."""
    with pytest.raises(ValueError):
        botocore_parse_timestamp("2024-01-02T00:00+24:00").utcoffset()
    with pytest.raises(ResponseParserError, match="24"):
        parse_timestamp("2024-01-02T00:00+24:00")


def test_parse_rejects_impossible_date() -> None:
    with pytest.raises(ResponseParserError, match="day is out of range"):
        parse_timestamp("2024-02-30T00:00:00Z")


# -- request direction -------------------------------------------------------


offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
request_datetimes = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=offsets),
    st.datetimes(timezones=st.timezones()),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 2), timezones=offsets),
    st.datetimes(min_value=datetime(9999, 12, 31), timezones=offsets),
)
request_values = st.one_of(
    request_datetimes,
    epoch_numbers,
    finite_floats.map(lambda value: Decimal(repr(value))),
    wire_strings,
    st.dates().map(lambda value: value.isoformat()),
)


@settings(max_examples=MAX_EXAMPLES)
@given(request_values)
def test_serialize_matches_botocore(value: Any) -> None:
    expected = botocore_serialize(value)
    if isinstance(expected, Exception):
        with pytest.raises((ValueError, TypeError)):
            serialize_timestamp(value)
        return

    assert serialize_timestamp(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05Z"),
        (datetime(2024, 1, 2, 3, 4, 5, 120), "2024-01-02T03:04:05.000120Z"),
        (
            datetime(2024, 1, 2, 8, 34, 5, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2024-01-02T03:04:05Z",
        ),
        ("2024-01-02", "2024-01-02T00:00:00Z"),
        ("Tue, 02 Jan 2024 03:04:05 GMT", "2024-01-02T03:04:05Z"),
        (1704164645, "2024-01-02T03:04:05Z"),
        ("1704164645.25", "2024-01-02T03:04:05.250000Z"),
        (True, "1970-01-01T00:00:01Z"),
    ],
)
def test_serialize_known_forms(value: Any, expected: str) -> None:
    assert serialize_timestamp(value) == expected
    assert botocore_serialize(value) == expected


def test_serialize_rejects_date_object() -> None:
    """Botocore rejects a `date`; so does ours, with a TypeError naming the type."""
    value = datetime(2024, 1, 2).date()
    assert isinstance(botocore_serialize(value), Exception)
    with pytest.raises(TypeError, match="date"):
        serialize_timestamp(value)  # type: ignore[arg-type]


def test_runs_with_utc_local_zone() -> None:
    assert os.environ["TZ"] == "UTC"
    assert time.timezone == 0
