"""Throughput limits: token buckets with burst capacity, per-partition limits, on-demand limits."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import dynasim
from dynasim import errors
from dynasim.engine.registry import HANDLERS
from dynasim.errors import DynamoDBError

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def create(sim, name, read=None, write=None, gsi_write=None):
    request = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    }
    if read is None:
        request["BillingMode"] = "PAY_PER_REQUEST"
    else:
        request["ProvisionedThroughput"] = {"ReadCapacityUnits": read, "WriteCapacityUnits": write}
    if gsi_write is not None:
        request["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": gsi_write},
            }
        ]
    sim.handle("CreateTable", request)


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.clock.freeze(1_000_000.0)
    return simulator


def put(sim, table, key="a", size=0, **extra):
    item = {"pk": {"S": key}, **extra}
    if size:
        item["pad"] = {"S": "x" * size}
    return sim.handle("PutItem", {"TableName": table, "Item": item})


def test_off_by_default(sim):
    create(sim, "small", 1, 1)
    for _ in range(50):
        put(sim, "small")


def test_provisioned_writes_throttle_at_capacity_and_refill(sim):
    create(sim, "small", 5, 5)
    sim.enable_throughput_limits()
    for i in range(5):
        put(sim, "small", f"k{i}")
    with pytest.raises(DynamoDBError) as raised:
        put(sim, "small", "k5")
    assert raised.value.code == "ProvisionedThroughputExceededException"
    assert raised.value.message == (
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API."
    )
    assert sim.handle("GetItem", {"TableName": "small", "Key": {"pk": {"S": "k5"}}, "ConsistentRead": True}) == {}
    sim.advance(1)
    put(sim, "small", "k5")


def test_throttled_requests_are_unapplied_and_logged(sim):
    create(sim, "small", 1, 1)
    sim.enable_throughput_limits()
    ddb = sim.client(config=NO_RETRIES)
    ddb.put_item(TableName="small", Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError) as raised:
        ddb.put_item(TableName="small", Item={"pk": {"S": "b"}})
    assert raised.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
    call = sim.call_log.last
    assert call.error_code == "ProvisionedThroughputExceededException" and not call.applied and call.fault is None


def test_reads_cost_half_when_eventually_consistent(sim):
    create(sim, "small", 2, 1)
    sim.enable_throughput_limits()
    put(sim, "small")
    key = {"TableName": "small", "Key": {"pk": {"S": "a"}}}
    for _ in range(4):
        sim.handle("GetItem", key)  # 0.5 RCU each
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceeded"):
        sim.handle("GetItem", key)
    sim.advance(1)
    sim.handle("GetItem", {**key, "ConsistentRead": True})
    sim.handle("GetItem", {**key, "ConsistentRead": True})
    with pytest.raises(DynamoDBError):
        sim.handle("GetItem", {**key, "ConsistentRead": True})


def test_large_items_consume_more_and_the_bucket_goes_into_debt(sim):
    create(sim, "small", 1, 2)
    sim.enable_throughput_limits()
    put(sim, "small", size=4000)  # 4 WCU with 2 available: allowed, the bucket goes to -2
    limiter = sim._doubles.limiter
    assert limiter.available(sim.engine, "small", "write") == -2
    sim.advance(1)
    with pytest.raises(DynamoDBError):
        put(sim, "small")  # 0 units
    sim.advance(0.5)
    put(sim, "small")


def test_burst_capacity_accrues_up_to_300_seconds(sim):
    create(sim, "small", 1, 2)
    sim.enable_throughput_limits()
    put(sim, "small")  # creates the bucket: 2 units, 1 left
    sim.advance(10_000)
    limiter = sim._doubles.limiter
    assert limiter.available(sim.engine, "small", "write") == 600  # 300 s of 2 WCU
    for i in range(600):
        put(sim, "small", f"k{i}")
    with pytest.raises(DynamoDBError):
        put(sim, "small")


def test_a_hot_partition_throttles_at_1000_wcu(sim):
    create(sim, "big", 40_000, 40_000)
    sim.enable_throughput_limits()
    sim.advance(300)
    for _ in range(1000):
        put(sim, "big", "hot")
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceeded"):
        put(sim, "big", "hot")
    put(sim, "big", "cold")  # another partition is fine
    sim.advance(1)
    put(sim, "big", "hot")


def test_partition_limits_can_be_switched_off(sim):
    create(sim, "big", 40_000, 40_000)
    sim.enable_throughput_limits(partition_limits=False)
    sim.advance(300)
    for _ in range(1100):
        put(sim, "big", "hot")


def test_on_demand_tables_are_unlimited_unless_given_a_limit(sim):
    create(sim, "free")
    create(sim, "capped")
    sim.enable_throughput_limits(on_demand={"capped": (10, 2)})
    for _ in range(100):
        put(sim, "free", "k")  # within the per-partition limit
    put(sim, "capped", "a")
    put(sim, "capped", "b")
    with pytest.raises(DynamoDBError) as raised:
        put(sim, "capped", "c")
    assert raised.value.code == "ThrottlingException"
    assert raised.value.message == errors.on_demand_throttled().message
    assert raised.value.status == 400


def test_an_on_demand_hot_key_is_throttled_with_throttling_exception(sim):
    create(sim, "free")
    sim.enable_throughput_limits()
    for _ in range(1000):
        put(sim, "free", "hot")
    with pytest.raises(DynamoDBError) as raised:
        put(sim, "free", "hot")
    assert raised.value.code == "ThrottlingException"


def test_a_global_index_without_write_capacity_throttles_table_writes(sim):
    create(sim, "indexed", 100, 100, gsi_write=1)
    sim.enable_throughput_limits()
    put(sim, "indexed", "a", g={"S": "x"})
    with pytest.raises(DynamoDBError) as raised:
        put(sim, "indexed", "b", g={"S": "y"})
    assert raised.value.message == errors.index_throughput_exceeded().message
    assert "global secondary indexes" in raised.value.message


def test_index_queries_draw_on_the_index_read_capacity(sim):
    create(sim, "indexed", 100, 100, gsi_write=100)
    sim.enable_throughput_limits()
    put(sim, "indexed", "a", g={"S": "x"})
    query = {
        "TableName": "indexed",
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "x"}},
    }
    sim.handle("Query", query)  # 0.5 of the index's 1 RCU
    sim.handle("Query", query)
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceeded"):
        sim.handle("Query", query)
    sim.handle("GetItem", {"TableName": "indexed", "Key": {"pk": {"S": "a"}}})  # the table has its own


def test_update_table_changes_the_rate(sim):
    create(sim, "small", 1, 1)
    sim.enable_throughput_limits()
    put(sim, "small")
    with pytest.raises(DynamoDBError):
        put(sim, "small")
    sim.handle(
        "UpdateTable",
        {"TableName": "small", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 10}},
    )
    sim.advance(1)
    for _ in range(10):
        put(sim, "small")


def test_retrying_clients_recover_once_capacity_returns():
    sim = dynasim.Simulator()
    create(sim, "small", 1, 1)
    sim.enable_throughput_limits()
    ddb = sim.client(config=Config(retries={"mode": "standard", "max_attempts": 10}))
    ddb.put_item(TableName="small", Item={"pk": {"S": "a"}})
    ddb.put_item(TableName="small", Item={"pk": {"S": "b"}})  # retried with real back-off until refilled
    assert sim.call_log.count("PutItem", error="ProvisionedThroughputExceededException") >= 1


def test_disable(sim):
    create(sim, "small", 1, 1)
    sim.enable_throughput_limits()
    put(sim, "small")
    sim.disable_throughput_limits()
    put(sim, "small")


@pytest.mark.skipif("BatchWriteItem" not in HANDLERS, reason="BatchWriteItem is not in the engine yet")
def test_batch_writes_return_throttled_tables_as_unprocessed(sim):
    create(sim, "small", 1, 1)
    create(sim, "free")
    sim.enable_throughput_limits()
    put(sim, "small")
    response = sim.handle(
        "BatchWriteItem",
        {
            "RequestItems": {
                "small": [{"PutRequest": {"Item": {"pk": {"S": "s"}}}}],
                "free": [{"PutRequest": {"Item": {"pk": {"S": "f"}}}}],
            }
        },
    )
    assert response["UnprocessedItems"] == {"small": [{"PutRequest": {"Item": {"pk": {"S": "s"}}}}]}
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceeded"):
        sim.handle("BatchWriteItem", {"RequestItems": {"small": [{"PutRequest": {"Item": {"pk": {"S": "s"}}}}]}})



def test_each_region_has_its_own_buckets_for_a_table_of_one_name(sim):
    create(sim, "small", 1, 1)
    limiter = sim.enable_throughput_limits()
    east, west = sim.client(config=NO_RETRIES), sim.client(config=NO_RETRIES, region_name="eu-west-1")
    west.create_table(
        TableName="small",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    east.put_item(TableName="small", Item={"pk": {"S": "a"}})
    with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
        east.put_item(TableName="small", Item={"pk": {"S": "b"}})
    west.put_item(TableName="small", Item={"pk": {"S": "a"}})  # its own bucket, still full
    assert limiter.available(sim.engine_of("eu-west-1"), "small") == limiter.available(sim.engine, "small") == 0
