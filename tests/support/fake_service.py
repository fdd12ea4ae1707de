"""A scripted paginated service for driving botocore's and our paginators alike."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FakeListing:
    """Serves `pages` in order: the page fetched with token `t<i>` is `pages[i]`.

    Each call records its keyword arguments, so two paginators driven by two
    instances can be compared request by request.
    """

    pages: list[dict[str, Any]]
    input_token: str = "nextToken"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(copy.deepcopy(kwargs))
        token = kwargs.get(self.input_token)
        index = 0 if token is None else int(str(token)[1:])
        return copy.deepcopy(self.pages[index])


def make_pages(
    sizes: list[int],
    *,
    result_key: str = "items",
    token_key: str = "nextToken",
    last_token: Any = None,
) -> list[dict[str, Any]]:
    """Build pages holding `sizes[i]` unique items each, chained by tokens `t1`, `t2`, ..."""
    pages = []
    counter = 0
    for index, size in enumerate(sizes):
        page: dict[str, Any] = {result_key: list(range(counter, counter + size))}
        counter += size
        if index + 1 < len(sizes):
            page[token_key] = f"t{index + 1}"
        elif last_token is not ...:
            page[token_key] = last_token
        pages.append(page)
    return pages
