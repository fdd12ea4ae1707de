"""Output sinks for pages: the merged result (json, text, table) or one job per line (jsonl)."""

from __future__ import annotations

from typing import IO, Any

from .arguments import OPERATION, OPERATION_TITLE, RESULT_KEY, UsageError
from .formats import to_plain, write_json, write_json_line, write_table, write_text


class QueryUnavailable(Exception):
    """`--query` was given but jmespath is not installed."""


def compile_query(expression: str | None) -> Any:
    """Compile `--query`, importing jmespath only when a query is given."""
    if expression is None:
        return None
    try:
        import jmespath
    except ImportError:
        raise QueryUnavailable(
            "--query needs the jmespath package: pip install 'bedrockpage[jmespath]'"
        ) from None
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        # JMESPathError, not ParseError: an empty expression raises EmptyExpressionError.
        # jmespath's messages span lines (the expression, then a caret under the error).
        detail = " ".join(str(error).split())
        raise UsageError(f"invalid --query expression {expression!r}: {detail}") from None


def write_result(result: Any, output: str, stream: IO[str]) -> None:
    if output == "text":
        write_text(result, stream)
    elif output == "table":
        write_table(result, OPERATION_TITLE, stream)
    elif output == "jsonl":
        write_json_line(result, stream)
    else:
        write_json(result, stream)


class Sink:
    """Receives pages; json, text and table collect them, jsonl writes each job at once."""

    def __init__(self, output: str, query: Any, stream: IO[str]) -> None:
        from ..pagination.results import FullResultBuilder

        self.output = output
        self.query = query
        self._stream = stream
        self._builder: Any = None
        if output != "jsonl":
            from .._client import paginator_config

            self._builder = FullResultBuilder(paginator_config(OPERATION).result_keys)

    def add_page(self, page: dict[str, Any]) -> None:
        if self._builder is not None:
            self._builder.add_page(page)
            return
        for job in page.get(RESULT_KEY, []):
            value = to_plain(job)
            if self.query is not None:
                value = self.query.search(value)
            write_json_line(value, self._stream)
        self._stream.flush()

    def finish(self, non_aggregate_part: dict[str, Any], next_token: str | None) -> None:
        if self._builder is None:
            return
        self.write_whole(self._builder.build(non_aggregate_part, next_token))

    def write_whole(self, result: dict[str, Any]) -> None:
        """Write a complete result (a single call's response, or the merged pages)."""
        value = to_plain(result)
        if self.query is not None:
            value = self.query.search(value)
        write_result(value, self.output, self._stream)
