"""StartBulkPutItems, DescribeBulkOperation, ListBulkOperations and CancelBulkOperation (API
Reference of each, BulkOperationDescription; Developer Guide, "Running a bulk put items
operation"; botocore's model for their members).

A bulk load puts the items of DYNAMODB_JSON or ION objects under InputS3Configuration's bucket and
key prefix into an existing table (by name or ARN; ResourceNotFoundException otherwise). It is
IN_PROGRESS until its job finishes; then the objects are read and the good items put (read as an
import reads them, `loading`), and it is COMPLETED, or COMPLETED_WITH_ERRORS when an item could
not be parsed or validated (FailedItemCount counts them). An S3 refusal or an injected failure
(`sim.inject_job_failure("bulk", ...)`) ends it FAILED with its FailureCode and FailureMessage.

Decisions where the documents are thin: the ARN is `<table ARN>/bulk-operation/<id>`, like an
export's and an import's; the report of failed items OutputS3Configuration asks for is not written
(the items' errors are kept as an import's are: `sim.import_errors(arn)`); CancelBulkOperation
turns an IN_PROGRESS load CANCELLING, and CANCELLED when its job comes to an end, having written
nothing; cancelling one that has ended answers its status unchanged. The table's capacity is not
consumed (MaxWriteRequestUnits is kept in the description, as given).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.jobs import Jobs
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named, no_table
from dynasim.engine.transfers import loading, paging
from dynasim.engine.transfers.state import BULK, COMPLETED, IN_PROGRESS, Transfers
from dynasim.objects import ObjectStoreError

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST = 25
CANCELLING, CANCELLED, COMPLETED_WITH_ERRORS = "CANCELLING", "CANCELLED", "COMPLETED_WITH_ERRORS"


@operation("StartBulkPutItems", access="control", finds=named("TableName"))
def start_bulk_put_items(engine: Engine, request: Request) -> Response:
    table = engine.table(request["TableName"], named_in_error=True)
    transfers = engine.state(Transfers)
    repeated = transfers.repeated(BULK, request)
    if repeated is not None:
        return {"BulkOperationDescription": dict(repeated.description)}
    arn = f"{table.settings.arn}/bulk-operation/{transfers.new_id()}"
    source = request["InputS3Configuration"]
    loading.check_extras(source["InputFormat"], source.get("InputCompressionType", "NONE"))
    description: dict[str, Any] = {
        "BulkOperationArn": arn,
        "BulkOperationStatus": IN_PROGRESS,
        "TableDetails": [{"TableName": table.name, "TableId": table.settings.table_id}],
        "InputS3Configuration": dict(source),
        "OutputS3Configuration": dict(request["OutputS3Configuration"]),
        "StartTime": engine.clock(),
        "ProcessedItemCount": 0,
        "ProcessedInputBytes": 0,
        "FailedItemCount": 0,
        "PerformanceTier": request.get("PerformanceTier", "STANDARD"),
    }
    for member in ("ClientToken", "MaxWriteRequestUnits"):
        if request.get(member) is not None:
            description[member] = request[member]
    record = transfers.add(BULK, arn, description, request)
    answer = {"BulkOperationDescription": dict(description)}

    def complete() -> None:
        if record.status == CANCELLING:
            transfers.finish(record, CANCELLED)
            return
        if engine.tables.get(table.name) is not table:
            transfers.fail(record, transfers.job(arn), *errors.BULK_TABLE_GONE)
            return
        reader = loading.reader_for(
            transfers.store,
            table,
            source,
            input_format=source["InputFormat"],
            compression=source.get("InputCompressionType", "NONE"),
            options=None,
            arn=arn,
        )
        try:
            loading.load(reader, table)
        except ObjectStoreError as error:
            transfers.fail(record, transfers.job(arn), *error.failure())
            return
        transfers.errors[arn] = reader.error_log
        counts = {
            "ProcessedItemCount": reader.processed_item_count,
            "ProcessedInputBytes": reader.processed_size_bytes,
            "TotalInputBytes": reader.processed_size_bytes,
            "FailedItemCount": reader.error_count,
        }
        transfers.finish(record, COMPLETED_WITH_ERRORS if reader.error_count else COMPLETED, **counts)

    def fail(code: str, message: str) -> None:
        transfers.fail(record, None, code, message)

    engine.state(Jobs).start(BULK, arn, complete, fail)
    return answer


def _record(engine: Engine, arn: Any) -> Any:
    record = engine.state(Transfers).find(BULK, arn)
    if record is None:
        raise errors.bulk_operation_not_found(arn)
    return record


@operation("DescribeBulkOperation", access="control", finds=named("BulkOperationArn"))
def describe_bulk_operation(engine: Engine, request: Request) -> Response:
    return {"BulkOperationDescription": dict(_record(engine, request["BulkOperationArn"]).description)}


@operation("CancelBulkOperation", access="control", finds=named("BulkOperationArn"))
def cancel_bulk_operation(engine: Engine, request: Request) -> Response:
    record = _record(engine, request["BulkOperationArn"])
    if record.status == IN_PROGRESS:
        record.description["BulkOperationStatus"] = CANCELLING
        engine.state(Transfers).changed()
    return {"BulkOperationArn": record.arn, "BulkOperationStatus": record.status}


@operation("ListBulkOperations", access="control", finds=no_table)
def list_bulk_operations(engine: Engine, request: Request) -> Response:
    records = engine.state(Transfers).of_kind(BULK)
    listed, token = paging.page(records, request.get("NextToken"), request.get("MaxResults", MAX_LIST))
    summaries = []
    for record in listed:
        summary = {key: record.description[key] for key in ("BulkOperationArn", "BulkOperationStatus", "StartTime")}
        if "EndTime" in record.description:
            summary["EndTime"] = record.description["EndTime"]
        summaries.append(summary)
    response: Response = {"BulkOperationsSummaryList": summaries}
    if token is not None:
        response["NextToken"] = token
    return response
