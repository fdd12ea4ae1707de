"""Command line: `bedrockpage list-model-customization-jobs`, with the AWS CLI's flags.

Exit codes follow the AWS CLI: 0 success, 130 interrupted (Ctrl-C),
252 invalid command line or parameters, 253 configuration or credentials
error, 254 the service returned an error, 255 any other failure (connection,
timeout, unparsable response).
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import sys
from collections.abc import Sequence
from typing import IO, Any

from . import _version

EXIT_OK = 0
EXIT_INTERRUPTED = 130
EXIT_USAGE = 252
EXIT_CONFIG = 253
EXIT_SERVICE = 254
EXIT_OTHER = 255

COMMAND = "list-model-customization-jobs"

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
  130  interrupted (Ctrl-C)
  252  invalid command line or parameters
  253  configuration or credentials error (no region, no credentials)
  254  the service returned an error
  255  any other failure (connection, timeout, unparsable response)
"""


class UsageError(Exception):
    """A command-line mistake; reported on one line with exit code 252."""


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's error() exits with 2; ours raises.
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="bedrockpage",
        description="List Amazon Bedrock model customization jobs, paginated like the AWS CLI.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"bedrockpage {_version.__version__}"
    )
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

    paging = command.add_argument_group("pagination")
    paging.add_argument("--max-items", type=_positive_int, help="Total number of jobs to return.")
    paging.add_argument(
        "--page-size", type=_positive_int, help="Jobs requested per service call (1-1000)."
    )
    paging.add_argument(
        "--starting-token", help="NextToken printed by an earlier run, to resume it."
    )
    paging.add_argument("--no-paginate", action="store_true", help="Make a single service call.")

    connection = command.add_argument_group("connection")
    connection.add_argument("--region", help="AWS region, for example us-east-1.")
    connection.add_argument("--profile", help="Profile of the shared config and credentials files.")
    connection.add_argument(
        "--endpoint-url", help="Send requests to this URL instead of the default endpoint."
    )
    connection.add_argument(
        "--output", choices=["json"], default="json", help="Output format (default json)."
    )
    connection.add_argument(
        "--debug", action="store_true", help="Log each request at DEBUG level (secrets redacted)."
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid integer value: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
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


def list_jobs(args: argparse.Namespace) -> dict[str, Any]:
    """Run the listing the way `aws bedrock list-model-customization-jobs` does."""
    from .client import client

    with client(
        "bedrock", region_name=args.region, endpoint_url=args.endpoint_url, profile=args.profile
    ) as bedrock:
        parameters = request_parameters(args)
        if args.no_paginate:
            if args.page_size is not None:
                parameters["maxResults"] = args.page_size
            if args.starting_token is not None:
                parameters["nextToken"] = args.starting_token
            result = bedrock.list_model_customization_jobs(**parameters)
            result.pop("ResponseMetadata", None)
            return result

        paginator = bedrock.get_paginator("list_model_customization_jobs")
        return paginator.paginate(
            **parameters, PaginationConfig=pagination_config(args)
        ).build_full_result()


def write_json(result: dict[str, Any], stream: IO[str]) -> None:
    """Write `result` as the AWS CLI does: 4-space indent, timestamps in ISO 8601."""
    json.dump(result, stream, indent=4, default=_json_default, ensure_ascii=False)
    stream.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        return _fail(
            f"usage error: {error}. Run 'bedrockpage {COMMAND} --help' for the options.", EXIT_USAGE
        )

    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    if args.debug:
        logging.basicConfig(
            level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s"
        )

    return _run(args)


def _run(args: argparse.Namespace) -> int:
    from . import exceptions

    try:
        result = list_jobs(args)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
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

    write_json(result, sys.stdout)
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"bedrockpage: {message}", file=sys.stderr)
    return code
