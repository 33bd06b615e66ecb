"""The test doubles know a call by what it touches (`Engine.touches`), so PartiQL calls count as
the operations they stand for: in the call log, capacity budgets, scans, faults, latency,
throughput limits, eventual consistency and differential replay."""

from __future__ import annotations

import pytest

import dynasim
from dynasim.errors import DynamoDBError
from dynasim.recording import seed, simulate
from dynasim.recording.cassette import Cassette, Interaction, header


def create(sim, name="orders", provisioned=None):
    request = {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if provisioned is not None:
        del request["BillingMode"]
        request["ProvisionedThroughput"] = {"ReadCapacityUnits": provisioned, "WriteCapacityUnits": provisioned}
        request["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"] = dict(request["ProvisionedThroughput"])
    sim.handle("CreateTable", request)


def statement(sim, text, **extra):
    return sim.handle("ExecuteStatement", {"Statement": text, **extra})


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.clock.freeze(1_000_000.0)
    create(simulator)
    create(simulator, "users")
    return simulator


def test_partiql_writes_are_logged_with_their_table_and_as_write_units(sim):
    statement(sim, "INSERT INTO orders VALUE {'pk': 'o-1', 'status': 'new'}")
    statement(sim, "UPDATE orders SET status = 'paid' WHERE pk = 'o-1'")
    insert, update = sim.call_log[-2:]
    for call in (insert, update):
        assert call.tables == ("orders",)
        assert call.read_units == 0
    assert insert.write_units == 2  # the item and its index entry
    assert update.write_units == 3  # the item, and the index entry moved: a delete and a put
    assert "orders via direct -> ok (3 WCU)" in update.describe()


def test_partiql_reads_are_logged_as_read_units(sim):
    statement(sim, "INSERT INTO orders VALUE {'pk': 'o-1', 'status': 'new'}")
    statement(sim, "SELECT * FROM orders WHERE pk = 'o-1'", ConsistentRead=True)
    call = sim.call_log.last
    assert (call.tables, call.read_units, call.write_units) == (("orders",), 1, 0)


def test_capacity_budget_refuses_partiql_updates(sim):
    statement(sim, "INSERT INTO orders VALUE {'pk': 'o-1', 'status': 'new'}")
    with pytest.raises(AssertionError, match="wrote 4 WCU, over the budget of 0"):
        with sim.capacity_budget(write=0):
            statement(sim, "UPDATE orders SET n = 1 WHERE pk = 'o-1'")
            statement(sim, "UPDATE orders SET n = 2 WHERE pk = 'o-1'")
    with sim.capacity_budget(write=0, table="users") as budget:  # the budget of another table
        statement(sim, "UPDATE orders SET status = 'done' WHERE pk = 'o-1'")
    assert budget.calls == []


def test_a_scanning_select_fails_assert_no_scan(sim):
    with pytest.raises(AssertionError, match=r"made 1 Scan call\(s\)"):
        with sim.assert_no_scan():
            statement(sim, "SELECT * FROM orders WHERE status = 'new'")
    with pytest.raises(AssertionError, match="expected no scan on table 'orders', got 1"):
        sim.call_log.assert_no_scan("orders")
    sim.call_log.assert_no_scan("users")
    with sim.assert_no_scan():  # reads by key, queries of the table or of an index do not scan
        statement(sim, "SELECT * FROM orders WHERE pk = 'o-1'")
        statement(sim, 'SELECT * FROM "orders"."by-status" WHERE status = \'new\'')
        sim.handle(
            "Query",
            {
                "TableName": "orders",
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "o-1"}},
            },
        )


def test_faults_and_verification_match_partiql_calls_by_table(sim):
    rule = sim.inject_fault("ExecuteStatement", error="ThrottlingException", table="orders", times=1)
    statement(sim, "INSERT INTO users VALUE {'pk': 'u-1'}")  # another table: no fault
    with pytest.raises(DynamoDBError, match="ThrottlingException"):
        statement(sim, "UPDATE orders SET status = 'paid' WHERE pk = 'o-1'")
    assert rule.fired == 1
    assert [call.tables for call in sim.verify_operation("ExecuteStatement", table="orders")] == [("orders",)]
    sim.call_log.assert_called("ExecuteStatement", table="users", times=1)


def test_faults_match_partiql_batches_and_transactions_by_any_of_their_tables(sim):
    sim.inject_fault(["BatchExecuteStatement", "ExecuteTransaction"], error="InternalServerError", table="users")
    with pytest.raises(DynamoDBError, match="InternalServerError"):
        sim.handle(
            "BatchExecuteStatement",
            {
                "Statements": [
                    {"Statement": "INSERT INTO orders VALUE {'pk': 'a'}"},
                    {"Statement": "DELETE FROM users WHERE pk = 'b'"},
                ]
            },
        )
    with pytest.raises(DynamoDBError, match="InternalServerError"):
        sim.handle("ExecuteTransaction", {"TransactStatements": [{"Statement": "INSERT INTO users VALUE {'pk': 'c'}"}]})
    sim.handle("ExecuteTransaction", {"TransactStatements": [{"Statement": "INSERT INTO orders VALUE {'pk': 'c'}"}]})


def test_latency_matches_partiql_calls_by_table(sim):
    sim.set_latency("*", seconds=5, table="orders", virtual=True)
    statement(sim, "SELECT * FROM users")
    assert sim.call_log.last.latency == 0
    statement(sim, "SELECT * FROM orders WHERE pk = 'o-1'")
    assert sim.call_log.last.latency == 5


def test_throughput_limits_throttle_partiql_statements_as_the_operations_they_stand_for():
    sim = dynasim.Simulator()
    sim.clock.freeze(1_000_000.0)
    create(sim, "slow", provisioned=1)
    sim.enable_throughput_limits()
    statement(sim, "INSERT INTO slow VALUE {'pk': 'a'}")  # the bucket's one second of writes
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceededException"):
        statement(sim, "UPDATE slow SET n = 1 WHERE pk = 'a'")
    statement(sim, "SELECT * FROM slow WHERE pk = 'a'", ConsistentRead=True)  # reads have their own bucket
    with pytest.raises(DynamoDBError, match="ProvisionedThroughputExceededException"):
        statement(sim, "SELECT * FROM slow WHERE pk = 'a'")
    sim.advance(1)
    statement(sim, "UPDATE slow SET n = 1 WHERE pk = 'a'")


def test_eventual_consistency_applies_to_partiql_selects(sim):
    sim.enable_eventual_consistency(lag=1.0, stale_read_probability=1.0, seed=0)
    statement(sim, "INSERT INTO orders VALUE {'pk': 'o-1', 'status': 'new'}")
    assert statement(sim, 'SELECT * FROM "orders"."by-status" WHERE status = \'new\'')["Items"] == []
    assert statement(sim, "SELECT * FROM orders WHERE pk = 'o-1'")["Items"] == []  # eventually consistent
    assert statement(sim, "SELECT * FROM orders WHERE pk = 'o-1'", ConsistentRead=True)["Items"] != []
    sim.advance(1.0)
    assert statement(sim, 'SELECT * FROM "orders"."by-status" WHERE status = \'new\'')["Items"] != []


def test_differential_replay_compares_a_scanning_selects_items_as_a_set():
    def filled():
        simulator = dynasim.Simulator()
        create(simulator)
        for name in ("a", "b", "c"):
            simulator.handle("PutItem", {"TableName": "orders", "Item": {"pk": {"S": name}, "status": {"S": "new"}}})
        return simulator

    select = {"Statement": "SELECT * FROM orders"}
    answered = filled().handle("ExecuteStatement", select)["Items"]
    recorded = Interaction(0, "dynamodb", "ExecuteStatement", select, 200, {"Items": list(reversed(answered))})
    report = simulate(Cassette(header(0.0, []), [recorded]), filled())
    assert report.ok, report.text()
    # The items of a query come in the key's order: there the order counts.
    by_status = {"Statement": 'SELECT * FROM "orders"."by-status" WHERE status = \'new\''}
    answered = filled().handle("ExecuteStatement", by_status)["Items"]
    recorded = Interaction(0, "dynamodb", "ExecuteStatement", by_status, 200, {"Items": list(reversed(answered))})
    assert not simulate(Cassette(header(0.0, []), [recorded]), filled()).ok


def test_seeding_follows_the_items_partiql_statements_wrote():
    table = {
        "TableName": "orders",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    recorded = [
        ("CreateTable", table),
        ("ExecuteStatement", {"Statement": "INSERT INTO orders VALUE {'pk': 'a', 'n': 1}"}),
        ("ExecuteStatement", {"Statement": "INSERT INTO orders VALUE {'pk': ?, 'n': 2}", "Parameters": [{"S": "b"}]}),
        ("BatchExecuteStatement", {"Statements": [{"Statement": "DELETE FROM orders WHERE pk = 'a'"}]}),
    ]
    tape = Cassette(
        header(0.0, []), [Interaction(n, "dynamodb", op, req, 200, {}) for n, (op, req) in enumerate(recorded)]
    )
    sim = dynasim.Simulator()
    assert seed(sim, tape) == {"orders": 1}
    assert sim.handle("Scan", {"TableName": "orders"})["Items"] == [{"pk": {"S": "b"}, "n": {"N": "2"}}]


def test_a_batch_naming_a_throttled_table_by_arn_returns_its_entries_unprocessed():
    sim = dynasim.Simulator()
    sim.clock.freeze(1_000_000.0)
    create(sim, "slow", provisioned=1)
    create(sim, "fast")
    sim.enable_throughput_limits()
    statement(sim, "INSERT INTO slow VALUE {'pk': 'a'}")  # the bucket's one second of writes
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/slow"
    writes = {
        arn: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}],
        "fast": [{"PutRequest": {"Item": {"pk": {"S": "c"}}}}],
    }
    response = sim.handle("BatchWriteItem", {"RequestItems": writes})
    assert response["UnprocessedItems"] == {arn: writes[arn]}
    assert sim.call_log.last.tables == ("slow", "fast")
