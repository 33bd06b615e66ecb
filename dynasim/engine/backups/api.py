"""On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup and
RestoreTableFromBackup (API Reference of each operation).

A backup is CREATING until its job finishes (`dynasim.engine.jobs`), then AVAILABLE; only an
AVAILABLE backup can be restored or deleted (BackupInUseException). A backup outlives its table.
ListBackups lists the backups of every table (or of the one named, by name or ARN) whose creation
time is within [TimeRangeLowerBound, TimeRangeUpperBound), of type USER unless BackupType says
otherwise (SYSTEM, AWS_BACKUP, ALL), oldest first, `Limit` (1 to 100, checked by the model) a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dynasim import errors
from dynasim.engine.backups import restore
from dynasim.engine.backups.store import AVAILABLE, CREATING, Backups, source_table
from dynasim.engine.jobs import Jobs
from dynasim.engine.registry import Request, Response, operation
from dynasim.engine.touches import named

if TYPE_CHECKING:
    from dynasim.engine import Engine

MAX_LIST = 100


@operation("CreateBackup", access="control", finds=named("TableName"))
def create_backup(engine: Engine, request: Request) -> Response:
    table = source_table(engine, request["TableName"])
    summary = table.settings.extra.get(restore.SUMMARY)
    if summary is not None and summary["RestoreInProgress"]:
        raise errors.table_in_use(table.name)
    backups = engine.state(Backups)
    backup = backups.make(table, request["BackupName"])

    def complete() -> None:
        if backups.backups.get(backup.arn) is backup:
            backup.status = AVAILABLE
            backups.changed()

    def fail(code: str, message: str) -> None:  # a backup that fails is gone
        if backups.backups.get(backup.arn) is backup:
            backups.delete(backup)

    details = backup.details()
    engine.state(Jobs).start("backup", backup.arn, complete, fail)
    return {"BackupDetails": details}


@operation("DescribeBackup", access="control", finds=named("BackupArn"))
def describe_backup(engine: Engine, request: Request) -> Response:
    backups = engine.state(Backups)
    backups.expire()
    return {"BackupDescription": backups.get(request["BackupArn"]).description()}


@operation("DeleteBackup", access="control", finds=named("BackupArn"))
def delete_backup(engine: Engine, request: Request) -> Response:
    backups = engine.state(Backups)
    backups.expire()
    backup = backups.get(request["BackupArn"])
    if backup.status == CREATING:
        raise errors.backup_in_use(backup.arn)
    backups.delete(backup)
    return {"BackupDescription": backup.description()}


@operation("ListBackups", access="control", finds=named("TableName"))
def list_backups(engine: Engine, request: Request) -> Response:
    backups = engine.state(Backups)
    backups.expire()
    name = request.get("TableName")
    table = engine.table_name(name) if name is not None else None  # its backups outlive it
    low, high = request.get("TimeRangeLowerBound"), request.get("TimeRangeUpperBound")
    kind = request.get("BackupType", "USER")
    listed = [
        backup
        for backup in backups.backups.values()
        if (table is None or backup.table_name == table)
        and (low is None or backup.created_at >= low)
        and (high is None or backup.created_at < high)
        and (kind == "ALL" or backup.type == kind)
    ]
    start = request.get("ExclusiveStartBackupArn")
    if start is not None:
        arns = [backup.arn for backup in listed]
        listed = listed[arns.index(start) + 1 :] if start in arns else []
    limit = request.get("Limit", MAX_LIST)
    response: Response = {"BackupSummaries": [backup.summary() for backup in listed[:limit]]}
    if len(listed) > limit:
        response["LastEvaluatedBackupArn"] = listed[limit - 1].arn
    return response


@operation("RestoreTableFromBackup", access="control", finds=named("TargetTableName", "BackupArn"))
def restore_table_from_backup(engine: Engine, request: Request) -> Response:
    backups = engine.state(Backups)
    backups.expire()
    backup = backups.get(request["BackupArn"])
    restore.check_target(engine, request["TargetTableName"])
    if backup.status != AVAILABLE:
        raise errors.backup_in_use(backup.arn)
    summary = {
        "SourceBackupArn": backup.arn,
        "SourceTableArn": backup.table.settings.arn,
        "RestoreDateTime": backup.created_at,
    }
    return {"TableDescription": restore.restore(engine, request, backup.table.settings, backup.table.items(), summary)}
