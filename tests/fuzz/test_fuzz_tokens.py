"""Fuzz the StartingToken decoder and PaginationConfig validation.

Only `PaginationError` and `ParamValidationError` may escape, and each message
must show the rejected value. Tokens in botocore's format must round-trip and
match botocore 1.44.8's encoder byte for byte.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from botocore.paginate import TokenDecoder, TokenEncoder
from hypothesis import given
from hypothesis import strategies as st

from bedrockpage._client import paginator_config
from bedrockpage.exceptions import PaginationError, ParamValidationError
from bedrockpage.pagination.config import PaginatorConfig, parse_pagination_config
from bedrockpage.pagination.tokens import (
    TRUNCATE_AMOUNT_KEY,
    decode_starting_token,
    encode_token,
)
from tests.fuzz.conftest import examples_run, fuzz_settings

INPUT_TOKENS = ("nextToken",)
MULTI_INPUT_TOKENS = ("Marker", "NextKeyMarker")
CONFIG = paginator_config("list_model_customization_jobs")
MULTI_CONFIG = PaginatorConfig.from_dict(
    {
        "input_token": list(MULTI_INPUT_TOKENS),
        "output_token": list(MULTI_INPUT_TOKENS),
        "limit_key": "MaxKeys",
        "result_key": "Items",
    }
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
token_keys = st.sampled_from(
    ["nextToken", "Marker", "NextKeyMarker", TRUNCATE_AMOUNT_KEY, "boto_encoded_keys"]
) | st.text(max_size=10)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


random_tokens = st.one_of(
    st.text(),
    st.binary().map(lambda data: data.decode("latin-1")),
    st.binary().map(b64),
    json_values.map(lambda value: b64(json.dumps(value).encode())),
    st.dictionaries(token_keys, json_values, max_size=4).map(
        lambda state: b64(json.dumps(state).encode())
    ),
    st.lists(st.text(max_size=8) | st.just("None"), min_size=1, max_size=4).map("___".join),
    st.tuples(st.text(max_size=8), st.integers(-5, 10**12)).map(
        lambda pair: f"{pair[0]}___{pair[1]}"
    ),
)


def check_decode(token: Any, input_tokens: tuple[str, ...]) -> None:
    try:
        start = decode_starting_token(token, input_tokens)
    except PaginationError as error:
        # Messages quote at most the first 60 characters, and a shorter excerpt may
        # pick the other quote character, so the opening quote is left out.
        assert repr(token)[1:30] in str(error), f"{error} does not name {token!r}"
        return
    assert sorted(start.tokens) == sorted(input_tokens)
    assert isinstance(start.truncate_amount, int)
    assert start.truncate_amount >= 0


@fuzz_settings()
@given(token=random_tokens, multi=st.booleans())
def test_token_decoder_fuzz(token: str, multi: bool) -> None:
    examples_run["token decoder"] += 1

    check_decode(token, MULTI_INPUT_TOKENS if multi else INPUT_TOKENS)


@fuzz_settings(0.2)
@given(token=st.none() | st.integers() | st.binary() | st.lists(st.text(), max_size=2))
def test_token_decoder_rejects_non_strings(token: Any) -> None:
    examples_run["token decoder, non-string"] += 1

    try:
        decode_starting_token(token, INPUT_TOKENS)
    except PaginationError as error:
        assert repr(token)[:30] in str(error)
        assert type(token).__name__ in str(error)
    else:
        raise AssertionError(f"{token!r} was accepted as a StartingToken")


service_tokens = st.text() | st.binary(min_size=1)


@fuzz_settings(0.5)
@given(
    tokens=st.tuples(st.none() | service_tokens, st.none() | service_tokens),
    amount=st.none() | st.integers(min_value=0, max_value=10**9),
)
def test_token_round_trip_matches_botocore(
    tokens: tuple[str | bytes | None, str | bytes | None], amount: int | None
) -> None:
    examples_run["token round trip"] += 1
    state: dict[str, Any] = dict(zip(MULTI_INPUT_TOKENS, tokens, strict=True))
    if amount is not None:
        state[TRUNCATE_AMOUNT_KEY] = amount

    token = encode_token(dict(state))

    assert token == TokenEncoder().encode(dict(state))
    start = decode_starting_token(token, MULTI_INPUT_TOKENS)
    assert start.tokens == dict(zip(MULTI_INPUT_TOKENS, tokens, strict=True))
    assert start.truncate_amount == (amount or 0)
    expected = TokenDecoder().decode(token)
    expected.pop(TRUNCATE_AMOUNT_KEY, None)
    assert start.tokens == expected


pagination_values = st.none() | st.integers() | st.text(max_size=8) | st.floats() | st.booleans()


@fuzz_settings(0.5)
@given(
    config=st.dictionaries(
        st.sampled_from(["MaxItems", "PageSize", "StartingToken"]) | st.text(max_size=8),
        pagination_values | random_tokens,
        max_size=4,
    ),
    multi=st.booleans(),
)
def test_pagination_config_fuzz(config: dict[str, Any], multi: bool) -> None:
    examples_run["PaginationConfig"] += 1

    try:
        params = parse_pagination_config(config, MULTI_CONFIG if multi else CONFIG)
    except ParamValidationError as error:
        message = str(error)
        assert any(
            repr(key) in message or repr(value)[:20] in message for key, value in config.items()
        ), message
        return
    except PaginationError as error:
        assert "StartingToken" in config or "PageSize" in config, str(error)
        return
    if params.max_items is not None:
        assert params.max_items >= 1
    if isinstance(params.page_size, int):
        assert params.page_size >= 1
