"""Paginator-config expressions: plain keys without jmespath, anything else with it.

Paginator configs name tokens and result keys with JMESPath. Almost every one
is a plain key (`nextToken`) or a dotted path of plain keys (`Result.Items`),
which a dict lookup resolves exactly as JMESPath would. Only the rest
(`NextMarker || Contents[-1].Key`, `Items[-1].Id`) import `jmespath`, lazily,
so a client with a plain-key config never loads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol


class Expression(Protocol):
    """A compiled expression: `expression` is its source text."""

    expression: str

    def search(self, data: Any) -> Any: ...


class KeyPath:
    """A dotted path of plain keys, searched with dict lookups."""

    __slots__ = ("expression", "keys")

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.keys = tuple(expression.split("."))

    def search(self, data: Any) -> Any:
        for key in self.keys:
            if not isinstance(data, dict):
                return None
            data = data.get(key)
        return data

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyPath) and other.expression == self.expression

    def __hash__(self) -> int:
        return hash(self.expression)

    def __repr__(self) -> str:
        return f"KeyPath({self.expression!r})"


def load_jmespath() -> Any:
    """Import jmespath, with an install hint when it is missing."""
    try:
        import jmespath
    except ImportError as error:
        raise ImportError(
            "This paginator config or query uses a JMESPath expression, which needs the "
            "'jmespath' package: pip install 'bedrockpage[jmespath]'."
        ) from error
    return jmespath


@lru_cache(maxsize=512)
def _is_key_path(expression: str) -> bool:
    """Return True for plain keys joined by dots, each matching `[A-Za-z_][A-Za-z0-9_]*`.

    On ASCII text, `isidentifier` is that pattern; no regex is compiled at start-up.
    """
    return expression.isascii() and all(key.isidentifier() for key in expression.split("."))


def compile_expression(expression: str) -> Expression:
    """Compile `expression`, using a dict lookup when it is a plain key path."""
    if _is_key_path(expression):
        return KeyPath(expression)
    compiled: Expression = load_jmespath().compile(expression)
    return compiled


def set_value(container: dict[str, Any], expression: str, value: Any) -> None:
    """Set `value` at a dotted path, creating dicts on the way (botocore's set_value_from_jmespath).

    Like botocore, this treats the expression as dot-separated keys even when it
    is a richer JMESPath expression.
    """
    keys = expression.split(".")
    for key in keys[:-1]:
        if key not in container:
            container[key] = {}
        container = container[key]
    container[keys[-1]] = value


def merge_dicts(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge `source` into `target` recursively; lists and scalars in `source` win."""
    for key, value in source.items():
        if isinstance(value, dict) and key in target:
            merge_dicts(target[key], value)
        else:
            target[key] = value
