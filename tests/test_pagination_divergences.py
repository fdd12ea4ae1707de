"""Where bedrockpage's paginator deliberately differs from botocore 1.44.8, case by case.

Each test shows botocore's behaviour on the same input first, so a botocore
release that changes it makes the test fail and the difference gets reviewed.
docs/pagination.md lists the same differences with their reasons.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
from typing import Any

import pytest
from botocore.exceptions import PaginationError as BotocorePaginationError
from botocore.paginate import Paginator as BotocorePaginator

from bedrockpage.exceptions import PaginationError, ParamValidationError
from bedrockpage.pagination import Paginator

BEDROCK_CONFIG = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "items",
}
TWO_KEY_CONFIG = {
    "input_token": "Marker",
    "output_token": "NextMarker",
    "limit_key": "MaxItems",
    "result_key": ["Items", "CommonPrefixes"],
}


class _Shape:
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name


class _Model:
    """The part of botocore's OperationModel that its Paginator reads: the limit member type."""

    def __init__(self, limit_key: str) -> None:
        members = {limit_key: _Shape("integer")}
        self.input_shape = type("InputShape", (), {"members": members})()


class TokenService:
    """Returns `pages[token]` for the request's `token_name` (key None for no token)."""

    def __init__(self, pages: dict[str | None, dict[str, Any]], token_name: str) -> None:
        self.pages = pages
        self.token_name = token_name
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(copy.deepcopy(kwargs))
        return copy.deepcopy(self.pages[kwargs.get(self.token_name)])


def botocore_paginator(service: TokenService, config: dict[str, Any]) -> Any:
    return BotocorePaginator(service, config, _Model(config["limit_key"]))


CYCLE_PAGES: dict[str | None, dict[str, Any]] = {
    None: {"items": [0], "nextToken": "A"},
    "A": {"items": [1], "nextToken": "B"},
    "B": {"items": [2], "nextToken": "A"},
}


def test_token_cycle_botocore_loops_forever() -> None:
    service = TokenService(CYCLE_PAGES, "nextToken")
    pages = botocore_paginator(service, BEDROCK_CONFIG).paginate()

    first_twenty = list(itertools.islice(pages, 20))

    assert len(first_twenty) == 20
    assert [page["items"][0] for page in first_twenty[:5]] == [0, 1, 2, 1, 2]


def test_token_cycle_raises_before_repeated_page() -> None:
    service = TokenService(CYCLE_PAGES, "nextToken")
    delivered = []

    with pytest.raises(PaginationError, match="already used in this run") as raised:
        for page in Paginator(service, BEDROCK_CONFIG).paginate():
            delivered.append(page["items"][0])

    assert delivered == [0, 1, 2]
    assert [call.get("nextToken") for call in service.calls] == [None, "A", "B"]
    assert "'nextToken': 'A'" in str(raised.value)


def test_token_equal_to_starting_token_is_a_cycle() -> None:
    pages: dict[str | None, dict[str, Any]] = {"S": {"items": [5], "nextToken": "S"}}
    theirs = TokenService(pages, "nextToken")
    ours = TokenService(pages, "nextToken")
    config = {"StartingToken": "S"}

    with pytest.raises(BotocorePaginationError, match="same next token was received twice"):
        list(botocore_paginator(theirs, BEDROCK_CONFIG).paginate(PaginationConfig=config))
    with pytest.raises(PaginationError, match="already used in this run"):
        list(Paginator(ours, BEDROCK_CONFIG).paginate(PaginationConfig=config))

    assert len(theirs.calls) == 2
    assert len(ours.calls) == 1


@pytest.mark.parametrize("value", [0, -1, "0", "-3"])
@pytest.mark.parametrize("name", ["MaxItems", "PageSize"])
def test_non_positive_counts_rejected_before_request(name: str, value: Any) -> None:
    service = TokenService({None: {"items": [1, 2, 3]}}, "nextToken")

    with pytest.raises(ParamValidationError, match=f"PaginationConfig {name}") as raised:
        Paginator(service, BEDROCK_CONFIG).paginate(PaginationConfig={name: value})

    assert repr(value) in str(raised.value)
    assert service.calls == []


def test_non_positive_page_size_rejected_for_string_limit() -> None:
    service = TokenService({None: {"items": [1]}}, "nextToken")
    paginator = Paginator(service, BEDROCK_CONFIG, limit_type="string")

    with pytest.raises(ParamValidationError, match="It must be 1 or more"):
        paginator.paginate(PaginationConfig={"PageSize": 0})

    assert service.calls == []


def test_botocore_max_items_zero_and_negative() -> None:
    service = TokenService({None: {"items": [1, 2, 3], "nextToken": "t"}}, "nextToken")
    paginator = botocore_paginator(service, BEDROCK_CONFIG)

    zero = list(paginator.paginate(PaginationConfig={"MaxItems": 0}))
    negative = list(paginator.paginate(PaginationConfig={"MaxItems": -1}))

    assert zero == [{"items": [], "nextToken": "t"}]
    assert negative == [{"items": [1, 2], "nextToken": "t"}]
    assert len(service.calls) == 2


@pytest.mark.parametrize("value", [2.5, True, "two"])
def test_non_integer_max_items_rejected(value: Any) -> None:
    service = TokenService({None: {"items": [1, 2, 3]}}, "nextToken")

    with pytest.raises(ParamValidationError, match="Expected a positive integer"):
        Paginator(service, BEDROCK_CONFIG).paginate(PaginationConfig={"MaxItems": value})

    assert service.calls == []


def test_unknown_pagination_config_key_rejected() -> None:
    service = TokenService({None: {"items": [1]}}, "nextToken")

    with pytest.raises(ParamValidationError, match=r"Unknown key\(s\) \['MaxItem'\]"):
        Paginator(service, BEDROCK_CONFIG).paginate(PaginationConfig={"MaxItem": 1})


TWO_KEY_PAGES: dict[str | None, dict[str, Any]] = {
    None: {"Items": [0, 1], "CommonPrefixes": ["a/"], "NextMarker": "m1"},
    "m1": {"Items": [2, 3], "CommonPrefixes": ["b/"], "NextMarker": "m2"},
    "m2": {"Items": [4], "CommonPrefixes": ["c/"]},
}


def collect_legs(paginator: Any, max_items: int) -> tuple[list[Any], list[Any]]:
    """Resume with MaxItems until the listing ends; return all items and prefixes seen."""
    items: list[Any] = []
    prefixes: list[Any] = []
    config: dict[str, Any] = {"MaxItems": max_items}
    while True:
        iterator = paginator.paginate(PaginationConfig=dict(config))
        for page in iterator:
            items += page["Items"]
            prefixes += page["CommonPrefixes"]
        if iterator.resume_token is None:
            return items, prefixes
        config["StartingToken"] = iterator.resume_token


def test_page_boundary_resume_keeps_secondary_keys() -> None:
    theirs = botocore_paginator(TokenService(TWO_KEY_PAGES, "Marker"), TWO_KEY_CONFIG)
    ours = Paginator(TokenService(TWO_KEY_PAGES, "Marker"), TWO_KEY_CONFIG)

    # MaxItems=2 stops on page boundaries, so every resume starts a fresh page.
    assert collect_legs(theirs, 2) == ([0, 1, 2, 3, 4], ["a/"])
    assert collect_legs(ours, 2) == ([0, 1, 2, 3, 4], ["a/", "b/", "c/"])


def test_mid_page_resume_empties_secondary_keys() -> None:
    theirs = botocore_paginator(TokenService(TWO_KEY_PAGES, "Marker"), TWO_KEY_CONFIG)
    ours = Paginator(TokenService(TWO_KEY_PAGES, "Marker"), TWO_KEY_CONFIG)

    # MaxItems=3 stops inside page 2, whose prefix "b/" went out with its first
    # item, so the resumed copy of page 2 must not deliver "b/" again.
    assert collect_legs(ours, 3) == ([0, 1, 2, 3, 4], ["a/", "b/", "c/"])
    assert collect_legs(ours, 3) == collect_legs(theirs, 3)


def encode(state: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(state).encode()).decode()


def test_wrong_keys_token_rejected_before_request() -> None:
    token = encode({"Marker": "m1", "boto_truncate_amount": 1})
    pages: dict[str | None, dict[str, Any]] = {"m1": {"items": [1, 2, 3], "nextToken": "t"}}
    service = TokenService(pages, "nextToken")

    with pytest.raises(PaginationError, match="expects \\['nextToken'\\]"):
        Paginator(service, BEDROCK_CONFIG).paginate(PaginationConfig={"StartingToken": token})

    assert service.calls == []


def test_wrong_keys_token_botocore_loses_a_page() -> None:
    token = encode({"Marker": "m1", "boto_truncate_amount": 1})
    pages: dict[str | None, dict[str, Any]] = {None: {"items": [1, 2, 3], "nextToken": "t"}}
    service = TokenService(pages, "nextToken")
    iterator = botocore_paginator(service, BEDROCK_CONFIG).paginate(
        PaginationConfig={"StartingToken": token, "MaxItems": 1}
    )

    # botocore sends the request with the foreign token's keys, then fails
    # while encoding the resume token, after the page was fetched.
    with pytest.raises(ValueError, match="Bad starting token"):
        list(iterator)

    assert service.calls == [{"Marker": "m1"}]


@pytest.mark.parametrize(
    "state",
    [
        {"nextToken": "t1", "boto_truncate_amount": -2},
        {"nextToken": "t1", "boto_truncate_amount": "2"},
        {"nextToken": "t1", "boto_encoded_keys": [["missing"]]},
    ],
    ids=["negative-amount", "text-amount", "bad-encoded-keys"],
)
def test_malformed_token_rejected_before_request(state: dict[str, Any]) -> None:
    service = TokenService({"t1": {"items": [1, 2, 3]}}, "nextToken")

    with pytest.raises(PaginationError, match="Invalid StartingToken"):
        Paginator(service, BEDROCK_CONFIG).paginate(
            PaginationConfig={"StartingToken": encode(state)}
        )

    assert service.calls == []


def test_undecodable_token_goes_to_service_raw() -> None:
    raw = "eyJ2IjoxfQ-service-native-token"
    pages: dict[str | None, dict[str, Any]] = {raw: {"items": [7]}}
    theirs = TokenService(pages, "nextToken")
    ours = TokenService(pages, "nextToken")
    config = {"StartingToken": raw}

    expected = list(botocore_paginator(theirs, BEDROCK_CONFIG).paginate(PaginationConfig=config))
    actual = list(Paginator(ours, BEDROCK_CONFIG).paginate(PaginationConfig=config))

    assert actual == expected == [{"items": [7]}]
    assert ours.calls == theirs.calls == [{"nextToken": raw}]


def test_second_iteration_restarts_from_original_parameters() -> None:
    pages: dict[str | None, dict[str, Any]] = {
        None: {"items": [0], "nextToken": "t1"},
        "t1": {"items": [1]},
    }
    theirs = botocore_paginator(TokenService(pages, "nextToken"), BEDROCK_CONFIG).paginate()
    ours = Paginator(TokenService(pages, "nextToken"), BEDROCK_CONFIG).paginate()

    assert [page["items"] for page in theirs] == [[0], [1]]
    assert [page["items"] for page in ours] == [[0], [1]]

    # botocore's iterator keeps the last token in its keyword arguments.
    assert [page["items"] for page in theirs] == [[1]]
    assert [page["items"] for page in ours] == [[0], [1]]


def test_negative_legacy_amount_rejected() -> None:
    theirs = TokenService({"t1": {"items": [1, 2, 3]}}, "nextToken")
    ours = TokenService({"t1": {"items": [1, 2, 3]}}, "nextToken")
    config = {"StartingToken": "t1___-2"}

    # botocore slices the first page from the end: [1, 2, 3][-2:].
    expected = list(botocore_paginator(theirs, BEDROCK_CONFIG).paginate(PaginationConfig=config))
    assert expected == [{"items": [2, 3]}]

    with pytest.raises(PaginationError, match="legacy truncation amount -2 is negative"):
        Paginator(ours, BEDROCK_CONFIG).paginate(PaginationConfig=config)
    assert ours.calls == []


def test_legacy_token_with_extra_parts_rejected() -> None:
    theirs = TokenService({}, "nextToken")
    ours = TokenService({}, "nextToken")
    config = {"StartingToken": "a___b___c"}

    # botocore raises ValueError when iteration starts; bedrockpage raises
    # PaginationError in paginate(). Neither sends a request.
    with pytest.raises(ValueError, match="Bad starting token"):
        list(botocore_paginator(theirs, BEDROCK_CONFIG).paginate(PaginationConfig=config))
    with pytest.raises(PaginationError, match="3 parts separated by '___'"):
        Paginator(ours, BEDROCK_CONFIG).paginate(PaginationConfig=config)

    assert theirs.calls == []
    assert ours.calls == []
