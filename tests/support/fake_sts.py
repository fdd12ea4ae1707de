"""A fake STS (query protocol) for AssumeRole and AssumeRoleWithWebIdentity, and a SigV4 check.

`FakeSts` responds on a `FakeHttpServer` at path `/` with the XML shape that
STS (API version 2011-06-15) returns, handing out numbered credentials so a
test can tell the first call from a refresh. `botocore_authorization`
re-signs a received request with botocore's `SigV4Auth` at the same instant,
so a test can compare botocore's Authorization header with the one received.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from unittest import mock
from xml.sax.saxutils import escape

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from tests.support.fake_http import CannedResponse, FakeHttpServer, RecordedRequest

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

#: Headers that httpx adds after signing; botocore's sender adds its own and signs none of them.
TRANSPORT_HEADERS = frozenset(
    {"accept", "accept-encoding", "connection", "content-length", "user-agent"}
)


@dataclass(frozen=True)
class IssuedCredentials:
    access_key: str
    secret_key: str
    token: str
    expiration: str


def credentials_xml(action: str, issued: IssuedCredentials) -> str:
    return (
        f'<{action}Response xmlns="{NAMESPACE}"><{action}Result>'
        "<Credentials>"
        f"<AccessKeyId>{escape(issued.access_key)}</AccessKeyId>"
        f"<SecretAccessKey>{escape(issued.secret_key)}</SecretAccessKey>"
        f"<SessionToken>{escape(issued.token)}</SessionToken>"
        f"<Expiration>{escape(issued.expiration)}</Expiration>"
        "</Credentials>"
        "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/fake/session</Arn>"
        "<AssumedRoleId>AROAFAKE:session</AssumedRoleId></AssumedRoleUser>"
        f"</{action}Result>"
        "<ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )


def error_response(status: int, code: str, message: str) -> CannedResponse:
    body = (
        f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        "<RequestId>fake-request-id</RequestId></ErrorResponse>"
    )
    return CannedResponse.text(body, status, content_type="text/xml")


class FakeSts:
    """Respond to every STS call at `/` with fresh credentials numbered from 1.

    Call `n` returns access key `{key_prefix}{n}`, secret `{secret_prefix}{n}`
    and token `{token_prefix}{n}`, all expiring at `expiration`.
    """

    def __init__(
        self,
        server: FakeHttpServer,
        *,
        expiration: str = "2030-01-01T00:00:00Z",
        key_prefix: str = "ASIASTSFAKE",
        secret_prefix: str = "sts-secret-",
        token_prefix: str = "sts-token-",
    ) -> None:
        self.server = server
        self.expiration = expiration
        self._key_prefix = key_prefix
        self._secret_prefix = secret_prefix
        self._token_prefix = token_prefix
        self.issued: list[IssuedCredentials] = []
        server.route("POST", "/", self.respond)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def calls(self) -> list[RecordedRequest]:
        return self.server.requests_to("/")

    def respond(self, request: RecordedRequest) -> CannedResponse:
        action = request.form().get("Action", "")
        if action not in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            return error_response(400, "InvalidAction", f"unknown action {action!r}")

        number = len(self.issued) + 1
        issued = IssuedCredentials(
            f"{self._key_prefix}{number}",
            f"{self._secret_prefix}{number}",
            f"{self._token_prefix}{number}",
            self.expiration,
        )
        self.issued.append(issued)
        return CannedResponse.text(credentials_xml(action, issued), content_type="text/xml")


def botocore_authorization(
    request: RecordedRequest,
    url: str,
    *,
    access_key: str,
    secret_key: str,
    token: str | None,
    region: str,
    service: str,
) -> str:
    """Return the Authorization header botocore's SigV4Auth computes for `request`.

    The request is rebuilt from what the server received, minus the headers
    httpx adds after signing, and signed at the instant of its X-Amz-Date.
    """
    amz_date = request.headers["x-amz-date"]
    instant = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")

    rebuilt = AWSRequest(method=request.method, url=url, data=request.body)
    for name, value in request.headers.items():
        if name in TRANSPORT_HEADERS or name == "authorization":
            continue
        rebuilt.headers[name] = value

    with mock.patch("botocore.auth.get_current_datetime", return_value=instant):
        SigV4Auth(BotocoreCredentials(access_key, secret_key, token), service, region).add_auth(
            rebuilt
        )
    return str(rebuilt.headers["Authorization"])
