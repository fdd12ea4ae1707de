"""`make fixtures`: record the HTTP fixtures in fixtures/ from a moto server on 127.0.0.1.

Starts moto's server on a free loopback port with a stepping clock (so job
timestamps repeat from run to run), seeds jobs with varied names and
statuses, and calls `list_model_customization_jobs` with bedrockpage's own
client for each scenario. An httpx transport wrapper captures the exchange.
Error shapes that moto cannot produce are sent through the same client from
an in-memory transport and marked `"handmade": true`.

Before writing, the recorder scrubs credentials (Authorization,
X-Amz-Security-Token), replaces account ids with 123456789012 and sets the
headers that change on every run (request id, date, server, host port,
invocation id, user agent) to fixed values. Every file is rewritten, and
files of scenarios that no longer exist are removed.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bedrockpage._client import BedrockClient, http_client_options  # noqa: E402
from bedrockpage.exceptions import ClientError  # noqa: E402
from bedrockpage.session import Config, resolve_setup  # noqa: E402
from tests.support.http_fixtures import (  # noqa: E402
    FIXTURES_DIR,
    RECORDER_SESSION_TOKEN,
    SCRUBBED,
    SECRET_HEADERS,
    dump_fixture,
    encode_body,
    scrub_account_ids,
)
from tests.support.moto_server import ACCESS_KEY, REGION, SECRET_KEY, MotoServer  # noqa: E402

# A session token is sent so that the scrubbing of X-Amz-Security-Token is exercised.
SESSION_TOKEN = RECORDER_SESSION_TOKEN

CLOCK_START = datetime.datetime(2024, 3, 1, 8, 0, 0)
# Moto reads the clock three times per job (creation, last modified, end), so
# jobs are created 22 hours apart and fall on different dates.
CLOCK_STEP = datetime.timedelta(hours=7, minutes=20)
SIGNING_TIME = datetime.datetime(2024, 3, 20, 12, 0, 0, tzinfo=datetime.timezone.utc)

FIXED_DATE = "Wed, 20 Mar 2024 12:00:00 GMT"
FIXED_SERVER = "moto-server"
LOOPBACK = "127.0.0.1"
FIXED_INVOCATION_ID = "00000000-0000-4000-8000-00000000abcd"
FIXED_USER_AGENT = "bedrockpage (recorded)"
REQUEST_ID_NAMESPACE = uuid.UUID("6f1c2a4e-8d3b-4b7a-9c55-0e2f4d6a8b10")

# (name, base model, stopped): moto lists a job as InProgress until it is stopped.
JOBS = (
    ("titan-support-finetune", "amazon.titan-text-express-v1", False),
    ("titan-legal-finetune", "amazon.titan-text-lite-v1", True),
    ("llama-code-pretrain", "meta.llama3-8b-instruct-v1:0", False),
    ("claude-distill-summaries", "anthropic.claude-3-haiku-20240307-v1:0", False),
    ("titan-support-distill", "amazon.titan-text-express-v1", True),
    ("nova-images-finetune", "amazon.nova-canvas-v1:0", False),
    ("llama-chat-finetune", "meta.llama3-70b-instruct-v1:0", True),
    ("titan-embed-tune", "amazon.titan-embed-text-v2:0", False),
    ("mistral-ops-finetune", "mistral.mistral-7b-instruct-v0:2", False),
    ("nova-text-distill", "amazon.nova-lite-v1:0", False),
)

PAGE_SIZE = 4
# Characters left unescaped in query values, as botocore and bedrockpage send them.
QUERY_SAFE = "-_.~"


@dataclasses.dataclass
class Exchange:
    request: httpx.Request
    response: httpx.Response


class RecordingTransport(httpx.BaseTransport):
    """Pass requests to `inner` and keep every request/response pair, body read."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        recorded = httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )
        self.exchanges.append(Exchange(request, recorded))
        return recorded

    def close(self) -> None:
        self.inner.close()


def recording_client(endpoint_url: str, transport: RecordingTransport) -> BedrockClient:
    """Return a bedrockpage client that signs at SIGNING_TIME, never retries and records."""
    setup = resolve_setup(
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        profile=None,
        bearer_token=None,
        config=Config(retries={"total_max_attempts": 1}),
        verify=None,
    )
    settings = setup.call_settings._replace(clock=lambda: SIGNING_TIME)
    setup = setup._replace(call_settings=settings)
    http_client = httpx.Client(**http_client_options(setup), transport=transport)
    return BedrockClient(setup, http_client=http_client)


def call_and_record(
    client: BedrockClient, transport: RecordingTransport, params: dict[str, Any]
) -> tuple[Exchange, dict[str, Any]]:
    """Call the operation once and return the exchange and the result (or error response)."""
    try:
        result = client.list_model_customization_jobs(**params)
    except ClientError as error:
        result = error.response
    if len(transport.exchanges) != 1:
        raise RuntimeError(
            f"expected one request for {params}, got {len(transport.exchanges)}: "
            "check that retries are off (total_max_attempts=1)"
        )
    return transport.exchanges.pop(), result


def request_document(request: httpx.Request) -> dict[str, Any]:
    headers: list[list[str]] = []
    for raw_name, raw_value in request.headers.raw:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        lowered = name.lower()
        if lowered in SECRET_HEADERS:
            value = SCRUBBED
        elif lowered == "host" and value.startswith(f"{LOOPBACK}:"):
            value = LOOPBACK  # the free port changes with every run
        elif lowered == "amz-sdk-invocation-id":
            value = FIXED_INVOCATION_ID
        elif lowered == "user-agent":
            value = FIXED_USER_AGENT
        headers.append([name, value])
    return {
        "method": request.method,
        "path": request.url.path,
        "query": request.url.query.decode("ascii"),
        "headers": headers,
    }


def response_document(name: str, response: httpx.Response) -> dict[str, Any]:
    body_text = scrub_account_ids(response.content.decode("utf-8"))
    document: dict[str, Any] = {"status": response.status_code, "headers": []}
    try:
        document["body"] = json.loads(body_text) if body_text else None
    except ValueError:
        document["text"] = body_text
    if encode_body(document) != body_text.encode("utf-8"):
        # Replay must send the bytes received: keep a body json.dumps would re-space as text.
        document.pop("body", None)
        document["text"] = body_text

    request_id = str(uuid.uuid5(REQUEST_ID_NAMESPACE, name))
    for raw_name, raw_value in response.headers.raw:
        header, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        lowered = header.lower()
        if lowered in ("x-amzn-requestid", "x-amz-request-id"):
            value = request_id
        elif lowered == "date":
            value = FIXED_DATE
        elif lowered == "server":
            value = FIXED_SERVER
        elif lowered == "content-length":
            value = str(len(encode_body(document)))
        document["headers"].append([header, scrub_account_ids(value)])
    return document


def fixture_document(
    name: str, description: str, params: dict[str, Any], exchange: Exchange, source: str
) -> dict[str, Any]:
    return {
        "scenario": name,
        "description": description,
        "handmade": False,
        "source": source,
        "params": params,
        "request": request_document(exchange.request),
        "response": response_document(name, exchange.response),
    }


def seed_jobs(server: MotoServer) -> None:
    for name, base_model, stopped in JOBS:
        server.create_job(name, base_model=base_model)
        if stopped:
            server.stop_job(name)


def record_moto_scenarios(server: MotoServer) -> dict[str, dict[str, Any]]:
    """Record every moto scenario in order. The page scenarios chain their nextToken."""
    transport = RecordingTransport(httpx.HTTPTransport())
    client = recording_client(server.url, transport)
    source = "moto 5.2.6 server on 127.0.0.1, recorded by scripts/record_fixtures.py"
    documents: dict[str, dict[str, Any]] = {}

    def record(name: str, description: str, params: dict[str, Any]) -> dict[str, Any]:
        exchange, result = call_and_record(client, transport, params)
        documents[name] = fixture_document(name, description, params, exchange, source)
        return result

    first = record(
        "list-first-page",
        f"First page of {PAGE_SIZE} of {len(JOBS)} jobs, with a nextToken.",
        {"maxResults": PAGE_SIZE},
    )
    middle = record(
        "list-middle-page",
        "Second page, requested with the first page's nextToken; has a nextToken.",
        {"maxResults": PAGE_SIZE, "nextToken": first["nextToken"]},
    )
    record(
        "list-last-page",
        "Last page, requested with the second page's nextToken; no nextToken.",
        {"maxResults": PAGE_SIZE, "nextToken": middle["nextToken"]},
    )
    record("list-all-defaults", "Every job in one page, no parameters.", {})
    record(
        "list-filtered-status",
        "Only the stopped jobs.",
        {"statusEquals": "Stopped"},
    )
    record(
        "list-filtered-status-paged",
        "Stopped jobs, one per page: moto's nextToken carries a hash of the filters.",
        {"statusEquals": "Stopped", "maxResults": 1},
    )
    record(
        "list-filtered-name",
        "Jobs whose name contains 'titan-support'.",
        {"nameContains": "titan-support"},
    )
    record(
        "list-created-between-sorted",
        "Jobs created in a time window, newest first.",
        {
            "creationTimeAfter": datetime.datetime(2024, 3, 3, tzinfo=datetime.timezone.utc),
            "creationTimeBefore": "2024-03-08T00:00:00Z",
            "sortBy": "CreationTime",
            "sortOrder": "Descending",
        },
    )
    record(
        "list-empty",
        "No job matches: an empty summary list.",
        {"statusEquals": "Failed"},
    )
    record(
        "list-max-results-above-limit",
        "maxResults above the documented maximum of 1000: moto accepts it, AWS returns"
        " ValidationException (see error-validation-max-results).",
        {"maxResults": 5000},
    )
    record(
        "error-moto-invalid-sort-by",
        "sortBy outside the enum: moto's ValidationException.",
        {"sortBy": "Name", "sortOrder": "Ascending"},
    )
    record(
        "error-moto-sort-order-missing",
        "sortBy without sortOrder: moto's ValidationException.",
        {"sortBy": "CreationTime"},
    )
    record(
        "error-moto-invalid-token",
        "A nextToken that moto cannot decode: InvalidToken, a code the model does not list.",
        {"nextToken": "not-a-moto-token"},
    )
    client.close()
    return documents


@dataclasses.dataclass(frozen=True)
class HandmadeError:
    name: str
    description: str
    source: str
    params: dict[str, Any]
    status: int
    headers: dict[str, str]
    body: bytes


def json_body(document: dict[str, str]) -> bytes:
    """Encode a hand-made body as fixtures store it (json.dumps with default separators)."""
    return json.dumps(document).encode()


_CORAL_BEDROCK = "http://internal.amazon.com/coral/com.amazon.bedrock/"
_CORAL_SERVICE = "http://internal.amazon.com/coral/com.amazon.coral.service/"

HANDMADE_ERRORS = (
    HandmadeError(
        "error-throttling",
        "ThrottlingException with the code in x-amzn-ErrorType (with the :http suffix).",
        "AWS rest-json error format; moto never throttles.",
        {"maxResults": 10},
        429,
        {"x-amzn-ErrorType": f"ThrottlingException:{_CORAL_BEDROCK}"},
        json_body({"message": "Too many requests, please wait before trying again."}),
    ),
    HandmadeError(
        "error-access-denied",
        "AccessDeniedException from the authorization layer, with a capitalised Message.",
        "AWS rest-json error format; moto server does not enforce IAM by default.",
        {},
        403,
        {"x-amzn-ErrorType": f"AccessDeniedException:{_CORAL_SERVICE}"},
        json_body(
            {
                "Message": "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                "bedrock:ListModelCustomizationJobs because no identity-based policy allows "
                "the bedrock:ListModelCustomizationJobs action"
            }
        ),
    ),
    HandmadeError(
        "error-internal-server",
        "InternalServerException, a server fault (HTTP 500).",
        "AWS rest-json error format; moto has no way to fail this call with a 500.",
        {"statusEquals": "InProgress"},
        500,
        {"x-amzn-ErrorType": f"InternalServerException:{_CORAL_BEDROCK}"},
        json_body({"message": "Internal server error"}),
    ),
    HandmadeError(
        "error-validation-max-results",
        "ValidationException for maxResults above 1000, which only the service checks.",
        "AWS rest-json error format and Coral's constraint message; moto accepts the value.",
        {"maxResults": 5000},
        400,
        {"x-amzn-ErrorType": f"ValidationException:{_CORAL_BEDROCK}"},
        json_body(
            {
                "message": "1 validation error detected: Value '5000' at 'maxResults' failed to "
                "satisfy constraint: Member must have value less than or equal to 1000"
            }
        ),
    ),
    HandmadeError(
        "error-unrecognized-client-type-in-body",
        "An error code only in the body's __type, with a namespace# prefix, and no header.",
        "AWS JSON error format (__type); moto does not check access keys by default.",
        {"maxResults": 10},
        403,
        {},
        json_body(
            {
                "__type": "com.amazon.coral.service#UnrecognizedClientException",
                "message": "The security token included in the request is invalid.",
            }
        ),
    ),
    HandmadeError(
        "error-service-unavailable-html",
        "A 503 with an HTML body, as a load balancer sends: no code, no message.",
        "Generic HTTP 5xx with an <html> body; moto always answers in JSON.",
        {},
        503,
        {"Content-Type": "text/html"},
        b"<html><body><h1>503 Service Unavailable</h1></body></html>",
    ),
)


def handmade_responder(error: HandmadeError) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        headers = {
            "Date": FIXED_DATE,
            "Content-Type": "application/json",
            "x-amzn-RequestId": str(uuid.uuid5(REQUEST_ID_NAMESPACE, error.name)),
            **error.headers,
        }
        return httpx.Response(error.status, headers=headers, content=error.body)

    return respond


def record_handmade_scenarios() -> dict[str, dict[str, Any]]:
    """Send each hand-made error through the client, so the recorded request is real."""
    documents: dict[str, dict[str, Any]] = {}
    for error in HANDMADE_ERRORS:
        transport = RecordingTransport(httpx.MockTransport(handmade_responder(error)))
        client = recording_client("https://bedrock.us-east-1.amazonaws.com", transport)
        exchange, _ = call_and_record(client, transport, dict(error.params))
        client.close()
        document = fixture_document(
            error.name, error.description, dict(error.params), exchange, error.source
        )
        document["handmade"] = True
        documents[error.name] = document
    return documents


def json_params(params: dict[str, Any]) -> dict[str, Any]:
    """Make params JSON-ready: a datetime is stored as {"datetime": ISO 8601 text}."""
    converted: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, datetime.datetime):
            converted[name] = {"datetime": value.isoformat()}
        else:
            converted[name] = value
    return converted


def stable_moto_token(token: str) -> str:
    """Return moto's next token with its parameter checksum set to 0.

    Moto's token is base64 of `json.dumps({"parameterChecksum": hash(filters),
    "uniqueAttributes": [...]})`. On Python 3.11 `hash(None)` depends on the
    address of None, so the checksum changes from run to run even with
    PYTHONHASHSEED fixed.
    """
    decoded = json.loads(base64.b64decode(token))
    if base64.b64encode(json.dumps(decoded).encode()).decode() != token:
        raise RuntimeError(
            f"cannot normalise moto's next token {token!r}: its format is no longer "
            "base64 of json.dumps(...); update stable_moto_token"
        )
    if "parameterChecksum" in decoded:
        decoded["parameterChecksum"] = 0
    return base64.b64encode(json.dumps(decoded).encode()).decode()


def stable_tokens(documents: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Map each next token that moto returned to its stable form."""
    replacements: dict[str, str] = {}
    for document in documents.values():
        body = document["response"].get("body")
        token = body.get("nextToken") if isinstance(body, dict) else None
        if isinstance(token, str) and not document["handmade"]:
            replacements[token] = stable_moto_token(token)
    return replacements


def replace_tokens(document: dict[str, Any], replacements: dict[str, str]) -> dict[str, Any]:
    """Put the stable tokens into `params`, the encoded query and the response body."""
    params = document["params"]
    if params.get("nextToken") in replacements:
        params["nextToken"] = replacements[params["nextToken"]]

    request = document["request"]
    for old, new in replacements.items():
        encoded_old = f"nextToken={quote(old, safe=QUERY_SAFE)}"
        request["query"] = request["query"].replace(
            encoded_old, f"nextToken={quote(new, safe=QUERY_SAFE)}"
        )

    body = document["response"].get("body")
    if isinstance(body, dict) and body.get("nextToken") in replacements:
        body["nextToken"] = replacements[body["nextToken"]]
    return set_content_length(document)


def write_fixtures(documents: dict[str, dict[str, Any]], directory: Path) -> None:
    replacements = stable_tokens(documents)
    directory.mkdir(exist_ok=True)
    for stale in directory.glob("*.json"):
        if stale.stem not in documents:
            stale.unlink()

    for name, document in sorted(documents.items()):
        document = replace_tokens(document, replacements)
        document["params"] = json_params(document["params"])
        (directory / f"{name}.json").write_text(dump_fixture(document), encoding="utf-8")


def set_content_length(document: dict[str, Any]) -> dict[str, Any]:
    """Make Content-Length match the body again after the token normalisation."""
    response = document["response"]
    length = str(len(encode_body(response)))
    response["headers"] = [
        [name, length if name.lower() == "content-length" else value]
        for name, value in response["headers"]
    ]
    return document


def record(directory: Path) -> int:
    """Record every scenario into `directory` and return the number of files written."""
    with MotoServer(clock_start=CLOCK_START, clock_step=CLOCK_STEP) as server:
        seed_jobs(server)
        documents = record_moto_scenarios(server)
    documents.update(record_handmade_scenarios())
    write_fixtures(documents, directory)
    return len(documents)


def main() -> None:
    count = record(FIXTURES_DIR)
    print(f"wrote {count} fixtures to {FIXTURES_DIR}")


if __name__ == "__main__":
    main()
