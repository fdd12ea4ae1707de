"""Command line: `bedrockpage list-model-customization-jobs`, with the AWS CLI's flags.

Beyond the AWS CLI it streams JSON Lines, shows progress on a terminal,
prints a resume command when interrupted or stopped by `--max-seconds`, and
explains each request and token with `--explain`.

Exit codes are listed in EPILOG (shown by --help). 0, 130 and 252-255 mean
what they mean for the AWS CLI. 124 (stopped by --max-seconds) is the code
GNU `timeout` uses for a command that ran out of time.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import shlex
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import IO, Any

from . import _version
from .cli_format import to_plain, write_json, write_json_line, write_table, write_text
from .exceptions import BedrockPageError

EXIT_OK = 0
EXIT_DEADLINE = 124
EXIT_INTERRUPTED = 130
EXIT_USAGE = 252
EXIT_CONFIG = 253
EXIT_SERVICE = 254
EXIT_OTHER = 255

PROGRAM = "bedrockpage"
COMMAND = "list-model-customization-jobs"
OPERATION = "list_model_customization_jobs"
OPERATION_TITLE = "ListModelCustomizationJobs"
RESULT_KEY = "modelCustomizationJobSummaries"
OUTPUT_FORMATS = ("json", "jsonl", "text", "table")

# (flag, request parameter, help text)
FILTER_FLAGS = (
    (
        "--creation-time-after",
        "creationTimeAfter",
        "Only jobs created after this time (ISO 8601 or epoch seconds).",
    ),
    (
        "--creation-time-before",
        "creationTimeBefore",
        "Only jobs created before this time (ISO 8601 or epoch seconds).",
    ),
    (
        "--status-equals",
        "statusEquals",
        "Only jobs in this status: InProgress, Completed, Failed, Stopping, Stopped.",
    ),
    ("--name-contains", "nameContains", "Only jobs whose name contains this text."),
    ("--sort-by", "sortBy", "Sort field: CreationTime."),
    ("--sort-order", "sortOrder", "Sort order: Ascending or Descending."),
)

EPILOG = """exit codes:
  0    success
  124  stopped by --max-seconds; the resume command is printed on stderr
  130  interrupted (Ctrl-C); the resume command is printed on stderr
  252  invalid command line or parameters
  253  configuration or credentials error (no region, no credentials)
  254  the service returned an error
  255  any other failure (connection, timeout, unparsable response)

A stopped or interrupted run writes the jobs it has listed (json, text and
table add NextToken) and prints the command that resumes after the last job
written, with --starting-token and the --max-items still left.
"""


class UsageError(Exception):
    """A command-line mistake; reported on one line with exit code 252."""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's error() exits with 2; ours raises.
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog=PROGRAM,
        description="List Amazon Bedrock model customization jobs, paginated like the AWS CLI.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROGRAM} {_version.__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_ArgumentParser
    )
    command = commands.add_parser(
        COMMAND,
        help="List model customization jobs (ListModelCustomizationJobs).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_command_arguments(command)
    return parser


def _add_command_arguments(command: argparse.ArgumentParser) -> None:
    filters = command.add_argument_group("filters")
    for flag, _parameter, help_text in FILTER_FLAGS:
        filters.add_argument(flag, help=help_text)

    _add_paging_arguments(command.add_argument_group("pagination"))
    _add_output_arguments(command.add_argument_group("output"))
    _add_connection_arguments(command.add_argument_group("connection"))


def _add_paging_arguments(paging: argparse._ArgumentGroup) -> None:
    paging.add_argument("--max-items", type=_positive_int, help="Total number of jobs to return.")
    paging.add_argument(
        "--page-size", type=_positive_int, help="Jobs requested per service call (1-1000)."
    )
    paging.add_argument(
        "--starting-token", help="NextToken printed by an earlier run, to resume it."
    )
    paging.add_argument("--no-paginate", action="store_true", help="Make a single service call.")
    paging.add_argument(
        "--max-seconds",
        type=_positive_float,
        metavar="SECONDS",
        help="Stop before a page that is estimated to end later than SECONDS after the start, "
        "write what was listed and print the resume command (exit code 124).",
    )
    paging.add_argument(
        "--max-pages-per-second",
        type=_positive_float,
        metavar="RATE",
        help="Start at most RATE service calls per second (retries not counted), "
        "to leave throttling headroom for other workloads.",
    )


def _add_output_arguments(output: argparse._ArgumentGroup) -> None:
    output.add_argument(
        "--output",
        choices=OUTPUT_FORMATS,
        default="json",
        help="Output format: json (default), jsonl (one job per line, written as pages "
        "arrive), text or table (as the AWS CLI's).",
    )
    output.add_argument(
        "--query",
        metavar="JMESPATH",
        help="JMESPath expression applied to the result, as in the AWS CLI; with "
        "--output jsonl it is applied to each job. Needs the jmespath package.",
    )
    output.add_argument(
        "--no-progress",
        action="store_true",
        help="Do not show progress on stderr (shown only when stderr is a terminal).",
    )
    output.add_argument(
        "--explain",
        action="store_true",
        help="Describe on stderr each request sent, each token decoded and each page cut "
        "by --max-items.",
    )
    output.add_argument(
        "--debug", action="store_true", help="Log at DEBUG level on stderr (secrets redacted)."
    )


def _add_connection_arguments(connection: argparse._ArgumentGroup) -> None:
    connection.add_argument("--region", help="AWS region, for example us-east-1.")
    connection.add_argument("--profile", help="Profile of the shared config and credentials files.")
    connection.add_argument(
        "--endpoint-url", help="Send requests to this URL instead of the default endpoint."
    )
    connection.add_argument(
        "--cli-connect-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="Maximum time to establish a connection (default 60).",
    )
    connection.add_argument(
        "--cli-read-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="Maximum time to wait for data on an open connection (default 60).",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, got {text}")
    return value


def request_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Return the ListModelCustomizationJobs parameters given on the command line."""
    parameters: dict[str, Any] = {}
    for flag, parameter, _help in FILTER_FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            parameters[parameter] = value
    return parameters


def pagination_config(args: argparse.Namespace) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if args.max_items is not None:
        config["MaxItems"] = args.max_items
    if args.page_size is not None:
        config["PageSize"] = args.page_size
    if args.starting_token is not None:
        config["StartingToken"] = args.starting_token
    return config


# -- logging ----------------------------------------------------------------------

_SECRET_PATTERNS = (
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"}\n]+"), r"\1<redacted>"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1<redacted>"),
    (re.compile(r"(?i)(signature=)[0-9a-f]+"), r"\1<redacted>"),
    (
        re.compile(r"(?i)(x-amz-security-token['\"]?\s*[:=]\s*['\"]?)[^'\",}&\s]+"),
        r"\1<redacted>",
    ),
    (
        re.compile(
            r"(?i)((?:secret_?access_?key|session_?token)['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+"
        ),
        r"\1<redacted>",
    ),
)


class RedactingFilter(logging.Filter):
    """Replaces credentials in log messages with `<redacted>`.

    The package never logs a secret; this filter also covers the messages of
    libraries underneath (httpx, httpcore) at DEBUG level.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for pattern, replacement in _SECRET_PATTERNS:
            message = pattern.sub(replacement, message)
        record.msg = message
        record.args = None
        return True


def configure_debug_logging(stream: IO[str]) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)


class ThrottleCounter(logging.Handler):
    """Counts the retries the transport logs for throttling errors ("Retrying ..., throttled")."""

    def __init__(self, on_throttle: Callable[[], None]) -> None:
        super().__init__(level=logging.INFO)
        self._on_throttle = on_throttle

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Retrying") and "throttled" in record.getMessage():
            self._on_throttle()


@contextlib.contextmanager
def counting_throttles(on_throttle: Callable[[], None]) -> Iterator[None]:
    logger = logging.getLogger("bedrockpage.transport")
    handler = ThrottleCounter(on_throttle)
    previous_level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


# -- progress, explanations, interrupts ---------------------------------------------


class Progress:
    """One status line on stderr (pages, jobs, elapsed time, throttles), redrawn in place."""

    def __init__(self, stream: IO[str], enabled: bool, clock: Callable[[], float]) -> None:
        self.enabled = enabled
        self.pages = 0
        self.items = 0
        self.throttles = 0
        self._stream = stream
        self._clock = clock
        self._start = clock()

    def elapsed(self) -> float:
        return self._clock() - self._start

    def page(self, items: int) -> None:
        self.pages += 1
        self.items += items
        self.draw()

    def throttle(self) -> None:
        self.throttles += 1
        self.draw()

    def draw(self) -> None:
        if not self.enabled:
            return
        self._stream.write(
            f"\r\x1b[K{PROGRAM}: {self.pages} pages, {self.items} jobs, "
            f"{self.elapsed():.1f} s, {self.throttles} throttled"
        )
        self._stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self._stream.write("\r\x1b[K")
            self._stream.flush()


class Explainer:
    """Writes `--explain` lines on stderr; silent when disabled."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.enabled = enabled
        self._stream = stream

    def say(self, message: str) -> None:
        if self.enabled:
            self._stream.write(f"explain: {message}\n")
            self._stream.flush()


def describe_token(token: str) -> str:
    """Return what a pagination token holds: botocore's JSON state, or a raw service token."""
    import base64
    import binascii
    import json

    try:
        state = json.loads(base64.b64decode(token.encode("utf-8"), validate=True))
    except (ValueError, binascii.Error):
        return "a raw service token (sent as nextToken unchanged)"
    if not isinstance(state, dict):
        return "a raw service token (sent as nextToken unchanged)"
    return f"botocore token {json.dumps(state)}"


class InterruptGuard:
    """Turns SIGINT into KeyboardInterrupt, but never while a page is being written.

    Writing a page and recording its resume token happen together, so the
    printed resume command never skips or repeats a job.
    """

    def __init__(self) -> None:
        self._writing = False
        self._pending = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self._writing:
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        try:
            previous = signal.signal(signal.SIGINT, self.handle)
        except ValueError:  # not the main thread: keep Python's default handler
            yield
            return
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
        if self._pending:
            self._pending = False
            raise KeyboardInterrupt


# -- output -------------------------------------------------------------------------


class QueryUnavailable(Exception):
    """`--query` was given but jmespath is not installed."""


def compile_query(expression: str | None) -> Any:
    """Compile `--query`, importing jmespath only when a query is given."""
    if expression is None:
        return None
    try:
        import jmespath
    except ImportError:
        raise QueryUnavailable(
            "--query needs the jmespath package: pip install 'bedrockpage[jmespath]'"
        ) from None
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as error:
        # JMESPathError, not ParseError: an empty expression raises EmptyExpressionError.
        raise UsageError(f"invalid --query expression {expression!r}: {error}") from None


def write_result(result: Any, output: str, stream: IO[str]) -> None:
    if output == "text":
        write_text(result, stream)
    elif output == "table":
        write_table(result, OPERATION_TITLE, stream)
    elif output == "jsonl":
        write_json_line(result, stream)
    else:
        write_json(result, stream)


class Sink:
    """Receives pages; json, text and table collect them, jsonl writes each job at once."""

    def __init__(self, output: str, query: Any, stream: IO[str]) -> None:
        from .pagination.results import FullResultBuilder

        self.output = output
        self.query = query
        self._stream = stream
        self._builder: Any = None
        if output != "jsonl":
            from ._client import paginator_config

            self._builder = FullResultBuilder(paginator_config(OPERATION).result_keys)

    def add_page(self, page: dict[str, Any]) -> None:
        if self._builder is not None:
            self._builder.add_page(page)
            return
        for job in page.get(RESULT_KEY, []):
            value = to_plain(job)
            if self.query is not None:
                value = self.query.search(value)
            write_json_line(value, self._stream)
        self._stream.flush()

    def finish(self, non_aggregate_part: dict[str, Any], next_token: str | None) -> None:
        if self._builder is None:
            return
        self.write_whole(self._builder.build(non_aggregate_part, next_token))

    def write_whole(self, result: dict[str, Any]) -> None:
        """Write a complete result (a single call's response, or the merged pages)."""
        value = to_plain(result)
        if self.query is not None:
            value = self.query.search(value)
        write_result(value, self.output, self._stream)


# -- the run --------------------------------------------------------------------------


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
        from ._client import client
        from .session import DEFAULT_TIMEOUT, Config

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
            except KeyboardInterrupt:
                if self.output_complete:
                    # Ctrl-C arrived while the last output was written: the run is whole.
                    return EXIT_OK
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
        if self.args.starting_token is not None:
            parameters["nextToken"] = self.args.starting_token
        result = bedrock.list_model_customization_jobs(**parameters)
        result.pop("ResponseMetadata", None)
        self.sink.write_whole(result)
        return EXIT_OK

    def _paginate(self, bedrock: Any) -> int:
        from ._client import paginator_config
        from .pagination.sync import Paginator

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
        from .protocol import LIST_MODEL_CUSTOMIZATION_JOBS, encode_query, serialize_request

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


def resume_arguments(
    args: argparse.Namespace, token: str | None, max_items: int | None
) -> list[str]:
    """Rebuild the command's arguments with `--starting-token` and `--max-items` replaced."""
    arguments: list[str] = []
    for action in _command_actions():
        if not action.option_strings or action.dest in {"help", "starting_token", "max_items"}:
            continue
        value = getattr(args, action.dest, None)
        if value is None or value is False or value == action.default:
            continue
        flag = action.option_strings[0]
        arguments.append(flag) if value is True else arguments.extend([flag, _argument_text(value)])

    if max_items is not None:
        arguments.extend(["--max-items", str(max_items)])
    if token is not None:
        arguments.extend(["--starting-token", token])
    return arguments


def _argument_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _command_actions() -> list[argparse.Action]:
    command = _ArgumentParser(prog=PROGRAM)
    _add_command_arguments(command)
    return list(command._actions)


# -- entry point ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        return _fail(
            f"usage error: {error}. Run '{PROGRAM} {COMMAND} --help' for the options.", EXIT_USAGE
        )

    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    if args.debug:
        configure_debug_logging(sys.stderr)

    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from . import exceptions

    try:
        return Run(args, sys.stdout, sys.stderr).execute()
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except UsageError as error:
        return _fail(f"usage error: {error}", EXIT_USAGE)
    except QueryUnavailable as error:
        return _fail(str(error), EXIT_USAGE)
    except (exceptions.ParamValidationError, exceptions.PaginationError) as error:
        return _fail(str(error).replace("\n", " "), EXIT_USAGE)
    except (
        exceptions.NoRegionError,
        exceptions.NoCredentialsError,
        exceptions.ConfigError,
        exceptions.CredentialRetrievalError,
    ) as error:
        return _fail(str(error), EXIT_CONFIG)
    except exceptions.ClientError as error:
        return _fail(str(error), EXIT_SERVICE)
    except exceptions.BedrockPageError as error:
        return _fail(str(error), EXIT_OTHER)


def _fail(message: str, code: int) -> int:
    print(f"{PROGRAM}: {_one_line(message)}", file=sys.stderr)
    return code


def _one_line(message: str) -> str:
    """Escape line breaks and other control characters so an error stays on one line.

    Messages quote user input (argparse repeats unknown arguments as typed) and
    service text, either of which may hold a newline or a carriage return.
    """
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in message
    )
