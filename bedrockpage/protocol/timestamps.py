"""Timestamp conversion for requests and responses, equal to botocore's without dateutil.

Botocore parses timestamp strings with `dateutil.parser.parse`, which accepts
almost any date-like text. This module accepts a fixed set of forms, and for
each of them returns the value botocore returns (the tests compare the two):

* ISO 8601: `2024-01-02`, `2024-01-02T03:04`, `2024-01-02 03:04:05`,
  `2024-01-02T03:04:05.1234567Z`, `2024-01-02T03:04:05+05:30` (also `+0530`, `+05`).
  Fractions of any length are cut to microseconds, as dateutil does.
* RFC 1123: `Tue, 02 Jan 2024 03:04:05 GMT` (the weekday is optional and not checked).
* Epoch seconds: an int, a float or a numeric string such as `"1704164645.5"`.

A string outside this set raises an error that lists the accepted forms.
Timestamps with a zone are returned in UTC or as a fixed offset. On a machine
whose local zone is not UTC, botocore returns epoch values and some zero offsets
in the local zone instead. The two values are still equal (`==`).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from itertools import compress
from typing import TYPE_CHECKING, Any

from ..exceptions import ResponseParserError

if TYPE_CHECKING:
    from decimal import Decimal

#: The timestamp forms this module accepts, for error messages and help text.
ACCEPTED_FORMATS = (
    "ISO 8601 (2024-01-02, 2024-01-02T03:04:05Z, 2024-01-02T03:04:05.123+01:00), "
    "RFC 1123 (Tue, 02 Jan 2024 03:04:05 GMT) or epoch seconds (1704164645)"
)

# Botocore's formats for timestamps in the query string.
_ISO8601 = "%Y-%m-%dT%H:%M:%SZ"
_ISO8601_MICRO = "%Y-%m-%dT%H:%M:%S.%fZ"

# The patterns of the other accepted forms stay strings: `re` compiles them on first
# use and caches them. Compiling both takes about 1 ms of a cold start (CPython 3.11),
# and the form AWS sends never needs them.
_ISO_8601 = (
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}

# Years below 1000 are left out: dateutil reads "0099" in this form as 1999.
_RFC_1123 = (
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?"
    r"(?P<day>[0-9]{1,2}) (?P<month>" + "|".join(_MONTHS) + r") (?P<year>[1-9][0-9]{3}) "
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?"
    r" (?P<zone>GMT|UTC|Z|[+-][0-9]{4})"
)

# The characters at indexes 4, 7, 10, 13, 16 and 19 of the forms AWS sends, by length:
# "2024-01-02T03:04:05Z", "…05.123Z" and "…05.123456Z". Index 19 is the final "Z" of the
# short form and the "." before the fraction in the longer ones.
_FAST_PATH_SEPARATORS = {20: "--T::Z", 24: "--T::.", 27: "--T::."}

# The same layouts as (index, character) pairs, with the final "Z", for checking many
# strings of one length at once.
_DATE_TIME_SEPARATORS = ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"))
_AWS_LAYOUTS = {
    20: (*_DATE_TIME_SEPARATORS, (19, "Z")),
    24: (*_DATE_TIME_SEPARATORS, (19, "."), (23, "Z")),
    27: (*_DATE_TIME_SEPARATORS, (19, "."), (26, "Z")),
}


def _fromisoformat_utc_310(value: str) -> datetime:
    # Python 3.10's `fromisoformat` rejects the "Z" suffix.
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)


# From 3.11, `fromisoformat` reads "Z" itself and returns `timezone.utc` for it.
_fromisoformat_utc = (
    datetime.fromisoformat if sys.version_info >= (3, 11) else _fromisoformat_utc_310
)


def parse_timestamp(value: str | int | float) -> datetime:
    """Convert a timestamp from a response body to a datetime, as botocore does.

    A value without a zone (moto sends `2024-01-02 03:04:05`) becomes a naive
    datetime, like botocore's. Epoch numbers become UTC datetimes. Raises
    ResponseParserError naming the value when it is not a supported timestamp.
    """
    # The form AWS sends is tried first: a listing parses three timestamps per item.
    if isinstance(value, str):
        fast = parse_aws_iso(value)
        if fast is not None:
            return fast

    try:
        return _parse(value)
    except (TypeError, ValueError) as error:
        raise ResponseParserError(f"Invalid timestamp in response: {error}") from error


def serialize_timestamp(value: datetime | str | int | float | Decimal) -> str:
    """Format a request timestamp as botocore puts it in the query string.

    The result is UTC ISO 8601, `%Y-%m-%dT%H:%M:%SZ`, with `.%f` before the `Z`
    when there are microseconds. A naive datetime or a string without a zone is
    taken as UTC, as botocore does. Raises ValueError (TypeError for an
    unsupported type) naming the value.
    """
    moment = to_utc(value)
    if moment.microsecond:
        return moment.strftime(_ISO8601_MICRO)
    return moment.strftime(_ISO8601)


def to_utc(value: datetime | str | int | float | Decimal) -> datetime:
    """Convert a request timestamp to an aware UTC datetime (botocore's `parse_to_aware_datetime`).

    Raises ValueError for an unparseable string, an epoch number out of range
    or a datetime that moves out of range when converted to UTC, and TypeError
    for any other type (a `date`, for example, which botocore also rejects).
    """
    moment = value if isinstance(value, datetime) else _parse(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)

    try:
        return moment.astimezone(timezone.utc)
    except OverflowError as error:
        raise ValueError(f'Invalid timestamp "{value}": out of range in UTC') from error


def _parse(value: object) -> datetime:
    if isinstance(value, str):
        return _parse_string(value)

    # bool is an int: botocore reads True as 1 second after the epoch, and so does this.
    if isinstance(value, (int, float)) or _is_decimal(value):
        return _from_epoch(value, value)  # type: ignore[arg-type]

    raise TypeError(
        f'Invalid timestamp "{value}": type {type(value).__name__} is not a datetime, '
        f"a string or a number of epoch seconds"
    )


def _parse_string(value: str) -> datetime:
    fast = parse_aws_iso(value)
    if fast is not None:
        return fast

    # Numbers first, as botocore does: "20240102" is epoch seconds, not a date.
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return _from_epoch(seconds, value)

    match = re.fullmatch(_ISO_8601, value)
    if match is not None:
        return _build(value, match.groupdict(), month=int(match["month"]))

    match = re.fullmatch(_RFC_1123, value)
    if match is not None:
        return _build(value, match.groupdict(), month=_MONTHS[match["month"]])

    raise ValueError(f'Invalid timestamp "{value}": expected {ACCEPTED_FORMATS}')


def parse_aws_iso(value: str) -> datetime | None:
    """Parse the UTC form AWS sends with `fromisoformat`, or return None for any other form.

    Python 3.10's `fromisoformat` takes neither `Z` nor fractions other than 3
    or 6 digits, and 3.11+ takes forms dateutil reads differently (week dates,
    the basic format). The fixed layout below rules all of those out.
    """
    # One dict lookup and one slice check the length and all separators.
    if _FAST_PATH_SEPARATORS.get(len(value)) != value[4:20:3]:
        return None
    if value[-1] != "Z" or not value.isascii():
        return None

    try:
        return _fromisoformat_utc(value)
    except ValueError:
        return None


def convert_aws_iso_members(
    items: list[dict[str, Any]], indexes: Iterable[int], names: Iterable[str]
) -> list[int]:
    """Parse in place, as `parse_aws_iso` would, the members in `names` of the indexed items.

    Every value of these items must be a string. Returns the indexes of the items
    that have a member not in the form AWS sends. Such an item may already have
    some members converted, and it needs the full parser for the rest.

    A listing converts three timestamps of each of thousands of items, so the
    checks of `parse_aws_iso` are repeated here instead of called, and the
    items are not copied. `isascii` is not needed: with the separators and the
    `Z` in place, `fromisoformat` rejects any other character where a digit
    belongs, on CPython 3.10 to 3.13.
    """
    leftovers: list[int] = []
    layout = _FAST_PATH_SEPARATORS.get
    for index in indexes:
        item = items[index]
        try:
            for name in names:
                value = item.get(name)
                if value is None:
                    continue
                if layout(len(value)) != value[4:20:3] or value[-1] != "Z":
                    leftovers.append(index)
                    break
                item[name] = _fromisoformat_utc(value)
        except ValueError:
            leftovers.append(index)
    return leftovers


def convert_aws_iso_page(items: list[dict[str, Any]], names: Iterable[str]) -> bool:
    """Parse in place the members in `names` of all `items`, when all are in the form AWS sends.

    Every value of these items must be a string. When any of those members is in
    another form, returns False and leaves the items as they were, so that
    `convert_aws_iso_members` can convert them one by one.

    A page of 1,000 items contains about 3,000 timestamps, so the layout is not
    checked string by string before `fromisoformat`: every string is converted
    first, then all are checked at once, with slices of one joined string per
    length (`_in_aws_layout`). The result is the same, for about 0.4 ms less
    per page of 1,000 on CPython 3.11.
    """
    originals: list[str] = []
    keep = originals.append
    try:
        for item in items:
            for name in names:
                value = item.get(name)
                if value is not None:
                    keep(value)
                    item[name] = _fromisoformat_utc(value)
    except ValueError:
        _restore_members(items, names, originals)
        return False

    if not _in_aws_layout(originals):
        _restore_members(items, names, originals)
        return False
    return True


def _in_aws_layout(values: list[str]) -> bool:
    """Return True when every value has the separators and the "Z" of a form AWS sends."""
    lengths = list(map(len, values))
    distinct = set(lengths)
    for length in distinct:
        layout = _AWS_LAYOUTS.get(length)
        if layout is None:
            return False
        group = (
            values if len(distinct) == 1 else list(compress(values, map(length.__eq__, lengths)))
        )
        # Slicing with the length as step picks one index of every string in the group.
        joined = "".join(group)
        for index, character in layout:
            if joined[index::length] != character * len(group):
                return False
    return True


def _restore_members(
    items: list[dict[str, Any]], names: Iterable[str], originals: list[str]
) -> None:
    """Put back the strings `convert_aws_iso_page` read, in the order it read them."""
    remaining = iter(originals)
    for item in items:
        for name in names:
            if name in item:
                original = next(remaining, None)
                if original is None:
                    return
                item[name] = original


def _is_decimal(value: object) -> bool:
    # A Decimal can exist only once `decimal` is imported, so looking in sys.modules
    # keeps that import out of start-up.
    module = sys.modules.get("decimal")
    return module is not None and isinstance(value, module.Decimal)


def _from_epoch(seconds: float | Decimal, original: object) -> datetime:
    # The same call botocore makes, so floats round to microseconds the same way.
    try:
        return datetime.fromtimestamp(float(seconds), timezone.utc)
    except (OverflowError, OSError, ValueError) as error:
        raise ValueError(
            f'Invalid timestamp "{original}": {seconds} epoch seconds is out of range ({error})'
        ) from error


def _build(value: str, fields: dict[str, str | None], *, month: int) -> datetime:
    fraction = fields.get("fraction") or ""
    try:
        return datetime(
            int(fields["year"] or 0),
            month,
            int(fields["day"] or 0),
            int(fields["hour"] or 0),
            int(fields["minute"] or 0),
            int(fields["second"] or 0),
            # Cut, not rounded, to microseconds, as dateutil does.
            int(fraction[:6].ljust(6, "0")),
            _zone(fields["zone"]),
        )
    except ValueError as error:
        raise ValueError(f'Invalid timestamp "{value}": {error}') from error


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text in ("Z", "z", "GMT", "UTC"):
        return timezone.utc

    digits = text[1:].replace(":", "")
    # Minutes above 59 are added as they are ("+05:75" is 6:15), as dateutil does.
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return timezone(-offset if text[0] == "-" else offset)
