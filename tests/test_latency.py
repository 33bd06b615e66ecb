"""Injected latency: slept or virtual, per operation and table, fixed or drawn; in the call log."""

from __future__ import annotations

import time

import pytest

import dynasim
from dynasim.doubles import choice, exponential, lognormal, normal, uniform


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    for name in ("orders", "users"):
        simulator.client().create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    simulator.call_log.clear()
    return simulator


def get(sim, table="orders"):
    sim.client().get_item(TableName=table, Key={"pk": {"S": "a"}})
    return sim.call_log.last


def test_real_latency_is_slept(sim):
    sim.set_latency("GetItem", seconds=0.2)
    started = time.perf_counter()
    call = get(sim)
    assert time.perf_counter() - started >= 0.2
    assert call.latency == 0.2 and call.duration >= 0.2


def test_virtual_latency_moves_the_clock_and_sleeps_nothing(sim):
    sim.clock.freeze(1000.0)
    sim.set_latency("Query", seconds=5, virtual=True)
    started = time.perf_counter()
    sim.client().query(
        TableName="orders",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "a"}},
    )
    assert time.perf_counter() - started < 1
    call = sim.call_log.last
    assert call.latency == 5 and call.duration >= 5
    assert call.start == 1000.0 and sim.clock.now() == 1005.0


def test_rules_match_operation_and_table_and_the_last_one_wins(sim):
    sim.set_latency("*", seconds=1, virtual=True)
    sim.set_latency("GetItem", seconds=2, virtual=True, table="users")
    assert get(sim).latency == 1
    assert get(sim, "users").latency == 2
    sim.client().list_tables()
    assert sim.call_log.last.latency == 1
    sim.clear_latency()
    assert get(sim).latency == 0


def test_ranges_and_distributions_are_seeded(sim):
    def draws(seconds, seed):
        simulator = dynasim.Simulator()
        simulator.set_latency("ListTables", seconds=seconds, virtual=True, seed=seed)
        for _ in range(20):
            simulator.handle("ListTables", {})
        return [call.latency for call in simulator.call_log]

    for seconds in [(0.01, 0.05), uniform(1, 2), normal(0.1, 0.05), exponential(0.2), lognormal(0.1, 0.5)]:
        first = draws(seconds, 4)
        assert first == draws(seconds, 4)
        assert all(value >= 0 for value in first) and len(set(first)) > 1
    assert all(0.01 <= value <= 0.05 for value in draws((0.01, 0.05), 1))
    assert set(draws(choice([0.1, 0.3]), 2)) == {0.1, 0.3}


def test_removing_a_rule(sim):
    rule = sim.set_latency("GetItem", seconds=3, virtual=True)
    rule.remove()
    assert get(sim).latency == 0
    with pytest.raises(ValueError):
        sim.set_latency("GetItem", seconds=-1)


def test_latency_applies_through_the_http_endpoint(sim):
    import boto3

    sim.set_latency("ListTables", seconds=0.1)
    with sim.serve() as server:
        client = boto3.client(
            "dynamodb",
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        started = time.perf_counter()
        client.list_tables()
        assert time.perf_counter() - started >= 0.1
    assert sim.call_log.last.front == "http" and sim.call_log.last.latency == 0.1


def test_latency_can_name_the_index_a_read_uses(sim):
    sim.client().update_table(
        TableName="orders",
        AttributeDefinitions=[{"AttributeName": "status", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-status",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    sim.set_latency("Query", seconds=2.0, index="by-status", virtual=True)
    ddb = sim.client()
    before = sim.clock.now()
    ddb.query(TableName="orders", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})
    assert sim.call_log.last.duration < 2.0
    ddb.query(
        TableName="orders",
        IndexName="by-status",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "new"}},
    )
    assert sim.call_log.last.duration >= 2.0 and sim.clock.now() - before >= 2.0
