"""ImportTable, DescribeImport and ListImports (API Reference of each; Developer Guide, "DynamoDB
data import from Amazon S3", "Import format quotas and validation").

ImportTable creates the table TableCreationParameters describe, with its global indexes, as
CreateTable does (the same checks and errors: ResourceInUseException when it exists), and answers
IN_PROGRESS. The table is CREATING while the import's job runs; when the job finishes, the source
objects under S3BucketSource's bucket and key prefix are read (`dynasim.formats.imports`) and the
good items put into the table, which turns ACTIVE. The import is COMPLETED, or FAILED with
ItemValidationError when an item was bad (the good ones are imported; ErrorCount counts the bad,
whose log entries `sim.import_errors(arn)` gives, as CloudWatch Logs would). An S3 refusal or an
injected failure (`sim.inject_job_failure("import", ...)`) ends it FAILED with its FailureCode and
FailureMessage, and the table is deleted: no partial table is left. Imports consume no capacity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.features import DescriptionMembers
from dynasim.engine.jobs import Jobs
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.tables import create_table
from dynasim.engine.touches import Access, Touches, named, table_name, unique
from dynasim.engine.transfers import loading, paging
from dynasim.engine.transfers.state import COMPLETED, IMPORT, IN_PROGRESS, Transfers
from dynasim.objects import ObjectStoreError
from dynasim.storage.changes import TableDeleted, TableUpdated
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST = 25
IMPORTING = "dynasim.ImportArn"  # the member of TableSettings.extra while a table's import runs


def log_group_arn(engine: Engine) -> str:
    """The CloudWatch log group an import logs its bad items to (Developer Guide, "Validation
    errors": /aws-dynamodb/imports)."""
    return f"arn:aws:logs:{engine.region}:{engine.account_id}:log-group:/aws-dynamodb/imports:*"


def _created_table(engine: Engine | None, request: Request, access: Access) -> Touches:
    """ImportTable touches the table its TableCreationParameters name."""
    parameters = request.get("TableCreationParameters")
    name = parameters.get("TableName") if isinstance(parameters, dict) else None
    return Touches(access, unique((table_name(name),)))


@operation("ImportTable", access="control", finds=_created_table)
def import_table(engine: Engine, request: Request) -> Response:
    transfers = engine.state(Transfers)
    repeated = transfers.repeated(IMPORT, request)
    if repeated is not None:  # a retry: its table is the import's, no table that exists
        return {"ImportTableDescription": dict(repeated.description)}
    loading.check_extras(request["InputFormat"], request.get("InputCompressionType", "NONE"))
    parameters = request["TableCreationParameters"]
    created = create_table(engine, dict(parameters))["TableDescription"]
    table = engine.tables[parameters["TableName"]]
    arn = f"{table.settings.arn}/import/{transfers.new_id()}"
    table.settings.extra[IMPORTING] = arn
    engine.record(TableUpdated(table.settings))
    description: dict[str, Any] = {
        "ImportArn": arn,
        "ImportStatus": IN_PROGRESS,
        "TableArn": table.settings.arn,
        "TableId": created["TableId"],
        "S3BucketSource": dict(request["S3BucketSource"]),
        "ErrorCount": 0,
        "CloudWatchLogGroupArn": log_group_arn(engine),
        "InputFormat": request["InputFormat"],
        "InputCompressionType": request.get("InputCompressionType", "NONE"),
        "TableCreationParameters": parameters,
        "StartTime": engine.clock(),
        "ProcessedSizeBytes": 0,
        "ProcessedItemCount": 0,
        "ImportedItemCount": 0,
    }
    for member in ("ClientToken", "InputFormatOptions"):
        if request.get(member) is not None:
            description[member] = request[member]
    record = transfers.add(IMPORT, arn, description, request)
    answer = {"ImportTableDescription": dict(description)}

    def created_table() -> Table | None:
        current = engine.tables.get(table.name)
        return current if current is table else None

    def drop() -> None:
        if created_table() is not None:
            del engine.tables[table.name]
            engine.record(TableDeleted(table.name))

    def complete() -> None:
        if created_table() is None:
            return  # deleted meanwhile
        reader = loading.reader_for(
            transfers.store,
            table,
            description["S3BucketSource"],
            input_format=description["InputFormat"],
            compression=description["InputCompressionType"],
            options=description.get("InputFormatOptions"),
            arn=arn,
        )
        try:
            loading.load(reader, table)
        except ObjectStoreError as error:
            drop()
            transfers.fail(record, transfers.job(arn), *error.failure())
            return
        del table.settings.extra[IMPORTING]
        engine.record(TableUpdated(table.settings))
        transfers.errors[arn] = reader.error_log
        failure = reader.failure()
        if failure is None:
            transfers.finish(record, COMPLETED, **reader.description())
        else:
            record.description.update(reader.description())
            transfers.fail(record, transfers.job(arn), *failure)

    def fail(code: str, message: str) -> None:
        drop()
        transfers.fail(record, None, code, message)

    engine.state(Jobs).start(IMPORT, arn, complete, fail)
    return answer


@operation("DescribeImport", access="control", finds=named("ImportArn"))
def describe_import(engine: Engine, request: Request) -> Response:
    record = engine.state(Transfers).find(IMPORT, request["ImportArn"])
    if record is None:
        raise errors.import_not_found(request["ImportArn"])
    return {"ImportTableDescription": dict(record.description)}


_SUMMARY = (
    "ImportArn",
    "ImportStatus",
    "TableArn",
    "S3BucketSource",
    "CloudWatchLogGroupArn",
    "InputFormat",
    "StartTime",
)


@operation("ListImports", access="control", finds=named("TableArn"))
def list_imports(engine: Engine, request: Request) -> Response:
    table_arn = request.get("TableArn")
    records = [
        record
        for record in engine.state(Transfers).of_kind(IMPORT)
        if table_arn is None or record.description["TableArn"] == table_arn
    ]
    listed, token = paging.page(records, request.get("NextToken"), request.get("PageSize", MAX_LIST))
    summaries = []
    for record in listed:
        summary = {key: record.description[key] for key in _SUMMARY}
        if "EndTime" in record.description:
            summary["EndTime"] = record.description["EndTime"]
        summaries.append(summary)
    response: Response = {"ImportSummaryList": summaries}
    if token is not None:
        response["NextToken"] = token
    return response


class ImportMembers(DescriptionMembers):
    """What an import adds to its table's TableDescription: CREATING while it runs."""

    def describe(self, engine: Engine, table: Table, status: str) -> dict[str, Any]:
        return {"TableStatus": "CREATING"} if IMPORTING in table.settings.extra else {}
