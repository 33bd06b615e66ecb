"""Point-in-time recovery: UpdateContinuousBackups, DescribeContinuousBackups,
RestoreTableToPointInTime, and the SYSTEM backup a deleted table leaves.

DynamoDB Local implements none of them (an UnknownOperationException), so the tests follow the API
Reference and the Developer Guide ("Point-in-time recovery": EarliestRestorableDateTime,
LatestRestorableDateTime "typically 5 minutes before the current time", a recovery period of 1 to
35 days; BackupSummary: "If you delete a table with point-in-time recovery enabled, a SYSTEM backup
is automatically created and is retained for 35 days"), and the service's recorded error texts
(sources in `dynasim.errors`). The tests wait with `settle`, which on the simulator moves its clock.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance import target_clock
from conformance.helpers import assert_error, service_behaviour
from conformance.test_backups import settle, table_status

PITR_SOURCE = (
    "API Reference: UpdateContinuousBackups, DescribeContinuousBackups, RestoreTableToPointInTime, "
    "PointInTimeRecoveryDescription, BackupSummary; Developer Guide, Point-in-time recovery; "
    "DynamoDB Local usage notes"
)
pytestmark = service_behaviour("DynamoDB Local does not implement point-in-time recovery", source=PITR_SOURCE)

LAG = datetime.timedelta(minutes=5)


def enable(ddb: Any, table: str, days: int | None = None) -> dict[str, Any]:
    specification: dict[str, Any] = {"PointInTimeRecoveryEnabled": True}
    if days is not None:
        specification["RecoveryPeriodInDays"] = days
    answer = ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification=specification)
    return dict(answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"])


def window(ddb: Any, table: str) -> dict[str, Any]:
    answer = ddb.describe_continuous_backups(TableName=table)
    return dict(answer["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"])


def server_now(backend: Any) -> datetime.datetime:
    """The target's time now (`conformance.target_clock`)."""
    return datetime.datetime.fromtimestamp(target_clock.now(backend), datetime.timezone.utc)


def pause(backend: Any, seconds: float = 2) -> None:
    """Let a moment pass between two writes, on the target's clock."""
    target_clock.elapse(backend, seconds)


def keys(ddb: Any, table: str) -> list[str]:
    return sorted(item["pk"]["S"] for item in ddb.scan(TableName=table)["Items"])


def put(ddb: Any, table: str, *names: str) -> None:
    for name in names:
        ddb.put_item(TableName=table, Item={"pk": {"S": name}})


def test_enabling_starts_the_window(ddb, backend, make_table):
    table = make_table()
    described = enable(ddb, table, days=7)
    assert described["PointInTimeRecoveryStatus"] == "ENABLED" and described["RecoveryPeriodInDays"] == 7
    earliest, latest = described["EarliestRestorableDateTime"], described["LatestRestorableDateTime"]
    assert earliest <= latest
    settle(backend, lambda: window(ddb, table)["LatestRestorableDateTime"] - earliest >= datetime.timedelta(seconds=60))
    later = window(ddb, table)
    assert later["EarliestRestorableDateTime"] == earliest  # still the time recovery was turned on
    assert enable(ddb, table)["RecoveryPeriodInDays"] == 35  # the default period


def test_restore_to_a_point_in_time_gives_the_table_as_it_was(ddb, backend, make_table):
    table = make_table()
    enable(ddb, table)
    put(ddb, table, "a", "b")
    pause(backend)
    moment = server_now(backend)
    pause(backend)
    put(ddb, table, "c")
    ddb.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    settle(backend, lambda: window(ddb, table)["LatestRestorableDateTime"] >= moment)
    restored = f"{table}-then"
    answer = ddb.restore_table_to_point_in_time(
        SourceTableName=table, TargetTableName=restored, RestoreDateTime=moment
    )["TableDescription"]
    summary = answer["RestoreSummary"]
    assert answer["TableStatus"] == "CREATING" and summary["RestoreInProgress"] is True
    assert summary["SourceTableArn"].endswith(f":table/{table}") and "SourceBackupArn" not in summary
    settle(backend, lambda: table_status(ddb, restored) == "ACTIVE")
    assert keys(ddb, restored) == ["a", "b"]
    assert keys(ddb, table) == ["b", "c"]
    ddb.delete_table(TableName=restored)


def test_restore_by_arn_to_the_latest_restorable_time(ddb, backend, make_table):
    table = make_table(provisioned=(2, 3))
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    enable(ddb, table)
    put(ddb, table, "x")
    written = server_now(backend)
    settle(backend, lambda: window(ddb, table)["LatestRestorableDateTime"] > written)
    restored = f"{table}-latest"
    ddb.restore_table_to_point_in_time(
        SourceTableArn=arn,
        TargetTableName=restored,
        UseLatestRestorableTime=True,
        BillingModeOverride="PAY_PER_REQUEST",
    )
    settle(backend, lambda: table_status(ddb, restored) == "ACTIVE")
    described = ddb.describe_table(TableName=restored)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert keys(ddb, restored) == ["x"]
    # what the restored table does not keep: point-in-time recovery is off on it
    assert window(ddb, restored)["PointInTimeRecoveryStatus"] == "DISABLED"
    ddb.delete_table(TableName=restored)


def test_errors(ddb, backend, make_table):
    table = make_table()
    assert_error(
        lambda: ddb.restore_table_to_point_in_time(
            SourceTableName=table, TargetTableName=f"{table}-x", UseLatestRestorableTime=True
        ),
        "PointInTimeRecoveryUnavailableException",
        f"Point in time recovery is not enabled for table '{table}'",
    )
    assert_error(
        lambda: ddb.restore_table_to_point_in_time(
            SourceTableName="no-such-table", TargetTableName=f"{table}-x", UseLatestRestorableTime=True
        ),
        "TableNotFoundException",
        "Table not found: no-such-table",
    )
    described = enable(ddb, table)
    assert_error(
        lambda: ddb.restore_table_to_point_in_time(
            SourceTableName=table, TargetTableName=table, UseLatestRestorableTime=True
        ),
        "TableAlreadyExistsException",
        f"Table already exists: {table}",
    )
    for moment in (
        described["EarliestRestorableDateTime"] - datetime.timedelta(hours=1),
        described["LatestRestorableDateTime"] + datetime.timedelta(hours=1),
    ):
        with pytest.raises(ClientError) as excinfo:
            ddb.restore_table_to_point_in_time(
                SourceTableName=table, TargetTableName=f"{table}-x", RestoreDateTime=moment
            )
        assert excinfo.value.response["Error"]["Code"] == "InvalidRestoreTimeException"


def test_the_window_is_bounded_by_the_recovery_period(ddb, backend, make_table, target):
    if target.kind != "sim":
        pytest.skip("needs days to pass: the simulator's clock")
    sim = backend.sim
    table = make_table()
    enable(ddb, table, days=1)
    put(ddb, table, "old")
    sim.advance(2 * 86400)
    put(ddb, table, "new")
    sim.advance(600)
    described = window(ddb, table)
    latest = described["LatestRestorableDateTime"]
    span = latest + LAG - described["EarliestRestorableDateTime"]
    assert abs(span - datetime.timedelta(days=1)) < datetime.timedelta(milliseconds=2)  # both in milliseconds
    restored = f"{table}-edge"
    ddb.restore_table_to_point_in_time(
        SourceTableName=table,
        TargetTableName=restored,
        RestoreDateTime=described["EarliestRestorableDateTime"] + datetime.timedelta(minutes=1),  # it slides on
    )
    sim.advance(60)
    assert keys(ddb, restored) == ["old"]  # what was written before the window is in its start
    from dynasim.engine.backups import Recovery  # here: a run on another target needs no dynasim

    history = sim.engine.state(Recovery).histories[table]
    assert len(history.writes) == 1  # the older write was folded into the window's start, and forgotten


def test_deleting_a_table_with_recovery_on_leaves_a_system_backup(ddb, backend, make_table):
    table = make_table()
    enable(ddb, table)
    put(ddb, table, "kept")
    ddb.delete_table(TableName=table)
    ddb.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig={"Delay": 1})
    assert ddb.list_backups(TableName=table)["BackupSummaries"] == []  # USER backups only, by default
    (summary,) = ddb.list_backups(TableName=table, BackupType="SYSTEM")["BackupSummaries"]
    assert summary["BackupType"] == "SYSTEM" and summary["TableName"] == table
    assert summary["BackupExpiryDateTime"] - summary["BackupCreationDateTime"] == datetime.timedelta(days=35)
    restored = f"{table}-back"
    ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=summary["BackupArn"])
    settle(backend, lambda: table_status(ddb, restored) == "ACTIVE")
    assert keys(ddb, restored) == ["kept"]
    ddb.delete_table(TableName=restored)
