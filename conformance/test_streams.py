"""DynamoDB Streams: StreamSpecification on CreateTable/UpdateTable, DescribeTable's stream
members, ListStreams, DescribeStream, GetShardIterator and GetRecords."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conformance import target_clock
from conformance.conftest import Backend
from conformance.helpers import (
    FRAMEWORK,
    NOT_FOUND,
    VALIDATION,
    assert_error,
    clause,
    constraint_error,
    null_clause,
    service_behaviour,
)


def S(value: str) -> dict[str, str]:
    return {"S": value}


def N(value: Any) -> dict[str, str]:
    return {"N": str(value)}


@pytest.fixture
def streams(backend: Backend, ddb: Any) -> Any:
    """A DynamoDB Streams client on the same target as `ddb` (client-side validation off)."""
    return backend.client(Config(parameter_validation=False), "dynamodbstreams")


def streamed_table(ddb: Any, make_table: Any, view_type: str = "NEW_AND_OLD_IMAGES", **options: Any) -> tuple[str, str]:
    name = make_table(**options)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return name, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


def shard_of(streams: Any, arn: str) -> str:
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def read_all(streams: Any, arn: str, kind: str = "TRIM_HORIZON", **position: Any) -> list[dict[str, Any]]:
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard_of(streams, arn), ShardIteratorType=kind, **position
    )["ShardIterator"]
    return streams.get_records(ShardIterator=iterator)["Records"]


def summary(records: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any], Any, Any]]:
    return [
        (r["eventName"], r["dynamodb"]["Keys"], r["dynamodb"].get("OldImage"), r["dynamodb"].get("NewImage"))
        for r in records
    ]


# --- stream settings -----------------------------------------------------------------------


def test_create_table_with_a_stream(ddb, make_table, streams):
    name = f"t-{uuid.uuid4().hex[:12]}"
    description = ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    assert description["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    table = ddb.describe_table(TableName=name)["Table"]
    arn, label = table["LatestStreamArn"], table["LatestStreamLabel"]
    assert arn == f"{table['TableArn']}/stream/{label}"
    stream = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert stream["StreamStatus"] == "ENABLED" and stream["StreamViewType"] == "KEYS_ONLY"
    assert stream["TableName"] == name and stream["StreamLabel"] == label
    assert stream["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert len(stream["Shards"]) == 1 and "EndingSequenceNumber" not in stream["Shards"][0]["SequenceNumberRange"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": label}]
    # StreamEnabled false: no stream.
    plain = make_table()
    assert "StreamSpecification" not in ddb.describe_table(TableName=plain)["Table"]
    assert streams.list_streams(TableName=plain)["Streams"] == []


def test_disable_and_enable_again(ddb, make_table, streams):
    name, first = streamed_table(ddb, make_table, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": S("a")})
    updated = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})["TableDescription"]
    assert "StreamSpecification" not in updated and updated["LatestStreamArn"] == first
    stream = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert stream["StreamStatus"] == "DISABLED"
    shard = stream["Shards"][0]["SequenceNumberRange"]
    assert shard["EndingSequenceNumber"] == shard["StartingSequenceNumber"]  # its only record
    ddb.put_item(TableName=name, Item={"pk": S("b")})  # no stream: no record
    time.sleep(0.002)
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    second = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    assert second != first
    assert [s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]] == [second, first]
    assert summary(read_all(streams, first)) == [("INSERT", {"pk": S("a")}, None, None)]
    assert read_all(streams, second) == []


@pytest.mark.parametrize(
    ("specification", "message"),
    [
        (
            {"StreamEnabled": True},
            "Invalid StreamViewType: Stream ViewType must not be null or empty when enabling streams.",
        ),
        (
            {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"},
            "Invalid StreamViewType: Stream StreamEnabled was false but a StreamViewType was present.",
        ),
        pytest.param(
            {"StreamViewType": "KEYS_ONLY"},
            constraint_error(null_clause("streamSpecification.streamEnabled")),
            marks=FRAMEWORK,
        ),
    ],
)
def test_stream_specification_errors(ddb_raw, make_table, specification, message):
    name = make_table()
    assert_error(lambda: ddb_raw.update_table(TableName=name, StreamSpecification=specification), VALIDATION, message)
    assert_error(
        lambda: ddb_raw.create_table(
            TableName=f"t-{uuid.uuid4().hex[:12]}",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification=specification,
        ),
        VALIDATION,
        message,
    )


def test_enabling_twice_and_disabling_nothing(ddb, make_table):
    name, _ = streamed_table(ddb, make_table)
    for view_type in ("NEW_AND_OLD_IMAGES", "KEYS_ONLY"):
        assert_error(
            lambda view_type=view_type: ddb.update_table(
                TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type}
            ),
            VALIDATION,
            "Table already has an enabled stream",
        )
    plain = make_table()
    assert_error(
        lambda: ddb.update_table(TableName=plain, StreamSpecification={"StreamEnabled": False}),
        VALIDATION,
        "Table has no stream to disable",
    )


@service_behaviour(
    "DynamoDB Local accepts any StreamViewType",
    source="API Reference, StreamSpecification: StreamViewType valid values (botocore's StreamViewType enum)",
)
def test_unknown_view_type(ddb_raw, make_table):
    name = make_table()
    with pytest.raises(ClientError) as excinfo:
        ddb_raw.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "X"})
    assert excinfo.value.response["Error"]["Code"] == VALIDATION


# --- records -------------------------------------------------------------------------------


def test_records_of_every_view_type(ddb, backend, make_table, streams):
    item = {"pk": S("a"), "sk": S("b"), "n": N(1)}
    key = {"pk": S("a"), "sk": S("b")}
    changed = {**item, "n": N(22)}
    for view_type, sizes, images in [
        ("KEYS_ONLY", [6, 6, 6], [(None, None), (None, None), (None, None)]),
        ("NEW_IMAGE", [15, 15, 6], [(None, item), (None, changed), (None, None)]),
        ("OLD_IMAGE", [6, 15, 15], [(None, None), (item, None), (changed, None)]),
        ("NEW_AND_OLD_IMAGES", [15, 24, 15], [(None, item), (item, changed), (changed, None)]),
    ]:
        name, arn = streamed_table(ddb, make_table, view_type, range_key="S")
        before = target_clock.now(backend)
        ddb.put_item(TableName=name, Item=item)
        ddb.update_item(TableName=name, Key=key, UpdateExpression="SET n = :v", ExpressionAttributeValues={":v": N(22)})
        ddb.delete_item(TableName=name, Key=key)
        records = read_all(streams, arn)
        assert summary(records) == [
            (event, key, old, new) for event, (old, new) in zip(["INSERT", "MODIFY", "REMOVE"], images, strict=True)
        ]
        assert [r["dynamodb"]["SizeBytes"] for r in records] == sizes
        numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        assert numbers == sorted(numbers) and len(set(numbers)) == 3
        for record in records:
            assert record["eventVersion"] == "1.1" and record["eventSource"] == "aws:dynamodb"
            assert record["dynamodb"]["StreamViewType"] == view_type
            assert len(record["dynamodb"]["SequenceNumber"]) == 21
            created = record["dynamodb"]["ApproximateCreationDateTime"].timestamp()
            # DynamoDB Local rounds down to the minute
            assert before - 60 <= created <= target_clock.now(backend)
            assert record["eventID"] and "userIdentity" not in record


def test_no_record_for_a_write_that_changes_nothing(ddb, make_table, streams):
    name, arn = streamed_table(ddb, make_table)
    ddb.put_item(TableName=name, Item={"pk": S("a"), "n": N(1)})
    ddb.put_item(TableName=name, Item={"pk": S("a"), "n": N(1)})
    ddb.delete_item(TableName=name, Key={"pk": S("missing")})
    assert [r["eventName"] for r in read_all(streams, arn)] == ["INSERT"]


@service_behaviour(
    "DynamoDB Local creates the item for an update that only removes, and records an INSERT",
    source="scylladb/scylladb test/alternator/test_item.py test_update_item_non_existent (passes on DynamoDB); "
    "scylladb/scylladb#5862",
)
def test_no_record_for_an_update_that_only_removes_from_a_missing_item(ddb, make_table, streams):
    name, arn = streamed_table(ddb, make_table)
    ddb.update_item(TableName=name, Key={"pk": S("a")}, UpdateExpression="REMOVE x")
    ddb.update_item(
        TableName=name, Key={"pk": S("b")}, UpdateExpression="SET x = :v", ExpressionAttributeValues={":v": N(1)}
    )
    assert [(r["eventName"], r["dynamodb"]["Keys"]) for r in read_all(streams, arn)] == [("INSERT", {"pk": S("b")})]


def test_batches_and_transactions_in_order(ddb, make_table, streams):
    name, arn = streamed_table(ddb, make_table, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": S("a")})
    ddb.put_item(TableName=name, Item={"pk": S("b")})
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": S("t")}}},
            {"Delete": {"TableName": name, "Key": {"pk": S("a")}}},
        ]
    )
    ddb.batch_write_item(
        RequestItems={name: [{"PutRequest": {"Item": {"pk": S("c")}}}, {"DeleteRequest": {"Key": {"pk": S("b")}}}]}
    )
    with pytest.raises(ClientError):  # cancelled: no records
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": name, "Item": {"pk": S("x")}}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": {"pk": S("t")},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )
    events = [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in read_all(streams, arn)]
    assert events == [
        ("INSERT", "a"),
        ("INSERT", "b"),
        ("INSERT", "t"),
        ("REMOVE", "a"),
        ("INSERT", "c"),
        ("REMOVE", "b"),
    ]


def test_iterators(ddb, make_table, streams):
    name, arn = streamed_table(ddb, make_table, "KEYS_ONLY")
    shard = shard_of(streams, arn)
    for pk in "ab":
        ddb.put_item(TableName=name, Item={"pk": S(pk)})
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    first_page = streams.get_records(
        ShardIterator=streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
            "ShardIterator"
        ],
        Limit=1,
    )
    assert [r["dynamodb"]["Keys"] for r in first_page["Records"]] == [{"pk": S("a")}]
    rest = streams.get_records(ShardIterator=first_page["NextShardIterator"])
    assert [r["dynamodb"]["Keys"] for r in rest["Records"]] == [{"pk": S("b")}]
    first, second = (r["dynamodb"]["SequenceNumber"] for r in first_page["Records"] + rest["Records"])
    keys = lambda records: [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]  # noqa: E731
    assert keys(read_all(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=first)) == ["a", "b"]
    assert keys(read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=first)) == ["b"]
    assert keys(read_all(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)) == []
    ddb.put_item(TableName=name, Item={"pk": S("c")})
    assert keys(streams.get_records(ShardIterator=latest)["Records"]) == ["c"]
    assert keys(streams.get_records(ShardIterator=latest)["Records"]) == ["c"]  # iterators can be reused


@service_behaviour(
    "DynamoDB Local does not know the AT_TIMESTAMP iterator type",
    source="API Reference, DynamoDB Streams GetShardIterator (ShardIteratorType AT_TIMESTAMP, Timestamp); "
    "botocore's dynamodbstreams model",
)
def test_iterator_at_a_timestamp(ddb, backend, make_table, streams):
    if "Timestamp" not in streams.meta.service_model.shape_for("GetShardIteratorInput").members:
        pytest.skip("this botocore's model predates AT_TIMESTAMP iterators (added in botocore 1.44)")
    name, arn = streamed_table(ddb, make_table, "KEYS_ONLY")
    shard = shard_of(streams, arn)
    ddb.put_item(TableName=name, Item={"pk": S("a")})
    target_clock.elapse(backend, 1.1)  # the two writes a clear second apart
    between = target_clock.now(backend)
    ddb.put_item(TableName=name, Item={"pk": S("b")})
    keys = lambda records: [r["dynamodb"]["Keys"]["pk"]["S"] for r in records]  # noqa: E731
    assert keys(read_all(streams, arn, "AT_TIMESTAMP", Timestamp=between - 3600)) == ["a", "b"]
    assert keys(read_all(streams, arn, "AT_TIMESTAMP", Timestamp=between)) == ["b"]
    future = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="AT_TIMESTAMP", Timestamp=target_clock.now(backend) + 60
    )["ShardIterator"]
    assert streams.get_records(ShardIterator=future)["Records"] == []
    with pytest.raises(ClientError) as missing:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_TIMESTAMP")
    assert missing.value.response["Error"]["Code"] == VALIDATION  # no recorded text for the message


def test_deleting_the_table_closes_its_stream(ddb, make_table, streams):
    name, arn = streamed_table(ddb, make_table, "KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": S("a")})
    ddb.delete_table(TableName=name)
    stream = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert stream["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in stream["Shards"][0]["SequenceNumberRange"]
    assert [s["StreamArn"] for s in streams.list_streams(TableName=name)["Streams"]] == [arn]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=stream["Shards"][0]["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = streams.get_records(ShardIterator=iterator)
    assert len(page["Records"]) == 1 and "NextShardIterator" not in page  # a closed shard read to its end


# --- errors --------------------------------------------------------------------------------


@pytest.fixture
def stream(ddb: Any, make_table: Any, streams: Any) -> Iterator[tuple[str, str]]:
    _, arn = streamed_table(ddb, make_table)
    yield arn, shard_of(streams, arn)


STREAM_ARN_SOURCE = (
    "scylladb/scylladb test/alternator/test_streams.py (test_describe_nonexistent_stream, "
    "test_get_shard_iterator_for_nonexistent_stream, test_list_streams_with_nonexistent_last_stream: "
    "ValidationException on DynamoDB); aws/aws-sdk-js test/integration (describeStream fake-stream: "
    "'Invalid StreamArn'); awslabs dynamodb-streams-kinesis-adapter tests and node-dynamodb-stream#16 "
    "('Requested resource not found: Shard does not exist')"
)


def test_describe_and_list_errors(streams, stream):
    arn, shard = stream
    missing = arn.rsplit("/", 1)[0] + "/2000-01-01T00:00:00.000"
    assert_error(
        lambda: streams.describe_stream(StreamArn=missing),
        NOT_FOUND,
        f"Requested resource not found: Stream: {missing} not found",
    )
    below = (
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    assert_error(lambda: streams.describe_stream(StreamArn=arn, Limit=0), VALIDATION, below)
    assert_error(
        lambda: streams.describe_stream(StreamArn=arn, Limit=101),
        VALIDATION,
        "One or more parameter values were invalid: Limit cannot be greater than the maximum: 100",
    )
    assert_error(
        lambda: streams.describe_stream(StreamArn=arn, ExclusiveStartShardId="shardId-x"),
        VALIDATION,
        "1 validation error detected: Value 'shardId-x' at 'exclusiveStartShardId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 28",
    )
    assert streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard)["StreamDescription"]["Shards"] == []
    assert_error(lambda: streams.list_streams(Limit=0), VALIDATION, below)
    assert_error(
        lambda: streams.list_streams(Limit=101),
        VALIDATION,
        "One or more parameter values were invalid: Limit cannot be greater than the maximum allowed size: 100",
    )
    assert streams.list_streams(TableName="nope-table")["Streams"] == []


@FRAMEWORK
def test_stream_arn_shorter_than_the_model_allows(streams, stream):
    _, shard = stream
    short = constraint_error(clause("garbage", "streamArn", "must have length greater than or equal to 37"))
    assert_error(lambda: streams.describe_stream(StreamArn="garbage"), VALIDATION, short)
    assert_error(
        lambda: streams.get_shard_iterator(StreamArn="garbage", ShardId=shard, ShardIteratorType="LATEST"),
        VALIDATION,
        short,
    )


@service_behaviour("DynamoDB Local answers ResourceNotFoundException for any unknown ARN", source=STREAM_ARN_SOURCE)
def test_malformed_stream_arn(streams, stream):
    arn, shard = stream
    # (An ARN shorter than 37 characters breaks the model's constraint first: see above.)
    for malformed in ("x" * 40, arn.split("/stream/")[0], arn.replace(":dynamodb:", ":kinesis:")):
        for call in (
            lambda malformed=malformed: streams.describe_stream(StreamArn=malformed),
            lambda malformed=malformed: streams.get_shard_iterator(
                StreamArn=malformed, ShardId=shard, ShardIteratorType="LATEST"
            ),
            lambda malformed=malformed: streams.list_streams(ExclusiveStartStreamArn=malformed),
        ):
            assert_error(call, VALIDATION, "Invalid StreamArn")


@service_behaviour(
    "DynamoDB Local's texts lack the 'Requested resource not found: ' DynamoDB puts first", source=STREAM_ARN_SOURCE
)
def test_unknown_stream_or_shard(streams, stream):
    arn, shard = stream
    missing = arn.rsplit("/", 1)[0] + "/2000-01-01T00:00:00.000"
    iterator = lambda **kw: streams.get_shard_iterator(**{"StreamArn": arn, "ShardId": shard, **kw})  # noqa: E731
    assert_error(
        lambda: iterator(StreamArn=missing, ShardIteratorType="LATEST"),
        NOT_FOUND,
        "Requested resource not found: Stream does not exist",
    )
    for unknown in ("shardId-00000000000000000000-00000000", "semprinidfaasdasfsdvacsdcfsdsvsdvsdvsdvsdvsdv"):
        assert_error(
            lambda unknown=unknown: iterator(ShardId=unknown, ShardIteratorType="LATEST"),
            NOT_FOUND,
            "Requested resource not found: Shard does not exist",
        )


def test_shard_filter(streams, stream):
    arn, shard = stream
    children = streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shard})
    assert children["StreamDescription"]["Shards"] == []  # a new stream's shard has no children yet
    assert len(streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]) == 1


@service_behaviour(
    "DynamoDB Local accepts any ShardFilter Type", source="botocore's dynamodbstreams model, ShardFilterType enum"
)
def test_shard_filter_type(streams, stream):
    arn, shard = stream
    assert_error(
        lambda: streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "PARENT", "ShardId": shard}),
        VALIDATION,
        "1 validation error detected: Value 'PARENT' at 'shardFilter.type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [CHILD_SHARDS]",
    )


def test_shard_iterator_errors(streams, stream):
    arn, shard = stream
    iterator = lambda **kw: streams.get_shard_iterator(**{"StreamArn": arn, "ShardId": shard, **kw})  # noqa: E731
    for kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
        assert_error(
            lambda kind=kind: iterator(ShardIteratorType=kind),
            VALIDATION,
            "One or more parameter values were invalid: Invalid SequenceNumber",
        )
    for kind in ("LATEST", "TRIM_HORIZON"):
        assert_error(
            lambda kind=kind: iterator(ShardIteratorType=kind, SequenceNumber="0" * 21),
            VALIDATION,
            "One or more parameter values were invalid: SequenceNumber should not be passed for this iterator type",
        )
    assert_error(
        lambda: iterator(ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber="abc"),
        VALIDATION,
        "1 validation error detected: Value 'abc' at 'sequenceNumber' failed to satisfy constraint: "
        "Member must have length greater than or equal to 21",
    )
    assert_error(
        lambda: iterator(ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber="0" * 21),
        VALIDATION,
        "Invalid SequenceNumber for the shard",
    )


def test_get_records_errors(streams, stream):
    arn, shard = stream
    assert_error(lambda: streams.get_records(ShardIterator="garbage"), VALIDATION, "Invalid ShardIterator")
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    assert_error(
        lambda: streams.get_records(ShardIterator=latest, Limit=0),
        VALIDATION,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )
    assert_error(
        lambda: streams.get_records(ShardIterator=latest, Limit=1001),
        VALIDATION,
        "One or more parameter values were invalid: Limit should be less than or equal to 1000",
    )
