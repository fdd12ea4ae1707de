# Generated from botocore 1.44.8 by scripts/generate_endpoints.py.
# Do not edit: regenerate with `python scripts/generate_endpoints.py`.
"""Endpoint data for Bedrock: botocore 1.44.8's partitions.json and the
bedrock 2023-04-20 endpoint rule set, flattened into a decision list, and the
variant support recorded in endpoints.json.
"""

from typing import NamedTuple

BOTOCORE_VERSION = "1.44.8"
API_VERSION = "2023-04-20"


class Partition(NamedTuple):
    """A partition of partitions.json: the region regex, listed regions and outputs."""

    name: str
    region_regex: str
    regions: tuple[str, ...]
    dns_suffix: str
    dual_stack_dns_suffix: str
    supports_fips: bool
    supports_dual_stack: bool
    implicit_global_region: str


class LegacyPartition(NamedTuple):
    """A partition of endpoints.json, as far as it decides FIPS and dual-stack support.

    `variants` lists the tag sets (`fips`, `dualstack`, `dualstack+fips`) that have a
    hostname for every endpoint in the partition. `skips_dualstack` marks a partition
    that botocore's resolver passes over when dual-stack is requested.
    """

    name: str
    region_regex: str
    regions: tuple[str, ...]
    service_endpoints: tuple[str, ...]
    skips_dualstack: bool
    variants: tuple[str, ...]


class Rule(NamedTuple):
    """A leaf of the rule set: it applies when every `(subject, value)` condition holds.

    Subjects: `region_set` and `endpoint_set` (the input is given), `use_fips`,
    `use_dualstack`, `region` and `partition.<field>` of the region's partition.
    Exactly one of `url` (a str.format template over `region`, `endpoint` and
    `partition`) and `error` (the rule set's error message) is set.
    """

    conditions: tuple[tuple[str, bool | str], ...]
    url: str | None = None
    error: str | None = None


#: Partitions in botocore's match order: a region belongs to the first partition that
#: lists it or whose regex matches it, and to the first partition if none does.
PARTITIONS: tuple[Partition, ...] = (
    Partition(
        name="aws",
        region_regex=r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions=(
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "me-west-1",
            "mx-central-1",
            "sa-east-1",
            "sa-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ),
        dns_suffix="amazonaws.com",
        dual_stack_dns_suffix="api.aws",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-east-1",
    ),
    Partition(
        name="aws-cn",
        region_regex=r"^cn\-\w+\-\d+$",
        regions=(
            "aws-cn-global",
            "cn-north-1",
            "cn-northwest-1",
        ),
        dns_suffix="amazonaws.com.cn",
        dual_stack_dns_suffix="api.amazonwebservices.com.cn",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="cn-northwest-1",
    ),
    Partition(
        name="aws-eusc",
        region_regex=r"^eusc\-(de)\-\w+\-\d+$",
        regions=("eusc-de-east-1",),
        dns_suffix="amazonaws.eu",
        dual_stack_dns_suffix="api.amazonwebservices.eu",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="eusc-de-east-1",
    ),
    Partition(
        name="aws-iso",
        region_regex=r"^us\-iso\-\w+\-\d+$",
        regions=(
            "aws-iso-global",
            "us-iso-east-1",
            "us-iso-west-1",
        ),
        dns_suffix="c2s.ic.gov",
        dual_stack_dns_suffix="api.aws.ic.gov",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-iso-east-1",
    ),
    Partition(
        name="aws-iso-b",
        region_regex=r"^us\-isob\-\w+\-\d+$",
        regions=(
            "aws-iso-b-global",
            "us-isob-east-1",
            "us-isob-west-1",
        ),
        dns_suffix="sc2s.sgov.gov",
        dual_stack_dns_suffix="api.aws.scloud",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-isob-east-1",
    ),
    Partition(
        name="aws-iso-e",
        region_regex=r"^eu\-isoe\-\w+\-\d+$",
        regions=(
            "aws-iso-e-global",
            "eu-isoe-west-1",
        ),
        dns_suffix="cloud.adc-e.uk",
        dual_stack_dns_suffix="api.cloud-aws.adc-e.uk",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="eu-isoe-west-1",
    ),
    Partition(
        name="aws-iso-f",
        region_regex=r"^us\-isof\-\w+\-\d+$",
        regions=(
            "aws-iso-f-global",
            "us-isof-east-1",
            "us-isof-south-1",
        ),
        dns_suffix="csp.hci.ic.gov",
        dual_stack_dns_suffix="api.aws.hci.ic.gov",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-isof-south-1",
    ),
    Partition(
        name="aws-us-gov",
        region_regex=r"^us\-gov\-\w+\-\d+$",
        regions=(
            "aws-us-gov-global",
            "us-gov-east-1",
            "us-gov-west-1",
        ),
        dns_suffix="amazonaws.com",
        dual_stack_dns_suffix="api.aws",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-gov-west-1",
    ),
)

#: endpoints.json partitions in botocore's match order. botocore falls back to the
#: partition named aws when no partition lists or matches a region.
LEGACY_PARTITIONS: tuple[LegacyPartition, ...] = (
    LegacyPartition(
        name="aws",
        region_regex=r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions=(
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ),
        service_endpoints=(
            "af-south-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "bedrock-ap-northeast-1",
            "bedrock-ap-northeast-2",
            "bedrock-ap-northeast-3",
            "bedrock-ap-south-1",
            "bedrock-ap-south-2",
            "bedrock-ap-southeast-1",
            "bedrock-ap-southeast-2",
            "bedrock-ca-central-1",
            "bedrock-eu-central-1",
            "bedrock-eu-central-2",
            "bedrock-eu-north-1",
            "bedrock-eu-south-1",
            "bedrock-eu-south-2",
            "bedrock-eu-west-1",
            "bedrock-eu-west-2",
            "bedrock-eu-west-3",
            "bedrock-fips-ca-central-1",
            "bedrock-fips-us-east-1",
            "bedrock-fips-us-east-2",
            "bedrock-fips-us-west-2",
            "bedrock-runtime-ap-northeast-1",
            "bedrock-runtime-ap-northeast-2",
            "bedrock-runtime-ap-northeast-3",
            "bedrock-runtime-ap-south-1",
            "bedrock-runtime-ap-south-2",
            "bedrock-runtime-ap-southeast-1",
            "bedrock-runtime-ap-southeast-2",
            "bedrock-runtime-ca-central-1",
            "bedrock-runtime-eu-central-1",
            "bedrock-runtime-eu-central-2",
            "bedrock-runtime-eu-north-1",
            "bedrock-runtime-eu-south-1",
            "bedrock-runtime-eu-south-2",
            "bedrock-runtime-eu-west-1",
            "bedrock-runtime-eu-west-2",
            "bedrock-runtime-eu-west-3",
            "bedrock-runtime-fips-ca-central-1",
            "bedrock-runtime-fips-us-east-1",
            "bedrock-runtime-fips-us-east-2",
            "bedrock-runtime-fips-us-west-2",
            "bedrock-runtime-sa-east-1",
            "bedrock-runtime-us-east-1",
            "bedrock-runtime-us-east-2",
            "bedrock-runtime-us-west-2",
            "bedrock-sa-east-1",
            "bedrock-us-east-1",
            "bedrock-us-east-2",
            "bedrock-us-west-2",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ),
        skips_dualstack=False,
        variants=(
            "dualstack",
            "dualstack+fips",
            "fips",
        ),
    ),
    LegacyPartition(
        name="aws-cn",
        region_regex=r"^cn\-\w+\-\d+$",
        regions=(
            "cn-north-1",
            "cn-northwest-1",
        ),
        service_endpoints=(),
        skips_dualstack=False,
        variants=(
            "dualstack",
            "dualstack+fips",
            "fips",
        ),
    ),
    LegacyPartition(
        name="aws-us-gov",
        region_regex=r"^us\-gov\-\w+\-\d+$",
        regions=(
            "us-gov-east-1",
            "us-gov-west-1",
        ),
        service_endpoints=(
            "bedrock-fips-us-gov-east-1",
            "bedrock-fips-us-gov-west-1",
            "bedrock-runtime-fips-us-gov-east-1",
            "bedrock-runtime-fips-us-gov-west-1",
            "bedrock-runtime-us-gov-east-1",
            "bedrock-runtime-us-gov-west-1",
            "bedrock-us-gov-east-1",
            "bedrock-us-gov-west-1",
            "us-gov-east-1",
            "us-gov-west-1",
        ),
        skips_dualstack=False,
        variants=(
            "dualstack",
            "dualstack+fips",
            "fips",
        ),
    ),
    LegacyPartition(
        name="aws-iso",
        region_regex=r"^us\-iso\-\w+\-\d+$",
        regions=(
            "us-iso-east-1",
            "us-iso-west-1",
        ),
        service_endpoints=(
            "bedrock-runtime-us-iso-east-1",
            "bedrock-us-iso-east-1",
            "us-iso-east-1",
        ),
        skips_dualstack=True,
        variants=("fips",),
    ),
    LegacyPartition(
        name="aws-iso-b",
        region_regex=r"^us\-isob\-\w+\-\d+$",
        regions=(
            "us-isob-east-1",
            "us-isob-west-1",
        ),
        service_endpoints=("us-isob-east-1",),
        skips_dualstack=True,
        variants=("fips",),
    ),
    LegacyPartition(
        name="aws-iso-e",
        region_regex=r"^eu\-isoe\-\w+\-\d+$",
        regions=("eu-isoe-west-1",),
        service_endpoints=(),
        skips_dualstack=False,
        variants=("fips",),
    ),
    LegacyPartition(
        name="aws-iso-f",
        region_regex=r"^us\-isof\-\w+\-\d+$",
        regions=(
            "us-isof-east-1",
            "us-isof-south-1",
        ),
        service_endpoints=(
            "us-isof-east-1",
            "us-isof-south-1",
        ),
        skips_dualstack=False,
        variants=("fips",),
    ),
    LegacyPartition(
        name="aws-eusc",
        region_regex=r"^eusc\-(de)\-\w+\-\d+$",
        regions=("eusc-de-east-1",),
        service_endpoints=("eusc-de-east-1",),
        skips_dualstack=False,
        variants=(
            "dualstack",
            "dualstack+fips",
            "fips",
        ),
    ),
)

#: The rule set's leaves in evaluation order: the first rule whose conditions all hold
#: decides the endpoint or the error.
RULES: tuple[Rule, ...] = (
    Rule(
        conditions=(
            ("endpoint_set", True),
            ("use_fips", True),
        ),
        error="Invalid Configuration: FIPS and custom endpoint are not supported",
    ),
    Rule(
        conditions=(
            ("endpoint_set", True),
            ("use_dualstack", True),
        ),
        error="Invalid Configuration: Dualstack and custom endpoint are not supported",
    ),
    Rule(
        conditions=(("endpoint_set", True),),
        url="{endpoint}",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_fips", True),
            ("use_dualstack", True),
            ("partition.supports_fips", True),
            ("partition.supports_dual_stack", True),
        ),
        url="https://bedrock-fips.{region}.{partition.dual_stack_dns_suffix}",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_fips", True),
            ("use_dualstack", True),
        ),
        error="FIPS and DualStack are enabled, but this partition does not support one or both",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_fips", True),
            ("partition.supports_fips", True),
        ),
        url="https://bedrock-fips.{region}.{partition.dns_suffix}",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_fips", True),
        ),
        error="FIPS is enabled but this partition does not support FIPS",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_dualstack", True),
            ("partition.supports_dual_stack", True),
        ),
        url="https://bedrock.{region}.{partition.dual_stack_dns_suffix}",
    ),
    Rule(
        conditions=(
            ("region_set", True),
            ("use_dualstack", True),
        ),
        error="DualStack is enabled but this partition does not support DualStack",
    ),
    Rule(
        conditions=(("region_set", True),),
        url="https://bedrock.{region}.{partition.dns_suffix}",
    ),
    Rule(
        conditions=(),
        error="Invalid Configuration: Missing Region",
    ),
)
