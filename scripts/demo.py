"""`make demo`: list moto-seeded jobs through the CLI, then resume with the printed token.

Starts moto's server on a free 127.0.0.1 port, seeds 25 jobs, runs
`bedrockpage list-model-customization-jobs --max-items 7 --page-size 3`,
then runs it again with `--starting-token` set to the printed NextToken and
no item limit. The server is stopped on every exit path.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer  # noqa: E402

JOB_COUNT = 25


def run_cli(server_url: str, *flags: str) -> dict:
    command = [
        sys.executable,
        "-m",
        "bedrockpage",
        "list-model-customization-jobs",
        "--endpoint-url",
        server_url,
        "--region",
        REGION,
        *flags,
    ]
    print(f"\n$ bedrockpage {shlex.join(command[3:])}", flush=True)
    environment = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_EC2_METADATA_DISABLED="true",
    )
    completed = subprocess.run(
        command, capture_output=True, text=True, env=environment, check=False
    )
    sys.stderr.write(completed.stderr)
    if completed.returncode != 0:
        raise SystemExit(f"demo: the CLI exited with {completed.returncode}")
    result = json.loads(completed.stdout)
    _print_summary(result)
    return result


def _print_summary(result: dict) -> None:
    jobs = result.get("modelCustomizationJobSummaries", [])
    for job in jobs:
        print(f"  {job['jobName']:<10} {job['status']:<11} {job['creationTime']}")
    print(f"  ({len(jobs)} jobs)")
    if "NextToken" in result:
        print(f"  NextToken: {result['NextToken']}")


def main() -> None:
    with MotoServer() as server:
        print(f"moto server on {server.url}; seeding {JOB_COUNT} jobs", flush=True)
        server.seed(JOB_COUNT)

        first = run_cli(server.url, "--max-items", "7", "--page-size", "3")
        token = first["NextToken"]
        rest = run_cli(server.url, "--page-size", "3", "--starting-token", token)

        names = [job["jobName"] for job in first["modelCustomizationJobSummaries"]]
        names += [job["jobName"] for job in rest["modelCustomizationJobSummaries"]]
        assert len(names) == len(set(names)) == JOB_COUNT, "the two runs lost or repeated jobs"
        print(f"\nBoth runs together listed all {JOB_COUNT} jobs once each.")


if __name__ == "__main__":
    main()
