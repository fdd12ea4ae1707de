"""Generate `bedrockpage/endpoints/_table.py` from the installed botocore's endpoint data.

Reads `botocore/data/partitions.json` and the newest
`botocore/data/bedrock/<api-version>/endpoint-rule-set-1.json.gz` straight from the
botocore package (never from ~/.aws/models, so the output depends only on the botocore
version) and writes two tables:

- `PARTITIONS`: every partition in botocore's match order, with its region regex,
  listed regions and the outputs the rule set may read (DNS suffixes, FIPS and
  dual-stack support, implicit global region).
- `LEGACY_PARTITIONS`: each `endpoints.json` partition's regions, Bedrock's listed
  endpoints and the variants (FIPS, dual-stack or both) that have a hostname. botocore
  still runs its older endpoints.json resolver at client creation, and that resolver
  raises for a FIPS or dual-stack request that these entries do not cover.
- `RULES`: Bedrock's rule tree flattened into an ordered decision list. A tree rule's
  conditions are prepended to each of its leaves, which gives the same first match as
  botocore's depth-first evaluation because every supported condition is a pure test.

The rule set may use only the inputs Region, UseFIPS, UseDualStack and Endpoint and
the conditions listed in `_translate_condition`. Anything else (a new parameter, a new
function, endpoint properties such as auth schemes) stops the generator with an error
naming the rule, so a botocore update cannot silently produce a wrong table.

Usage: `python scripts/generate_endpoints.py` to rewrite the table, or
`python scripts/generate_endpoints.py --check` to exit 1 when the table is out of date.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import string
import sys
from pathlib import Path
from typing import Any

import botocore
from botocore.regions import EndpointResolver

REPO_ROOT = Path(__file__).resolve().parent.parent
TABLE_PATH = REPO_ROOT / "bedrockpage" / "endpoints" / "_table.py"
REGENERATE_COMMAND = "python scripts/generate_endpoints.py"
SERVICE = "bedrock"
LINE_LENGTH = 100  # ruff's line-length in pyproject.toml

#: The rule-set parameters this table supports, with the builtIn each must be bound to.
EXPECTED_PARAMETERS = {
    "Region": "AWS::Region",
    "UseDualStack": "AWS::UseDualStack",
    "UseFIPS": "AWS::UseFIPS",
    "Endpoint": "SDK::Endpoint",
}

#: Partition output attributes (rule-set spelling) mapped to `Partition` field names.
PARTITION_ATTRIBUTES = {
    "name": "name",
    "dnsSuffix": "dns_suffix",
    "dualStackDnsSuffix": "dual_stack_dns_suffix",
    "supportsFIPS": "supports_fips",
    "supportsDualStack": "supports_dual_stack",
    "implicitGlobalRegion": "implicit_global_region",
}

#: Boolean inputs (rule-set spelling) mapped to condition subjects.
BOOLEAN_INPUTS = {"UseFIPS": "use_fips", "UseDualStack": "use_dualstack"}

#: Optional string inputs mapped to their template field and `isSet` subject.
STRING_INPUTS = {"Region": "region", "Endpoint": "endpoint"}

#: Condition subjects that booleanEquals and stringEquals may compare with a literal.
BOOLEAN_SUBJECTS = (
    "use_fips",
    "use_dualstack",
    "partition.supports_fips",
    "partition.supports_dual_stack",
)
STRING_SUBJECTS = (
    "region",
    "partition.name",
    "partition.dns_suffix",
    "partition.dual_stack_dns_suffix",
    "partition.implicit_global_region",
)

PARTITION_VARIABLE = "PartitionResult"

Condition = tuple[str, "bool | str"]


class RuleSetNotSupportedError(Exception):
    """The rule set uses a construct that the generated table cannot express."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the table on disk differs from the generated one; write nothing",
    )
    parser.add_argument(
        "--output", type=Path, default=TABLE_PATH, help=f"output file (default: {TABLE_PATH})"
    )
    args = parser.parse_args(argv)

    try:
        source = render_table()
    except RuleSetNotSupportedError as error:
        print(f"generate_endpoints: {error}", file=sys.stderr)
        return 2

    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != source:
            print(f"{args.output} is out of date: run {REGENERATE_COMMAND}", file=sys.stderr)
            return 1
        return 0

    args.output.write_text(source, encoding="utf-8")
    print(f"wrote {args.output} from botocore {botocore.__version__}")
    return 0


# --- Loading ---------------------------------------------------------------------------


def botocore_data_dir() -> Path:
    return Path(botocore.__file__).resolve().parent / "data"


def load_partitions() -> list[dict[str, Any]]:
    path = botocore_data_dir() / "partitions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    partitions: list[dict[str, Any]] = data["partitions"]
    return partitions


def load_legacy_partitions() -> list[dict[str, Any]]:
    path = botocore_data_dir() / "endpoints.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    partitions: list[dict[str, Any]] = data["partitions"]
    return partitions


def load_rule_set() -> tuple[str, dict[str, Any]]:
    """Return the newest API version of the service and its endpoint rule set."""
    service_dir = botocore_data_dir() / SERVICE
    versions = sorted(
        entry.name
        for entry in service_dir.iterdir()
        if (entry / "endpoint-rule-set-1.json.gz").exists()
    )
    if not versions:
        raise RuleSetNotSupportedError(f"no endpoint-rule-set-1.json.gz under {service_dir}")

    api_version = versions[-1]
    with gzip.open(service_dir / api_version / "endpoint-rule-set-1.json.gz", "rt") as file:
        rule_set: dict[str, Any] = json.load(file)
    return api_version, rule_set


# --- Partitions ------------------------------------------------------------------------


def partition_entry(partition: dict[str, Any]) -> dict[str, Any]:
    outputs = partition["outputs"]
    missing = [attr for attr in PARTITION_ATTRIBUTES if attr != "name" and attr not in outputs]
    if missing:
        raise RuleSetNotSupportedError(
            f"partition {partition['id']!r} has no output {missing} in partitions.json"
        )

    # The runtime compiles the regexes only on first use, so a broken one must fail here.
    try:
        re.compile(partition["regionRegex"])
    except re.error as error:
        raise RuleSetNotSupportedError(
            f"partition {partition['id']!r} has an invalid regionRegex: {error}"
        ) from error

    entry: dict[str, Any] = {"name": partition["id"], "region_regex": partition["regionRegex"]}
    entry["regions"] = tuple(sorted(partition["regions"]))
    for attr, field in PARTITION_ATTRIBUTES.items():
        if attr != "name":
            entry[field] = outputs[attr]
    return entry


# --- Legacy partitions (endpoints.json) --------------------------------------------------


def legacy_partition_entry(partition: dict[str, Any]) -> dict[str, Any]:
    """Return what botocore's `EndpointResolver` reads to accept or reject a variant.

    A variant request fails when no variant with exactly the requested tags exists in
    the endpoint's entry, the service defaults or the partition defaults. Bedrock's
    endpoints carry no variants of their own in the botocore versions this supports, so
    one that does stops the generator instead of being ignored.
    """
    name = partition["partition"]
    service = partition["services"].get(SERVICE, {})
    endpoints = service.get("endpoints", {})
    with_variants = sorted(endpoint for endpoint, data in endpoints.items() if "variants" in data)
    if with_variants:
        raise RuleSetNotSupportedError(
            f"legacy partition {name!r}: endpoints {with_variants} have their own variants"
        )

    variants = [
        *partition.get("defaults", {}).get("variants", []),
        *service.get("defaults", {}).get("variants", []),
    ]
    return {
        "name": name,
        "region_regex": partition.get("regionRegex", "(?!)"),
        "regions": tuple(sorted(partition["regions"])),
        "service_endpoints": tuple(sorted(endpoints)),
        "skips_dualstack": name in EndpointResolver._UNSUPPORTED_DUALSTACK_PARTITIONS,
        "variants": tuple(sorted({variant_key(variant["tags"]) for variant in variants})),
    }


def variant_key(tags: list[str]) -> str:
    """Return a tag set as one string, such as `dualstack+fips`."""
    return "+".join(sorted(set(tags)))


# --- Rule set ---------------------------------------------------------------------------


def check_parameters(rule_set: dict[str, Any]) -> None:
    parameters = rule_set["parameters"]
    if set(parameters) != set(EXPECTED_PARAMETERS):
        raise RuleSetNotSupportedError(
            f"rule set parameters are {sorted(parameters)}, "
            f"but the table supports exactly {sorted(EXPECTED_PARAMETERS)}"
        )

    for name, built_in in EXPECTED_PARAMETERS.items():
        if parameters[name].get("builtIn") != built_in:
            raise RuleSetNotSupportedError(
                f"parameter {name} is bound to {parameters[name].get('builtIn')!r}, "
                f"expected {built_in!r}"
            )

    for name in BOOLEAN_INPUTS:
        if parameters[name].get("default") is not False:
            raise RuleSetNotSupportedError(f"parameter {name} no longer defaults to false")


def flatten_rules(
    rules: list[dict[str, Any]],
    inherited: tuple[Condition, ...],
    partition_assigned: bool,
    path: str,
) -> list[dict[str, Any]]:
    """Return the leaves under `rules` in evaluation order, each with all its conditions."""
    leaves: list[dict[str, Any]] = []
    for index, rule in enumerate(rules):
        where = f"{path}[{index}]"
        conditions = list(inherited)
        assigned = partition_assigned
        for condition in rule["conditions"]:
            if is_partition_assignment(condition, where):
                assigned = True
                continue
            translated = translate_condition(condition, assigned, where)
            if translated not in conditions:
                conditions.append(translated)

        leaf_conditions = tuple(conditions)
        if rule["type"] == "tree":
            leaves += flatten_rules(rule["rules"], leaf_conditions, assigned, f"{where}.rules")
        elif rule["type"] == "endpoint":
            url = endpoint_url_template(rule["endpoint"], assigned, where)
            leaves.append({"conditions": leaf_conditions, "url": url})
        elif rule["type"] == "error":
            error = translate_template(rule["error"], assigned, where)
            leaves.append({"conditions": leaf_conditions, "error": error})
        else:
            raise RuleSetNotSupportedError(f"{where}: unknown rule type {rule['type']!r}")
    return leaves


def is_partition_assignment(condition: dict[str, Any], where: str) -> bool:
    """Tell whether `condition` is `aws.partition(Region)` assigned to PartitionResult.

    botocore's `aws.partition` never fails (an unmatched region falls back to the first
    partition), so the condition is always true and only binds the partition.
    """
    if condition.get("fn") != "aws.partition":
        return False
    if (
        condition.get("argv") != [{"ref": "Region"}]
        or condition.get("assign") != PARTITION_VARIABLE
    ):
        raise RuleSetNotSupportedError(f"{where}: unsupported aws.partition call {condition}")
    return True


def translate_condition(
    condition: dict[str, Any], partition_assigned: bool, where: str
) -> Condition:
    """Translate one rule-set condition into a `(subject, expected value)` pair.

    Supported: isSet / not(isSet) of Region or Endpoint, booleanEquals of UseFIPS,
    UseDualStack or a boolean partition attribute, and stringEquals of Region or a
    string partition attribute.
    """
    function = condition.get("fn")
    argv = condition.get("argv", [])
    if "assign" in condition:
        raise RuleSetNotSupportedError(f"{where}: unsupported assignment in {condition}")

    if function == "isSet" and len(argv) == 1:
        return (f"{string_input(argv[0], where)}_set", True)

    if function == "not" and len(argv) == 1 and argv[0].get("fn") == "isSet":
        subject, _ = translate_condition(argv[0], partition_assigned, where)
        return (subject, False)

    if function in ("booleanEquals", "stringEquals") and len(argv) == 2:
        return translate_equality(function, argv, partition_assigned, where)

    raise RuleSetNotSupportedError(f"{where}: unsupported condition {json.dumps(condition)}")


def translate_equality(
    function: str, argv: list[Any], partition_assigned: bool, where: str
) -> Condition:
    literal_type = bool if function == "booleanEquals" else str
    literals = [arg for arg in argv if isinstance(arg, literal_type)]
    references = [arg for arg in argv if isinstance(arg, dict)]
    if len(literals) != 1 or len(references) != 1:
        raise RuleSetNotSupportedError(f"{where}: {function} needs one literal and one reference")

    subject = reference_subject(references[0], partition_assigned, where)
    if literal_type is bool and subject not in BOOLEAN_SUBJECTS:
        raise RuleSetNotSupportedError(f"{where}: booleanEquals on non-boolean {subject}")
    if literal_type is str and subject not in STRING_SUBJECTS:
        raise RuleSetNotSupportedError(f"{where}: stringEquals on unsupported {subject}")
    return (subject, literals[0])


def reference_subject(reference: dict[str, Any], partition_assigned: bool, where: str) -> str:
    if "ref" in reference:
        name = reference["ref"]
        if name in BOOLEAN_INPUTS:
            return BOOLEAN_INPUTS[name]
        if name == "Region":
            return "region"
        raise RuleSetNotSupportedError(f"{where}: unsupported reference {name!r}")

    if reference.get("fn") == "getAttr":
        target, attr = reference["argv"]
        if target != {"ref": PARTITION_VARIABLE} or not partition_assigned:
            raise RuleSetNotSupportedError(f"{where}: getAttr on unsupported {target}")
        return f"partition.{partition_field(attr, where)}"

    raise RuleSetNotSupportedError(f"{where}: unsupported reference {json.dumps(reference)}")


def string_input(reference: dict[str, Any], where: str) -> str:
    name = reference.get("ref")
    if name not in STRING_INPUTS:
        raise RuleSetNotSupportedError(f"{where}: isSet on unsupported {reference}")
    return STRING_INPUTS[name]


def partition_field(attr: str, where: str) -> str:
    if attr not in PARTITION_ATTRIBUTES:
        raise RuleSetNotSupportedError(f"{where}: unknown partition attribute {attr!r}")
    return PARTITION_ATTRIBUTES[attr]


def endpoint_url_template(endpoint: dict[str, Any], partition_assigned: bool, where: str) -> str:
    # Properties carry auth schemes (signing name or region overrides) and headers are
    # added to each request; the client would have to apply both, so neither may appear.
    if endpoint.get("properties") or endpoint.get("headers"):
        raise RuleSetNotSupportedError(f"{where}: endpoint properties or headers are not supported")

    url = endpoint["url"]
    if isinstance(url, dict):
        if url.get("ref") not in STRING_INPUTS:
            raise RuleSetNotSupportedError(f"{where}: unsupported endpoint url {url}")
        return "{" + STRING_INPUTS[url["ref"]] + "}"
    return translate_template(url, partition_assigned, where)


def translate_template(template: str, partition_assigned: bool, where: str) -> str:
    """Rewrite a rule-set template (`{Region}`, `{PartitionResult#dnsSuffix}`) for str.format."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise RuleSetNotSupportedError(
            f"{where}: invalid template {template!r}: {error}"
        ) from error

    pieces: list[str] = []
    for literal_text, field, format_spec, conversion in parsed:
        pieces.append(literal_text.replace("{", "{{").replace("}", "}}"))
        if field is None:
            continue
        if format_spec or conversion:
            raise RuleSetNotSupportedError(f"{where}: unsupported template {template!r}")
        pieces.append("{" + template_field(field, partition_assigned, where) + "}")
    return "".join(pieces)


def template_field(field: str, partition_assigned: bool, where: str) -> str:
    if field in STRING_INPUTS:
        return STRING_INPUTS[field]
    variable, _, attr = field.partition("#")
    if variable == PARTITION_VARIABLE and partition_assigned:
        return f"partition.{partition_field(attr, where)}"
    raise RuleSetNotSupportedError(f"{where}: unsupported template field {field!r}")


# --- Output -----------------------------------------------------------------------------


def render_table() -> str:
    partitions = [partition_entry(partition) for partition in load_partitions()]
    legacy_partitions = [legacy_partition_entry(entry) for entry in load_legacy_partitions()]
    api_version, rule_set = load_rule_set()
    check_parameters(rule_set)
    rules = flatten_rules(rule_set["rules"], (), False, "rules")

    lines = [
        f"# Generated from botocore {botocore.__version__} by scripts/generate_endpoints.py.",
        f"# Do not edit: regenerate with `{REGENERATE_COMMAND}`.",
        f'"""Endpoint data for Bedrock: botocore {botocore.__version__}\'s partitions.json and the',
        f"{SERVICE} {api_version} endpoint rule set, flattened into a decision list, and the",
        "variant support recorded in endpoints.json.",
        '"""',
        "",
        "from typing import NamedTuple",
        "",
        f"BOTOCORE_VERSION = {quote(botocore.__version__)}",
        f"API_VERSION = {quote(api_version)}",
        "",
        "",
        "class Partition(NamedTuple):",
        '    """A partition of partitions.json: the region regex, listed regions and outputs."""',
        "",
        "    name: str",
        "    region_regex: str",
        "    regions: tuple[str, ...]",
        "    dns_suffix: str",
        "    dual_stack_dns_suffix: str",
        "    supports_fips: bool",
        "    supports_dual_stack: bool",
        "    implicit_global_region: str",
        "",
        "",
        "class LegacyPartition(NamedTuple):",
        '    """A partition of endpoints.json, as far as it decides FIPS and dual-stack support.',
        "",
        "    `variants` lists the tag sets (`fips`, `dualstack`, `dualstack+fips`) that have a",
        "    hostname for every endpoint in the partition. `skips_dualstack` marks a partition",
        "    that botocore's resolver passes over when dual-stack is requested.",
        '    """',
        "",
        "    name: str",
        "    region_regex: str",
        "    regions: tuple[str, ...]",
        "    service_endpoints: tuple[str, ...]",
        "    skips_dualstack: bool",
        "    variants: tuple[str, ...]",
        "",
        "",
        "class Rule(NamedTuple):",
        '    """A leaf of the rule set: it applies when every `(subject, value)` condition holds.',
        "",
        "    Subjects: `region_set` and `endpoint_set` (the input is given), `use_fips`,",
        "    `use_dualstack`, `region` and `partition.<field>` of the region's partition.",
        "    Exactly one of `url` (a str.format template over `region`, `endpoint` and",
        "    `partition`) and `error` (the rule set's error message) is set.",
        '    """',
        "",
        "    conditions: tuple[tuple[str, bool | str], ...]",
        "    url: str | None = None",
        "    error: str | None = None",
        "",
        "",
        "#: Partitions in botocore's match order: a region belongs to the first partition that",
        "#: lists it or whose regex matches it, and to the first partition if none does.",
        "PARTITIONS: tuple[Partition, ...] = (",
    ]
    for partition in partitions:
        lines += render_partition(partition)
    lines += [
        ")",
        "",
        "#: endpoints.json partitions in botocore's match order. botocore falls back to the",
        "#: partition named aws when no partition lists or matches a region.",
        "LEGACY_PARTITIONS: tuple[LegacyPartition, ...] = (",
    ]
    for legacy in legacy_partitions:
        lines += render_legacy_partition(legacy)
    lines += [
        ")",
        "",
        "#: The rule set's leaves in evaluation order: the first rule whose conditions all hold",
        "#: decides the endpoint or the error.",
        "RULES: tuple[Rule, ...] = (",
    ]
    for rule in rules:
        lines += render_rule(rule)
    lines += [")", ""]
    return "\n".join(lines)


def render_partition(partition: dict[str, Any]) -> list[str]:
    lines = ["    Partition(", f"        name={quote(partition['name'])},"]
    lines.append(f"        region_regex={quote(partition['region_regex'])},")
    lines += render_tuple_argument("regions", [quote(region) for region in partition["regions"]])
    for field in (
        "dns_suffix",
        "dual_stack_dns_suffix",
        "supports_fips",
        "supports_dual_stack",
        "implicit_global_region",
    ):
        lines.append(f"        {field}={literal(partition[field])},")
    lines.append("    ),")
    return lines


def render_legacy_partition(partition: dict[str, Any]) -> list[str]:
    lines = ["    LegacyPartition(", f"        name={quote(partition['name'])},"]
    lines.append(f"        region_regex={quote(partition['region_regex'])},")
    for field in ("regions", "service_endpoints", "variants"):
        lines += render_tuple_argument(field, [quote(item) for item in partition[field]])
        if field == "service_endpoints":
            lines.append(f"        skips_dualstack={literal(partition['skips_dualstack'])},")
    lines.append("    ),")
    return lines


def render_rule(rule: dict[str, Any]) -> list[str]:
    conditions = [f"({quote(subject)}, {literal(value)})" for subject, value in rule["conditions"]]
    lines = ["    Rule(", *render_tuple_argument("conditions", conditions)]
    if "url" in rule:
        lines.append(f"        url={quote(rule['url'])},")
    else:
        lines.append(f"        error={quote(rule['error'])},")
    lines.append("    ),")
    return lines


def render_tuple_argument(name: str, items: list[str]) -> list[str]:
    """Render `name=(...)` as ruff format lays it out, so formatting leaves the file as is.

    ruff keeps a tuple with a trailing comma and several items one item per line, and
    joins an empty or one-item tuple onto one line when it fits.
    """
    indent = " " * 8
    if not items:
        return [f"{indent}{name}=(),"]
    single_line = f"{indent}{name}=({items[0]},),"
    if len(items) == 1 and len(single_line) <= LINE_LENGTH:
        return [single_line]
    return [f"{indent}{name}=(", *[f"{indent}    {item}," for item in items], f"{indent}),"]


def literal(value: bool | str) -> str:
    if isinstance(value, bool):
        return repr(value)
    return quote(value)


def quote(text: str) -> str:
    """Return a double-quoted Python literal, raw when that is possible and clearer."""
    if not all(char.isprintable() and char.isascii() for char in text):
        raise RuleSetNotSupportedError(f"non-printable or non-ASCII text {text!r}")
    if "\\" in text and '"' not in text and not text.endswith("\\"):
        return f'r"{text}"'
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    sys.exit(main())
