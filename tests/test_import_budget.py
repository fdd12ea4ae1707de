"""The modules that `import bedrockpage` and a first request load, checked against allow-lists.

Cold start is mostly import time, so a module that starts loading at start-up
is a regression even when every test still passes. Each check runs a fresh
interpreter and compares the top-level modules it loads with a fixed list.

The first request is compared with what bare httpx loads for the same request,
because httpx's own imports vary with what else is installed (with click
present, httpx imports its command-line tool and pygments). `ssl` is in that
baseline: httpx 0.29 imports `http.cookiejar`, which imports `http.client`, which
imports `ssl`, so no httpx client avoids it, even for a plain-http endpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.support.fake_http import CannedResponse, FakeHttpServer

PATH = "/model-customization-jobs"

PAGE = {
    "modelCustomizationJobSummaries": [
        {
            "jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/m/abc123",
            "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
            "jobName": "import-budget-job",
            "status": "Completed",
            "creationTime": "2024-01-02T03:04:05.123Z",
            "lastModifiedTime": "2024-01-02T05:04:05.456Z",
            "endTime": "2024-01-02T05:04:05.456Z",
            "customizationType": "FINE_TUNING",
        }
    ]
}

#: Top-level modules `import bedrockpage` may load beyond a bare interpreter, besides
#: what `typing` imports (on Python 3.12 that includes `contextlib`).
IMPORT_ALLOWED = {"bedrockpage", "collections", "typing", "_typing"}

#: Top-level modules a first signed request may load beyond bare httpx's first request:
#: SigV4 (hmac) and the pagination controls (contextvars). The Date header is parsed
#: with strptime only when a retry needs it, so `_strptime` is not on this list.
FIRST_REQUEST_EXTRA_ALLOWED = {"bedrockpage", "hmac", "contextvars", "_contextvars"}

#: Modules that must never load for a sync first request with explicit keys,
#: each listed so that a failure names what crept back.
FIRST_REQUEST_FORBIDDEN = {
    "botocore",
    "boto3",
    "jmespath",
    "dateutil",
    "asyncio",
    "configparser",
    "subprocess",
    "decimal",
    "xml",
    "concurrent",
}

#: bedrockpage submodules that explicit keys and a plain-key paginator config never need.
FIRST_REQUEST_FORBIDDEN_SUBMODULES = (
    "bedrockpage.auth.providers",
    "bedrockpage.aio",
    "bedrockpage.pagination.aio",
    "bedrockpage.transport.aio",
    "bedrockpage.cli",
)

# The difference is taken before `json` is imported for the output.
_REPORT = """
NEW = sorted(set(sys.modules) - BEFORE)
import json
print(json.dumps(NEW))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[FakeHttpServer]:
    with FakeHttpServer() as fake:
        fake.route("GET", PATH, CannedResponse.json(PAGE))
        yield fake


def loaded_modules(body: str) -> set[str]:
    """Run `body` in a fresh interpreter; return the modules it added to sys.modules."""
    script = "import sys\nBEFORE = set(sys.modules)\n" + body + _REPORT
    return set(json.loads(run_script(script)))


def run_script(script: str) -> str:
    """Run `script` in a fresh interpreter without AWS settings; return its last output line."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "PYTHON"))
    }
    environment.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/dev/null",
        AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.splitlines()[-1]


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def first_request_script(url: str) -> str:
    return f"""
import bedrockpage
client = bedrockpage.client(
    "bedrock", region_name="us-east-1", endpoint_url="{url}",
    aws_access_key_id="AKIDIMPORTBUDGET", aws_secret_access_key="not-a-secret",
)
pages = client.get_paginator("list_model_customization_jobs").paginate(
    PaginationConfig={{"PageSize": 100}}
)
page = next(iter(pages))
assert page["modelCustomizationJobSummaries"][0]["jobName"] == "import-budget-job"
"""


def httpx_request_script(url: str) -> str:
    return f"""
import httpx
with httpx.Client(verify=False) as http:
    http.get("{url}{PATH}?maxResults=100").raise_for_status()
"""


def test_import_alone_loads_only_package() -> None:
    modules = loaded_modules("import bedrockpage")
    typing_imports = top_level(loaded_modules("import typing"))

    assert top_level(modules) - IMPORT_ALLOWED - typing_imports == set()
    assert sorted(name for name in modules if name.startswith("bedrockpage")) == [
        "bedrockpage",
        "bedrockpage._version",
    ]


def test_first_request_adds_little_to_httpx(server: FakeHttpServer) -> None:
    baseline = top_level(loaded_modules(httpx_request_script(server.url)))
    ours = top_level(loaded_modules(first_request_script(server.url)))

    assert ours - baseline - FIRST_REQUEST_EXTRA_ALLOWED == set()


def test_first_request_loads_no_heavy_modules(server: FakeHttpServer) -> None:
    modules = loaded_modules(first_request_script(server.url))
    # What bare httpx loads is not ours to avoid: on Python 3.10 with click
    # installed, httpx's command-line tool imports uuid, platform and subprocess.
    baseline = top_level(loaded_modules(httpx_request_script(server.url)))

    assert top_level(modules) & (FIRST_REQUEST_FORBIDDEN - baseline) == set()
    unexpected = sorted(
        name
        for name in modules
        for package in FIRST_REQUEST_FORBIDDEN_SUBMODULES
        if name == package or name.startswith(f"{package}.")
    )
    assert unexpected == []


def test_first_request_signs_without_credential_chain(server: FakeHttpServer) -> None:
    before = len(server.requests_to(PATH))

    loaded_modules(first_request_script(server.url))

    requests = server.requests_to(PATH)
    assert len(requests) == before + 1
    assert (
        requests[-1]
        .headers["authorization"]
        .startswith("AWS4-HMAC-SHA256 Credential=AKIDIMPORTBUDGET/")
    )


# Class creation and regex compiling run at import, so every cold start pays for them.
# On CPython 3.11 a dataclass takes 0.5 to 0.9 ms to create. A typing.NamedTuple whose
# annotations are strings (`from __future__ import annotations`) takes about 300 µs,
# and the same NamedTuple with evaluated annotations about 100 µs.
_CLASS_REPORT = """
import __future__, dataclasses, re
REPORT = {"dataclasses": [], "string_annotated_namedtuples": [], "patterns": []}
for name, module in sorted(sys.modules.items()):
    if not name.startswith("bedrockpage"):
        continue
    postponed = isinstance(getattr(module, "annotations", None), __future__._Feature)
    for value in vars(module).values():
        if not isinstance(value, type) or value.__module__ != name:
            continue
        if dataclasses.is_dataclass(value):
            REPORT["dataclasses"].append(f"{name}.{value.__qualname__}")
        if postponed and issubclass(value, tuple) and hasattr(value, "_fields"):
            REPORT["string_annotated_namedtuples"].append(f"{name}.{value.__qualname__}")
    for value in vars(module).values():
        if isinstance(value, re.Pattern):
            REPORT["patterns"].append(f"{name}: {value.pattern[:40]}")
import json
print(json.dumps(REPORT))
"""


def test_first_request_creates_no_costly_classes_or_patterns(server: FakeHttpServer) -> None:
    script = "import sys\n" + first_request_script(server.url) + _CLASS_REPORT
    report = json.loads(run_script(script))

    assert report == {"dataclasses": [], "string_annotated_namedtuples": [], "patterns": []}
