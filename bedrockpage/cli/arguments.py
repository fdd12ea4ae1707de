"""Command-line arguments: the AWS CLI's flag names, exit codes and the resume command."""

from __future__ import annotations

import argparse
from typing import Any

from .. import _version

EXIT_OK = 0
EXIT_DEADLINE = 124
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
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
  143  stopped by SIGTERM; the resume command is printed on stderr
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
