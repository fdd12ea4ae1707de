"""Merging pages into one result, as botocore's `build_full_result()` does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .expressions import Expression, merge_dicts, set_value


class FullResultBuilder:
    """Accumulates pages: result-key lists are concatenated, numbers added, strings joined.

    Keys outside the result keys are dropped, except the non-aggregate keys of the
    first page, and `NextToken` is added when the run stopped with a resume token.
    """

    def __init__(self, result_keys: Sequence[Expression]) -> None:
        self._result_keys = result_keys
        self._result: dict[str, Any] = {}

    def add_page(self, page: dict[str, Any]) -> None:
        for key in self._result_keys:
            value = key.search(page)
            if value is None:
                continue

            existing = key.search(self._result)
            if existing is None:
                set_value(self._result, key.expression, value)
            elif isinstance(value, list):
                existing.extend(value)
            elif isinstance(value, (int, float, str)):
                set_value(self._result, key.expression, existing + value)

    def build(self, non_aggregate_part: dict[str, Any], resume_token: str | None) -> dict[str, Any]:
        merge_dicts(self._result, non_aggregate_part)
        if resume_token is not None:
            self._result["NextToken"] = resume_token
        return self._result


def result_key_items(page: dict[str, Any], key: Expression) -> list[Any]:
    """Return the items of one result key on a page, `[]` when the key is absent."""
    items = key.search(page)
    return [] if items is None else list(items)


class ResultKeyIterator:
    """The items of one result key across a run's pages, like botocore's `ResultKeyIterator`.

    It is an iterable, not an iterator, and it reads its pages once: a second
    pass yields nothing, as in botocore.
    """

    def __init__(self, pages: Iterable[dict[str, Any]], result_key: Expression) -> None:
        self._pages = pages
        self.result_key = result_key

    def __iter__(self) -> Iterator[Any]:
        for page in self._pages:
            yield from result_key_items(page, self.result_key)
