"""EnableKinesisStreamingDestination, DisableKinesisStreamingDestination,
UpdateKinesisStreamingDestination, DescribeKinesisStreamingDestination: statuses and errors.
DynamoDB Local does not implement Kinesis streaming destinations, so every test follows the
service's recorded answers.

These tests need no Kinesis stream: they use a stream ARN of another region, which the service
(and dynasim) accepts with ENABLING and then fails (ENABLE_FAILED). Records delivered to a real
stream are tested in tests/test_kinesis_destinations.py, with moto's Kinesis."""

from __future__ import annotations

import time
from typing import Any

from conformance.conftest import unique_name
from conformance.helpers import (
    NOT_FOUND,
    VALIDATION,
    assert_error,
    service_behaviour,
    strip_metadata,
    table_not_found_named,
)

SOURCE = (
    "ack-api-quirks dynamodb live-service findings, 2026-10-09 (DDB-TABLE-268, -299, -300, -302, -318); API "
    "Reference, EnableKinesisStreamingDestination, KinesisDataStreamDestination"
)
pytestmark = service_behaviour("DynamoDB Local does not implement Kinesis streaming destinations", source=SOURCE)

STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: "
DISABLE_NOT_ALLOWED = STATE + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation."
OTHER_REGION = (
    "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region"
)


def elsewhere(ddb: Any, table: str, name: str = "changes") -> str:
    """A Kinesis stream ARN of the table's account in another region."""
    _, _, _, region, account, _ = ddb.describe_table(TableName=table)["Table"]["TableArn"].split(":", 5)
    other = "eu-north-1" if region != "eu-north-1" else "us-east-1"
    return f"arn:aws:kinesis:{other}:{account}:stream/{name}"


def destinations(ddb: Any, table: str) -> list[dict[str, Any]]:
    return ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"]


def settle(ddb: Any, table: str, stream: str, status: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = [entry for entry in destinations(ddb, table) if entry["StreamArn"] == stream]
        if found and found[0]["DestinationStatus"] == status:
            return found[0]
        assert time.monotonic() < deadline, f"destination {stream} not {status} after {timeout}s: {found}"
        time.sleep(0.2)


def test_no_destination(ddb, make_table):
    table = make_table()
    assert strip_metadata(ddb.describe_kinesis_streaming_destination(TableName=table)) == {
        "TableName": table,
        "KinesisDataStreamDestinations": [],
    }


def test_a_stream_elsewhere_fails_after_enabling(ddb, make_table):
    table = make_table()
    stream = elsewhere(ddb, table)
    assert strip_metadata(ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=stream)) == {
        "TableName": table,
        "StreamArn": stream,
        "DestinationStatus": "ENABLING",
        "EnableKinesisStreamingConfiguration": {},
    }
    assert destinations(ddb, table)[0]["DestinationStatus"] == "ENABLING"
    assert_error(
        lambda: ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=elsewhere(ddb, table, "other")),
        VALIDATION,
        STATE + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation.",
    )
    assert_error(
        lambda: ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=stream),
        VALIDATION,
        DISABLE_NOT_ALLOWED,
    )
    failed = settle(ddb, table, stream, "ENABLE_FAILED")
    assert failed == {
        "StreamArn": stream,
        "DestinationStatus": "ENABLE_FAILED",
        "DestinationStatusDescription": OTHER_REGION,
    }


def test_failed_entries_accumulate_and_flip(ddb, make_table):
    table = make_table()
    first, second = elsewhere(ddb, table, "one"), elsewhere(ddb, table, "two")
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=first)
    settle(ddb, table, first, "ENABLE_FAILED")
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=second)
    settle(ddb, table, second, "ENABLE_FAILED")
    assert [entry["StreamArn"] for entry in destinations(ddb, table)] == [second, first]
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=first)  # flips its entry
    settle(ddb, table, first, "ENABLE_FAILED")
    assert sorted(entry["StreamArn"] for entry in destinations(ddb, table)) == sorted([first, second])
    assert_error(
        lambda: ddb.update_kinesis_streaming_destination(
            TableName=table,
            StreamArn=first,
            UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
        ),
        VALIDATION,
        STATE
        + f"Kinesis streaming is not in ACTIVE state. Updates are only allowed in ACTIVE state. TableName: {table}",
    )
    assert_error(
        lambda: ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=first),
        VALIDATION,
        DISABLE_NOT_ALLOWED,
    )


def test_disable_of_a_stream_never_attached(ddb, make_table):
    table = make_table()
    assert_error(
        lambda: ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=elsewhere(ddb, table)),
        VALIDATION,
        DISABLE_NOT_ALLOWED,
    )


def test_update_needs_a_configuration(ddb, make_table):
    table = make_table()
    for configuration in ({}, None):
        extra = {} if configuration is None else {"UpdateKinesisStreamingConfiguration": configuration}
        assert_error(
            lambda extra=extra: ddb.update_kinesis_streaming_destination(
                TableName=table, StreamArn=elsewhere(ddb, table), **extra
            ),
            VALIDATION,
            "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration "
            "cannot be null or contain only null values",
        )


def test_missing_table(ddb):
    name = unique_name("missing")
    stream = f"arn:aws:kinesis:us-east-1:123456789012:stream/{name}"
    for call in (
        lambda: ddb.describe_kinesis_streaming_destination(TableName=name),
        lambda: ddb.enable_kinesis_streaming_destination(TableName=name, StreamArn=stream),
        lambda: ddb.disable_kinesis_streaming_destination(TableName=name, StreamArn=stream),
    ):
        assert_error(call, NOT_FOUND, table_not_found_named(name))
