"""bedrockpage's Paginator against botocore's on every paginator config botocore ships.

Each `paginators-1.json` entry of the installed botocore gets hypothesis-generated
page sequences and PaginationConfigs. Both paginators drive the same scripted
service. The test compares delivered pages, every request's keyword arguments,
resume tokens (exact strings), `build_full_result()`, `result_key_iters()`,
`search()` and errors. It follows resume tokens until the listing ends.

The oracle is botocore with one deliberate difference applied (see
`KeepSecondaryKeysPageIterator`). The other differences (token cycles,
MaxItems/PageSize <= 0, StartingToken validation) are never generated here
and have their own tests in tests/test_pagination_divergences.py.

CONFORMANCE_EXAMPLES sets the examples per config (default 3; `make conformance` uses 200).
"""

from __future__ import annotations

import copy
import gzip
import json
import os
from pathlib import Path
from typing import Any

import botocore
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrockpage.pagination import Paginator
from bedrockpage.pagination.tokens import LEGACY_SEPARATOR

from .scenarios import (
    OraclePaginator,
    PaginatorEntry,
    Scenario,
    ScriptedService,
    as_list,
    build_pages,
    limit_type,
    load_all_entries,
    operation_model,
)

EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "3"))
MAX_LEGS = 40
ENTRIES = load_all_entries()


def _bools() -> st.SearchStrategy[tuple[bool, ...]]:
    return st.lists(st.booleans(), min_size=1, max_size=4).map(tuple)


def _count() -> st.SearchStrategy[int | str | None]:
    number = st.integers(min_value=1, max_value=14)
    return st.none() | number | number.map(str)


scenarios = st.builds(
    Scenario,
    sizes=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=6).map(tuple),
    token_kind=st.sampled_from(["str", "str", "int", "bytes"]),
    partial_tokens=_bools(),
    use_fallback=_bools(),
    last_page_token=st.sampled_from(["absent", "empty", "null"]),
    secondary=st.sampled_from(["list", "string", "number", "absent"]),
    max_items=_count(),
    page_size=_count(),
    start=st.none() | st.tuples(st.integers(0, 5), st.none() | st.integers(0, 4)),
)


def describe_error(error: BaseException) -> tuple[str, str]:
    """Name and text of an error; our exception classes share botocore's names and messages."""
    return type(error).__name__, str(error)


def run_leg(paginator: Any, pagination_config: dict[str, Any]) -> dict[str, Any]:
    """Run one paginate() call to its end, capturing pages as delivered, tokens and errors."""
    outcome: dict[str, Any] = {"pages": [], "resume_token": None, "error": None}
    try:
        iterator = paginator.paginate(Probe="kept", PaginationConfig=dict(pagination_config))
        for page in iterator:
            outcome["pages"].append(copy.deepcopy(page))
        outcome["resume_token"] = iterator.resume_token
    except Exception as error:  # compared with the other paginator's error
        outcome["error"] = describe_error(error)
    return outcome


def run_views(
    paginator: Any, pagination_config: dict[str, Any], primary: str, with_iterators: bool
) -> dict[str, Any]:
    """build_full_result(), then result_key_iters() and search(), each on a fresh run."""
    views: dict[str, Any] = {}
    try:
        views["full"] = paginator.paginate(
            Probe="kept", PaginationConfig=dict(pagination_config)
        ).build_full_result()
        if not with_iterators:
            return views
        iterators = paginator.paginate(
            Probe="kept", PaginationConfig=dict(pagination_config)
        ).result_key_iters()
        views["iters"] = [list(iterator) for iterator in iterators]
        views["search"] = list(
            paginator.paginate(Probe="kept", PaginationConfig=dict(pagination_config)).search(
                f"{primary}[].Id"
            )
        )
    except Exception as error:  # compared with the other paginator's error
        views["error"] = describe_error(error)
    return views


def starting_token(scenario: Scenario, raw_tokens: list[list[Any] | None]) -> str | None:
    """A hand-written StartingToken: a raw service token or botocore's legacy form."""
    if scenario.start is None or scenario.token_kind != "str":
        return None
    page, amount = scenario.start
    values = raw_tokens[page % len(raw_tokens)]
    if values is None:
        return None
    parts = ["None" if value is None else str(value) for value in values]
    if amount is not None:
        parts.append(str(amount))
    return LEGACY_SEPARATOR.join(parts)


def pagination_config(scenario: Scenario, entry: PaginatorEntry) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if scenario.max_items is not None:
        config["MaxItems"] = scenario.max_items
    if scenario.page_size is not None:
        config["PageSize"] = scenario.page_size
    return config


CONFORMANCE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.id for entry in ENTRIES])
def test_paginator_matches_botocore(entry: PaginatorEntry) -> None:
    # One @given per config, built here: a module-level @given under a
    # 3,500-way parametrize overflows hypothesis's settings chain (6.170).
    @CONFORMANCE_SETTINGS
    @given(scenario=scenarios)
    def check(scenario: Scenario) -> None:
        compare_with_botocore(entry, scenario)

    check()


def compare_with_botocore(entry: PaginatorEntry, scenario: Scenario) -> None:
    built = build_pages(entry.config, scenario)
    input_tokens = as_list(entry.config["input_token"])
    theirs_service = ScriptedService(built, input_tokens)
    ours_service = ScriptedService(built, input_tokens)
    theirs = OraclePaginator(
        theirs_service, entry.config, operation_model(entry.service, entry.operation)
    )
    ours = Paginator(ours_service, entry.config, limit_type=limit_type(entry))  # type: ignore[arg-type]
    primary = as_list(entry.config["result_key"])[0]

    config = pagination_config(scenario, entry)
    token = starting_token(scenario, built.raw_tokens)
    if token is not None:
        config["StartingToken"] = token

    for leg in range(MAX_LEGS):
        expected = run_leg(theirs, config)
        actual = run_leg(ours, config)
        assert actual == expected
        assert ours_service.calls == theirs_service.calls

        # result_key_iters() and search() reuse the page loop checked above, so
        # they run on the first leg only; build_full_result() runs on every leg.
        with_iterators = leg == 0
        expected_views = run_views(theirs, config, primary, with_iterators)
        assert run_views(ours, config, primary, with_iterators) == expected_views
        assert ours_service.calls == theirs_service.calls

        if expected["resume_token"] is None:
            break
        config["StartingToken"] = expected["resume_token"]
    else:
        pytest.fail(f"The listing did not end after {MAX_LEGS} resumed runs: {config}")


def test_every_paginator_config_is_covered() -> None:
    """ENTRIES contains every operation of the newest paginators-1.json of each service."""
    data_dir = Path(botocore.__file__).parent / "data"
    expected: set[str] = set()
    for service_dir in sorted(path for path in data_dir.iterdir() if path.is_dir()):
        versions = sorted(service_dir.glob("*/paginators-1.json*"))
        if not versions:
            continue
        with (
            gzip.open(versions[-1])
            if versions[-1].suffix == ".gz"
            else open(versions[-1], "rb") as file
        ):
            pagination = json.load(file)["pagination"]
        expected.update(f"{service_dir.name}.{operation}" for operation in pagination)

    assert {entry.id for entry in ENTRIES} == expected
    assert len(expected) > 3000
