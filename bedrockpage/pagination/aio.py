"""The asyncio driver: `AsyncPaginator` and `AsyncPageIterator` over an async method."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from .config import LimitType, PaginatorConfig, parse_pagination_config
from .expressions import Expression, compile_expression
from .results import FullResultBuilder
from .sync import PageIteratorBase

AsyncMethod = Callable[..., Awaitable[dict[str, Any]]]


class AsyncPageIterator(PageIteratorBase):
    """An async iterable of pages; each `async for` starts a new run."""

    def __init__(
        self, method: AsyncMethod, config: PaginatorConfig, op_kwargs: dict[str, Any], params: Any
    ) -> None:
        super().__init__(config, op_kwargs, params)
        self._method = method

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        engine = self._new_engine()
        while (kwargs := engine.next_request()) is not None:
            yield engine.receive_page(await self._method(**kwargs))

    async def build_full_result(self) -> dict[str, Any]:
        builder = FullResultBuilder(self._config.result_keys)
        async for page in self:
            builder.add_page(page)
        return builder.build(self.non_aggregate_part, self.resume_token)

    async def search(self, expression: str) -> AsyncIterator[Any]:
        """Apply a JMESPath expression to each page, flattening list results."""
        compiled = compile_expression(expression)
        async for page in self:
            results = compiled.search(page)
            if isinstance(results, list):
                for result in results:
                    yield result
            else:
                yield results


class AsyncPaginator:
    """The async counterpart of `Paginator`, taking `async def method(**kwargs) -> dict`."""

    def __init__(
        self,
        method: AsyncMethod,
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
    def result_keys(self) -> list[Expression]:
        return list(self._config.result_keys)

    def paginate(self, **kwargs: Any) -> AsyncPageIterator:
        params = parse_pagination_config(kwargs.pop("PaginationConfig", None), self._config)
        return AsyncPageIterator(self._method, self._config, kwargs, params)
