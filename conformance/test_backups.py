"""On-demand backups: CreateBackup, DescribeBackup, ListBackups, DeleteBackup, RestoreTableFromBackup.

DynamoDB Local implements none of them (its usage notes: backups are not supported; it answers
UnknownOperationException), so every test here follows the API Reference of each operation and the
service's recorded answers (the sources are in `dynasim.errors`). A backup is CREATING, then
AVAILABLE "within minutes", and a restored table CREATING until its restore ends: the tests wait
for them with `settle`, which on the simulator moves its clock instead of sleeping.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from conformance import target_clock
from conformance.helpers import VALIDATION, assert_error, service_behaviour

BACKUPS_SOURCE = (
    "API Reference: CreateBackup, DescribeBackup, ListBackups, DeleteBackup, RestoreTableFromBackup, "
    "BackupDetails, BackupSummary, SourceTableDetails, SourceTableFeatureDetails, RestoreSummary; "
    "Developer Guide, DynamoDB Local usage notes (backups are not supported)"
)
pytestmark = service_behaviour("DynamoDB Local does not implement backups", source=BACKUPS_SOURCE)

ITEMS = [{"pk": {"S": f"k{n}"}, "sk": {"N": str(n)}, "status": {"S": "new" if n % 2 else "old"}} for n in range(5)]


def settle(backend: Any, done: Callable[[], bool], seconds: float = 600) -> None:
    """Wait until `done()` (bounded), on the target's clock (`conformance.target_clock`)."""
    target_clock.settle(backend, done, seconds)


def backup_status(ddb: Any, arn: str) -> str:
    return ddb.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"]


def table_status(ddb: Any, name: str) -> str:
    return ddb.describe_table(TableName=name)["Table"]["TableStatus"]


@pytest.fixture
def source(ddb: Any, make_table: Callable[..., str]) -> str:
    """A table with a global and a local index and five items."""
    name = f"src-{int(time.time() * 1000) % 10**9}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-pk-status",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "status", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    for item in ITEMS:
        ddb.put_item(TableName=name, Item=item)
    return name


def made_backup(ddb: Any, backend: Any, table: str, name: str = "nightly") -> str:
    details = ddb.create_backup(TableName=table, BackupName=name)["BackupDetails"]
    settle(backend, lambda: backup_status(ddb, details["BackupArn"]) == "AVAILABLE")
    return str(details["BackupArn"])


def test_create_backup_answers_creating_then_becomes_available(ddb, backend, source):
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
    details = ddb.create_backup(TableName=source, BackupName="nightly")["BackupDetails"]
    arn = details["BackupArn"]
    table_arn = ddb.describe_table(TableName=source)["Table"]["TableArn"]
    assert arn.startswith(f"{table_arn}/backup/")
    suffix = arn.rsplit("/", 1)[1]
    assert len(suffix) == 23 and suffix[14] == "-" and suffix[:14].isdigit()  # 01576616366715-b4e58d3a
    assert details["BackupName"] == "nightly" and details["BackupType"] == "USER"
    assert details["BackupStatus"] == "CREATING" and details["BackupCreationDateTime"] >= before
    settle(backend, lambda: backup_status(ddb, arn) == "AVAILABLE")


def test_describe_backup_holds_the_source_table_and_its_features(ddb, backend, source):
    ddb.update_time_to_live(TableName=source, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    arn = made_backup(ddb, backend, source)
    description = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    table = ddb.describe_table(TableName=source)["Table"]
    assert description["BackupDetails"]["BackupArn"] == arn
    details = description["SourceTableDetails"]
    assert details["TableName"] == source and details["TableArn"] == table["TableArn"]
    assert details["TableId"] == table["TableId"] and details["BillingMode"] == "PAY_PER_REQUEST"
    assert details["KeySchema"] == table["KeySchema"] and details["ItemCount"] == len(ITEMS)
    features = description["SourceTableFeatureDetails"]
    assert [index["IndexName"] for index in features["GlobalSecondaryIndexes"]] == ["by-status"]
    assert [index["IndexName"] for index in features["LocalSecondaryIndexes"]] == ["by-pk-status"]
    assert features["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_a_backup_holds_the_items_as_they_were_and_outlives_its_table(ddb, backend, source):
    arn = made_backup(ddb, backend, source)
    ddb.put_item(TableName=source, Item={"pk": {"S": "later"}, "sk": {"N": "9"}, "status": {"S": "new"}})
    ddb.delete_item(TableName=source, Key={"pk": {"S": "k0"}, "sk": {"N": "0"}})
    ddb.delete_table(TableName=source)
    ddb.get_waiter("table_not_exists").wait(TableName=source, WaiterConfig={"Delay": 1})
    assert backup_status(ddb, arn) == "AVAILABLE"
    restored = f"{source}-restored"
    answer = ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=arn)["TableDescription"]
    assert answer["TableName"] == restored and answer["TableStatus"] == "CREATING"
    assert answer["RestoreSummary"]["SourceBackupArn"] == arn and answer["RestoreSummary"]["RestoreInProgress"]
    settle(backend, lambda: table_status(ddb, restored) == "ACTIVE")
    table = ddb.describe_table(TableName=restored)["Table"]
    assert table["RestoreSummary"]["RestoreInProgress"] is False
    assert table["RestoreSummary"]["SourceTableArn"].endswith(f":table/{source}")
    items = ddb.scan(TableName=restored)["Items"]
    assert sorted(items, key=lambda item: item["pk"]["S"]) == ITEMS
    by_status = ddb.query(
        TableName=restored,
        IndexName="by-status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "new"}},
    )["Items"]
    assert len(by_status) == 2  # the global index is restored with the items
    ddb.delete_table(TableName=restored)


def test_restore_overrides_billing_throughput_and_indexes(ddb, backend, source):
    arn = made_backup(ddb, backend, source)
    restored = f"{source}-lean"
    ddb.restore_table_from_backup(
        TargetTableName=restored,
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        GlobalSecondaryIndexOverride=[],
        LocalSecondaryIndexOverride=[
            {
                "IndexName": "by-pk-status",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "status", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        SSESpecificationOverride={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/orders"},
    )
    settle(backend, lambda: table_status(ddb, restored) == "ACTIVE")
    table = ddb.describe_table(TableName=restored)["Table"]
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert "GlobalSecondaryIndexes" not in table
    assert [index["IndexName"] for index in table["LocalSecondaryIndexes"]] == ["by-pk-status"]
    assert table["SSEDescription"]["Status"] == "ENABLED" and table["SSEDescription"]["SSEType"] == "KMS"
    assert ddb.scan(TableName=restored, Select="COUNT")["Count"] == len(ITEMS)
    ddb.delete_table(TableName=restored)


def test_list_backups_filters_and_pages(ddb, backend, source, make_table):
    other = make_table()
    first = made_backup(ddb, backend, source, "first")
    middle = made_backup(ddb, backend, source, "second")
    last = made_backup(ddb, backend, other, "third")
    every = ddb.list_backups()["BackupSummaries"]
    ours = [summary["BackupArn"] for summary in every if summary["BackupArn"] in (first, middle, last)]
    assert ours == [first, middle, last]  # oldest first
    summary = next(summary for summary in every if summary["BackupArn"] == first)
    assert summary["TableName"] == source and summary["BackupName"] == "first"
    assert summary["BackupStatus"] == "AVAILABLE" and summary["BackupType"] == "USER"
    listed = ddb.list_backups(TableName=source)["BackupSummaries"]
    assert [summary["BackupArn"] for summary in listed] == [first, middle]
    created = {summary["BackupArn"]: summary["BackupCreationDateTime"] for summary in every}
    in_range = ddb.list_backups(
        TableName=source, TimeRangeLowerBound=created[middle], TimeRangeUpperBound=created[last]
    )["BackupSummaries"]
    assert [summary["BackupArn"] for summary in in_range] == [middle]  # lower bound inclusive, upper exclusive
    assert ddb.list_backups(TableName=source, BackupType="SYSTEM")["BackupSummaries"] == []
    page = ddb.list_backups(TableName=source, Limit=1)
    assert [summary["BackupArn"] for summary in page["BackupSummaries"]] == [first]
    assert page["LastEvaluatedBackupArn"] == first
    rest = ddb.list_backups(TableName=source, Limit=1, ExclusiveStartBackupArn=first)
    assert [summary["BackupArn"] for summary in rest["BackupSummaries"]] == [middle]


def test_delete_backup_answers_deleted_and_forgets_it(ddb, backend, source):
    arn = made_backup(ddb, backend, source)
    description = ddb.delete_backup(BackupArn=arn)["BackupDescription"]
    assert description["BackupDetails"]["BackupStatus"] == "DELETED"
    assert description["SourceTableDetails"]["TableName"] == source
    missing = f"Backup not found: {arn}"
    assert_error(lambda: ddb.describe_backup(BackupArn=arn), "BackupNotFoundException", missing)
    assert_error(lambda: ddb.delete_backup(BackupArn=arn), "BackupNotFoundException", missing)
    assert_error(
        lambda: ddb.restore_table_from_backup(TargetTableName=f"{source}-x", BackupArn=arn),
        "BackupNotFoundException",
        missing,
    )
    assert arn not in [summary["BackupArn"] for summary in ddb.list_backups()["BackupSummaries"]]


def test_errors(ddb, backend, source):
    assert_error(
        lambda: ddb.create_backup(TableName="no-such-table", BackupName="nightly"),
        "TableNotFoundException",
        "Table not found: no-such-table",
    )
    arn = made_backup(ddb, backend, source)
    assert_error(
        lambda: ddb.restore_table_from_backup(TargetTableName=source, BackupArn=arn),
        "TableAlreadyExistsException",
        f"Table already exists: {source}",
    )
    with pytest.raises(ClientError) as excinfo:
        ddb.restore_table_from_backup(
            TargetTableName=f"{source}-y",
            BackupArn=arn,
            GlobalSecondaryIndexOverride=[
                {
                    "IndexName": "no-such-index",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
    assert excinfo.value.response["Error"]["Code"] == VALIDATION


def test_a_backup_being_created_cannot_be_deleted_or_restored(ddb, backend, source, target):
    if target.kind != "sim":
        pytest.skip("needs a backup held CREATING: the simulator's hold_jobs")
    with backend.sim.hold_jobs("backup"):
        arn = ddb.create_backup(TableName=source, BackupName="held")["BackupDetails"]["BackupArn"]
        backend.sim.advance(3600)
        assert backup_status(ddb, arn) == "CREATING"
        for call in (
            lambda: ddb.delete_backup(BackupArn=arn),
            lambda: ddb.restore_table_from_backup(TargetTableName=f"{source}-z", BackupArn=arn),
        ):
            with pytest.raises(ClientError) as excinfo:
                call()
            assert excinfo.value.response["Error"]["Code"] == "BackupInUseException"
    assert backup_status(ddb, arn) == "AVAILABLE"
