"""The default chain compared with botocore 1.44's, and a client fed by container credentials.

The differential cases use only providers that cannot reach the network
(environment, shared files, credential_process, legacy files) or send STS
calls to a fake on 127.0.0.1 through AWS_ENDPOINT_URL_STS, which botocore
honours too. Instance metadata stays disabled and no container variable is
set while botocore runs; the suite's socket guard stays on.
"""

from __future__ import annotations

import os
import shlex
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.exceptions
import botocore.session
import httpx
import pytest

from bedrockpage._client import BedrockClient
from bedrockpage._client import client as new_client
from bedrockpage.auth.providers import credentials_from_botocore_session, resolve_credential_source
from bedrockpage.exceptions import ConfigError, CredentialRetrievalError, NoCredentialsError
from bedrockpage.session import resolve_setup
from tests.support.aws_files import FakeClock
from tests.support.fake_http import CannedResponse, FakeHttpServer
from tests.support.fake_sts import FakeSts
from tests.support.moto_server import REGION, MotoServer

#: Every variable either chain reads; each case starts from none of them.
CHAIN_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CREDENTIAL_FILE",
    "BOTO_CONFIG",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)

#: The exception botocore raises for each failure, and ours for the same case.
ERROR_PAIRS: dict[type[Exception], tuple[type[Exception], ...]] = {
    botocore.exceptions.ProfileNotFound: (ConfigError,),
    botocore.exceptions.PartialCredentialsError: (CredentialRetrievalError,),
    botocore.exceptions.CredentialRetrievalError: (CredentialRetrievalError,),
    botocore.exceptions.InvalidConfigError: (ConfigError, CredentialRetrievalError),
}


@dataclass
class Case:
    name: str
    environ: dict[str, str] = field(default_factory=dict)
    config: str = ""
    credentials: str = ""
    #: A profile passed as Session(profile=...) / profile_name=..., which disables the env provider.
    profile: str | None = None


def process_command(tmp_path: Path, access_key: str, *, expiration: str | None = None) -> str:
    payload: dict[str, Any] = {"Version": 1, "AccessKeyId": access_key, "SecretAccessKey": "s"}
    if expiration is not None:
        payload["Expiration"] = expiration
    script = tmp_path / f"process-{access_key}.py"
    script.write_text(f"import json\nprint(json.dumps({payload!r}))\n", encoding="utf-8")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


def keys(name: str, prefix: str = "") -> str:
    return f"{prefix}aws_access_key_id = {name}\n{prefix}aws_secret_access_key = secret-{name}\n"


def cases(tmp_path: Path) -> list[Case]:
    ec2_file = tmp_path / "ec2-credentials"
    ec2_file.write_text("AWSAccessKeyId=AKIDEC2FILE\nAWSSecretKey=s\n", encoding="utf-8")
    boto_file = tmp_path / "boto.cfg"
    boto_file.write_text("[Credentials]\n" + keys("AKIDBOTO"), encoding="utf-8")
    env_keys = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "secret-env"}
    later = "2030-01-01T00:00:00Z"
    return [
        Case("env", dict(env_keys)),
        Case("env-session-token", {**env_keys, "AWS_SESSION_TOKEN": "token-session"}),
        Case(
            "env-security-token-first",
            {**env_keys, "AWS_SECURITY_TOKEN": "token-security", "AWS_SESSION_TOKEN": "other"},
        ),
        Case("env-expiration", {**env_keys, "AWS_CREDENTIAL_EXPIRATION": later}),
        Case("env-partial", {"AWS_ACCESS_KEY_ID": "AKIDENV"}),
        Case("env-empty-key", {"AWS_ACCESS_KEY_ID": ""}, credentials="[default]\n" + keys("AKIDD")),
        Case(
            "env-beats-aws-profile",
            {**env_keys, "AWS_PROFILE": "dev"},
            credentials="[dev]\n" + keys("AKIDDEV"),
        ),
        Case(
            "explicit-profile-skips-env",
            dict(env_keys),
            credentials="[dev]\n" + keys("AKIDDEV"),
            profile="dev",
        ),
        Case(
            "credentials-file-beats-config",
            config="[default]\n" + keys("AKIDCONFIG"),
            credentials="[default]\n" + keys("AKIDCREDS"),
        ),
        Case("config-file-default", config="[default]\n" + keys("AKIDCONFIG")),
        Case("config-file-profile", config="[profile dev]\n" + keys("AKIDCONFDEV"), profile="dev"),
        Case(
            "aws-default-profile",
            {"AWS_DEFAULT_PROFILE": "dev"},
            credentials="[dev]\n" + keys("AKIDDEV") + "[default]\n" + keys("AKIDDEFAULT"),
        ),
        Case(
            "default-profile-beats-aws-profile",
            {"AWS_PROFILE": "one", "AWS_DEFAULT_PROFILE": "two"},
            credentials="[one]\n" + keys("AKIDONE") + "[two]\n" + keys("AKIDTWO"),
        ),
        Case(
            "process-beats-config-keys",
            config=f"[profile p]\ncredential_process = {process_command(tmp_path, 'AKIDPROC')}\n"
            + keys("AKIDCONFIG"),
            profile="p",
        ),
        Case(
            "credentials-file-beats-process",
            config=f"[profile p]\ncredential_process = {process_command(tmp_path, 'AKIDPROC')}\n",
            credentials="[p]\n" + keys("AKIDCREDS"),
            profile="p",
        ),
        Case(
            "process-with-expiration",
            config="[default]\ncredential_process = "
            f"{process_command(tmp_path, 'ASIAPROCX', expiration=later)}\n",
        ),
        Case(
            "process-in-credentials-file",
            credentials="[default]\ncredential_process = "
            f"{process_command(tmp_path, 'AKIDPROCCRED')}\n",
        ),
        Case("partial-file-keys", credentials="[default]\naws_access_key_id = AKIDHALF\n"),
        Case("missing-explicit-profile", credentials="[default]\n" + keys("AKID"), profile="nope"),
        Case("missing-aws-profile", {"AWS_PROFILE": "nope"}, credentials="[default]\n" + keys("A")),
        Case("ec2-credentials-file", {"AWS_CREDENTIAL_FILE": str(ec2_file)}),
        Case("boto-config", {"BOTO_CONFIG": str(boto_file)}),
        Case(
            "credentials-file-beats-boto-config",
            {"BOTO_CONFIG": str(boto_file)},
            credentials="[default]\n" + keys("AKIDCREDS"),
        ),
        Case("nothing"),
        Case(
            "role-profile-is-deferred",
            config="[profile r]\nrole_arn = arn:aws:iam::123456789012:role/reader\n"
            "source_profile = base\n[profile base]\n" + keys("AKIDBASE"),
            profile="r",
        ),
        Case(
            "role-beats-static-keys",
            config="[default]\nrole_arn = arn:aws:iam::123456789012:role/reader\n"
            "source_profile = base\n" + keys("AKIDOWN") + "[profile base]\n" + keys("AKIDBASE"),
        ),
    ]


@pytest.fixture
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    for name in CHAIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "no-boto-config"))
    yield tmp_path


def apply(case: Case, directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (directory / "config").write_text(textwrap.dedent(case.config), encoding="utf-8")
    (directory / "credentials").write_text(textwrap.dedent(case.credentials), encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(directory / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(directory / "credentials"))
    for name, value in case.environ.items():
        monkeypatch.setenv(name, value)


def botocore_outcome(profile: str | None) -> tuple[Any, ...]:
    """Return (method, access key, token) or ("error", exception class) from botocore."""
    try:
        credentials = botocore.session.Session(profile=profile).get_credentials()
    except botocore.exceptions.BotoCoreError as error:
        return ("error", type(error))
    if credentials is None:
        return ("none",)
    if credentials.method in ("assume-role", "assume-role-with-web-identity"):
        # Deferred: reading the keys would call STS.
        return (credentials.method,)
    frozen = credentials.get_frozen_credentials()
    return (credentials.method, frozen.access_key, frozen.token)


def our_outcome(profile: str | None) -> tuple[Any, ...]:
    try:
        source = resolve_credential_source(profile_name=profile)
    except NoCredentialsError:
        return ("none",)
    except (ConfigError, CredentialRetrievalError) as error:
        return ("error", type(error))
    if source.method in ("assume-role", "assume-role-with-web-identity"):
        return (source.method,)
    frozen = source.get_frozen()
    return (source.method, frozen.access_key, frozen.token)


@pytest.mark.parametrize("index", range(26))
def test_chain_matches_botocore(
    index: int, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = cases(isolated_environment)[index]
    apply(case, isolated_environment, monkeypatch)

    expected = botocore_outcome(case.profile)
    actual = our_outcome(case.profile)

    if expected[0] == "error":
        assert actual[0] == "error", f"{case.name}: botocore raised {expected[1]}, we got {actual}"
        assert issubclass(actual[1], ERROR_PAIRS[expected[1]]), case.name
    else:
        assert actual == expected, case.name


def test_chain_case_count(tmp_path: Path) -> None:
    assert len(cases(tmp_path)) == 26


# --- assume role through one fake STS, botocore and us side by side ---------------------


@pytest.fixture
def sts() -> Iterator[FakeSts]:
    with FakeHttpServer() as server:
        yield FakeSts(server)


def test_assume_role_request_matches_botocore(
    isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, sts: FakeSts
) -> None:
    config = (
        "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/reader\nsource_profile = base\n"
        "external_id = ext-42\nduration_seconds = 900\nrole_session_name = same-name\n"
        "[profile base]\n" + keys("AKIDBASE") + "aws_session_token = base-token\n"
    )
    apply(Case("role", config=config), isolated_environment, monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")

    theirs = botocore.session.Session(profile="r").get_credentials().get_frozen_credentials()
    ours = resolve_credential_source(profile_name="r", region="eu-central-1").get_frozen()

    assert (theirs.access_key, ours.access_key) == ("ASIASTSFAKE1", "ASIASTSFAKE2")
    botocore_request, our_request = sts.calls
    assert our_request.form() == botocore_request.form()
    for request in (botocore_request, our_request):
        assert request.headers["x-amz-security-token"] == "base-token"
    their_auth = botocore_request.headers["authorization"]
    our_auth = our_request.headers["authorization"]
    assert signed_headers(our_auth) == signed_headers(their_auth)
    assert scope(our_auth) == scope(their_auth)
    assert "eu-central-1/sts/aws4_request" in scope(our_auth)


def test_web_identity_request_matches_botocore(
    isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, sts: FakeSts
) -> None:
    token_file = isolated_environment / "token"
    token_file.write_text("header.payload.signature", encoding="utf-8")
    apply(Case("web"), isolated_environment, monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci")
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pipeline-7")

    theirs = botocore.session.Session().get_credentials()
    ours = resolve_credential_source(region="eu-central-1")

    assert theirs.method == ours.method == "assume-role-with-web-identity"
    assert theirs.get_frozen_credentials().access_key == "ASIASTSFAKE1"
    assert ours.get_frozen().access_key == "ASIASTSFAKE2"
    botocore_request, our_request = sts.calls
    assert our_request.form() == botocore_request.form()
    assert "authorization" not in botocore_request.headers
    assert "authorization" not in our_request.headers


def signed_headers(authorization: str) -> str:
    return authorization.split("SignedHeaders=", 1)[1].split(",", 1)[0]


def scope(authorization: str) -> str:
    credential = authorization.split("Credential=", 1)[1].split(",", 1)[0]
    return credential.split("/", 2)[2]


# --- end to end: container credentials sign a listing from moto ---------------------------

CONTAINER_SECRET = "SENTINEL-E2E-CONTAINER-SECRET"
CONTAINER_TOKEN = "SENTINEL-E2E-CONTAINER-TOKEN"
AUTHORIZATION_TOKEN = "SENTINEL-E2E-AUTHORIZATION"


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        server.seed(7, prefix="container-job")
        yield server


@pytest.fixture
def container() -> Iterator[FakeHttpServer]:
    clock = FakeClock()
    with FakeHttpServer() as server:
        payload = {
            "AccessKeyId": "ASIAFROMCONTAINER",
            "SecretAccessKey": CONTAINER_SECRET,
            "Token": CONTAINER_TOKEN,
            "Expiration": clock.iso_in(10 * 365 * 86400),
        }
        server.route("GET", "/v2/credentials", CannedResponse.json(payload))
        yield server


def container_environ(
    monkeypatch: pytest.MonkeyPatch, container: FakeHttpServer, tmp_path: Path
) -> None:
    for name in CHAIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("BOTO_CONFIG", str(tmp_path / "no-boto-config"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{container.url}/v2/credentials")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTHORIZATION_TOKEN)


@pytest.mark.moto
def test_container_client_lists_jobs(
    moto: MotoServer,
    container: FakeHttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    container_environ(monkeypatch, container, tmp_path)

    with new_client("bedrock", region_name=REGION, endpoint_url=moto.url) as client:
        assert container.requests == []
        paginator = client.get_paginator("list_model_customization_jobs")
        result = paginator.paginate(PaginationConfig={"PageSize": 3}).build_full_result()

    names = sorted(job["jobName"] for job in result["modelCustomizationJobSummaries"])
    assert names == [f"container-job-{index:03d}" for index in range(7)]
    (request,) = container.requests
    assert request.headers["authorization"] == AUTHORIZATION_TOKEN


@pytest.mark.moto
def test_container_client_signature(
    moto: MotoServer,
    container: FakeHttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    container_environ(monkeypatch, container, tmp_path)
    sent: list[httpx.Request] = []
    setup = resolve_setup(
        region_name=REGION,
        endpoint_url=moto.url,
        aws_access_key_id=None,
        aws_secret_access_key=None,
        aws_session_token=None,
        profile=None,
        bearer_token=None,
        config=None,
        verify=None,
        environ=dict(os.environ),
    )
    http_client = httpx.Client(event_hooks={"request": [sent.append]})

    with BedrockClient(setup, http_client) as client:
        response = client.list_model_customization_jobs(maxResults=2)

    assert len(response["modelCustomizationJobSummaries"]) == 2
    (request,) = sent
    authorization = request.headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=ASIAFROMCONTAINER/"), authorization
    assert f"/{REGION}/bedrock/aws4_request" in authorization
    assert request.headers["x-amz-security-token"] == CONTAINER_TOKEN


# --- SSO and `aws login` profiles --------------------------------------------------------


@pytest.mark.parametrize(
    ("profile_body", "expected"),
    [
        (
            "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
            "sso_account_id = 123456789012\nsso_role_name = Reader\n",
            "aws sso login --profile team",
        ),
        ("login_session = arn:aws:iam::123456789012:user/alice\n", "aws login --profile team"),
    ],
    ids=["sso", "login"],
)
def test_sso_and_login_explain_fix(tmp_path: Path, profile_body: str, expected: str) -> None:
    (tmp_path / "config").write_text(f"[profile team]\n{profile_body}", encoding="utf-8")
    environ = {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "BOTO_CONFIG": str(tmp_path / "no-boto-config"),
    }

    with pytest.raises(CredentialRetrievalError) as raised:
        resolve_credential_source(profile_name="team", environ=environ)

    assert expected in str(raised.value)
    assert "credentials_from_botocore_session" in str(raised.value)


def test_botocore_adapter(isolated_environment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    apply(
        Case("adapter", {"AWS_ACCESS_KEY_ID": "AKIDBOTO", "AWS_SECRET_ACCESS_KEY": "s"}),
        isolated_environment,
        monkeypatch,
    )

    source = credentials_from_botocore_session(botocore.session.Session())

    assert source.get_frozen().access_key == "AKIDBOTO"
    assert source.method == "botocore:env"
    assert repr(source) == "BotocoreCredentials(method='botocore:env')"


def test_botocore_adapter_without_credentials(
    isolated_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(Case("adapter-empty"), isolated_environment, monkeypatch)

    with pytest.raises(NoCredentialsError):
        credentials_from_botocore_session(botocore.session.Session())
