"""Page sequences for any `paginators-1.json` entry, and the botocore oracle to compare with.

A `Scenario` is config-independent random data (page sizes, token kinds,
`PaginationConfig` choices). `build_pages` turns it into the pages a service
with a given paginator config would return, and `ScriptedService` serves them,
mapping each next token back to the page it fetches.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import botocore.session
import jmespath
from botocore.paginate import PageIterator as BotocorePageIterator
from botocore.paginate import Paginator as BotocorePaginator
from botocore.paginate import TokenDecoder
from botocore.utils import set_value_from_jmespath

# `Contents[-1].Key`: the token is a field of the last item of a list.
_LAST_ITEM_FIELD = re.compile(r"(?P<list>[A-Za-z0-9_.]+)\[-1\]\.(?P<field>[A-Za-z0-9_]+)\Z")
# `NextMarker || Contents[-1].Key`: an explicit token with a fallback.
_FALLBACK = re.compile(r"(?P<first>[A-Za-z0-9_.]+) \|\| (?P<second>.+)\Z")


@dataclass(frozen=True)
class PaginatorEntry:
    service: str
    operation: str
    config: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.service}.{self.operation}"


def load_all_entries() -> list[PaginatorEntry]:
    """Read every operation of every `paginators-1.json` in the installed botocore."""
    loader = _session().get_component("data_loader")
    entries = []
    for service in loader.list_available_services("paginators-1"):
        configs = loader.load_service_model(service, "paginators-1")["pagination"]
        for operation, config in sorted(configs.items()):
            entries.append(PaginatorEntry(service, operation, config))
    return entries


@lru_cache(maxsize=1)
def _session() -> Any:
    return botocore.session.get_session()


@cache
def operation_model(service: str, operation: str) -> Any:
    return _session().get_service_model(service).operation_model(operation)


def limit_type(entry: PaginatorEntry) -> str:
    """The type of the limit-key member, which decides how botocore coerces PageSize."""
    limit_key = entry.config.get("limit_key")
    if limit_key is None:
        return "integer"
    shape = operation_model(entry.service, entry.operation).input_shape.members[limit_key]
    return "string" if shape.type_name == "string" else "integer"


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Scenario:
    """Random, config-independent choices for one example."""

    sizes: tuple[int, ...]
    token_kind: str  # "str", "int" or "bytes" (a dict token holding bytes, like DynamoDB keys)
    partial_tokens: tuple[bool, ...]  # per page: leave secondary output tokens out
    use_fallback: tuple[bool, ...]  # per page: fill the first half of `A || B`
    last_page_token: str  # "absent", "empty" or "null"
    secondary: str  # "list", "string", "number" or "absent"
    max_items: int | str | None
    page_size: int | str | None
    start: tuple[int, int | None] | None  # (page index, legacy truncation amount)


@dataclass
class BuiltPages:
    pages: list[dict[str, Any]]
    #: canonical input-token values -> index of the page they fetch
    token_index: dict[str, int]
    #: the raw service token values that fetch each page (None for page 0)
    raw_tokens: list[list[Any] | None]


def canonical(values: list[Any]) -> str:
    return json.dumps(values, sort_keys=True, default=lambda value: "bytes:" + value.hex())


def _token_value(kind: str, page: int, position: int) -> Any:
    if kind == "int":
        return page * 10 + position + 1
    if kind == "bytes":
        return {"pk": {"B": bytes([page, position, 0xFF])}, "sk": {"S": f"s{page}"}}
    return f"tok-{page}-{position}"


def _safe_set(page: dict[str, Any], expression: str, value: Any) -> None:
    """Set a dotted path unless another key already put a non-dict on the way."""
    with contextlib.suppress(TypeError, AttributeError):
        set_value_from_jmespath(page, expression, value)


def _item_fields(config: dict[str, Any]) -> dict[str, list[str]]:
    """Fields that items of each list need because an output token reads `List[-1].Field`."""
    fields: dict[str, list[str]] = {}
    for expression in as_list(config["output_token"]):
        fallback = _FALLBACK.match(expression)
        if fallback:
            expression = fallback["second"]
        match = _LAST_ITEM_FIELD.match(expression)
        if match:
            fields.setdefault(match["list"], []).append(match["field"])
    return fields


def build_pages(config: dict[str, Any], scenario: Scenario) -> BuiltPages:
    result_keys = as_list(config["result_key"])
    outputs = as_list(config["output_token"])
    item_fields = _item_fields(config)
    more_results = config.get("more_results")
    pages: list[dict[str, Any]] = []
    counter = 0

    for index, size in enumerate(scenario.sizes):
        last = index == len(scenario.sizes) - 1
        page: dict[str, Any] = {}

        for position, key in enumerate(config.get("non_aggregate_keys", [])):
            _safe_set(page, key, f"na-{index}-{position}")
        for position, key in enumerate(result_keys[1:]):
            value = _secondary_value(scenario.secondary, index, position)
            if value is not None:
                _safe_set(page, key, value)

        items = []
        for _ in range(size):
            item: dict[str, Any] = {"Id": counter}
            for name in item_fields.get(result_keys[0], []):
                item[name] = f"key-{counter:05d}"
            items.append(item)
            counter += 1
        _safe_set(page, result_keys[0], items)

        _set_tokens(page, outputs, scenario, index, last)
        if more_results is not None:
            _safe_set(page, more_results, not last)
        pages.append(page)

    return _index_tokens(config, pages)


def _secondary_value(kind: str, page: int, position: int) -> Any:
    if kind == "list":
        return [f"s{position}-{page}-{n}" for n in range(page % 3)]
    if kind == "string":
        return f"s{position}-{page};"
    if kind == "number":
        return page + position + 1
    return None


def _set_tokens(
    page: dict[str, Any], outputs: list[str], scenario: Scenario, index: int, last: bool
) -> None:
    if last:
        if scenario.last_page_token == "absent":
            return
        value = "" if scenario.last_page_token == "empty" else None
        for expression in outputs:
            fallback = _FALLBACK.match(expression)
            target = fallback["first"] if fallback else expression
            if not _LAST_ITEM_FIELD.match(target):
                _safe_set(page, target, value)
        return

    for position, expression in enumerate(outputs):
        if position > 0 and scenario.partial_tokens[index % len(scenario.partial_tokens)]:
            continue
        fallback = _FALLBACK.match(expression)
        if fallback:
            if scenario.use_fallback[index % len(scenario.use_fallback)]:
                _safe_set(
                    page, fallback["first"], _token_value(scenario.token_kind, index, position)
                )
            continue
        if _LAST_ITEM_FIELD.match(expression):
            continue
        _safe_set(page, expression, _token_value(scenario.token_kind, index, position))


def _index_tokens(config: dict[str, Any], pages: list[dict[str, Any]]) -> BuiltPages:
    """Record which token values fetch which page, as the paginators will send them."""
    outputs = [jmespath.compile(expression) for expression in as_list(config["output_token"])]
    token_index: dict[str, int] = {}
    raw_tokens: list[list[Any] | None] = [None]
    for index, page in enumerate(pages[:-1]):
        values = [expression.search(page) or None for expression in outputs]
        raw_tokens.append(values)
        token_index.setdefault(canonical(values), index + 1)
    return BuiltPages(pages, token_index, raw_tokens)


class ScriptedServiceError(Exception):
    """What the scripted service raises for a token it never issued."""


@dataclass
class ScriptedService:
    """Serves built pages, looking the page up by the input tokens of each request."""

    built: BuiltPages
    input_tokens: list[str]
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(copy.deepcopy(kwargs))
        values = [kwargs.get(name) for name in self.input_tokens]
        if all(value is None for value in values):
            return copy.deepcopy(self.built.pages[0])

        index = self.built.token_index.get(canonical(values))
        if index is None:
            raise ScriptedServiceError(f"InvalidNextToken: {canonical(values)}")
        return copy.deepcopy(self.built.pages[index])


def token_has_truncation(starting_token: str, input_tokens: list[str]) -> bool:
    """Whether botocore reads a truncation amount from `starting_token`."""
    try:
        decoded = TokenDecoder().decode(starting_token)
        return "boto_truncate_amount" in decoded
    except (ValueError, TypeError):
        parts = starting_token.split("___")
        if len(parts) != len(input_tokens) + 1:
            return False
        try:
            int(parts[-1])
        except ValueError:
            return False
        return True


class KeepSecondaryKeysPageIterator(BotocorePageIterator):  # type: ignore[misc]
    """botocore's PageIterator, except that a page-boundary resume keeps secondary result keys.

    botocore empties the secondary result keys of the first page whenever a
    StartingToken is given. Their items were already delivered only when the
    token points into the middle of a page, so bedrockpage empties them only
    then. This oracle applies that one rule and nothing else.
    """

    def _handle_first_request(
        self, parsed: dict[str, Any], primary_result_key: Any, starting_truncation: int
    ) -> int:
        if token_has_truncation(self._starting_token, self._input_token):
            result: int = super()._handle_first_request(
                parsed, primary_result_key, starting_truncation
            )
            return result

        all_data = primary_result_key.search(parsed)
        data = all_data if isinstance(all_data, (list, str)) else None
        set_value_from_jmespath(parsed, primary_result_key.expression, data)
        return 0


class OraclePaginator(BotocorePaginator):  # type: ignore[misc]
    PAGE_ITERATOR_CLS = KeepSecondaryKeysPageIterator
