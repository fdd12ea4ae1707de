"""Serve seeded model customization jobs from moto on 127.0.0.1, to try the CLI and library.

    .venv/bin/python examples/local_server.py --jobs 25

prints the environment to export in another shell and serves until Ctrl-C.
The server is moto's, from the test dependencies (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=25, help="Number of jobs to create.")
    args = parser.parse_args()

    with MotoServer() as server:
        server.seed(args.jobs, prefix="demo")
        print(f"Serving {args.jobs} jobs on {server.url}. In another shell:\n")
        print(f"export AWS_ACCESS_KEY_ID={ACCESS_KEY} AWS_SECRET_ACCESS_KEY={SECRET_KEY}")
        print(f"export AWS_REGION={REGION} AWS_ENDPOINT_URL_BEDROCK={server.url}")
        print("\nPress Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
