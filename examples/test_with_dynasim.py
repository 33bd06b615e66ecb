"""Testing a small order service with dynasim's pytest plugin: no conftest, only the documented
fixtures (`dynasim`, `dynamodb`, `dynamodb_resource`), the `dynasim_tables` and `dynasim_only`
markers, and the Simulator's API.

    python -m pytest examples/test_with_dynasim.py                                   # the simulator
    python -m pytest examples/test_with_dynasim.py --dynasim-target=http://localhost:8000   # DynamoDB

Against a real endpoint, the tests marked `dynasim_only` (faults, latency, limits, the call log,
virtual time, eventual consistency) are skipped and the others run unchanged.
"""

from __future__ import annotations

import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError
from hypothesis import HealthCheck, given, settings

from dynasim import strategies as ds

ORDERS = {
    "tables": [
        {
            "TableName": "orders",
            "KeySchema": [
                {"AttributeName": "customer", "KeyType": "HASH"},
                {"AttributeName": "order_id", "KeyType": "RANGE"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "customer", "AttributeType": "S"},
                {"AttributeName": "order_id", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"},
            ],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-status",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
                }
            ],
            "Items": [
                {"customer": {"S": "alice"}, "order_id": {"S": "o-1"}, "status": {"S": "PAID"}, "total": {"N": "30"}},
                {"customer": {"S": "bob"}, "order_id": {"S": "o-2"}, "status": {"S": "NEW"}, "total": {"N": "12.5"}},
            ],
        }
    ]
}

pytestmark = pytest.mark.dynasim_tables(ORDERS)


# --- the code under test -----------------------------------------------------------------------


def place_order(ddb, customer: str, order_id: str, total: str) -> bool:
    """Create an order once; a retry of the same order is not an error (idempotent). Returns
    whether this call created it."""
    try:
        ddb.put_item(
            TableName="orders",
            Item={
                "customer": {"S": customer},
                "order_id": {"S": order_id},
                "status": {"S": "NEW"},
                "total": {"N": total},
            },
            ConditionExpression="attribute_not_exists(order_id)",
        )
        return True
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


def orders_of(ddb, customer: str) -> list[str]:
    response = ddb.query(
        TableName="orders",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": customer}},
    )
    return [item["order_id"]["S"] for item in response["Items"]]


def new_orders(ddb) -> list[str]:
    response = ddb.query(
        TableName="orders",
        IndexName="by-status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "NEW"}},
    )
    return sorted(item["order_id"]["S"] for item in response["Items"])


# --- tests that run on the simulator and on a real endpoint ----------------------------------


def test_declared_tables_start_every_test(dynamodb):
    assert orders_of(dynamodb, "alice") == ["o-1"]
    assert place_order(dynamodb, "alice", "o-3", "5")
    assert not place_order(dynamodb, "alice", "o-3", "5")
    assert orders_of(dynamodb, "alice") == ["o-1", "o-3"]


def test_each_test_gets_the_declared_items_back(dynamodb):
    assert orders_of(dynamodb, "alice") == ["o-1"]  # o-3 from the test before is gone


def test_the_resource_too(dynamodb_resource):
    table = dynamodb_resource.Table("orders")
    assert table.get_item(Key={"customer": "bob", "order_id": "o-2"})["Item"]["total"] == 12.5


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item=ds.items(ORDERS["tables"][0]))
def test_any_valid_order_reads_back_equal(dynamodb, item):
    dynamodb.put_item(TableName="orders", Item=item)
    key = {"customer": item["customer"], "order_id": item["order_id"]}
    read = dynamodb.get_item(TableName="orders", Key=key, ConsistentRead=True)["Item"]
    assert ds.canonical(read) == ds.canonical(item)  # sets come back in any order


# --- tests that need the simulator -----------------------------------------------------------


@pytest.mark.dynasim_only
def test_the_call_log_shows_what_the_code_did(dynasim, dynamodb):
    place_order(dynamodb, "carol", "o-9", "1")
    place_order(dynamodb, "carol", "o-9", "1")
    calls = dynasim.verify_operation("PutItem", table="orders")
    assert [call.error_code for call in calls] == [None, "ConditionalCheckFailedException"]
    dynasim.call_log.assert_called("PutItem", times=2, where=lambda request: "ConditionExpression" in request)
    dynasim.call_log.assert_no_scan()


@pytest.mark.dynasim_only
def test_throttle_twice_then_succeed(dynasim):
    dynasim.inject_fault("PutItem", error=["ProvisionedThroughputExceededException"] * 2 + [None])
    ddb = dynasim.client(config=Config(retries={"mode": "legacy", "max_attempts": 3}))
    assert place_order(ddb, "dave", "o-5", "9")
    assert [call.error_code for call in dynasim.verify_operation("PutItem")] == [
        "ProvisionedThroughputExceededException",
        "ProvisionedThroughputExceededException",
        None,
    ]


@pytest.mark.dynasim_only
def test_a_lost_response_and_the_retry_are_harmless(dynasim):
    dynasim.inject_fault("PutItem", error="ResponseLost", times=1)
    ddb = dynasim.client(config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    with pytest.raises(ConnectionClosedError):
        place_order(ddb, "erin", "o-6", "3")  # applied, but the answer never came
    assert not place_order(ddb, "erin", "o-6", "3")  # the caller's retry finds it: no duplicate
    assert orders_of(ddb, "erin") == ["o-6"]


@pytest.mark.dynasim_only
def test_slow_queries_on_a_virtual_clock(dynasim, dynamodb):
    dynasim.set_latency("Query", seconds=0.2, virtual=True)
    started, clock_before = time.perf_counter(), dynasim.clock.now()
    orders_of(dynamodb, "alice")
    assert time.perf_counter() - started < 0.2  # nothing slept...
    assert dynasim.clock.now() - clock_before >= 0.2  # ...but the simulator's time moved
    assert dynasim.call_log.last.latency == 0.2


@pytest.mark.dynasim_only
def test_provisioned_capacity_throttles(dynasim):
    dynasim.clock.freeze()
    dynasim.enable_throughput_limits()
    ddb = dynasim.client(config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    for i in range(5):  # 5 WCU: one second's worth
        place_order(ddb, "frank", f"o-{i}", "1")
    with pytest.raises(ClientError, match="ProvisionedThroughputExceededException"):
        place_order(ddb, "frank", "o-5", "1")
    dynasim.advance(1)  # a second later the bucket has refilled
    assert place_order(ddb, "frank", "o-5", "1")


@pytest.mark.dynasim_only
def test_virtual_time(dynasim, dynamodb):
    dynasim.clock.freeze(1_700_000_000)
    dynasim.advance(3600)
    dynamodb.create_table(
        TableName="audit",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    created = dynamodb.describe_table(TableName="audit")["Table"]["CreationDateTime"]
    assert created.timestamp() == 1_700_003_600


@pytest.mark.dynasim_only
def test_code_that_assumes_read_after_write_on_an_index(dynasim, dynamodb):
    dynasim.enable_eventual_consistency(lag=1.0, seed=1)
    place_order(dynamodb, "gina", "o-7", "4")
    assert new_orders(dynamodb) == ["o-2"]  # the index has not caught up yet
    dynasim.advance(1.0)
    assert new_orders(dynamodb) == ["o-2", "o-7"]


@pytest.mark.dynasim_only
def test_the_lookup_stays_within_its_capacity_budget(dynasim, dynamodb):
    with dynasim.capacity_budget(read=1, write=0, scan=False) as budget:
        orders_of(dynamodb, "alice")
    assert budget.read_units == 0.5
    with pytest.raises(AssertionError, match="made 1 Scan call"), dynasim.assert_no_scan():
        dynamodb.scan(TableName="orders")
