"""The blocking driver: `Paginator` and `PageIterator` over any `method(**kwargs) -> dict`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .config import LimitType, PaginatorConfig, PagingParams, parse_pagination_config
from .engine import PaginationEngine
from .expressions import Expression, compile_expression
from .results import FullResultBuilder, result_key_items

Method = Callable[..., dict[str, Any]]


class PageIteratorBase:
    """State shared by the sync and async page iterators: config, parameters, last run."""

    def __init__(
        self, config: PaginatorConfig, op_kwargs: dict[str, Any], params: PagingParams
    ) -> None:
        self._config = config
        self._op_kwargs = op_kwargs
        self._params = params
        self._engine: PaginationEngine | None = None

    def _new_engine(self) -> PaginationEngine:
        # Every iteration starts from the original parameters; botocore reuses
        # the token of the previous run when a PageIterator is iterated twice.
        self._engine = PaginationEngine(self._config, self._op_kwargs, self._params)
        return self._engine

    @property
    def result_keys(self) -> list[Expression]:
        return list(self._config.result_keys)

    @property
    def resume_token(self) -> str | None:
        """botocore's resume token: set when `MaxItems` ended the run, else None."""
        return self._engine.resume_token if self._engine else None

    @property
    def checkpoint_token(self) -> str | None:
        """The token that resumes exactly after the last item delivered.

        Updated after every page, and kept when a request fails. It is the
        `StartingToken` before the first page, and None once the service has
        reported the last page (or when the run started from the beginning and
        no page has arrived yet).
        """
        if self._engine is None:
            return self._params.starting_token
        return self._engine.checkpoint_token

    @property
    def complete(self) -> bool:
        """True when the service reported that no pages are left."""
        return self._engine.complete if self._engine else False

    @property
    def non_aggregate_part(self) -> dict[str, Any]:
        return self._engine.non_aggregate_part if self._engine else {}


class PageIterator(PageIteratorBase):
    """An iterable of pages; each `iter()` starts a new run from the original parameters."""

    def __init__(
        self,
        method: Method,
        config: PaginatorConfig,
        op_kwargs: dict[str, Any],
        params: PagingParams,
    ) -> None:
        super().__init__(config, op_kwargs, params)
        self._method = method

    def __iter__(self) -> Iterator[dict[str, Any]]:
        engine = self._new_engine()
        while (kwargs := engine.next_request()) is not None:
            yield engine.receive_page(self._method(**kwargs))

    def build_full_result(self) -> dict[str, Any]:
        builder = FullResultBuilder(self._config.result_keys)
        for page in self:
            builder.add_page(page)
        return builder.build(self.non_aggregate_part, self.resume_token)

    def search(self, expression: str) -> Iterator[Any]:
        """Apply a JMESPath expression to each page, flattening list results."""
        compiled = compile_expression(expression)
        for page in self:
            results = compiled.search(page)
            if isinstance(results, list):
                yield from results
            else:
                yield results

    def result_key_iters(self) -> list[Iterator[Any]]:
        """Return one iterator per result key, all fed by a single run."""
        pages = itertools.tee(self, len(self._config.result_keys))
        return [
            _iterate_result_key(branch, key)
            for branch, key in zip(pages, self._config.result_keys, strict=True)
        ]


def _iterate_result_key(pages: Iterator[dict[str, Any]], key: Expression) -> Iterator[Any]:
    for page in pages:
        yield from result_key_items(page, key)


class Paginator:
    """Paginates any callable with a `paginators-1.json` config, like botocore's `Paginator`.

    >>> paginator = Paginator(method, {"input_token": "nextToken", "output_token": "nextToken",
    ...                                "limit_key": "maxResults", "result_key": "items"})
    >>> for page in paginator.paginate(PaginationConfig={"MaxItems": 10}): ...
    """

    def __init__(
        self,
        method: Method,
        config: Mapping[str, Any] | PaginatorConfig,
        *,
        limit_type: LimitType = "integer",
    ) -> None:
        self._method = method
        if isinstance(config, PaginatorConfig):
            self._config = config
        else:
            self._config = PaginatorConfig.from_dict(config, limit_type=limit_type)

    @property
    def config(self) -> PaginatorConfig:
        return self._config

    @property
    def result_keys(self) -> list[Expression]:
        return list(self._config.result_keys)

    def paginate(self, **kwargs: Any) -> PageIterator:
        """Validate `PaginationConfig` and return a page iterator; no request is sent yet."""
        params = parse_pagination_config(kwargs.pop("PaginationConfig", None), self._config)
        return PageIterator(self._method, self._config, kwargs, params)
