"""ImportTable, DescribeImport and ListImports.

DynamoDB Local implements none of them, so every test follows the service's documents: the API
Reference of each operation and of ImportTableDescription and ImportSummary, and the Developer
Guide's "DynamoDB data import from Amazon S3", "Amazon S3 import formats for DynamoDB" and "Import
format quotas and validation" (its examples: a CSV of 70 bytes, ProcessedSizeBytes 70; a bad
item's error "One or more parameter values were invalid: Missing the key pk in the item"). An
import is IN_PROGRESS and its table CREATING for minutes: the tests wait with `settle`.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from conformance.helpers import assert_error, service_behaviour
from conformance.test_exports import as_json, by_key, finished
from conformance.transfers_support import SCHEMA, Bucket, bucket, recovered_table, settle

IMPORTS_SOURCE = (
    "API Reference: ImportTable, DescribeImport, ListImports, ImportTableDescription, ImportSummary; "
    "Developer Guide: DynamoDB data import from Amazon S3, Amazon S3 import formats, "
    "Import format quotas and validation"
)
pytestmark = service_behaviour("DynamoDB Local does not implement imports", source=IMPORTS_SOURCE)
__all__ = ["bucket"]

ITEMS = [{"pk": {"S": f"k{n}"}, "n": {"N": str(n)}, "kind": {"S": "even" if n % 2 == 0 else "odd"}} for n in range(6)]


def json_lines(items: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps({"Item": item}).encode() + b"\n" for item in items)


def import_status(ddb: Any, arn: str) -> str:
    return str(ddb.describe_import(ImportArn=arn)["ImportTableDescription"]["ImportStatus"])


def imported(backend: Any, ddb: Any, arn: str) -> dict[str, Any]:
    settle(backend, lambda: import_status(ddb, arn) != "IN_PROGRESS")
    description: dict[str, Any] = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
    return description


def start(ddb: Any, bucket: Bucket, name: str, prefix: str, **members: Any) -> dict[str, Any]:
    members.setdefault("InputFormat", "DYNAMODB_JSON")
    parameters = {"TableName": name, **SCHEMA, **members.pop("creation", {})}
    answer = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket.name, "S3KeyPrefix": prefix}, TableCreationParameters=parameters, **members
    )
    description: dict[str, Any] = answer["ImportTableDescription"]
    return description


def table_items(ddb: Any, name: str) -> list[dict[str, Any]]:
    return by_key(ddb.scan(TableName=name)["Items"])


def test_import_creates_the_table_creating_then_active_with_the_items(backend, ddb, bucket):
    parts = [json_lines(ITEMS[:3]), json_lines(ITEMS[3:])]
    bucket.put("in/part-1.json", parts[0])
    bucket.put("in/part-2.json", parts[1])
    started = start(ddb, bucket, "imported-orders", "in/")
    assert started["ImportStatus"] == "IN_PROGRESS" and started["InputFormat"] == "DYNAMODB_JSON"
    assert started["ImportArn"].startswith(started["TableArn"] + "/import/")
    assert started["TableCreationParameters"]["TableName"] == "imported-orders"
    assert ddb.describe_table(TableName="imported-orders")["Table"]["TableStatus"] == "CREATING"
    done = imported(backend, ddb, started["ImportArn"])
    assert done["ImportStatus"] == "COMPLETED"
    assert done["ProcessedItemCount"] == done["ImportedItemCount"] == len(ITEMS) and done["ErrorCount"] == 0
    assert done["ProcessedSizeBytes"] == sum(len(part) for part in parts)
    assert done["CloudWatchLogGroupArn"].startswith("arn:aws:logs:")
    assert ddb.describe_table(TableName="imported-orders")["Table"]["TableStatus"] == "ACTIVE"
    assert table_items(ddb, "imported-orders") == ITEMS


def test_import_creates_the_global_indexes(backend, ddb, bucket):
    bucket.put("gsi/items.json.gz", gzip.compress(json_lines(ITEMS)))
    index = {
        "IndexName": "by-kind",
        "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    creation = {
        "AttributeDefinitions": [*SCHEMA["AttributeDefinitions"], {"AttributeName": "kind", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [index],
    }
    started = start(ddb, bucket, "imported-kinds", "gsi/", InputCompressionType="GZIP", creation=creation)
    assert imported(backend, ddb, started["ImportArn"])["ImportStatus"] == "COMPLETED"
    odd = ddb.query(
        TableName="imported-kinds",
        IndexName="by-kind",
        KeyConditionExpression="kind = :k",
        ExpressionAttributeValues={":k": {"S": "odd"}},
    )
    assert by_key(odd["Items"]) == [item for item in ITEMS if item["kind"]["S"] == "odd"]


def test_csv_import_with_a_header_line(backend, ddb, bucket):
    data = b"pk,n,note\nk1,1,first\nk2,2,\n"
    bucket.put("csv/items.csv", data)
    started = start(ddb, bucket, "imported-csv", "csv/items.csv", InputFormat="CSV")
    done = imported(backend, ddb, started["ImportArn"])
    assert done["ImportStatus"] == "COMPLETED" and done["ProcessedSizeBytes"] == len(data)
    # columns other than key attributes are imported as strings; an empty cell is left out
    assert table_items(ddb, "imported-csv") == [
        {"pk": {"S": "k1"}, "n": {"S": "1"}, "note": {"S": "first"}},
        {"pk": {"S": "k2"}, "n": {"S": "2"}},
    ]


def test_csv_import_with_header_list_and_delimiter(backend, ddb, bucket):
    bucket.put("tsv/items.tsv", b"k1\tone\nk2\ttwo\n")
    options = {"Csv": {"Delimiter": "\t", "HeaderList": ["pk", "word"]}}
    started = start(ddb, bucket, "imported-tsv", "tsv/", InputFormat="CSV", InputFormatOptions=options)
    assert started["InputFormatOptions"] == options
    assert imported(backend, ddb, started["ImportArn"])["ImportedItemCount"] == 2
    assert table_items(ddb, "imported-tsv") == [
        {"pk": {"S": "k1"}, "word": {"S": "one"}},
        {"pk": {"S": "k2"}, "word": {"S": "two"}},
    ]


def test_bad_items_are_counted_and_fail_the_import_with_item_validation_error(backend, ddb, bucket):
    bucket.put("bad/items.json", json_lines([ITEMS[0], {"id": {"S": "no-pk"}}, ITEMS[1]]))
    started = start(ddb, bucket, "imported-bad", "bad/")
    done = imported(backend, ddb, started["ImportArn"])
    assert done["ImportStatus"] == "FAILED" and done["FailureCode"] == "ItemValidationError"
    assert done["ErrorCount"] == 1 and done["ProcessedItemCount"] == 3 and done["ImportedItemCount"] == 2
    assert table_items(ddb, "imported-bad") == ITEMS[:2]  # the good items are imported, the table ACTIVE
    assert ddb.describe_table(TableName="imported-bad")["Table"]["TableStatus"] == "ACTIVE"


def test_import_from_a_missing_bucket_fails_and_leaves_no_table(backend, ddb, bucket):
    answer = ddb.import_table(
        S3BucketSource={"S3Bucket": "dynasim-no-such-bucket"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={"TableName": "imported-nothing", **SCHEMA},
    )
    done = imported(backend, ddb, answer["ImportTableDescription"]["ImportArn"])
    assert done["ImportStatus"] == "FAILED" and done["FailureCode"] == "S3NoSuchBucket"
    assert "imported-nothing" not in ddb.list_tables()["TableNames"]


def test_import_into_an_existing_table_is_refused(ddb, make_table, bucket):
    name = make_table()
    assert_error(
        lambda: start(ddb, bucket, name, "in/"),
        "ResourceInUseException",
        f"Table already exists: {name}",
    )


def test_describe_import_of_an_unknown_arn(ddb):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/gone/import/01695353076000-06e2188f"
    assert_error(lambda: ddb.describe_import(ImportArn=arn), "ImportNotFoundException", f"Import not found: {arn}")


def test_list_imports_by_table_and_in_pages(backend, ddb, bucket):
    bucket.put("list/items.json", json_lines(ITEMS[:1]))
    arns = [start(ddb, bucket, f"imported-list-{n}", "list/")["ImportArn"] for n in range(3)]
    listed = ddb.list_imports()["ImportSummaryList"]
    assert [summary["ImportArn"] for summary in listed] == arns
    assert all(summary["S3BucketSource"]["S3Bucket"] == bucket.name for summary in listed)
    page = ddb.list_imports(PageSize=2)
    assert [summary["ImportArn"] for summary in page["ImportSummaryList"]] == arns[:2]
    rest = ddb.list_imports(PageSize=2, NextToken=page["NextToken"])
    assert [summary["ImportArn"] for summary in rest["ImportSummaryList"]] == arns[2:]
    table_arn = ddb.describe_table(TableName="imported-list-1")["Table"]["TableArn"]
    assert [s["ImportArn"] for s in ddb.list_imports(TableArn=table_arn)["ImportSummaryList"]] == arns[1:2]


def test_an_export_imported_back_gives_the_same_items(backend, ddb, bucket):
    items = [{**item, "blob": {"B": bytes([n])}, "tags": {"SS": ["a", "b"]}} for n, item in enumerate(ITEMS)]
    _, arn = recovered_table(ddb, tuple(items))
    exported = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket.name, S3Prefix="round")
    done = finished(backend, ddb, exported["ExportDescription"]["ExportArn"])
    export_id = done["ExportArn"].rsplit("/", 1)[1]
    started = start(ddb, bucket, "round-trip", f"round/AWSDynamoDB/{export_id}/data/", InputCompressionType="GZIP")
    assert imported(backend, ddb, started["ImportArn"])["ImportedItemCount"] == len(items)
    got = table_items(ddb, "round-trip")
    assert got == by_key(items) and [as_json(item) for item in got] == [as_json(item) for item in by_key(items)]


def test_a_repeated_client_token_answers_with_the_same_import(ddb, bucket):
    bucket.put("retry/items.json", json_lines(ITEMS[:1]))
    first = start(ddb, bucket, "imported-retry", "retry/", ClientToken="load-1")
    # a retry of the same request is the same import, not a table that already exists
    assert start(ddb, bucket, "imported-retry", "retry/", ClientToken="load-1")["ImportArn"] == first["ImportArn"]
    with pytest.raises(Exception) as excinfo:
        start(ddb, bucket, "imported-retry", "other/", ClientToken="load-1")
    assert excinfo.value.response["Error"]["Code"] == "ImportConflictException"
