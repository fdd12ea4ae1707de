"""Assume-role and web-identity credentials through a fake STS on 127.0.0.1.

Each AssumeRole request is checked against botocore 1.44's SigV4Auth, and each
request body against botocore's query serializer for the STS model.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import botocore.serialize
import botocore.session
import certifi
import pytest

from bedrockpage.auth.providers import resolve_credential_source
from bedrockpage.auth.providers.sts import resolve_sts_endpoint
from bedrockpage.auth.refresh import CredentialSource
from bedrockpage.config import SharedFiles
from bedrockpage.exceptions import ConfigError, CredentialRetrievalError
from tests.support.aws_files import FakeClock, write_shared_files
from tests.support.fake_http import FakeHttpServer, RecordedRequest
from tests.support.fake_sts import FakeSts, botocore_authorization, error_response

ROLE_ARN = "arn:aws:iam::123456789012:role/bedrock-reader"
SECOND_ROLE_ARN = "arn:aws:iam::123456789012:role/bedrock-admin"
BASE_SECRET = "SENTINEL-BASE-SECRET"
BASE_TOKEN = "SENTINEL-BASE-TOKEN"
WEB_IDENTITY_TOKEN = "SENTINEL-WEB-IDENTITY-TOKEN"

CONFIG = f"""
[profile base]
aws_access_key_id = AKIDBASE
aws_secret_access_key = {BASE_SECRET}
aws_session_token = {BASE_TOKEN}

[profile role]
role_arn = {ROLE_ARN}
source_profile = base
role_session_name = nightly-report
external_id = external-123
duration_seconds = 1800

[profile chained]
role_arn = {SECOND_ROLE_ARN}
source_profile = role

[profile self]
role_arn = {ROLE_ARN}
source_profile = self
aws_access_key_id = AKIDSELF
aws_secret_access_key = self-secret

[profile loop-a]
role_arn = {ROLE_ARN}
source_profile = loop-b

[profile loop-b]
role_arn = {ROLE_ARN}
source_profile = loop-a

[profile dangling]
role_arn = {ROLE_ARN}
source_profile = missing

[profile from-env]
role_arn = {ROLE_ARN}
credential_source = Environment

[profile bad-source]
role_arn = {ROLE_ARN}
credential_source = Somewhere

[profile mfa]
role_arn = {ROLE_ARN}
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
"""


@pytest.fixture
def sts() -> Iterator[FakeSts]:
    with FakeHttpServer() as server:
        yield FakeSts(server)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def offline_environ(**variables: str) -> dict[str, str]:
    return {"AWS_EC2_METADATA_DISABLED": "true", "BOTO_CONFIG": os.devnull, **variables}


def resolve(
    tmp_path: Path, sts: FakeSts, profile: str, clock: FakeClock, **kwargs: Any
) -> CredentialSource:
    environ = offline_environ(**write_shared_files(tmp_path, config=CONFIG))
    environ.update(kwargs.pop("environ", {}))
    return resolve_credential_source(
        profile_name=profile,
        region="us-west-2",
        environ=environ,
        sts_endpoint_url=sts.url,
        clock=clock,
        **kwargs,
    )


def botocore_query_body(operation: str, params: dict[str, Any]) -> dict[str, str]:
    """Return the form fields botocore 1.44's query serializer sends for an STS call."""
    model = botocore.session.get_session().get_service_model("sts")
    serializer = botocore.serialize.create_serializer("query")
    request = serializer.serialize_to_request(params, model.operation_model(operation))
    return {name: str(value) for name, value in request["body"].items()}


def assert_signed_by(request: RecordedRequest, url: str, key: str, secret: str, token: Any) -> None:
    expected = botocore_authorization(
        request,
        url,
        access_key=key,
        secret_key=secret,
        token=token,
        region="us-west-2",
        service="sts",
    )
    assert request.headers["authorization"] == expected
    assert f"Credential={key}/20260101/us-west-2/sts/aws4_request" in expected
    if token is None:
        assert "x-amz-security-token" not in request.headers
    else:
        assert request.headers["x-amz-security-token"] == token


# --- AssumeRole --------------------------------------------------------------------------


def test_assume_role_defers_sts_call(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    source = resolve(tmp_path, sts, "role", clock)

    assert sts.calls == []
    assert source.method == "assume-role"


def test_assume_role_returns_sts_credentials(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    source = resolve(tmp_path, sts, "role", clock)

    frozen = source.get_frozen()

    assert frozen.access_key == "ASIASTSFAKE1"
    assert frozen.secret_key == "sts-secret-1"
    assert frozen.token == "sts-token-1"
    assert frozen.method == "assume-role"


def test_assume_role_request_body(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    resolve(tmp_path, sts, "role", clock).get_frozen()

    (request,) = sts.calls
    expected = botocore_query_body(
        "AssumeRole",
        {
            "RoleArn": ROLE_ARN,
            "RoleSessionName": "nightly-report",
            "ExternalId": "external-123",
            "DurationSeconds": 1800,
        },
    )
    assert request.form() == expected
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")


def test_assume_role_signature_matches_botocore(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    resolve(tmp_path, sts, "role", clock).get_frozen()

    (request,) = sts.calls
    assert request.headers["x-amz-date"] == "20260101T120000Z"
    assert_signed_by(request, sts.url + "/", "AKIDBASE", BASE_SECRET, BASE_TOKEN)


def test_assume_role_chain_signing(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    frozen = resolve(tmp_path, sts, "chained", clock).get_frozen()

    first, second = sts.calls
    assert first.form()["RoleArn"] == ROLE_ARN
    assert_signed_by(first, sts.url + "/", "AKIDBASE", BASE_SECRET, BASE_TOKEN)
    assert second.form()["RoleArn"] == SECOND_ROLE_ARN
    assert_signed_by(second, sts.url + "/", "ASIASTSFAKE1", "sts-secret-1", "sts-token-1")
    assert frozen.access_key == "ASIASTSFAKE2"


def test_assume_role_default_session_name(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    resolve(tmp_path, sts, "chained", clock).get_frozen()

    session_name = sts.calls[1].form()["RoleSessionName"]
    assert session_name == f"bedrockpage-session-{int(clock.now.timestamp())}"


def test_assume_role_self_source(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    resolve(tmp_path, sts, "self", clock).get_frozen()

    (request,) = sts.calls
    assert_signed_by(request, sts.url + "/", "AKIDSELF", "self-secret", None)


def test_assume_role_environment_source(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = {"AWS_ACCESS_KEY_ID": "AKIDFROMENV", "AWS_SECRET_ACCESS_KEY": "env-secret"}

    resolve(tmp_path, sts, "from-env", clock, environ=environ).get_frozen()

    (request,) = sts.calls
    assert_signed_by(request, sts.url + "/", "AKIDFROMENV", "env-secret", None)


def test_assume_role_loop_is_an_error(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve(tmp_path, sts, "loop-a", clock)

    assert "loop-a -> loop-b -> loop-a" in str(raised.value)
    assert sts.calls == []


def test_assume_role_missing_source_profile(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve(tmp_path, sts, "dangling", clock)

    assert '"missing"' in str(raised.value)


def test_assume_role_invalid_credential_source(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve(tmp_path, sts, "bad-source", clock)

    assert "Somewhere" in str(raised.value)
    assert "EcsContainer" in str(raised.value)


def test_assume_role_access_denied(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    sts.server.route("POST", "/", error_response(403, "AccessDenied", "not allowed to assume"))
    source = resolve(tmp_path, sts, "role", clock)

    with pytest.raises(CredentialRetrievalError) as raised:
        source.get_frozen()

    assert "AccessDenied" in str(raised.value)
    assert "not allowed to assume" in str(raised.value)
    assert len(sts.calls) == 1
    assert BASE_SECRET not in str(raised.value)


def test_assume_role_retries_throttling(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    sts.server.route("POST", "/", error_response(400, "Throttling", "Rate exceeded"), sts.respond)
    sleeps: list[float] = []

    frozen = resolve(tmp_path, sts, "role", clock, sleep=sleeps.append).get_frozen()

    assert frozen.access_key == "ASIASTSFAKE1"
    assert len(sts.calls) == 2
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 1.0


def test_assume_role_refreshes_before_expiry(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    sts.expiration = clock.iso_in(3600)
    source = resolve(tmp_path, sts, "role", clock)
    assert source.get_frozen().access_key == "ASIASTSFAKE1"

    clock.advance(40 * 60)
    assert source.get_frozen().access_key == "ASIASTSFAKE1"
    assert len(sts.calls) == 1

    sts.expiration = clock.iso_in(3600)
    clock.advance(6 * 60)
    assert source.get_frozen().access_key == "ASIASTSFAKE2"
    assert len(sts.calls) == 2


def test_assume_role_mfa_prompts_once(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    sts.expiration = clock.iso_in(3600)
    prompts: list[str] = []

    def prompter(prompt: str) -> str:
        prompts.append(prompt)
        return "123456"

    source = resolve(tmp_path, sts, "mfa", clock, mfa_prompter=prompter)
    source.get_frozen()

    (request,) = sts.calls
    assert request.form()["SerialNumber"] == "arn:aws:iam::123456789012:mfa/alice"
    assert request.form()["TokenCode"] == "123456"
    assert prompts == ["Enter MFA code for arn:aws:iam::123456789012:mfa/alice: "]

    clock.advance(55 * 60)
    with pytest.raises(CredentialRetrievalError) as raised:
        source.get_frozen()
    assert "cannot refresh" in str(raised.value)
    assert len(prompts) == 1


def test_assume_role_endpoint_from_environment(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    environ = offline_environ(
        AWS_ENDPOINT_URL_STS=sts.url, **write_shared_files(tmp_path, config=CONFIG)
    )

    source = resolve_credential_source(profile_name="role", environ=environ, clock=clock)
    source.get_frozen()

    (request,) = sts.calls
    assert "/us-east-1/sts/aws4_request" in request.headers["authorization"]


def test_assume_role_logs_no_secrets(
    tmp_path: Path, sts: FakeSts, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    source = resolve(tmp_path, sts, "chained", clock)
    frozen = source.get_frozen()

    for secret in (BASE_SECRET, BASE_TOKEN, frozen.secret_key, frozen.token or "missing"):
        assert secret not in caplog.text
        assert secret not in repr(source)
    assert "ASIASTSFAKE2" in repr(source)


# --- AssumeRoleWithWebIdentity -----------------------------------------------------------


def web_identity_environ(tmp_path: Path, sts: FakeSts, **variables: str) -> dict[str, str]:
    token_file = tmp_path / "web-identity-token"
    token_file.write_text(WEB_IDENTITY_TOKEN, encoding="utf-8")
    return offline_environ(
        AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file),
        AWS_ROLE_ARN=ROLE_ARN,
        AWS_ROLE_SESSION_NAME="ci-pipeline",
        AWS_ENDPOINT_URL_STS=sts.url,
        **write_shared_files(tmp_path, config=CONFIG),
        **variables,
    )


def test_web_identity_from_environment(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = web_identity_environ(tmp_path, sts)

    source = resolve_credential_source(environ=environ, region="eu-west-1", clock=clock)
    assert sts.calls == []
    frozen = source.get_frozen()

    assert frozen.access_key == "ASIASTSFAKE1"
    assert source.method == "assume-role-with-web-identity"
    (request,) = sts.calls
    expected = botocore_query_body(
        "AssumeRoleWithWebIdentity",
        {
            "RoleArn": ROLE_ARN,
            "RoleSessionName": "ci-pipeline",
            "WebIdentityToken": WEB_IDENTITY_TOKEN,
        },
    )
    assert request.form() == expected


def test_web_identity_request_is_unsigned(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = web_identity_environ(tmp_path, sts)

    resolve_credential_source(environ=environ, clock=clock).get_frozen()

    (request,) = sts.calls
    assert "authorization" not in request.headers
    assert "x-amz-security-token" not in request.headers


def test_web_identity_rereads_token_on_refresh(
    tmp_path: Path, sts: FakeSts, clock: FakeClock
) -> None:
    sts.expiration = clock.iso_in(3600)
    environ = web_identity_environ(tmp_path, sts)
    source = resolve_credential_source(environ=environ, clock=clock)
    source.get_frozen()

    Path(environ["AWS_WEB_IDENTITY_TOKEN_FILE"]).write_text("rotated-token", encoding="utf-8")
    sts.expiration = clock.iso_in(7200)
    clock.advance(3600 - 9 * 60)

    assert source.get_frozen().access_key == "ASIASTSFAKE2"
    assert sts.calls[1].form()["WebIdentityToken"] == "rotated-token"


def test_web_identity_without_role_arn(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = web_identity_environ(tmp_path, sts)
    del environ["AWS_ROLE_ARN"]

    with pytest.raises(ConfigError) as raised:
        resolve_credential_source(environ=environ, clock=clock)

    assert "AWS_ROLE_ARN" in str(raised.value)


def test_web_identity_missing_token_file(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = web_identity_environ(tmp_path, sts)
    missing = str(tmp_path / "gone")
    environ["AWS_WEB_IDENTITY_TOKEN_FILE"] = missing
    source = resolve_credential_source(environ=environ, clock=clock)

    with pytest.raises(CredentialRetrievalError) as raised:
        source.get_frozen()

    assert missing in str(raised.value)
    assert sts.calls == []


def test_web_identity_from_profile(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    token_file = tmp_path / "profile-token"
    token_file.write_text("profile-token", encoding="utf-8")
    config = (
        f"[profile web]\nweb_identity_token_file = {token_file}\nrole_arn = {ROLE_ARN}\n"
        "role_session_name = from-profile\n"
    )
    environ = offline_environ(
        AWS_ENDPOINT_URL_STS=sts.url, **write_shared_files(tmp_path, config=config)
    )

    resolve_credential_source(profile_name="web", environ=environ, clock=clock).get_frozen()

    form = sts.calls[0].form()
    assert form["WebIdentityToken"] == "profile-token"
    assert form["RoleSessionName"] == "from-profile"


def test_web_identity_named_profile(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = web_identity_environ(tmp_path, sts)

    source = resolve_credential_source(profile_name="base", environ=environ, clock=clock)

    assert source.get_frozen().access_key == "AKIDBASE"
    assert sts.calls == []


def test_web_identity_token_stays_secret(
    tmp_path: Path, sts: FakeSts, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sts.server.route("POST", "/", error_response(400, "InvalidIdentityToken", "bad token"))
    source = resolve_credential_source(environ=web_identity_environ(tmp_path, sts), clock=clock)

    with pytest.raises(CredentialRetrievalError) as raised:
        source.get_frozen()

    assert "InvalidIdentityToken" in str(raised.value)
    assert WEB_IDENTITY_TOKEN not in str(raised.value)
    assert WEB_IDENTITY_TOKEN not in caplog.text
    assert WEB_IDENTITY_TOKEN not in repr(source)


# --- STS endpoint resolution -------------------------------------------------------------


def botocore_sts_regions() -> list[str]:
    session = botocore.session.get_session()
    regions: list[str] = []
    for partition in session.get_available_partitions():
        regions.extend(session.get_available_regions("sts", partition))
    return [*sorted(set(regions)), "aws-global", "mars-west-1"]


@pytest.mark.parametrize("mode", ["regional", "legacy"])
@pytest.mark.parametrize(
    ("use_fips", "use_dualstack"),
    [(False, False), (True, False), (False, True), (True, True)],
    ids=["plain", "fips", "dualstack", "fips-dualstack"],
)
def test_sts_endpoint_matches_botocore(
    mode: str, use_fips: bool, use_dualstack: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    flags = {
        "AWS_STS_REGIONAL_ENDPOINTS": mode,
        "AWS_USE_FIPS_ENDPOINT": str(use_fips).lower(),
        "AWS_USE_DUALSTACK_ENDPOINT": str(use_dualstack).lower(),
    }
    for name, value in flags.items():
        monkeypatch.setenv(name, value)
    session = botocore.session.get_session()
    files = SharedFiles({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    regions = botocore_sts_regions()
    assert len(regions) > 30

    for region in regions:
        try:
            client = session.create_client(
                "sts", region_name=region, aws_access_key_id="AKID", aws_secret_access_key="s"
            )
            expected = client.meta.endpoint_url
        except botocore.exceptions.BotoCoreError as error:
            expected = f"error: {type(error).__name__}"

        try:
            actual = resolve_sts_endpoint(
                environ=flags, files=files, profile="default", region=region
            ).url
        except ConfigError:
            actual = "error: EndpointVariantError"

        if use_dualstack and region.startswith(("us-iso-", "us-isob-")):
            # Documented difference: botocore falls back to the aws partition's host.
            assert actual == "error: EndpointVariantError", region
            assert expected.endswith(".api.aws"), region
        else:
            assert actual == expected, region


def test_sts_variant_with_custom_endpoint() -> None:
    files = SharedFiles({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})

    with pytest.raises(ConfigError) as raised:
        resolve_sts_endpoint(
            environ={"AWS_USE_FIPS_ENDPOINT": "true"},
            files=files,
            profile="default",
            region="us-east-1",
            endpoint_url="http://127.0.0.1:1",
        )

    assert "AWS_USE_FIPS_ENDPOINT" in str(raised.value)


def test_sts_endpoint_without_region_is_global() -> None:
    files = SharedFiles({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})

    endpoint = resolve_sts_endpoint(environ={}, files=files, profile="default", region=None)

    assert endpoint.url == "https://sts.amazonaws.com"
    assert endpoint.signing_region == "us-east-1"


def test_sts_endpoint_rejects_bad_mode() -> None:
    files = SharedFiles({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})

    with pytest.raises(ConfigError) as raised:
        resolve_sts_endpoint(
            environ={"AWS_STS_REGIONAL_ENDPOINTS": "everywhere"},
            files=files,
            profile="default",
            region="us-east-1",
        )

    assert "everywhere" in str(raised.value)


def test_sts_ca_bundle_path_is_accepted(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    environ = {"AWS_CA_BUNDLE": certifi.where()}

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        frozen = resolve(tmp_path, sts, "role", clock, environ=environ).get_frozen()

    assert frozen.access_key == "ASIASTSFAKE1"


def test_sts_missing_ca_bundle(tmp_path: Path, sts: FakeSts, clock: FakeClock) -> None:
    missing = str(tmp_path / "no-bundle.pem")
    source = resolve(tmp_path, sts, "role", clock, environ={"AWS_CA_BUNDLE": missing})

    with pytest.raises(ConfigError) as raised:
        source.get_frozen()

    assert missing in str(raised.value)
    assert "AWS_CA_BUNDLE" in str(raised.value)
    assert sts.calls == []
