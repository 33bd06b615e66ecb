"""ExportTableToPointInTime, DescribeExport and ListExports (API Reference of each; Developer
Guide, "DynamoDB data export to Amazon S3", "Incremental export").

An export needs point-in-time recovery on (PointInTimeRecoveryUnavailableException). A full export
takes the table as it was at ExportTime (now if absent; InvalidExportTimeException outside the
recovery window, from EarliestRestorableDateTime to now); an incremental export takes the changes
within IncrementalExportSpecification's [ExportFromTime, ExportToTime) (ExportToTime: now if
absent), a period of 15 minutes to 24 hours within the window. The items are read when the request
is answered, from the recovery history (`dynasim.engine.backups.pitr`); the files are written by
`dynasim.formats.export`, through the object store, when the export's job finishes: IN_PROGRESS
until then, COMPLETED with ExportManifest, ItemCount and BilledSizeBytes, or FAILED with the S3
refusal's FailureCode and FailureMessage (or an injected failure's: `sim.inject_job_failure
("export", ...)`). Exports consume no table capacity: the service bills them by size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dynasim import errors
from dynasim.engine.backups.pitr import SETTING, Recovery
from dynasim.engine.backups.store import source_table
from dynasim.engine.jobs import Jobs
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named
from dynasim.engine.transfers import loading, paging
from dynasim.engine.transfers.state import COMPLETED, EXPORT, IN_PROGRESS, Transfers
from dynasim.formats import export as files
from dynasim.objects import ObjectStoreError
from dynasim.storage.changes import ItemPut
from dynasim.storage.table import Table

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST = 25
INCREMENTAL_PERIOD = (15 * 60, 24 * 3600)  # the Developer Guide's shortest and longest period


@operation("ExportTableToPointInTime", access="control", finds=named("TableArn"))
def export_table_to_point_in_time(engine: Engine, request: Request) -> Response:
    table = source_table(engine, request["TableArn"])
    if SETTING not in table.settings.extra:
        raise errors.recovery_not_enabled(table.name)
    transfers = engine.state(Transfers)
    repeated = transfers.repeated(EXPORT, request)
    if repeated is not None:
        return {"ExportDescription": dict(repeated.description)}
    loading.check_extras(request.get("ExportFormat", "DYNAMODB_JSON"))
    export_type = request.get("ExportType", "FULL_EXPORT")
    specification = request.get("IncrementalExportSpecification")
    now = engine.clock()
    earliest, _ = engine.state(Recovery).window(table)
    arn = f"{table.settings.arn}/export/{transfers.new_id()}"
    destination = files.ExportDestination(
        bucket=request["S3Bucket"],
        prefix=request.get("S3Prefix"),
        owner=request.get("S3BucketOwner"),
        sse_algorithm=request.get("S3SseAlgorithm", "AES256"),
        kms_key_id=request.get("S3SseKmsKeyId"),
    )
    description: dict[str, Any] = {
        "ExportArn": arn,
        "ExportStatus": IN_PROGRESS,
        "StartTime": now,
        "TableArn": table.settings.arn,
        "TableId": table.settings.table_id,
        "S3Bucket": destination.bucket,
        "S3SseAlgorithm": destination.sse_algorithm,
        "ExportFormat": request.get("ExportFormat", "DYNAMODB_JSON"),
        "ExportType": export_type,
    }
    for member in ("ClientToken", "S3BucketOwner", "S3Prefix", "S3SseKmsKeyId"):
        if request.get(member) is not None:
            description[member] = request[member]
    if export_type == "FULL_EXPORT":
        if specification is not None:
            raise errors.incremental_specification_with_full()
        given = request.get("ExportTime")
        moment = now if given is None else float(given)
        if given is not None and not earliest <= moment <= now:
            raise errors.export_time_invalid()
        description["ExportTime"] = moment
        items = list(table.items()) if moment == now else engine.state(Recovery).items_at(table, moment)
        write = _full(items, table, moment, destination, description)
    else:
        if request.get("ExportTime") is not None:
            raise errors.export_time_with_incremental()
        if specification is None:
            raise errors.incremental_specification_missing()
        start = float(specification.get("ExportFromTime", earliest))
        end = float(specification.get("ExportToTime", now))
        view = specification.get("ExportViewType", "NEW_AND_OLD_IMAGES")
        _check_period(start, end, earliest, now)
        changes = _changes(engine, table, start, end)
        description["IncrementalExportSpecification"] = {
            "ExportFromTime": start,
            "ExportToTime": end,
            "ExportViewType": view,
        }
        write = _incremental(changes, table, start, end, view, destination, description)
    record = transfers.add(EXPORT, arn, description, request)
    answer = {"ExportDescription": dict(description)}

    def complete() -> None:
        try:
            result = write(transfers, engine.clock())
        except ObjectStoreError as error:
            transfers.fail(record, transfers.job(arn), *error.failure())
            return
        transfers.finish(record, COMPLETED, **result.description())

    def fail(code: str, message: str) -> None:
        transfers.fail(record, None, code, message)

    engine.state(Jobs).start(EXPORT, arn, complete, fail)
    return answer


def _check_period(start: float, end: float, earliest: float, now: float) -> None:
    if start < earliest or end > now:
        raise errors.incremental_period_invalid("the period must be within the point-in-time recovery window")
    if not INCREMENTAL_PERIOD[0] <= end - start <= INCREMENTAL_PERIOD[1]:
        raise errors.incremental_period_invalid("the period must be at least 15 minutes and at most 24 hours")


def _changes(engine: Engine, table: Table, start: float, end: float) -> list[files.ChangeRecord]:
    """The table's writes within [start, end), one per item (`files.compact`)."""
    recovery = engine.state(Recovery)
    history = recovery.histories[table.name]
    records = []
    for when, change in history.writes:
        if not start <= when < end:
            continue
        new = change.item if isinstance(change, ItemPut) else None
        image = new if new is not None else change.old
        assert image is not None  # a put has its item, a delete its old one
        keys = {name: image[name] for name in table.key_schema.names}
        records.append(files.ChangeRecord(keys, change.old, new, int(when * 1_000_000)))
    return files.compact(records)


def _full(items: list[Any], table: Table, moment: float, destination: files.ExportDestination, description: Any) -> Any:
    def write(transfers: Transfers, end: float) -> files.ExportResult:
        return files.write_full_export(
            transfers.store,
            items,
            export_arn=description["ExportArn"],
            table_arn=table.settings.arn,
            table_id=table.settings.table_id,
            export_time=moment,
            start_time=description["StartTime"],
            end_time=end,
            destination=destination,
            export_format=description["ExportFormat"],
        )

    return write


def _incremental(
    changes: list[files.ChangeRecord],
    table: Table,
    start: float,
    end: float,
    view: str,
    destination: files.ExportDestination,
    description: Any,
) -> Any:
    def write(transfers: Transfers, finished: float) -> files.ExportResult:
        return files.write_incremental_export(
            transfers.store,
            changes,
            export_arn=description["ExportArn"],
            table_arn=table.settings.arn,
            table_id=table.settings.table_id,
            export_from_time=start,
            export_to_time=end,
            start_time=description["StartTime"],
            end_time=finished,
            destination=destination,
            export_format=description["ExportFormat"],
            view_type=view,
        )

    return write


@operation("DescribeExport", access="control", finds=named("ExportArn"))
def describe_export(engine: Engine, request: Request) -> Response:
    record = engine.state(Transfers).find(EXPORT, request["ExportArn"])
    if record is None:
        raise errors.export_not_found(request["ExportArn"])
    return {"ExportDescription": dict(record.description)}


@operation("ListExports", access="control", finds=named("TableArn"))
def list_exports(engine: Engine, request: Request) -> Response:
    table_arn = request.get("TableArn")
    records = [
        record
        for record in engine.state(Transfers).of_kind(EXPORT)
        if table_arn is None or record.description["TableArn"] == table_arn
    ]
    listed, token = paging.page(records, request.get("NextToken"), request.get("MaxResults", MAX_LIST))
    response: Response = {
        "ExportSummaries": [
            {key: record.description[key] for key in ("ExportArn", "ExportStatus", "ExportType")} for record in listed
        ]
    }
    if token is not None:
        response["NextToken"] = token
    return response
