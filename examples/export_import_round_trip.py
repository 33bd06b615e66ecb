"""An export to Amazon S3 and an import back, step by step as the DynamoDB Developer Guide gives
them ("DynamoDB data export to Amazon S3": turn on point-in-time recovery, export-table-to-point-in-
time, describe-export until COMPLETED, the manifest-summary.json under
AWSDynamoDB/<ExportId>/; "DynamoDB data import from Amazon S3": import-table from the export's data
files, describe-import until COMPLETED, the new table ACTIVE), written against boto3 and nothing
else. Run it against AWS with `python export_import_round_trip.py TABLE BUCKET`; the test suite runs
it unchanged on a simulator's client, with moto's S3 as the bucket (tests/test_export_import_example.py).
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def wait_for(describe: Any, status_of: Any, delay: float = 20, attempts: int = 180) -> dict[str, Any]:
    """Poll `describe()` until `status_of(answer)` is no longer IN_PROGRESS."""
    for _ in range(attempts):
        answer: dict[str, Any] = describe()
        if status_of(answer) != "IN_PROGRESS":
            return answer
        time.sleep(delay)
    raise TimeoutError("the job is still in progress")


def export_and_import(dynamodb: Any, s3: Any, table_name: str, bucket: str, imported_table_name: str) -> dict[str, Any]:
    """Export `table_name` to `bucket`, import the export into `imported_table_name`; return the
    import's description."""
    # Step 1: exports read the table's point-in-time recovery data: turn it on.
    dynamodb.update_continuous_backups(
        TableName=table_name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    table = dynamodb.describe_table(TableName=table_name)["Table"]

    # Step 2: export the table as it is now, in DynamoDB JSON.
    export = dynamodb.export_table_to_point_in_time(
        TableArn=table["TableArn"], S3Bucket=bucket, S3Prefix="exports", ExportFormat="DYNAMODB_JSON"
    )["ExportDescription"]
    print("Export started:", export["ExportArn"], export["ExportStatus"])
    export = wait_for(
        lambda: dynamodb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"],
        lambda description: description["ExportStatus"],
    )
    if export["ExportStatus"] != "COMPLETED":
        raise RuntimeError(f"export failed: {export.get('FailureCode')}: {export.get('FailureMessage')}")
    print("Exported", export["ItemCount"], "items; manifest", export["ExportManifest"])

    # Step 3: the manifest summary says where the data files are.
    summary = json.loads(s3.get_object(Bucket=bucket, Key=export["ExportManifest"])["Body"].read())
    data_prefix = summary["manifestFilesS3Key"].rsplit("/", 1)[0] + "/data/"

    # Step 4: import the data files into a new table with the same key schema.
    definitions = table["AttributeDefinitions"]
    imported = dynamodb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": data_prefix},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters={
            "TableName": imported_table_name,
            "AttributeDefinitions": definitions,
            "KeySchema": table["KeySchema"],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )["ImportTableDescription"]
    print("Import started:", imported["ImportArn"], imported["ImportStatus"])
    imported = wait_for(
        lambda: dynamodb.describe_import(ImportArn=imported["ImportArn"])["ImportTableDescription"],
        lambda description: description["ImportStatus"],
    )
    dynamodb.get_waiter("table_exists").wait(TableName=imported_table_name)
    print(
        "Imported", imported["ImportedItemCount"], "items,", imported["ErrorCount"], "errors:", imported["ImportStatus"]
    )
    return imported


if __name__ == "__main__":
    import boto3

    source, target_bucket = sys.argv[1], sys.argv[2]
    export_and_import(boto3.client("dynamodb"), boto3.client("s3"), source, target_bucket, f"{source}-imported")
