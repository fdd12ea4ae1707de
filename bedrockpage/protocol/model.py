"""The ListModelCustomizationJobs operation, copied by hand from botocore's service model.

Source: botocore 1.44.8, `botocore/data/bedrock/2023-04-20/service-2.json`
(rest-json protocol, signing name `bedrock`). Only what the request serializer,
the validator and the response parser need is kept. Constraints that botocore
does not check on the client (`max`, `pattern`, `enum`) are kept for help text only.
The tests compare every entry with the bundled service model.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

#: Scalar input types of this operation, named as in the service model.
InputType = Literal["string", "integer", "timestamp"]


class InputMember(NamedTuple):
    """One request parameter, sent in the query string as `location_name`."""

    name: str
    location_name: str
    type: InputType
    min: int | None = None
    #: Not checked on the client, like botocore: the service rejects larger values.
    max: int | None = None
    #: Documented values only: botocore sends any string, so new values keep working.
    enum: tuple[str, ...] = ()
    documentation: str = ""


class StructureModel(NamedTuple):
    """A response structure: which members need conversion and which are nested structures.

    Members that are neither timestamps nor structures (strings, enums) are returned as sent.
    """

    name: str
    members: tuple[str, ...]
    timestamps: tuple[str, ...] = ()
    structures: Mapping[str, "StructureModel"] = MappingProxyType({})
    #: Members that are lists whose items are the given structure.
    structure_lists: Mapping[str, "StructureModel"] = MappingProxyType({})


class ErrorModel(NamedTuple):
    """A modeled error shape: its code, HTTP status and the body members botocore copies."""

    code: str
    http_status: int
    members: tuple[str, ...]
    #: True when the service, not the caller, is at fault (the model's `fault` flag).
    server_fault: bool = False


class OperationModel(NamedTuple):
    """An operation's HTTP binding, input members, output structure and errors."""

    name: str
    http_method: str
    request_uri: str
    input_members: tuple[InputMember, ...]
    output: StructureModel
    #: Error codes the operation lists.
    errors: tuple[str, ...]
    #: Every error shape of the service, by code. Botocore copies the modeled members
    #: (`message`) of any service error into the parsed error, not only the operation's.
    service_errors: Mapping[str, ErrorModel]

    def input_member(self, name: str) -> InputMember:
        """Return the input member called `name`; raise ValueError for an unknown name."""
        for member in self.input_members:
            if member.name == name:
                return member
        valid_names = ", ".join(member.name for member in self.input_members)
        raise ValueError(f"{self.name} has no input member {name!r}; valid members: {valid_names}")


def _structure(
    name: str,
    members: tuple[str, ...],
    *,
    timestamps: tuple[str, ...] = (),
    structures: dict[str, StructureModel] | None = None,
    structure_lists: dict[str, StructureModel] | None = None,
) -> StructureModel:
    return StructureModel(
        name=name,
        members=members,
        timestamps=timestamps,
        structures=MappingProxyType(dict(structures or {})),
        structure_lists=MappingProxyType(dict(structure_lists or {})),
    )


_SUBTASK_MEMBERS = ("status", "creationTime", "lastModifiedTime")
_SUBTASK_TIMESTAMPS = ("creationTime", "lastModifiedTime")

STATUS_DETAILS = _structure(
    "StatusDetails",
    ("validationDetails", "dataProcessingDetails", "trainingDetails"),
    structures={
        "validationDetails": _structure(
            "ValidationDetails", _SUBTASK_MEMBERS, timestamps=_SUBTASK_TIMESTAMPS
        ),
        "dataProcessingDetails": _structure(
            "DataProcessingDetails", _SUBTASK_MEMBERS, timestamps=_SUBTASK_TIMESTAMPS
        ),
        "trainingDetails": _structure(
            "TrainingDetails", _SUBTASK_MEMBERS, timestamps=_SUBTASK_TIMESTAMPS
        ),
    },
)

MODEL_CUSTOMIZATION_JOB_SUMMARY = _structure(
    "ModelCustomizationJobSummary",
    (
        "jobArn",
        "baseModelArn",
        "jobName",
        "status",
        "statusDetails",
        "lastModifiedTime",
        "creationTime",
        "endTime",
        "customModelArn",
        "customModelName",
        "customizationType",
    ),
    timestamps=("lastModifiedTime", "creationTime", "endTime"),
    structures={"statusDetails": STATUS_DETAILS},
)

LIST_MODEL_CUSTOMIZATION_JOBS_RESPONSE = _structure(
    "ListModelCustomizationJobsResponse",
    ("nextToken", "modelCustomizationJobSummaries"),
    structure_lists={"modelCustomizationJobSummaries": MODEL_CUSTOMIZATION_JOB_SUMMARY},
)

_JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")

# Member order is the service model's order: botocore lists valid parameter
# names in this order in its "Unknown parameter" report.
LIST_MODEL_CUSTOMIZATION_JOBS_INPUT = (
    InputMember(
        "creationTimeAfter",
        "creationTimeAfter",
        "timestamp",
        documentation="Return customization jobs created after the specified time.",
    ),
    InputMember(
        "creationTimeBefore",
        "creationTimeBefore",
        "timestamp",
        documentation="Return customization jobs created before the specified time.",
    ),
    InputMember(
        "statusEquals",
        "statusEquals",
        "string",
        enum=_JOB_STATUSES,
        documentation="Return customization jobs with the specified status.",
    ),
    InputMember(
        "nameContains",
        "nameContains",
        "string",
        min=1,
        max=63,
        documentation="Return customization jobs whose name contains these characters.",
    ),
    InputMember(
        "maxResults",
        "maxResults",
        "integer",
        min=1,
        max=1000,
        documentation="The maximum number of results to return in one response.",
    ),
    InputMember(
        "nextToken",
        "nextToken",
        "string",
        min=1,
        max=2048,
        documentation="The nextToken of the previous response, to get the next page.",
    ),
    InputMember(
        "sortBy",
        "sortBy",
        "string",
        enum=("CreationTime",),
        documentation="The field to sort by in the returned list of jobs.",
    ),
    InputMember(
        "sortOrder",
        "sortOrder",
        "string",
        enum=("Ascending", "Descending"),
        documentation="The sort order of the results.",
    ),
)

BEDROCK_ERRORS: Mapping[str, ErrorModel] = MappingProxyType(
    {
        error.code: error
        for error in (
            ErrorModel("AccessDeniedException", 403, ("message",)),
            ErrorModel("ConflictException", 400, ("message",)),
            ErrorModel("InternalServerException", 500, ("message",), server_fault=True),
            ErrorModel("ResourceInUseException", 400, ("message",)),
            ErrorModel("ResourceNotFoundException", 404, ("message",)),
            ErrorModel("ServiceQuotaExceededException", 400, ("message",)),
            ErrorModel("ServiceUnavailableException", 503, ("message",), server_fault=True),
            ErrorModel("ThrottlingException", 429, ("message",)),
            ErrorModel("TooManyTagsException", 400, ("message", "resourceName")),
            ErrorModel("ValidationException", 400, ("message",)),
        )
    }
)

LIST_MODEL_CUSTOMIZATION_JOBS = OperationModel(
    name="ListModelCustomizationJobs",
    http_method="GET",
    request_uri="/model-customization-jobs",
    input_members=LIST_MODEL_CUSTOMIZATION_JOBS_INPUT,
    output=LIST_MODEL_CUSTOMIZATION_JOBS_RESPONSE,
    errors=(
        "AccessDeniedException",
        "ValidationException",
        "InternalServerException",
        "ThrottlingException",
    ),
    service_errors=BEDROCK_ERRORS,
)


def limit_type(member: str, operation: OperationModel = LIST_MODEL_CUSTOMIZATION_JOBS) -> InputType:
    """Return the model type of a paginator's limit key (`"integer"` for `maxResults`).

    A paginator converts `PageSize` with it, like botocore: `str()` for a string
    limit key, `int()` for any other type.
    """
    return operation.input_member(member).type
