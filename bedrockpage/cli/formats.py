"""Output formats of the command line: json, jsonl, text and table, shaped like the AWS CLI's.

Every formatter takes plain JSON data: `to_plain` first turns datetimes into
ISO 8601 text, as the AWS CLI prints them.

- `json`: 4-space indent, non-ASCII kept, as `aws --output json`.
- `text`: the AWS CLI's text layout. The scalars of a dict go on one
  tab-separated line, sorted by key and prefixed with the parent key in upper
  case. A list of dicts prints one line per element, with the union of their
  scalar keys as columns. Nested lists and dicts follow on their own lines.
- `table`: boxed sections like `aws --output table`: the operation name as
  title, one section per nested key, a header row of column names and one row
  per element. NOTE: the layout follows the AWS CLI's structure; column widths
  and padding are this module's own, not a byte-for-byte copy.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import IO, Any


def to_plain(value: Any) -> Any:
    """Return `value` with datetimes as ISO 8601 text and bytes as UTF-8 text."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def write_json(result: Any, stream: IO[str]) -> None:
    """Write `result` as the AWS CLI does: 4-space indent, timestamps in ISO 8601."""
    json.dump(result, stream, indent=4, default=_json_default, ensure_ascii=False)
    stream.write("\n")


def write_json_line(value: Any, stream: IO[str]) -> None:
    """Write `value` as one line of compact JSON (JSON Lines)."""
    stream.write(json.dumps(value, default=_json_default, ensure_ascii=False))
    stream.write("\n")


# -- text -----------------------------------------------------------------------


def write_text(data: Any, stream: IO[str]) -> None:
    """Write `data` in the AWS CLI's `--output text` layout."""
    _format_text(to_plain(data), stream)


def _format_text(
    item: Any, stream: IO[str], identifier: str | None = None, scalar_keys: list[str] | None = None
) -> None:
    if isinstance(item, dict):
        _format_text_dict(item, stream, identifier, scalar_keys)
    elif isinstance(item, list):
        _format_text_list(item, stream, identifier)
    else:
        stream.write(f"{_text_scalar(item)}\n")


def _format_text_list(items: list[Any], stream: IO[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        keys = _all_scalar_keys(element for element in items if isinstance(element, dict))
        for element in items:
            _format_text(element, stream, identifier, keys)
        return

    scalars = [element for element in items if not isinstance(element, list)]
    nested = [element for element in items if isinstance(element, list)]
    if scalars:
        _format_text_scalar_list(scalars, stream, identifier)
    for element in nested:
        _format_text(element, stream, identifier)


def _format_text_scalar_list(items: list[Any], stream: IO[str], identifier: str | None) -> None:
    if identifier is None:
        stream.write("\t".join(_text_scalar(item) for item in items) + "\n")
        return
    for item in items:
        stream.write(f"{identifier.upper()}\t{_text_scalar(item)}\n")


def _format_text_dict(
    item: dict[str, Any], stream: IO[str], identifier: str | None, scalar_keys: list[str] | None
) -> None:
    scalars, nested = _partition_dict(item, scalar_keys)
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        stream.write("\t".join(scalars) + "\n")
    for key, value in nested:
        _format_text(value, stream, key)


def _partition_dict(
    item: dict[str, Any], scalar_keys: list[str] | None
) -> tuple[list[str], list[tuple[str, Any]]]:
    if scalar_keys is None:
        scalar_keys = sorted(key for key, value in item.items() if not _is_nested(value))
    scalars = [_text_scalar(item.get(key, "")) for key in scalar_keys]
    nested = [(key, item[key]) for key in sorted(set(item) - set(scalar_keys))]
    return scalars, nested


def _all_scalar_keys(items: Iterable[dict[str, Any]]) -> list[str]:
    keys = {key for item in items for key, value in item.items() if not _is_nested(value)}
    return sorted(keys)


def _is_nested(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _text_scalar(value: Any) -> str:
    # The AWS CLI prints Python's str() of each value: True, False and None as such.
    return str(value)


# -- table ----------------------------------------------------------------------


class _Section:
    """One box of the table: a title, column headers and rows, nested `depth` levels deep."""

    def __init__(self, title: str, depth: int) -> None:
        self.title = title
        self.depth = depth
        self.headers: list[str] = []
        self.rows: list[list[str]] = []

    def column_widths(self) -> list[int]:
        widths = [len(header) for header in self.headers]
        for row in self.rows:
            widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
        # Two spaces of padding on each side of the widest cell.
        return [width + 4 for width in widths]

    def min_width(self) -> int:
        columns = self.column_widths()
        content = sum(columns) + max(0, len(columns) - 1)
        return max(content, len(self.title) + 4) + 2 * (self.depth + 1)


def write_table(data: Any, title: str, stream: IO[str]) -> None:
    """Write `data` as boxed sections in the manner of `aws --output table`."""
    sections: list[_Section] = []
    _collect_sections(to_plain(data), title, 0, sections)
    if not sections:
        return

    width = max(section.min_width() for section in sections)
    stream.write("-" * width + "\n")
    for section in sections:
        _render_section(section, width, stream)


def _collect_sections(data: Any, title: str, depth: int, sections: list[_Section]) -> None:
    section = _Section(title, depth)
    sections.append(section)
    if isinstance(data, dict):
        _fill_from_dict(section, data, depth, sections)
    elif isinstance(data, list):
        _fill_from_list(section, data, depth, sections)
    else:
        section.rows.append([_text_scalar(data)])
        section.headers = [""]


def _fill_from_dict(
    section: _Section, data: dict[str, Any], depth: int, sections: list[_Section]
) -> None:
    keys = sorted(key for key, value in data.items() if not _is_nested(value))
    if keys:
        section.headers = keys
        section.rows.append([_text_scalar(data[key]) for key in keys])
    for key in sorted(key for key, value in data.items() if _is_nested(value)):
        _collect_sections(data[key], key, depth + 1, sections)


def _fill_from_list(
    section: _Section, data: list[Any], depth: int, sections: list[_Section]
) -> None:
    dicts = [element for element in data if isinstance(element, dict)]
    if not dicts:
        # Scalars become one-cell rows and inner lists (`--query '[].[a, b]'`) whole rows.
        rows = [element if isinstance(element, list) else [element] for element in data]
        width = max((len(row) for row in rows), default=1)
        section.headers = [""] * width
        section.rows = [
            [_text_scalar(cell) for cell in row] + [""] * (width - len(row)) for row in rows
        ]
        return

    keys = _all_scalar_keys(dicts)
    section.headers = keys
    for element in dicts:
        section.rows.append([_text_scalar(element.get(key, "")) for key in keys])
    for element in dicts:
        for key in sorted(key for key, value in element.items() if _is_nested(value)):
            _collect_sections(element[key], key, depth + 1, sections)


def _render_section(section: _Section, width: int, stream: IO[str]) -> None:
    left = "|" * section.depth
    inner = width - 2 * section.depth
    stream.write(f"{left}|{section.title.center(inner - 2)}|{left}\n")
    if not section.rows:
        stream.write(f"{left}+{'-' * (inner - 2)}+{left}\n")
        return

    columns = _stretch(section.column_widths(), inner - 2)
    rule = f"{left}+{'+'.join('-' * column for column in columns)}+{left}\n"
    stream.write(rule)
    if any(section.headers):
        stream.write(_table_row(left, section.headers, columns, center=True))
        stream.write(rule)
    for row in section.rows:
        stream.write(_table_row(left, row, columns, center=False))
    stream.write(rule)


def _table_row(left: str, cells: list[str], columns: list[int], *, center: bool) -> str:
    padded = [
        cell.center(column) if center else f"  {cell}".ljust(column)
        for cell, column in zip(cells, columns, strict=True)
    ]
    return f"{left}|{'|'.join(padded)}|{left}\n"


def _stretch(columns: list[int], total: int) -> list[int]:
    """Widen the columns so that they and their separators fill `total` characters."""
    used = sum(columns) + len(columns) - 1
    extra = max(0, total - used)
    share, remainder = divmod(extra, len(columns))
    stretched = [column + share for column in columns]
    stretched[-1] += remainder
    return stretched
