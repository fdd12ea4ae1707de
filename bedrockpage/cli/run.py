"""One listing run of the command line, with its resume point after every page written."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import time
from collections.abc import Callable
from typing import IO, Any

from ..exceptions import BedrockPageError
from .arguments import (
    COMMAND,
    EXIT_DEADLINE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    OPERATION,
    PROGRAM,
    RESULT_KEY,
    pagination_config,
    request_parameters,
    resume_arguments,
)
from .feedback import (
    Explainer,
    InterruptGuard,
    Progress,
    Terminated,
    counting_throttles,
    describe_token,
)
from .output import Sink, compile_query


class Run:
    """One listing: the pages written so far and the token that resumes after them."""

    def __init__(self, args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> None:
        self.args = args
        self.stderr = stderr
        self.sink = Sink(args.output, compile_query(args.query), stdout)
        show_progress = stderr.isatty() and not args.no_progress
        self.progress = Progress(stderr, show_progress, time.monotonic)
        self.explain = Explainer(stderr, args.explain)
        self.guard = InterruptGuard()
        #: Resumes exactly after the last job written.
        self.resume_token: str | None = args.starting_token
        self.items_written = 0
        self._raw_counts: list[int] = []
        #: True once the complete result is written; a later Ctrl-C changes nothing.
        self.output_complete = False

    def execute(self) -> int:
        from .._client import client
        from ..session import DEFAULT_TIMEOUT, Config

        config = Config(
            connect_timeout=self.args.cli_connect_timeout or DEFAULT_TIMEOUT,
            read_timeout=self.args.cli_read_timeout or DEFAULT_TIMEOUT,
        )
        with (
            client(
                "bedrock",
                region_name=self.args.region,
                endpoint_url=self.args.endpoint_url,
                profile=self.args.profile,
                config=config,
            ) as bedrock,
            self.guard.installed(),
            counting_throttles(self.progress.throttle),
        ):
            try:
                if self.args.no_paginate:
                    return self._single_call(bedrock)
                return self._paginate(bedrock)
            except KeyboardInterrupt as interrupt:
                if self.output_complete:
                    # The signal arrived while the last output was written: the run is whole.
                    return EXIT_OK
                if isinstance(interrupt, Terminated):
                    return self._stop("terminated", EXIT_TERMINATED)
                return self._stop("interrupted", EXIT_INTERRUPTED)
            except BedrockPageError:
                self._hint_after_failure()
                raise
            finally:
                self.progress.clear()

    def _single_call(self, bedrock: Any) -> int:
        parameters = request_parameters(self.args)
        if self.args.page_size is not None:
            parameters["maxResults"] = self.args.page_size
        result = bedrock.list_model_customization_jobs(**parameters)
        result.pop("ResponseMetadata", None)
        self.sink.write_whole(result)
        return EXIT_OK

    def _paginate(self, bedrock: Any) -> int:
        from .._client import paginator_config
        from ..pagination.sync import Paginator

        self._explain_start()
        paginator = Paginator(
            self._observed(bedrock.list_model_customization_jobs), paginator_config(OPERATION)
        )
        options: dict[str, Any] = {}
        if self.args.max_seconds is not None:
            options.update(deadline=self.args.max_seconds, safety_margin=0.0)
        if self.args.max_pages_per_second is not None:
            options["max_pages_per_second"] = self.args.max_pages_per_second
        iterator = paginator.paginate(
            **request_parameters(self.args),
            PaginationConfig=pagination_config(self.args),
            **options,
        )

        for page in iterator:
            with self.guard.writing():
                self._write_page(page, iterator.checkpoint_token)

        if iterator.stopped_for_deadline:
            return self._stop(
                f"stopped after {self.args.max_seconds:g} s (--max-seconds)", EXIT_DEADLINE
            )

        self._explain_end(iterator)
        with self.guard.writing():
            self.sink.finish(iterator.non_aggregate_part, iterator.resume_token)
            self.output_complete = True
        if self.args.output == "jsonl" and iterator.resume_token is not None:
            self.resume_token = iterator.resume_token
            self.stderr.write(
                f"{PROGRAM}: more jobs remain; list the next {self.args.max_items} with:\n"
                f"  {self.resume_command(next_batch=True)}\n"
            )
        return EXIT_OK

    def _write_page(self, page: dict[str, Any], checkpoint: str | None) -> None:
        jobs = len(page.get(RESULT_KEY, []))
        self._explain_page(jobs, checkpoint)
        self.sink.add_page(page)
        self.items_written += jobs
        self.resume_token = checkpoint
        self.progress.page(jobs)

    def _hint_after_failure(self) -> None:
        # Only jsonl has written jobs before a failure; the other formats write at the end.
        if self.args.output != "jsonl" or self.items_written == 0:
            return
        self.progress.clear()
        self.stderr.write(
            f"{PROGRAM}: failed after {self.items_written} jobs were written; after fixing the "
            f"cause, resume with:\n  {self.resume_command()}\n"
        )

    def _stop(self, reason: str, code: int) -> int:
        self.progress.clear()
        with contextlib.suppress(KeyboardInterrupt), self.guard.writing():
            self.sink.finish({}, self.resume_token)
        self.stderr.write(
            f"{PROGRAM}: {reason} after {self.progress.pages} pages and "
            f"{self.items_written} jobs; resume with:\n  {self.resume_command()}\n"
        )
        self.stderr.flush()
        return code

    def resume_command(self, *, next_batch: bool = False) -> str:
        """Return the command line that continues after the last job written.

        `--max-items` becomes the count still owed by this run, or the same
        count again when `next_batch` is set (the run delivered all it asked for).
        """
        max_items = self.args.max_items
        if max_items is not None and not next_batch:
            max_items -= self.items_written
        arguments = resume_arguments(self.args, self.resume_token, max_items)
        return shlex.join([PROGRAM, COMMAND, *arguments])

    # -- explanations ------------------------------------------------------------------

    def _observed(self, method: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        """Wrap the operation to count raw page items and explain each request and response."""

        def call(**kwargs: Any) -> dict[str, Any]:
            self._explain_request(kwargs)
            response = method(**kwargs)
            count = len(response.get(RESULT_KEY, []))
            self._raw_counts.append(count)
            next_token = response.get("nextToken")
            self.explain.say(
                f"response {len(self._raw_counts)}: {count} jobs, "
                + (f"nextToken {next_token!r}" if next_token else "no nextToken (last page)")
            )
            return response

        return call

    def _explain_start(self) -> None:
        if not self.explain.enabled:
            return
        self.explain.say(f"PaginationConfig {pagination_config(self.args)}")
        token = self.args.starting_token
        if token is not None:
            self.explain.say(f"starting token {token!r} is {describe_token(token)}")

    def _explain_request(self, kwargs: dict[str, Any]) -> None:
        if not self.explain.enabled:
            return
        from ..protocol import LIST_MODEL_CUSTOMIZATION_JOBS, encode_query, serialize_request

        request = serialize_request(LIST_MODEL_CUSTOMIZATION_JOBS, kwargs)
        query = encode_query(request.query)
        self.explain.say(
            f"request {len(self._raw_counts) + 1}: {request.method} {request.path}"
            + (f"?{query}" if query else "")
        )

    def _explain_page(self, delivered: int, checkpoint: str | None) -> None:
        if not self.explain.enabled:
            return
        received = self._raw_counts[-1] if self._raw_counts else delivered
        if delivered < received:
            self.explain.say(
                f"page {len(self._raw_counts)}: kept {delivered} of {received} jobs "
                "(jobs skipped by the starting token or cut by --max-items)"
            )
        if checkpoint is None:
            self.explain.say("resume token: none, the service reported the last page")
        else:
            self.explain.say(f"resume token {checkpoint} is {describe_token(checkpoint)}")

    def _explain_end(self, iterator: Any) -> None:
        if iterator.resume_token is not None:
            self.explain.say(
                f"--max-items {self.args.max_items} reached; NextToken {iterator.resume_token} "
                f"is {describe_token(iterator.resume_token)}"
            )
        elif iterator.complete:
            self.explain.say("run complete: the last page had no nextToken")
