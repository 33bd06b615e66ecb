"""Eventual consistency, on request: global indexes lag, eventually consistent reads may be stale."""

from __future__ import annotations

import pytest

import dynasim
from dynasim.doubles.consistency import RecentWrites
from dynasim.engine.registry import HANDLERS


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.clock.freeze(1_000_000.0)
    simulator.handle(
        "CreateTable",
        {
            "TableName": "users",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "email", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-email",
                    "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )
    return simulator


def put(sim, pk, email, **extra):
    sim.handle("PutItem", {"TableName": "users", "Item": {"pk": {"S": pk}, "email": {"S": email}, **extra}})


def by_email(sim, email):
    response = sim.handle(
        "Query",
        {
            "TableName": "users",
            "IndexName": "by-email",
            "KeyConditionExpression": "email = :e",
            "ExpressionAttributeValues": {":e": {"S": email}},
        },
    )
    return [item["pk"]["S"] for item in response["Items"]]


def get(sim, pk, consistent=False):
    response = sim.handle("GetItem", {"TableName": "users", "Key": {"pk": {"S": pk}}, "ConsistentRead": consistent})
    return response.get("Item")


def test_off_by_default_everything_is_read_after_write(sim):
    put(sim, "u1", "a@x")
    assert by_email(sim, "a@x") == ["u1"]


def test_a_global_index_sees_writes_only_after_the_lag(sim):
    sim.enable_eventual_consistency(lag=1.0, seed=0)
    put(sim, "u1", "a@x")
    assert by_email(sim, "a@x") == []  # the index has not caught up
    assert get(sim, "u1", consistent=True)["email"] == {"S": "a@x"}  # the table has
    sim.advance(1.0)
    assert by_email(sim, "a@x") == ["u1"]


def test_an_index_shows_the_previous_version_while_it_lags(sim):
    put(sim, "u1", "old@x")
    sim.enable_eventual_consistency(lag=2.0, seed=0)
    put(sim, "u1", "new@x")
    sim.handle("DeleteItem", {"TableName": "users", "Key": {"pk": {"S": "u1"}}})
    assert by_email(sim, "old@x") == ["u1"]
    assert by_email(sim, "new@x") == []
    sim.advance(2.0)
    assert by_email(sim, "old@x") == [] and by_email(sim, "new@x") == []


def test_reading_does_not_change_the_data(sim):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0, seed=0)
    put(sim, "u1", "a@x")
    for _ in range(3):
        assert by_email(sim, "a@x") == []
        assert get(sim, "u1") is None
    assert get(sim, "u1", consistent=True) is not None
    table = sim.engine.tables["users"]
    assert table.item_count == 1 and table.indexes["by-email"].item_count == 1


def test_eventually_consistent_reads_may_return_the_previous_version(sim):
    put(sim, "u1", "a@x", n={"N": "1"})
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=0.5, seed=42)
    put(sim, "u1", "a@x", n={"N": "2"})
    seen = [get(sim, "u1")["n"]["N"] for _ in range(40)]
    assert set(seen) == {"1", "2"}
    assert all(get(sim, "u1", consistent=True)["n"]["N"] == "2" for _ in range(10))
    sim.advance(1)
    assert {get(sim, "u1")["n"]["N"] for _ in range(10)} == {"2"}


def test_stale_reads_are_seeded(sim):
    def run():
        simulator = dynasim.Simulator()
        simulator.clock.freeze(0.0)
        simulator.handle(
            "CreateTable",
            {
                "TableName": "t-seeded",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        )
        simulator.enable_eventual_consistency(seed=5)
        simulator.handle("PutItem", {"TableName": "t-seeded", "Item": {"pk": {"S": "a"}}})
        return [
            "Item" in simulator.handle("GetItem", {"TableName": "t-seeded", "Key": {"pk": {"S": "a"}}})
            for _ in range(30)
        ]

    assert run() == run()


def test_scans_and_queries_of_the_table_may_be_stale_too(sim):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0, seed=0)
    put(sim, "u1", "a@x")
    assert sim.handle("Scan", {"TableName": "users"})["Count"] == 0
    assert sim.handle("Scan", {"TableName": "users", "ConsistentRead": True})["Count"] == 1
    sim.advance(1)
    assert sim.handle("Scan", {"TableName": "users"})["Count"] == 1


def test_disable_and_the_change_feed_are_untouched(sim):
    seen = []

    class Observer:
        def committed(self, changes):
            seen.extend(changes)

    sim.engine.observers.append(Observer())
    before = list(sim.engine.observers)
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0)
    put(sim, "u1", "a@x")
    get(sim, "u1")
    by_email(sim, "a@x")
    assert len(seen) == 1  # the reads' temporary views never reach observers
    sim.disable_eventual_consistency()
    assert by_email(sim, "a@x") == ["u1"]
    assert sim.engine.observers == before


@pytest.mark.skipif("BatchGetItem" not in HANDLERS, reason="BatchGetItem is not in the engine yet")
def test_batch_get_may_be_stale(sim):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0)
    put(sim, "u1", "a@x")
    keys = {"Keys": [{"pk": {"S": "u1"}}]}
    assert sim.handle("BatchGetItem", {"RequestItems": {"users": keys}})["Responses"]["users"] == []
    strong = sim.handle("BatchGetItem", {"RequestItems": {"users": {**keys, "ConsistentRead": True}}})
    assert len(strong["Responses"]["users"]) == 1


def test_a_stale_read_never_changes_the_live_table(sim, monkeypatch):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0, seed=0)
    put(sim, "u1", "a@x", n={"N": "1"})
    sim.advance(1)
    put(sim, "u1", "b@x", n={"N": "2"})
    table = sim.engine.tables["users"]

    def refuse(*args, **kwargs):
        raise AssertionError("a read changed the live table")

    monkeypatch.setattr(table, "put", refuse)
    monkeypatch.setattr(table, "delete", refuse)
    assert get(sim, "u1")["n"]["N"] == "1"
    assert by_email(sim, "a@x") == ["u1"] and by_email(sim, "b@x") == []
    assert sim.handle("Scan", {"TableName": "users"})["Items"][0]["n"] == {"N": "1"}
    assert sim.engine.tables["users"] is table and table.get("u1")["n"] == {"N": "2"}


def test_stale_reads_beside_immediate_ttl_expire_from_the_live_table():
    simulator = dynasim.Simulator(ttl="immediate")
    simulator.clock.freeze(1_000_000.0)
    simulator.handle(
        "CreateTable",
        {
            "TableName": "sessions",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    simulator.handle(
        "UpdateTimeToLive",
        {"TableName": "sessions", "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True}},
    )
    simulator.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0)
    simulator.handle("PutItem", {"TableName": "sessions", "Item": {"pk": {"S": "s1"}, "expires": {"N": "1000001.5"}}})
    simulator.advance(1.2)
    simulator.handle("PutItem", {"TableName": "sessions", "Item": {"pk": {"S": "s2"}}})
    simulator.advance(0.5)  # s1 has expired; s2 is still unseen by eventually consistent reads
    assert simulator.handle("Scan", {"TableName": "sessions"})["Items"] == []
    assert simulator.engine.tables["sessions"].get("s1") is None  # the sweep deleted it from the table
    assert [
        item["pk"]["S"] for item in simulator.handle("Scan", {"TableName": "sessions", "ConsistentRead": True})["Items"]
    ] == ["s2"]


KEYED_BY_PK = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def test_every_region_lags_its_own_writes_those_added_later_too(sim):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0, seed=0)
    for region in ("eu-west-1", "ap-south-1"):  # the second held only after the mode is on
        ddb = sim.client(region_name=region)
        ddb.create_table(TableName="users", **KEYED_BY_PK)
        ddb.put_item(TableName="users", Item={"pk": {"S": "u1"}})
        assert "Item" not in ddb.get_item(TableName="users", Key={"pk": {"S": "u1"}})  # not seen yet
        assert "Item" in ddb.get_item(TableName="users", Key={"pk": {"S": "u1"}}, ConsistentRead=True)
    sim.advance(1.0)
    assert "Item" in sim.client(region_name="eu-west-1").get_item(TableName="users", Key={"pk": {"S": "u1"}})
    sim.disable_eventual_consistency()
    assert not any(isinstance(seen, RecentWrites) for engine in sim._regions for seen in engine.observers)


def test_regions_given_to_the_simulator_take_the_mode_when_it_is_switched_on():
    sim = dynasim.Simulator(regions=["eu-west-1"])
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0)
    west = sim.client(region_name="eu-west-1")
    west.create_table(TableName="tab", **KEYED_BY_PK)
    west.put_item(TableName="tab", Item={"pk": {"S": "a"}})
    assert "Item" not in west.get_item(TableName="tab", Key={"pk": {"S": "a"}})
