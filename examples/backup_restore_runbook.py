"""A backup-and-restore runbook, step by step as the DynamoDB Developer Guide gives it ("Backing up
a DynamoDB table", "Restoring a DynamoDB table from a backup": create-backup, describe-backup,
list-backups, restore-table-from-backup, wait for the table, delete-backup), written against
boto3 and nothing else. Run it against AWS with `python backup_restore_runbook.py TABLE`; the test
suite runs it unchanged on a simulator's client (tests/test_backup_runbook.py)."""

from __future__ import annotations

import sys
import time
from typing import Any


def wait_for_backup(dynamodb: Any, backup_arn: str, delay: float = 5, attempts: int = 120) -> None:
    """Poll describe-backup until the backup is AVAILABLE."""
    for _ in range(attempts):
        details = dynamodb.describe_backup(BackupArn=backup_arn)["BackupDescription"]["BackupDetails"]
        if details["BackupStatus"] == "AVAILABLE":
            return
        time.sleep(delay)
    raise TimeoutError(f"backup {backup_arn} is not available")


def backup_and_restore(dynamodb: Any, table_name: str, restored_table_name: str) -> dict[str, Any]:
    """Back `table_name` up, restore the backup as `restored_table_name`, delete the backup;
    return the restored table's description."""
    # Step 1: create an on-demand backup.
    backup = dynamodb.create_backup(TableName=table_name, BackupName=f"{table_name}Backup")
    backup_arn = backup["BackupDetails"]["BackupArn"]
    print("Backup requested:", backup_arn, backup["BackupDetails"]["BackupStatus"])

    # Step 2: wait for the backup, and find it among the table's backups.
    wait_for_backup(dynamodb, backup_arn)
    listed = dynamodb.list_backups(TableName=table_name)["BackupSummaries"]
    assert backup_arn in [summary["BackupArn"] for summary in listed]

    # Step 3: restore it to a new table, and wait until the table is ACTIVE.
    restored = dynamodb.restore_table_from_backup(TargetTableName=restored_table_name, BackupArn=backup_arn)
    print("Restore started:", restored["TableDescription"]["TableStatus"])
    dynamodb.get_waiter("table_exists").wait(TableName=restored_table_name)
    description = dynamodb.describe_table(TableName=restored_table_name)["Table"]
    while description["TableStatus"] != "ACTIVE" or description["RestoreSummary"]["RestoreInProgress"]:
        time.sleep(20)
        description = dynamodb.describe_table(TableName=restored_table_name)["Table"]
    print("Restored:", description["TableName"], description["ItemCount"], "items")

    # Step 4: the backup is no longer needed.
    deleted = dynamodb.delete_backup(BackupArn=backup_arn)
    print("Backup", deleted["BackupDescription"]["BackupDetails"]["BackupStatus"])
    return description


if __name__ == "__main__":
    import boto3

    source = sys.argv[1]
    backup_and_restore(boto3.client("dynamodb"), source, f"{source}-restored")
