"""Paginator configs (the `paginators-1.json` language) and `PaginationConfig` values."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

from ..exceptions import PaginationError, ParamValidationError
from .expressions import Expression, compile_expression
from .tokens import StartingPoint, decode_starting_token

LimitType = Literal["integer", "string"]

PAGINATION_CONFIG_KEYS = ("MaxItems", "PageSize", "StartingToken")


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


class PaginatorConfig(NamedTuple):
    """One operation's entry of a `paginators-1.json` file, compiled.

    `result_keys[0]` is the primary result key: `MaxItems` counts its items and
    mid-page truncation slices it. `limit_type` is the type of the input member
    named by `limit_key`, which decides how `PageSize` is coerced.
    """

    input_tokens: tuple[str, ...]
    output_tokens: tuple[Expression, ...]
    result_keys: tuple[Expression, ...]
    more_results: Expression | None = None
    non_aggregate_keys: tuple[Expression, ...] = ()
    limit_key: str | None = None
    limit_type: LimitType = "integer"

    @classmethod
    def from_dict(
        cls, config: Mapping[str, Any], *, limit_type: LimitType = "integer"
    ) -> "PaginatorConfig":
        """Compile a `paginators-1.json` entry such as `{"input_token": "nextToken", ...}`."""
        try:
            input_tokens = _as_list(config["input_token"])
            output_tokens = _as_list(config["output_token"])
        except KeyError as error:
            raise PaginationError(
                f"Paginator config is missing {error.args[0]!r}: {dict(config)!r}"
            ) from None

        more_results = config.get("more_results")
        return cls(
            input_tokens=tuple(input_tokens),
            output_tokens=tuple(compile_expression(token) for token in output_tokens),
            result_keys=tuple(
                compile_expression(key) for key in _as_list(config.get("result_key"))
            ),
            more_results=compile_expression(more_results) if more_results else None,
            non_aggregate_keys=tuple(
                compile_expression(key) for key in config.get("non_aggregate_keys", ())
            ),
            limit_key=config.get("limit_key"),
            limit_type=limit_type,
        )


class PagingParams(NamedTuple):
    """A validated `PaginationConfig`."""

    max_items: int | None = None
    page_size: int | str | None = None
    starting_token: str | None = None
    starting_point: StartingPoint | None = None


def parse_pagination_config(
    pagination_config: Mapping[str, Any] | None, config: PaginatorConfig
) -> PagingParams:
    """Validate `PaginationConfig` completely, before any request is sent.

    botocore coerces with `int()` and only notices a bad `StartingToken` when it
    next has to encode a token, after a page was fetched and lost; here every
    value is checked up front. `MaxItems` and `PageSize` must be positive:
    botocore yields an empty page for `MaxItems=0` and slices from the end for
    negative values.
    """
    if pagination_config is None:
        return PagingParams()
    if not isinstance(pagination_config, Mapping):
        raise ParamValidationError(
            f"Invalid type for parameter PaginationConfig, value: {pagination_config!r}, "
            f"type: {type(pagination_config).__name__}, valid types: dict"
        )

    unknown = sorted(set(pagination_config) - set(PAGINATION_CONFIG_KEYS))
    if unknown:
        raise ParamValidationError(
            f"Unknown key(s) {unknown} in PaginationConfig, must be one of: "
            f"{', '.join(PAGINATION_CONFIG_KEYS)}"
        )

    max_items = _positive_int("MaxItems", pagination_config.get("MaxItems"))
    page_size = _page_size(pagination_config.get("PageSize"), config)
    starting_token = pagination_config.get("StartingToken")
    starting_point = None
    if starting_token is not None:
        starting_point = decode_starting_token(starting_token, config.input_tokens)
    return PagingParams(max_items, page_size, starting_token, starting_point)


def _positive_int(name: str, value: Any) -> int | None:
    if value is None:
        return None

    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value)
        except ValueError:
            number = None
    if number is None:
        raise ParamValidationError(
            f"Invalid value for PaginationConfig {name}: {value!r}. Expected a positive integer."
        )
    if number <= 0:
        raise ParamValidationError(
            f"Invalid value for PaginationConfig {name}: {value!r}. It must be 1 or more."
        )
    return number


def _page_size(value: Any, config: PaginatorConfig) -> int | str | None:
    if value is None:
        return None
    if config.limit_key is None:
        raise PaginationError(
            "PageSize parameter is not supported for the pagination interface for this operation."
        )
    if config.limit_type == "string":
        return _page_size_text(value)
    return _positive_int("PageSize", value)


def _page_size_text(value: Any) -> str:
    """Coerce PageSize for a string limit member as botocore does, rejecting numbers <= 0.

    A string that is not a number is sent unchanged, as botocore sends it,
    because the service defines what such a member accepts.
    """
    text = value if isinstance(value, str) else str(value)
    try:
        number = int(text)
    except ValueError:
        return text
    if number <= 0:
        raise ParamValidationError(
            f"Invalid value for PaginationConfig PageSize: {value!r}. It must be 1 or more."
        )
    return text
