"""AWS Lambda handler: list model customization jobs until the invocation's deadline.

The handler lists jobs page by page and stops between pages when the next page
could not finish before the invocation's deadline minus a safety margin. It
returns the jobs it listed and the token that resumes exactly after the last
one, so a Step Functions loop (or the next invocation) continues where it
stopped, with no job lost or listed twice.

Event (every key optional):

    {"startingToken": "...", "pageSize": 100, "maxItems": 500, "statusEquals": "Completed"}

Result:

    {"jobs": [{"jobName": ..., "jobArn": ..., "status": ..., "creationTime": ...}, ...],
     "nextToken": "..." or None, "complete": true/false, "stoppedForDeadline": true/false,
     "error": null or "..."}

Pass `nextToken` back as `startingToken` until `complete` is true. It is None
when the listing is complete, and also when the run stopped before its first
page (start again without a token). It is botocore's token format, so boto3
and the AWS CLI accept it too.

Settings come from the environment: AWS_REGION (set by Lambda), the execution
role's credentials (set by Lambda), AWS_ENDPOINT_URL_BEDROCK to point the
client elsewhere, and LISTING_SAFETY_MARGIN_SECONDS (default 2) for the time
kept free to return the result.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import bedrockpage
from bedrockpage.exceptions import ClientError, HTTPClientError

DEFAULT_SAFETY_MARGIN_SECONDS = 2.0
#: Fields of each job summary that the handler returns.
JOB_FIELDS = ("jobName", "jobArn", "status", "creationTime")

logger = logging.getLogger(__name__)
_client: bedrockpage.BedrockClient | None = None


def get_client() -> bedrockpage.BedrockClient:
    """Return the client, created once per execution environment and reused while warm."""
    global _client
    if _client is None:
        _client = bedrockpage.client("bedrock")
    return _client


def handler(event: dict[str, Any] | None, context: Any) -> dict[str, Any]:
    """List jobs until the listing ends or the deadline nears; return them and the resume token."""
    event = event or {}
    safety_margin = float(
        os.environ.get("LISTING_SAFETY_MARGIN_SECONDS", DEFAULT_SAFETY_MARGIN_SECONDS)
    )
    iterator = (
        get_client()
        .get_paginator("list_model_customization_jobs")
        .paginate(
            **_filters(event),
            PaginationConfig=_pagination_config(event),
            deadline=context.get_remaining_time_in_millis,
            safety_margin=safety_margin,
        )
    )

    jobs: list[dict[str, Any]] = []
    error: str | None = None
    try:
        for job in iterator.items():
            jobs.append(_summary(job))
    except (ClientError, HTTPClientError) as failure:
        # The jobs listed so far are returned with the token that resumes after
        # them, so the caller can retry from there instead of from the start.
        error = str(failure)
        logger.warning(
            "Listing failed after %d jobs (request id %s); returning the resume token: %s",
            len(jobs),
            getattr(failure, "response", {}).get("ResponseMetadata", {}).get("RequestId"),
            failure,
        )

    return {
        "jobs": jobs,
        "nextToken": _next_token(iterator),
        "complete": iterator.complete,
        "stoppedForDeadline": iterator.stopped_for_deadline,
        "error": error,
    }


def _filters(event: dict[str, Any]) -> dict[str, Any]:
    names = ("statusEquals", "nameContains", "creationTimeAfter", "creationTimeBefore")
    return {name: event[name] for name in names if event.get(name) is not None}


def _pagination_config(event: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for key, name in (("startingToken", "StartingToken"), ("pageSize", "PageSize")):
        if event.get(key) is not None:
            config[name] = event[key]
    if event.get("maxItems") is not None:
        config["MaxItems"] = event["maxItems"]
    return config


def _next_token(iterator: Any) -> str | None:
    # `resume_token` is set when MaxItems ended the run; `checkpoint_token` after a
    # deadline stop or a failed page. Both resume after the last job returned.
    if iterator.complete:
        return None
    return iterator.resume_token or iterator.checkpoint_token


def _summary(job: dict[str, Any]) -> dict[str, Any]:
    summary = {name: job.get(name) for name in JOB_FIELDS}
    created = summary.get("creationTime")
    if created is not None:
        summary["creationTime"] = created.isoformat()
    return summary
