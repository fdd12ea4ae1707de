"""The asyncio driver: `AsyncPaginator` and `AsyncPageIterator` over an async method."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from .config import LimitType, PaginatorConfig, parse_pagination_config
from .control import DeadlineTimeoutError, PageControl, pop_control_options
from .expressions import Expression, compile_expression
from .results import FullResultBuilder, result_key_items
from .sync import PageIteratorBase

AsyncMethod = Callable[..., Awaitable[dict[str, Any]]]


class AsyncPageIterator(PageIteratorBase):
    """An async iterable of pages; each `async for` starts a new run."""

    def __init__(
        self,
        method: AsyncMethod,
        config: PaginatorConfig,
        op_kwargs: dict[str, Any],
        params: Any,
        control: PageControl | None = None,
    ) -> None:
        super().__init__(config, op_kwargs, params, control)
        self._method = method

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        engine = self._new_engine()
        run = self._new_run()
        while (kwargs := engine.next_request()) is not None:
            delay = run.next_delay()
            if delay is None:
                return
            if delay > 0:
                await run.control.async_sleep(delay)

            try:
                with run.request():
                    response = await self._method(**kwargs)
            except DeadlineTimeoutError as error:
                run.stop_for_deadline(error)
                return
            page = engine.receive_page(response)
            run.page_received(page, engine.checkpoint_token)
            yield page

    async def items(self) -> AsyncIterator[Any]:
        """Yield the items of the primary result key (the jobs), page after page."""
        primary = self._config.result_keys[0]
        async for page in self:
            for item in result_key_items(page, primary):
                yield item

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
        """Validate the arguments as `Paginator.paginate` does and return an async page iterator."""
        control = pop_control_options(kwargs)
        params = parse_pagination_config(kwargs.pop("PaginationConfig", None), self._config)
        return AsyncPageIterator(self._method, self._config, kwargs, params, control)
