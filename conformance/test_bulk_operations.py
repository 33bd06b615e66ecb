"""StartBulkPutItems, DescribeBulkOperation, ListBulkOperations and CancelBulkOperation.

DynamoDB Local implements none of them, so every test follows the service's documents: the API
Reference of each operation and of BulkOperationDescription (its statuses: IN_PROGRESS, COMPLETED,
COMPLETED_WITH_ERRORS for items that failed parsing or validation, CANCELLING, CANCELLED, FAILED),
the Developer Guide's "Running a bulk put items operation", and botocore's model for the members.
A bulk load is IN_PROGRESS for minutes: the tests wait with `settle`.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.helpers import service_behaviour
from conformance.test_imports import json_lines, table_items
from conformance.transfers_support import bucket, settle

BULK_SOURCE = (
    "API Reference: StartBulkPutItems, DescribeBulkOperation, ListBulkOperations, CancelBulkOperation, "
    "BulkOperationDescription; Developer Guide: Running a bulk put items operation; botocore's DynamoDB model"
)
pytestmark = service_behaviour("DynamoDB Local does not implement bulk operations", source=BULK_SOURCE)
__all__ = ["bucket"]

ITEMS = [{"pk": {"S": f"k{n}"}, "n": {"N": str(n)}} for n in range(4)]
OUTPUT = {"OutputType": ["ERROR"]}


def start(ddb: Any, bucket: Any, table: str, prefix: str) -> dict[str, Any]:
    answer = ddb.start_bulk_put_items(
        TableName=table,
        InputS3Configuration={"S3Bucket": bucket.name, "S3KeyPrefix": prefix, "InputFormat": "DYNAMODB_JSON"},
        OutputS3Configuration={**OUTPUT, "S3Bucket": bucket.name},
    )
    description: dict[str, Any] = answer["BulkOperationDescription"]
    return description


def status(ddb: Any, arn: str) -> str:
    return str(ddb.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]["BulkOperationStatus"])


def ended(backend: Any, ddb: Any, arn: str) -> dict[str, Any]:
    settle(backend, lambda: status(ddb, arn) not in ("IN_PROGRESS", "CANCELLING"))
    description: dict[str, Any] = ddb.describe_bulk_operation(BulkOperationArn=arn)["BulkOperationDescription"]
    return description


def test_bulk_put_items_into_an_existing_table(backend, ddb, make_table, bucket):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "already"}})
    bucket.put("bulk/items.json", json_lines(ITEMS))
    started = start(ddb, bucket, name, "bulk/")
    assert started["BulkOperationStatus"] == "IN_PROGRESS"
    assert started["TableDetails"][0]["TableName"] == name
    done = ended(backend, ddb, started["BulkOperationArn"])
    assert done["BulkOperationStatus"] == "COMPLETED"
    assert done["ProcessedItemCount"] == len(ITEMS) and done["FailedItemCount"] == 0
    assert table_items(ddb, name) == [{"pk": {"S": "already"}}, *ITEMS]


def test_items_that_fail_validation_complete_with_errors(backend, ddb, make_table, bucket):
    name = make_table()
    bucket.put("mixed/items.json", json_lines([ITEMS[0], {"other": {"S": "no key"}}]))
    done = ended(backend, ddb, start(ddb, bucket, name, "mixed/")["BulkOperationArn"])
    assert done["BulkOperationStatus"] == "COMPLETED_WITH_ERRORS"
    assert done["FailedItemCount"] == 1 and done["ProcessedItemCount"] == 2
    assert table_items(ddb, name) == ITEMS[:1]


def test_bulk_put_into_a_missing_table(ddb, bucket):
    with pytest.raises(Exception) as excinfo:
        start(ddb, bucket, "no-such-table", "bulk/")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_missing_bucket_fails_with_s3s_error(backend, ddb, make_table, bucket):
    name = make_table()
    answer = ddb.start_bulk_put_items(
        TableName=name,
        InputS3Configuration={"S3Bucket": "dynasim-no-such-bucket", "InputFormat": "DYNAMODB_JSON"},
        OutputS3Configuration=OUTPUT,
    )
    done = ended(backend, ddb, answer["BulkOperationDescription"]["BulkOperationArn"])
    assert done["BulkOperationStatus"] == "FAILED" and done["FailureCode"] == "S3NoSuchBucket"


def test_cancel_while_in_progress(backend, ddb, make_table, bucket):
    name = make_table()
    bucket.put("cancel/items.json", json_lines(ITEMS))
    arn = start(ddb, bucket, name, "cancel/")["BulkOperationArn"]
    cancelled = ddb.cancel_bulk_operation(BulkOperationArn=arn)
    assert cancelled["BulkOperationArn"] == arn and cancelled["BulkOperationStatus"] == "CANCELLING"
    assert ended(backend, ddb, arn)["BulkOperationStatus"] == "CANCELLED"
    assert table_items(ddb, name) == []
    # cancelling an operation that has ended changes nothing
    assert ddb.cancel_bulk_operation(BulkOperationArn=arn)["BulkOperationStatus"] == "CANCELLED"


def test_describe_and_cancel_an_unknown_operation(ddb):
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/gone/bulk-operation/01695353076000-06e2188f"
    for call in (ddb.describe_bulk_operation, ddb.cancel_bulk_operation):
        with pytest.raises(Exception) as excinfo:
            call(BulkOperationArn=arn)
        assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_bulk_operations_in_pages(backend, ddb, make_table, bucket):
    name = make_table()
    bucket.put("list/items.json", json_lines(ITEMS[:1]))
    arns = [start(ddb, bucket, name, "list/")["BulkOperationArn"] for _ in range(3)]
    listed = ddb.list_bulk_operations()["BulkOperationsSummaryList"]
    assert [summary["BulkOperationArn"] for summary in listed] == arns
    page = ddb.list_bulk_operations(MaxResults=2)
    assert [summary["BulkOperationArn"] for summary in page["BulkOperationsSummaryList"]] == arns[:2]
    rest = ddb.list_bulk_operations(MaxResults=2, NextToken=page["NextToken"])
    assert [summary["BulkOperationArn"] for summary in rest["BulkOperationsSummaryList"]] == arns[2:]
    settle(backend, lambda: all(status(ddb, arn) == "COMPLETED" for arn in arns))


def test_a_repeated_client_token_answers_with_the_same_operation(ddb, make_table, bucket):
    name = make_table()
    source = {"S3Bucket": bucket.name, "S3KeyPrefix": "retry/", "InputFormat": "DYNAMODB_JSON"}

    def start_with(token: str, **input_members: Any) -> dict[str, Any]:
        return ddb.start_bulk_put_items(
            TableName=name,
            ClientToken=token,
            InputS3Configuration={**source, **input_members},
            OutputS3Configuration=OUTPUT,
        )["BulkOperationDescription"]

    first = start_with("bulk-1")
    assert start_with("bulk-1")["BulkOperationArn"] == first["BulkOperationArn"]
    with pytest.raises(Exception) as excinfo:
        start_with("bulk-1", S3KeyPrefix="other/")
    assert excinfo.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
