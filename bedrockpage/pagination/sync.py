"""The blocking driver: `Paginator` and `PageIterator` over any `method(**kwargs) -> dict`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .config import LimitType, PaginatorConfig, PagingParams, parse_pagination_config
from .control import ControlledRun, DeadlineTimeoutError, PageControl, pop_control_options
from .engine import PaginationEngine
from .expressions import Expression, compile_expression
from .results import FullResultBuilder, ResultKeyIterator, result_key_items

Method = Callable[..., dict[str, Any]]


class PageIteratorBase:
    """State shared by the sync and async page iterators: config, parameters, last run."""

    def __init__(
        self,
        config: PaginatorConfig,
        op_kwargs: dict[str, Any],
        params: PagingParams,
        control: PageControl | None = None,
    ) -> None:
        self._config = config
        self._op_kwargs = op_kwargs
        self._params = params
        self._engine: PaginationEngine | None = None
        self._control = control or PageControl()
        self._run: ControlledRun | None = None

    def _new_engine(self) -> PaginationEngine:
        # Every iteration starts from the original parameters; botocore reuses
        # the token of the previous run when a PageIterator is iterated twice.
        self._engine = PaginationEngine(self._config, self._op_kwargs, self._params)
        return self._engine

    def _new_run(self) -> ControlledRun:
        self._run = self._control.start()
        return self._run

    @property
    def stop_reason(self) -> str | None:
        """Why the last run ended early: "deadline", or None."""
        return self._run.stop_reason if self._run else None

    @property
    def stopped_for_deadline(self) -> bool:
        """True when the last run stopped because the next page would pass the deadline."""
        return self.stop_reason == "deadline"

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
        control: PageControl | None = None,
    ) -> None:
        super().__init__(config, op_kwargs, params, control)
        self._method = method

    def __iter__(self) -> Iterator[dict[str, Any]]:
        engine = self._new_engine()
        run = self._new_run()
        while (kwargs := engine.next_request()) is not None:
            delay = run.next_delay()
            if delay is None:
                return
            if delay > 0:
                run.control.sleep(delay)

            try:
                with run.request():
                    response = self._method(**kwargs)
            except DeadlineTimeoutError as error:
                run.stop_for_deadline(error)
                return
            page = engine.receive_page(response)
            run.page_received(page, engine.checkpoint_token)
            yield page

    def items(self) -> Iterator[Any]:
        """Yield the items of the primary result key (the jobs), page after page."""
        primary = self._config.result_keys[0]
        for page in self:
            yield from result_key_items(page, primary)

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

    def result_key_iters(self) -> list[ResultKeyIterator]:
        """Return one iterable per result key, all fed by a single run."""
        pages = itertools.tee(self, len(self._config.result_keys))
        return [
            ResultKeyIterator(branch, key)
            for branch, key in zip(pages, self._config.result_keys, strict=True)
        ]


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
        """Validate `PaginationConfig` and return a page iterator; no request is sent yet.

        Besides the operation's parameters and `PaginationConfig`, it takes the
        run-control keywords of `PageControl`: `deadline`, `safety_margin`,
        `max_pages_per_second`, `on_page` and `control`.
        """
        control = pop_control_options(kwargs)
        params = parse_pagination_config(kwargs.pop("PaginationConfig", None), self._config)
        return PageIterator(self._method, self._config, kwargs, params, control)
