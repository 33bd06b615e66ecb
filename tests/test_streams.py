"""Streams on the simulator: subscriptions, retention and iterator expiry by the simulator's
clock, and the stream of a table loaded from disk."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

import dynasim


def table(sim: dynasim.Simulator, name: str = "orders", view_type: str | None = "NEW_IMAGE") -> Any:
    ddb = sim.client()
    options: dict[str, Any] = {}
    if view_type is not None:
        options["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **options,
    )
    return ddb


def test_subscription_gets_lambda_event_records_before_the_call_returns():
    sim = dynasim.Simulator()
    ddb = table(sim)
    seen: list[dict[str, Any]] = []
    subscription = sim.on_stream_record("orders", seen.append)
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "data": {"B": b"\x00\x01"}})
    assert len(seen) == 1
    record = seen[0]
    assert record["eventName"] == "INSERT" and record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == ddb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
    assert record["dynamodb"]["NewImage"] == {"id": {"S": "1"}, "data": {"B": "AAE="}}  # base64, as in Lambda
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], float)
    subscription.unsubscribe()
    ddb.delete_item(TableName="orders", Key={"id": {"S": "1"}})
    assert len(seen) == 1


def test_subscription_without_a_stream_gets_both_images():
    sim = dynasim.Simulator()
    ddb = table(sim, view_type=None)
    seen: list[dict[str, Any]] = []
    with sim.on_stream_record("orders", seen.append):
        ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "1"}})
        ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "2"}})
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}, "n": {"N": "3"}})
    assert [r["eventName"] for r in seen] == ["INSERT", "MODIFY"]
    assert seen[1]["dynamodb"]["OldImage"]["n"] == {"N": "1"} and seen[1]["dynamodb"]["NewImage"]["n"] == {"N": "2"}
    assert seen[1]["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_a_callback_may_write_and_its_records_follow_in_order():
    sim = dynasim.Simulator()
    ddb = table(sim)
    table(sim, "audit")
    order: list[str] = []

    def copy_to_audit(record: dict[str, Any]) -> None:
        order.append("orders:" + record["dynamodb"]["Keys"]["id"]["S"])
        ddb.put_item(TableName="audit", Item={"id": record["dynamodb"]["Keys"]["id"]})

    sim.on_stream_record("orders", copy_to_audit)
    sim.on_stream_record("audit", lambda record: order.append("audit:" + record["dynamodb"]["Keys"]["id"]["S"]))
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "orders", "Item": {"id": {"S": "1"}}}},
            {"Put": {"TableName": "orders", "Item": {"id": {"S": "2"}}}},
        ]
    )
    assert order == ["orders:1", "orders:2", "audit:1", "audit:2"]


def test_a_failing_callback_does_not_fail_the_write():
    sim = dynasim.Simulator()
    ddb = table(sim)

    def broken(record: dict[str, Any]) -> None:
        raise RuntimeError("consumer bug")

    subscription = sim.on_stream_record("orders", broken)
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
    assert ddb.get_item(TableName="orders", Key={"id": {"S": "1"}})["Item"]
    assert [str(error) for error in subscription.errors] == ["consumer bug"]


def test_subscriptions_from_many_threads_see_every_record_once():
    sim = dynasim.Simulator()
    ddb = table(sim)
    seen: list[str] = []
    sim.on_stream_record("orders", lambda record: seen.append(record["dynamodb"]["SequenceNumber"]))

    def write(number: int) -> None:
        for i in range(25):
            ddb.put_item(TableName="orders", Item={"id": {"S": f"{number}-{i}"}})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    ddb.describe_table(TableName="orders")  # delivers anything still pending
    assert len(seen) == 150 and seen == sorted(seen)


def reader(sim: dynasim.Simulator, ddb: Any) -> tuple[Any, str, str]:
    streams = sim.client("dynamodbstreams")
    arn = ddb.describe_table(TableName="orders")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    return streams, arn, shard


def test_records_are_kept_24_hours():
    sim = dynasim.Simulator()
    ddb = table(sim)
    streams, arn, shard = reader(sim, ddb)
    ddb.put_item(TableName="orders", Item={"id": {"S": "old"}})
    old = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    sim.advance(23 * 3600)
    ddb.put_item(TableName="orders", Item={"id": {"S": "new"}})
    sim.advance(3600 + 1)
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["new"]
    with pytest.raises(ClientError) as excinfo:
        streams.get_records(ShardIterator=old)
    assert excinfo.value.response["Error"]["Code"] in ("ExpiredIteratorException", "TrimmedDataAccessException")


def test_iterators_expire_after_15_minutes():
    sim = dynasim.Simulator()
    ddb = table(sim)
    streams, arn, shard = reader(sim, ddb)
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    sim.advance(14 * 60)
    page = streams.get_records(ShardIterator=iterator)
    sim.advance(2 * 60)
    with pytest.raises(ClientError) as excinfo:
        streams.get_records(ShardIterator=iterator)
    assert excinfo.value.response["Error"]["Code"] == "ExpiredIteratorException"
    streams.get_records(ShardIterator=page["NextShardIterator"])  # a fresh one still works


def test_mock_routes_the_streams_api():
    with dynasim.mock() as sim:
        import boto3

        ddb = boto3.client("dynamodb", region_name="us-east-1")
        table(sim)
        ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
        streams = boto3.client("dynamodbstreams", region_name="us-east-1")
        (listed,) = streams.list_streams()["Streams"]
        assert listed["TableName"] == "orders"


def test_stream_of_a_table_loaded_from_disk(tmp_path):
    from dynasim.persistence.store import DurableStore

    sim = dynasim.Simulator()
    with DurableStore(str(tmp_path)) as store:
        store.attach(sim.engine)
        table(sim)
    reloaded = dynasim.Simulator()
    with DurableStore(str(tmp_path)) as store:
        store.attach(reloaded.engine)
        ddb = reloaded.client()
        ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
        streams, arn, shard = reader(reloaded, ddb)
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
        assert len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]) == 1
