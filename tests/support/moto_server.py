"""Start moto's server on 127.0.0.1 and seed it with model customization jobs.

Used by the end-to-end tests and by `make demo`. The server is a child process
bound to loopback; `MotoServer.stop()` (or leaving the `with` block) ends it.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from types import TracebackType

import httpx

from bedrockpage.auth.credentials import Credentials
from bedrockpage.auth.sigv4 import sign_request

REGION = "us-east-1"
ACCESS_KEY = "AKIDMOTOEXAMPLE"
SECRET_KEY = "moto-secret-example"
STARTUP_TIMEOUT = 30.0
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MotoServer:
    """A moto server child process on a free loopback port.

    With `clock_start`, moto stamps jobs with clock_start, clock_start +
    clock_step, ... (naive, like its own clock) instead of the wall clock, so
    recorded responses repeat. It reads the clock three times per job.
    """

    def __init__(
        self,
        clock_start: datetime.datetime | None = None,
        clock_step: datetime.timedelta = datetime.timedelta(minutes=15),
    ) -> None:
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ, AWS_EC2_METADATA_DISABLED="true", MOTO_ALLOW_NONEXISTENT_REGION="true"
        )
        command = [sys.executable, "-m", "moto.server"]
        if clock_start is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [REPO_ROOT, env.get("PYTHONPATH")]))
            command = [
                sys.executable,
                "-m",
                "tests.support.moto_clock",
                clock_start.isoformat(),
                str(clock_step.total_seconds()),
            ]
        # moto logs one line per request on stderr. A file never fills up the
        # way an unread pipe does (moto blocked after about 680 requests).
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(
            [*command, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            env=env,
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                stderr = self._log.read().decode(errors="replace")
                raise RuntimeError(f"moto server exited with {self._process.returncode}: {stderr}")
            try:
                httpx.get(f"{self.url}/moto-api/", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.05)  # readiness poll, not a timing assumption
        self.stop()
        raise RuntimeError(f"moto server did not start on {self.url} within {STARTUP_TIMEOUT} s")

    def reset(self) -> None:
        httpx.post(f"{self.url}/moto-api/reset", timeout=10.0).raise_for_status()

    def create_job(
        self, name: str, region: str = REGION, base_model: str = "amazon.titan-text-express-v1"
    ) -> dict:
        body = json.dumps(
            {
                "jobName": name,
                "customModelName": f"{name}-model",
                "roleArn": "arn:aws:iam::123456789012:role/bedrock-customization",
                "baseModelIdentifier": base_model,
                "trainingDataConfig": {"s3Uri": "s3://training-bucket/data.jsonl"},
                "outputDataConfig": {"s3Uri": "s3://output-bucket/"},
                "hyperParameters": {"epochCount": "1"},
            }
        ).encode()
        return self._signed("POST", "/model-customization-jobs", body, region)

    def _signed(self, method: str, path: str, body: bytes, region: str) -> dict:
        url = f"{self.url}{path}"
        headers = {"Content-Type": "application/json"}
        headers.update(
            sign_request(
                method=method,
                url=url,
                headers=headers,
                body=body,
                credentials=Credentials(ACCESS_KEY, SECRET_KEY),
                region=region,
                service="bedrock",
                timestamp=datetime.datetime.now(datetime.timezone.utc),
            )
        )
        response = httpx.request(method, url, headers=headers, content=body, timeout=10.0)
        response.raise_for_status()
        return dict(response.json())

    def stop_job(self, name: str, region: str = REGION) -> dict:
        """Stop a job; moto then lists it with status `Stopped`."""
        return self._signed("POST", f"/model-customization-jobs/{name}/stop", b"", region)

    def seed(self, count: int, prefix: str = "job", region: str = REGION) -> list[str]:
        names = [f"{prefix}-{index:03d}" for index in range(count)]
        for name in names:
            self.create_job(name, region)
        return names

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._log.close()

    def __enter__(self) -> MotoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
