"""The format of the recorded HTTP fixtures in `fixtures/`, shared by the recorder and the tests.

One JSON file per scenario: the keyword arguments given to
`list_model_customization_jobs`, the request the client sent (method, path,
encoded query, scrubbed headers) and the response (status, headers, body).
`fixtures/README.md` describes every field.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures"
PLACEHOLDER_ACCOUNT_ID = "123456789012"
SCRUBBED = "<scrubbed>"
#: The session token the recorder signs with, so tests can check it was scrubbed.
RECORDER_SESSION_TOKEN = "recorder-session-token-not-a-real-credential"

#: Request headers whose values are credentials or signatures.
SECRET_HEADERS = frozenset({"authorization", "x-amz-security-token"})

_JSON_STRING = r'("(?:[^"\\]|\\.)*")'
_HEADER_PAIR = re.compile(r"\[\n\s*" + _JSON_STRING + r",\n\s*" + _JSON_STRING + r"\n\s*\]")
_ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


@dataclass(frozen=True)
class Fixture:
    """One recorded (or hand-made) exchange, as stored in `fixtures/<name>.json`."""

    name: str
    document: dict[str, Any]

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.document["params"])

    @property
    def request(self) -> dict[str, Any]:
        return dict(self.document["request"])

    @property
    def status(self) -> int:
        return int(self.document["response"]["status"])

    @property
    def response_headers(self) -> list[tuple[str, str]]:
        """Header (name, value) pairs in the order received, duplicates kept."""
        return [(name, value) for name, value in self.document["response"]["headers"]]

    def call_params(self) -> dict[str, Any]:
        """Return the keyword arguments of the call, with `{"datetime": text}` made a datetime."""
        params = self.params
        for name, value in params.items():
            if isinstance(value, dict) and set(value) == {"datetime"}:
                params[name] = datetime.datetime.fromisoformat(value["datetime"])
        return params

    @property
    def handmade(self) -> bool:
        return bool(self.document.get("handmade", False))

    def body_bytes(self) -> bytes:
        """Return the response body as sent on replay (and as counted in content-length)."""
        return encode_body(self.document["response"])


def encode_body(response: Mapping[str, Any]) -> bytes:
    """Encode a fixture body: `body` contains JSON, `text` a body that is not JSON."""
    if "text" in response:
        return str(response["text"]).encode("utf-8")
    if response.get("body") is None:
        return b""
    return json.dumps(response["body"]).encode("utf-8")


def scrub_account_ids(text: str) -> str:
    """Replace every 12-digit number (an AWS account id in ARNs) with the placeholder."""
    return _ACCOUNT_ID.sub(PLACEHOLDER_ACCOUNT_ID, text)


def load_fixtures(directory: Path = FIXTURES_DIR) -> list[Fixture]:
    """Load every `*.json` fixture of `directory`, sorted by name."""
    return [
        Fixture(path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.json"))
    ]


def dump_fixture(document: Mapping[str, Any]) -> str:
    """Format a fixture as committed: two-space indent, one header pair a line, final newline."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _HEADER_PAIR.sub(r"[\1, \2]", text) + "\n"
