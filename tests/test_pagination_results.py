"""`result_key_iters()` and `search()` shaped like botocore's, on a config with two result keys."""

from __future__ import annotations

import copy
from typing import Any

from botocore.paginate import Paginator as BotocorePaginator

from bedrockpage.pagination import Paginator

CONFIG = {
    "input_token": "Marker",
    "output_token": "NextMarker || Contents[-1].Key",
    "more_results": "IsTruncated",
    "result_key": ["Contents", "CommonPrefixes"],
}
PAGES = [
    {"Contents": [{"Key": "a"}, {"Key": "b"}], "CommonPrefixes": ["p/"], "IsTruncated": True},
    {"Contents": [{"Key": "c"}], "IsTruncated": False},
]


def list_objects(**kwargs: Any) -> dict[str, Any]:
    index = {None: 0, "b": 1}[kwargs.get("Marker")]
    return copy.deepcopy(PAGES[index])


def test_result_key_iters_like_botocore() -> None:
    theirs = BotocorePaginator(list_objects, CONFIG, None).paginate().result_key_iters()
    ours = Paginator(list_objects, CONFIG).paginate().result_key_iters()

    assert [iterator.result_key.expression for iterator in ours] == [
        iterator.result_key.expression for iterator in theirs
    ]
    assert [list(iterator) for iterator in ours] == [list(iterator) for iterator in theirs]
    # Like botocore's, each iterable reads its pages once.
    assert [list(iterator) for iterator in ours] == [[], []]


def test_search_flattens_like_botocore() -> None:
    expression = "Contents[].Key"
    theirs = list(BotocorePaginator(list_objects, CONFIG, None).paginate().search(expression))
    ours = list(Paginator(list_objects, CONFIG).paginate().search(expression))

    assert ours == theirs == ["a", "b", "c"]
