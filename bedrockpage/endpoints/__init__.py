"""Bedrock endpoint resolution, matching botocore's rule-set resolver.

`resolve_endpoint` evaluates Bedrock's endpoint rule set (generated into `_table.py`
from botocore's data by `scripts/generate_endpoints.py`) for a region, the FIPS and
dual-stack flags and an optional custom endpoint URL. `configured_endpoint_url` and
`resolve_flags` read those inputs from arguments, the environment and the shared
config files in botocore's order.

Where this module deliberately differs from botocore (1.44.8 when written):

- A custom endpoint URL together with FIPS or dual-stack raises `ConfigError`.
  botocore's rule set raises for that combination too, but botocore's client never
  reaches that branch: it forces UseFIPS and UseDualStack to false whenever an
  endpoint URL is given or configured (`ClientArgsCreator.
  compute_endpoint_resolver_builtin_defaults`), so the flags are silently dropped.
- A region name with a trailing newline is rejected. botocore's region check ends in
  `$`, which also matches before a final newline, so it accepts `"us-east-1\\n"`.
- A custom endpoint URL must use http or https, have a valid port and contain no
  whitespace. botocore accepts any scheme and fails later, when sending.
- Boolean settings accept only `true` or `false` (any case, surrounding whitespace
  ignored) and an empty string, which means false as in botocore. botocore reads every
  other value, such as `1` or `yes`, as false; here it raises `ConfigError`, because a
  silently ignored `AWS_USE_FIPS_ENDPOINT=1` sends traffic to a non-FIPS endpoint.
- A `bedrock` entry of a `[services NAME]` section that is a plain value instead of a
  nested block raises `ConfigError`, where botocore fails with an AttributeError.
- The client's `meta.endpoint_url` is the URL requests go to. boto3 reports the URL of
  botocore's older endpoints.json resolver there, which differs from its request URL
  for pseudo-regions such as `aws-cn-global` or `bedrock-us-east-1` and for dual-stack
  in the aws-iso and aws-iso-b partitions.
- Requests are signed for the region name. botocore signs for the credentialScope region
  that endpoints.json gives some pseudo-regions, such as us-east-1 for
  `bedrock-us-east-1`, whose rule-set hosts do not exist.

Two parts of botocore's client creation are reproduced as well: a FIPS pseudo-region
such as `us-east-1-fips` becomes `us-east-1` with FIPS on (`normalize_fips_region`),
and a FIPS or dual-stack request raises where endpoints.json has no such variant for
the region's partition, as botocore's EndpointVariantError does, even though the
rule set would give a URL.
"""

import functools
import logging
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from .._urls import redact_userinfo
from ..config import Section, SharedFiles, parse_bool
from ..exceptions import ConfigError
from . import _table

__all__ = [
    "configured_endpoint_url",
    "normalize_fips_region",
    "resolve_endpoint",
    "resolve_flags",
]

logger = logging.getLogger("bedrockpage.endpoints")

#: The service's key in `AWS_ENDPOINT_URL_<ID>` and in `[services NAME]` sections: the
#: service id "Bedrock" in snake case.
SERVICE_KEY = "bedrock"
SERVICE_ENDPOINT_ENV = "AWS_ENDPOINT_URL_BEDROCK"
GLOBAL_ENDPOINT_ENV = "AWS_ENDPOINT_URL"
IGNORE_ENDPOINTS_ENV = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
IGNORE_ENDPOINTS_KEY = "ignore_configured_endpoint_urls"

_REGION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_MAX_LABEL_LENGTH = 63
_MAX_HOSTNAME_LENGTH = 255

_ENDPOINT_SETTINGS = (
    "set by the endpoint_url option, AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL, "
    "or endpoint_url in the profile or its services section"
)
_FIPS_SETTINGS = (
    "set by the use_fips_endpoint option, AWS_USE_FIPS_ENDPOINT or the profile's use_fips_endpoint"
)
_DUALSTACK_SETTINGS = (
    "set by the use_dualstack_endpoint option, AWS_USE_DUALSTACK_ENDPOINT "
    "or the profile's use_dualstack_endpoint"
)
_REGION_SETTINGS = "the region_name option, AWS_REGION, AWS_DEFAULT_REGION or the profile's region"


# --- Endpoint resolution ----------------------------------------------------------------


class _RuleInputs(NamedTuple):
    """The rule set's parameters: Region, UseFIPS, UseDualStack and Endpoint."""

    region: str | None
    use_fips: bool
    use_dualstack: bool
    endpoint: str | None


def resolve_endpoint(
    region: str,
    *,
    use_fips: bool = False,
    use_dualstack: bool = False,
    endpoint_url: str | None = None,
) -> str:
    """Return the endpoint URL botocore's rule set gives for Bedrock, without a path.

    An empty `region` counts as missing, which only a custom `endpoint_url` can make up
    for. Raises `ConfigError` for an invalid region or endpoint URL, wherever the rule
    set raises, including FIPS or dual-stack beside a custom endpoint URL, and where
    botocore's endpoints.json has no FIPS or dual-stack variant for the partition.
    """
    _validate_region(region)
    if endpoint_url is not None:
        _validate_endpoint_url(endpoint_url)

    inputs = _RuleInputs(
        region=region or None,
        use_fips=use_fips,
        use_dualstack=use_dualstack,
        endpoint=endpoint_url,
    )
    if endpoint_url is None and inputs.region is not None and (use_fips or use_dualstack):
        _check_legacy_variant(inputs)
    rule = _first_matching_rule(inputs)

    if rule.error is not None:
        raise ConfigError(_rule_error_message(rule.error, inputs))
    assert rule.url is not None, "every rule has a url or an error"
    return _render(rule.url, inputs)


def normalize_fips_region(region: str) -> tuple[str, bool]:
    """Strip a FIPS pseudo-region such as `fips-us-gov-west-1` or `us-east-1-fips`.

    Returns the region without `fips-` and `-fips`, and whether anything was removed.
    When something was, the caller must turn FIPS on regardless of the other settings,
    as botocore's `ClientCreator._normalize_fips_region` does (1.44.8).
    """
    normalized = region.replace("fips-", "").replace("-fips", "")
    if normalized == region:
        return region, False

    logger.warning(
        "Using region %r with use_fips_endpoint=true instead of the FIPS pseudo-region %r: "
        "set the region and use_fips_endpoint instead.",
        normalized,
        region,
    )
    return normalized, True


def _check_legacy_variant(inputs: _RuleInputs) -> None:
    """Raise where botocore's endpoints.json resolver rejects a FIPS or dual-stack request.

    botocore runs that older resolver at client creation before the rule set, and it
    raises EndpointVariantError when the region's partition in endpoints.json has no
    hostname for the requested variant, even where the rule set has one.
    """
    assert inputs.region is not None
    partition = _legacy_partition_for(inputs.region, inputs.use_dualstack)
    tags = [
        tag for tag, on in (("dualstack", inputs.use_dualstack), ("fips", inputs.use_fips)) if on
    ]
    if "+".join(tags) in partition.variants:
        return

    wanted = " and ".join("dual-stack" if tag == "dualstack" else "FIPS" for tag in tags)
    inputs_text = (
        f"region={inputs.region!r}, use_fips={inputs.use_fips}, "
        f"use_dualstack={inputs.use_dualstack}"
    )
    raise ConfigError(
        f"Cannot resolve the Bedrock endpoint ({inputs_text}): the endpoint data of botocore "
        f"{_table.BOTOCORE_VERSION} has no {wanted} endpoint in partition {partition.name!r}, "
        f"and botocore rejects this combination. {_fix_hint(inputs)}"
    )


def _legacy_partition_for(region: str, use_dualstack: bool) -> _table.LegacyPartition:
    # Mirrors botocore.regions.EndpointResolver.construct_endpoint: the first partition
    # that lists the region as a Bedrock endpoint or a region, or whose regex matches it,
    # skipping some partitions for dual-stack, else the partition named aws.
    for partition in _table.LEGACY_PARTITIONS:
        if use_dualstack and partition.skips_dualstack:
            continue
        if region in partition.service_endpoints or region in partition.regions:
            return partition
        if _region_pattern(partition.region_regex).match(region):
            return partition
    return next(partition for partition in _table.LEGACY_PARTITIONS if partition.name == "aws")


def _first_matching_rule(inputs: _RuleInputs) -> _table.Rule:
    for rule in _table.RULES:
        if all(_subject_value(subject, inputs) == value for subject, value in rule.conditions):
            return rule

    # The generated rule set ends with an unconditional rule, so this means a broken table.
    raise ConfigError(
        f"No endpoint rule matches {inputs}: the endpoint table is incomplete, "
        "regenerate it with scripts/generate_endpoints.py."
    )


def _subject_value(subject: str, inputs: _RuleInputs) -> bool | str | None:
    if subject == "region_set":
        return inputs.region is not None
    if subject == "endpoint_set":
        return inputs.endpoint is not None
    if subject == "use_fips":
        return inputs.use_fips
    if subject == "use_dualstack":
        return inputs.use_dualstack
    if subject == "region":
        return inputs.region

    field = subject.removeprefix("partition.")
    if field != subject and field in _table.Partition._fields:
        value: bool | str = getattr(_partition_for(inputs.region), field)
        return value
    raise ConfigError(
        f"Unknown condition {subject!r} in the endpoint table: "
        "regenerate it with scripts/generate_endpoints.py."
    )


def _render(template: str, inputs: _RuleInputs) -> str:
    partition = _partition_for(inputs.region) if "{partition." in template else None
    return template.format(region=inputs.region, endpoint=inputs.endpoint, partition=partition)


@functools.lru_cache(maxsize=64)
def _partition_for(region: str | None) -> _table.Partition:
    """Return the region's partition the way botocore's `aws.partition` picks it.

    The first partition that lists the region or whose regex matches it wins, and an
    unmatched region falls back to the first partition (aws).
    """
    if region is not None:
        for partition in _table.PARTITIONS:
            if region in partition.regions:
                return partition
            if _region_pattern(partition.region_regex).match(region):
                return partition
    return _table.PARTITIONS[0]


@functools.cache
def _region_pattern(regex: str) -> re.Pattern[str]:
    # Compiled on first use, because most processes only ever see a listed region.
    return re.compile(regex)


def _rule_error_message(error_template: str, inputs: _RuleInputs) -> str:
    rule_error = _render(error_template, inputs)
    context = (
        f"region={inputs.region or ''!r}, use_fips={inputs.use_fips}, "
        f"use_dualstack={inputs.use_dualstack}"
    )
    if inputs.region is not None and inputs.endpoint is None:
        context += f", partition={_partition_for(inputs.region).name!r}"
    if inputs.endpoint is not None:
        context += f", endpoint_url={redact_userinfo(inputs.endpoint)!r}"

    return f"Cannot resolve the Bedrock endpoint ({context}): {rule_error}. {_fix_hint(inputs)}"


def _fix_hint(inputs: _RuleInputs) -> str:
    if inputs.region is None and inputs.endpoint is None:
        return f"Set a region with {_REGION_SETTINGS}."

    enabled = []
    if inputs.use_fips:
        enabled.append(f"FIPS ({_FIPS_SETTINGS})")
    if inputs.use_dualstack:
        enabled.append(f"dual-stack ({_DUALSTACK_SETTINGS})")
    if not enabled:
        return "Use another region, or set a custom endpoint URL with " + _ENDPOINT_SETTINGS + "."

    hint = "Turn off " + " and ".join(enabled)
    if inputs.endpoint is not None:
        return f"{hint}, or remove the custom endpoint URL ({_ENDPOINT_SETTINGS})."
    return f"{hint}, or use a region whose partition supports them."


# --- Input validation -------------------------------------------------------------------


def _validate_region(region: str) -> None:
    """Apply botocore's region-name check, but without accepting a trailing newline.

    botocore requires a host label: at most 63 letters, digits and hyphens, not all
    digits, neither starting nor ending with a hyphen. It accepts the empty string.
    """
    if not isinstance(region, str):
        raise ConfigError(f"Invalid region {region!r}: expected a string such as 'us-east-1'.")

    valid = (
        len(region) <= _MAX_LABEL_LENGTH
        and all(char in _REGION_CHARS for char in region)
        and not region.startswith("-")
        and not region.endswith("-")
        and not (region and region.isdigit())
    )
    if not valid:
        raise ConfigError(
            f"Invalid region {region!r}: a region name has at most 63 letters, digits and "
            "hyphens, is not all digits and neither starts nor ends with a hyphen, "
            "such as 'us-east-1'."
        )


def _validate_endpoint_url(url: str) -> None:
    """Apply botocore's endpoint-URL check plus the stricter rules in the module docstring.

    botocore requires a hostname that is either a valid DNS name (labels of at most 63
    letters, digits and hyphens, not starting or ending with a hyphen, at most 255
    characters) or a bracketed IPv6 address.
    """
    from urllib.parse import urlsplit

    if not isinstance(url, str):
        raise ConfigError(f"Invalid endpoint URL {url!r}: expected a string.")
    shown = redact_userinfo(url)
    example = "such as 'https://bedrock.us-east-1.amazonaws.com' or 'http://127.0.0.1:8080'"

    if any(char.isspace() for char in url):
        raise ConfigError(f"Invalid endpoint URL {shown!r}: remove the whitespace.")
    try:
        parts = urlsplit(url)
        _ = parts.port  # urlsplit checks the port only when it is read
    except ValueError as error:
        raise ConfigError(
            f"Invalid endpoint URL {shown!r}: {error}; use a URL {example}."
        ) from None

    if parts.scheme not in ("http", "https"):
        raise ConfigError(
            f"Invalid endpoint URL {shown!r}: the scheme must be http or https, {example}."
        )
    hostname = parts.hostname
    if not hostname or not (_is_dns_name(hostname) or _is_ipv6_address(hostname)):
        raise ConfigError(f"Invalid endpoint URL {shown!r}: invalid or missing host, {example}.")


def _is_dns_name(hostname: str) -> bool:
    if len(hostname) > _MAX_HOSTNAME_LENGTH:
        return False
    labels = hostname.removesuffix(".").split(".")
    return all(
        0 < len(label) <= _MAX_LABEL_LENGTH
        and all(char in _REGION_CHARS for char in label)
        and not label.startswith("-")
        and not label.endswith("-")
        for label in labels
    )


def _is_ipv6_address(hostname: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(hostname)
    except ValueError:
        return False
    return True


# --- Configured endpoint URL and flags --------------------------------------------------


def configured_endpoint_url(
    endpoint_url_arg: str | None,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
    *,
    ignore_configured_endpoint_urls: bool | None = None,
) -> str | None:
    """Return the endpoint URL to use for Bedrock, or None for the rule set's own.

    Precedence as in botocore: the argument; unless configured endpoints are ignored,
    `AWS_ENDPOINT_URL_BEDROCK`, `AWS_ENDPOINT_URL`, `endpoint_url` in the `bedrock` block
    of the profile's `[services NAME]` section, then the profile's `endpoint_url`. Empty
    values are skipped. Configured endpoints are ignored when
    `ignore_configured_endpoint_urls` (the argument, else
    `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, else the profile key) is true. Profile keys
    come from the config file's profile overlaid with the credentials file's section of
    the same name, as botocore merges them.
    """
    if endpoint_url_arg is not None:
        return endpoint_url_arg

    if _ignore_configured_endpoints(ignore_configured_endpoint_urls, environ, files, profile):
        logger.debug("Ignoring configured endpoint URLs for %s", SERVICE_KEY)
        return None

    for source, url in _configured_endpoint_candidates(environ, files, profile):
        if url:
            logger.debug("Using the endpoint URL from %s: %s", source, redact_userinfo(url))
            return url
    return None


def _configured_endpoint_candidates(
    environ: Mapping[str, str], files: SharedFiles, profile: str
) -> Iterator[tuple[str, str | None]]:
    # A generator, so the shared files are read only when no environment variable is set.
    yield SERVICE_ENDPOINT_ENV, environ.get(SERVICE_ENDPOINT_ENV)
    yield GLOBAL_ENDPOINT_ENV, environ.get(GLOBAL_ENDPOINT_ENV)

    scoped = _scoped_config(files, profile)
    yield "the profile's services section", _services_endpoint_url(scoped, files, profile)
    yield "the profile's endpoint_url", _string_setting(scoped, "endpoint_url", profile)


def _services_endpoint_url(scoped: Section, files: SharedFiles, profile: str) -> str | None:
    services_name = _string_setting(scoped, "services", profile)
    if services_name is None:
        return None

    section = files.section("services", services_name)
    if not section:
        raise ConfigError(
            f"The profile {profile!r} sets services = {services_name}, but the config file "
            f"{files.config_path} has no [services {services_name}] section: add the section "
            "or remove the services setting."
        )

    block = section.get(SERVICE_KEY)
    if block is None:
        return None
    if not isinstance(block, dict):
        raise ConfigError(
            f"Invalid {SERVICE_KEY} entry {block!r} in [services {services_name}] of "
            f"{files.config_path}: expected a nested block such as "
            f"'{SERVICE_KEY} =\\n  endpoint_url = https://...'."
        )
    return block.get("endpoint_url")


def _ignore_configured_endpoints(
    argument: bool | None, environ: Mapping[str, str], files: SharedFiles, profile: str
) -> bool:
    if argument is not None:
        return argument
    if IGNORE_ENDPOINTS_ENV in environ:
        return _parse_flag(IGNORE_ENDPOINTS_ENV, environ[IGNORE_ENDPOINTS_ENV])

    value = _string_setting(_scoped_config(files, profile), IGNORE_ENDPOINTS_KEY, profile)
    if value is None:
        return False
    return _parse_flag(f"{IGNORE_ENDPOINTS_KEY} in profile {profile!r}", value)


def resolve_flags(
    use_fips_arg: bool | None,
    use_dualstack_arg: bool | None,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
) -> tuple[bool, bool]:
    """Return `(use_fips, use_dualstack)` from arguments, environment and profile.

    Each flag is the argument if not None, else its environment variable
    (`AWS_USE_FIPS_ENDPOINT`, `AWS_USE_DUALSTACK_ENDPOINT`) if set, even to an empty
    string, else its profile key (`use_fips_endpoint`, `use_dualstack_endpoint`), else
    false.
    """
    use_fips = _resolve_flag(
        use_fips_arg, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint", environ, files, profile
    )
    use_dualstack = _resolve_flag(
        use_dualstack_arg,
        "AWS_USE_DUALSTACK_ENDPOINT",
        "use_dualstack_endpoint",
        environ,
        files,
        profile,
    )
    return use_fips, use_dualstack


def _resolve_flag(
    argument: bool | None,
    env_name: str,
    config_key: str,
    environ: Mapping[str, str],
    files: SharedFiles,
    profile: str,
) -> bool:
    if argument is not None:
        return argument
    if env_name in environ:
        return _parse_flag(env_name, environ[env_name])

    value = _string_setting(_scoped_config(files, profile), config_key, profile)
    if value is None:
        return False
    return _parse_flag(f"{config_key} in profile {profile!r}", value)


def _parse_flag(name: str, value: str) -> bool:
    # botocore reads an empty value as false; other values than true/false raise here.
    if not value.strip():
        return False
    return bool(parse_bool(name, value))


def _scoped_config(files: SharedFiles, profile: str) -> Section:
    """Return the profile's settings: the config file overlaid with the credentials file.

    botocore merges both files' sections of a profile, so keys such as endpoint_url or
    use_fips_endpoint in ~/.aws/credentials take effect too.
    """
    scoped = files.profile_config(profile)
    scoped.update(files.profile_credentials(profile))
    return scoped


def _string_setting(scoped: Section, key: str, profile: str) -> str | None:
    value = scoped.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(
        f"Invalid {key} in profile {profile!r}: expected a single value, found a nested block."
    )
