"""ExportTableToPointInTime, DescribeExport and ListExports.

DynamoDB Local implements none of them, so every test follows the service's documents: the API
Reference of each operation and of ExportDescription and ExportSummary, the Developer Guide's
"DynamoDB data export to Amazon S3", "Incremental export" and "DynamoDB table export output
format", and the service's recorded answers (sources in `dynasim.errors`). An export is
IN_PROGRESS for minutes, then COMPLETED or FAILED: the tests wait with `settle`, which on the
simulator moves its clock.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import json
from typing import Any

import pytest

from conformance.helpers import assert_error, service_behaviour
from conformance.transfers_support import Bucket, bucket, recovered_table, settle, wait

EXPORTS_SOURCE = (
    "API Reference: ExportTableToPointInTime, DescribeExport, ListExports, ExportDescription, ExportSummary; "
    "Developer Guide: DynamoDB data export to Amazon S3, Incremental export, DynamoDB table export output format"
)
pytestmark = service_behaviour("DynamoDB Local does not implement exports", source=EXPORTS_SOURCE)
__all__ = ["bucket"]  # the fixture, for the tests below

ITEMS = [{"pk": {"S": f"k{n}"}, "n": {"N": str(n)}, "b": {"B": bytes([n, 255])}} for n in range(5)]


def export_status(ddb: Any, arn: str) -> str:
    return str(ddb.describe_export(ExportArn=arn)["ExportDescription"]["ExportStatus"])


def finished(backend: Any, ddb: Any, arn: str) -> dict[str, Any]:
    settle(backend, lambda: export_status(ddb, arn) != "IN_PROGRESS")
    description: dict[str, Any] = ddb.describe_export(ExportArn=arn)["ExportDescription"]
    return description


def data_lines(bucket: Bucket, summary_key: str) -> list[dict[str, Any]]:
    summary = json.loads(bucket.get(summary_key))
    lines = []
    for entry in bucket.get(summary["manifestFilesS3Key"]).splitlines():
        data = gzip.decompress(bucket.get(json.loads(entry)["dataFileS3Key"]))
        lines += [json.loads(line) for line in data.splitlines()]
    return lines


def as_json(item: dict[str, Any]) -> dict[str, Any]:
    """An item as DynamoDB JSON writes it: binary values in base64."""
    return {
        name: {"B": base64.b64encode(value["B"]).decode()} if "B" in value else value for name, value in item.items()
    }


def by_key(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item["pk"]["S"])


def test_full_export_is_in_progress_then_completed_with_the_table_items(backend, ddb, bucket):
    _, arn = recovered_table(ddb, tuple(ITEMS))
    answer = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, S3Prefix="nightly")
    started = answer["ExportDescription"]
    assert started["ExportStatus"] == "IN_PROGRESS"
    assert started["TableArn"] == arn and started["S3Bucket"] == bucket.name and started["S3Prefix"] == "nightly"
    assert started["ExportFormat"] == "DYNAMODB_JSON" and started["ExportType"] == "FULL_EXPORT"
    assert started["ExportArn"].startswith(f"{arn}/export/")
    assert "ExportManifest" not in started and "EndTime" not in started
    done = finished(backend, ddb, started["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED"
    assert done["ItemCount"] == len(ITEMS) and done["BilledSizeBytes"] > 0
    assert done["ExportManifest"].startswith("nightly/AWSDynamoDB/") and done["EndTime"] >= done["StartTime"]
    lines = data_lines(bucket, done["ExportManifest"])
    assert by_key([line["Item"] for line in lines]) == [as_json(item) for item in ITEMS]


def test_export_needs_point_in_time_recovery(ddb, make_table, bucket):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert_error(
        lambda: ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name),
        "PointInTimeRecoveryUnavailableException",
        f"Point in time recovery is not enabled for table '{name}'",
    )


def test_export_of_a_missing_table(ddb, bucket):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/no-such-table"
    with pytest.raises(Exception) as excinfo:
        ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name)
    assert excinfo.value.response["Error"]["Code"] == "TableNotFoundException"


def test_export_time_outside_the_recovery_window_is_invalid(ddb, bucket):
    _, arn = recovered_table(ddb)
    long_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=7)
    assert_error(
        lambda: ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, ExportTime=long_ago),
        "InvalidExportTimeException",
        "Export Time is invalid",
    )


def test_export_at_a_past_time_holds_the_items_of_that_time(backend, ddb, bucket):
    name, arn = recovered_table(ddb, tuple(ITEMS[:2]))
    wait(backend, 120)
    then = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    moment = then["PointInTimeRecoveryDescription"]["LatestRestorableDateTime"]
    wait(backend, 400)  # writes after `moment`, and LatestRestorableDateTime past it
    ddb.put_item(TableName=name, Item=ITEMS[2])
    ddb.delete_item(TableName=name, Key={"pk": ITEMS[0]["pk"]})
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, ExportTime=moment)
    done = finished(backend, ddb, started["ExportDescription"]["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 2
    lines = data_lines(bucket, done["ExportManifest"])
    assert by_key([line["Item"] for line in lines]) == [as_json(item) for item in ITEMS[:2]]


def test_ion_export(backend, ddb, bucket):
    _, arn = recovered_table(ddb, tuple(ITEMS))
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, ExportFormat="ION")
    done = finished(backend, ddb, started["ExportDescription"]["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED" and done["ExportFormat"] == "ION" and done["ItemCount"] == len(ITEMS)
    data_keys = [key for key in bucket.keys() if "/data/" in key]
    assert data_keys and all(key.endswith(".ion.gz") for key in data_keys)


def test_incremental_export_holds_the_changes_of_its_period(backend, ddb, bucket):
    name, arn = recovered_table(ddb, tuple(ITEMS[:2]))
    wait(backend, 60)
    start = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    start_time = start["PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"] + datetime.timedelta(seconds=30)
    wait(backend, 60)
    ddb.put_item(TableName=name, Item=ITEMS[3])
    ddb.put_item(TableName=name, Item={**ITEMS[1], "n": {"N": "100"}})
    ddb.delete_item(TableName=name, Key={"pk": ITEMS[0]["pk"]})
    wait(backend, 20 * 60)
    end_time = start_time + datetime.timedelta(minutes=16)
    started = ddb.export_table_to_point_in_time(
        TableArn=arn,
        S3Bucket=bucket.name,
        ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={
            "ExportFromTime": start_time,
            "ExportToTime": end_time,
            "ExportViewType": "NEW_AND_OLD_IMAGES",
        },
    )["ExportDescription"]
    assert started["ExportType"] == "INCREMENTAL_EXPORT"
    assert started["IncrementalExportSpecification"]["ExportViewType"] == "NEW_AND_OLD_IMAGES"
    done = finished(backend, ddb, started["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED" and done["ItemCount"] == 3
    lines = {line["Keys"]["pk"]["S"]: line for line in data_lines(bucket, done["ExportManifest"])}
    assert set(lines) == {"k0", "k1", "k3"}
    assert "NewImage" not in lines["k0"] and lines["k0"]["OldImage"] == as_json(ITEMS[0])
    assert lines["k1"]["NewImage"]["n"] == {"N": "100"} and lines["k1"]["OldImage"] == as_json(ITEMS[1])
    assert lines["k3"]["NewImage"] == as_json(ITEMS[3]) and "OldImage" not in lines["k3"]


def test_incremental_export_period_must_be_at_least_15_minutes(backend, ddb, bucket):
    name, arn = recovered_table(ddb)
    wait(backend, 30 * 60)
    window = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    start_time = window["PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"]
    with pytest.raises(Exception) as excinfo:
        ddb.export_table_to_point_in_time(
            TableArn=arn,
            S3Bucket=bucket.name,
            ExportType="INCREMENTAL_EXPORT",
            IncrementalExportSpecification={
                "ExportFromTime": start_time,
                "ExportToTime": start_time + datetime.timedelta(minutes=5),
            },
        )
    assert excinfo.value.response["Error"]["Code"] == "InvalidExportTimeException"


def test_export_to_a_missing_bucket_fails_with_s3s_error(backend, ddb, bucket):
    _, arn = recovered_table(ddb, tuple(ITEMS))
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="dynasim-no-such-bucket")
    assert started["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
    done = finished(backend, ddb, started["ExportDescription"]["ExportArn"])
    assert done["ExportStatus"] == "FAILED" and done["FailureCode"] == "S3NoSuchBucket"
    expected = "The specified bucket does not exist (Service: Amazon S3; Status Code: 404"
    assert done["FailureMessage"].startswith(expected)


def test_describe_export_of_an_unknown_arn(ddb):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/gone/export/01695353076000-06e2188f"
    assert_error(lambda: ddb.describe_export(ExportArn=arn), "ExportNotFoundException", f"Export not found: {arn}")


def test_list_exports_by_table_and_in_pages(backend, ddb, bucket):
    _, first = recovered_table(ddb)
    _, second = recovered_table(ddb)
    arns = [
        ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=bucket.name)["ExportDescription"]["ExportArn"]
        for table in (first, first, first, second)
    ]
    listed = ddb.list_exports(TableArn=first)["ExportSummaries"]
    assert [summary["ExportArn"] for summary in listed] == arns[:3]
    assert all(summary["ExportType"] == "FULL_EXPORT" for summary in listed)
    page = ddb.list_exports(TableArn=first, MaxResults=2)
    assert [summary["ExportArn"] for summary in page["ExportSummaries"]] == arns[:2]
    rest = ddb.list_exports(TableArn=first, MaxResults=2, NextToken=page["NextToken"])
    assert [summary["ExportArn"] for summary in rest["ExportSummaries"]] == arns[2:3] and "NextToken" not in rest
    settle(backend, lambda: all(export_status(ddb, arn) == "COMPLETED" for arn in arns))
    assert {s["ExportStatus"] for s in ddb.list_exports(TableArn=second)["ExportSummaries"]} == {"COMPLETED"}


def test_a_repeated_client_token_answers_with_the_same_export(ddb, bucket):
    _, arn = recovered_table(ddb)
    first = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, ClientToken="nightly-1")
    again = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, ClientToken="nightly-1")
    assert again["ExportDescription"]["ExportArn"] == first["ExportDescription"]["ExportArn"]
    assert len(ddb.list_exports(TableArn=arn)["ExportSummaries"]) == 1
    with pytest.raises(Exception) as excinfo:
        ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, S3Prefix="other", ClientToken="nightly-1")
    assert excinfo.value.response["Error"]["Code"] == "ExportConflictException"
