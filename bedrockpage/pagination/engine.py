"""The sans-IO pagination engine: botocore's PaginationConfig semantics, no I/O.

Rules this engine keeps (botocore's `PageIterator`, 1.44):

- `PageSize` is sent as the operation's limit key on every request.
- `StartingToken` supplies the input tokens of the first request. When it also
  carries `boto_truncate_amount = k`, the first `k` items of the primary result
  key on the first page were already delivered, so they are skipped.
- `MaxItems` counts items of the primary result key (`result_keys[0]`). The
  page on which the count is exceeded is cut to fit, and the resume token is
  the token that fetched that page plus `boto_truncate_amount` = items kept on
  it, counting any items the starting token skipped. When the count is met on
  a page boundary, the resume token is the page's next token.
- A run ends when every output token is missing or empty (or `more_results`
  is false), or when `MaxItems` is reached.
- The same next token twice in a row is an error, as in botocore.

Where this engine deliberately differs from botocore (each has a test):

- Any repeated token (a cycle such as A -> B -> A, or a page that returns the
  token that fetched it) raises `PaginationError` before the repeated page is
  requested; botocore only notices two equal tokens in a row, after fetching
  and delivering a duplicate page, and loops forever on longer cycles.
- Secondary result keys of the first page are emptied only when the starting
  token points into the middle of a page (their items went out with the
  truncated page). botocore also empties them on a page-boundary token, losing
  those items.
- `checkpoint_token` is available after every page (botocore's `resume_token`
  only exists when `MaxItems` stops a run).

Theory of operation: a driver (sync or async) loops

    while (kwargs := engine.next_request()) is not None:
        page = engine.receive_page(method(**kwargs))
        hand page to the caller

`receive_page` trims the page and computes its next token immediately, so a
caller that edits a page cannot steer pagination. Advancing to that token
happens in the following `next_request` call, which is when botocore runs the
same step: its page-boundary `resume_token` and its duplicate-token error both
appear when the caller asks for the page after the last one.
"""

from __future__ import annotations

import json
from typing import Any

from ..exceptions import PaginationError
from .config import PaginatorConfig, PagingParams
from .expressions import Expression, set_value
from .tokens import TRUNCATE_AMOUNT_KEY, encode_token

TokenState = dict[str, Any]


class PaginationEngine:
    """The state of one paginated run, driven by `next_request` and `receive_page`."""

    def __init__(
        self, config: PaginatorConfig, op_kwargs: dict[str, Any], params: PagingParams
    ) -> None:
        if not config.result_keys:
            raise PaginationError("Paginator config has no result_key, so pages cannot be counted.")
        self.config = config
        self.params = params

        #: botocore's resume token: set only when MaxItems ends the run.
        self.resume_token: str | None = None
        #: Resumes exactly after the last item delivered; updated after every page.
        self.checkpoint_token: str | None = params.starting_token
        self.non_aggregate_part: dict[str, Any] = {}
        #: True once the service reported no further pages.
        self.complete = False
        self.finished = False
        self.pages_received = 0
        self.items_delivered = 0

        self._kwargs = dict(op_kwargs)
        self._current_token = self._initial_token()
        self._pending_token: TokenState | None = None
        self._previous_token: TokenState | None = None
        self._seen_tokens: set[str] = set()
        self._inject_starting_params()

    # -- events --------------------------------------------------------------

    def next_request(self) -> dict[str, Any] | None:
        """Return the keyword arguments of the next request, or None when the run is over.

        Raises `PaginationError` when the next token repeats an earlier one.
        """
        if self._pending_token is not None:
            self._advance(self._pending_token)
            self._pending_token = None
        if self.finished:
            return None
        return dict(self._kwargs)

    def receive_page(self, page: dict[str, Any]) -> dict[str, Any]:
        """Trim `page` in place for the caller and record where the run goes next."""
        if self.finished or self._pending_token is not None:
            raise PaginationError("receive_page() called without a preceding next_request().")

        starting_truncation = 0
        if self.pages_received == 0:
            starting_truncation = self._skip_delivered_items(page)
            self._record_non_aggregate_part(page)
        self.pages_received += 1

        primary = self.config.result_keys[0]
        items = primary.search(page)
        count = 0 if items is None else len(items)
        excess = self._excess_items(count)

        if excess > 0:
            self._truncate(page, primary, excess, starting_truncation)
            return page

        self.items_delivered += count
        self._pending_token = self._next_token(page)
        if self._is_last(self._pending_token):
            self.checkpoint_token = None
        else:
            self.checkpoint_token = encode_token(self._pending_token)
        return page

    # -- steps ---------------------------------------------------------------

    def _initial_token(self) -> TokenState:
        start = self.params.starting_point
        if start is None:
            return {name: None for name in self.config.input_tokens}
        return dict(start.tokens)

    def _inject_starting_params(self) -> None:
        if self.params.starting_point is not None:
            self._inject_token(self._current_token)
        if self.params.page_size is not None and self.config.limit_key is not None:
            self._kwargs[self.config.limit_key] = self.params.page_size
        self._seen_tokens.add(self._token_key(self._current_token))

    def _inject_token(self, token: TokenState) -> None:
        # botocore sends no parameter for a missing token, nor for the text "None"
        # that its legacy token format used for a missing one.
        for name, value in token.items():
            if value is not None and value != "None":
                self._kwargs[name] = value
            else:
                self._kwargs.pop(name, None)

    def _skip_delivered_items(self, page: dict[str, Any]) -> int:
        """Drop the first page's items that the starting token records as delivered."""
        start = self.params.starting_point
        if start is None:
            return 0

        primary = self.config.result_keys[0]
        items = primary.search(page)
        remaining = items[start.truncate_amount :] if isinstance(items, (list, str)) else None
        set_value(page, primary.expression, remaining)

        if start.mid_page:
            for key in self.config.result_keys[1:]:
                set_value(page, key.expression, _emptied(key.search(page)))
        return start.truncate_amount

    def _record_non_aggregate_part(self, page: dict[str, Any]) -> None:
        part: dict[str, Any] = {}
        for key in self.config.non_aggregate_keys:
            set_value(part, key.expression, key.search(page))
        self.non_aggregate_part = part

    def _excess_items(self, count: int) -> int:
        if self.params.max_items is None:
            return 0
        return self.items_delivered + count - self.params.max_items

    def _truncate(
        self, page: dict[str, Any], primary: Expression, excess: int, starting_truncation: int
    ) -> None:
        items = primary.search(page)
        if items is None:
            items = []
        keep = len(items) - excess
        set_value(page, primary.expression, items[:keep])
        self.items_delivered += keep

        # The amount counts from the start of the page as the service returns it,
        # so it includes the items the starting token already skipped.
        state = dict(self._current_token)
        state[TRUNCATE_AMOUNT_KEY] = keep + starting_truncation
        self.resume_token = encode_token(state)
        self.checkpoint_token = self.resume_token
        self.finished = True

    def _next_token(self, page: dict[str, Any]) -> TokenState:
        if self.config.more_results is not None and not self.config.more_results.search(page):
            return {}
        token: TokenState = {}
        for output, name in zip(self.config.output_tokens, self.config.input_tokens, strict=False):
            value = output.search(page)
            # An empty string is no token, as in botocore.
            token[name] = value if value else None
        return token

    @staticmethod
    def _is_last(token: TokenState) -> bool:
        return all(value is None for value in token.values())

    def _advance(self, token: TokenState) -> None:
        if self._is_last(token):
            self.complete = True
            self.finished = True
            return

        if self.params.max_items is not None and self.items_delivered == self.params.max_items:
            self.resume_token = encode_token(token)
            self.finished = True
            return

        self._reject_repeated_token(token)
        self._inject_token(token)
        self._previous_token = token
        self._current_token = token

    def _reject_repeated_token(self, token: TokenState) -> None:
        if self._previous_token is not None and self._previous_token == token:
            raise PaginationError(f"The same next token was received twice: {token}")

        key = self._token_key(token)
        if key in self._seen_tokens:
            raise PaginationError(
                f"The service returned a next token that was already used in this run "
                f"({token}) after {self.pages_received} page(s); following it would repeat "
                "pages forever. Stopping before requesting a duplicate page."
            )
        self._seen_tokens.add(key)

    @staticmethod
    def _token_key(token: TokenState) -> str:
        return json.dumps(token, sort_keys=True, default=repr)


def _emptied(sample: Any) -> Any:
    """Return what botocore puts in a secondary result key it clears on resume."""
    if isinstance(sample, list):
        return []
    if isinstance(sample, str):
        return ""
    if isinstance(sample, (int, float)):
        # Counters such as DynamoDB's ScannedCount keep their value.
        return sample
    return None
