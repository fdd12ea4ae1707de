"""Clock-skew correction against a fake Bedrock that checks `X-Amz-Date` like SigV4 does.

The fake service (an `httpx.MockTransport`) keeps its own time, rejects requests
signed more than 5 minutes away from it, and sends its time in `Date`.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import logging
from collections.abc import Callable

import httpx
import pytest

from bedrockpage._client import BedrockClient
from bedrockpage.exceptions import ClientError
from bedrockpage.session import Config, resolve_setup
from bedrockpage.transport.skew import ClockSkew

LOCAL_NOW = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
ENDPOINT = "http://127.0.0.1:9"
SIGNATURE_WINDOW = datetime.timedelta(minutes=5)


class SkewedService:
    """Accepts requests signed within 5 minutes of its own clock; `Date` carries that clock."""

    def __init__(self, server_now: datetime.datetime, code: str = "InvalidSignatureException"):
        self.server_now = server_now
        self.code = code
        self.amz_dates: list[str] = []
        self.send_date = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        amz_date = request.headers["X-Amz-Date"]
        self.amz_dates.append(amz_date)
        signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc
        )
        headers = {"x-amzn-RequestId": f"req-{len(self.amz_dates)}"}
        if self.send_date:
            headers["Date"] = email.utils.format_datetime(self.server_now, usegmt=True)
        if abs(signed_at - self.server_now) > SIGNATURE_WINDOW:
            body = {"message": "Signature expired: the request is too far from the server time"}
            headers["x-amzn-ErrorType"] = self.code
            return httpx.Response(403, headers=headers, content=json.dumps(body).encode())
        return httpx.Response(200, headers=headers, json={"modelCustomizationJobSummaries": []})


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    clock: Callable[[], datetime.datetime] = lambda: LOCAL_NOW,
) -> BedrockClient:
    setup = resolve_setup(
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="skew-test-secret",
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        verify=None,
        environ={},
    )
    settings = setup.call_settings._replace(clock=clock)
    setup = setup._replace(call_settings=settings)
    return BedrockClient(setup, httpx.Client(transport=httpx.MockTransport(handler)))


@pytest.mark.parametrize(
    "code", ["InvalidSignatureException", "SignatureDoesNotMatch", "RequestTimeTooSkewed"]
)
@pytest.mark.parametrize("server_offset_minutes", [60, -45, 7])
def test_skew_corrected_and_kept(
    code: str, server_offset_minutes: int, caplog: pytest.LogCaptureFixture
) -> None:
    service = SkewedService(LOCAL_NOW + datetime.timedelta(minutes=server_offset_minutes), code)
    client = make_client(service)
    caplog.set_level(logging.WARNING, logger="bedrockpage")

    first = client.list_model_customization_jobs()
    second = client.list_model_customization_jobs()

    server_date = service.server_now.strftime("%Y%m%dT%H%M%SZ")
    assert service.amz_dates == ["20260304T050607Z", server_date, server_date]
    assert first["ResponseMetadata"]["RetryAttempts"] == 1
    assert second["ResponseMetadata"]["RetryAttempts"] == 0
    warnings = [record for record in caplog.records if "Clock skew" in record.getMessage()]
    assert len(warnings) == 1
    assert f"{server_offset_minutes * 60:+d} s" in warnings[0].getMessage()


def test_small_gap_not_taken_as_skew() -> None:
    # Signed 3 minutes off: inside SigV4's window, so a signature error here is a real one.
    service = SkewedService(LOCAL_NOW + datetime.timedelta(minutes=3))
    service_rejecting = _always_reject(service)
    client = make_client(service_rejecting)

    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert len(service.amz_dates) == 1


def test_corrected_only_once_per_call() -> None:
    # The service keeps rejecting even at its own time: one resend, then the error.
    service = SkewedService(LOCAL_NOW + datetime.timedelta(hours=2))
    client = make_client(_always_reject(service))

    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    assert len(service.amz_dates) == 2
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1


def test_missing_date_header_not_corrected() -> None:
    service = SkewedService(LOCAL_NOW + datetime.timedelta(hours=1))
    service.send_date = False
    client = make_client(service)

    with pytest.raises(ClientError):
        client.list_model_customization_jobs()

    assert len(service.amz_dates) == 1


def test_other_error_code_not_corrected() -> None:
    service = SkewedService(LOCAL_NOW + datetime.timedelta(hours=1), code="AccessDeniedException")
    client = make_client(service)

    with pytest.raises(ClientError) as caught:
        client.list_model_customization_jobs()

    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert len(service.amz_dates) == 1


def test_offset_follows_the_local_clock() -> None:
    # After a correction the offset stays while the local clock moves on.
    local = [LOCAL_NOW]
    service = SkewedService(LOCAL_NOW + datetime.timedelta(hours=1))
    client = make_client(service, clock=lambda: local[0])

    client.list_model_customization_jobs()
    local[0] = LOCAL_NOW + datetime.timedelta(seconds=90)
    service.server_now += datetime.timedelta(seconds=90)
    client.list_model_customization_jobs()

    assert service.amz_dates[-1] == "20260304T060737Z"


@pytest.mark.parametrize(
    ("gap", "corrected"),
    [
        (datetime.timedelta(minutes=4), False),
        (datetime.timedelta(minutes=4, seconds=1), True),
        (-datetime.timedelta(minutes=4, seconds=1), True),
        (datetime.timedelta(0), False),
    ],
)
def test_threshold_is_four_minutes(gap: datetime.timedelta, corrected: bool) -> None:
    skew = ClockSkew()
    date = email.utils.format_datetime(LOCAL_NOW + gap, usegmt=True)

    changed = skew.correct("RequestTimeTooSkewed", {"date": date}, LOCAL_NOW)

    assert changed is corrected
    assert skew.offset == (gap if corrected else datetime.timedelta(0))


@pytest.mark.parametrize("date", ["", "yesterday", "Tue, 99 Foo 2026 00:00:00 GMT"])
def test_unparseable_date_ignored(date: str) -> None:
    skew = ClockSkew()

    assert skew.correct("RequestTimeTooSkewed", {"date": date}, LOCAL_NOW) is False
    assert skew.offset == datetime.timedelta(0)


def _always_reject(
    service: SkewedService,
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        service.amz_dates.append(request.headers["X-Amz-Date"])
        body = {"message": "The request signature we calculated does not match"}
        headers = {
            "Date": email.utils.format_datetime(service.server_now, usegmt=True),
            "x-amzn-ErrorType": service.code,
        }
        return httpx.Response(403, headers=headers, content=json.dumps(body).encode())

    return handler
