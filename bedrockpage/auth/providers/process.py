"""Credentials from the profile's `credential_process` command.

The command prints JSON such as
`{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken": ...,
"Expiration": ...}`.
Its stdout contains secrets, so neither logs nor error messages ever include it.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

from ...config import SharedFiles
from ...exceptions import CredentialRetrievalError
from ..credentials import Credentials
from ..refresh import Clock, RefreshableCredentials, TemporaryCredentials, utc_now
from ._base import LoadedCredentials, parse_expiration
from ._profiles import full_profile

logger = logging.getLogger("bedrockpage.auth.providers")

#: Runs a command (no shell) and returns (exit status, stdout, stderr).
RunCommand = Callable[[Sequence[str]], "tuple[int, bytes, bytes]"]


def run_command(argv: Sequence[str]) -> tuple[int, bytes, bytes]:
    completed = subprocess.run(list(argv), capture_output=True, check=False)
    return completed.returncode, completed.stdout, completed.stderr


class ProcessProvider:
    """Runs `credential_process`; with an `Expiration` in the output the credentials refresh."""

    method = "custom-process"

    def __init__(
        self,
        files: SharedFiles,
        profile: str,
        *,
        run: RunCommand = run_command,
        clock: Clock = utc_now,
    ) -> None:
        self._files = files
        self._profile = profile
        self._run = run
        self._clock = clock

    def load(self) -> LoadedCredentials | None:
        command = full_profile(self._files, self._profile).get("credential_process")
        if command is None:
            return None

        fetched = self._fetch(command)
        if fetched.expiry_time is None:
            return fetched.credentials

        return RefreshableCredentials(
            lambda: self._fetch(command),
            method=self.method,
            initial=fetched,
            clock=self._clock,
        )

    def _fetch(self, command: str) -> TemporaryCredentials:
        argv = _split_command(command, self._profile)
        try:
            status, stdout, stderr = self._run(argv)
        except OSError as error:
            raise CredentialRetrievalError(
                self.method,
                f"credential_process {argv[0]!r} of profile {self._profile!r} could not be "
                f"started: {error.strerror or error}. Check the command in the config file.",
            ) from None

        if status != 0:
            message = stderr.decode("utf-8", errors="replace").strip() or "(no output on stderr)"
            raise CredentialRetrievalError(
                self.method,
                f"credential_process of profile {self._profile!r} exited with status {status}: "
                f"{message}",
            )

        return self._parse_output(stdout)

    def _parse_output(self, stdout: bytes) -> TemporaryCredentials:
        try:
            parsed: Any = json.loads(stdout.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise CredentialRetrievalError(
                self.method,
                f"credential_process of profile {self._profile!r} printed output that is not "
                "valid JSON; it must print one JSON object with Version 1.",
            ) from None
        if not isinstance(parsed, dict):
            raise CredentialRetrievalError(
                self.method,
                f"credential_process of profile {self._profile!r} printed a JSON "
                f"{type(parsed).__name__}; it must print one JSON object with Version 1.",
            )

        version = parsed.get("Version", "<Version key not provided>")
        if version != 1:
            raise CredentialRetrievalError(
                self.method,
                f"Unsupported version {version!r} for credential process provider, "
                "supported versions: 1",
            )

        missing = [key for key in ("AccessKeyId", "SecretAccessKey") if key not in parsed]
        if missing:
            raise CredentialRetrievalError(
                self.method, f"Missing required key in response: {', '.join(missing)}"
            )

        credentials = Credentials(
            parsed["AccessKeyId"],
            parsed["SecretAccessKey"],
            parsed.get("SessionToken"),
            method=self.method,
        )
        expiration = parsed.get("Expiration")
        expiry_time = parse_expiration(self.method, expiration) if expiration is not None else None
        return TemporaryCredentials(credentials, expiry_time)


def _split_command(command: str, profile: str) -> list[str]:
    """Split the command like a POSIX shell would, without running a shell."""
    try:
        argv = shlex.split(command, posix=os.name != "nt")
    except ValueError as error:
        raise CredentialRetrievalError(
            "custom-process",
            f"credential_process of profile {profile!r} cannot be parsed: {error}.",
        ) from None
    if not argv:
        raise CredentialRetrievalError(
            "custom-process", f"credential_process of profile {profile!r} is empty."
        )
    return argv
