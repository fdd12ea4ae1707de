"""A minimal AWS STS client: AssumeRole (SigV4-signed) and AssumeRoleWithWebIdentity (unsigned).

STS uses the query protocol: a form-encoded POST with an XML response. The
endpoint follows botocore 1.44's STS endpoint rule set: the regional
`https://sts.{region}.{dnsSuffix}` (the global `https://sts.amazonaws.com`
without a region, for `aws-global`, or for the legacy regions when
`sts_regional_endpoints = legacy`), the FIPS and dual-stack variants when
AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT (or the config keys) are
true, unless an endpoint URL is configured.
"""

from __future__ import annotations

import logging
import random
import re
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from ...config import SharedFiles
from ...exceptions import ConfigError, CredentialRetrievalError, HTTPClientError
from ..credentials import Credentials
from ..refresh import Clock, TemporaryCredentials, utc_now
from ._base import parse_expiration
from ._http import HttpRequest, HttpResponse, HttpSend
from ._profiles import bool_setting, setting

if TYPE_CHECKING:
    from ...endpoints._table import Partition

logger = logging.getLogger("bedrockpage.auth.providers")

API_VERSION = "2011-06-15"
GLOBAL_ENDPOINT = "https://sts.amazonaws.com"
GLOBAL_SIGNING_REGION = "us-east-1"
GLOBAL_PSEUDO_REGION = "aws-global"
#: Seconds for connecting and for reading the response; botocore's STS client waits 60.
TIMEOUT_SECONDS = 10.0
#: Attempts per call, botocore's standard retry mode default.
MAX_ATTEMPTS = 3

#: Regions that use the global endpoint under `sts_regional_endpoints = legacy` (botocore 1.44).
LEGACY_GLOBAL_REGIONS = frozenset(
    {
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "aws-global",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)

#: Partitions without a dual-stack STS endpoint. botocore 1.44.8 raises EndpointVariantError
#: for aws-iso-e and aws-iso-f (endpoints.json has no such variant). For aws-iso and aws-iso-b
#: it falls back to the aws partition's `sts.{region}.api.aws`, a host outside those
#: partitions, so bedrockpage raises for them as well.
NO_DUALSTACK_STS_PARTITIONS = frozenset({"aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f"})

_VALID_REGION = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")

_TRANSIENT_STATUS_CODES = frozenset({500, 502, 503, 504})
_TRANSIENT_ERROR_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
_THROTTLING_ERROR_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    }
)
#: STS-specific retryable error: the identity provider of a web identity token was unreachable.
_IDP_COMMUNICATION_ERROR = "IDPCommunicationError"


@dataclass(frozen=True)
class StsEndpoint:
    url: str
    #: The region in the SigV4 credential scope.
    signing_region: str


def resolve_sts_endpoint(
    *,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
    region: str | None,
    endpoint_url: str | None = None,
) -> StsEndpoint:
    """Return the STS endpoint: the argument, then configured URLs, then the regional default.

    Configured URLs are checked in botocore's order: AWS_ENDPOINT_URL_STS,
    AWS_ENDPOINT_URL, `sts.endpoint_url` of the profile's `services` section,
    then the profile's `endpoint_url`. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
    (or `ignore_configured_endpoint_urls` in the profile) skips them.
    """
    if region is not None and not _VALID_REGION.match(region):
        raise ConfigError(
            f"Invalid region {region!r} for the STS endpoint: expected a region name such as "
            "'us-east-1'."
        )
    signing_region = region or GLOBAL_SIGNING_REGION
    use_fips = bool_setting(
        environ, files, profile, env_name="AWS_USE_FIPS_ENDPOINT", config_key="use_fips_endpoint"
    )
    use_dualstack = bool_setting(
        environ,
        files,
        profile,
        env_name="AWS_USE_DUALSTACK_ENDPOINT",
        config_key="use_dualstack_endpoint",
    )

    configured = endpoint_url or _configured_endpoint_url(environ, files, profile)
    if configured:
        _reject_variant_with_custom_endpoint(configured, use_fips, use_dualstack)
        return StsEndpoint(configured, signing_region)

    if region is None:
        return StsEndpoint(GLOBAL_ENDPOINT, GLOBAL_SIGNING_REGION)

    mode = setting(
        environ,
        files,
        profile,
        env_name="AWS_STS_REGIONAL_ENDPOINTS",
        config_key="sts_regional_endpoints",
    )
    if mode not in (None, "", "regional", "legacy"):
        raise ConfigError(
            f"Invalid value {mode!r} for AWS_STS_REGIONAL_ENDPOINTS / sts_regional_endpoints: "
            "expected regional or legacy."
        )

    # The FIPS and dual-stack hosts are regional even in legacy mode and for aws-global.
    if use_fips or use_dualstack:
        return _variant_endpoint(region, use_fips=use_fips, use_dualstack=use_dualstack)

    # botocore maps the pseudo-region aws-global to the global endpoint in either mode.
    if region == GLOBAL_PSEUDO_REGION:
        return StsEndpoint(GLOBAL_ENDPOINT, GLOBAL_SIGNING_REGION)
    if mode == "legacy" and region in LEGACY_GLOBAL_REGIONS:
        return StsEndpoint(GLOBAL_ENDPOINT, GLOBAL_SIGNING_REGION)

    return StsEndpoint(f"https://sts.{region}.{_partition(region).dns_suffix}", region)


def _reject_variant_with_custom_endpoint(url: str, use_fips: bool, use_dualstack: bool) -> None:
    # botocore 1.44 drops the flag silently beside a custom endpoint; the Bedrock endpoint
    # resolver raises in the same case, and so does this one.
    variants = (
        (use_fips, "FIPS", "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
        (use_dualstack, "Dual-stack", "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
    )
    for enabled, name, env_name, config_key in variants:
        if enabled:
            raise ConfigError(
                f"{name} endpoints cannot be combined with the custom STS endpoint {url!r}: "
                f"unset {env_name} (or {config_key}) or the endpoint URL."
            )


def _variant_endpoint(region: str, *, use_fips: bool, use_dualstack: bool) -> StsEndpoint:
    """Return the FIPS and/or dual-stack endpoint, or raise for a partition without it."""
    partition = _partition(region)
    if use_fips and not partition.supports_fips:
        raise ConfigError(
            f"FIPS is enabled but the {partition.name} partition of region {region!r} has no "
            "FIPS STS endpoint: unset AWS_USE_FIPS_ENDPOINT / use_fips_endpoint."
        )
    if use_dualstack and (
        not partition.supports_dual_stack or partition.name in NO_DUALSTACK_STS_PARTITIONS
    ):
        raise ConfigError(
            f"Dual-stack is enabled but the {partition.name} partition of region {region!r} has "
            "no dual-stack STS endpoint: unset AWS_USE_DUALSTACK_ENDPOINT / "
            "use_dualstack_endpoint."
        )

    if use_dualstack:
        prefix = "sts-fips" if use_fips else "sts"
        return StsEndpoint(f"https://{prefix}.{region}.{partition.dual_stack_dns_suffix}", region)
    if partition.name == "aws-us-gov":
        # GovCloud's regular STS endpoints are already FIPS validated.
        return StsEndpoint(f"https://sts.{region}.amazonaws.com", region)
    return StsEndpoint(f"https://sts-fips.{region}.{partition.dns_suffix}", region)


def _partition(region: str) -> Partition:
    """Return the region's partition as botocore's `aws.partition` does.

    A partition that lists the region wins over a regex match, and a region
    that matches nothing belongs to the first partition (aws).
    """
    from ...endpoints._table import PARTITIONS

    for partition in PARTITIONS:
        if region in partition.regions:
            return partition
    for partition in PARTITIONS:
        if re.match(partition.region_regex, region):
            return partition
    return PARTITIONS[0]


def _configured_endpoint_url(
    environ: Mapping[str, str], files: SharedFiles, profile: str
) -> str | None:
    if bool_setting(
        environ,
        files,
        profile,
        env_name="AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        config_key="ignore_configured_endpoint_urls",
    ):
        return None

    profile_section = files.profile_config(profile)
    services_name = profile_section.get("services")
    services_url: str | None = None
    if isinstance(services_name, str):
        services = files.section("services", services_name)
        if not services:
            raise ConfigError(
                f'The profile is configured to use the services section but the "{services_name}" '
                "services configuration does not exist."
            )
        sts_block = services.get("sts")
        if isinstance(sts_block, dict):
            services_url = sts_block.get("endpoint_url")

    profile_url = profile_section.get("endpoint_url")
    candidates = (
        environ.get("AWS_ENDPOINT_URL_STS"),
        environ.get("AWS_ENDPOINT_URL"),
        services_url,
        profile_url if isinstance(profile_url, str) else None,
    )
    return next((url for url in candidates if url), None)


@dataclass
class StsClient:
    """Sends AssumeRole and AssumeRoleWithWebIdentity with botocore's standard retries."""

    http: HttpSend
    endpoint: StsEndpoint
    #: TLS verification for the STS endpoint (AWS_CA_BUNDLE when set).
    verify: str | bool = True
    clock: Clock = utc_now
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = field(default=random.random)
    max_attempts: int = MAX_ATTEMPTS

    def assume_role(
        self, source: Credentials, params: Mapping[str, str], *, provider: str
    ) -> TemporaryCredentials:
        """Call AssumeRole signed with `source`; `params` are RoleArn, RoleSessionName, ..."""
        return self._call("AssumeRole", params, source, provider=provider)

    def assume_role_with_web_identity(
        self, params: Mapping[str, str], *, provider: str
    ) -> TemporaryCredentials:
        """Call AssumeRoleWithWebIdentity, unsigned: the web identity token is the credential."""
        return self._call("AssumeRoleWithWebIdentity", params, None, provider=provider)

    def _call(
        self,
        action: str,
        params: Mapping[str, str],
        source: Credentials | None,
        *,
        provider: str,
    ) -> TemporaryCredentials:
        form = {"Action": action, "Version": API_VERSION, **params}
        body = urlencode(form, quote_via=quote, safe="-_.~").encode("ascii")

        for attempt in range(self.max_attempts):
            is_last = attempt == self.max_attempts - 1
            try:
                response = self.http(self._request(body, source))
            except HTTPClientError as error:
                if is_last:
                    raise CredentialRetrievalError(
                        provider, f"{action} request to {self.endpoint.url} failed: {error}"
                    ) from error
                logger.debug("%s to %s failed, retrying: %s", action, self.endpoint.url, error)
                self._back_off(attempt, throttled=False)
                continue

            if response.status_code == 200:
                return _parse_credentials(response, action, provider)

            code, message = _parse_error(response)
            throttled = code in _THROTTLING_ERROR_CODES or response.status_code == 429
            retryable = (
                throttled
                or response.status_code in _TRANSIENT_STATUS_CODES
                or code in _TRANSIENT_ERROR_CODES
                or code == _IDP_COMMUNICATION_ERROR
            )
            if not retryable or is_last:
                raise CredentialRetrievalError(
                    provider,
                    f"{action} failed with {code} (HTTP {response.status_code}): {message}",
                )
            logger.debug("%s returned %s (HTTP %s), retrying", action, code, response.status_code)
            self._back_off(attempt, throttled=throttled)

        raise AssertionError("unreachable: the last attempt returns or raises")

    def _request(self, body: bytes, source: Credentials | None) -> HttpRequest:
        url = self.endpoint.url.rstrip("/") + "/"
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if source is not None:
            from ..sigv4 import sign_request

            headers.update(
                sign_request(
                    method="POST",
                    url=url,
                    headers=headers,
                    body=body,
                    credentials=source,
                    region=self.endpoint.signing_region,
                    service="sts",
                    timestamp=self.clock(),
                )
            )
        return HttpRequest(
            "POST",
            url,
            headers,
            body,
            timeout=TIMEOUT_SECONDS,
            verify=self.verify,
            trust_env=True,
        )

    def _back_off(self, attempt: int, *, throttled: bool) -> None:
        # botocore's standard mode: rand(0, 1) * min(base * 2**attempt, 20) seconds, with a
        # base of 1 s after throttling and 50 ms otherwise.
        base = 1.0 if throttled else 0.05
        self.sleep(self.random() * min(base * 2**attempt, 20.0))


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for element in root.iter():
        if _local_name(element.tag) == name:
            return element
    return None


def _child_text(parent: ElementTree.Element, name: str) -> str | None:
    for child in parent:
        if _local_name(child.tag) == name:
            return child.text or ""
    return None


def _parse_xml(response: HttpResponse) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(response.body)
    except ElementTree.ParseError:
        return None


def _parse_credentials(response: HttpResponse, action: str, provider: str) -> TemporaryCredentials:
    root = _parse_xml(response)
    element = _find(root, "Credentials") if root is not None else None
    if element is None:
        raise CredentialRetrievalError(
            provider, f"{action} returned HTTP 200 without a Credentials element in its XML."
        )

    values = {
        name: _child_text(element, name)
        for name in ("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration")
    }
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise CredentialRetrievalError(
            provider, f"{action} response is missing {', '.join(missing)}."
        )

    credentials = Credentials(
        str(values["AccessKeyId"]),
        str(values["SecretAccessKey"]),
        values["SessionToken"],
        method=provider,
    )
    return TemporaryCredentials(credentials, parse_expiration(provider, values["Expiration"]))


def _parse_error(response: HttpResponse) -> tuple[str, str]:
    root = _parse_xml(response)
    error = _find(root, "Error") if root is not None else None
    if error is None:
        return f"HTTP{response.status_code}", "the response has no XML error body"
    code = _child_text(error, "Code") or f"HTTP{response.status_code}"
    message = _child_text(error, "Message") or "(no message)"
    return code, message
