"""Retry modes against botocore 1.44.8's own retry objects.

Each scenario scripts HTTP responses and connection errors for one or more calls.
botocore runs them through a real client whose `before-send` hook returns the
scripted responses; bedrockpage runs them through `OperationCall`. Both sides get
the same random numbers and the same fake clock, and neither really sleeps. The
test compares every sleep, every `amz-sdk-request` header, the final result or
error with its `ResponseMetadata`, the retry quota left and, in adaptive mode,
the token bucket's rate.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.endpoint
import botocore.exceptions
import botocore.retries.bucket
import botocore.retries.quota
import botocore.retries.standard
import botocore.retryhandler
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config as BotoConfig

from bedrockpage import exceptions as bp_exceptions
from bedrockpage.exceptions import ConfigError
from bedrockpage.protocol import LIST_MODEL_CUSTOMIZATION_JOBS
from bedrockpage.session import Config, resolve_setup
from bedrockpage.transport.call import (
    CallSettings,
    Finished,
    OperationCall,
    SendRequest,
    Sleep,
)
from bedrockpage.transport.retries import (
    AdaptiveRetryPolicy,
    ClientRateLimiter,
    LegacyRetryPolicy,
    Outcome,
    RetryPolicy,
)
from bedrockpage.transport.skew import ClockSkew

ENDPOINT = "http://127.0.0.1:9"
NOW = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
SERVER_DATE = "Fri, 02 Jan 2026 03:05:00 GMT"
START_TIME = 1_000_000.0


# -- scripted traffic --------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    code: str | None = None
    retry_after: str | None = None
    date: bool = True

    def headers(self, request_number: int) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "x-amzn-RequestId": f"req-{request_number}",
        }
        if self.date:
            headers["Date"] = SERVER_DATE
        if self.code is not None:
            headers["x-amzn-ErrorType"] = f"{self.code}:http://internal.amazon.com/"
        if self.retry_after is not None:
            headers["x-amz-retry-after"] = self.retry_after
        return headers

    def body(self) -> bytes:
        if 200 <= self.status < 300:
            return b'{"modelCustomizationJobSummaries": []}'
        if self.code is None:
            return b""
        return json.dumps({"message": f"{self.code} message"}).encode()


@dataclass(frozen=True)
class Fail:
    """A connection-level failure; `kind` names the botocore exception class."""

    kind: str


Step = Reply | Fail
OK = Reply(200)
THROTTLED = Reply(429, "ThrottlingException")
SERVER_ERROR = Reply(500, "InternalServerException")
BAD_GATEWAY = Reply(502)
UNAVAILABLE = Reply(503)
GATEWAY_TIMEOUT = Reply(504)


def _boto_error(kind: str) -> Exception:
    if kind == "HTTPClientError":
        return botocore.exceptions.HTTPClientError(error="boom")
    error_class = getattr(botocore.exceptions, kind)
    return error_class(endpoint_url=ENDPOINT, error="boom")  # type: ignore[no-any-return]


def _bedrockpage_error(kind: str) -> bp_exceptions.HTTPClientError:
    error_class: type[bp_exceptions.HTTPClientError] = getattr(bp_exceptions, kind)
    return error_class(f"{kind} on {ENDPOINT}", url=ENDPOINT)


@dataclass
class Observed:
    """What one side did for a whole scenario."""

    sleeps: list[float] = field(default_factory=list)
    sdk_request_headers: list[str] = field(default_factory=list)
    invocation_ids: list[set[str]] = field(default_factory=list)
    results: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    quota_left: int | None = None
    send_rate: float | None = None


def _summary(metadata: dict[str, Any]) -> dict[str, Any]:
    keys = ("HTTPStatusCode", "RetryAttempts", "MaxAttemptsReached", "RetryQuotaReached")
    return {key: metadata[key] for key in keys if key in metadata}


class FakeClock:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = START_TIME

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        # A real clock moves on during any wait. Without this floor, float rounding
        # in the token bucket yields waits of 1e-16 s, which do not move a clock
        # reading 1e6, so botocore's wait loop would spin forever.
        self.now += max(seconds, 1e-6)


# -- botocore side -----------------------------------------------------------------


class _FakeCondition:
    """Stands in for the token bucket's `threading.Condition`: waiting moves the fake clock."""

    def __init__(self, clock: FakeClock, sleeps: list[float]) -> None:
        self._clock = clock
        self._sleeps = sleeps

    def __enter__(self) -> _FakeCondition:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def wait(self, seconds: float) -> None:
        self._sleeps.append(seconds)
        self._clock.sleep(seconds)

    def notify(self) -> None:
        return None


def run_botocore(
    monkeypatch: pytest.MonkeyPatch,
    calls: list[list[Step]],
    retries: dict[str, Any],
    seed: int,
) -> Observed:
    observed = Observed()
    clock = FakeClock()
    rng = random.Random(seed)
    captured: dict[str, Any] = {}

    def record_sleep(seconds: float) -> None:
        observed.sleeps.append(seconds)
        clock.sleep(seconds)

    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=record_sleep))
    monkeypatch.setattr(botocore.endpoint, "get_current_datetime", lambda: NOW.replace(tzinfo=None))
    monkeypatch.setattr(botocore.retryhandler, "random", types.SimpleNamespace(random=rng.random))
    monkeypatch.setattr(botocore.retries.bucket.Clock, "current_time", lambda self: clock.time())
    fake_threading = types.SimpleNamespace(
        Lock=threading.Lock,
        Condition=lambda lock: _FakeCondition(clock, observed.sleeps),
    )
    monkeypatch.setattr(botocore.retries.bucket, "threading", fake_threading)
    _capture_instances(monkeypatch, captured, rng)

    client = _botocore_session().create_client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=BotoConfig(retries=retries),
    )
    for steps in calls:
        _run_botocore_call(client, steps, observed)

    if "quota" in captured:
        observed.quota_left = captured["quota"].available_capacity
    if "bucket" in captured:
        observed.send_rate = captured["bucket"].max_rate
    return observed


@functools.cache
def _botocore_session() -> botocore.session.Session:
    # One session for the module: loading the service model dominates client creation.
    return botocore.session.get_session()


def _capture_instances(
    monkeypatch: pytest.MonkeyPatch, captured: dict[str, Any], rng: random.Random
) -> None:
    """Inject the random source into standard mode's backoff and keep the quota and bucket."""
    backoff_init = botocore.retries.standard.ExponentialBackoff.__init__
    quota_init = botocore.retries.quota.RetryQuota.__init__
    bucket_init = botocore.retries.bucket.TokenBucket.__init__

    @functools.wraps(backoff_init)
    def init_backoff(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["random"] = rng.random
        backoff_init(self, *args, **kwargs)

    @functools.wraps(quota_init)
    def init_quota(self: Any, *args: Any, **kwargs: Any) -> None:
        quota_init(self, *args, **kwargs)
        captured["quota"] = self

    @functools.wraps(bucket_init)
    def init_bucket(self: Any, *args: Any, **kwargs: Any) -> None:
        bucket_init(self, *args, **kwargs)
        captured["bucket"] = self

    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "__init__", init_backoff)
    monkeypatch.setattr(botocore.retries.quota.RetryQuota, "__init__", init_quota)
    monkeypatch.setattr(botocore.retries.bucket.TokenBucket, "__init__", init_bucket)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


def _run_botocore_call(client: Any, steps: list[Step], observed: Observed) -> None:
    script = iter(steps)
    invocation_ids: set[str] = set()
    counter = {"n": 0}

    def send(request: Any, **kwargs: Any) -> AWSResponse:
        counter["n"] += 1
        # The prepared request stores header values as bytes.
        observed.sdk_request_headers.append(request.headers["amz-sdk-request"].decode())
        invocation_ids.add(request.headers["amz-sdk-invocation-id"].decode())
        step = next(script)
        if isinstance(step, Fail):
            raise _boto_error(step.kind)
        headers = step.headers(counter["n"])
        return AWSResponse(request.url, step.status, headers, _Raw(step.body()))

    # Registered last on the generic event, so the adaptive rate limiter's own
    # before-send handler still runs when the script raises a connection error.
    client.meta.events.register_last("before-send", send)
    try:
        response = client.list_model_customization_jobs()
    except botocore.exceptions.ClientError as error:
        observed.results.append(
            (
                f"ClientError:{error.response['Error']['Code']}",
                _summary(error.response["ResponseMetadata"]),
            )
        )
    except botocore.exceptions.BotoCoreError as error:
        observed.results.append((type(error).__name__, {}))
    else:
        observed.results.append(("ok", _summary(response["ResponseMetadata"])))
    finally:
        client.meta.events.unregister("before-send", send)
    observed.invocation_ids.append(invocation_ids)


# -- bedrockpage side --------------------------------------------------------------


def bedrockpage_settings(retries: dict[str, Any], seed: int, clock: FakeClock) -> CallSettings:
    setup = resolve_setup(
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=Config(retries=retries),
        verify=None,
        environ={},
    )
    policy = setup.call_settings.retry_policy
    policy.random = random.Random(seed).random
    if isinstance(policy, AdaptiveRetryPolicy):
        policy.rate_limiter = ClientRateLimiter(clock=clock.time)
    return CallSettings(
        endpoint_url=setup.call_settings.endpoint_url,
        signer=setup.call_settings.signer,
        retry_policy=policy,
        clock_skew=ClockSkew(),
        user_agent=setup.call_settings.user_agent,
        clock=lambda: NOW,
        read_timeout=setup.call_settings.read_timeout,
    )


def run_bedrockpage(calls: list[list[Step]], retries: dict[str, Any], seed: int) -> Observed:
    observed = Observed()
    clock = FakeClock()
    settings = bedrockpage_settings(retries, seed, clock)
    for steps in calls:
        _run_bedrockpage_call(settings, steps, observed, clock)

    policy = settings.retry_policy
    if not isinstance(policy, LegacyRetryPolicy):
        observed.quota_left = policy.quota.available
    if isinstance(policy, AdaptiveRetryPolicy):
        observed.send_rate = policy.rate_limiter.send_rate
    return observed


def _run_bedrockpage_call(
    settings: CallSettings, steps: list[Step], observed: Observed, clock: FakeClock
) -> None:
    call = OperationCall(LIST_MODEL_CUSTOMIZATION_JOBS, {}, settings)
    script = iter(steps)
    invocation_ids: set[str] = set()
    request_number = 0
    while True:
        try:
            event = call.next_event()
        except bp_exceptions.ClientError as error:
            code = error.response["Error"]["Code"]
            observed.results.append(
                (f"ClientError:{code}", _summary(error.response["ResponseMetadata"]))
            )
            break
        except bp_exceptions.HTTPClientError as error:
            observed.results.append((type(error).__name__, {}))
            break
        if isinstance(event, Finished):
            observed.results.append(("ok", _summary(event.result["ResponseMetadata"])))
            break
        if isinstance(event, Sleep):
            observed.sleeps.append(event.seconds)
            clock.sleep(event.seconds)
            continue

        assert isinstance(event, SendRequest)
        request_number += 1
        observed.sdk_request_headers.append(event.request.headers["amz-sdk-request"])
        invocation_ids.add(event.request.headers["amz-sdk-invocation-id"])
        step = next(script)
        if isinstance(step, Fail):
            call.receive_transport_error(_bedrockpage_error(step.kind))
        else:
            headers = {name.lower(): value for name, value in step.headers(request_number).items()}
            call.receive_response(step.status, headers, step.body())
    observed.invocation_ids.append(invocation_ids)


# -- scenarios ---------------------------------------------------------------------

SCENARIOS: dict[str, list[list[Step]]] = {
    "success": [[OK]],
    "throttled-then-ok": [[THROTTLED, OK]],
    "throttled-always": [[THROTTLED] * 6],
    "server-errors": [[SERVER_ERROR, BAD_GATEWAY, UNAVAILABLE, GATEWAY_TIMEOUT, OK]],
    "validation-not-retried": [[Reply(400, "ValidationException"), OK]],
    "access-denied-not-retried": [[Reply(403, "AccessDeniedException"), OK]],
    "429-unmodeled-code": [[Reply(429, "TooManyRequests"), OK]],
    "429-no-body": [[Reply(429), OK]],
    "429-modeled-other-code": [[Reply(429, "ValidationException"), OK]],
    "400-throttling-code": [[Reply(400, "Throttling"), OK]],
    "400-slowdown": [[Reply(400, "SlowDown"), OK]],
    "400-request-timeout": [[Reply(400, "RequestTimeoutException"), OK]],
    "400-limit-exceeded": [[Reply(400, "LimitExceededException"), OK]],
    "509": [[Reply(509), OK]],
    "501-not-retried": [[Reply(501), OK]],
    "retry-after": [[Reply(503, retry_after="1500"), Reply(503, retry_after="9000"), OK]],
    "retry-after-invalid": [[Reply(503, retry_after="soon"), Reply(503, retry_after="-5"), OK]],
    "no-date-header": [[Reply(500, date=False), Reply(500), Reply(500, date=False), OK]],
    "connection-errors": [
        [Fail("EndpointConnectionError"), Fail("ConnectTimeoutError"), Fail("ReadTimeoutError"), OK]
    ],
    "connection-closed": [[Fail("ConnectionClosedError"), OK]],
    "generic-http-client-error": [[Fail("HTTPClientError"), OK]],
    "connection-errors-exhausted": [[Fail("EndpointConnectionError")] * 6],
    "mixed-then-ok": [[THROTTLED, Fail("ReadTimeoutError"), SERVER_ERROR, THROTTLED, OK]],
    "quota-exhausted": [[SERVER_ERROR] * 6 for _ in range(45)] + [[OK], [SERVER_ERROR, OK]],
    "quota-refilled": [[SERVER_ERROR, OK] for _ in range(40)] + [[OK] * 1 for _ in range(5)],
    "many-throttles": [[THROTTLED, THROTTLED, OK] for _ in range(12)] + [[OK] for _ in range(8)],
}

RETRY_CONFIGS: dict[str, dict[str, Any]] = {
    "standard": {"mode": "standard"},
    "standard-max_attempts-4": {"mode": "standard", "max_attempts": 4},
    "standard-max_attempts-0": {"mode": "standard", "max_attempts": 0},
    "standard-total-2": {"mode": "standard", "total_max_attempts": 2, "max_attempts": 9},
    "legacy": {"mode": "legacy"},
    "legacy-max_attempts-2": {"mode": "legacy", "max_attempts": 2},
    "legacy-total-7": {"mode": "legacy", "total_max_attempts": 7},
    "adaptive": {"mode": "adaptive"},
    "adaptive-total-6": {"mode": "adaptive", "total_max_attempts": 6},
}


def _pad_scripts(calls: list[list[Step]]) -> list[list[Step]]:
    """Add successes at the end of each call so no mode runs out of scripted responses."""
    return [[*steps, *[OK] * 8] for steps in calls]


@pytest.mark.parametrize("config_name", sorted(RETRY_CONFIGS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_matches_botocore(monkeypatch: pytest.MonkeyPatch, scenario: str, config_name: str) -> None:
    calls = _pad_scripts(SCENARIOS[scenario])
    retries = RETRY_CONFIGS[config_name]
    seed = sum(map(ord, scenario + config_name))

    expected = run_botocore(monkeypatch, calls, dict(retries), seed)
    actual = run_bedrockpage(calls, dict(retries), seed)

    assert actual.results == expected.results
    assert actual.sdk_request_headers == expected.sdk_request_headers
    assert actual.sleeps == expected.sleeps
    assert actual.quota_left == expected.quota_left
    assert actual.send_rate == expected.send_rate
    assert all(len(ids) == 1 for ids in actual.invocation_ids)
    assert len({next(iter(ids)) for ids in actual.invocation_ids}) == len(calls)


def test_scenarios_cover_retries_and_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the table above: the differential test is only as good as its cases.
    outcomes = set()
    for scenario, calls in SCENARIOS.items():
        observed = run_bedrockpage(_pad_scripts(calls), {"mode": "standard"}, 1)
        outcomes.update(name for name, _ in observed.results)
        if scenario == "quota-exhausted":
            assert any(meta.get("RetryQuotaReached") for _, meta in observed.results)
        if scenario == "throttled-always":
            assert observed.results[0][1]["MaxAttemptsReached"] is True
    assert {"ok", "ClientError:ThrottlingException", "ClientError:ValidationException"} <= outcomes


# -- configuration -----------------------------------------------------------------


def _policy(
    retries: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> RetryPolicy:
    setup = resolve_setup(
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=Config(retries=retries),
        verify=None,
        environ=environ or {},
    )
    return setup.call_settings.retry_policy


def _boto_retries(retries: dict[str, Any] | None, environ: dict[str, str]) -> dict[str, Any]:
    session = botocore.session.Session()
    for name, value in environ.items():
        session.set_config_variable(
            {"AWS_RETRY_MODE": "retry_mode"}.get(name, "max_attempts"), value
        )
    client = session.create_client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        config=BotoConfig(retries=retries) if retries is not None else None,
    )
    return dict(client.meta.config.retries)


@pytest.mark.parametrize(
    ("retries", "environ"),
    [
        (None, {}),
        (None, {"AWS_RETRY_MODE": "legacy"}),
        (None, {"AWS_RETRY_MODE": "adaptive", "AWS_MAX_ATTEMPTS": "7"}),
        (None, {"AWS_MAX_ATTEMPTS": "1"}),
        ({"max_attempts": 2}, {"AWS_MAX_ATTEMPTS": "7"}),
        ({"total_max_attempts": 4}, {"AWS_RETRY_MODE": "legacy"}),
        ({"mode": "standard"}, {"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "6"}),
        ({"mode": "legacy", "max_attempts": 0}, {}),
    ],
)
def test_config_precedence_matches_botocore(
    retries: dict[str, Any] | None, environ: dict[str, str]
) -> None:
    boto = _boto_retries(retries, environ)
    policy = _policy(retries, environ)

    assert policy.mode == boto["mode"]
    defaults = {"standard": 3, "adaptive": 3, "legacy": 5}
    assert policy.max_attempts == boto.get("total_max_attempts", defaults[boto["mode"]])


def test_config_file_retry_settings(tmp_path: Any) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[profile ops]\nretry_mode = adaptive\nmax_attempts = 8\n")
    environ = {"AWS_CONFIG_FILE": str(config_file), "AWS_PROFILE": "ops"}

    policy = _policy(None, environ)

    assert isinstance(policy, AdaptiveRetryPolicy)
    assert policy.max_attempts == 8


def test_environment_beats_config_file(tmp_path: Any) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[default]\nretry_mode = adaptive\nmax_attempts = 8\n")
    environ = {
        "AWS_CONFIG_FILE": str(config_file),
        "AWS_RETRY_MODE": "legacy",
        "AWS_MAX_ATTEMPTS": "2",
    }

    policy = _policy(None, environ)

    assert isinstance(policy, LegacyRetryPolicy)
    assert policy.max_attempts == 2


@pytest.mark.parametrize(
    ("retries", "fragment"),
    [
        ({"mode": "fast"}, "'fast'"),
        ({"max_attempts": -1}, "-1"),
        ({"max_attempts": "3"}, "'3'"),
        ({"max_attempts": True}, "True"),
        ({"total_max_attempts": 0}, "total_max_attempts"),
        ({"attempts": 3}, "'attempts'"),
    ],
)
def test_invalid_retries_option_rejected(retries: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConfigError, match="Invalid") as caught:
        Config(retries=retries)

    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"AWS_RETRY_MODE": "fast"}, "AWS_RETRY_MODE"),
        ({"AWS_MAX_ATTEMPTS": "three"}, "AWS_MAX_ATTEMPTS"),
        ({"AWS_MAX_ATTEMPTS": "0"}, "AWS_MAX_ATTEMPTS"),
    ],
)
def test_invalid_retry_environment_rejected(environ: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        _policy(None, environ)


# -- re-signing and sleeping -------------------------------------------------------


def test_every_retry_signs_again() -> None:
    now = [NOW]
    settings = bedrockpage_settings({"mode": "standard"}, 3, FakeClock())
    settings = CallSettings(
        endpoint_url=settings.endpoint_url,
        signer=settings.signer,
        retry_policy=settings.retry_policy,
        clock_skew=ClockSkew(),
        user_agent=settings.user_agent,
        clock=lambda: now[0],
    )
    call = OperationCall(LIST_MODEL_CUSTOMIZATION_JOBS, {}, settings)
    dates = []
    signatures = []
    for elapsed in (0, 7, 30):
        now[0] = NOW + datetime.timedelta(seconds=elapsed)
        event = call.next_event()
        assert isinstance(event, SendRequest)
        dates.append(event.request.headers["X-Amz-Date"])
        signatures.append(event.request.headers["Authorization"].rsplit("Signature=", 1)[1])
        call.receive_response(503, {}, b"")
        if elapsed < 30:
            assert isinstance(call.next_event(), Sleep)

    assert dates == ["20260102T030405Z", "20260102T030412Z", "20260102T030435Z"]
    assert len(set(signatures)) == 3


def test_sync_client_sleeps_through_injected_sleep() -> None:
    import httpx

    from bedrockpage._client import BedrockClient

    replies = iter([httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})])
    transport = httpx.MockTransport(lambda request: next(replies))
    setup = resolve_setup(
        region_name="us-east-1",
        endpoint_url=ENDPOINT,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-real-secret",
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=Config(retries={"mode": "standard"}),
        verify=None,
        environ={},
    )
    setup.call_settings.retry_policy.random = lambda: 0.5
    client = BedrockClient(setup, httpx.Client(transport=transport))
    sleeps: list[float] = []
    client._transport._sleep = sleeps.append

    response = client.list_model_customization_jobs()

    assert response["ResponseMetadata"]["RetryAttempts"] == 2
    assert response["ResponseMetadata"]["MaxAttemptsReached"] is True
    assert sleeps == [0.5 * 0.05, 0.5 * 0.1]


# -- adaptive rate limiter ---------------------------------------------------------


THROTTLE_PATTERN = [False] * 5 + [True] + [False] * 10 + [True, True] + [False] * 30


def _botocore_limiter_trace() -> list[tuple[Any, ...]]:
    from botocore.retries import adaptive, bucket, standard, throttling

    clock = FakeClock()
    sleeps: list[float] = []
    boto_clock = types.SimpleNamespace(current_time=clock.time)
    token_bucket = bucket.TokenBucket(max_rate=1, clock=boto_clock)
    token_bucket._new_fill_rate_condition = _FakeCondition(clock, sleeps)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.time()),
        rate_clocker=adaptive.RateClocker(boto_clock),
        token_bucket=token_bucket,
        throttling_detector=standard.ThrottlingErrorDetector(standard.RetryEventAdapter()),
        clock=boto_clock,
    )
    operation = (
        botocore.session.get_session()
        .get_service_model("bedrock")
        .operation_model("ListModelCustomizationJobs")
    )
    trace = []
    for index, throttled in enumerate(THROTTLE_PATTERN):
        clock.sleep(0.1 + (index % 7) * 0.05)
        limiter.on_sending_request(request=None)
        parsed = {"Error": {"Code": "ThrottlingException" if throttled else ""}}
        http = types.SimpleNamespace(status_code=429 if throttled else 200, headers={})
        limiter.on_receiving_response(
            response=(http, parsed),
            attempts=1,
            operation=operation,
            caught_exception=None,
            request_dict={"context": {}},
        )
        trace.append((limiter._enabled, token_bucket.max_rate, list(sleeps), clock.time()))
    return trace


def _bedrockpage_limiter_trace() -> list[tuple[Any, ...]]:
    clock = FakeClock()
    sleeps: list[float] = []
    limiter = ClientRateLimiter(clock=clock.time)
    trace = []
    for index, throttled in enumerate(THROTTLE_PATTERN):
        clock.sleep(0.1 + (index % 7) * 0.05)
        wait = limiter.acquire_or_wait()
        while wait > 0:
            sleeps.append(wait)
            clock.sleep(wait)
            wait = limiter.acquire_or_wait()
        limiter.record_response(throttled=throttled)
        trace.append((limiter.enabled, limiter.send_rate, list(sleeps), clock.time()))
    return trace


def test_rate_limiter_matches_botocore_with_injected_clock() -> None:
    expected = _botocore_limiter_trace()
    actual = _bedrockpage_limiter_trace()

    assert actual == expected
    # The pattern must exercise the limiter: it turns on and makes sends wait.
    assert actual[-1][0] is True
    assert len(actual[-1][2]) >= 3


def test_rate_limiter_makes_calls_wait_after_throttling() -> None:
    clock = FakeClock()
    limiter = ClientRateLimiter(clock=clock.time)

    assert limiter.acquire_or_wait() == 0.0
    limiter.record_response(throttled=True)
    waits = []
    for _ in range(3):
        wait = limiter.acquire_or_wait()
        waits.append(wait)
        clock.sleep(wait)
        assert limiter.acquire_or_wait() == 0.0

    assert limiter.enabled
    # No send rate was measured yet, so the bucket runs at its 0.5 requests/s floor.
    assert limiter.send_rate == 0.5
    assert waits == [2.0, 2.0, 2.0]


def test_adaptive_call_sleeps_for_rate_limiter() -> None:
    clock = FakeClock()
    limiter = ClientRateLimiter(clock=clock.time)
    limiter.record_response(throttled=True)
    policy = AdaptiveRetryPolicy(rate_limiter=limiter)
    settings = CallSettings(
        endpoint_url=ENDPOINT,
        signer=lambda method, url, headers, body, now: {},
        retry_policy=policy,
        clock_skew=ClockSkew(),
        user_agent="test",
        clock=lambda: NOW,
    )

    call = OperationCall(LIST_MODEL_CUSTOMIZATION_JOBS, {}, settings)
    first = call.next_event()
    clock.sleep(2.0)
    second = call.next_event()

    assert first == Sleep(2.0)
    assert isinstance(second, SendRequest)
    assert second.attempt == 1


def test_outcome_classification() -> None:
    assert Outcome(status=429, error_code="ThrottlingException").is_throttling
    assert Outcome(status=429, error_code="Unknown").is_throttling
    assert not Outcome(status=429, error_code="AccessDeniedException").is_throttling
    assert Outcome(error=bp_exceptions.ReadTimeoutError("x")).is_retryable
    assert not Outcome(error=bp_exceptions.ResponseParserError("x")).is_retryable
    assert not Outcome(status=501).is_retryable
