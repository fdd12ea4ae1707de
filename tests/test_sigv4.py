"""Tests for bedrockpage.auth.sigv4: the AWS SigV4 test suite, botocore, aws-requests-auth.

Vector coverage: 32 of the 34 suite vectors reproduce the .creq, .sts and .authz files
byte for byte from the URL as it goes on the wire. The other two are listed in
RAW_PATH_VECTORS with the reason, and the parts of them that still apply are checked.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote

import httpx
import pytest
import requests
from aws_requests_auth import aws_auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrockpage.auth import sigv4
from bedrockpage.auth.credentials import Credentials
from tests import sigv4_vectors
from tests.sigv4_vectors import Vector

VECTORS = sigv4_vectors.load_vectors()
VECTOR_IDS = [vector.name for vector in VECTORS]
VECTORS_BY_NAME = dict(zip(VECTOR_IDS, VECTORS, strict=True))

SUITE_AMZ_DATE = "20150830T123600Z"

# Vectors that cannot pass as written. Their request line contains a character that an HTTP
# client percent-encodes before sending (a raw UTF-8 "ሴ", a raw space). The .creq encodes
# the raw path once, but a non-S3 service receives the encoded path and encodes it again,
# so the request actually sent must be signed with a doubly encoded path, as botocore does.
RAW_PATH_VECTORS = {
    # Raw "/ሴ" goes on the wire as "/%E1%88%B4", signed as "/%25E1%2588%25B4".
    "get-utf8": "path contains raw UTF-8",
    # Raw "/example space/" goes on the wire as "/example%20space/", signed as "%2520".
    "get-space": "path contains a raw space",
}

# get-vanilla-utf8-query also contains raw UTF-8, but in the query: the wire form
# "?%E1%88%B4=bar" is decoded and encoded once when canonicalized, so the vector passes.
CLIENT_ENCODED_VECTORS = {*RAW_PATH_VECTORS, "get-vanilla-utf8-query"}

# Vectors that sign a session token. get-vanilla-with-session-token has the token only in
# its .creq and .sreq, while post-sts-header-before also has it in its .req.
SIGNED_TOKEN_VECTORS = {"get-vanilla-with-session-token", "post-sts-header-before"}

# post-sts-header-after adds the token after signing, unsigned. sign_request() always signs
# a token that the credentials carry (as botocore's SigV4Auth does), so this
# vector is reproduced by signing without a token and adding the header afterwards.
TOKEN_ADDED_AFTER_SIGNING_VECTOR = "post-sts-header-after"

WIRE_VECTORS = [vector for vector in VECTORS if vector.name not in RAW_PATH_VECTORS]
WIRE_VECTOR_IDS = [vector.name for vector in WIRE_VECTORS]

#: Examples per property in the botocore differential test.
DIFFERENTIAL_EXAMPLES = 300
#: Examples per property in the aws-requests-auth comparison.
AWS_REQUESTS_AUTH_EXAMPLES = 100


# --- helpers ----------------------------------------------------------------------------


def _vector_token(vector: Vector) -> str | None:
    if vector.name in SIGNED_TOKEN_VECTORS:
        return vector.sreq_header("X-Amz-Security-Token")
    return None


def _vector_credentials(vector: Vector) -> Credentials:
    return Credentials(
        sigv4_vectors.ACCESS_KEY, sigv4_vectors.SECRET_KEY, token=_vector_token(vector)
    )


def _sign_vector(vector: Vector, url: str) -> dict[str, str]:
    return sigv4.sign_request(
        method=vector.method,
        url=url,
        headers=vector.headers,
        body=vector.body,
        credentials=_vector_credentials(vector),
        region=sigv4_vectors.REGION,
        service=sigv4_vectors.SERVICE,
        timestamp=sigv4_vectors.TIMESTAMP,
    )


def _signed_vector_headers(vector: Vector) -> list[tuple[str, str]]:
    """Return the .req headers plus the session token when the vector signs a token that
    its .req does not contain, so canonical_request() receives every signed header."""
    headers = list(vector.headers)
    token = _vector_token(vector)
    has_token = any(name.lower() == "x-amz-security-token" for name, _ in headers)
    if token and not has_token:
        headers.append(("X-Amz-Security-Token", token))
    return headers


def _suite_scope() -> str:
    return sigv4.credential_scope("20150830", sigv4_vectors.REGION, sigv4_vectors.SERVICE)


def _botocore_sign(
    *,
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    access_key: str,
    secret_key: str,
    token: str | None,
    region: str,
    service: str,
    timestamp: datetime.datetime,
) -> AWSRequest:
    request = AWSRequest(method=method, url=url, data=body)
    for name, value in headers:
        # HTTPHeaders appends, so repeated names keep every value in order.
        request.headers[name] = value

    # botocore.auth reads the clock through get_current_datetime() (imported from
    # botocore.compat in botocore 1.44), which returns a naive UTC datetime.
    naive_utc = timestamp.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=naive_utc):
        credentials = BotocoreCredentials(access_key, secret_key, token)
        SigV4Auth(credentials, service, region).add_auth(request)
    return request


def _canonical_request_lines(text: str) -> list[str]:
    return text.split("\n")


# --- the AWS SigV4 test suite ------------------------------------------------------------


def test_suite_has_34_vectors() -> None:
    assert len(VECTORS) == 34


def test_suite_files_match_manifest() -> None:
    manifest = (sigv4_vectors.SUITE_DIR / "MANIFEST.sha256").read_text(encoding="utf-8")
    entries = [line.split(maxsplit=1) for line in manifest.splitlines() if line]

    assert len(entries) == 174
    for expected_digest, relative_path in entries:
        data = (sigv4_vectors.SUITE_DIR / relative_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected_digest, relative_path


def test_client_encoded_vectors_match_httpx() -> None:
    changed = {vector.name for vector in VECTORS if vector.wire_target != vector.raw_target}

    assert changed == CLIENT_ENCODED_VECTORS
    for name in sorted(changed):
        vector = VECTORS_BY_NAME[name]
        sent = httpx.URL(vector.raw_url).raw_path.decode("ascii")
        assert sent == vector.wire_target, name


@pytest.mark.parametrize("vector", WIRE_VECTORS, ids=WIRE_VECTOR_IDS)
def test_canonical_request_matches_vector(vector: Vector) -> None:
    creq = sigv4.canonical_request(
        method=vector.method,
        url=vector.wire_url,
        headers=_signed_vector_headers(vector),
        payload_hash=hashlib.sha256(vector.body).hexdigest(),
    )

    assert creq == vector.creq


@pytest.mark.parametrize("vector", WIRE_VECTORS, ids=WIRE_VECTOR_IDS)
def test_string_to_sign_matches_vector(vector: Vector) -> None:
    creq = sigv4.canonical_request(
        method=vector.method,
        url=vector.wire_url,
        headers=_signed_vector_headers(vector),
        payload_hash=hashlib.sha256(vector.body).hexdigest(),
    )

    sts = sigv4.string_to_sign(
        amz_date=SUITE_AMZ_DATE, credential_scope=_suite_scope(), canonical_request=creq
    )

    assert sts == vector.sts


@pytest.mark.parametrize("vector", WIRE_VECTORS, ids=WIRE_VECTOR_IDS)
def test_sign_request_matches_vector(vector: Vector) -> None:
    added = _sign_vector(vector, vector.wire_url)

    assert added["Authorization"] == vector.authz
    assert added["X-Amz-Date"] == SUITE_AMZ_DATE
    assert added.get("X-Amz-Security-Token") == _vector_token(vector)


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_signing_steps_reproduce_vector_from_creq(vector: Vector) -> None:
    # Runs on all 34 vectors, the two raw-path ones included: from the expected canonical
    # request, the later steps must give the expected string to sign and Authorization.
    sts = sigv4.string_to_sign(
        amz_date=SUITE_AMZ_DATE, credential_scope=_suite_scope(), canonical_request=vector.creq
    )
    key = sigv4.signing_key(
        sigv4_vectors.SECRET_KEY, "20150830", sigv4_vectors.REGION, sigv4_vectors.SERVICE
    )
    # The signed-headers list is the second-to-last line of a canonical request.
    signed_headers = _canonical_request_lines(vector.creq)[-2]

    authz = sigv4.authorization_header(
        access_key=sigv4_vectors.ACCESS_KEY,
        credential_scope=_suite_scope(),
        signed_headers=signed_headers,
        signature=sigv4.signature(key, sts),
    )

    assert sts == vector.sts
    assert authz == vector.authz


@pytest.mark.parametrize("name", sorted(RAW_PATH_VECTORS))
def test_raw_path_vector_encoded_twice_on_wire(name: str) -> None:
    vector = VECTORS_BY_NAME[name]

    creq = sigv4.canonical_request(
        method=vector.method,
        url=vector.wire_url,
        headers=_signed_vector_headers(vector),
        payload_hash=hashlib.sha256(vector.body).hexdigest(),
    )
    ours = _canonical_request_lines(creq)
    expected = _canonical_request_lines(vector.creq)

    # Line 1 is the canonical URI: the vector's once-encoded path, encoded a second time.
    assert ours[1] == quote(expected[1], safe="/~")
    assert ours[:1] + ours[2:] == expected[:1] + expected[2:]


@pytest.mark.parametrize("name", sorted(RAW_PATH_VECTORS))
def test_raw_path_vector_signed_from_raw_target(name: str) -> None:
    # Signing the unencoded request target, as if the service had received the raw bytes,
    # reproduces the vector: the encoding rule is the suite's, only the input differs.
    vector = VECTORS_BY_NAME[name]

    added = _sign_vector(vector, vector.raw_url)

    assert added["Authorization"] == vector.authz


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_signature_matches_botocore(vector: Vector) -> None:
    token = _vector_token(vector)
    request = _botocore_sign(
        method=vector.method,
        url=vector.wire_url,
        headers=list(vector.headers),
        body=vector.body,
        access_key=sigv4_vectors.ACCESS_KEY,
        secret_key=sigv4_vectors.SECRET_KEY,
        token=token,
        region=sigv4_vectors.REGION,
        service=sigv4_vectors.SERVICE,
        timestamp=sigv4_vectors.TIMESTAMP,
    )

    added = _sign_vector(vector, vector.wire_url)

    assert added["Authorization"] == request.headers["Authorization"]


def test_token_added_after_signing_is_unsigned() -> None:
    vector = VECTORS_BY_NAME[TOKEN_ADDED_AFTER_SIGNING_VECTOR]

    added = _sign_vector(vector, vector.wire_url)

    assert vector.sreq_header("X-Amz-Security-Token")
    assert vector.sreq_header("Authorization") == vector.authz
    assert "x-amz-security-token" not in vector.authz
    assert added["Authorization"] == vector.authz
    assert "X-Amz-Security-Token" not in added


# --- differential test against botocore ---------------------------------------------------

BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
REGIONS = ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1", "us-gov-west-1"]
JOB_STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]

_creation_times = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2099, 12, 31),
    timezones=st.sampled_from(
        [datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-7))]
    ),
).map(lambda moment: moment.isoformat())

_name_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" +/=&%~")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0x10000, codec="utf-8"),
    ),
    max_size=20,
)

QUERY_VALUES: dict[str, st.SearchStrategy[str]] = {
    "creationTimeAfter": _creation_times,
    "creationTimeBefore": _creation_times,
    "statusEquals": st.sampled_from(JOB_STATUSES),
    "nameContains": _name_text,
    "maxResults": st.integers(min_value=1, max_value=100).map(str),
    "nextToken": st.text(alphabet=BASE64_ALPHABET, min_size=1, max_size=80),
    "sortBy": st.just("CreationTime"),
    "sortOrder": st.sampled_from(["Ascending", "Descending"]),
}

_header_names = st.one_of(
    st.sampled_from(
        [
            "Accept",
            "accept",
            "Content-Type",
            "X-Custom",
            "x-custom",
            "X-Amz-Date",
            "X-Amz-Security-Token",
            "X-Amz-Content-SHA256",
            "Authorization",
            "Host",
            # Never signed.
            "User-Agent",
            "user-agent",
            "Expect",
            "X-Amzn-Trace-Id",
            "traceparent",
            "Connection",
            "TE",
        ]
    ),
    # botocore replaces a given Date header with the signing time and then omits
    # X-Amz-Date, while sign_request() signs Date as given, so Date is never drawn.
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True).filter(
        lambda name: name.lower() != "date"
    ),
)
# Printable ASCII plus tab. CR and LF cannot appear in a header value.
_header_values = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, include_characters="\t"),
    max_size=30,
)


def _encode_query_component(text: str) -> str:
    return quote(text, safe="-_.~")


@dataclass(frozen=True)
class SigningCase:
    """One ListModelCustomizationJobs request with the signing inputs."""

    url: str
    region: str
    headers: list[tuple[str, str]]
    access_key: str
    secret_key: str
    token: str | None
    timestamp: datetime.datetime


@st.composite
def bedrock_list_requests(draw: st.DrawFn) -> SigningCase:
    region = draw(st.sampled_from(REGIONS))
    names = draw(st.lists(st.sampled_from(sorted(QUERY_VALUES)), unique=True))
    query = "&".join(
        f"{_encode_query_component(name)}={_encode_query_component(draw(QUERY_VALUES[name]))}"
        for name in names
    )
    url = f"https://bedrock.{region}.amazonaws.com/model-customization-jobs"
    if query:
        url = f"{url}?{query}"

    return SigningCase(
        url=url,
        region=region,
        headers=draw(st.lists(st.tuples(_header_names, _header_values), max_size=6)),
        access_key=draw(st.from_regex(r"(AKIA|ASIA)[A-Z2-7]{16}", fullmatch=True)),
        secret_key=draw(st.text(alphabet=BASE64_ALPHABET, min_size=40, max_size=40)),
        token=draw(st.none() | st.text(alphabet=BASE64_ALPHABET, min_size=16, max_size=300)),
        timestamp=draw(
            st.datetimes(
                min_value=datetime.datetime(2000, 1, 1),
                max_value=datetime.datetime(2099, 12, 31),
                timezones=st.just(datetime.timezone.utc),
            )
        ),
    )


@settings(max_examples=DIFFERENTIAL_EXAMPLES, deadline=None)
@given(case=bedrock_list_requests())
def test_sign_request_matches_botocore(case: SigningCase) -> None:
    request = _botocore_sign(
        method="GET",
        url=case.url,
        headers=case.headers,
        body=b"",
        access_key=case.access_key,
        secret_key=case.secret_key,
        token=case.token,
        region=case.region,
        service="bedrock",
        timestamp=case.timestamp,
    )

    added = sigv4.sign_request(
        method="GET",
        url=case.url,
        headers=case.headers,
        body=b"",
        credentials=Credentials(case.access_key, case.secret_key, case.token),
        region=case.region,
        service="bedrock",
        timestamp=case.timestamp,
    )

    assert added["Authorization"] == request.headers["Authorization"]
    assert added["X-Amz-Date"] == request.headers["X-Amz-Date"]
    assert added["X-Amz-Date"] == case.timestamp.strftime("%Y%m%dT%H%M%SZ")
    if case.token:
        assert added["X-Amz-Security-Token"] == case.token
        assert request.headers["X-Amz-Security-Token"] == case.token
    else:
        assert "X-Amz-Security-Token" not in added


# --- comparison with aws-requests-auth ----------------------------------------------------

_plain_values = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~",
    min_size=1,
    max_size=20,
)
PLAIN_QUERY_VALUES: dict[str, st.SearchStrategy[str]] = {
    "statusEquals": st.sampled_from(JOB_STATUSES),
    "nameContains": _plain_values,
    "maxResults": st.integers(min_value=1, max_value=100).map(str),
    "nextToken": _plain_values,
    "sortBy": st.just("CreationTime"),
    "sortOrder": st.sampled_from(["Ascending", "Descending"]),
}


def _aws_requests_auth_sign(
    *, url: str, region: str, token: str | None, timestamp: datetime.datetime
) -> requests.PreparedRequest:
    prepared = requests.Request("GET", url).prepare()
    auth = aws_auth.AWSRequestsAuth(
        aws_access_key="AKIDEXAMPLE",
        aws_secret_access_key=sigv4_vectors.SECRET_KEY,
        aws_host=httpx.URL(url).host,
        aws_region=region,
        aws_service="bedrock",
        aws_token=token,
    )

    # aws_requests_auth reads the clock as datetime.datetime.utcnow() (version 0.4.3).
    with mock.patch.object(aws_auth, "datetime") as fake_datetime:
        fake_datetime.datetime.utcnow.return_value = timestamp.replace(tzinfo=None)
        signed: requests.PreparedRequest = auth(prepared)
    return signed


def _sign_without_headers(
    url: str, region: str, token: str | None, timestamp: datetime.datetime
) -> dict[str, str]:
    return sigv4.sign_request(
        method="GET",
        url=url,
        headers={},
        body=b"",
        credentials=Credentials("AKIDEXAMPLE", sigv4_vectors.SECRET_KEY, token),
        region=region,
        service="bedrock",
        timestamp=timestamp,
    )


@settings(max_examples=AWS_REQUESTS_AUTH_EXAMPLES, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    params=st.lists(st.sampled_from(sorted(PLAIN_QUERY_VALUES)), unique=True).flatmap(
        lambda names: st.tuples(*(st.tuples(st.just(n), PLAIN_QUERY_VALUES[n]) for n in names))
    ),
    token=st.none() | st.text(alphabet=BASE64_ALPHABET, min_size=16, max_size=100),
)
def test_simple_request_matches_aws_requests_auth(
    region: str, params: tuple[tuple[str, str], ...], token: str | None
) -> None:
    url = f"https://bedrock.{region}.amazonaws.com/model-customization-jobs"
    if params:
        url = url + "?" + "&".join(f"{name}={value}" for name, value in params)

    signed = _aws_requests_auth_sign(
        url=url, region=region, token=token, timestamp=sigv4_vectors.TIMESTAMP
    )

    added = _sign_without_headers(url, region, token, sigv4_vectors.TIMESTAMP)

    assert added["Authorization"] == signed.headers["Authorization"]
    assert added["X-Amz-Date"] == signed.headers["x-amz-date"]


def test_duplicate_slash_path_differs_from_aws_requests_auth() -> None:
    # Services other than S3 collapse repeated slashes and remove dot segments before they
    # build the canonical URI (the normalize-path vectors of the AWS suite). The service
    # therefore computes the signature over "/model-customization-jobs", as botocore and
    # sign_request() do, and rejects aws-requests-auth's, which signs "//model-...".
    url = "https://bedrock.us-east-1.amazonaws.com//model-customization-jobs?maxResults=5"
    timestamp = sigv4_vectors.TIMESTAMP

    signed = _aws_requests_auth_sign(url=url, region="us-east-1", token=None, timestamp=timestamp)
    request = _botocore_sign(
        method="GET",
        url=url,
        headers=[],
        body=b"",
        access_key="AKIDEXAMPLE",
        secret_key=sigv4_vectors.SECRET_KEY,
        token=None,
        region="us-east-1",
        service="bedrock",
        timestamp=timestamp,
    )

    added = _sign_without_headers(url, "us-east-1", None, timestamp)

    assert signed.path_url.startswith("//model-customization-jobs")
    assert added["Authorization"] == request.headers["Authorization"]
    assert added["Authorization"] != signed.headers["Authorization"]


# --- secrets in reprs ----------------------------------------------------------------------

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=="


def _sign_with_token() -> dict[str, str]:
    return sigv4.sign_request(
        method="GET",
        url="https://bedrock.us-east-1.amazonaws.com/model-customization-jobs",
        headers={},
        body=b"",
        credentials=Credentials("AKIDEXAMPLE", SECRET_KEY, SESSION_TOKEN),
        region="us-east-1",
        service="bedrock",
        timestamp=sigv4_vectors.TIMESTAMP,
    )


def test_credentials_repr_hides_secrets() -> None:
    credentials = Credentials("AKIDEXAMPLE", SECRET_KEY, SESSION_TOKEN)

    for text in (repr(credentials), str(credentials)):
        assert SECRET_KEY not in text
        assert SESSION_TOKEN not in text
        assert "AKIDEXAMPLE" in text


def test_signed_headers_repr_hides_secrets() -> None:
    added = _sign_with_token()
    signature = added["Authorization"].rpartition("Signature=")[2]

    for text in (repr(added), str(added)):
        assert SECRET_KEY not in text
        assert SESSION_TOKEN not in text
        assert signature not in text
        assert "Signature=<redacted>" in text
        assert added["X-Amz-Date"] in text


def test_signed_headers_contain_no_secret_key() -> None:
    added = _sign_with_token()

    assert added["X-Amz-Security-Token"] == SESSION_TOKEN
    for value in added.values():
        assert SECRET_KEY not in value
    assert SESSION_TOKEN not in added["Authorization"]


def test_credentials_error_hides_secrets() -> None:
    credentials = Credentials("", SECRET_KEY, SESSION_TOKEN)

    with pytest.raises(ValueError, match="access key id") as caught:
        sigv4.sign_request(
            method="GET",
            url="https://bedrock.us-east-1.amazonaws.com/model-customization-jobs",
            headers={},
            body=b"",
            credentials=credentials,
            region="us-east-1",
            service="bedrock",
            timestamp=sigv4_vectors.TIMESTAMP,
        )

    assert SECRET_KEY not in str(caught.value)
    assert SESSION_TOKEN not in str(caught.value)


# --- inputs, host, query and key cache ------------------------------------------------------

JOBS_URL = "https://bedrock.us-east-1.amazonaws.com/model-customization-jobs"


def _sign(
    *,
    url: str = JOBS_URL,
    headers: sigv4.HeaderInput | None = None,
    service: str = "bedrock",
    region: str = "us-east-1",
    timestamp: datetime.datetime = sigv4_vectors.TIMESTAMP,
) -> dict[str, str]:
    return sigv4.sign_request(
        method="GET",
        url=url,
        headers={} if headers is None else headers,
        body=b"",
        credentials=Credentials("AKIDEXAMPLE", SECRET_KEY),
        region=region,
        service=service,
        timestamp=timestamp,
    )


def _canonical(url: str, headers: sigv4.HeaderInput | None = None) -> list[str]:
    creq = sigv4.canonical_request(
        method="get",
        url=url,
        headers={} if headers is None else headers,
        payload_hash=sigv4.EMPTY_PAYLOAD_HASH,
    )
    return _canonical_request_lines(creq)


def test_naive_timestamp_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        _sign(timestamp=datetime.datetime(2015, 8, 30, 12, 36))


def test_non_datetime_timestamp_rejected() -> None:
    with pytest.raises(TypeError, match="datetime"):
        sigv4.format_amz_date(datetime.date(2015, 8, 30))  # type: ignore[arg-type]


def test_aware_timestamp_converted_to_utc() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    local = datetime.datetime(2015, 8, 31, 1, 36, tzinfo=plus_two)

    added = _sign(timestamp=local)

    assert added["X-Amz-Date"] == "20150830T233600Z"
    assert "/20150830/us-east-1/bedrock/aws4_request" in added["Authorization"]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://bedrock.us-east-1.amazonaws.com:443/", "bedrock.us-east-1.amazonaws.com"),
        ("http://localhost:80/", "localhost"),
        ("https://localhost:80/", "localhost:80"),
        ("http://127.0.0.1:8443/", "127.0.0.1:8443"),
        ("https://user:pw@Bedrock.US-East-1.amazonaws.com/", "bedrock.us-east-1.amazonaws.com"),
        ("http://[::1]:9000/", "[::1]:9000"),
        ("https://[::1]/", "[::1]"),
    ],
)
def test_host_taken_from_url(url: str, host: str) -> None:
    lines = _canonical(url)

    assert lines[3] == f"host:{host}"


def test_given_host_header_signed() -> None:
    lines = _canonical(JOBS_URL, {"Host": "  proxy.example:8080 "})

    assert lines[3] == "host:proxy.example:8080"


def test_unsigned_headers_skipped() -> None:
    headers = [
        ("User-Agent", "bedrockpage"),
        ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
        ("Expect", "100-continue"),
        ("Accept", "application/json"),
    ]

    lines = _canonical(JOBS_URL, headers)

    assert lines[-2] == "accept;host"


def test_replaced_headers_not_signed_twice() -> None:
    headers = {
        "Authorization": "stale",
        "X-Amz-Date": "20000101T000000Z",
    }

    added = _sign(headers=headers)

    assert added["X-Amz-Date"] == SUITE_AMZ_DATE
    assert added["Authorization"] == _sign()["Authorization"]


def test_given_content_sha256_used_as_payload_hash() -> None:
    lines = _canonical(JOBS_URL, {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    added = _sign(headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})

    assert lines[-2] == "host;x-amz-content-sha256"
    assert lines[-1] == sigv4.EMPTY_PAYLOAD_HASH
    assert "SignedHeaders=host;x-amz-content-sha256;x-amz-date," in added["Authorization"]


def test_payload_hash_of_body() -> None:
    assert sigv4.payload_hash(b"") == hashlib.sha256(b"").hexdigest()
    assert sigv4.payload_hash(b"Param1=value1") == hashlib.sha256(b"Param1=value1").hexdigest()


def test_path_dot_segments_removed_then_encoded() -> None:
    lines = _canonical("https://h.example/a/./b/../c//d%20e/")

    assert lines[0] == "GET"
    assert lines[1] == "/a/c/d%2520e/"


def test_empty_path_signed_as_slash() -> None:
    assert _canonical("https://h.example")[1] == "/"
    assert _canonical("https://h.example?x=1")[1] == "/"


def test_query_reencoded_like_botocore_params() -> None:
    # A wire query not in canonical RFC 3986 form: lowercase escapes, raw "/" and ":".
    url = "https://h.example/?b=%e1%88%b4&a=x/y:z&a=&c"
    decoded_params = [("b", "ሴ"), ("a", "x/y:z"), ("a", ""), ("c", "")]
    signer = SigV4Auth(BotocoreCredentials("AKIDEXAMPLE", SECRET_KEY), "bedrock", "us-east-1")

    ours = _canonical(url)[2]

    assert ours == "a=&a=x%2Fy%3Az&b=%E1%88%B4&c="
    assert ours == signer._canonical_query_string_params(decoded_params)


def test_canonical_query_unchanged_when_already_encoded() -> None:
    query = "maxResults=10&nameContains=a%20b%2Bc%F0%9F%98%80&nextToken=ab%2F%2B%3D"

    assert _canonical(f"{JOBS_URL}?{query}")[2] == query


def test_relative_url_rejected() -> None:
    with pytest.raises(ValueError, match="not absolute"):
        _sign(url="/model-customization-jobs")


def test_invalid_port_rejected() -> None:
    with pytest.raises(ValueError, match="invalid port"):
        _sign(url="https://bedrock.us-east-1.amazonaws.com:99999/")


def test_s3_service_rejected() -> None:
    with pytest.raises(ValueError, match="s3"):
        _sign(service="s3")


def test_empty_region_rejected() -> None:
    with pytest.raises(ValueError, match="region"):
        _sign(region="")


def test_signing_key_cached_per_day() -> None:
    first = sigv4.signing_key(SECRET_KEY, "20150830", "us-east-1", "bedrock")
    again = sigv4.signing_key(SECRET_KEY, "20150830", "us-east-1", "bedrock")
    next_day = sigv4.signing_key(SECRET_KEY, "20150831", "us-east-1", "bedrock")

    assert again is first
    assert next_day != first


def test_signing_key_cache_bounded() -> None:
    for day in range(1, 3 * sigv4.SIGNING_KEY_CACHE_SIZE):
        sigv4.signing_key(SECRET_KEY, f"2015{day:04d}", "us-east-1", "bedrock")

    assert len(sigv4._signing_key_cache) <= sigv4.SIGNING_KEY_CACHE_SIZE


def test_signature_matches_botocore_key_chain() -> None:
    request = AWSRequest(method="GET", url="https://iam.amazonaws.com/")
    request.context["timestamp"] = "20120215T000000Z"
    signer = SigV4Auth(BotocoreCredentials("AKIDEXAMPLE", SECRET_KEY), "iam", "us-east-1")
    string = "AWS4-HMAC-SHA256\n20120215T000000Z\n20120215/us-east-1/iam/aws4_request\n" + "0" * 64

    key = sigv4.signing_key(SECRET_KEY, "20120215", "us-east-1", "iam")

    assert sigv4.signature(key, string) == signer.signature(string, request)
