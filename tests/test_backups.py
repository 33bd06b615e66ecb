"""Backups and restores as jobs on the simulator's clock, and the rest of the product around them:
jobs held, finished and failed on demand, backups kept by snapshots and in a data directory and
cleared by a reset, the call log, capacity and fault rules. What the service answers is in
conformance/test_backups.py and conformance/test_pitr.py."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

import dynasim
from dynasim import persistence
from dynasim.engine.backups import Recovery

pytest_plugins = ["pytester"]

HASH = dict(
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)


def table_with_items(ddb: Any, name: str = "orders", count: int = 3) -> str:
    ddb.create_table(TableName=name, **HASH)
    for n in range(count):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"o-{n}"}, "bin": {"B": bytes([n, 255])}})
    return name


def backup_status(ddb: Any, arn: str) -> str:
    return ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]


def table_status(ddb: Any, name: str) -> str:
    return ddb.describe_table(TableName=name)["Table"]["TableStatus"]


def backup(ddb: Any, table: str = "orders", name: str = "nightly") -> str:
    return str(ddb.create_backup(TableName=table, BackupName=name)["BackupDetails"]["BackupArn"])


# --- jobs on the clock ----------------------------------------------------------------------


def test_a_backup_is_available_once_its_virtual_minute_has_passed():
    sim = dynasim.Simulator()
    ddb = sim.client()
    arn = backup(ddb, table_with_items(ddb))
    sim.advance(59)
    assert backup_status(ddb, arn) == "CREATING"
    sim.advance(1)
    assert backup_status(ddb, arn) == "AVAILABLE"
    (job,) = sim.jobs
    assert (job.kind, job.resource, job.status) == ("backup", arn, "COMPLETED")
    assert job.ends_at - job.started_at == 60


def test_immediate_jobs_finish_as_they_start_though_the_answer_says_what_the_service_says():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    answer = ddb.create_backup(TableName="orders", BackupName="nightly")["BackupDetails"]
    assert answer["BackupStatus"] == "CREATING"
    assert backup_status(ddb, answer["BackupArn"]) == "AVAILABLE"
    restored = ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=answer["BackupArn"])
    assert restored["TableDescription"]["TableStatus"] == "CREATING"
    assert table_status(ddb, "copy") == "ACTIVE"
    assert [job.status for job in sim.jobs] == ["COMPLETED", "COMPLETED"]


def test_the_mode_can_change_and_a_wrong_one_is_refused():
    sim = dynasim.Simulator()
    sim.jobs_mode = "immediate"
    assert sim.jobs_mode == "immediate"
    with pytest.raises(ValueError, match='jobs must be "clock" or "immediate"'):
        dynasim.Simulator(jobs="later")


def test_a_held_job_stays_in_progress_until_released():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    arn = backup(ddb)  # not held: done at once
    hold = sim.hold_jobs("restore")
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)
    sim.advance(3600)
    description = ddb.describe_table(TableName="copy")["Table"]
    assert description["TableStatus"] == "CREATING" and description["RestoreSummary"]["RestoreInProgress"]
    assert [job.status for job in sim.jobs] == ["COMPLETED", "IN_PROGRESS"]
    hold.release()
    assert table_status(ddb, "copy") == "ACTIVE"


def test_hold_as_a_block_and_finish_jobs_on_demand():
    sim = dynasim.Simulator()
    ddb = sim.client()
    table_with_items(ddb)
    with sim.hold_jobs():
        arn = backup(ddb)
        assert sim.finish_jobs() == 0  # held jobs stay
        sim.advance(120)
        assert backup_status(ddb, arn) == "CREATING"
    assert backup_status(ddb, arn) == "AVAILABLE"  # its time had come: released, it finishes
    second = backup(ddb, name="second")
    assert sim.finish_jobs() == 1  # no need to wait out the minute
    assert backup_status(ddb, second) == "AVAILABLE"


def test_an_injected_failure_makes_a_backup_vanish_and_a_restore_drop_its_table():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    rule = sim.inject_job_failure("backup", code="BackupFailed", message="no space")
    arn = backup(ddb)
    with pytest.raises(ClientError) as excinfo:
        ddb.describe_backup(BackupArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "BackupNotFoundException"
    (failed,) = sim.jobs
    assert (failed.status, failed.failure_code, failed.failure_message) == ("FAILED", "BackupFailed", "no space")
    assert rule.fired == 1
    good = backup(ddb, name="second")  # the rule fired its one time
    assert backup_status(ddb, good) == "AVAILABLE"
    sim.inject_job_failure(resource="copy")  # any kind of job on that table
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=good)
    assert "copy" not in ddb.list_tables()["TableNames"]
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=good)
    assert table_status(ddb, "copy") == "ACTIVE"


def test_a_removed_failure_rule_fails_nothing():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    sim.inject_job_failure().remove()
    assert backup_status(ddb, backup(ddb)) == "AVAILABLE"


# --- the rest of the simulator ----------------------------------------------------------------


def test_calls_are_logged_consume_no_capacity_and_can_be_faulted():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    sim.inject_fault(
        "CreateBackup",
        error="ContinuousBackupsUnavailableException",
        message="Backups are off",
        times=1,
        table="orders",
    )
    with pytest.raises(ClientError) as excinfo:
        backup(ddb)
    assert excinfo.value.response["Error"]["Code"] == "ContinuousBackupsUnavailableException"
    arn = backup(ddb)
    with sim.capacity_budget(read=0, write=0):
        ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)
        ddb.list_backups()
    (restore,) = sim.verify_operation("RestoreTableFromBackup")
    assert restore.touches.tables == ("copy", "orders")
    assert len(sim.verify_operation("CreateBackup", table="orders")) == 2


def test_snapshots_keep_backups_and_reset_clears_them():
    sim = dynasim.Simulator(jobs="immediate")
    ddb = sim.client()
    table_with_items(ddb)
    arn = backup(ddb)
    taken = sim.snapshot()
    ddb.delete_backup(BackupArn=arn)
    sim.restore(taken)
    assert backup_status(ddb, arn) == "AVAILABLE"
    other = dynasim.Simulator()  # a snapshot restores into any simulator
    other.restore(taken)
    assert backup_status(other.client(), arn) == "AVAILABLE"
    sim.inject_job_failure()
    with sim.hold_jobs():
        backup(ddb, name="held")
    sim.reset()
    assert ddb.list_backups(BackupType="ALL")["BackupSummaries"] == []
    assert sim.jobs == []
    ddb.create_table(TableName="orders", **HASH)
    assert backup_status(ddb, backup(ddb)) == "AVAILABLE"  # no hold, no failure left


def test_work_in_progress_when_a_snapshot_is_taken_is_done_when_it_is_restored():
    sim = dynasim.Simulator()
    ddb = sim.client()
    table_with_items(ddb)
    arn = backup(ddb)
    sim.finish_jobs()
    second = backup(ddb, name="second")
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=arn)
    taken = sim.snapshot()
    assert (backup_status(ddb, second), table_status(ddb, "copy")) == ("CREATING", "CREATING")
    sim.restore(taken)
    assert (backup_status(ddb, second), table_status(ddb, "copy")) == ("AVAILABLE", "ACTIVE")
    assert sim.jobs == []


def test_backups_survive_a_restart_with_a_data_directory(tmp_path):
    sim = dynasim.Simulator(jobs="immediate")
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    table_with_items(ddb)
    arn = backup(ddb)
    ddb.delete_table(TableName="orders")
    store.close(snapshot=False)  # as a crash would: only what the operations wrote

    again = dynasim.Simulator(jobs="immediate")
    store = persistence.open_store(again, tmp_path)
    ddb = again.client()
    assert ddb.list_tables()["TableNames"] == []
    assert backup_status(ddb, arn) == "AVAILABLE"
    ddb.restore_table_from_backup(TargetTableName="orders", BackupArn=arn)
    items = sorted(ddb.scan(TableName="orders")["Items"], key=lambda item: item["pk"]["S"])
    assert [item["bin"]["B"] for item in items] == [bytes([n, 255]) for n in range(3)]
    ddb.delete_backup(BackupArn=arn)
    store.close()

    last = dynasim.Simulator()
    store = persistence.open_store(last, tmp_path)
    assert last.client().list_backups()["BackupSummaries"] == []
    assert last.client().describe_table(TableName="orders")["Table"]["RestoreSummary"]["SourceBackupArn"] == arn
    store.close()


def test_recovery_history_after_a_restart_starts_from_the_loaded_table(tmp_path):
    sim = dynasim.Simulator()
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    table_with_items(ddb)
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    store.close()
    sim.advance(3600)
    again = dynasim.Simulator()
    again.clock.advance(sim.clock.advanced)
    store = persistence.open_store(again, tmp_path)
    described = again.client().describe_continuous_backups(TableName="orders")["ContinuousBackupsDescription"]
    recovery = described["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    history = again.engine.state(Recovery).histories["orders"]
    assert recovery["EarliestRestorableDateTime"].timestamp() == pytest.approx(history.since, abs=0.002)
    assert len(list(history.base.items())) == 3
    store.close()


def test_recovery_history_holds_only_the_writes_within_the_window():
    sim = dynasim.Simulator()
    ddb = sim.client()
    ddb.create_table(TableName="orders", **HASH)
    ddb.update_continuous_backups(
        TableName="orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 1},
    )
    history = sim.engine.state(Recovery).histories["orders"]
    for hour in range(48):
        ddb.put_item(TableName="orders", Item={"pk": {"S": "counter"}, "hour": {"N": str(hour)}})
        sim.advance(3600)
    assert len(history.writes) == 24  # a day's writes; the older ones are in the window's start
    assert list(history.base.items()) == [{"pk": {"S": "counter"}, "hour": {"N": "23"}}]
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
    )
    assert sim.engine.state(Recovery).histories == {}


def test_the_plugin_gives_each_test_no_backups(pytester):
    pytester.makepyfile(
        """
        import pytest

        TABLES = {"TableName": "orders", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                  "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                  "BillingMode": "PAY_PER_REQUEST"}
        pytestmark = [pytest.mark.dynasim_tables([TABLES]), pytest.mark.dynasim(jobs="immediate")]

        @pytest.mark.parametrize("round", range(2))
        def test_each_starts_without_backups(dynamodb, round):
            assert dynamodb.list_backups()["BackupSummaries"] == []
            arn = dynamodb.create_backup(TableName="orders", BackupName="b-%d" % round)["BackupDetails"]["BackupArn"]
            details = dynamodb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]
            assert details["BackupStatus"] == "AVAILABLE"
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "request_",
    [
        {"TargetTableName": "copy", "UseLatestRestorableTime": True},  # no source
        {"SourceTableName": "orders", "TargetTableName": "copy"},  # no time
        {"SourceTableName": "orders", "TargetTableName": "copy", "UseLatestRestorableTime": True, "RestoreDateTime": 1},
        {
            "SourceTableName": "orders",
            "TargetTableName": "copy",
            "UseLatestRestorableTime": True,
            "BillingModeOverride": "PAY_PER_REQUEST",
            "ProvisionedThroughputOverride": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        },
        {
            "SourceTableName": "orders",
            "TargetTableName": "copy",
            "UseLatestRestorableTime": True,
            "LocalSecondaryIndexOverride": [
                {
                    "IndexName": "nope",
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    ],
    ids=["no-source", "no-time", "two-times", "throughput-on-demand", "index-not-the-source's"],
)
def test_bad_restore_requests_are_validation_errors_and_change_nothing(request_):
    sim = dynasim.Simulator()
    ddb = sim.client()
    table_with_items(ddb)
    ddb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    with pytest.raises(dynasim.errors.DynamoDBError) as excinfo:
        sim.handle("RestoreTableToPointInTime", request_)
    assert excinfo.value.code == "ValidationException" and excinfo.value.status == 400
    assert ddb.list_tables()["TableNames"] == ["orders"] and sim.jobs == []


def test_a_data_directory_with_backups_repairs_and_loads(tmp_path):
    sim = dynasim.Simulator(jobs="immediate")
    store = persistence.open_store(sim, tmp_path)
    ddb = sim.client()
    table_with_items(ddb)
    arn = backup(ddb)
    store.close()
    report = persistence.repair(tmp_path)
    assert not report.repaired and "intact (1 table(s), 3 item(s))" in report.actions[0]
    again = dynasim.Simulator()
    store = persistence.open_store(again, tmp_path)
    assert backup_status(again.client(), arn) == "AVAILABLE"
    store.close()
