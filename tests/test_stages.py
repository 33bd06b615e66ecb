"""The doubles as stages of a call: a new double is one Stage class registered at an order, and
one Pattern type matches calls for fault rules, latency rules, call-log queries and assertions."""

from __future__ import annotations

import pytest

import dynasim
from dynasim.doubles import stages
from dynasim.doubles.matching import pattern
from dynasim.errors import DynamoDBError

TABLE = {
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
}
ITEM = {"TableName": "users", "Item": {"pk": {"S": "u1"}, "email": {"S": "a@x"}}}
BY_EMAIL = {
    "TableName": "users",
    "IndexName": "by-email",
    "KeyConditionExpression": "email = :e",
    "ExpressionAttributeValues": {":e": {"S": "a@x"}},
}


@pytest.fixture
def registered():
    """Register stage classes for the test only."""
    added = []

    def register(order, cls):
        stages.stage(order)(cls)
        added.append(cls)
        return cls

    yield register
    stages.REGISTERED[:] = [entry for entry in stages.REGISTERED if entry[1] not in added]


def test_a_new_double_is_one_stage_class(registered):
    seen = []

    class Recorder(stages.Stage):
        def __init__(self, hub):
            self.hub = hub

        def before(self, progress):
            seen.append(("before", progress.operation, progress.touches.tables))

        def around(self, progress, proceed):
            seen.append(("around", progress.call.applied))
            response = proceed()
            seen.append(("engine answered", sorted(response)))
            return response

        def after(self, progress, response):
            seen.append(("after", progress.call.applied))

        def finish(self, progress):
            seen.append(("finish", progress.call.error is None))

    registered(25, Recorder)
    sim = dynasim.Simulator()
    sim.handle("CreateTable", TABLE)
    seen.clear()
    sim.handle("PutItem", ITEM)
    assert seen == [
        ("before", "PutItem", ("users",)),
        ("around", False),
        ("engine answered", []),
        ("after", True),
        ("finish", True),
    ]
    assert sim.call_log.last.operation == "PutItem"  # the call log still records every call
    assert isinstance(sim._doubles.stage(Recorder), Recorder)


def test_stages_run_in_their_order_and_unwind_in_reverse(registered):
    seen = []

    def named(name):
        class Named(stages.Stage):
            def __init__(self, hub):
                pass

            def before(self, progress):
                seen.append(f"before {name}")

            def after(self, progress, response):
                seen.append(f"after {name}")

        return Named

    registered(35, named("late"))
    registered(5, named("early"))
    sim = dynasim.Simulator()
    sim.handle("ListTables", {})
    assert seen == ["before early", "before late", "after late", "after early"]


def test_a_stage_that_refuses_a_call_leaves_it_unapplied_and_logged(registered):
    class Closed(stages.Stage):
        def __init__(self, hub):
            self.active = False

        def before(self, progress):
            raise DynamoDBError("ServiceUnavailable", "closed for the test", 503)

    registered(15, Closed)
    sim = dynasim.Simulator()
    sim.handle("CreateTable", TABLE)
    gate = sim._doubles.stage(Closed)
    sim.handle("PutItem", ITEM)  # inactive: skipped
    gate.active = True
    with pytest.raises(DynamoDBError, match="closed for the test"):
        sim.handle("PutItem", {**ITEM, "Item": {"pk": {"S": "u2"}}})
    assert sim.call_log.last.error_code == "ServiceUnavailable" and not sim.call_log.last.applied
    gate.active = False
    assert sim.handle("Scan", {"TableName": "users", "ConsistentRead": True})["Count"] == 1


@pytest.fixture
def sim():
    simulator = dynasim.Simulator()
    simulator.handle("CreateTable", TABLE)
    simulator.handle("PutItem", ITEM)
    simulator.handle("Query", BY_EMAIL)
    simulator.handle("GetItem", {"TableName": "users", "Key": {"pk": {"S": "u1"}}})
    return simulator


def test_one_pattern_type_matches_logged_calls(sim):
    query, get = sim.call_log[2], sim.call_log[3]
    on_index = pattern(index="by-email")
    assert on_index(query) and not on_index(get)
    assert on_index.match(get) == (False, "reads no index, not 'by-email'")
    assert pattern("GetItem", table="users")(get)
    assert pattern("GetItem", table="orders").match(get) == (False, "table is 'users', not 'orders'")
    assert pattern(match={"Key": {"pk": {"S": "u1"}}})(get)
    assert pattern(match={"Key": {"pk": {"S": "u2"}}}).match(get) == (False, "request differs at Key.pk.S")
    either = pattern("PutItem") | pattern(index="by-email")
    assert [call.operation for call in sim.call_log if either(call)] == ["PutItem", "Query"]
    not_control = pattern(table="users") & ~pattern("CreateTable")
    assert [call.operation for call in sim.call_log if not_control(call)] == ["PutItem", "Query", "GetItem"]


def test_the_call_log_takes_a_pattern_and_an_index(sim):
    assert [call.operation for call in sim.call_log.filter(index="by-email")] == ["Query"]
    assert sim.call_log.count(pattern("PutItem") | pattern("GetItem")) == 2
    assert sim.call_log.filter(pattern(table="users"), error=False)[0].operation == "CreateTable"
    sim.call_log.assert_called(index="by-email", times=1)
    with pytest.raises(AssertionError, match="expected 1 Scan call\\(s\\) on table 'users' on index 'by-email', got 0"):
        sim.call_log.assert_called_once("Scan", table="users", index="by-email")


def test_fault_and_latency_rules_hold_the_same_pattern(sim):
    rule = sim.inject_fault("Query", error="ThrottlingException", table="users")
    latency = sim.set_latency("GetItem", seconds=2, table="users", virtual=True)
    assert rule.pattern(sim.call_log[2]) and not rule.pattern(sim.call_log[3])
    assert latency.pattern(sim.call_log[3]) and not latency.pattern(sim.call_log[2])
    with pytest.raises(DynamoDBError, match="ThrottlingException"):
        sim.handle("Query", BY_EMAIL)
    sim.handle("GetItem", {"TableName": "users", "Key": {"pk": {"S": "u1"}}})
    assert sim.call_log.last.latency == 2


def test_with_nothing_configured_a_call_runs_only_the_call_log():
    sim = dynasim.Simulator()

    def phases():
        return [[type(stage).__name__ for stage in phase] for phase in sim._doubles._phases]

    assert phases() == [[], [], [], ["RecordCalls"]]
    sim.inject_fault("PutItem", error="ThrottlingException")
    sim.set_latency("GetItem", seconds=1, virtual=True)
    sim.enable_throughput_limits()
    sim.enable_eventual_consistency()
    assert phases() == [
        ["Latency", "Faults", "Throughput"],
        ["Consistency"],
        ["Throughput", "Faults"],
        ["RecordCalls"],
    ]
    sim.clear_faults()
    sim.clear_latency()
    sim.disable_throughput_limits()
    sim.disable_eventual_consistency()
    assert phases() == [[], [], [], ["RecordCalls"]]
