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
import os
import sys
from collections.abc import Sequence

from .arguments import (
    COMMAND,
    EXIT_CONFIG,
    EXIT_DEADLINE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_SERVICE,
    EXIT_TERMINATED,
    EXIT_USAGE,
    PROGRAM,
    UsageError,
    build_parser,
)
from .feedback import RedactingFilter, configure_debug_logging
from .output import QueryUnavailable

__all__ = [
    "COMMAND",
    "EXIT_CONFIG",
    "EXIT_DEADLINE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OTHER",
    "EXIT_SERVICE",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "PROGRAM",
    "RedactingFilter",
    "main",
]


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
    conflicts = _no_paginate_conflicts(args)
    if conflicts:
        return _fail(
            f"usage error: --no-paginate makes a single call and cannot be combined with "
            f"{', '.join(conflicts)}. Drop --no-paginate to page with them.",
            EXIT_USAGE,
        )
    if args.debug:
        configure_debug_logging(sys.stderr)

    return _run(args)


def _no_paginate_conflicts(args: argparse.Namespace) -> list[str]:
    """Return the paginator-only flags given together with --no-paginate.

    A single call has no item count to stop at, and `--starting-token` contains a
    paginator token that the service cannot read, so both would be ignored or misread.
    """
    if not args.no_paginate:
        return []
    flags = {"--max-items": args.max_items, "--starting-token": args.starting_token}
    return [flag for flag, value in flags.items() if value is not None]


def _run(args: argparse.Namespace) -> int:
    from .. import exceptions
    from .run import Run

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
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other command-line tools do.
        _discard_stdout()
        return EXIT_OTHER
    except OSError as error:
        return _fail(f"writing the output failed: {error}", EXIT_OTHER)


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush raises no second error."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


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
